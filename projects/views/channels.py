from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from projects.forms.filters import ChannelFilter
from projects.models import (
    Channel,
    Measure,
    PatrolRecord,
    Problem,
    Project,
    Responsibility,
    Sample,
    Target,
    Task,
)
from projects.services.access import scope_of
from projects.services.complaint_queries import channel_complaints, complaints_of
from projects.services.water_quality import channel_water_quality
from projects.tables.channels import ChannelTable
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


class ChannelDetailView(LoginRequiredMixin, TablesMixin, TemplateView):
    """The channel with its one-river-one-policy plan (five lists, the measures with their
    status and photos) beside the progress of its tasks and projects, and what keeps the plan
    from being complete; its water quality: the condition the samples give, their trends and
    the samples themselves; its patrols: the posts covering it and its latest patrols."""

    template_name = "projects/channels/channel_detail.html"

    def get_channel(self):
        if not hasattr(self, "_channel"):
            last_patrol = PatrolRecord.objects.filter(channel=OuterRef("pk")).order_by(
                "-patrolled_at"
            )
            self._channel = get_object_or_404(
                Channel.objects.with_condition()
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

    def build_tables(self):
        channel = self.get_channel()
        plan = self.get_plan()
        projects = Project.objects.filter(channels=channel).for_table().overdue_first()
        samples = Sample.objects.filter(point__channel=channel).select_related("point")
        tables = {
            "projects": ChannelProjectTable(projects),
            "samples": SampleTable(samples),
            "patrols": ChannelPatrolTable(patrol_records().filter(channel=channel)),
        }
        if plan is None:
            return tables
        tasks = Task.objects.filter(plan=plan)
        return {
            "problems": ChannelProblemTable(
                complaints_of(Problem.objects.filter(plan=plan).with_task_count())
            ),
            "targets": TargetTable(Target.objects.filter(plan=plan)),
            "tasks": TaskPlanTable(tasks.prefetch_related("problems", "targets")),
            "measures": ChannelMeasureTable(
                Measure.objects.filter(plan=plan).select_related("technique", "project"),
                photos=measure_photos(plan),
            ),
            "responsibilities": ResponsibilityTable(
                Responsibility.objects.filter(plan=plan).select_related("unit")
            ),
            "progress": TaskProgressTable(tasks.for_table(), scope=scope_of(self.request)),
            **tables,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        channel = self.get_channel()
        plan = self.get_plan()
        context["channel"] = channel
        context["plan"] = plan
        context["water"] = channel_water_quality(channel)
        context["patrol_posts"] = channel_patrol_posts(channel)
        context["complaints"], context["complaint_count"] = channel_complaints(channel)
        context["complaint_list_url"] = f"{reverse('projects:complaint-list')}?channel={channel.pk}"
        if plan is not None:
            context["warnings"] = plan.completeness_warnings(
                Problem.objects.filter(plan=plan).with_task_count(),
                Task.objects.filter(plan=plan).only(
                    "content", "lead_unit", "responsible_person", "deadline"
                ),
            )
        return context
