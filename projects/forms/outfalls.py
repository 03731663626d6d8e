"""The outfall register's filter and the administrators' outfall form: longitude and latitude
entered as numbers fill the outfall's Point geometry (WGS-84)."""

from decimal import Decimal

import django_filters as filters
from django import forms
from django.utils.translation import gettext_lazy as _

from projects.forms.filters import SearchFilterSet, YesNoFilter
from projects.forms.plan_edits import HistoryStampedForm
from projects.forms.widgets import lookup_when_long
from projects.models import Channel, Measure, Outfall, Problem


def all_channels(request):
    return Channel.objects.all()


class OutfallFilter(SearchFilterSet):
    search_fields = ("code", "place", "channel__name")
    channel = filters.ModelChoiceFilter(label=_("Channel"), queryset=all_channels)
    kind = filters.ChoiceFilter(label=_("Kind"), choices=Outfall.Kind.choices)
    status = filters.ChoiceFilter(label=_("Status"), choices=Outfall.Status.choices)
    has_coordinates = YesNoFilter(label=_("Has coordinates"), method="filter_coordinates")
    lookups = {"channel": "channels"}

    class Meta:
        model = Outfall
        fields = ("q", "channel", "kind", "status", "has_coordinates")

    def filter_coordinates(self, queryset, name, value):
        return queryset.filter(geometry__isnull=not value)


# WGS-84 bounds. The messages say which number is wrong and what it should be, so a swapped
# pair (latitude typed as longitude) is caught by the latitude's bound.
LONGITUDE = (Decimal(-180), Decimal(180))
LATITUDE = (Decimal(-90), Decimal(90))
COORDINATE_PLACES = 7  # about a centimetre


def coordinate_field(label, bounds, message, help_text):
    low, high = bounds
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=COORDINATE_PLACES + 3,
        decimal_places=COORDINATE_PLACES,
        min_value=low,
        max_value=high,
        help_text=help_text,
        error_messages={
            "min_value": message,
            "max_value": message,
            "invalid": _("Enter the coordinate as a decimal number of degrees, e.g. 113.5476."),
            "max_decimal_places": _("Give at most 7 decimal places."),
            "max_digits": message,
            "max_whole_digits": message,
        },
        widget=forms.NumberInput(attrs={"step": "any"}),
    )


class OutfallForm(HistoryStampedForm):
    """An outfall as an administrator records it. The problems and measures offered are those
    of the plan of the outfall's channel (the channel chosen in the posted form, else the
    outfall's own, else the one the page was opened for)."""

    longitude = coordinate_field(
        _("Longitude"),
        LONGITUDE,
        _("The longitude must be between -180 and 180 degrees (east positive)."),
        _("WGS-84 degrees east, e.g. 113.5476; leave both empty when not known."),
    )
    latitude = coordinate_field(
        _("Latitude"),
        LATITUDE,
        _("The latitude must be between -90 and 90 degrees (north positive)."),
        _("WGS-84 degrees north, e.g. 22.2711."),
    )

    class Meta:
        model = Outfall
        fields = (
            "code",
            "channel",
            "place",
            "longitude",
            "latitude",
            "kind",
            "size",
            "dry_weather_discharge",
            "colour",
            "smell",
            "status",
            "plant",
            "problems",
            "measures",
            "note",
        )
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3}),
            "problems": forms.CheckboxSelectMultiple,
            "measures": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lookup_when_long(self.fields["channel"], "channels")
        channel = self.chosen_channel()
        plan_rows = {"plan__channel_id": channel} if channel else {"pk__in": []}
        self.fields["problems"].queryset = Problem.objects.filter(**plan_rows).order_by("pk")
        self.fields["measures"].queryset = Measure.objects.filter(**plan_rows).order_by("pk")
        self.fields["problems"].help_text = _(
            "The problems of the channel's plan. After changing the channel, save and edit "
            "again to choose among the new channel's."
        )
        self.fields["measures"].help_text = _("The measures of the channel's plan.")
        coordinates = self.instance.coordinates if self.instance.pk else None
        if coordinates is not None:
            self.fields["longitude"].initial, self.fields["latitude"].initial = coordinates

    def chosen_channel(self):
        """The id of the channel whose plan the problems and measures come from (None: none)."""
        if self.is_bound:
            raw = self.data.get(self.add_prefix("channel"), "")
        else:
            raw = self.initial.get("channel") or self.instance.channel_id or ""
        raw = str(getattr(raw, "pk", raw))
        return int(raw) if raw.isdigit() and len(raw) < 18 else None

    def clean(self):
        cleaned = super().clean()
        longitude, latitude = cleaned.get("longitude"), cleaned.get("latitude")
        if "longitude" in self.errors or "latitude" in self.errors:
            return cleaned
        if longitude is None and latitude is not None:
            self.add_error("longitude", _("Give the longitude too, or neither."))
        elif latitude is None and longitude is not None:
            self.add_error("latitude", _("Give the latitude too, or neither."))
        return cleaned

    def _post_clean(self):
        longitude = self.cleaned_data.get("longitude")
        latitude = self.cleaned_data.get("latitude")
        if longitude is not None and latitude is not None:
            self.instance.geometry = {
                "type": "Point",
                "coordinates": [float(longitude), float(latitude)],
            }
        elif not self.errors.get("longitude") and not self.errors.get("latitude"):
            self.instance.geometry = None
        super()._post_clean()
