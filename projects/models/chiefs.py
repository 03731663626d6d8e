"""River chiefs (河长): who answers for a channel at each level, over which term, and their
inspections of it (巡河). Each level must inspect at its own frequency (the
``CHIEF_INSPECTION_DAYS`` setting); a serving chief who has not inspected a channel within it is
flagged "missed" (``ChiefAssignmentQuerySet.with_inspection``), read from the last inspection
each term keeps (``ChiefAssignment.last_inspected_on``)."""

import datetime
from functools import reduce
from operator import or_

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    DateField,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import LessThan
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from projects.core.event_times import validate_date_in_range

# A Chinese mobile or landline number, loosely: digits, spaces, hyphens and a leading +
# (13800000000, 0756-2123456, +86 138 0000 0000), with at least five digits.
validate_phone = RegexValidator(
    r"^\+?(?=(?:\D*\d){5})[\d -]{5,30}$",
    _("Enter a phone number: digits, spaces and hyphens, with a leading + if needed."),
    code="phone",
)


class Level(models.TextChoices):
    """The three levels of the river-chief system and the key of each in
    ``CHIEF_INSPECTION_DAYS``."""

    DISTRICT = "district", _("District level")
    TOWN = "town", _("Town or street level")
    VILLAGE = "village", _("Village level")


def inspection_days(level):
    """How often (days) a chief of ``level`` must inspect each of their channels."""
    return settings.CHIEF_INSPECTION_DAYS[level]


