"""The map: the page (/map/), the features it draws (/map/features/, JSON), a record's place
drawn by an administrator, and places imported from a file (GeoJSON, KML, CSV)."""

import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.generic import FormView, TemplateView, View

from projects.core.geo import LINES, POINT
from projects.forms.map import GeometryForm, GeometryImportForm, MapFilter
from projects.models import Channel, Outfall, PumpingStation, SamplingPoint
from projects.services.geo_import import GeoImportError, import_geometry
from projects.services.map_layers import map_features, tile_settings
from projects.views.plan_edits import AdministratorsOnly


def map_filter(request):
    return MapFilter(request.GET or None, queryset=Channel.objects.none(), request=request)


class MapView(LoginRequiredMixin, TemplateView):
    """The page: the filter form, the map (drawn by projects/static/projects/map.js from
    /map/features/ with the same query) and its legend. Reads nothing but the filter's
    choices: the features come with the script's request."""

    template_name = "projects/map/map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.urlencode()
        context["filter"] = map_filter(self.request)
        context["features_url"] = reverse("projects:map-features") + (f"?{query}" if query else "")
        context["tiles"] = tile_settings()
        return context


@method_decorator(gzip_page, name="get")
class MapFeaturesView(LoginRequiredMixin, View):
    """The map's features as GeoJSON (``projects.services.map_layers.map_features``),
    compressed for a browser that accepts it (a city's answer is megabytes of coordinates; it
    holds no secret a compressed length could give away, unlike a page with a form's token)."""

    def get(self, request):
        chosen, layers = map_filter(request).chosen()
        return HttpResponse(map_features(chosen, layers), content_type="application/json")


# What a place can be drawn for: URL kind → (model, geometry types, label of the drawing).
DRAWN = {
    "channel": (Channel, LINES, "line"),
    "sampling-point": (SamplingPoint, (POINT,), "point"),
    "pumping-station": (PumpingStation, (POINT,), "point"),
    "outfall": (Outfall, (POINT,), "point"),
}
# The most outfalls a channel's drawing page lists (each with its link to be placed).
OUTFALLS_LISTED = 50


def draw_labels():
    """Leaflet.draw's texts in the user's language (merged into ``L.drawLocal`` by map.js)."""
    finish = _("Finish")
    return {
        "draw": {
            "toolbar": {
                "actions": {"title": _("Cancel drawing"), "text": _("Cancel")},
                "finish": {"title": finish, "text": finish},
                "undo": {"title": _("Delete the last point"), "text": _("Delete the last point")},
                "buttons": {"polyline": _("Draw a line"), "marker": _("Place a marker")},
            },
            "handlers": {
                "marker": {"tooltip": {"start": _("Click the map to place the marker.")}},
                "polyline": {
                    "tooltip": {
                        "start": _("Click to start the line."),
                        "cont": _("Click to continue the line."),
                        "end": _("Click the last point again to finish the line."),
                    }
                },
            },
        },
        "edit": {
            "toolbar": {
                "actions": {
                    "save": {"title": _("Keep the changes"), "text": _("Done")},
                    "cancel": {"title": _("Cancel editing"), "text": _("Cancel")},
                    "clearAll": {"title": _("Remove everything"), "text": _("Remove everything")},
                },
                "buttons": {
                    "edit": _("Edit"),
                    "editDisabled": _("Nothing to edit"),
                    "remove": _("Remove"),
                    "removeDisabled": _("Nothing to remove"),
                },
            },
            "handlers": {
                "edit": {
                    "tooltip": {
                        "text": _("Drag the points or the marker to move them."),
                        "subtext": _("Click Cancel to undo the changes."),
                    }
                },
                "remove": {"tooltip": {"text": _("Click a drawing to remove it.")}},
            },
        },
    }


def record_page(record):
    if isinstance(record, (Channel, Outfall)):
        return record.get_absolute_url()
    if record.channel_id:
        return reverse("projects:channel-detail", args=[record.channel_id])
    return reverse("projects:pipes")


class GeometryEditView(AdministratorsOnly, View):
    """An administrator draws a channel's line, or places a sampling point, a pumping station
    or an outfall on the map (Leaflet.draw writes GeoJSON into the form's hidden field); the
    place is checked here and saved through the model, so the audit history records it."""

    template_name = "projects/map/geometry_form.html"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["kind"] not in DRAWN:
            raise Http404
        self.model, self.kinds, self.mode = DRAWN[kwargs["kind"]]
        self.permissions = (f"projects.change_{self.model._meta.model_name}",)
        return super().dispatch(request, *args, **kwargs)

    def get_record(self):
        rows = self.model.objects.all()
        if self.model is not Channel:
            rows = rows.select_related("channel")
        return get_object_or_404(rows, pk=self.kwargs["pk"])

    def render_page(self, record, form):
        channel = record if isinstance(record, Channel) else record.channel
        context = {
            "record": record,
            "form": form,
            "mode": self.mode,
            "channel": channel,
            "back": record_page(record),
            "tiles": tile_settings(),
            "draw_labels": draw_labels(),
            # What the map shows under the drawing: the channel's line when placing a point.
            "reference": channel.geometry
            if channel is not None and channel is not record
            else None,
        }
        if isinstance(record, Channel):
            context["points"] = record.sampling_points.order_by("sequence", "name")
            context["stations"] = record.pumping_stations.order_by("name")
            outfalls = list(record.outfalls.order_by("code")[: OUTFALLS_LISTED + 1])
            context["outfalls"] = outfalls[:OUTFALLS_LISTED]
            context["more_outfalls"] = len(outfalls) > OUTFALLS_LISTED
        return render(self.request, self.template_name, context)

    def get(self, request, kind, pk):
        record = self.get_record()
        initial = {"geometry": json.dumps(record.geometry) if record.geometry else ""}
        return self.render_page(record, GeometryForm(initial=initial, kinds=self.kinds))

    def post(self, request, kind, pk):
        record = self.get_record()
        form = GeometryForm(request.POST, kinds=self.kinds)
        if not form.is_valid():
            return self.render_page(record, form)
        record.geometry = form.cleaned_data["geometry"]
        record.save(update_fields=["geometry"])
        if record.geometry is None:
            messages.success(request, _("The place of “%(name)s” was removed.") % {"name": record})
        else:
            messages.success(request, _("The place of “%(name)s” was saved.") % {"name": record})
        return redirect(record_page(record))


class GeometryImportView(AdministratorsOnly, FormView):
    """Places from a file: everything written, or nothing and the reasons."""

    template_name = "projects/map/import.html"
    form_class = GeometryImportForm
    permissions = (
        "projects.change_channel",
        "projects.change_samplingpoint",
        "projects.change_pumpingstation",
        "projects.change_outfall",
        "projects.add_mapoutline",
        "projects.change_mapoutline",
    )

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            count = import_geometry(
                form.cleaned_data["kind"], upload.read(), upload.name, form.cleaned_data["gcj02"]
            )
        except GeoImportError as error:
            form.add_error(None, _("Nothing was imported."))
            for message in error.messages[:50]:
                form.add_error(None, message)
            if len(error.messages) > 50:
                form.add_error(
                    None, _("… and %(count)s more.") % {"count": len(error.messages) - 50}
                )
            return self.form_invalid(form)
        messages.success(self.request, _("%(count)s places were imported.") % {"count": count})
        return redirect("projects:map")
