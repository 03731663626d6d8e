"""Complaints and work orders, handled in the grid's closed loop: 发现 → 调配 → 处置 → 评价 →
考核 (found, dispatched, handled, evaluated, assessed). Each step is recorded with its time and
user in ``ComplaintStep``; the complaint carries its current stage and the step's fields."""

from concurrency.fields import AutoIncVersionField
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from projects.core.event_times import validate_event_time
from projects.core.geo import validate_point


class Stage(models.TextChoices):
    FOUND = "found", pgettext_lazy("complaint stage", "Found")
    DISPATCHED = "dispatched", pgettext_lazy("complaint stage", "Dispatched")
    HANDLED = "handled", pgettext_lazy("complaint stage", "Handled")
    EVALUATED = "evaluated", pgettext_lazy("complaint stage", "Evaluated")
    ASSESSED = "assessed", pgettext_lazy("complaint stage", "Assessed")


STAGE_ORDER = [Stage.FOUND, Stage.DISPATCHED, Stage.HANDLED, Stage.EVALUATED, Stage.ASSESSED]
# Stages at which the work is still to be done: a deadline passed here makes it overdue.
OPEN_WORK_STAGES = [Stage.FOUND, Stage.DISPATCHED]
# How many numbers a new complaint draws before giving up, each taken meanwhile by a complaint
# saved at the same moment.
NUMBERING_ATTEMPTS = 50


class Complaint(models.Model):
    Stage = Stage

    class Source(models.TextChoices):
        # As the office names them. Until 2026 a complaint by WeChat was its own source: it is
        # the public's message, 公众来电/来信 (migration 0026).
        PUBLIC = "public", _("Public call or letter")
        HOTLINE = "hotline", _("12345 hotline")
        INSPECTION = "inspection", _("Inspection referral")
        MEDIA = "media", _("Media")
        PATROL = "patrol", _("Patrol")
        RIVER_CHIEF = "river_chief", _("River chief's inspection")
        OTHER = "other", _("Other")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")

    number = models.CharField(
        _("number"),
        max_length=20,
        unique=True,
        blank=True,
        help_text=_("Given when the complaint is saved, e.g. TS-2018-0001."),
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    received_at = models.DateTimeField(
        _("received at"), default=timezone.now, validators=[validate_event_time]
    )
    complainant = models.CharField(_("complainant"), max_length=50, blank=True)
    contact = models.CharField(_("contact"), max_length=50, blank=True)
    location = models.CharField(_("location"), max_length=200)
    channel = models.ForeignKey(
        "Channel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("channel"),
    )
    problem = models.ForeignKey(
        "Problem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("plan problem"),
        help_text=_("The problem of the channel's one-river-one-policy plan it concerns, if any."),
    )
    outfall = models.ForeignKey(
        "Outfall",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("outfall"),
        help_text=_("The outfall of the channel it concerns, if any."),
    )
    description = models.TextField(_("description"))
    geometry = models.JSONField(
        _("location on the map"),
        null=True,
        blank=True,
        validators=[validate_point],
        help_text=_("A GeoJSON point in WGS-84 longitude and latitude."),
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.FOUND)
    # 调配
    assigned_unit = models.ForeignKey(
        "ResponsibleUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("assigned unit"),
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    # 处置
    action_taken = models.TextField(_("action taken"), blank=True)
    cause = models.TextField(
        _("cause found"),
        blank=True,
        help_text=_("What caused the problem, as found on handling (成因)."),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    # 评价
    satisfaction = models.CharField(
        _("satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    # 考核
    assessment_deduction = models.ForeignKey(
        "Deduction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deduction in the unit's assessment"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    version = AutoIncVersionField(_("version"))

    photos = GenericRelation("Photo", related_query_name="complaint")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            # The list's order: its first page read from the index.
            models.Index(fields=["-received_at", "-id"], name="complaint_latest"),
            models.Index(fields=["stage", "deadline"], name="complaint_stage_deadline"),
            models.Index(fields=["assigned_unit", "stage"], name="complaint_unit_stage"),
        ]

    def __str__(self):
        return f"{self.number} {self.location}"

    def save(self, *args, **kwargs):
        if self.number:
            return super().save(*args, **kwargs)
        # The year's highest number + 1. Complaints saved at the same moment draw the same
        # one: the unique number refuses all but the first, and the others draw again.
        for attempt in range(1, NUMBERING_ATTEMPTS + 1):
            self.number = self.next_number(self.received_at or timezone.now())
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                taken = Complaint._base_manager.filter(number=self.number).exists()
                if not taken or attempt == NUMBERING_ATTEMPTS:
                    self.number = ""
                    raise

    def get_absolute_url(self):
        return reverse("projects:complaint-detail", args=[self.pk])

    def clean(self):
        super().clean()
        self.clean_outfall()
        if not self.problem_id:
            return
        if self.channel_id is None:
            # The problem says where: its plan's channel.
            self.channel_id = self.problem.plan.channel_id
        elif self.problem.plan.channel_id != self.channel_id:
            raise ValidationError(
                {
                    "problem": _(
                        "This problem is on the plan of %(channel)s: choose a problem of the "
                        "complaint's own channel."
                    )
                    % {"channel": self.problem.plan.channel.name}
                }
            )

    def clean_outfall(self):
        if not self.outfall_id:
            return
        if self.channel_id is None:
            # The outfall says where: its channel.
            self.channel_id = self.outfall.channel_id
        elif self.outfall.channel_id != self.channel_id:
            raise ValidationError(
                {
                    "outfall": _(
                        "This outfall is on %(channel)s: choose an outfall of the complaint's "
                        "own channel."
                    )
                    % {"channel": self.outfall.channel.name}
                }
            )

    @classmethod
    def next_number(cls, when):
        year = timezone.localtime(when).year if timezone.is_aware(when) else when.year
        prefix = f"TS-{year}-"
        last = (
            cls._base_manager.filter(number__startswith=prefix)
            .order_by(Length("number").desc(), "-number")  # TS-2018-10000 after TS-2018-9999
            .values_list("number", flat=True)
            .first()
        )
        sequence = int(last[len(prefix) :]) + 1 if last else 1
        return f"{prefix}{sequence:04d}"

    @property
    def is_open(self):
        return self.stage != Stage.ASSESSED

    @property
    def overdue(self):
        """Dispatched (or still waiting) with its deadline passed and not handled yet."""
        return bool(
            self.deadline
            and self.stage in OPEN_WORK_STAGES
            and self.deadline < timezone.localdate()
        )

    @property
    def handling_time(self):
        """From receiving it to its handling (处置), or None while not handled."""
        if self.handled_at is None or self.received_at is None:
            return None
        return self.handled_at - self.received_at

    @property
    def stage_index(self):
        return STAGE_ORDER.index(self.stage)


class ComplaintStep(models.Model):
    """One step of the closed loop: which stage was reached, by whom, when, and what was said.
    Photos of the step (e.g. the handling's before/after) attach here."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="steps", verbose_name=_("complaint")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # When the step happened, as entered (a step of a 2018 case entered today says 2018) …
    at = models.DateTimeField(_("time"), default=timezone.now, validators=[validate_event_time])
    # … and when it was entered.
    recorded_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    photos = GenericRelation("Photo", related_query_name="complaint_step")

    # A step's note can be corrected in the admin: who corrected it, and what it said before.
    history = HistoricalRecords()

    class Meta:
        ordering = ["complaint", "at", "pk"]
        verbose_name = _("complaint step")
        verbose_name_plural = _("complaint steps")

    def __str__(self):
        return f"{self.complaint.number} {self.get_stage_display()}"
