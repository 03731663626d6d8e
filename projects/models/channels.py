from django.db import models
from django.db.models import Count, Exists, ExpressionWrapper, F, FilteredRelation, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.core.geo import validate_line
from projects.models.base import Sourced, count_of, length_field, non_negative


class ChannelQuerySet(models.QuerySet):
    def with_plan_flag(self):
        from projects.models.plans import Plan

        return self.annotate(has_plan=Exists(Plan.objects.filter(channel=OuterRef("pk"))))

    def with_condition(self):
        """The condition the data give: ``current_condition`` is the grade of the channel's
        latest black-odour judgement where there is one (``condition_judged`` true, the rounds
        it rests on in ``judged_rounds``, its deviations from the guide in
        ``judged_deviations``), else the recorded ``condition``. Judgement grades
        are values of ``Channel.Condition`` too. One join on the flagged latest judgement
        (``Judgement.is_latest``): no query, and no search of the judgements, per channel."""
        return self.annotate(
            latest_judgement=FilteredRelation(
                "judgements", condition=Q(judgements__is_latest=True)
            ),
        ).annotate(
            judged_grade=F("latest_judgement__grade"),
            judged_rounds=F("latest_judgement__rounds"),
            judged_deviations=F("latest_judgement__deviations"),
            current_condition=Coalesce(F("latest_judgement__grade"), F("condition")),
            condition_judged=ExpressionWrapper(
                Q(latest_judgement__pk__isnull=False), output_field=models.BooleanField()
            ),
        )

    def for_list(self):
        return (
            self.select_related("street", "maintaining_unit", "source")
            .with_plan_flag()
            .with_condition()
            .annotate(project_count=count_of(Channel.projects.through.objects, "channel"))
        )

    def condition_counts(self):
        """[(condition, label, count, measured)] over this queryset by current condition (the
        latest judgement's grade, else the recorded condition; ``with_condition()``), every
        condition present (0 when none); ``measured`` counts the judged ones. One query."""
        counts = {}
        measured = {}
        rows = (
            self.order_by()
            .with_condition()
            .values_list("current_condition", "condition_judged")
            .annotate(n=Count("pk"))
            .values_list("current_condition", "condition_judged", "n")
        )
        for value, judged, n in rows:
            counts[value] = counts.get(value, 0) + n
            if judged:
                measured[value] = measured.get(value, 0) + n
        return [
            (value, label, counts.get(value, 0), measured.get(value, 0))
            for value, label in Channel.Condition.choices
        ]


class Channel(Sourced):
    """A drainage channel (排洪渠) or other urban water body."""

    class Condition(models.TextChoices):
        SEVERE = "severe", _("Severely black-odorous")
        LIGHT = "light", _("Lightly black-odorous")
        BLACK_ODOROUS = "black_odorous", _("Black-odorous, not graded")
        CLEAR = "clear", _("Not black-odorous")
        UNKNOWN = "unknown", _("Not assessed")

    class WaterTarget(models.TextChoices):
        # Not black-odorous (the 2015 guide), or a class of GB 3838-2002
        # (``projects.standards.surface_water``).
        NOT_BLACK_ODOROUS = "clear", _("Not black-odorous")
        CLASS_III = "III", _("Surface water class III")
        CLASS_IV = "IV", _("Surface water class IV")
        CLASS_V = "V", _("Surface water class V")

    code = models.CharField(
        _("code"),
        max_length=30,
        unique=True,
        null=True,
        blank=True,
        error_messages={"unique": _("A channel with this code already exists.")},
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        unique=True,
        error_messages={"unique": _("A channel with this name already exists.")},
    )
    street = models.ForeignKey(
        "ResponsibleUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="channels_in_street",
        verbose_name=_("street or town"),
        limit_choices_to={"kind": "street"},
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    length_km = length_field(_("length (km)"))
    receiving_water = models.CharField(_("receiving water"), max_length=100, blank=True)
    maintaining_unit = models.ForeignKey(
        "ResponsibleUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="maintained_channels",
        verbose_name=_("maintaining unit"),
    )
    condition = models.CharField(
        _("condition"), max_length=20, choices=Condition.choices, default=Condition.UNKNOWN
    )
    condition_note = models.TextField(_("condition note"), blank=True)
    # Its course as a GeoJSON LineString or MultiLineString in WGS-84 (projects.core.geo).
    geometry = models.JSONField(
        _("location on the map"), null=True, blank=True, validators=[validate_line]
    )
    target = models.CharField(
        _("water-quality target"),
        max_length=10,
        choices=WaterTarget.choices,
        blank=True,
        help_text=_("Blank: none set."),
    )
    # The latest round of its sampling points (the local day of the latest sample with DO or
    # NH3-N measured at any of them): its moment, the lowest DO and highest NH3-N measured that
    # day. Kept as samples and points are written, and read again after the channel is saved
    # (a form or a history revert holding older figures; ``projects.services.round_latest``),
    # so a class target is judged from three columns (``projects.services.water_targets``).
    # Not shown in its history (``projects.services.history`` reads ``KEPT_FIELDS``).
    latest_round_at = models.DateTimeField(
        _("latest sampling round"), null=True, blank=True, editable=False
    )
    latest_round_do_min = models.DecimalField(
        _("lowest dissolved oxygen of the latest round (mg/L)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    latest_round_nh3n_max = models.DecimalField(
        _("highest ammonia nitrogen of the latest round (mg/L)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )

    KEPT_FIELDS = ("latest_round_at", "latest_round_do_min", "latest_round_nh3n_max")

    objects = ChannelQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("drainage channel")
        verbose_name_plural = _("drainage channels")
        constraints = [non_negative("length_km", "channel")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:channel-detail", args=[self.pk])
