"""Complaints: the list of every complaint, and the counts and handling times per unit."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from projects.models import Complaint
from projects.tables.columns import DateColumn, DateTimeColumn, OverdueColumn


def days_text(days):
    """An average duration in days, one decimal: “2.5 天”."""
    if days is None:
        return None
    return gettext("%(days)s days") % {"days": f"{days:.1f}"}


class StageColumn(tables.Column):
    """A complaint's stage as a badge coloured by stage (``stage-<value>``)."""

    def render(self, value, record):
        return format_html('<span class="badge stage stage-{}">{}</span>', record.stage, value)

    def value(self, value):
        return value


def coordinate(record, index):
    point = (record.geometry or {}).get("coordinates") or ()
    return point[index] if len(point) > index else ""


class ComplaintTable(tables.Table):
    number = tables.Column(linkify=True, attrs={"td": {"class": "nowrap"}})
    received_at = DateTimeColumn()
    source = tables.Column()
    report_count = tables.Column(
        verbose_name=_("Reports"), attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )
    location = tables.Column(attrs={"td": {"class": "name"}})
    # In the export, not on the page: where on the map, the outfall, the plan problem and the
    # cause.
    longitude = tables.Column(
        verbose_name=_("Longitude"), empty_values=(), orderable=False, visible=False
    )
    latitude = tables.Column(
        verbose_name=_("Latitude"), empty_values=(), orderable=False, visible=False
    )
    channel = tables.Column(linkify=True, default="")
    outfall = tables.Column(
        verbose_name=_("Outfall"), accessor="outfall__code", default="", visible=False
    )
    problem = tables.Column(
        verbose_name=_("Plan problem"), accessor="problem__title", default="", visible=False
    )
    cause = tables.Column(default="", visible=False)
    assigned_unit = tables.Column(default="")
    deadline = DateColumn(default="")
    stage = StageColumn(order_by=("stage_order",))
    is_overdue = OverdueColumn(deadline="deadline")
    handled_at = DateTimeColumn(default="")
    satisfaction = tables.Column(default="")
    closed_at = DateTimeColumn(default="")

    class Meta:
        model = Complaint
        fields = (
            "number",
            "received_at",
            "source",
            "report_count",
            "location",
            "channel",
            "assigned_unit",
            "deadline",
            "stage",
            "is_overdue",
            "handled_at",
            "satisfaction",
            "closed_at",
            "longitude",
            "latitude",
            "outfall",
            "problem",
            "cause",
        )
        order_by = ("-received_at",)

    def render_longitude(self, record):
        return coordinate(record, 0)

    def render_latitude(self, record):
        return coordinate(record, 1)


NUM = {"td": {"class": "num"}, "th": {"class": "num"}, "tf": {"class": "num"}}


class CountColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUM)
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("footer", self.total)
        super().__init__(*args, **kwargs)

    def total(self, table):
        return sum(getattr(row, self.accessor) for row in table.data)


class OverdueCountColumn(CountColumn):
    def render(self, value):
        if value:
            return format_html('<span class="badge badge-overdue">{}</span>', value)
        return value

    def value(self, value):
        return value


def overall_average_days(table):
    """The average over every handled complaint of the table (weighted by units' counts)."""
    rows = [row for row in table.data if row.average_handling is not None]
    handled = sum(row.handled for row in rows)
    if not handled:
        return ""
    seconds = sum(row.average_handling.total_seconds() * row.handled for row in rows)
    return days_text(seconds / 86400 / handled)


class UnitStatisticsTable(tables.Table):
    """``projects.services.complaint_queries.unit_statistics()`` rows: one per assigned unit."""

    export_title = _("Complaints by unit")

    unit_name = tables.Column(verbose_name=_("Unit"), orderable=False, footer=_("Total"))
    count = CountColumn(verbose_name=_("Complaints"))
    open = CountColumn(verbose_name=_("Open"))
    overdue = OverdueCountColumn(verbose_name=_("Overdue"))
    handled = CountColumn(verbose_name=_("Handled"))
    average_handling_days = tables.Column(
        verbose_name=_("Average handling time"),
        orderable=False,
        default="—",
        attrs=NUM,
        footer=overall_average_days,
    )
    satisfied = CountColumn(verbose_name=_("Satisfied"))
    basically = CountColumn(verbose_name=_("Basically satisfied"))
    unsatisfied = CountColumn(verbose_name=_("Unsatisfied"))

    class Meta:
        orderable = False

    def render_average_handling_days(self, value):
        return days_text(value)

    def value_average_handling_days(self, value):
        return round(value, 2) if value is not None else ""
