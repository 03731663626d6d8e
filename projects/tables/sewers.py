"""Sewer condition tables: the repair and maintenance priority lists (rows of
``SegmentScore``), a segment's inspections and defects, and the survey coverage by method.

A score computed with deviations from the standard says so in its row, on the page and in the
exports (``DeviationColumn``); the repair list shows what RI used of K, E and T."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from projects.models import Defect, Inspection, SegmentScore
from projects.services.sewer_condition import (
    DEVIATION_SEPARATOR,
    EXTENT_LABELS,
    MAINTENANCE_LABELS,
    REPAIR_LABELS,
    deviation_labels,
    deviation_wording,
)
from projects.tables.cells import qty
from projects.tables.columns import BlankReasonQuantityColumn, DateColumn

NUM = {"td": {"class": "num"}, "th": {"class": "num"}, "tf": {"class": "num"}}

# Priority → a badge class of the stylesheet, from "nothing to do" to "at once".
PRIORITY_BADGES = {"none": "clear", "plan": "planned", "soon": "warning", "now": "overdue"}


class FigureColumn(tables.Column):
    """A score, right-aligned as stored (two or three decimals)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUM)
        super().__init__(*args, **kwargs)


class WordingColumn(tables.Column):
    """A stored key (a priority or an extent) shown in words; ``badges`` maps keys to badge
    classes."""

    def __init__(self, *args, labels, badges=None, **kwargs):
        self.labels = labels
        self.badges = badges
        kwargs.setdefault("empty_values", ())
        super().__init__(*args, **kwargs)

    def render(self, value):
        label = self.labels.get(value, value)
        if self.badges is None:
            return label
        return format_html(
            '<span class="badge badge-{}">{}</span>', self.badges.get(value, ""), label
        )

    def value(self, value):
        return str(self.labels.get(value, value))


class DeviationColumn(tables.Column):
    """The deviations from the standard a score was computed with: a badge naming them, blank
    for the standard; in exports the full sentence."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("verbose_name", _("Deviations from the standard"))
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("orderable", False)
        super().__init__(*args, **kwargs)

    def render(self, value):
        labels = deviation_labels(value)
        if not labels:
            return ""
        return format_html(
            '<span class="badge badge-warning" title="{}">{}</span>',
            deviation_wording(value),
            str(DEVIATION_SEPARATOR).join(str(label) for label in labels),
        )

    def value(self, value):
        return str(deviation_wording(value))


def segment_url(record):
    return reverse("projects:segment-detail", args=[record.segment_id])


class SegmentScoreTable(tables.Table):
    """What both priority lists show of the segment and of the inspection that counts."""

    segment = tables.Column(
        accessor="segment__code",
        verbose_name=_("Pipe segment"),
        linkify=segment_url,
        attrs={"td": {"class": "name"}},
    )
    # Recorded data, not the article: an empty street is simply not filled in.
    street = tables.Column(
        accessor="segment__street", order_by="segment__street__name", default="—"
    )
    diameter_mm = tables.Column(accessor="segment__diameter_mm", attrs=NUM)
    length_m = BlankReasonQuantityColumn(accessor="segment__length_m")
    method = tables.Column(accessor="inspection__method", verbose_name=_("Inspected by"))
    inspected_on = DateColumn(accessor="inspection__inspected_on", verbose_name=_("Inspected on"))

    class Meta:
        model = SegmentScore
        fields = ()
        sequence = ("segment", "street", "diameter_mm", "length_m", "method", "inspected_on")

    def value_length_m(self, value):
        return value


class RepairPriorityTable(SegmentScoreTable):
    f = FigureColumn()
    structural_grade = tables.Column()
    structural_extent = WordingColumn(labels=EXTENT_LABELS)
    # What RI used: 0 where the standard's gates close (K, E when F < 4; T when F = 0).
    k_used = FigureColumn(verbose_name=_("K in RI"))
    e_used = FigureColumn(verbose_name=_("E in RI"))
    t_used = FigureColumn(verbose_name=_("T in RI"))
    ri = FigureColumn(order_by=("ri", "segment__code"))  # ties in a stable order
    repair_priority = WordingColumn(labels=REPAIR_LABELS, badges=PRIORITY_BADGES)
    deviations = DeviationColumn()

    class Meta(SegmentScoreTable.Meta):
        sequence = (
            *SegmentScoreTable.Meta.sequence,
            "f",
            "structural_grade",
            "structural_extent",
            "k_used",
            "e_used",
            "t_used",
            "ri",
            "repair_priority",
            "deviations",
        )
        order_by = ("-ri",)


class MaintenancePriorityTable(SegmentScoreTable):
    g = FigureColumn()
    functional_grade = tables.Column()
    functional_extent = WordingColumn(labels=EXTENT_LABELS)
    mi = FigureColumn(order_by=("mi", "segment__code"))
    maintenance_priority = WordingColumn(labels=MAINTENANCE_LABELS, badges=PRIORITY_BADGES)
    deviations = DeviationColumn()

    class Meta(SegmentScoreTable.Meta):
        sequence = (
            *SegmentScoreTable.Meta.sequence,
            "g",
            "functional_grade",
            "functional_extent",
            "mi",
            "maintenance_priority",
            "deviations",
        )
        order_by = ("-mi",)


class InspectionTable(tables.Table):
    """A segment's inspections, newest first; the one that counts is marked."""

    counts = tables.Column(
        verbose_name=_("Counts"), empty_values=(), orderable=False, accessor="pk"
    )
    defect_count = tables.Column(verbose_name=_("Defects"), attrs=NUM)
    contractor = tables.Column(default="")
    video_ref = tables.Column(default="")
    import_batch = tables.Column(default="")

    class Meta:
        model = Inspection
        fields = (
            "inspected_on",
            "method",
            "counts",
            "defect_count",
            "contractor",
            "video_ref",
            "import_batch",
        )
        order_by = ("-inspected_on",)

    def __init__(self, *args, counted_id=None, **kwargs):
        self.counted_id = counted_id
        super().__init__(*args, **kwargs)

    def render_counts(self, value):
        if value == self.counted_id:
            return format_html('<span class="badge badge-in_progress">{}</span>', _("Counts"))
        return ""

    def value_counts(self, value):
        return _("Yes") if value == self.counted_id else ""