class RiverChief(models.Model):
    """A river chief: a named official answering for channels (``ChiefAssignment``)."""

    name = models.CharField(_("name"), max_length=50)
    position = models.CharField(_("official position"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("river chief")
        verbose_name_plural = _("river chiefs")

    def __str__(self):
        return f"{self.name}（{self.position}）" if self.position else self.name

    def get_absolute_url(self):
        return reverse("projects:chief-detail", args=[self.pk])


# What a term's last inspection depends on besides the inspections: a write that changes one
# of these reads it again.
TERM_INSPECTION_FIELDS = frozenset({"chief", "chief_id", "channel", "channel_id", "term_start"})
# What of an inspection the last inspection of its terms depends on.
INSPECTION_FIELDS = frozenset({"chief", "chief_id", "channel", "channel_id", "inspected_on"})


def last_inspection_of_term(inspections):
    """The latest of ``inspections`` (a ChiefInspection model's rows) by the outer term's chief
    of its channel on or after the term's start, as a subquery (None: never)."""
    latest = inspections.filter(
        chief=OuterRef("chief_id"),
        channel=OuterRef("channel_id"),
        inspected_on__gte=OuterRef("term_start"),
    ).order_by("-inspected_on")
    return Subquery(latest.values("inspected_on")[:1])


def recompute_last_inspections(terms, inspections):
    """Write each of ``terms``' last inspection (``ChiefAssignment.last_inspected_on``) again
    from ``inspections``: querysets of the models' base managers, so that the migration that
    adds the field can fill it with its own models. One statement; how many terms."""
    return models.QuerySet.update(terms, last_inspected_on=last_inspection_of_term(inspections))


class ChiefAssignmentQuerySet(models.QuerySet):
    """Writes in bulk read again each written term's last inspection when they change what it
    depends on (``TERM_INSPECTION_FIELDS``), as the one-term saves do through their signals
    (``projects.services.chief_latest``): ``bulk_create`` and ``update`` (which ``bulk_update``
    calls)."""

    def serving(self, today):
        """Terms that have begun by ``today`` and not ended before it."""
        return self.filter(_serving(today))

    def with_inspection(self, today):
        """Each term with ``interval_days`` (its level's frequency), ``due_on`` (the day the
        next inspection was due: the last one's, ``last_inspected_on``, else the term's start,
        plus the interval) and ``missed`` (serving, and ``due_on`` before ``today``)."""
        interval = Case(
            *[When(level=level, then=Value(inspection_days(level))) for level in Level.values],
            output_field=IntegerField(),
        )
        # The next inspection was due the interval after the last (the term's start when none).
        after = ExpressionWrapper(
            F("interval_days") * Value(datetime.timedelta(days=1)), output_field=DurationField()
        )
        due = ExpressionWrapper(
            Coalesce("last_inspected_on", "term_start") + after, output_field=DateTimeField()
        )
        return self.annotate(interval_days=interval).annotate(
            due_on=Cast(due, DateField()),
            missed=Case(
                When(_missed(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )

    def missed(self, today):
        """Serving terms whose chief has not inspected the channel in time: a filter on the
        stored last inspection of the term."""
        return self.filter(_missed(today))

    def refresh_inspections(self):
        """Read again the last inspection of each of these terms. One query."""
        return recompute_last_inspections(
            self.order_by(), ChiefInspection._base_manager.using(self.db).all()
        )

    def of_pairs(self, pairs):
        """The terms of the (chief pk, channel pk) ``pairs``."""
        pairs = sorted({(chief, channel) for chief, channel in pairs if chief and channel})
        if not pairs:
            return self.none()
        return self.filter(reduce(or_, (Q(chief_id=c, channel_id=ch) for c, ch in pairs)))

    def recompute(self):
        """Every term's last inspection again (after loading in bulk); how many terms."""
        return recompute_last_inspections(
            self.model._base_manager.using(self.db).all(),
            ChiefInspection._base_manager.using(self.db).all(),
        )

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        self.of_pairs((t.chief_id, t.channel_id) for t in created).refresh_inspections()
        return created

    def update(self, **kwargs):
        if not TERM_INSPECTION_FIELDS.intersection(kwargs):
            return super().update(**kwargs)
        pks = list(self.values_list("pk", flat=True))
        updated = super().update(**kwargs)
        self.model._default_manager.using(self.db).filter(pk__in=pks).refresh_inspections()
        return updated

    update.alters_data = True


# The last inspection of the term, else its start (an inspection is never before the start):
# what the missed flag compares, a level at a time, read from the index ``chiefterm_due``.
INSPECTED_OR_STARTED = Coalesce("last_inspected_on", "term_start")


def _serving(today):
    return Q(term_start__lte=today) & (Q(term_end__isnull=True) | Q(term_end__gte=today))


def _missed(today):
    """Serving, and not inspected in the term on or after today − the level's interval: the
    last inspection of the term, else its start, is before then (the same as "plus the
    interval, before today")."""
    late = Q()
    for level in Level.values:
        since = today - datetime.timedelta(days=inspection_days(level))
        late |= Q(Q(level=level), LessThan(INSPECTED_OR_STARTED, since))
    return _serving(today) & late


class ChiefAssignment(models.Model):
    """A chief's term on a channel at one level; ``term_end`` empty: still serving. A chief
    may hold several channels, a channel may have several chiefs (one per level, and new ones
    as terms end)."""

    chief = models.ForeignKey(
        RiverChief,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("river chief"),
    )
    channel = models.ForeignKey(
        "Channel",
        on_delete=models.PROTECT,
        related_name="chief_assignments",
        verbose_name=_("channel"),
    )
    level = models.CharField(_("chief level"), max_length=10, choices=Level.choices)
    term_start = models.DateField(_("term start"), validators=[validate_date_in_range])
    term_end = models.DateField(
        _("term end"),
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text=_("Leave empty while the chief still serves."),
    )
    # The chief's latest inspection of the channel on or after the term's start (None: never),
    # kept by the writes of inspections and terms (``projects.services.chief_latest``) so that
    # the missed flag is a plain filter; rebuilt whole by ``manage.py recompute_kept``.
    last_inspected_on = models.DateField(
        _("last inspection"), null=True, blank=True, editable=False
    )

    # A derived figure: a version restored from the history must not bring back an old one.
    history = HistoricalRecords(excluded_fields=["last_inspected_on"])

    objects = ChiefAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["chief_id", "-term_start", "pk"]
        verbose_name = _("river chief's term")
        verbose_name_plural = _("river chiefs' terms")
        indexes = [
            models.Index(fields=["channel", "term_end"], name="chiefterm_channel"),
            models.Index("level", INSPECTED_OR_STARTED, name="chiefterm_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=F("term_start")),
                name="chiefassignment_term_order",
                violation_error_message=_("The term cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.channel} · {self.get_level_display()} · {self.chief.name}"

    def get_absolute_url(self):
        return reverse("projects:chief-detail", args=[self.chief_id])

    @property
    def inspection_days(self):
        return inspection_days(self.level)


class ChiefInspectionQuerySet(models.QuerySet):
    """Writes in bulk keep the last inspection of the terms they touch
    (``ChiefAssignment.last_inspected_on``) as the one-record writes do through their signals
    (``projects.services.chief_latest``): ``bulk_create`` and ``update`` (which ``bulk_update``
    calls); deleting sends the signals itself."""

    def _terms(self, pairs):
        return ChiefAssignment._default_manager.using(self.db).of_pairs(pairs)

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        self._terms((i.chief_id, i.channel_id) for i in created).refresh_inspections()
        return created

    def update(self, **kwargs):
        if not INSPECTION_FIELDS.intersection(kwargs):
            return super().update(**kwargs)
        pks = list(self.values_list("pk", flat=True))
        base = self.model._base_manager.using(self.db).filter(pk__in=pks)
        pairs = set(base.values_list("chief_id", "channel_id"))
        updated = super().update(**kwargs)
        pairs |= set(base.values_list("chief_id", "channel_id"))
        self._terms(pairs).refresh_inspections()
        return updated

    update.alters_data = True


class ChiefInspection(models.Model):
    """One inspection of a channel by a river chief (巡河): when, how long, what was found, with
    photos."""

    chief = models.ForeignKey(
        RiverChief,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("river chief"),
    )
    channel = models.ForeignKey(
        "Channel",
        on_delete=models.PROTECT,
        related_name="chief_inspections",
        verbose_name=_("channel"),
    )
    inspected_on = models.DateField(
        pgettext_lazy("river chief", "inspected on"), validators=[validate_date_in_range]
    )
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    problems_found = models.TextField(
        _("problems found"), blank=True, help_text=_("Leave empty when nothing was wrong.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    photos = GenericRelation("Photo", related_query_name="chief_inspection")
    history = HistoricalRecords()

    objects = ChiefInspectionQuerySet.as_manager()

    class Meta:
        ordering = ["-inspected_on", "-pk"]
        verbose_name = _("river chief's inspection")
        verbose_name_plural = _("river chiefs' inspections")
        indexes = [
            # A chief's latest inspection of each channel (the missed flag), their page's list.
            models.Index(
                fields=["chief", "channel", "-inspected_on"], name="chiefinspection_latest"
            ),
            models.Index(fields=["chief", "-inspected_on", "-id"], name="chiefinspection_chief"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0),
                name="chiefinspection_duration_positive",
                violation_error_message=_("The duration must be at least one minute."),
            ),
        ]

    def __str__(self):
        return f"{self.chief.name} · {self.channel.name} · {self.inspected_on}"

    def get_absolute_url(self):
        return reverse("projects:chief-detail", args=[self.chief_id])
