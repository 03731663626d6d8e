"""The map's outlines, and how the admin shows a record's place: read-only, with a link to
the site's page where an administrator draws it."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from projects.admin.audit import HistoryAdmin
from projects.admin.base import EMPTY
from projects.core.geo import count_positions, first_position
from projects.models import Channel, MapOutline, PumpingStation, SamplingPoint

DRAWN_KINDS = {
    Channel: "channel",
    SamplingPoint: "sampling-point",
    PumpingStation: "pumping-station",
}


def describe(geometry):
    if not geometry:
        return EMPTY
    lng, lat = first_position(geometry)
    return _("%(type)s, %(count)s positions, from %(lng).6f, %(lat).6f") % {
        "type": geometry["type"],
        "count": count_positions(geometry["coordinates"]),
        "lng": lng,
        "lat": lat,
    }


@admin.display(description=_("location on the map"))
def place_on_map(model_admin, obj):
    """The record's place, read-only, and where to draw it."""
    if obj is None or obj.pk is None:
        return EMPTY
    url = reverse("projects:map-edit", args=[DRAWN_KINDS[type(obj)], obj.pk])
    return format_html(
        '{} · <a href="{}">{}</a>', describe(obj.geometry), url, _("Draw on the map")
    )


@admin.register(MapOutline)
class MapOutlineAdmin(HistoryAdmin):
    list_display = ["name", "shape", "loaded_at"]
    search_fields = ["name"]
    # The outline is loaded from a file (/map/import/); here its GeoJSON can be corrected by hand,
    # checked by the model's validator.
    fields = ["name", "geometry", "shape", "loaded_at"]
    readonly_fields = ["shape", "loaded_at"]

    @admin.display(description=_("location on the map"))
    def shape(self, obj):
        return describe(obj.geometry) if obj else EMPTY
