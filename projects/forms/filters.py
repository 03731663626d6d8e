"""django-filter filter sets for every list page."""

import django_filters as filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from projects.core.event_times import validate_date_in_range
from projects.forms.widgets import lookup_when_long
from projects.models import (
    Channel,
    Inspection,
    InterceptionBatch,
    Project,
    PumpingStation,
    ResponsibleUnit,
    SegmentScore,
    Stream,
)
from projects.services.water_targets import TargetStatus, with_target_status

YES_NO = (("True", _("Yes")), ("False", _("No")))


def bounded_date_field():
    """A date from 1990 to 2100 (projects.core.event_times): a year like 0001 or 9999 is a typo, and
    would overflow the time-zone arithmetic of the query."""
    return forms.DateField(validators=[validate_date_in_range])


class BoundedDateRangeField(filters.fields.DateRangeField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = (bounded_date_field(), bounded_date_field())


class DateRangeFilter(filters.DateFromToRangeFilter):
    """From and to dates, each between 1990 and 2100; outside, a message under the field."""

    field_class = BoundedDateRangeField


class YesNoField(filters.fields.ChoiceField):
    def clean(self, value):
        value = super().clean(value)
        return None if value in ("", None) else value == "True"


class YesNoFilter(filters.ChoiceFilter):
    """是 / 否 behind an explicit empty “全部” choice, which is the default: a form sent untouched
    filters nothing. ``?name=True`` and ``?name=False`` keep working as links; the filter
    method receives True or False, and is not called for 全部."""

    field_class = YesNoField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", YES_NO)
        super().__init__(*args, **kwargs)


def units_of(kind=None):
    def queryset(request):
        units = ResponsibleUnit.objects.all()
        return units.filter(kind=kind) if kind else units

    return queryset


class SearchFilterSet(filters.FilterSet):
    """A free-text box over ``search_fields``; the choice filters named in ``lookups`` (filter
    name → lookup kind) become search boxes when their list is long (a city's thousands of
    channels or units would be thousands of options on every page)."""

    search_fields = ()
    lookups = {}
    q = filters.CharFilter(label=_("Search"), method="search")

    @property
    def form(self):
        if not hasattr(self, "_form"):
            fields = super().form.fields
            for name, kind in self.lookups.items():
                lookup_when_long(fields[name], kind)
        return self._form

    def search(self, queryset, name, value):
        return queryset.filter(self.search_condition(value))

    def search_condition(self, value):
        """Any of ``search_fields`` containing ``value`` (a filter set may add to it)."""
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return condition


class ChannelFilter(SearchFilterSet):
    search_fields = ("name", "code", "location")
    street = filters.ModelChoiceFilter(label=_("Street or town"), queryset=units_of("street"))
    condition = filters.ChoiceFilter(
        label=_("Condition"), choices=Channel.Condition.choices, field_name="current_condition"
    )
    maintaining_unit = filters.ModelChoiceFilter(label=_("Maintaining unit"), queryset=units_of())
    has_plan = YesNoFilter(label=_("Has plan"), method="filter_plan")
    target_status = filters.ChoiceFilter(
        label=_("Water-quality target"), choices=TargetStatus.choices, method="filter_target"
    )
    lookups = {"street": "units", "maintaining_unit": "units"}

    class Meta:
        model = Channel
        fields = ("q", "street", "condition", "maintaining_unit", "has_plan", "target_status")

    def filter_plan(self, queryset, name, value):
        return queryset.filter(has_plan=value)

    def filter_target(self, queryset, name, value):
        return with_target_status(queryset).filter(target_status=value)


def channels_with_projects(request):
    return Channel.objects.filter(
        Exists(Project.channels.through.objects.filter(channel=OuterRef("pk")))
    )


class ProjectFilter(SearchFilterSet):
    search_fields = ("name", "description")
    stream = filters.ChoiceFilter(label=_("Work stream"), choices=Stream.choices)
    status = filters.ChoiceFilter(label=_("Status"), choices=Project.Status.choices)
    channel = filters.ModelChoiceFilter(
        label=_("Channel"), field_name="channels", queryset=channels_with_projects
    )
    overdue = YesNoFilter(label=_("Overdue"), method="filter_overdue")
    lookups = {"channel": "channels"}

    class Meta:
        model = Project
        fields = ("q", "stream", "status", "channel", "overdue")

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(is_overdue=value)


class BatchFilter(SearchFilterSet):
    search_fields = ("name", "villages__name")
    status = filters.ChoiceFilter(label=_("Status"), choices=Project.Status.choices)

    class Meta:
        model = InterceptionBatch
        fields = ("q", "status")

    def search(self, queryset, name, value):
        return super().search(queryset, name, value).distinct()


class PumpingStationFilter(SearchFilterSet):
    search_fields = ("name", "note")
    street = filters.ModelChoiceFilter(label=_("Street or town"), queryset=units_of("street"))
    maintaining_unit = filters.ModelChoiceFilter(label=_("Maintaining unit"), queryset=units_of())
    lookups = {"street": "units", "maintaining_unit": "units"}

    class Meta:
        model = PumpingStation
        fields = ("q", "street", "maintaining_unit")


# --- sewer condition -----------------------------------------------------------------------


# CJJ 181-2012's four grades of a segment's structural or functional condition.
SEWER_GRADES = [(grade, grade) for grade in ("I", "II", "III", "IV")]


class SegmentScoreFilter(SearchFilterSet):
    """The priority lists: by street, grade and the method of the inspection that counts."""

    search_fields = ("segment__code", "segment__from_manhole", "segment__to_manhole")
    street = filters.ModelChoiceFilter(
        label=_("Street or town"), field_name="segment__street", queryset=units_of("street")
    )
    structural_grade = filters.ChoiceFilter(label=_("Structural grade"), choices=SEWER_GRADES)
    functional_grade = filters.ChoiceFilter(label=_("Functional grade"), choices=SEWER_GRADES)
    method = filters.ChoiceFilter(
        label=_("Inspected by"), field_name="inspection__method", choices=Inspection.Method.choices
    )

    class Meta:
        model = SegmentScore
        fields = ("q", "street", "structural_grade", "functional_grade", "method")
