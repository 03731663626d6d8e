"""Tables of the monthly progress report: the projects of one work stream in one month, the
streams' totals, the one-river-one-policy tasks as they stood at the month's end, and the
complaints received and patrols done in the month. Rows are ``projects.services.ledger`` and
``projects.services.month_status`` objects.

An empty field says why it is empty: 原文未载明 on a row that cites the source article, 未填写
on a record the office created. A subtotal over unknown values is shown as the known sum with
what is missing (``projects.services.totals``), never as if the unknowns were zero."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.core import formatting
from projects.services.exports import Percent
from projects.services.totals import Total, blank_label, missing_text, sum_text, total_text
from projects.tables.columns import OverdueColumn, PercentBarColumn

NO_REPORT = _("no report")
NUM = {"td": {"class": "num"}, "th": {"class": "num"}, "tf": {"class": "num"}}


def chinese_date(value):
    return date_format(value, "DATE_FORMAT") if value else None


def local_minutes(value):
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def blank_html(sourced):
    """The empty field of a row: 原文未载明 (the article cites no value) or 未填写."""
    return format_html('<span class="na">{}</span>', blank_label(sourced))


def total_html(total):
    """A subtotal: the sum; “≥ sum” with what is missing; or why nothing is known."""
    if total.is_empty:
        return "—"
    if total.is_complete:
        return formatting.wan(total.known)
    if total.is_partial:
        return format_html(
            '<span class="partial-sum">{}</span> <small class="na partial">({})</small>',
            sum_text(total),
            missing_text(total),
        )
    return format_html(
        '<span class="na" title="{}">{}</span>', missing_text(total), total_text(total)
    )


def total_value(total):
    """A subtotal in an export: the number when every value is known, else the label."""
    if total.is_empty:
        return ""
    return total.known if total.is_complete else total_text(total)


class TotalColumn(tables.Column):
    """Money in 万元. Rows whose value is a ``Total`` show it as one; the footer shows the
    ``Total`` of the table's ``totals`` object (a stream group or the whole ledger)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUM)
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("orderable", False)
        kwargs["footer"] = self.footer_total
        super().__init__(*args, **kwargs)

    def footer_total(self, table, bound_column):
        totals = getattr(table, "totals", None)
        if totals is None:
            return ""
        return total_html(getattr(totals, bound_column.name))

    def render(self, value):
        return total_html(value) if isinstance(value, Total) else formatting.wan(value)

    def value(self, value):
        return total_value(value) if isinstance(value, Total) else value


class ReportedMoneyColumn(TotalColumn):
    """Money from the monthly reports: a dash, not “not given”, when there is none yet."""

    def render(self, value):
        return "—" if value is None else super().render(value)


