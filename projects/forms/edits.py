"""Forms for editing in the site. Every form that changes a versioned record carries the
version the user started from; a save made after someone else's is refused and says what
changed in between (django-concurrency guards the write itself)."""

import datetime

from concurrency.exceptions import RecordModifiedError
from django import forms
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from projects.core.event_times import BoundedDates
from projects.core.months import this_month
from projects.models import ProgressReport, Task
from projects.services.history import changes_since

# The largest number a version or a history row's id can be (a 64-bit integer column): a
# larger one is no version at all, and would overflow the query that looks for it.
LARGEST_ID = 2**63 - 1


def hidden_id_field():
    return forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=LARGEST_ID
    )


class VersionedForm(BoundedDates, forms.ModelForm):
    """A ModelForm that refuses to overwrite a newer version of its record. Its dates and
    times are bounded (``BoundedDates``)."""

    expected_version = hidden_id_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflicts = []
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            expected = cleaned.get("expected_version")
            current = (
                type(self.instance)
                ._base_manager.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if expected is None or expected != current:
                self.refuse_stale(expected or 0, current)
        return cleaned

    def refuse_stale(self, expected, current):
        """Keep what the user typed, show what changed since ``expected``, and let a second,
        deliberate save replace it."""
        self.conflicts = changes_since(self.instance, expected)
        data = self.data.copy()
        data[self.add_prefix("expected_version")] = current
        self.data = data
        self.add_error(
            None,
            _(
                "Someone else saved this record after you opened it. Your entries are kept "
                "below; check the changes listed and save again to replace them."
            ),
        )

    def save(self, commit=True):
        if self.instance.pk:
            self.instance.version = self.cleaned_data["expected_version"]
        return super().save(commit=commit)

    def save_or_refuse(self):
        """Save in one transaction; on a race lost between clean() and the write, or a
        database constraint, add the error to the form and return None (nothing written)."""
        try:
            with transaction.atomic():
                return self.save()
        except RecordModifiedError:
            current = type(self.instance)._base_manager.get(pk=self.instance.pk).version
            self.refuse_stale(self.cleaned_data.get("expected_version") or 0, current)
        except IntegrityError:
            self.add_error(None, _("The record could not be saved: it conflicts with another."))
        return None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TaskUpdateForm(VersionedForm):
    """What a unit editor reports on a task their unit leads."""

    class Meta:
        model = Task
        fields = (
            "status",
            "percent_complete",
            "note",
            "completion_note",
            "evidence",
            "extension_reason",
            "extended_deadline",
        )
        widgets = {
            "extended_deadline": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
            "completion_note": forms.Textarea(attrs={"rows": 3}),
            "extension_reason": forms.Textarea(attrs={"rows": 2}),
        }


class TaskAdministrationForm(TaskUpdateForm):
    """An administrator also sets who answers for the task and by when."""

    class Meta(TaskUpdateForm.Meta):
        fields = (
            "lead_unit",
            "supporting_units",
            "responsible_person",
            "deadline",
            *TaskUpdateForm.Meta.fields,
        )
        widgets = {**TaskUpdateForm.Meta.widgets, "deadline": DateInput()}


class MonthField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace(day=1) if value else value


class ProgressReportForm(VersionedForm):
    month = MonthField(label=_("month"))

    class Meta:
        model = ProgressReport
        fields = (
            "month",
            "planned_percent",
            "percent_complete",
            "investment_this_month_wan",
            "problems",
            "next_month_plan",
            "note",
        )
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3}),
            "problems": forms.Textarea(attrs={"rows": 3}),
            "next_month_plan": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.instance.project = project

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month > this_month():
            raise forms.ValidationError(_("A report cannot be filed for a future month."))
        if month < datetime.date(2000, 1, 1):
            raise forms.ValidationError(_("Enter a month from 2000 on."))
        others = ProgressReport.objects.filter(project=self.project, month=month)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("This project already has a report for that month."))
        return month
