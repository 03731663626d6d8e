"""The sewer network: the survey campaign, construction batches and pumping stations."""

from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.core.geo import validate_point
from projects.models.base import Sourced, length_field, non_negative
from projects.models.works import Project, ProjectQuerySet, Stream


class PipeSurveyCampaign(Project):
    """A pipe-network census and inspection campaign (排水管网普查及检测)."""

    surveyed_km = length_field(_("surveyed length (km)"))
    qv_km = length_field(_("QV-inspected length (km)"))
    cctv_km = length_field(_("CCTV-inspected length (km)"))
    outcome = models.TextField(_("outcome"), blank=True)

    history = HistoricalRecords()

    STREAM = Stream.SURVEY

    class Meta:
        verbose_name = _("pipe survey campaign")
        verbose_name_plural = _("pipe survey campaigns")
        constraints = [
            non_negative("surveyed_km", "pipesurveycampaign"),
            non_negative("qv_km", "pipesurveycampaign"),
            non_negative("cctv_km", "pipesurveycampaign"),
            models.CheckConstraint(
                condition=Q(qv_km__lte=F("surveyed_km")) & Q(cctv_km__lte=F("surveyed_km")),
                name="pipesurveycampaign_inspected_within_surveyed",
                violation_error_message=_("Inspected lengths cannot exceed the surveyed length."),
            ),
        ]

    def get_absolute_url(self):
        return reverse("projects:pipes")

    def share(self, km):
        if km is None or not self.surveyed_km:
            return None
        return km * 100 / self.surveyed_km

    @property
    def qv_share(self):
        return self.share(self.qv_km)

    @property
    def cctv_share(self):
        return self.share(self.cctv_km)


class PumpingStation(Sourced):
    name = models.CharField(
        _("name"),
        max_length=100,
        unique=True,
        error_messages={"unique": _("A pumping station with this name already exists.")},
    )
    street = models.ForeignKey(
        "ResponsibleUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stations_in_street",
        verbose_name=_("street or town"),
        limit_choices_to={"kind": "street"},
    )
    maintaining_unit = models.ForeignKey(
        "ResponsibleUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="maintained_stations",
        verbose_name=_("maintaining unit"),
    )
    channel = models.ForeignKey(
        "Channel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pumping_stations",
        verbose_name=_("channel"),
    )
    note = models.TextField(_("note"), blank=True)
    # A GeoJSON Point in WGS-84 (projects.core.geo).
    geometry = models.JSONField(
        _("location on the map"), null=True, blank=True, validators=[validate_point]
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("pumping station")
        verbose_name_plural = _("pumping stations")

    def __str__(self):
        return self.name


class PipeConstructionBatchQuerySet(ProjectQuerySet):
    def for_table(self):
        return self.with_progress().annotate(
            named_station_count=Count("renovated_stations", distinct=True),
            channel_count=Count("channels", distinct=True),
        )


class PipeConstructionBatch(Project):
    """A batch of the sewer-network construction programme: new pipes, renovated pumping
    stations, and the channels whose interception it includes (``Project.channels``)."""

    batch_number = models.PositiveSmallIntegerField(
        _("batch number"),
        unique=True,
        error_messages={"unique": _("A batch with this number already exists.")},
    )
    new_pipe_km = length_field(_("new pipes (km)"))
    stations_renovated = models.PositiveIntegerField(
        _("pumping stations renovated"),
        null=True,
        blank=True,
        help_text=_("The total the source declares, named or not."),
    )
    renovated_stations = models.ManyToManyField(
        PumpingStation,
        blank=True,
        related_name="construction_batches",
        verbose_name=_("named pumping stations"),
    )
    channel_list_partial = models.BooleanField(
        _("channel list is partial"),
        default=False,
        help_text=_("The source lists some of the channels and says “and others”."),
    )

    objects = PipeConstructionBatchQuerySet.as_manager()
    history = HistoricalRecords()

    STREAM = Stream.BUILD

    class Meta:
        ordering = ["batch_number"]
        verbose_name = _("pipe construction batch")
        verbose_name_plural = _("pipe construction batches")
        constraints = [non_negative("new_pipe_km", "pipeconstructionbatch")]

    def get_absolute_url(self):
        return reverse("projects:project-detail", args=[self.pk])
