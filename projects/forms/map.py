"""The map's filter form and the forms that enter places: a record's geometry drawn on the
map, and a file of places to import."""

import json

import django_filters as filters
from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from projects.core.geo import clean_geometry, geometry_from_gcj02
from projects.forms.filters import units_of
from projects.forms.widgets import lookup_when_long
from projects.models import Channel, Complaint, Outfall
from projects.services.geo_import import KINDS, MAX_BYTES
from projects.services.map_layers import LAYER_CHOICES, LAYERS

GCJ02_LABEL = _("The coordinates are GCJ-02 (from a Chinese web map such as 高德 or 腾讯): convert")
GCJ02_HELP = _(
    "Tick this when the coordinates were read from a Chinese web map: it shows them moved by a "
    "few hundred metres (GCJ-02), and they are converted to WGS-84 when saved."
)


class MapFilter(filters.FilterSet):
    """The map's filters, each applied to the layers it means something for
    (``projects.services.map_layers``): the filter set checks the values, the layers apply them.
    Left untouched, it shows every layer unfiltered."""

    layer = filters.MultipleChoiceFilter(
        label=_("Layers"),
        choices=LAYER_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        method="keep",
    )
    street = filters.ModelChoiceFilter(
        label=_("Street or town"), queryset=units_of("street"), method="keep"
    )
    condition = filters.ChoiceFilter(
        label=_("Channel condition"), choices=Channel.Condition.choices, method="keep"
    )

    outfall_status = filters.ChoiceFilter(
        label=_("Outfall status"), choices=Outfall.Status.choices, method="keep"
    )
    stage = filters.ChoiceFilter(
        label=_("Complaint stage"), choices=Complaint.Stage.choices, method="keep"
    )

    class Meta:
        model = Channel
        fields = ("layer", "street", "condition", "outfall_status", "stage")

    @property
    def form(self):
        if not hasattr(self, "_form"):
            lookup_when_long(super().form.fields["street"], "units")
        return self._form

    def keep(self, queryset, name, value):
        return queryset

    def panel(self):
        """The layers as the map's panel lists them, each with its box (ticked when chosen,
        every one when none is: the map then shows them all), its legend ((key, label,
        colour), ...), its marker's shape and the fields of the filters that apply to it alone
        (the street applies to all and stands above them)."""
        asked = set(self.data.getlist("layer")) if self.is_bound else set()
        known = {layer.key for layer in LAYERS}
        shown = (asked & known) or known
        return [
            {
                "key": layer.key,
                "label": layer.label,
                "shape": layer.shape,
                "checked": layer.key in shown,
                "legend": layer.legend,
                "fields": [self.form[name] for name in layer.filters if name != "street"],
            }
            for layer in LAYERS
        ]

    def chosen(self):
        """({filter name: value}, [layer keys]) as checked; nothing chosen when invalid. The
        form is not shown here, so the street choices are not read to be listed."""
        if not hasattr(self, "_form"):
            filters.FilterSet.form.fget(self)
        if not self.form.is_valid():
            return {}, []
        data = self.form.cleaned_data
        street = data.get("street")
        return (
            {
                "street": street.pk if street else None,
                "condition": data.get("condition") or "",
                "outfall_status": data.get("outfall_status") or "",
                "stage": data.get("stage") or "",
            },
            list(data.get("layer") or []),
        )


class GeometryForm(forms.Form):
    """A record's place as drawn on the map: GeoJSON in a hidden field (written by the map's
    script), checked here; empty removes the place."""

    geometry = forms.CharField(
        label=_("Location on the map"),
        required=False,
        widget=forms.HiddenInput,
        max_length=1_000_000,
    )
    gcj02 = forms.BooleanField(label=GCJ02_LABEL, required=False, help_text=GCJ02_HELP)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds

    def clean(self):
        data = super().clean()
        text = (data.get("geometry") or "").strip()
        if not text:
            data["geometry"] = None
            return data
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            raise ValidationError(_("The drawing could not be read; draw it again.")) from None
        try:
            geometry = clean_geometry(value, self.kinds)
        except ValidationError as error:
            self.add_error("geometry", error)
            return data
        data["geometry"] = geometry_from_gcj02(geometry) if data.get("gcj02") else geometry
        return data


class GeometryImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Records"), choices=KINDS)
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,.kml,.csv"}),
    )
    gcj02 = forms.BooleanField(label=GCJ02_LABEL, required=False, help_text=GCJ02_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "GeoJSON (a FeatureCollection), KML, or CSV with longitude (经度) and latitude (纬度) "
            "columns; each feature names its record by a name (名称) property, a channel also by "
            "its code (编号), a sampling point with its channel (渠道), an outfall by its code "
            "(编号) alone. At most %(size)s."
        ) % {"size": filesizeformat(MAX_BYTES)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                _("The file is larger than %(size)s.") % {"size": filesizeformat(MAX_BYTES)},
                code="too_large",
            )
        return upload
