"""The reports of a complaint case: each call, letter, hotline order or inspection referral
about one problem, kept with its reporter. The ``Complaint`` is the case: it goes through the
closed loop once and counts once in every statistic, however many reports it gathers.

An inspection referral (督察交办) names the inspecting body and its case number; a case number
is recorded once per body (``complaintreport_case_number_unique``)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.core.event_times import validate_event_time
from projects.models.complaints import Complaint


class ComplaintReport(models.Model):
    Source = Complaint.Source

    complaint = models.ForeignKey(
        Complaint,
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("complaint case"),
    )
    source = models.CharField(_("source"), max_length=20, choices=Complaint.Source.choices)
    received_at = models.DateTimeField(
        _("received at"), default=timezone.now, validators=[validate_event_time]
    )
    reporter = models.CharField(_("reporter"), max_length=50, blank=True)
    contact = models.CharField(_("contact"), max_length=50, blank=True)
    inspecting_body = models.CharField(
        _("inspecting body"),
        max_length=100,
        blank=True,
        help_text=_("For an inspection referral: the body that passed it on."),
    )
    case_number = models.CharField(
        _("case number"),
        max_length=50,
        blank=True,
        help_text=_("The inspecting body's number of the case it passed on."),
    )
    content = models.TextField(_("what was reported"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["complaint", "received_at", "pk"]
        verbose_name = _("complaint report")
        verbose_name_plural = _("complaint reports")
        constraints = [
            models.UniqueConstraint(
                fields=["inspecting_body", "case_number"],
                condition=~Q(case_number=""),
                name="complaintreport_case_number_unique",
                violation_error_message=_(
                    "This case number of this inspecting body is already recorded."
                ),
            ),
            models.CheckConstraint(
                condition=Q(case_number="") | ~Q(inspecting_body=""),
                name="complaintreport_case_number_body",
                violation_error_message=_("A case number needs the body that gave it."),
            ),
        ]

    def __str__(self):
        return f"{self.complaint.number} {self.get_source_display()} {self.received_at:%Y-%m-%d}"

    def get_absolute_url(self):
        return f"{self.complaint.get_absolute_url()}#report-{self.pk}"

    def clean(self):
        super().clean()
        self.inspecting_body = self.inspecting_body.strip()
        self.case_number = self.case_number.strip()
        errors = {}
        if self.source == Complaint.Source.INSPECTION:
            if not self.inspecting_body:
                errors["inspecting_body"] = _("Name the inspecting body that passed this case on.")
            if not self.case_number:
                errors["case_number"] = _("Give the inspecting body's case number.")
        elif self.case_number and not self.inspecting_body:
            errors["inspecting_body"] = _("Name the body that gave this case number.")
        if errors:
            raise ValidationError(errors)
