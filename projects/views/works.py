from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from projects.forms.filters import ProjectFilter
from projects.models import Channel, ProgressReport, Project
from projects.services.access import scope_of
from projects.services.queries import as_listed
from projects.tables.plans import MeasureTable
from projects.tables.works import ProgressReportTable, ProjectTable
from projects.views.base import ListPage, TablesMixin


class ProjectListView(ListPage):
    model = Project
    table_class = ProjectTable
    filterset_class = ProjectFilter
    template_name = "projects/works/project_list.html"
    export_name = "projects"

    def get_queryset(self):
        return Project.objects.for_table().overdue_first()


class ProjectDetailView(LoginRequiredMixin, TablesMixin, TemplateView):
    """A project with its monthly progress reports and cumulative investment."""

    template_name = "projects/works/project_detail.html"

    @property
    def export_name(self):
        return f"project-{self.kwargs['pk']}"

    def get_project(self):
        if not hasattr(self, "_project"):
            self._project = get_object_or_404(
                Project.objects.with_progress()
                .select_related(
                    "lead_unit",
                    "contractor",
                    "source",
                    "interceptionbatch",
                    "pipesurveycampaign",
                    "pipeconstructionbatch",
                )
                .prefetch_related(as_listed("channels", Channel), "techniques"),
                pk=self.kwargs["pk"],
            )
        return self._project

    def build_tables(self):
        project = self.get_project()
        reports = (
            ProgressReport.objects.filter(project=project)
            .with_cumulative()
            .select_related("reported_by")
        )
        return {
            "reports": ProgressReportTable(reports, scope=scope_of(self.request), project=project),
            "measures": MeasureTable(
                project.measures.select_related("technique", "project"),
                exclude=("project",),
            ),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.get_project()
        context["project"] = project
        context["can_report"] = scope_of(self.request).can_report_on(project)
        context["batch"] = getattr(project, "interceptionbatch", None)
        context["campaign"] = getattr(project, "pipesurveycampaign", None)
        context["construction"] = getattr(project, "pipeconstructionbatch", None)
        return context
