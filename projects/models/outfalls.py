"""Outfalls (排口/排污口) along the channels and the treatment plants they and plan problems
point to (a problem's cause may be a plant at full load)."""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from projects.core.geo import validate_point
from projects.models.base import non_negative


def flow_field(verbose_name, **kwargs):
    """A flow in tonnes a day (t/d), one decimal."""
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=1, **kwargs)


class TreatmentPlant(models.Model):
    """A sewage treatment plant with its design capacity and the load it runs at."""

    name = models.CharField(
        _("name"),
        max_length=100,
        unique=True,
        error_messages={"unique": _("A treatment plant with this name already exists.")},
    )
    capacity_t_d = flow_field(_("capacity (t/d)"))
    current_load_t_d = flow_field(_("current load (t/d)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("treatment plant")
        verbose_name_plural = _("treatment plants")
        constraints = [
            non_negative("capacity_t_d", "treatmentplant"),
            non_negative("current_load_t_d", "treatmentplant"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:plant-detail", args=[self.pk])

    @property
    def load_percent(self):
        """The current load as a percentage of the capacity (None when either is unknown)."""
        if self.current_load_t_d is None or not self.capacity_t_d:
            return None
        return round(self.current_load_t_d * 100 / self.capacity_t_d, 1)


class OutfallQuerySet(models.QuerySet):
    def for_list(self):
        """With what the register's rows show: the channel and the plant."""
        return self.select_related("channel", "plant")


class Outfall(models.Model):
    """An outfall on a channel: where it is, what it is, what flows from it in dry weather and
    how far its remediation has come."""

    class Kind(models.TextChoices):
        RAIN = "rain", pgettext_lazy("outfall kind", "Stormwater")
        SEWAGE = "sewage", pgettext_lazy("outfall kind", "Sewage")
        COMBINED = "combined", pgettext_lazy("outfall kind", "Combined")
        OVERFLOW = "overflow", pgettext_lazy("outfall kind", "Overflow")
        INDUSTRIAL = "industrial", pgettext_lazy("outfall kind", "Industrial")
        OTHER = "other", pgettext_lazy("outfall kind", "Other")

    class DryWeather(models.TextChoices):
        YES = "yes", pgettext_lazy("dry-weather discharge", "Yes")
        NO = "no", pgettext_lazy("dry-weather discharge", "No")
        UNCHECKED = "unchecked", pgettext_lazy("dry-weather discharge", "Not checked")

    class Status(models.TextChoices):
        TO_FIX = "to_fix", pgettext_lazy("outfall status", "To be remediated")
        FIXING = "fixing", pgettext_lazy("outfall status", "Being remediated")
        INTERCEPTED = "intercepted", pgettext_lazy("outfall status", "Intercepted")
        SEALED = "sealed", pgettext_lazy("outfall status", "Sealed")
        KEPT = "kept", pgettext_lazy("outfall status", "Kept")

    code = models.CharField(
        _("code"),
        max_length=30,
        unique=True,
        help_text=_("E.g. ZB-01."),
        error_messages={"unique": _("An outfall with this code already exists.")},
    )
    channel = models.ForeignKey(
        "Channel", on_delete=models.PROTECT, related_name="outfalls", verbose_name=_("channel")
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    # A GeoJSON Point in WGS-84 longitude/latitude.
    geometry = models.JSONField(
        _("location on the map"), null=True, blank=True, validators=[validate_point]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    size = models.CharField(
        _("size"), max_length=50, blank=True, help_text=_("E.g. DN800 or a 2.0×1.5 m box.")
    )
    dry_weather_discharge = models.CharField(
        _("dry-weather discharge"),
        max_length=10,
        choices=DryWeather.choices,
        blank=True,
        help_text=_("Whether water flows out when it has not rained; blank: not recorded."),
    )
    colour = models.CharField(_("colour"), max_length=50, blank=True)
    smell = models.CharField(_("smell"), max_length=50, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.TO_FIX
    )
    plant = models.ForeignKey(
        TreatmentPlant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outfalls",
        verbose_name=_("treatment plant"),
    )
    problems = models.ManyToManyField(
        "Problem", blank=True, related_name="outfalls", verbose_name=_("problems")
    )
    measures = models.ManyToManyField(
        "Measure", blank=True, related_name="outfalls", verbose_name=_("measures")
    )
    note = models.TextField(_("note"), blank=True)

    objects = OutfallQuerySet.as_manager()
    photos = GenericRelation("Photo", related_query_name="outfall")
    history = HistoricalRecords(m2m_fields=[problems, measures])

    class Meta:
        ordering = ["code"]
        verbose_name = _("outfall")
        verbose_name_plural = _("outfalls")
        indexes = [models.Index(fields=["channel", "code"], name="outfall_channel_code")]

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        return reverse("projects:outfall-detail", args=[self.pk])

    @property
    def coordinates(self):
        """(longitude, latitude) of a Point geometry, else None."""
        geometry = self.geometry
        if isinstance(geometry, dict) and geometry.get("type") == "Point":
            coordinates = geometry.get("coordinates") or ()
            if len(coordinates) >= 2:
                return coordinates[0], coordinates[1]
        return None
