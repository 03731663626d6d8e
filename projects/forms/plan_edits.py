"""Forms for writing channels and one-river-one-policy plans in the site: the channel, the plan's
own fields and its five lists (problems, targets, tasks, measures, responsibilities) as inline
formsets on one page.

No silent overwrites, row by row. A task carries its version (``VersionedForm``); the other
records have none, so the latest row of their audit history stands in for it
(``HistoryStampedForm``): the page remembers the history row each record was at when it was
opened, and a save of a record someone changed since is refused with the changes made in
between. A row the user did not touch is not saved, so someone else's change to it is no
conflict; deleting a row someone changed since is refused too.

Fields a row's form does not show (a row's ``source``, a task's status and progress) are left
as stored: a row that cites the source article keeps its citation."""

from django import forms
from django.core.validators import MinValueValidator
from django.db.models import Max
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.forms.utils import ErrorDict
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from projects.core.event_times import BoundedDates
from projects.forms.edits import DateInput, VersionedForm
from projects.forms.plan_choices import SharedChoices
from projects.forms.widgets import lookup_when_long
from projects.models import (
    Channel,
    Measure,
    Photo,
    Plan,
    Problem,
    Responsibility,
    Target,
    Task,
)
from projects.services.history import changes
from projects.services.photos import check_measure_acceptance

SEEN_HISTORY = "seen_history"
EXPECTED_VERSION = "expected_version"
BOOKKEEPING = {SEEN_HISTORY, EXPECTED_VERSION}

STALE_MESSAGE = _(
    "Someone else saved this record after you opened it. Your entries are kept below; check "
    "the changes listed and save again to replace them."
)


def latest_history_ids(model, pks):
    """{pk: id of the latest history row} of the records ``pks`` of ``model``, in one query."""
    history = model.history.model
    pk_name = model._meta.pk.attname
    rows = (
        history.objects.filter(**{f"{pk_name}__in": list(pks)})
        .values(pk_name)
        .annotate(latest=Max("history_id"))
        .values_list(pk_name, "latest")
    )
    return dict(rows)


class RowErrors:
    """A model's ``clean()`` may judge fields the form does not show (a task's completion note
    when it is already completed): its errors then show at the top of the form, named after the
    field, instead of breaking the form."""

    def add_error(self, field, error):
        if field is None and hasattr(error, "error_dict"):
            hidden = [name for name in error.error_dict if name not in self.fields]
            for name in hidden:
                label = capfirst(self._meta.model._meta.get_field(name).verbose_name)
                for message in forms.ValidationError(error.error_dict.pop(name)).messages:
                    super().add_error(None, f"{label}：{message}")
            if not error.error_dict:
                return
        super().add_error(field, error)


class BookkeepingIsNoChange:
    """The hidden version or history mark is bookkeeping: it never makes a form changed."""

    @property
    def changed_data(self):
        return [name for name in super().changed_data if name not in BOOKKEEPING]


class HistoryStampedForm(RowErrors, BookkeepingIsNoChange, BoundedDates, forms.ModelForm):
    """A ModelForm for a record without a version: it carries the id of the record's latest
    history row when the form was opened, and refuses to save over a later one.

    ``history_stamps`` ({pk: latest history id}) may be given by a formset that looked them up
    for all its rows at once; otherwise the form looks its record up itself. Its dates are
    bounded (``BoundedDates``)."""

    seen_history = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, history_stamps=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflicts = []
        self.history_stamps = history_stamps
        self.sent = self.data  # as posted: a refused save replaces ``data`` with a copy
        if self.instance.pk:
            self.fields[SEEN_HISTORY].initial = self.current_stamp()

    def current_stamp(self):
        if self.history_stamps is not None:
            return self.history_stamps.get(self.instance.pk)
        model = type(self.instance)
        return latest_history_ids(model, [self.instance.pk]).get(self.instance.pk)

    def seen_stamp(self):
        """The history mark the user's page was built from (None: no history then)."""
        field = self.fields[SEEN_HISTORY]
        value = field.widget.value_from_datadict(
            self.sent, self.files, self.add_prefix(SEEN_HISTORY)
        )
        try:
            return field.clean(value)
        except forms.ValidationError:
            return None

    def is_stale(self):
        return bool(self.instance.pk) and self.seen_stamp() != self.current_stamp()

    def clean(self):
        cleaned = super().clean()
        if self.is_stale():
            self.refuse_stale()
        return cleaned

    def refuse_stale(self):
        """Keep what the user typed, list what changed since the page was opened, and let a
        second, deliberate save replace it."""
        seen, current = self.seen_stamp(), self.current_stamp()
        history = type(self.instance).history.filter(
            **{type(self.instance)._meta.pk.attname: self.instance.pk}
        )
        if seen is None:
            self.conflicts = list(reversed(changes(history)))
        else:
            self.conflicts = list(
                reversed(changes(history.filter(history_id__gte=seen), skip_first=True))
            )
        data = self.data.copy()
        data[self.add_prefix(SEEN_HISTORY)] = current if current is not None else ""
        self.data = data
        self.add_error(None, STALE_MESSAGE)


