"""Tables of the monthly maintenance assessment: stations across months, an assessment's
deductions, and the assessment items."""

import django_tables2 as tables
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.core import formatting
from projects.core.links import path_maker
from projects.models import AssessmentItem, Deduction
from projects.services.assessment import complaint_url
from projects.tables.paged import SequenceData

NUM = {"td": {"class": "num"}, "th": {"class": "num"}, "tf": {"class": "num"}}
NOT_ASSESSED = _("not assessed")


def score_text(value):
    return formatting.quantity(value)


def fee_text(value):
    """99.9% / 100%: as many decimals as the fee has."""
    return f"{formatting.quantity(value)}%"


def signed(change):
    """+2.5 / −3 / 0, with a real minus sign."""
    text = formatting.quantity(abs(change))
    if change > 0:
        return f"+{text}"
    if change < 0:
        return f"−{text}"
    return text


TRENDS = {
    "up": ("↑", _("Up on the previous month")),
    "down": ("↓", _("Down on the previous month")),
    "flat": ("→", _("Same as the previous month")),
}


def trend_direction(change):
    return "up" if change > 0 else "down" if change < 0 else "flat"


def escaped_trends():
    """``TRENDS`` with their titles translated and escaped (once for a table of many cells)."""
    return {direction: (arrow, escape(title)) for direction, (arrow, title) in TRENDS.items()}


def trend_html(change, trends):
    """The mark of ``change`` with ``escaped_trends()``'s texts; empty when there is nothing
    to compare (every part is escaped or figures)."""
    if change is None:
        return ""
    direction = trend_direction(change)
    arrow, title = trends[direction]
    return f'<span class="trend trend-{direction}" title="{title}">{arrow} {signed(change)}</span>'


def trend_mark(change):
    """↑ +2.5, ↓ −3 or → 0, coloured by direction; empty when there is nothing to compare."""
    return mark_safe(trend_html(change, escaped_trends()))


def trend_value(change):
    return "" if change is None else signed(change)


# --- sparkline ------------------------------------------------------------------------------

SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 96, 24, 3


def sparkline(scores, label=""):
    """A small inline SVG of ``scores`` (None for a month not assessed: the line breaks), drawn
    on the server; the vertical scale runs from the lowest score (at most 80) to 100."""
    known = [float(s) for s in scores if s is not None]
    if not known:
        return ""
    low = min(min(known), 80.0)
    span = max(100.0 - low, 1.0)
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / max(len(scores) - 1, 1)

    def point(index, score):
        x = SPARK_PAD + index * step if len(scores) > 1 else SPARK_WIDTH / 2
        y = SPARK_PAD + (100.0 - float(score)) / span * (SPARK_HEIGHT - 2 * SPARK_PAD)
        return f"{x:.1f},{y:.1f}"

    runs, run = [], []
    for index, score in enumerate(scores):
        if score is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(point(index, score))
    if run:
        runs.append(run)
    lines = format_html_join(
        "",
        '<polyline points="{}" fill="none" stroke="currentColor" stroke-width="1.5"/>',
        ((" ".join(r),) for r in runs if len(r) > 1),
    )
    last_index = max(i for i, s in enumerate(scores) if s is not None)
    x, y = point(last_index, scores[last_index]).split(",")
    return format_html(
        '<svg class="sparkline" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-label="{}"><line x1="0" x2="{}" y1="{}" y2="{}" class="spark-95"/>{}'
        '<circle cx="{}" cy="{}" r="2" fill="currentColor"/></svg>',
        SPARK_WIDTH,
        SPARK_HEIGHT,
        SPARK_WIDTH,
        SPARK_HEIGHT,
        label,
        SPARK_WIDTH,
        f"{SPARK_PAD + 5.0 / span * (SPARK_HEIGHT - 2 * SPARK_PAD):.1f}",
        f"{SPARK_PAD + 5.0 / span * (SPARK_HEIGHT - 2 * SPARK_PAD):.1f}",
        lines,
        x,
        y,
    )


# --- stations across months -----------------------------------------------------------------


def station_link(station):
    try:
        url = reverse("projects:station-detail", args=[station.pk])
    except NoReverseMatch:
        return station.name
    return format_html('<a href="{}">{}</a>', url, station.name)


class MonthColumn(tables.Column):
    """One month: the station's score with the fee it earns and the change on the month
    before, linked to the assessment."""

    def __init__(self, month, **kwargs):
        self.month = month
        kwargs.setdefault("verbose_name", date_format(month, "YEAR_MONTH_FORMAT"))
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("attrs", {"td": {"class": "score-cell"}, "th": {"class": "num"}})
        super().__init__(accessor="station", **kwargs)

    def render(self, record, table):
        assessment = record.cell(self.month)
        if assessment is None:
            return table.texts["na"]
        mark = trend_html(assessment.change, table.texts["trends"])
        # Hundreds of cells a page: each is the table's texts (escaped once, in the table),
        # figures and a path of digits (the table's ``assessment_path``), put together as one
        # safe string, not each part escaped again in each cell.
        return mark_safe(
            f'<a class="score score-{band_class(assessment.fee_percent)}" '
            f'href="{table.assessment_path(assessment.pk)}">'
            f"{score_text(assessment.score)}</a>"
            f'<small class="fee" title="{table.texts["fee"]}">'
            f"{fee_text(assessment.fee_percent)}</small>{mark}"
        )

    def value(self, record):
        assessment = record.cell(self.month)
        if assessment is None:
            return ""
        return f"{score_text(assessment.score)} ({fee_text(assessment.fee_percent)})"


