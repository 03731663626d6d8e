"""The one-river-one-policy (一河一策) plan and its five lists."""

from concurrency.fields import AutoIncVersionField
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Count, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from projects.core.validators import validate_evidence
from projects.models.base import Sourced, money_field, non_negative, percent_range


class Plan(Sourced):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Being drafted")
        APPROVED = "approved", _("Approved")
        IN_FORCE = "in_force", _("Being implemented")
        COMPLETED = "completed", _("Completed")

    channel = models.OneToOneField(
        "Channel",
        on_delete=models.CASCADE,
        related_name="plan",
        verbose_name=_("channel"),
        error_messages={"unique": _("This channel already has a plan.")},
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        blank=True,
        help_text=_("Left blank when the source does not state it."),
    )
    compiled_by = models.ForeignKey(
        "ResponsibleUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compiled_plans",
        verbose_name=_("compiled by"),
    )
    approved_by = models.ForeignKey(
        "ResponsibleUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_plans",
        verbose_name=_("approved by"),
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["channel__name"]
        verbose_name = _("one-river-one-policy plan")
        verbose_name_plural = _("one-river-one-policy plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="plan_period_end_after_start",
                violation_error_message=_("The period cannot end before it starts."),
            )
        ]

    def __str__(self):
        return self.title or _("Plan for %(channel)s") % {"channel": self.channel.name}

    def get_absolute_url(self):
        return reverse("projects:channel-detail", args=[self.channel_id])

    def completeness_warnings(self, problems, tasks):
        """What keeps the plan from being complete: every problem must map to a task and every
        task must have a lead unit, a responsible person and a deadline. ``problems`` must carry
        ``task_count`` (see ``Problem.objects.with_task_count``)."""
        warnings = []
        for problem in problems:
            if not problem.task_count:
                warnings.append(
                    _("Problem “%(problem)s” is not addressed by any task.")
                    % {"problem": problem.title}
                )
        for task in tasks:
            missing = task.missing_fields()
            if missing:
                warnings.append(
                    _("Task “%(task)s” has no %(missing)s.")
                    % {"task": task.content, "missing": "、".join(str(m) for m in missing)}
                )
        return warnings


class ProblemQuerySet(models.QuerySet):
    def with_task_count(self):
        return self.annotate(task_count=Count("tasks"))