class DateTextColumn(tables.Column):
    """A date in the locale's long form (2018年12月31日), or why it is empty."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("attrs", {"td": {"class": "date"}})
        super().__init__(*args, **kwargs)

    def render(self, value, record):
        return chinese_date(value) or blank_html(record.sourced)

    def value(self, value, record):
        # A date cell; an empty one says why it is empty.
        return value if value else str(blank_label(record.sourced))


class WithTotals:
    """A table built with ``totals=``: the object whose ``Total`` attributes fill its footer;
    and ``can_report=``: whether the user may file a monthly report on a project."""

    def __init__(self, *args, totals=None, can_report=None, **kwargs):
        self.totals = totals
        self.can_report = can_report
        super().__init__(*args, **kwargs)


class MonthProjectTable(WithTotals, tables.Table):
    """One stream's projects in the month, with the stream's subtotals in the footer."""

    project = tables.Column(
        verbose_name=_("Project"),
        linkify=lambda record: record.project.get_absolute_url(),
        footer=_("Subtotal"),
        order_by=("project__name",),
        attrs={"td": {"class": "name"}},
    )
    scale = tables.Column(
        verbose_name=_("Scale and content"),
        orderable=False,
        empty_values=(),
        attrs={"td": {"class": "scale"}},
    )
    unit = tables.Column(verbose_name=_("Responsible unit"), empty_values=(), orderable=False)
    investment = TotalColumn(verbose_name=_("Total investment (10k yuan)"))
    planned_percent = tables.Column(
        verbose_name=pgettext_lazy("progress", "Planned"), empty_values=(), attrs=NUM
    )
    actual_percent = tables.Column(
        verbose_name=pgettext_lazy("progress", "Actual"), empty_values=(), attrs=NUM
    )
    this_month = ReportedMoneyColumn(verbose_name=_("This month (10k yuan)"))
    cumulative = ReportedMoneyColumn(verbose_name=_("Cumulative (10k yuan)"))
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

    export_title = _("Projects")

    class Meta:
        template_name = "projects/includes/table.html"
        attrs = {"class": "table month-projects"}
        row_attrs = {"class": lambda record: "" if record.has_report else "no-report"}

    def render_project(self, record):
        return record.project.name

    def value_project(self, record):
        return record.project.name

    def render_scale(self, value, record):
        return value or blank_html(record.sourced)

    def render_unit(self, value, record):
        return value or blank_html(record.sourced)

    def value_unit(self, value, record):
        return str(value or record.blank)

    def value_scale(self, value, record):
        return value or str(record.blank)

    def render_investment(self, value, record):
        return formatting.wan(value) if value is not None else blank_html(record.sourced)

    def value_investment(self, value, record):
        return value if value is not None else str(record.blank)

    def render_planned_percent(self, record):
        if not record.has_report:
            return format_html('<span class="na">{}</span>', NO_REPORT)
        return formatting.percent(record.planned_percent) or "—"

    def value_planned_percent(self, record):
        return None if record.planned_percent is None else Percent(record.planned_percent)

    def render_actual_percent(self, record):
        if not record.has_report:
            if self.can_report and self.can_report(record.project):
                return format_html(
                    '<span class="na">{}</span> <a class="file-report" href="{}">{}</a>',
                    NO_REPORT,
                    reverse("projects:report-create", args=[record.project.pk]),
                    _("File monthly report"),
                )
            return format_html('<span class="na">{}</span>', NO_REPORT)
        text = formatting.percent(record.actual_percent)
        if record.behind:
            return format_html(
                '{} <span class="badge badge-warning">{}</span>', text, _("behind plan")
            )
        return text

    def value_actual_percent(self, record):
        if not record.has_report:
            return str(NO_REPORT)
        return None if record.actual_percent is None else Percent(record.actual_percent)


class StreamTotalsTable(WithTotals, tables.Table):
    """The six streams' totals for the month and the grand total in the footer; each stream
    links to its projects (``stream_url(stream)``, by default an anchor on the page)."""

    title = tables.Column(verbose_name=_("Work stream"), footer=_("Total"), orderable=False)
    projects = tables.Column(
        verbose_name=_("Number of projects"),
        accessor="count",
        orderable=False,
        attrs=NUM,
        footer=lambda table: sum(group.count for group in table.data),
    )
    reported = tables.Column(
        verbose_name=_("Reported this month"),
        orderable=False,
        attrs=NUM,
        footer=lambda table: sum(group.reported for group in table.data),
    )
    investment = TotalColumn(verbose_name=_("Total investment (10k yuan)"))
    this_month = TotalColumn(verbose_name=_("This month (10k yuan)"))
    cumulative = TotalColumn(verbose_name=_("Cumulative (10k yuan)"))

    export_title = _("Work streams")

    class Meta:
        template_name = "projects/includes/table.html"
        attrs = {"class": "table month-totals-table"}
        orderable = False

    def __init__(self, *args, stream_url=None, **kwargs):
        self.stream_url = stream_url or (lambda stream: f"#stream-{stream.value}")
        super().__init__(*args, **kwargs)

    def render_title(self, record):
        return format_html(
            '<a href="{}"><span class="stream stream-{}">{}</span> {}</a>',
            self.stream_url(record.stream),
            record.stream.value,
            record.stream.character,
            record.stream.label,
        )

    def value_title(self, record):
        return record.title


class MonthTaskTable(tables.Table):
    """Every one-river-one-policy task and where it stood on the ledger's date
    (``month_status.TaskLine``)."""

    channel = tables.Column(
        verbose_name=_("Channel"),
        linkify=lambda record: record.channel.get_absolute_url() if record.channel else None,
        order_by=("channel_name",),
        default="—",
    )
    content = tables.Column(verbose_name=_("task"))
    lead_unit = tables.Column(verbose_name=_("Lead unit"), empty_values=(), orderable=False)
    effective_deadline = DateTextColumn(verbose_name=_("Deadline"), orderable=False)
    status = tables.Column(verbose_name=_("Status"), empty_values=(), orderable=False)
    progress = PercentBarColumn(verbose_name=_("Progress"), orderable=False)
    is_overdue = OverdueColumn(orderable=False, deadline="effective_deadline")

    export_title = _("Tasks")

    class Meta:
        template_name = "projects/includes/table.html"
        attrs = {"class": "table month-tasks"}

    def render_lead_unit(self, value, record):
        return value or blank_html(record.sourced)

    def value_lead_unit(self, value, record):
        return str(value or blank_label(record.sourced))

    def render_effective_deadline(self, value, record):
        if not record.recorded:
            return "—"
        return self.columns["effective_deadline"].column.render(value, record)

    def value_effective_deadline(self, value, record):
        if not record.recorded:
            return ""
        return self.columns["effective_deadline"].column.value(value, record)

    def render_status(self, record):
        if not record.recorded:
            return format_html('<span class="badge na">{}</span>', record.status_display)
        return format_html(
            '<span class="badge badge-{}">{}</span>', record.status, record.status_display
        )

    def value_status(self, record):
        return str(record.status_display)

    def render_progress(self, value, record):
        if not record.recorded:
            return ""
        return self.columns["progress"].column.render(value, record)


class MonthComplaintTable(tables.Table):
    """The complaints received in the month, the stage each had reached by its end and its
    reports by then (``month_status.ComplaintLine``)."""

    number = tables.Column(
        verbose_name=_("number"),
        accessor="complaint__number",
        linkify=lambda record: record.complaint.get_absolute_url(),
        orderable=False,
        attrs={"td": {"class": "nowrap"}},
    )
    received_at = tables.Column(
        verbose_name=_("received at"), accessor="complaint__received_at", orderable=False
    )
    report_count = tables.Column(
        verbose_name=_("Reports"),
        orderable=False,
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )
    place = tables.Column(verbose_name=_("location"), empty_values=(), orderable=False)
    description = tables.Column(
        verbose_name=_("description"), accessor="complaint__description", orderable=False
    )
    assigned_unit = tables.Column(
        verbose_name=_("assigned unit"),
        accessor="complaint__assigned_unit",
        default="—",
        orderable=False,
    )
    deadline = tables.Column(
        verbose_name=_("deadline"), accessor="complaint__deadline", default="—", orderable=False
    )
    stage = tables.Column(verbose_name=_("Stage at month end"), orderable=False)
    is_overdue = OverdueColumn(orderable=False, deadline="complaint__deadline")

    export_title = _("Complaints")

    class Meta:
        template_name = "projects/includes/table.html"
        attrs = {"class": "table month-complaints"}

    def render_received_at(self, value):
        return local_minutes(value)

    def value_received_at(self, value):
        return value  # a date-time cell, local time (projects.services.exports)

    def render_place(self, record):
        complaint = record.complaint
        if complaint.channel_id:
            return f"{complaint.location}({complaint.channel.name})"
        return complaint.location

    def render_description(self, value):
        return Truncator(value).chars(80)

    def value_description(self, value):
        return value

    def render_deadline(self, value):
        return chinese_date(value)

    def value_deadline(self, value):
        return value  # a date cell

    def render_stage(self, record):
        return format_html(
            '<span class="badge stage stage-{}">{}</span>', record.stage, record.stage_display
        )

    def value_stage(self, record):
        return str(record.stage_display)


class MonthPatrolTable(tables.Table):
    """The patrols done in the month (``PatrolRecord`` rows)."""

    patrolled_at = tables.Column(
        verbose_name=_("Time"),
        linkify=lambda record: record.get_absolute_url(),
        orderable=False,
        attrs={"td": {"class": "time"}},
    )
    station = tables.Column(
        verbose_name=_("Municipal station"), accessor="post__station", orderable=False
    )
    post = tables.Column(verbose_name=_("Post"), accessor="post__name", orderable=False)
    place = tables.Column(verbose_name=_("Place"), empty_values=(), orderable=False)
    kind = tables.Column(verbose_name=_("Work done"), orderable=False)
    patroller = tables.Column(verbose_name=_("patroller"), default="", orderable=False)
    findings = tables.Column(verbose_name=_("findings"), default="", orderable=False)
    action_taken = tables.Column(verbose_name=_("action taken"), default="", orderable=False)

    export_title = _("Patrols")

    class Meta:
        template_name = "projects/includes/table.html"
        attrs = {"class": "table month-patrols"}

    def render_patrolled_at(self, value):
        return local_minutes(value)

    def value_patrolled_at(self, value):
        return value  # a date-time cell, local time (projects.services.exports)

    def render_place(self, record):
        place = record.channel or record.pumping_station
        return place.name if place else "—"

    def render_kind(self, record):
        return record.get_kind_display()

    def value_kind(self, record):
        return str(record.get_kind_display())
