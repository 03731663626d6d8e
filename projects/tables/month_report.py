"""Tables of the monthly progress report: the projects of one work stream in one month, the
streams' totals, and the one-river-one-policy tasks. Rows are ``projects.ledger`` objects."""

import django_tables2 as tables
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .. import formatting
from ..models import Task
from . import BadgeColumn, MoneyColumn, OverdueColumn, PercentBarColumn, not_given

NO_REPORT = _("no report")


def chinese_date(value):
    return date_format(value, "DATE_FORMAT") if value else None


class DateTextColumn(tables.Column):
    """A date in the locale's long form (2018年12月31日), or “not given”."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_values", ())
        super().__init__(*args, **kwargs)

    def render(self, value):
        return chinese_date(value) or not_given()

    def value(self, value):
        return chinese_date(value) or ""


class ReportedMoneyColumn(MoneyColumn):
    """Money from the monthly reports: a dash, not “not given”, when there is none yet."""

    def render(self, value):
        return "—" if value is None else super().render(value)


class MonthProjectTable(tables.Table):
    """One stream's projects in the month, with the stream's subtotals in the footer."""

    project = tables.Column(
        verbose_name=_("Project"),
        linkify=lambda record: record.project.get_absolute_url(),
        footer=_("Subtotal"),
        order_by=("project__name",),
        attrs={"td": {"class": "name"}},
    )
    scale = tables.Column(
        verbose_name=_("Scale and content"), orderable=False, attrs={"td": {"class": "scale"}}
    )
    unit = tables.Column(verbose_name=_("Responsible unit"), default=not_given, orderable=False)
    investment = MoneyColumn(verbose_name=_("Total investment (10k yuan)"), total=True)
    planned_percent = tables.Column(
        verbose_name=pgettext_lazy("progress", "Planned"),
        empty_values=(),
        attrs={"td": {"class": "num"}},
    )
    actual_percent = tables.Column(
        verbose_name=pgettext_lazy("progress", "Actual"),
        empty_values=(),
        attrs={"td": {"class": "num"}},
    )
    this_month = ReportedMoneyColumn(verbose_name=_("This month (10k yuan)"), total=True)
    cumulative = ReportedMoneyColumn(verbose_name=_("Cumulative (10k yuan)"), total=True)
    problems = tables.Column(
        verbose_name=_("Problems"), default="", orderable=False, attrs={"td": {"class": "text"}}
    )
    next_month_plan = tables.Column(
        verbose_name=_("Next month's plan"),
        default="",
        orderable=False,
        attrs={"td": {"class": "text"}},
    )
    planned_end = DateTextColumn(verbose_name=_("Planned completion"))

    class Meta:
        template_name = "projects/includes/table.html"
        attrs = {"class": "table month-projects"}
        row_attrs = {"class": lambda record: "" if record.has_report else "no-report"}

    def render_project(self, record):
        return record.project.name

    def value_project(self, record):
        return record.project.name

    def render_planned_percent(self, record):
        if not record.has_report:
            return format_html('<span class="na">{}</span>', NO_REPORT)
        return formatting.percent(record.planned_percent) or "—"

    def value_planned_percent(self, record):
        return record.planned_percent

    def render_actual_percent(self, record):
        if not record.has_report:
            return format_html('<span class="na">{}</span>', NO_REPORT)
        text = formatting.percent(record.actual_percent)
        if record.behind:
            return format_html(
                '{} <span class="badge badge-warning">{}</span>', text, _("behind plan")
            )
        return text

    def value_actual_percent(self, record):
        return record.actual_percent if record.has_report else str(NO_REPORT)


class StreamTotalsTable(tables.Table):
    """The six streams' totals for the month and the grand total in the footer."""

    title = tables.Column(verbose_name=_("Work stream"), footer=_("Total"), orderable=False)
    projects = tables.Column(
        verbose_name=_("Number of projects"),
        accessor="lines",
        orderable=False,
        attrs={"td": {"class": "num"}, "tf": {"class": "num"}},
        footer=lambda table: sum(len(group.lines) for group in table.data),
    )
    reported = tables.Column(
        verbose_name=_("Reported this month"),
        orderable=False,
        attrs={"td": {"class": "num"}, "tf": {"class": "num"}},
        footer=lambda table: sum(group.reported for group in table.data),
    )
    investment = MoneyColumn(verbose_name=_("Total investment (10k yuan)"), total=True)
    this_month = MoneyColumn(verbose_name=_("This month (10k yuan)"), total=True)
    cumulative = MoneyColumn(verbose_name=_("Cumulative (10k yuan)"), total=True)

    class Meta:
        template_name = "projects/includes/table.html"
        orderable = False

    def render_title(self, record):
        return format_html(
            '<a href="#stream-{}"><span class="stream stream-{}">{}</span> {}</a>',
            record.stream.value,
            record.stream.value,
            record.stream.character,
            record.stream.label,
        )

    def value_title(self, record):
        return record.title

    def render_projects(self, value):
        return len(value)

    def value_projects(self, value):
        return len(value)


class MonthTaskTable(tables.Table):
    """Every one-river-one-policy task and where it stands."""

    channel = tables.Column(
        verbose_name=_("Channel"),
        accessor="plan__channel",
        linkify=True,
        order_by=("plan__channel__name",),
    )
    content = tables.Column(verbose_name=_("task"))
    lead_unit = tables.Column(verbose_name=_("Lead unit"), default=not_given)
    effective_deadline = DateTextColumn(verbose_name=_("Deadline"))
    status = BadgeColumn(verbose_name=_("Status"))
    progress = PercentBarColumn(verbose_name=_("Progress"))
    is_overdue = OverdueColumn()

    class Meta:
        model = Task
        template_name = "projects/includes/table.html"
        fields = (
            "channel",
            "content",
            "lead_unit",
            "effective_deadline",
            "status",
            "progress",
            "is_overdue",
        )
