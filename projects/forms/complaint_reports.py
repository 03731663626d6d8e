"""The reports of a complaint case: a report added to an open case from its page, the fields
an inspection referral adds (inspecting body, case number), and where the case is on the map
(longitude and latitude, both or neither, stored as a GeoJSON point)."""

from decimal import Decimal

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from projects.core.event_times import EventTimeField
from projects.models import ComplaintReport
from projects.services.complaint_reports import REPORT_FIELDS


def _label(name):
    return capfirst(ComplaintReport._meta.get_field(name).verbose_name)


def inspecting_body_field():
    return forms.CharField(
        label=_label("inspecting_body"),
        max_length=100,
        required=False,
        help_text=_(
            "For an inspection referral: e.g. the provincial environmental inspection team."
        ),
    )


def case_number_field():
    return forms.CharField(
        label=_label("case_number"),
        max_length=50,
        required=False,
        help_text=_("For an inspection referral: the number the inspecting body gave the case."),
    )


class PointFields(forms.Form):
    """Longitude and latitude (WGS-84 degrees), both or neither, as ``geometry``: a GeoJSON
    point, or None. Mixed into a form (its ``clean`` calls ``clean_point``)."""

    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        max_digits=10,
        decimal_places=6,
        min_value=Decimal("-180"),
        max_value=Decimal("180"),
        help_text=_("WGS-84 degrees east, e.g. 113.5436 (not a Chinese web map's GCJ-02)."),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=Decimal("-90"),
        max_value=Decimal("90"),
        help_text=_("WGS-84 degrees north, e.g. 22.2710."),
    )

    def clean_point(self, cleaned):
        longitude, latitude = cleaned.get("longitude"), cleaned.get("latitude")
        if "longitude" in self.errors or "latitude" in self.errors:
            return None
        if longitude is None and latitude is None:
            return None
        if longitude is None:
            self.add_error("longitude", _("Give the longitude too, or neither."))
            return None
        if latitude is None:
            self.add_error("latitude", _("Give the latitude too, or neither."))
            return None
        return {"type": "Point", "coordinates": [float(longitude), float(latitude)]}


def point_initial(geometry):
    """The longitude and latitude fields' initial values of a stored point."""
    if not geometry or geometry.get("type") != "Point":
        return {}
    longitude, latitude = geometry["coordinates"][:2]
    return {"longitude": longitude, "latitude": latitude}


class ReportForm(forms.ModelForm):
    """Another report of the problem, added to the open case from its page."""

    received_at = EventTimeField(
        label=_label("received_at"),
        future_message=_("A complaint cannot be received in the future."),
    )
    inspecting_body = inspecting_body_field()
    case_number = case_number_field()

    class Meta:
        model = ComplaintReport
        fields = REPORT_FIELDS
        widgets = {"content": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self):
        # The model's checks (an inspection referral needs its body and case number) run in
        # the service, which also checks the case number against every other case's.
        pass