def band_class(fee):
    if fee >= 100:
        return "full"
    if fee >= 90:
        return "reduced"
    return "low"


class AssessmentGridTable(tables.Table):
    """Rows: stations (``projects.services.assessment.StationRow``); one column per month shown."""

    export_title = _("Monthly maintenance assessment")

    station = tables.Column(
        verbose_name=_("Municipal station"),
        order_by=("station__name",),
        attrs={"td": {"class": "name"}},
    )
    trend = tables.Column(
        verbose_name=_("Trend"),
        accessor="station",
        empty_values=(),
        orderable=False,
        attrs={"td": {"class": "trend-cell"}},
    )

    class Meta:
        template_name = "projects/includes/table.html"
        attrs = {"class": "table assessment-grid"}

    def __init__(self, rows, months, **kwargs):
        self.months = months
        # A page holds hundreds of cells: their fixed texts are translated once per table
        # (and the links' URL reversed once: core.links), not once per cell.
        self.texts = {
            "na": format_html('<span class="na">{}</span>', NOT_ASSESSED),
            "fee": escape(_("Share of the monthly maintenance fee earned")),
            "trends": escaped_trends(),
        }
        self.assessment_path = path_maker("projects:assessment-detail")
        extra = [(f"m{month:%Y%m}", MonthColumn(month)) for month in months]
        super().__init__(
            SequenceData(rows),
            extra_columns=extra,
            sequence=("station", "...", "trend"),
            **kwargs,
        )

    def render_station(self, record):
        return station_link(record.station)

    def value_station(self, record):
        return record.station.name

    def render_trend(self, record):
        latest = record.latest
        return format_html(
            "{}{}",
            sparkline(record.scores(self.months), record.station.name),
            trend_mark(latest.change) if latest is not None else "",
        )

    def value_trend(self, record):
        latest = record.latest
        return trend_value(latest.change) if latest is not None else ""


# --- one assessment -------------------------------------------------------------------------


class DeductionTable(tables.Table):
    """An assessment's deductions, each with the points that count after its item's cap
    (``projects.services.assessment.itemise`` sets ``counted`` and ``capped``)."""

    item = tables.Column(
        verbose_name=pgettext_lazy("assessment", "Item"), footer=_("Total"), orderable=False
    )
    occurrences = tables.Column(verbose_name=_("occurrences"), attrs=NUM, orderable=False)
    points = tables.Column(verbose_name=_("points deducted"), attrs=NUM, orderable=False)
    counted = tables.Column(
        verbose_name=_("Counted"),
        empty_values=(),
        attrs=NUM,
        orderable=False,
        footer=lambda table: score_text(sum(row.counted for row in table.data)),
    )
    note = tables.Column(verbose_name=_("note"), default="", orderable=False)
    channel = tables.Column(verbose_name=_("channel"), default="", linkify=True, orderable=False)
    complaint = tables.Column(
        verbose_name=_("Complaint"), accessor="linked_complaint", default="", orderable=False
    )

    class Meta:
        model = Deduction
        template_name = "projects/includes/table.html"
        fields = ("item", "occurrences", "points", "counted", "note", "channel", "complaint")

    def render_item(self, record):
        item = record.item
        return format_html('<b class="code">{}</b> {}', item.code, item.description)

    def value_item(self, record):
        return str(record.item)

    def render_points(self, value):
        return score_text(value)

    def value_points(self, value):
        return value

    def render_counted(self, record):
        if record.capped:
            return format_html(
                '{} <span class="badge badge-warning" title="{}">{}</span>',
                score_text(record.counted),
                _("The item's monthly cap is reached: %(cap)s points")
                % {"cap": score_text(record.item.max_points)},
                _("capped"),
            )
        return score_text(record.counted)

    def value_counted(self, record):
        return record.counted

    def render_complaint(self, value):
        url = complaint_url(value)
        if url is None:
            return value.number
        return format_html('<a href="{}">{}</a>', url, value.number)

    def value_complaint(self, value):
        return value.number if value else ""


# --- the items -------------------------------------------------------------------------------


class AssessmentItemTable(tables.Table):
    code = tables.Column(verbose_name=_("code"), attrs={"td": {"class": "code"}})
    category = tables.Column(verbose_name=_("category"))
    description = tables.Column(verbose_name=_("item"))
    points_per_occurrence = tables.Column(verbose_name=_("points per occurrence"), attrs=NUM)
    max_points = tables.Column(verbose_name=_("maximum deduction"), attrs=NUM, default=_("no cap"))
    active = tables.BooleanColumn(verbose_name=_("in use"), yesno=("✔", "✘"))

    class Meta:
        model = AssessmentItem
        template_name = "projects/includes/table.html"
        fields = (
            "code",
            "category",
            "description",
            "points_per_occurrence",
            "max_points",
            "active",
        )
        order_by = ("code",)

    def render_points_per_occurrence(self, value):
        return score_text(value)

    def render_max_points(self, value):
        return score_text(value)

    def value_points_per_occurrence(self, value):
        return value

    def value_max_points(self, value):
        return value

    def value_active(self, value):
        return _("Yes") if value else _("No")
