"""The monthly maintenance assessment of the municipal stations (维修养护考核): itemised
deductions from 100 points, per station per month. The items and their points are data that
administrators edit; the fee consequence of a score is a configurable rule
(``projects.standards.maintenance``)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from projects.models.base import FirstOfMonth, non_negative

FULL_SCORE = Decimal("100")


class AssessmentItem(models.Model):
    """One line of the assessment sheet: what is checked and what each failure costs."""

    class Category(models.TextChoices):
        # The four duties of 《香洲区河道排洪渠工程维修养护考核办法》 in the article's words (¶23),
        # and one category of this product's own (the complaints' closed loop and the ledger).
        DAILY_CARE = "daily_care", pgettext_lazy("maintenance duty", "Daily care")
        INSPECTION = "inspection", pgettext_lazy("maintenance duty", "Works inspection")
        UPKEEP = "upkeep", pgettext_lazy("maintenance duty", "Upkeep")
        REPAIR = "repair", pgettext_lazy("maintenance duty", "Repair")
        MANAGEMENT = "management", _("Management and complaints (this product's category)")

    code = models.CharField(_("code"), max_length=10, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.CharField(_("item"), max_length=300)
    points_per_occurrence = models.DecimalField(
        _("points per occurrence"), max_digits=5, decimal_places=1
    )
    max_points = models.DecimalField(
        _("maximum deduction"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("The most this item can take off in a month; empty for no cap."),
    )
    active = models.BooleanField(_("in use"), default=True)
    source_note = models.TextField(
        _("source"), blank=True, help_text=_("Where the item and its points come from.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("assessment item")
        verbose_name_plural = _("assessment items")
        constraints = [
            models.CheckConstraint(
                condition=Q(points_per_occurrence__gt=0),
                name="assessmentitem_points_positive",
                violation_error_message=_("An item must take off more than zero points."),
            ),
            non_negative("max_points", "assessmentitem"),
        ]

    def __str__(self):
        return f"{self.code} {self.description}"

    def points_for(self, occurrences):
        points = self.points_per_occurrence * occurrences
        if self.max_points is not None:
            points = min(points, self.max_points)
        return points


class MonthlyAssessment(FirstOfMonth, models.Model):
    """A station's assessment for one month: 100 points less its deductions."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being assessed")
        FINAL = "final", _("Final")

    station = models.ForeignKey(
        "ResponsibleUnit",
        on_delete=models.PROTECT,
        related_name="assessments",
        limit_choices_to={"kind": "station"},
        verbose_name=_("municipal station"),
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month assessed."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-month", "station"]
        verbose_name = _("monthly maintenance assessment")
        verbose_name_plural = _("monthly maintenance assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["station", "month"],
                name="assessment_one_per_station_month",
                violation_error_message=_("This station already has an assessment for that month."),
            ),
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="assessment_month_first_day",
                violation_error_message=_("An assessment month is given by its first day."),
            ),
        ]

    def __str__(self):
        return f"{self.station} {self.month:%Y-%m}"

    def get_absolute_url(self):
        return reverse("projects:assessment-detail", args=[self.pk])


class Deduction(models.Model):
    """Points taken off one assessment for one item, with how often and why. A complaint that
    reaches 考核 counts here through its ``assessment_deduction``."""

    assessment = models.ForeignKey(
        MonthlyAssessment,
        on_delete=models.CASCADE,
        related_name="deductions",
        verbose_name=_("assessment"),
    )
    item = models.ForeignKey(
        AssessmentItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    occurrences = models.PositiveSmallIntegerField(_("occurrences"), default=1)
    points = models.DecimalField(
        _("points deducted"),
        max_digits=5,
        decimal_places=1,
        blank=True,
        help_text=_("Worked out from the item when left empty."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    channel = models.ForeignKey(
        "Channel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("channel"),
    )
    complaint = models.ForeignKey(
        "Complaint",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deductions",
        verbose_name=_("complaint"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "item__code", "pk"]
        verbose_name = _("deduction")
        verbose_name_plural = _("deductions")
        constraints = [
            non_negative("points", "deduction"),
            models.CheckConstraint(
                condition=Q(occurrences__gte=1),
                name="deduction_occurrences_positive",
                violation_error_message=_("A deduction counts at least one occurrence."),
            ),
        ]

    def __str__(self):
        return f"{self.item.code} −{self.points}"

    def save(self, *args, **kwargs):
        if self.points is None and self.item_id:
            self.points = self.item.points_for(self.occurrences or 1)
        super().save(*args, **kwargs)

    def clean(self):
        if self.points is not None and self.points < 0:
            raise ValidationError({"points": _("Amounts and lengths cannot be negative.")})