class Problem(Sourced):
    class Category(models.TextChoices):
        BLACK_ODOROUS = "black_odorous", _("Black and odorous water")
        SEWAGE = "sewage", _("Sewage discharge")
        SILT = "silt", _("Siltation")
        WEEDS = "weeds", _("Weeds and litter")
        ODOUR = "odour", _("Odour")
        BANKS = "banks", _("Banks and structures")
        OTHER = "other", _("Other")

    class Found(models.TextChoices):
        PUBLIC = "public", _("Public complaints")
        PATROL = "patrol", _("Patrol")
        SURVEY = "survey", _("Survey or monitoring")
        OTHER = "other", _("Other")

    class Severity(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="problems", verbose_name=_("plan")
    )
    title = models.CharField(_("problem"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    location = models.CharField(_("location"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    cause = models.TextField(_("cause"), blank=True)
    how_found = models.CharField(_("how found"), max_length=20, choices=Found.choices, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    # The plant a problem is put down to, e.g. a treatment plant at full load.
    plant = models.ForeignKey(
        "TreatmentPlant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name=_("treatment plant"),
    )

    objects = ProblemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "id"]
        verbose_name = _("problem")
        verbose_name_plural = _("problem list")

    def __str__(self):
        return self.title


class Target(Sourced):
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="targets", verbose_name=_("plan")
    )
    indicator = models.CharField(_("indicator"), max_length=100)
    baseline = models.CharField(_("baseline"), max_length=200, blank=True)
    target_value = models.CharField(_("target value"), max_length=200)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    achieved = models.BooleanField(_("achieved"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "id"]
        verbose_name = _("target")
        verbose_name_plural = _("target list")

    def __str__(self):
        return f"{self.indicator}: {self.target_value}"


class TaskQuerySet(models.QuerySet):
    def with_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.annotate(
            effective_deadline=Coalesce("extended_deadline", "deadline"),
            is_overdue=Case(
                When(
                    Q(effective_deadline__lt=today) & ~Q(status=Task.Status.DONE),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
        )

    def overdue(self, today=None):
        """The tasks past their (extended) deadline and not completed, filtered on the columns
        themselves rather than on ``is_overdue``: the database can then read them from the
        open tasks' deadline index (``task_open_deadline``)."""
        today = today or timezone.localdate()
        return (
            self.with_overdue(today)
            .filter(effective_deadline__lt=today)
            .exclude(status=Task.Status.DONE)
        )

    def with_progress(self):
        """``progress``: the percent reported, 100 once the task is done."""
        return self.annotate(
            progress=Case(
                When(status=Task.Status.DONE, then=Value(100)),
                default=F("percent_complete"),
                output_field=models.PositiveSmallIntegerField(),
            )
        )

    def for_table(self):
        return (
            self.with_overdue()
            .with_progress()
            .select_related("lead_unit", "plan__channel")
            .prefetch_related("supporting_units")
        )


class Task(Sourced):
    class Status(models.TextChoices):
        # The supervision vocabulary: 待办理 / 推进中 / 已办结 / 申请延期 / 已延期.
        PENDING = "pending", pgettext_lazy("task status", "To be handled")
        IN_PROGRESS = "in_progress", pgettext_lazy("task status", "In progress")
        DONE = "done", pgettext_lazy("task status", "Completed")
        EXTENSION_REQUESTED = (
            "extension_requested",
            pgettext_lazy("task status", "Extension requested"),
        )
        EXTENDED = "extended", pgettext_lazy("task status", "Extended")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("plan")
    )
    content = models.CharField(_("task"), max_length=300)
    quantity = models.CharField(_("quantity"), max_length=100, blank=True)
    problems = models.ManyToManyField(
        Problem, blank=True, related_name="tasks", verbose_name=_("problems addressed")
    )
    targets = models.ManyToManyField(
        Target, blank=True, related_name="tasks", verbose_name=_("targets served")
    )
    lead_unit = models.ForeignKey(
        "ResponsibleUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_tasks",
        verbose_name=_("lead unit"),
    )
    supporting_units = models.ManyToManyField(
        "ResponsibleUnit",
        blank=True,
        related_name="supported_tasks",
        verbose_name=_("supporting units"),
    )
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    extended_deadline = models.DateField(_("extended deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    completion_note = models.TextField(
        _("completion note"),
        blank=True,
        help_text=_("What was done and how it was checked; required to mark the task completed."),
    )
    evidence = models.FileField(
        _("evidence"),
        upload_to="evidence/%Y/%m/",
        blank=True,
        validators=[validate_evidence],
        help_text=_("A PDF, image or Office document of at most 10 MB."),
    )
    extension_reason = models.TextField(
        _("reason for extension"),
        blank=True,
        help_text=_("Required when an extension is requested."),
    )
    version = AutoIncVersionField(_("version"))

    objects = TaskQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[supporting_units])

    class Meta:
        ordering = ["plan", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("task list")
        constraints = [percent_range("percent_complete", "task")]
        indexes = [
            # The tasks still open by their deadline as extended (``with_overdue``'s
            # ``effective_deadline``): what is overdue or due soon is read from the front of
            # this index instead of from every task of a city's plans. It holds both deadlines
            # (PostgreSQL), so that counting them reads the index alone, not the tasks.
            models.Index(
                Coalesce("extended_deadline", "deadline"),
                name="task_open_deadline",
                condition=~Q(status="done"),
                include=["extended_deadline", "deadline"],
            ),
        ]

    def __str__(self):
        return self.content

    def get_absolute_url(self):
        return reverse("projects:channel-detail", args=[self.plan.channel_id])

    def clean(self):
        """The supervision rules: 已办结 needs a completion note or evidence, 申请延期 a reason,
        已延期 a new deadline later than the original one."""
        errors = {}
        if self.status == self.Status.DONE and not (self.completion_note or self.evidence):
            errors["completion_note"] = _("A completed task needs a completion note or evidence.")
        if self.status == self.Status.EXTENSION_REQUESTED and not self.extension_reason:
            errors["extension_reason"] = _("Give the reason for the extension.")
        if self.status == self.Status.EXTENDED:
            if not self.extended_deadline:
                errors["extended_deadline"] = _("An extended task needs its new deadline.")
            elif self.deadline and self.extended_deadline <= self.deadline:
                errors["extended_deadline"] = _(
                    "The new deadline must be later than the original one."
                )
        if errors:
            raise ValidationError(errors)

    def missing_fields(self):
        missing = []
        if not self.lead_unit_id:
            missing.append(_("lead unit"))
        if not self.responsible_person:
            missing.append(_("responsible person"))
        if not self.deadline:
            missing.append(_("deadline"))
        return missing

    @property
    def overdue(self):
        if hasattr(self, "is_overdue"):
            return self.is_overdue
        deadline = self.extended_deadline or self.deadline
        return bool(deadline and deadline < timezone.localdate() and self.status != "done")


class Measure(Sourced):
    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("measure status", "Planned")
        BUILDING = "building", pgettext_lazy("measure status", "Being built")
        IN_SERVICE = "in_service", pgettext_lazy("measure status", "In service")
        ACCEPTED = "accepted", pgettext_lazy("measure status", "Accepted")

    class Category(models.TextChoices):
        SOURCE_CONTROL = "source_control", _("Source control and interception")
        INTERNAL = "internal", _("Internal source treatment")
        ECOLOGICAL = "ecological", _("Ecological restoration")
        FLOW = "flow", _("Flow and water-quality maintenance")
        MANAGEMENT = "management", _("Monitoring and management")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="measures", verbose_name=_("plan")
    )
    name = models.CharField(_("measure"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    technique = models.ForeignKey(
        "Technique",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("technique"),
    )
    project = models.ForeignKey(
        "Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("project"),
    )
    scale = models.CharField(_("scale"), max_length=100, blank=True)
    investment_wan = money_field(_("investment (10k yuan)"))
    funding = models.CharField(_("funding"), max_length=100, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        blank=True,
        help_text=_(
            "A micro-pore aeration or ecological floating island measure needs a before and an "
            "after photo to be accepted."
        ),
    )

    photos = GenericRelation("Photo", related_query_name="measure")
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "id"]
        verbose_name = _("measure")
        verbose_name_plural = _("measure list")
        constraints = [non_negative("investment_wan", "measure")]

    def __str__(self):
        return self.name


class Responsibility(Sourced):
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="responsibilities", verbose_name=_("plan")
    )
    unit = models.ForeignKey(
        "ResponsibleUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsibilities",
        verbose_name=_("unit"),
    )
    duty = models.TextField(_("duty"))
    person = models.CharField(_("responsible person"), max_length=50, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "id"]
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibility list")

    def __str__(self):
        return f"{self.unit or '—'}: {self.duty[:40]}"
