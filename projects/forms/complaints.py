"""Forms and filters of the complaints pages: recording a complaint (发现), one form per later
step of the closed loop, and the board's and list's filters.

Every time is when it happened, entered by the user (``EventTimeField``: now by default, not
before 1990, not in the future); a step's time is also refused before the complaint's previous
step (by the transition, under the same field).

The step forms carry the version the user started from (``VersionedForm``): a step taken on a
complaint someone else has moved on since is refused with the changes made in between. The
writes themselves are ``projects.services.complaints``' transitions."""

import django_filters as filters
from django import forms
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from projects.core.event_times import EventTimeField
from projects.forms.complaint_reports import (
    PointFields,
    case_number_field,
    inspecting_body_field,
)
from projects.forms.edits import DateInput, VersionedForm
from projects.forms.filters import SearchFilterSet, YesNoFilter
from projects.forms.photos import MultiplePhotoField
from projects.forms.widgets import LookupSelect, lookup_when_long
from projects.models import (
    Channel,
    Complaint,
    ComplaintReport,
    Outfall,
    Problem,
    ResponsibleUnit,
)
from projects.services.complaint_queries import assessment_items, overdue_q
from projects.services.complaints import suggested_item_code


def units_for_dispatch():
    """Every unit, the municipal stations first (only they have a maintenance assessment)."""
    return ResponsibleUnit.objects.order_by(
        Case(
            When(kind=ResponsibleUnit.Kind.STATION, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "name",
    )


class ComplaintCreateForm(PointFields, forms.ModelForm):
    """发现: a complaint as it comes in, or as it came in long ago (``received_at``); it may
    name the problem of the channel's plan it concerns, and where it is (longitude and
    latitude). Another report of a problem already recorded names its open case (``case``):
    it is added to that case instead of opening a new one."""

    case = forms.ModelChoiceField(
        label=_("Report of an open case"),
        required=False,
        queryset=Complaint.objects.exclude(stage=Complaint.Stage.ASSESSED),
        widget=LookupSelect("open-complaints"),
        help_text=_(
            "If it reports a problem already recorded: search the case by its number or "
            "place. The report is added to that case, which is handled once."
        ),
    )
    received_at = EventTimeField(
        label=capfirst(Complaint._meta.get_field("received_at").verbose_name),
        future_message=_("A complaint cannot be received in the future."),
    )
    inspecting_body = inspecting_body_field()
    case_number = case_number_field()
    photos = MultiplePhotoField(label=_("Photos"))

    field_order = (
        "case",
        "source",
        "inspecting_body",
        "case_number",
        "received_at",
        "complainant",
        "contact",
        "location",
        "longitude",
        "latitude",
        "channel",
        "outfall",
        "problem",
        "description",
        "photos",
    )
    # What a report of an existing case keeps (the rest is the case's own).
    REPORT_FIELDS = {
        "source": "source",
        "received_at": "received_at",
        "complainant": "reporter",
        "contact": "contact",
        "inspecting_body": "inspecting_body",
        "case_number": "case_number",
        "description": "content",
    }

    class Meta:
        model = Complaint
        fields = (
            "source",
            "received_at",
            "complainant",
            "contact",
            "location",
            "channel",
            "outfall",
            "problem",
            "description",
        )
        widgets = {
            "channel": LookupSelect("channels"),
            "outfall": LookupSelect("outfalls", depends_on=("id_channel", "channel")),
            "problem": LookupSelect("problems", depends_on=("id_channel", "channel")),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = Channel.objects.order_by("name")
        self.fields["channel"].help_text = _("If known.")
        self.fields["location"].required = False
        problem = self.fields["problem"]
        problem.help_text = _(
            "If it concerns a problem of the channel's one-river-one-policy plan "
            "(the channel may then be left empty)."
        )
        # Validation accepts any problem, so that one of another channel gets a message
        # saying so (Complaint.clean); the search box offers the chosen channel's.
        problem.queryset = Problem.objects.select_related("plan__channel")
        outfall = self.fields["outfall"]
        outfall.help_text = _(
            "If it concerns an outfall: search it by its code (the chosen channel's are offered; "
            "the channel may then be left empty)."
        )
        outfall.queryset = Outfall.objects.select_related("channel")

    def clean(self):
        cleaned = super().clean()
        cleaned["geometry"] = self.clean_point(cleaned)
        if cleaned.get("case") is None and not (cleaned.get("location") or "").strip():
            self.add_error("location", _("Say where the problem is."))
        return cleaned

    def _post_clean(self):
        # A report of an existing case is checked as a report (the service); a new case as
        # a complaint.
        if self.cleaned_data.get("case") is None:
            super()._post_clean()

    def complaint_fields(self):
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields["geometry"] = self.cleaned_data.get("geometry")
        fields["inspecting_body"] = self.cleaned_data["inspecting_body"]
        fields["case_number"] = self.cleaned_data["case_number"]
        return fields

    def report_fields(self):
        return {report: self.cleaned_data[name] for name, report in self.REPORT_FIELDS.items()}


class StepForm(VersionedForm):
    """A step of the loop on an existing complaint, with the time it happened (``at``):
    refused when the complaint changed since the page was opened."""

    step = None  # the stage the step reaches
    at_label = None

    at = EventTimeField(
        label=_("Time"),
        help_text=_("When it happened; the time it is entered is kept too."),
    )

    class Meta:
        model = Complaint
        fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at"].label = self.at_label


class DispatchForm(StepForm):
    """调配: who handles it, by when."""

    step = Complaint.Stage.DISPATCHED
    at_label = _("Dispatched at")
    # The loop bounds the deadline itself: within a year of this step, with its own message.
    dates_checked_later = ("deadline",)
    field_order = ("at", "assigned_unit", "deadline", "note")
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta(StepForm.Meta):
        fields = ("assigned_unit", "deadline")
        widgets = {"deadline": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unit = self.fields["assigned_unit"]
        unit.required = True
        unit.queryset = units_for_dispatch()
        lookup_when_long(unit, "units")
        unit.help_text = _(
            "Only a municipal station's complaints count in its monthly maintenance assessment."
        )
        self.fields["deadline"].required = True


class HandleForm(StepForm):
    """处置: what was done, the cause found (成因), with photos after."""

    step = Complaint.Stage.HANDLED
    at_label = _("Handled at")
    field_order = ("at", "action_taken", "cause", "photos")
    photos = MultiplePhotoField(label=_("Photos after handling"))

    class Meta(StepForm.Meta):
        fields = ("action_taken", "cause")
        widgets = {
            "action_taken": forms.Textarea(attrs={"rows": 3}),
            "cause": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action_taken"].required = True
        self.initial["action_taken"] = ""


class EvaluateForm(StepForm):
    """评价: how satisfied the complainant (or the reviewer) is; or the handling returned for
    re-handling (the "return" button), with the reason in the note."""

    step = Complaint.Stage.EVALUATED
    at_label = _("Evaluated at")
    dates_checked_later = ("new_deadline",)
    field_order = ("at", "satisfaction", "note", "new_deadline")
    RETURN = "return"

    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"),
        choices=Complaint.Satisfaction.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("When returning the handling, say why."),
    )
    new_deadline = forms.DateField(
        label=_("New deadline"),
        required=False,
        widget=DateInput(),
        help_text=_("Only when returning the handling; empty keeps the deadline."),
    )

    def __init__(self, *args, returning=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.returning = returning

    def clean(self):
        cleaned = super().clean()
        if self.returning:
            if not (cleaned.get("note") or "").strip():
                self.add_error("note", _("Say why the handling is returned."))
        elif not cleaned.get("satisfaction"):
            self.add_error("satisfaction", _("Choose how satisfied the complainant is."))
        return cleaned


class AssessForm(StepForm):
    """考核: whether the complaint counts in its unit's monthly maintenance assessment, and
    under which item. The item its handling calls for (late: E1; unsatisfied: E2) is chosen
    beforehand when the table has it."""

    step = Complaint.Stage.ASSESSED
    at_label = _("Assessed at")
    field_order = ("at", "item", "note")

    NOT_COUNTED = _("Not counted (handled on time and to satisfaction)")

    item = forms.ChoiceField(label=_("Assessment item"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        items = list(assessment_items())
        self.fields["item"].choices = [("", self.NOT_COUNTED)] + [
            (str(item.pk), str(item)) for item in items
        ]
        self.items = {str(item.pk): item for item in items}
        code = suggested_item_code(self.instance)
        self.suggested = next((item for item in items if item.code == code), None)
        if self.suggested is not None:
            self.initial["item"] = str(self.suggested.pk)

    def clean_item(self):
        value = self.cleaned_data.get("item")
        return self.items.get(value) if value else None


STEP_FORMS = {form.step: form for form in (DispatchForm, HandleForm, EvaluateForm, AssessForm)}


# -- Filters --------------------------------------------------------------------------------


def units_with_complaints(request):
    # EXISTS rather than a join made DISTINCT: the database stops at each unit's first
    # complaint instead of sorting the rows of every complaint.
    has = Complaint.objects.filter(assigned_unit=OuterRef("pk"))
    return ResponsibleUnit.objects.filter(Exists(has)).order_by("name")


def channels_with_complaints(request):
    return Channel.objects.filter(Exists(Complaint.objects.filter(channel=OuterRef("pk"))))


class ComplaintBoardFilter(filters.FilterSet):
    """The board's filters: open complaints by unit, source, channel, overdue."""

    assigned_unit = filters.ModelChoiceFilter(
        label=_("Assigned unit"), queryset=units_with_complaints
    )
    source = filters.ChoiceFilter(label=_("Source"), choices=Complaint.Source.choices)
    channel = filters.ModelChoiceFilter(label=_("Channel"), queryset=channels_with_complaints)
    overdue = YesNoFilter(label=_("Overdue"), method="filter_overdue")

    class Meta:
        model = Complaint
        fields = ("assigned_unit", "source", "channel", "overdue")

    @property
    def form(self):
        if not hasattr(self, "_form"):
            fields = super().form.fields
            lookup_when_long(fields["assigned_unit"], "units")
            lookup_when_long(fields["channel"], "channels")
        return self._form

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())


def outfalls_with_complaints(request):
    # Only the outfalls a case names: any other would list nothing.
    return Outfall.objects.filter(Exists(Complaint.objects.filter(outfall=OuterRef("pk"))))


# What the search finds in a case's reports: who reported it, their phone, the inspecting
# body's case number of a 督察交办.
REPORT_SEARCH_FIELDS = ("reporter", "contact", "case_number")
# What the search box says it finds: in the box, and whole on hover.
SEARCH_PLACEHOLDER = _("Number, place, person, phone or case number")
SEARCH_HELP = _(
    "Finds a case by its number, place, description, complainant or phone, or by any of its "
    "reports' reporter, phone or inspection case number."
)


class ComplaintFilter(SearchFilterSet, ComplaintBoardFilter):
    """Every complaint: the board's filters, the stage, the outfall (a search box when the
    outfalls named by cases are many) and a search over the case and its reports."""

    search_fields = ("number", "location", "description", "complainant", "contact")
    q = filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=SEARCH_HELP,
        widget=forms.TextInput(attrs={"placeholder": SEARCH_PLACEHOLDER, "title": SEARCH_HELP}),
    )
    stage = filters.ChoiceFilter(label=_("Stage"), choices=Complaint.Stage.choices)
    outfall = filters.ModelChoiceFilter(label=_("Outfall"), queryset=outfalls_with_complaints)
    lookups = {"outfall": "complaint-outfalls"}

    class Meta(ComplaintBoardFilter.Meta):
        fields = ("q", "stage", "assigned_unit", "source", "channel", "outfall", "overdue")

    def search_condition(self, value):
        """The case's own fields, or any of its reports' (EXISTS: a case found through three
        reports is still one row)."""
        reports = ComplaintReport.objects.filter(complaint=OuterRef("pk"))
        matching = Q()
        for field in REPORT_SEARCH_FIELDS:
            matching |= Q(**{f"{field}__icontains": value})
        return super().search_condition(value) | Q(Exists(reports.filter(matching)))
