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
from projects.services.totals import BLANK_LABELS, NOT_REPORTED
from projects.tables.cells import wan
from projects.tables.columns import (
    BadgeColumn,
    BlankReasonColumn,
    BlankReasonDateColumn,
    BlankReasonMoneyColumn,
    DateColumn,
    MoneyColumn,
    OverdueColumn,
    PercentBarColumn,
    ScopedTable,
    percent_value,
)


class ProjectTable(tables.Table):
    name = tables.Column(linkify=True, attrs={"td": {"class": "name"}})
    stream = tables.Column()
    status = BadgeColumn()
    percent = PercentBarColumn(verbose_name=_("Progress"))
    is_overdue = OverdueColumn(deadline="planned_end")
    # An empty field: 原文未载明 on a project citing the article, 未填写 on the office's own.
    investment_wan = BlankReasonMoneyColumn(verbose_name=_("Investment (10k yuan)"))
    # The sum of the monthly reports: none filed yet is 未填报, whoever recorded the project.
    cumulative_investment_wan = MoneyColumn(verbose_name=_("Invested to date (10k yuan)"))
    lead_unit = BlankReasonColumn()
    planned_end = BlankReasonDateColumn()
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

    def render_cumulative_investment_wan(self, value):
        if value is None:
            return format_html('<span class="na">{}</span>', BLANK_LABELS[NOT_REPORTED])
        return wan(value)

    def value_cumulative_investment_wan(self, value):
        return str(BLANK_LABELS[NOT_REPORTED]) if value is None else value


class ChannelProjectTable(ProjectTable):
    class Meta(ProjectTable.Meta):
        exclude = ("channels", "planned_end")


class ProgressReportTable(ScopedTable):
    month = DateColumn(format="Y-m")
    planned_percent = tables.Column(attrs={"td": {"class": "num"}}, default="—")
    percent_complete = PercentBarColumn()
    # A report is the office's own: an empty amount is 未填写.
    investment_this_month_wan = BlankReasonMoneyColumn(total=True)
    cumulative_investment_wan = BlankReasonMoneyColumn(
        verbose_name=_("Cumulative investment (10k yuan)")
    )
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