class UntouchedRowPasses:
    """A stored row the user did not change is not saved, so it is not judged either: a row
    that breaks a rule today (say, completed without a note, from before the rule) does not
    keep the rest of the page from being saved."""

    def full_clean(self):
        if self.is_bound and self.instance.pk and not self.has_changed():
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()


# --- the channel and the plan's own fields ---------------------------------------------------


class ChannelForm(HistoryStampedForm):
    class Meta:
        model = Channel
        fields = (
            "name",
            "code",
            "street",
            "location",
            "length_km",
            "receiving_water",
            "maintaining_unit",
            "condition",
            "condition_note",
            "target",
        )
        widgets = {"condition_note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["length_km"].validators.append(MinValueValidator(0))
        lookup_when_long(self.fields["maintaining_unit"], "units")


class PlanForm(SharedChoices, HistoryStampedForm):
    searched_when_long = {"compiled_by": "units", "approved_by": "units"}

    class Meta:
        model = Plan
        fields = (
            "title",
            "status",
            "period_start",
            "period_end",
            "compiled_by",
            "approved_by",
            "approved_on",
            "summary",
        )
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "approved_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return cleaned


# --- the five lists ------------------------------------------------------------------------


class ListRowForm(UntouchedRowPasses, SharedChoices, HistoryStampedForm):
    pass


class ProblemRowForm(ListRowForm):
    class Meta:
        model = Problem
        fields = ("title", "category", "location", "how_found", "severity", "description", "cause")
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "cause": forms.Textarea(attrs={"rows": 2}),
        }


class TargetRowForm(ListRowForm):
    class Meta:
        model = Target
        fields = ("indicator", "baseline", "target_value", "target_date", "achieved")
        widgets = {"target_date": DateInput()}


