from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from projects.core.months import this_month
from projects.models import Policy, Project, Stream
from projects.services import overview, summary
from projects.services.alert_rules import Kind, Severity
from projects.services.water_targets import TargetStatus
from projects.tables.overview import OverviewProjectTable
from projects.views.base import TablesMixin


def overdue_task_count(attention):
    """The number of overdue plan tasks when the "needs attention" panel has counted them all
    (an administrator's: every unit's, by the same rule as ``Task.objects.overdue``), else
    None (the overview counts them)."""
    if not attention or not attention["all_units"]:
        return None
    return attention["numbers"].get((Kind.TASK.value, Severity.OVERDUE.value), 0)


class DashboardView(LoginRequiredMixin, TablesMixin, TemplateView):
    """The director's overview (black-odorous channels by name, what is overdue, the complaint
    figures), what needs the user's unit's attention, the programme by its six work streams,
    then every project, overdue first."""

    template_name = "projects/dashboard.html"
    export_name = "dashboard"
    # The overview's projects: the ten most overdue a page (the project list has them all, with
    # its filters); downloads hold every row.
    per_page = 10

    def build_tables(self):
        return {"projects": OverviewProjectTable(Project.objects.for_table().overdue_first())}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stats = summary.stream_stats()
        policies = summary.policies()
        remediation = summary.remediation()
        black_odorous_counts = overview.black_odorous_counts(remediation["conditions"])
        target_counts = overview.target_counts()
        attention = summary.attention(
            self.request.user, missed_targets=target_counts[TargetStatus.MISSED]
        )
        context.update(
            streams={s.name.lower(): s for s in Stream},
            stats={s.name.lower(): stats[s.value] for s in Stream},
            survey=summary.survey_totals(),
            interception=summary.interception_batches(),
            construction=summary.construction_batches(),
            remediation=remediation,
            campaigns=[p for p in policies if p.kind == Policy.Kind.CAMPAIGN],
            regulations=[p for p in policies if p.kind == Policy.Kind.REGULATION],
            attention=attention,
            black_odorous=overview.black_odorous_channels(black_odorous_counts),
            black_odorous_counts=black_odorous_counts,
            overdue=overview.overdue(tasks=overdue_task_count(attention)),
            this_month=this_month(),
            complaint_figures=overview.complaint_figures(),
            target_counts=target_counts,
        )
        return context
