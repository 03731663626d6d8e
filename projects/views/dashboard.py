from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from projects import summary
from projects.models import Policy, Project, Stream
from projects.tables import ProjectTable

from .base import TablesMixin


class DashboardView(LoginRequiredMixin, TablesMixin, TemplateView):
    """What needs the user's unit's attention, the programme by its six work streams, then
    every project, overdue first."""

    template_name = "projects/dashboard.html"
    export_name = "dashboard"

    def build_tables(self):
        return {"projects": ProjectTable(Project.objects.for_table().overdue_first())}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stats = summary.stream_stats()
        policies = summary.policies()
        context.update(
            streams={s.name.lower(): s for s in Stream},
            stats={s.name.lower(): stats[s.value] for s in Stream},
            survey=summary.survey_totals(),
            interception=summary.interception_batches(),
            construction=summary.construction_batches(),
            remediation=summary.remediation(),
            campaigns=[p for p in policies if p.kind == Policy.Kind.CAMPAIGN],
            regulations=[p for p in policies if p.kind == Policy.Kind.REGULATION],
            attention=summary.attention(self.request.user),
        )
        return context
