"""Water quality: sampling points along a channel, samples of the four indicators of the 2015
black-odorous guide, and the judgements derived from them (projects.standards.black_odour)."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.core.geo import validate_point
from projects.models.base import length_field, non_negative


class SamplingPoint(models.Model):
    channel = models.ForeignKey(
        "Channel",
        on_delete=models.CASCADE,
        related_name="sampling_points",
        verbose_name=_("channel"),
    )
    name = models.CharField(_("name"), max_length=50)
    position = models.CharField(
        _("position"),
        max_length=200,
        blank=True,
        help_text=_("Where along the channel, e.g. “200 m below the culvert”."),
    )
    chainage_m = length_field(_("distance from the upstream end (m)"))
    sequence = models.PositiveSmallIntegerField(_("order"), default=0)
    # A point at an outfall: the outfall's samples are its points' samples.
    outfall = models.ForeignKey(
        "Outfall",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sampling_points",
        verbose_name=_("outfall"),
    )
    # A GeoJSON Point in WGS-84 (projects.core.geo).
    geometry = models.JSONField(
        _("location on the map"), null=True, blank=True, validators=[validate_point]
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["channel", "sequence", "name"]
        verbose_name = _("sampling point")
        verbose_name_plural = _("sampling points")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "name"],
                name="samplingpoint_channel_name_unique",
                violation_error_message=_(
                    "This channel already has a sampling point of that name."
                ),
            ),
            non_negative("chainage_m", "samplingpoint"),
        ]

    def __str__(self):
        return f"{self.channel.name} · {self.name}"


class Sample(models.Model):
    """One reading at one point: transparency, dissolved oxygen, ORP, ammonia nitrogen. A
    value left empty was not measured."""

    point = models.ForeignKey(
        SamplingPoint,
        on_delete=models.CASCADE,
        related_name="samples",
        verbose_name=_("sampling point"),
    )
    sampled_at = models.DateTimeField(_("sampled at"))
    depth_cm = models.DecimalField(
        _("water depth (cm)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    transparency_cm = models.DecimalField(
        _("transparency (cm)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    do_mg_l = models.DecimalField(
        _("dissolved oxygen (mg/L)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    orp_mv = models.DecimalField(
        _("ORP (mV)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    nh3n_mg_l = models.DecimalField(
        _("ammonia nitrogen (mg/L)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    lab = models.CharField(_("laboratory or source"), max_length=100, blank=True)
    import_batch = models.ForeignKey(
        "ImportBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="samples",
        verbose_name=_("import batch"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["point", "-sampled_at"]
        verbose_name = _("water sample")
        verbose_name_plural = _("water samples")
        indexes = [models.Index(fields=["point", "sampled_at"], name="sample_point_time")]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "sampled_at"],
                name="sample_point_time_unique",
                violation_error_message=_("This point already has a sample at that time."),
            ),
            non_negative("depth_cm", "sample"),
            non_negative("transparency_cm", "sample"),
            non_negative("do_mg_l", "sample"),
            non_negative("nh3n_mg_l", "sample"),
            models.CheckConstraint(
                condition=Q(orp_mv__gte=-1000) & Q(orp_mv__lte=1000),
                name="sample_orp_mv_plausible",
                violation_error_message=_("ORP must be between −1000 and 1000 mV."),
            ),
        ]

    def __str__(self):
        return f"{self.point} {self.sampled_at:%Y-%m-%d %H:%M}"


class JudgementQuerySet(models.QuerySet):
    def mark_latest(self, channel_ids=None):
        """Flag each channel's latest judgement (by ``computed_at``, then pk) as ``is_latest``
        and no other, for the channels ``channel_ids`` (None: every channel): after judgements
        were written in bulk or loaded. Two statements (the flags cleared, then set: one
        channel never holds two at once)."""
        return mark_latest_judgements(self.model, self.db, channel_ids)


def mark_latest_judgements(model, using, channel_ids=None):
    """``JudgementQuerySet.mark_latest`` for ``model`` (the migration that adds the flag calls
    it with its own)."""
    rows = model._base_manager.using(using)
    if channel_ids is not None:
        channel_ids = sorted({pk for pk in channel_ids if pk is not None})
        if not channel_ids:
            return 0
        rows = rows.filter(channel_id__in=channel_ids)
    rows.filter(is_latest=True).update(is_latest=False)
    latest = (
        model._base_manager.using(using)
        .filter(channel_id=models.OuterRef("channel_id"))
        .order_by("-computed_at", "-pk")
        .values("pk")[:1]
    )
    return rows.filter(pk=models.Subquery(latest)).update(is_latest=True)


class Judgement(models.Model):
    """A channel's black-odour grade computed from the latest sampling rounds. A new judgement
    is stored when new rounds change it, so the sequence shows whether a channel improved or
    worsened."""

    class Grade(models.TextChoices):
        CLEAR = "clear", _("Not black-odorous")
        LIGHT = "light", _("Lightly black-odorous")
        SEVERE = "severe", _("Severely black-odorous")

    channel = models.ForeignKey(
        "Channel", on_delete=models.CASCADE, related_name="judgements", verbose_name=_("channel")
    )
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    rounds = models.JSONField(
        _("rounds"), default=list, help_text=_("The sampling days the judgement rests on.")
    )
    point_grades = models.JSONField(_("grade of each point"), default=dict)
    sample_count = models.PositiveIntegerField(_("samples used"), default=0)
    # Blank when graded by the guide's rules literally; else the deviations chosen.
    deviations = models.CharField(_("deviations from the guide"), max_length=200, blank=True)
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    # The channel's latest judgement (the one its current condition is): kept by
    # ``projects.services.judgement_latest`` whatever writes judgements, so that a city's
    # channels are joined to it rather than searched for it one by one.
    is_latest = models.BooleanField(_("latest of its channel"), default=False, editable=False)

    objects = JudgementQuerySet.as_manager()

    class Meta:
        ordering = ["channel", "-computed_at", "-pk"]
        get_latest_by = ["computed_at", "pk"]
        verbose_name = _("black-odour judgement")
        verbose_name_plural = _("black-odour judgements")
        indexes = [models.Index(fields=["channel", "-computed_at"], name="judgement_latest")]
        constraints = [
            models.UniqueConstraint(
                fields=["channel"], condition=Q(is_latest=True), name="judgement_one_latest"
            )
        ]

    def __str__(self):
        return f"{self.channel} {self.get_grade_display()}"

    def get_absolute_url(self):
        return reverse("projects:channel-detail", args=[self.channel_id])
