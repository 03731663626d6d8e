"""Engineering projects in the six work streams, their monthly progress, techniques, and the
policies that frame them."""

from concurrency.fields import AutoIncVersionField
from django.conf import settings
from django.db import models
from django.db.models import (
    Case,
    DecimalField,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models.base import FirstOfMonth, Sourced, money_field, non_negative, percent_range


class Stream(models.IntegerChoices):
    """The six work streams, in the article's order: 查、截、建、整、疏、管."""

    SURVEY = 1, _("Survey")
    INTERCEPT = 2, _("Intercept")
    BUILD = 3, _("Build")
    REMEDIATE = 4, _("Remediate")
    DREDGE = 5, _("Dredge and repair")
    MANAGE = 6, _("Manage")

    @property
    def character(self):
        return "查截建整疏管"[self.value - 1]


class Technique(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("technique")
        verbose_name_plural = _("techniques")

    def __str__(self):
        return self.name


class ProjectQuerySet(models.QuerySet):
    def with_progress(self, today=None):
        """Annotate ``percent`` (latest monthly report; 100 once completed), ``cumulative_
        investment_wan`` (sum of the monthly reports), ``last_report_month`` and
        ``is_overdue`` (planned end passed and not completed)."""
        today = today or timezone.localdate()
        reports = ProgressReport.objects.filter(project=OuterRef("pk")).order_by("-month")
        money = DecimalField(max_digits=14, decimal_places=2)
        return self.annotate(
            latest_percent=Subquery(reports.values("percent_complete")[:1]),
            last_report_month=Subquery(reports.values("month")[:1]),
            cumulative_investment_wan=Subquery(
                ProgressReport.objects.filter(project=OuterRef("pk"))
                .order_by()
                .values("project")
                .annotate(total=Sum("investment_this_month_wan"))
                .values("total"),
                output_field=money,
            ),
            percent=Case(
                When(status=Project.Status.COMPLETED, then=Value(100)),
                default=F("latest_percent"),
                output_field=models.DecimalField(max_digits=5, decimal_places=1),
            ),
            is_overdue=Case(
                When(
                    Q(planned_end__lt=today)
                    & ~Q(status__in=[Project.Status.COMPLETED, Project.Status.CANCELLED]),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
        )

    def for_table(self):
        return self.with_progress().select_related("lead_unit").prefetch_related("channels")

    def overdue_first(self):
        return self.order_by("-is_overdue", "planned_end", "stream", "name")


class Project(Sourced):
    """An engineering project in one of the six streams. Interception batches, the pipe survey
    campaign and pipe-construction batches are projects with extra detail (multi-table
    inheritance), so every project appears in one list with one progress model."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")

    name = models.CharField(
        _("name"),
        max_length=200,
        unique=True,
        error_messages={"unique": _("A project with this name already exists.")},
    )
    stream = models.PositiveSmallIntegerField(_("work stream"), choices=Stream.choices)
    description = models.TextField(_("description"), blank=True)
    channels = models.ManyToManyField(
        "Channel", blank=True, related_name="projects", verbose_name=_("channels")
    )
    techniques = models.ManyToManyField(
        Technique, blank=True, related_name="projects", verbose_name=_("techniques")
    )
    lead_unit = models.ForeignKey(
        "ResponsibleUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_projects",
        verbose_name=_("responsible unit"),
    )
    contractor = models.ForeignKey(
        "ResponsibleUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracted_projects",
        verbose_name=_("contractor"),
    )
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    investment_wan = money_field(_("investment (10k yuan)"))
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    approval = models.CharField(_("approval"), max_length=200, blank=True)

    objects = ProjectQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[channels, techniques])

    STREAM = None  # set by the subclasses that belong to one stream

    class Meta:
        ordering = ["stream", "name"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            non_negative("investment_wan", "project"),
            models.CheckConstraint(
                condition=Q(planned_end__gte=models.F("planned_start")),
                name="project_planned_end_after_start",
                violation_error_message=_("The planned end cannot be before the planned start."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # A batch or campaign subclass belongs to one stream whatever the form said.
        if self.STREAM is not None:
            self.stream = self.STREAM
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("projects:project-detail", args=[self.pk])

    @property
    def stream_character(self):
        return Stream(self.stream).character


class ProgressReportQuerySet(models.QuerySet):
    def with_cumulative(self):
        """Running totals per project, in month order (never typed, always derived)."""
        return self.annotate(
            cumulative_investment_wan=Window(
                Sum("investment_this_month_wan"),
                partition_by=[F("project_id")],
                order_by=F("month").asc(),
            )
        )


class ProgressReport(FirstOfMonth, models.Model):
    """A project's monthly progress report: percent complete and investment this month.
    Cumulative figures are derived from the sequence of reports."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="reports", verbose_name=_("project")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    planned_percent = models.DecimalField(
        _("planned percent"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Where the schedule says the project should be by the end of the month."),
    )
    percent_complete = models.DecimalField(_("percent complete"), max_digits=5, decimal_places=1)
    investment_this_month_wan = money_field(
        _("investment this month (10k yuan)"), null=False, blank=False, default=0
    )
    note = models.TextField(_("note"), blank=True)
    problems = models.TextField(_("problems encountered"), blank=True)
    next_month_plan = models.TextField(_("next month's plan"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = AutoIncVersionField(_("version"))

    objects = ProgressReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "month"]
        verbose_name = _("monthly progress report")
        verbose_name_plural = _("monthly progress reports")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "month"],
                name="progressreport_one_per_project_month",
                violation_error_message=_("This project already has a report for that month."),
            ),
            percent_range("percent_complete", "progressreport"),
            percent_range("planned_percent", "progressreport"),
            non_negative("investment_this_month_wan", "progressreport"),
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="progressreport_month_first_day",
                violation_error_message=_("A report month is given by its first day."),
            ),
        ]

    def __str__(self):
        return f"{self.project} {self.month:%Y-%m}"


class Policy(Sourced):
    """A campaign, regulation or work plan that frames the programme."""

    class Kind(models.TextChoices):
        CAMPAIGN = "campaign", _("Campaign")
        REGULATION = "regulation", _("Regulation")
        WORK_PLAN = "work_plan", _("Work plan")

    title = models.CharField(_("title"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    stream = models.PositiveSmallIntegerField(
        _("work stream"), choices=Stream.choices, null=True, blank=True
    )
    issued_by = models.ForeignKey(
        "ResponsibleUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="policies",
        verbose_name=_("issued by"),
    )
    summary = models.TextField(_("summary"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")

    def __str__(self):
        return self.title
