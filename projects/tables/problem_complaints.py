"""A channel's problem list with the complaints that concern each problem (a complaint names
its plan problem, ``Complaint.problem``)."""

import django_tables2 as tables
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from projects.tables.plans import ProblemTable


class ChannelProblemTable(ProblemTable):
    """``ProblemTable`` with a column of each problem's complaints, linked, with their stage.
    Give it problems with ``complaints`` prefetched
    (``projects.services.complaint_queries.complaints_of``)."""

    complaints = tables.Column(verbose_name=_("Complaints"), empty_values=(), orderable=False)

    class Meta(ProblemTable.Meta):
        fields = (*ProblemTable.Meta.fields, "complaints")

    def render_complaints(self, record):
        complaints = list(record.complaints.all())
        if not complaints:
            return "—"
        return format_html_join(
            " ",
            '<a href="{}">{}</a> <span class="badge stage stage-{}">{}</span>',
            ((c.get_absolute_url(), c.number, c.stage, c.get_stage_display()) for c in complaints),
        )

    def value_complaints(self, record):
        return " ".join(c.number for c in record.complaints.all())