class MeasureRowForm(ListRowForm):
    searched = {"project": "projects"}

    class Meta:
        model = Measure
        fields = (
            "name",
            "category",
            "technique",
            "project",
            "scale",
            "investment_wan",
            "funding",
            "status",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["investment_wan"].validators.append(MinValueValidator(0))

    def clean(self):
        """A 微孔曝气 or 生态浮岛 measure is accepted only with its before and after photos
        (added in the administration, on the measure's own page)."""
        cleaned = super().clean()
        if cleaned.get("status") == Measure.Status.ACCEPTED and "status" not in self.errors:
            measure = Measure(
                name=cleaned.get("name") or self.instance.name,
                technique=cleaned.get("technique"),
                status=cleaned["status"],
            )
            existing = self.instance.photos.all() if self.instance.pk else Photo.objects.none()
            try:
                check_measure_acceptance(measure, list(existing.values_list("phase", flat=True)))
            except forms.ValidationError as error:
                self.add_error("status", error)
        return cleaned


class ResponsibilityRowForm(ListRowForm):
    searched_when_long = {"unit": "units"}

    class Meta:
        model = Responsibility
        fields = ("unit", "duty", "person")
        widgets = {"duty": forms.Textarea(attrs={"rows": 2})}


class TaskRowForm(
    UntouchedRowPasses, SharedChoices, RowErrors, BookkeepingIsNoChange, VersionedForm
):
    """A task as the plan states it: what, how much, for which problems and targets, who
    leads it and by when. Its status and progress are reported on the task's own page."""

    class Meta:
        model = Task
        fields = (
            "content",
            "quantity",
            "problems",
            "targets",
            "lead_unit",
            "supporting_units",
            "responsible_person",
            "deadline",
        )
        widgets = {"deadline": DateInput()}

    unshared = ("problems", "targets")
    searched_when_long = {"lead_unit": "units", "supporting_units": "units"}

    def __init__(self, *args, plan_problems=(), plan_targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.sent = self.data  # as posted: a refused save replaces ``data`` with a copy
        # The problems and targets of this plan only, as stored: rows added on the same page
        # can be linked once saved.
        self.fields["problems"].choices = plan_problems
        self.fields["problems"].queryset = Problem.objects.filter(
            pk__in=[pk for pk, _label in plan_problems]
        )
        self.fields["targets"].choices = plan_targets
        self.fields["targets"].queryset = Target.objects.filter(
            pk__in=[pk for pk, _label in plan_targets]
        )

    def is_stale(self):
        if not self.instance.pk:
            return False
        current = (
            Task._base_manager.filter(pk=self.instance.pk).values_list("version", flat=True).first()
        )
        field = self.fields[EXPECTED_VERSION]
        try:
            seen = field.clean(self.sent.get(self.add_prefix(EXPECTED_VERSION)))
        except forms.ValidationError:
            seen = None
        return seen != current


class PlanListFormSet(BaseInlineFormSet):
    """One of the plan's lists. Each row gets the history marks (or versions) of the stored
    rows, looked up once, and shares its select options with the other rows."""

    related = ()  # many-to-many fields the rows show

    def __init__(self, *args, shared_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.shared_choices = {} if shared_choices is None else shared_choices
        self.history_stamps = None
        if not hasattr(self.model, "version"):
            pks = [obj.pk for obj in self.get_queryset()] if self.instance.pk else []
            self.history_stamps = latest_history_ids(self.model, pks)

    def get_queryset(self):
        if not hasattr(self, "_rows"):
            # The rows' chosen units and projects are read with them, for their search boxes.
            chosen = [
                name
                for name in (*self.form.searched, *self.form.searched_when_long)
                if name not in self.related
            ]
            rows = super().get_queryset().select_related("source", *chosen).order_by("pk")
            self._rows = rows.prefetch_related(*self.related)
        return self._rows

    def get_form_kwargs(self, index):
        kwargs = {**super().get_form_kwargs(index), "shared_choices": self.shared_choices}
        if self.history_stamps is not None:
            kwargs["history_stamps"] = self.history_stamps
        return kwargs

    @property
    def verbose_name(self):
        return capfirst(self.model._meta.verbose_name)

    @property
    def verbose_name_plural(self):
        return capfirst(self.model._meta.verbose_name_plural)

    def clean(self):
        """Deleting a row someone changed since the page was opened is refused like changing
        it; a measure's photos are not deleted with it from here."""
        super().clean()
        deleted = [form for form in self.forms if self._should_delete_form(form)]
        for form in deleted:
            if not form.instance.pk:
                continue
            if form.is_stale():
                raise forms.ValidationError(
                    _(
                        "“%(row)s” was changed by someone else after you opened the page: reload "
                        "the page before deleting it."
                    ),
                    params={"row": form.instance},
                )
            if isinstance(form.instance, Measure) and form.instance.photos.exists():
                raise forms.ValidationError(
                    _(
                        "The measure “%(row)s” has photos: it cannot be deleted here. Delete its "
                        "photos in the administration first."
                    ),
                    params={"row": form.instance},
                )


class TaskListFormSet(PlanListFormSet):
    related = ("problems", "targets", "supporting_units")

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        plan_id = instance.pk if instance is not None else None
        self.plan_problems = (
            list(Problem.objects.filter(plan_id=plan_id).order_by("pk").values_list("pk", "title"))
            if plan_id
            else []
        )
        targets = (
            Target.objects.filter(plan_id=plan_id).order_by("pk")
            if plan_id
            else Target.objects.none()
        )
        self.plan_targets = [(t.pk, str(t)) for t in targets]
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {
            **super().get_form_kwargs(index),
            "plan_problems": self.plan_problems,
            "plan_targets": self.plan_targets,
        }


def list_formset(model, form, formset=PlanListFormSet):
    return inlineformset_factory(
        Plan,
        model,
        form=form,
        formset=formset,
        extra=1,
        can_delete=True,
        can_delete_extra=False,
    )


# The five lists in the order of the guideline, each with its formset prefix.
PLAN_LISTS = (
    ("problems", list_formset(Problem, ProblemRowForm)),
    ("targets", list_formset(Target, TargetRowForm)),
    ("tasks", list_formset(Task, TaskRowForm, TaskListFormSet)),
    ("measures", list_formset(Measure, MeasureRowForm)),
    ("responsibilities", list_formset(Responsibility, ResponsibilityRowForm)),
)
