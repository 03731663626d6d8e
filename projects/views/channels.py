from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, OuterRef, Subquery, Window
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from projects.forms.filters import ChannelFilter
from projects.models import (
    Channel,
    Measure,
    Outfall,
    PatrolRecord,
    Problem,
    Project,
    Responsibility,
    Sample,
    Target,
    Task,
)
from projects.services.access import scope_of
from projects.services.chiefs import channel_chiefs
from projects.services.complaint_queries import channel_complaints, complaints_of
from projects.services.map_layers import channel_map
from projects.services.water_quality import channel_water_quality
from projects.services.water_targets import TargetStatus, with_target_status
from projects.tables.channels import ChannelTable
from projects.tables.outfalls import ChannelOutfallTable
from projects.tables.patrols import ChannelMeasureTable, ChannelPatrolTable
from projects.tables.plans import ResponsibilityTable, TargetTable, TaskPlanTable, TaskProgressTable
from projects.tables.problem_complaints import ChannelProblemTable
from projects.tables.water import SampleTable
from projects.tables.works import ChannelProjectTable
from projects.views.base import ListPage, TablesMixin
from projects.views.patrols import channel_patrol_posts, measure_photos, patrol_records


class ChannelListView(ListPage):
    model = Channel
    table_class = ChannelTable
    filterset_class = ChannelFilter
    template_name = "projects/channels/channel_list.html"
    export_name = "channels"

    def get_queryset(self):
        return Channel.objects.for_list()


# The latest rows the channel page shows of a secondary table (samples, projects, patrols);
# the table's download holds them all, and a link leads to them all.
LATEST = 10


class ChannelDetailView(LoginRequiredMixin, TablesMixin, TemplateView):
    """The channel with its one-river-one-policy plan (five lists, the measures with their
    status and photos) beside the progress of its tasks and projects, and what keeps the plan
    from being complete; its water quality: the condition the samples give, their trends and
    the latest samples; its patrols: the posts covering it and its latest patrols.

    The plan's lists are shown whole (a plan has a handful of rows in each); the task list and
    the progress table share one query, and the completeness warnings read the rows of the
    problem list and of the tasks. The samples, the projects and the patrols show their latest
    ``LATEST`` rows with how many there are (a window count in the same query) and a link to
    all of them. No table is paginated, so no table costs a count query."""

    template_name = "projects/channels/channel_detail.html"
    per_page = None

    def get_channel(self):
        if not hasattr(self, "_channel"):
            last_patrol = PatrolRecord.objects.filter(channel=OuterRef("pk")).order_by(
                "-patrolled_at"
            )
            self._channel = get_object_or_404(
                with_target_status(Channel.objects.with_condition())
                .annotate(last_patrolled_at=Subquery(last_patrol.values("patrolled_at")[:1]))
                .select_related(
                    "street",
                    "maintaining_unit",
                    "source",
                    "plan__compiled_by",
                    "plan__approved_by",
                    "plan__source",
                ),
                pk=self.kwargs["pk"],
            )
        return self._channel

    @property
    def export_name(self):
        return f"channel-{self.kwargs['pk']}"

    def get_plan(self):
        return getattr(self.get_channel(), "plan", None)

    def latest(self, name, rows):
        """``rows`` (ordered) whole when the request downloads table ``name``; else their first
        ``LATEST``, each annotated with ``total``, the number of rows in all."""
        if self.request.GET.get("_table") == name:
            return rows
        return rows.annotate(total=Window(Count("pk")))[:LATEST]

    def build_tables(self):
        channel = self.get_channel()
        plan = self.get_plan()
        # ChannelProjectTable shows no channels column: no channels prefetched.
        projects = (
            Project.objects.filter(channels=channel)
            .with_progress()
            .select_related("lead_unit")
            .overdue_first()
        )
        samples = (
            Sample.objects.filter(point__channel=channel)
            .select_related("point")
            .order_by("-sampled_at", "-pk")
        )
        # The patrols of this channel: no place column, so neither channel nor pumping station
        # joined (fewer joins: a third of the planning time).
        patrols = (
            patrol_records()
            .select_related(None)
            .select_related("post__station", "problem__plan", "complaint")
            .filter(channel=channel)
            .order_by("-patrolled_at", "-pk")
        )
        # The channel's outfalls by code (their first ``LATEST``; the register holds them all).
        outfalls = Outfall.objects.filter(channel=channel).select_related("plant").order_by("code")
        self.latest_rows = {
            "projects": self.latest("projects", projects),
            "samples": self.latest("samples", samples),
            "patrols": self.latest("patrols", patrols),
            "outfalls": self.latest("outfalls", outfalls),
        }
        latest = {"order_by": (), "orderable": False}
        tables = {
            "projects": ChannelProjectTable(self.latest_rows["projects"], **latest),
            "samples": SampleTable(self.latest_rows["samples"], **latest),
            "patrols": ChannelPatrolTable(self.latest_rows["patrols"], **latest),
            "outfalls": ChannelOutfallTable(self.latest_rows["outfalls"], **latest),
        }
        if plan is None:
            return tables
        self.problems = complaints_of(Problem.objects.filter(plan=plan).with_task_count())
        self.tasks = (
            Task.objects.filter(plan=plan).for_table().prefetch_related("problems", "targets")
        )
        return {
            "problems": ChannelProblemTable(self.problems),
            "targets": TargetTable(Target.objects.filter(plan=plan)),
            "tasks": TaskPlanTable(self.tasks),
            "measures": ChannelMeasureTable(
                Measure.objects.filter(plan=plan).select_related("technique", "project"),
                photos=measure_photos(plan),
            ),
            "responsibilities": ResponsibilityTable(
                Responsibility.objects.filter(plan=plan).select_related("unit")
            ),
            "progress": TaskProgressTable(self.tasks, scope=scope_of(self.request)),
            **tables,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        channel = self.get_channel()
        plan = self.get_plan()
        context["channel"] = channel
        context["plan"] = plan
        context["water"] = channel_water_quality(channel)
        context["channel_map"] = channel_map(channel)  # None without a place: no map
        context["target_status_label"] = TargetStatus(channel.target_status).label
        context["patrol_posts"] = channel_patrol_posts(channel)
        context["channel_chiefs"] = channel_chiefs(channel)
        context["complaints"], context["complaint_count"] = channel_complaints(channel)
        context["complaint_list_url"] = f"{reverse('projects:complaint-list')}?channel={channel.pk}"
        context["latest"] = {}
        for name, rows in self.latest_rows.items():
            if name != self.request.GET.get("_table"):  # a download reads its rows itself
                rows = list(rows)  # the table shows these, read once
                total = rows[0].total if rows else 0
                context["latest"][name] = {"shown": len(rows), "total": total}
        context["patrol_list_url"] = f"{reverse('projects:patrol-list')}?channel={channel.pk}"
        context["project_list_url"] = f"{reverse('projects:project-list')}?channel={channel.pk}"
        context["outfall_list_url"] = f"{reverse('projects:outfall-list')}?channel={channel.pk}"
        if plan is not None:
            # The rows the problem list and the task tables show (read once, here).
            context["warnings"] = plan.completeness_warnings(self.problems, self.tasks)
        return context