class DefectTable(tables.Table):
    """The defects of one inspection along the segment, each with its score under the active
    rule set (``scores``: code letters → scores of grades 1–4)."""

    position_m = tables.Column(attrs=NUM)
    code = tables.Column(order_by=("code__code",))
    grade = tables.Column(attrs=NUM)
    score = tables.Column(verbose_name=_("Score"), empty_values=(), orderable=False, attrs=NUM)
    length_m = tables.Column(attrs=NUM, default="")
    clock = tables.Column(default="")

    class Meta:
        model = Defect
        fields = ("position_m", "code", "grade", "score", "length_m", "clock")
        order_by = ("position_m",)

    def __init__(self, *args, scores=None, **kwargs):
        self.scores = scores or {}
        super().__init__(*args, **kwargs)

    def render_code(self, record):
        return format_html(
            '{} <span class="note">{} · {}</span>',
            record.code.code,
            record.code.name,
            record.code.get_kind_display(),
        )

    def value_code(self, record):
        return f"{record.code.code} {record.code.name}"

    def render_position_m(self, value):
        return qty(value)

    def render_length_m(self, value):
        return qty(value)

    def value_position_m(self, value):
        return value

    def value_length_m(self, value):
        return value

    def value_score(self, record):
        code = self.scores.get(record.code.code)
        if code is None:
            return None
        return code.scores[record.grade - 1] if code.scored else None

    def render_score(self, record):
        score = self.value_score(record)
        if score is None:
            return format_html('<span class="na">{}</span>', _("not scored"))
        return qty(score)


class CoverageTable(tables.Table):
    """Length surveyed per inspection method, then in all: each segment once per row."""

    export_title = _("Survey coverage by method")

    label = tables.Column(verbose_name=_("Method"))
    segments = tables.Column(verbose_name=_("Segments inspected"), attrs=NUM)
    km = tables.Column(verbose_name=_("Length surveyed (km)"), attrs=NUM)

    class Meta:
        orderable = False

    def render_segments(self, value):
        return qty(value)

    def render_km(self, value):
        return qty(value)

    def value_segments(self, value):
        return value

    def value_km(self, value):
        return value

    def value_label(self, value):
        return str(value)
