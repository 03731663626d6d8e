"""Projects and their monthly progress reports."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from projects.core import formatting
from projects.models import (
    ProgressReport,
    Project,
)
from projects.tables.columns import (
    BadgeColumn,
    DateColumn,
    MoneyColumn,
    NotGivenColumn,
    OverdueColumn,
    PercentBarColumn,
    ScopedTable,
    not_given,
    percent_value,
)


class ProjectTable(tables.Table):
    name = tables.Column(linkify=True, attrs={"td": {"class": "name"}})
    stream = tables.Column()
    status = BadgeColumn()
    percent = PercentBarColumn(verbose_name=_("Progress"))
    is_overdue = OverdueColumn(deadline="planned_end")
    investment_wan = MoneyColumn(verbose_name=_("Investment (10k yuan)"))
    cumulative_investment_wan = MoneyColumn(verbose_name=_("Invested to date (10k yuan)"))
    lead_unit = NotGivenColumn()
    planned_end = DateColumn(default=not_given)
    channels = tables.ManyToManyColumn(separator="、", orderable=False, linkify_item=True)

    class Meta:
        model = Project
        fields = (
            "name",
            "stream",
            "status",
            "percent",
            "is_overdue",
            "investment_wan",
            "cumulative_investment_wan",
            "lead_unit",
            "planned_end",
            "channels",
        )

    def render_stream(self, record, value):
        return format_html(
            '<span class="stream stream-{}" title="{}">{}</span>',
            record.stream,
            value,
            record.stream_character,
        )

    def value_stream(self, record, value):
        return f"{record.stream_character} {value}"


class ChannelProjectTable(ProjectTable):
    class Meta(ProjectTable.Meta):
        exclude = ("channels", "planned_end")


class ProgressReportTable(ScopedTable):
    month = DateColumn(format="Y-m")
    planned_percent = tables.Column(attrs={"td": {"class": "num"}}, default="—")
    percent_complete = PercentBarColumn()
    investment_this_month_wan = MoneyColumn(total=True)
    cumulative_investment_wan = MoneyColumn(verbose_name=_("Cumulative investment (10k yuan)"))
    reported_by = tables.Column(default="")

    class Meta:
        model = ProgressReport
        fields = (
            "month",
            "planned_percent",
            "percent_complete",
            "investment_this_month_wan",
            "cumulative_investment_wan",
            "problems",
            "next_month_plan",
            "note",
            "reported_by",
            "actions",
        )
        order_by = ("month",)

    def __init__(self, *args, project=None, **kwargs):
        self.project = project
        super().__init__(*args, **kwargs)

    def render_planned_percent(self, value):
        return formatting.percent(value)

    def value_planned_percent(self, value):
        return percent_value(value)

    def render_actions(self, record):
        if self.scope is None or not self.scope.can_correct_report(record, self.project):
            return ""
        return format_html(
            '<a href="{}" class="button">{}</a>',
            reverse("projects:report-update", args=[record.pk]),
            _("Correct"),
        )
