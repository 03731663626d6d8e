"""The dashboard's project table: its 已超期 column is never blank."""

from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from projects.models import Project
from projects.tables.columns import OverdueColumn
from projects.tables.works import ProjectTable

NO_PLANNED_END = _("No planned end is given: whether it is overdue cannot be told.")
CLOSED = (Project.Status.COMPLETED, Project.Status.CANCELLED)


class OverdueOrNotColumn(OverdueColumn):
    """已超期 as a badge; otherwise said plainly: 否 when the planned end has not passed or the
    project is completed or cancelled, — (with the reason as its title) when no planned end is
    given, so nobody can tell."""

    def render(self, value, record):
        if value:
            return super().render(value, record)
        if record.planned_end is None and record.status not in CLOSED:
            return format_html('<span class="na" title="{}">—</span>', NO_PLANNED_END)
        return _("No")

    def value(self, value, record):
        if value:
            return _("Overdue")
        if record.planned_end is None and record.status not in CLOSED:
            return "—"
        return _("No")


class OverviewProjectTable(ProjectTable):
    is_overdue = OverdueOrNotColumn()
