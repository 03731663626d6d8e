"""Patrols: the fixed posts of the municipal stations (定岗定责) and what each patrol found."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from projects.core.event_times import validate_event_time


class PatrolPost(models.Model):
    """A fixed patrol post of a municipal station: the channels and pumping stations it
    covers and the person on post."""

    station = models.ForeignKey(
        "ResponsibleUnit",
        on_delete=models.PROTECT,
        related_name="patrol_posts",
        limit_choices_to={"kind": "station"},
        verbose_name=_("municipal station"),
    )
    name = models.CharField(_("post"), max_length=100)
    channels = models.ManyToManyField(
        "Channel", blank=True, related_name="patrol_posts", verbose_name=_("channels covered")
    )
    pumping_stations = models.ManyToManyField(
        "PumpingStation",
        blank=True,
        related_name="patrol_posts",
        verbose_name=_("pumping stations covered"),
    )
    person_on_post = models.CharField(_("person on post"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    interval_days = models.PositiveSmallIntegerField(
        _("patrol interval (days)"),
        null=True,
        blank=True,
        help_text=_(
            "How often each channel of the post must be patrolled; empty means the "
            "district-wide default interval, set by the system administrator."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords(m2m_fields=[channels, pumping_stations])

    class Meta:
        ordering = ["station", "name"]
        verbose_name = _("patrol post")
        verbose_name_plural = _("patrol posts")
        constraints = [
            models.UniqueConstraint(
                fields=["station", "name"],
                name="patrolpost_unique_name_per_station",
                violation_error_message=_("This station already has a post of that name."),
            ),
            models.CheckConstraint(
                condition=Q(interval_days__gte=1),
                name="patrolpost_interval_positive",
                violation_error_message=_("The patrol interval must be at least one day."),
            ),
        ]

    def __str__(self):
        return f"{self.station} · {self.name}"

    def get_absolute_url(self):
        return reverse("projects:station-detail", args=[self.station_id])

    @property
    def effective_interval_days(self):
        return self.interval_days or settings.PATROL_INTERVAL_DAYS


class PatrolRecord(models.Model):
    """One patrol: who, when, where, what kind of work, what was found, with photos. A finding
    can open a problem on the channel's plan or a complaint-style work order."""

    class Kind(models.TextChoices):
        # The duties 《香洲区河道排洪渠工程维修养护考核办法》 sets, in the article's words (¶23:
        # 对河渠日常管护、工程检查、保养、维修等提出具体工作要求).
        DAILY_CARE = "daily_care", pgettext_lazy("maintenance duty", "Daily care")
        INSPECTION = "inspection", pgettext_lazy("maintenance duty", "Works inspection")
        UPKEEP = "upkeep", pgettext_lazy("maintenance duty", "Upkeep")
        REPAIR = "repair", pgettext_lazy("maintenance duty", "Repair")

    post = models.ForeignKey(
        PatrolPost, on_delete=models.PROTECT, related_name="records", verbose_name=_("post")
    )
    channel = models.ForeignKey(
        "Channel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="patrol_records",
        verbose_name=_("channel"),
    )
    pumping_station = models.ForeignKey(
        "PumpingStation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="patrol_records",
        verbose_name=_("pumping station"),
    )
    kind = models.CharField(_("work done"), max_length=20, choices=Kind.choices)
    patrolled_at = models.DateTimeField(_("patrolled at"), validators=[validate_event_time])
    patroller = models.CharField(_("patroller"), max_length=50, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    findings = models.TextField(
        _("findings"), blank=True, help_text=_("Leave empty when nothing was wrong.")
    )
    action_taken = models.TextField(_("action taken"), blank=True)
    problem = models.ForeignKey(
        "Problem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patrol_records",
        verbose_name=_("problem opened"),
    )
    complaint = models.ForeignKey(
        "Complaint",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patrol_records",
        verbose_name=_("work order opened"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    photos = GenericRelation("Photo", related_query_name="patrol_record")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-patrolled_at", "-pk"]
        get_latest_by = "patrolled_at"
        verbose_name = _("patrol record")
        verbose_name_plural = _("patrol records")
        indexes = [
            # The list's order: its first page read from the index.
            models.Index(fields=["-patrolled_at", "-id"], name="patrol_latest"),
            models.Index(fields=["channel", "-patrolled_at"], name="patrol_channel_latest"),
            models.Index(fields=["post", "-patrolled_at"], name="patrol_post_latest"),
            # Each post's latest patrol of each of its channels (the overdue channels).
            models.Index(
                fields=["post", "channel", "-patrolled_at"], name="patrol_post_channel_latest"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__isnull=False) | Q(pumping_station__isnull=False),
                name="patrolrecord_has_place",
                violation_error_message=_("Say which channel or pumping station was patrolled."),
            )
        ]

    def __str__(self):
        place = self.channel or self.pumping_station or "—"
        return f"{place} {self.patrolled_at:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("projects:patrol-detail", args=[self.pk])

    @property
    def has_finding(self):
        return bool(self.findings.strip())

    def clean(self):
        errors = {}
        post = self.post if self.post_id else None
        if post is not None and post.pk:
            if self.channel_id and not post.channels.filter(pk=self.channel_id).exists():
                errors["channel"] = _("This channel is not covered by the post.")
            if (
                self.pumping_station_id
                and not post.pumping_stations.filter(pk=self.pumping_station_id).exists()
            ):
                errors["pumping_station"] = _("This pumping station is not covered by the post.")
        if errors:
            raise ValidationError(errors)
