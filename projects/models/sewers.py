"""Sewer condition: pipe segments, their inspections (CCTV, QV, sonar, other) and coded
defects, and the scores of CJJ 181-2012 computed from them (projects.standards.cjj181)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models.base import length_field, non_negative


class DefectCode(models.Model):
    """A defect code of a rule set with its score for each grade (empty: the grade does not
    exist or is not scored). Loaded by migration: a second rule set is data, not code."""

    class Kind(models.TextChoices):
        STRUCTURAL = "structural", _("Structural")
        FUNCTIONAL = "functional", _("Functional")

    rule_set = models.CharField(_("rule set"), max_length=30)
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    score_1 = models.DecimalField(
        _("grade 1 score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    score_2 = models.DecimalField(
        _("grade 2 score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    score_3 = models.DecimalField(
        _("grade 3 score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    score_4 = models.DecimalField(
        _("grade 4 score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    scored = models.BooleanField(
        _("scored"), default=True, help_text=_("Recorded but not scored when off (e.g. FZ).")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["rule_set", "kind", "code"]
        verbose_name = _("defect code")
        verbose_name_plural = _("defect codes")
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "code"], name="defectcode_rule_set_code_unique"
            )
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def score(self, grade):
        return getattr(self, f"score_{grade}", None)


class PipeSegment(models.Model):
    """A pipe between two manholes."""

    class AreaClass(models.TextChoices):
        # K: the area the pipe runs under, the standard's four classes (CJJ 181-2012, table of
        # the area importance factor K: 10 / 6 / 3 / 0).
        A = "A", _("A: central business district, or near class-A civil buildings")
        B = "B", _("B: main traffic road, or near class-B civil buildings")
        C = "C", _("C: other roads carrying traffic, or near class-C civil buildings")
        D = "D", _("D: all other areas")

    class Soil(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary soil")
        SILT_SAND = "silt_sand", _("Silty sand")
        LOESS_IV = "loess_iv", _("Collapsible loess, class IV")
        LOESS_III = "loess_iii", _("Collapsible loess, class III")
        LOESS_I_II = "loess_i_ii", _("Collapsible loess, classes I–II")
        EXPANSIVE_STRONG = "expansive_strong", _("Expansive soil, strong")
        EXPANSIVE_MEDIUM = "expansive_medium", _("Expansive soil, medium")
        EXPANSIVE_WEAK = "expansive_weak", _("Expansive soil, weak")
        MUCK = "muck", _("Muck")
        MUCKY = "mucky", _("Mucky soil")
        RED_CLAY = "red_clay", _("Red clay")

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        error_messages={"unique": _("A pipe segment with this code already exists.")},
    )
    from_manhole = models.CharField(_("from manhole"), max_length=40)
    to_manhole = models.CharField(_("to manhole"), max_length=40)
    diameter_mm = models.PositiveIntegerField(_("diameter (mm)"))
    material = models.CharField(_("material"), max_length=40, blank=True)
    length_m = models.DecimalField(_("length (m)"), max_digits=9, decimal_places=2)
    area_class = models.CharField(_("area class"), max_length=1, choices=AreaClass.choices)
    soil = models.CharField(_("soil"), max_length=20, choices=Soil.choices, default=Soil.ORDINARY)
    street = models.ForeignKey(
        "ResponsibleUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pipe_segments",
        verbose_name=_("street or town"),
        limit_choices_to={"kind": "street"},
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("pipe segment")
        verbose_name_plural = _("pipe segments")
        constraints = [
            models.CheckConstraint(
                condition=Q(length_m__gt=0),
                name="pipesegment_length_m_positive",
                violation_error_message=_("A pipe segment has a positive length."),
            ),
            models.CheckConstraint(
                condition=Q(diameter_mm__gt=0),
                name="pipesegment_diameter_mm_positive",
                violation_error_message=_("A pipe has a positive diameter."),
            ),
        ]

    def __str__(self):
        return self.code


class Inspection(models.Model):
    class Method(models.TextChoices):
        CCTV = "CCTV", "CCTV"
        QV = "QV", "QV"
        SONAR = "sonar", _("Sonar")
        OTHER = "other", _("Other")

    segment = models.ForeignKey(
        PipeSegment,
        on_delete=models.CASCADE,
        related_name="inspections",
        verbose_name=_("pipe segment"),
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    inspected_on = models.DateField(_("inspected on"))
    contractor = models.CharField(_("inspection company"), max_length=100, blank=True)
    video_ref = models.CharField(_("video reference"), max_length=200, blank=True)
    import_batch = models.ForeignKey(
        "ImportBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("import batch"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["segment", "-inspected_on"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "method", "inspected_on"],
                name="inspection_segment_method_day_unique",
                violation_error_message=_(
                    "This segment already has an inspection by that method on that day."
                ),
            )
        ]

    def __str__(self):
        return f"{self.segment} {self.method} {self.inspected_on}"


class Defect(models.Model):
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="defects", verbose_name=_("inspection")
    )
    code = models.ForeignKey(
        DefectCode, on_delete=models.PROTECT, related_name="defects", verbose_name=_("defect code")
    )
    grade = models.PositiveSmallIntegerField(_("grade"))
    position_m = models.DecimalField(_("position (m)"), max_digits=9, decimal_places=2)
    length_m = length_field(_("length (m)"))
    clock = models.CharField(_("clock position"), max_length=10, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "position_m", "pk"]
        verbose_name = _("defect")
        verbose_name_plural = _("defects")
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__gte=1) & Q(grade__lte=4),
                name="defect_grade_1_4",
                violation_error_message=_("A defect grade is 1, 2, 3 or 4."),
            ),
            non_negative("position_m", "defect"),
            non_negative("length_m", "defect"),
        ]

    def __str__(self):
        return f"{self.code.code}{self.grade} @ {self.position_m} m"


class SegmentScore(models.Model):
    """The scores of a segment's latest inspection (CJJ 181-2012), stored so the repair
    priority lists sort and filter in the database."""

    segment = models.OneToOneField(
        PipeSegment, on_delete=models.CASCADE, related_name="score", verbose_name=_("pipe segment")
    )
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="+", verbose_name=_("inspection")
    )
    rule_set = models.CharField(_("rule set"), max_length=30)
    s = models.DecimalField("S", max_digits=7, decimal_places=2)
    s_max = models.DecimalField("Smax", max_digits=7, decimal_places=2)
    f = models.DecimalField("F", max_digits=7, decimal_places=2)
    sm = models.DecimalField("Sm", max_digits=7, decimal_places=3)
    structural_grade = models.CharField(_("structural grade"), max_length=3)
    structural_extent = models.CharField(_("structural extent"), max_length=10)
    y = models.DecimalField("Y", max_digits=7, decimal_places=2)
    y_max = models.DecimalField("Ymax", max_digits=7, decimal_places=2)
    g = models.DecimalField("G", max_digits=7, decimal_places=2)
    ym = models.DecimalField("Ym", max_digits=7, decimal_places=3)
    functional_grade = models.CharField(_("functional grade"), max_length=3)
    functional_extent = models.CharField(_("functional extent"), max_length=10)
    k = models.DecimalField("K", max_digits=5, decimal_places=2)
    e = models.DecimalField("E", max_digits=5, decimal_places=2)
    t = models.DecimalField("T", max_digits=5, decimal_places=2)
    # What RI used of K, E and T: 0 where the standard's gates close (K, E when F < 4; T when
    # F = 0).
    k_used = models.DecimalField(_("K used in RI"), max_digits=5, decimal_places=2, default=0)
    e_used = models.DecimalField(_("E used in RI"), max_digits=5, decimal_places=2, default=0)
    t_used = models.DecimalField(_("T used in RI"), max_digits=5, decimal_places=2, default=0)
    # Blank when the scores follow the standard literally; else the deviations chosen.
    deviations = models.CharField(_("deviations from the standard"), max_length=200, blank=True)
    ri = models.DecimalField("RI", max_digits=6, decimal_places=2, db_index=True)
    mi = models.DecimalField("MI", max_digits=6, decimal_places=2, db_index=True)
    repair_priority = models.CharField(_("repair priority"), max_length=10)
    maintenance_priority = models.CharField(_("maintenance priority"), max_length=10)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        ordering = ["-ri", "segment"]
        verbose_name = _("segment score")
        verbose_name_plural = _("segment scores")

    def __str__(self):
        return f"{self.segment} RI {self.ri}"
