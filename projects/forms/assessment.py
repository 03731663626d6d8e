"""The site form with which an administrator adds a deduction to a monthly assessment."""

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from projects.core.event_times import BoundedDates
from projects.forms.widgets import lookup_when_long
from projects.models import AssessmentItem, Channel, Complaint, Deduction, MonthlyAssessment


class DeductionForm(BoundedDates, forms.ModelForm):
    complaint_number = forms.CharField(
        label=_("complaint number"),
        max_length=20,
        required=False,
        help_text=_("The complaint this deduction counts, e.g. TS-2018-0001; may be left empty."),
    )

    class Meta:
        model = Deduction
        fields = ("item", "occurrences", "points", "note", "channel")

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        self.instance.assessment = assessment
        self.fields["item"].queryset = AssessmentItem.objects.filter(active=True)
        self.fields["channel"].queryset = Channel.objects.order_by("name")
        # A city has thousands of channels: a search box beyond a few dozen.
        lookup_when_long(self.fields["channel"], "channels")
        self.fields["points"].required = False

    def clean_complaint_number(self):
        number = self.cleaned_data["complaint_number"].strip()
        if not number:
            return None
        complaint = Complaint.objects.filter(number__iexact=number).first()
        if complaint is None:
            raise forms.ValidationError(
                _("No complaint has the number %(number)s."), params={"number": number}
            )
        return complaint

    def clean(self):
        cleaned = super().clean()
        if self.assessment.status == MonthlyAssessment.Status.FINAL:
            raise forms.ValidationError(
                _(
                    "This assessment is final: deductions can no longer be added. An "
                    "administrator can set it back to being assessed in the administration."
                )
            )
        return cleaned

    def save(self, commit=True):
        self.instance.complaint = self.cleaned_data.get("complaint_number")
        with transaction.atomic():
            return super().save(commit=commit)
