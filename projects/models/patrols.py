"""Patrols: the fixed posts of the municipal stations (定岗定责) and what each patrol found."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max, Q, Value
from django.db.models.functions import Coalesce, NullIf
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


class PatrolRecordQuerySet(models.QuerySet):
    """Writes in bulk keep each post's latest patrol of each channel (``PostChannelPatrol``)
    as the one-record writes do through their signals (``projects.services.patrol_latest``);
    deleting sends the signals itself."""

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        PostChannelPatrol.objects.using(self.db).refresh(
            {(r.post_id, r.channel_id) for r in created}
        )
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        before = self.model._base_manager.using(self.db).filter(pk__in=[o.pk for o in objs])
        pairs = set(before.values_list("post_id", "channel_id"))
        updated = super().bulk_update(objs, fields, *args, **kwargs)
        pairs |= {(o.post_id, o.channel_id) for o in objs}
        PostChannelPatrol.objects.using(self.db).refresh(pairs)
        return updated

    def update(self, **kwargs):
        pks = list(self.values_list("pk", flat=True))
        base = self.model._base_manager.using(self.db).filter(pk__in=pks)
        pairs = set(base.values_list("post_id", "channel_id"))
        updated = super().update(**kwargs)
        pairs |= set(base.values_list("post_id", "channel_id"))
        PostChannelPatrol.objects.using(self.db).refresh(pairs)
        return updated

    update.alters_data = True


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

    objects = PatrolRecordQuerySet.as_manager()

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


class PostChannelPatrolQuerySet(models.QuerySet):
    def with_interval(self):
        """``interval``: the post's patrol interval in days (``PatrolPost.interval_days``, else
        the ``PATROL_INTERVAL_DAYS`` setting), as ``effective_interval_days`` in SQL."""
        return self.annotate(
            interval=Coalesce(
                NullIf("post__interval_days", Value(0)),
                Value(settings.PATROL_INTERVAL_DAYS),
                output_field=models.IntegerField(),
            )
        )

    def _latest(self, post_id, channel_id):
        return (
            PatrolRecord._base_manager.using(self.db)
            .filter(post_id=post_id, channel_id=channel_id)
            .order_by("-patrolled_at")
            .values("patrolled_at")[:1]
        )

    def refresh(self, pairs):
        """Read again the latest patrol of each (post pk, channel pk) of ``pairs`` from the
        records (pairs without a channel, or whose channel the post no longer covers, are left
        alone). One query a pair."""
        for post_id, channel_id in sorted(p for p in pairs if p[0] and p[1]):
            self.filter(post_id=post_id, channel_id=channel_id).update(
                last_patrolled_at=models.Subquery(self._latest(post_id, channel_id))
            )

    def cover(self, pairs):
        """Rows for the (post pk, channel pk) ``pairs`` a post has come to cover, each with
        the post's latest patrol of the channel, if any. Two queries."""
        pairs = {(post_id, channel_id) for post_id, channel_id in pairs}
        if not pairs:
            return
        posts = {post_id for post_id, _ in pairs}
        channels = {channel_id for _, channel_id in pairs}
        latest = {
            (post_id, channel_id): last
            for post_id, channel_id, last in PatrolRecord._base_manager.using(self.db)
            .filter(post_id__in=posts, channel_id__in=channels)
            .order_by()
            .values_list("post_id", "channel_id")
            .annotate(last=Max("patrolled_at"))
        }
        self.bulk_create(
            [
                PostChannelPatrol(post_id=p, channel_id=c, last_patrolled_at=latest.get((p, c)))
                for p, c in sorted(pairs)
            ],
            update_conflicts=True,
            unique_fields=["post", "channel"],
            update_fields=["last_patrolled_at"],
        )

    def recompute(self):
        """All the rows again from the posts' channels and the patrol records (after loading
        in bulk). Returns how many there are."""
        return recompute_latest_patrols(
            self.model, PatrolPost.channels.through, PatrolRecord, self.db
        )


def recompute_latest_patrols(model, through, records, using):
    """Empty ``model``'s table (PostChannelPatrol) and fill it from ``through`` (the posts'
    channels) and ``records`` (the patrols): model classes, so that the migration that creates
    the table can fill it with its own. Three statements."""
    from django.db import connections

    table = model._meta.db_table
    with connections[using].cursor() as cursor:
        cursor.execute(f'DELETE FROM "{table}"')
        cursor.execute(
            f'INSERT INTO "{table}" (post_id, channel_id, last_patrolled_at) '
            "SELECT t.patrolpost_id, t.channel_id, MAX(r.patrolled_at) "
            f'FROM "{through._meta.db_table}" t LEFT JOIN "{records._meta.db_table}" r '
            "ON r.post_id = t.patrolpost_id AND r.channel_id = t.channel_id "
            "GROUP BY t.patrolpost_id, t.channel_id"
        )
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        return cursor.fetchone()[0]


class PostChannelPatrolManager(models.Manager.from_queryset(PostChannelPatrolQuerySet)):
    def get_by_natural_key(self, post_id, channel_id):
        return self.get(post_id=post_id, channel_id=channel_id)


class PostChannelPatrol(models.Model):
    """Each channel a post covers, with the post's latest patrol of it (None: never), stored
    so that the channels left unpatrolled too long are a plain filter. Kept by the writes of
    patrol records and of the posts' channels (``projects.services.patrol_latest``); rebuilt
    whole by ``manage.py recompute_kept``."""

    post = models.ForeignKey(
        PatrolPost, on_delete=models.CASCADE, related_name="channel_patrols", verbose_name=_("post")
    )
    channel = models.ForeignKey(
        "Channel", on_delete=models.CASCADE, related_name="+", verbose_name=_("channel")
    )
    last_patrolled_at = models.DateTimeField(_("last patrolled at"), null=True, blank=True)

    objects = PostChannelPatrolManager()

    class Meta:
        ordering = ["post", "channel"]
        verbose_name = _("latest patrol of a post's channel")
        verbose_name_plural = _("latest patrols of the posts' channels")
        constraints = [
            models.UniqueConstraint(fields=["post", "channel"], name="postchannelpatrol_unique")
        ]

    def __str__(self):
        return f"{self.post} · {self.channel}"

    def natural_key(self):
        # A backup's rows meet those its posts' channels made as they were loaded.
        return (self.post_id, self.channel_id)
