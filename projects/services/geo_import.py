"""Places loaded from a file: GeoJSON (a FeatureCollection), KML (parsed with defusedxml) or CSV
with longitude and latitude columns, each feature matched to a record by its properties.

- channels: by ``code`` (编号) when the feature has one, else by ``name`` (名称); a line or a
  line in several parts. In a CSV the rows of one channel, in the file's order, make its line.
- sampling points: by ``channel`` (渠道) and ``name`` (名称); a point.
- pumping stations: by ``name`` (名称); a point.
- outfalls: by ``code`` (编号); a point.
- outlines (e.g. the district's boundary): by ``name`` (名称), created or replaced; an outline.

Every feature is read and checked before anything is written; one bad feature and nothing is
written, and the messages name each bad feature (its number in the file, or its row in a CSV,
and its name) and what is wrong. With ``gcj02`` the coordinates are taken as GCJ-02 (copied
from a Chinese web map) and converted to WGS-84.

A file over ``MAX_BYTES``, with more than ``MAX_FEATURES`` features, nested too deeply, or an XML
file with a DTD or entities is refused whole, before any record is read.
"""

import csv
import io
import json
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as parse_xml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.core.geo import LINE_STRING, LINES, OUTLINES, POINT, clean_geometry, map_positions
from projects.core.geo import gcj02_to_wgs84 as from_gcj02
from projects.models import Channel, MapOutline, Outfall, PumpingStation, SamplingPoint

MAX_BYTES = 5 * 1024 * 1024
MAX_FEATURES = 5000

CHANNELS, SAMPLING_POINTS, PUMPING_STATIONS, OUTFALLS, OUTLINES_KIND = (
    "channels",
    "sampling_points",
    "pumping_stations",
    "outfalls",
    "outlines",
)
KINDS = (
    (CHANNELS, gettext_lazy("Channels (lines)")),
    (SAMPLING_POINTS, gettext_lazy("Sampling points")),
    (PUMPING_STATIONS, gettext_lazy("Pumping stations")),
    (OUTFALLS, gettext_lazy("Outfalls (by code)")),
    (OUTLINES_KIND, gettext_lazy("Map outlines (e.g. the district boundary)")),
)
GEOMETRY_KINDS = {
    CHANNELS: LINES,
    SAMPLING_POINTS: (POINT,),
    PUMPING_STATIONS: (POINT,),
    OUTFALLS: (POINT,),
    OUTLINES_KIND: OUTLINES,
}

# Property names as files name them (lower case): English and Chinese.
NAME_KEYS = ("name", "名称", "名字")
CODE_KEYS = ("code", "编号", "编码")
CHANNEL_KEYS = ("channel", "渠道", "河道", "所属渠道")
LNG_KEYS = ("longitude", "lng", "lon", "经度")
LAT_KEYS = ("latitude", "lat", "纬度")


class GeoImportError(Exception):
    """The file was refused; ``messages`` say why (each naming the feature concerned)."""

    def __init__(self, messages):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class Feature:
    number: int  # 1-based position in the file (a CSV: the row)
    properties: dict
    geometry: object  # as read; checked by clean_geometry
    row_numbered: bool = False

    def prop(self, keys):
        for key, value in self.properties.items():
            if str(key).strip().lower() in keys and value not in (None, ""):
                return str(value).strip()
        return ""

    @property
    def label(self):
        name = self.prop(NAME_KEYS) or self.prop(CODE_KEYS) or _("no name")
        channel = self.prop(CHANNEL_KEYS)
        name = f"{channel} · {name}" if channel else name
        if self.row_numbered:
            return _("Row %(number)s (%(name)s)") % {"number": self.number, "name": name}
        return _("Feature %(number)s (%(name)s)") % {"number": self.number, "name": name}


# --- reading -------------------------------------------------------------------------------


def read_features(content, filename):
    """The features of the file ``content`` (bytes) named ``filename``."""
    if len(content) > MAX_BYTES:
        raise GeoImportError(
            [_("The file is larger than %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)}]
        )
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix in ("geojson", "json"):
        features = read_geojson(content)
    elif suffix == "kml":
        features = read_kml(content)
    elif suffix == "csv":
        features = read_csv(content)
    else:
        raise GeoImportError([_("Send a .geojson, .json, .kml or .csv file.")])
    if not features:
        raise GeoImportError([_("The file holds no features.")])
    if len(features) > MAX_FEATURES:
        raise GeoImportError(
            [_("The file holds more than %(limit)s features.") % {"limit": MAX_FEATURES}]
        )
    return features


def read_geojson(content):
    try:
        data = json.loads(content.decode("utf-8-sig"), parse_constant=_refuse_constant)
    except RecursionError:
        raise GeoImportError([_("The file is nested too deeply.")]) from None
    except (UnicodeDecodeError, ValueError):
        raise GeoImportError([_("The file is not valid GeoJSON (JSON in UTF-8).")]) from None
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data]}
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise GeoImportError([_("The file is not a GeoJSON FeatureCollection.")])
    items = data.get("features")
    if not isinstance(items, list):
        raise GeoImportError([_("The FeatureCollection has no list of features.")])
    if len(items) > MAX_FEATURES:
        raise GeoImportError(
            [_("The file holds more than %(limit)s features.") % {"limit": MAX_FEATURES}]
        )
    features = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            item = {}
        properties = item.get("properties")
        features.append(
            Feature(
                number, properties if isinstance(properties, dict) else {}, item.get("geometry")
            )
        )
    return features


def _refuse_constant(name):
    raise ValueError(name)


def _local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _kml_positions(text):
    positions = []
    for chunk in (text or "").split():
        parts = chunk.split(",")
        try:
            positions.append([float(parts[0]), float(parts[1])])
        except (IndexError, ValueError):
            positions.append(None)  # refused by clean_geometry, naming the feature
    return positions


def _kml_geometry(element):
    kind = _local(element.tag)
    if kind == "Point":
        positions = _kml_positions(_child_text(element, "coordinates"))
        return {"type": POINT, "coordinates": positions[0] if len(positions) == 1 else positions}
    if kind == "LineString":
        return {
            "type": LINE_STRING,
            "coordinates": _kml_positions(_child_text(element, "coordinates")),
        }
    if kind == "Polygon":
        rings = [
            _kml_positions(_child_text(boundary, "coordinates"))
            for boundary in element.iter()
            if _local(boundary.tag) in ("outerBoundaryIs", "innerBoundaryIs")
        ]
        return {"type": "Polygon", "coordinates": rings}
    if kind == "MultiGeometry":
        parts = [_kml_geometry(child) for child in element if _local(child.tag) in KML_GEOMETRIES]
        kinds = {part["type"] for part in parts}
        if kinds == {LINE_STRING}:
            return {"type": "MultiLineString", "coordinates": [p["coordinates"] for p in parts]}
        if kinds == {"Polygon"}:
            return {"type": "MultiPolygon", "coordinates": [p["coordinates"] for p in parts]}
        return {"type": "GeometryCollection"}
    return None


KML_GEOMETRIES = ("Point", "LineString", "Polygon", "MultiGeometry")


def _child_text(element, name):
    for child in element.iter():
        if _local(child.tag) == name:
            return child.text or ""
    return ""


def read_kml(content):
    try:
        root = parse_xml(content, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise GeoImportError(
            [_("The KML file declares a DTD or entities, which are not accepted.")]
        ) from None
    except (ParseError, ValueError):
        raise GeoImportError([_("The file is not valid KML (XML).")]) from None
    features = []
    for number, placemark in enumerate(
        (e for e in root.iter() if _local(e.tag) == "Placemark"), start=1
    ):
        if number > MAX_FEATURES:
            raise GeoImportError(
                [_("The file holds more than %(limit)s features.") % {"limit": MAX_FEATURES}]
            )
        properties, geometry = {}, None
        for child in placemark:
            tag = _local(child.tag)
            if tag == "name":
                properties["name"] = (child.text or "").strip()
            elif tag == "ExtendedData":
                for data in child.iter():
                    if _local(data.tag) == "Data":
                        properties[data.get("name", "")] = _child_text(data, "value").strip()
                    elif _local(data.tag) == "SimpleData":
                        properties[data.get("name", "")] = (data.text or "").strip()
            elif tag in KML_GEOMETRIES and geometry is None:
                geometry = _kml_geometry(child)
        features.append(Feature(number, properties, geometry))
    return features


def read_csv(content):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("gb18030")
        except UnicodeDecodeError:
            raise GeoImportError([_("The CSV file is neither UTF-8 nor GB18030 text.")]) from None
    try:
        return _csv_features(csv.DictReader(io.StringIO(text)))
    except csv.Error:
        # e.g. a field longer than the csv module's limit (128 KB)
        raise GeoImportError([_("The file is not valid CSV.")]) from None


def _csv_features(reader):
    headers = {str(h).strip().lower(): h for h in (reader.fieldnames or []) if h}
    lng = next((headers[k] for k in LNG_KEYS if k in headers), None)
    lat = next((headers[k] for k in LAT_KEYS if k in headers), None)
    if lng is None or lat is None:
        raise GeoImportError(
            [_("The CSV file needs a longitude (经度) and a latitude (纬度) column.")]
        )
    features = []
    for row in reader:
        row_number = reader.line_num
        if len(features) >= MAX_FEATURES:
            raise GeoImportError(
                [_("The file holds more than %(limit)s features.") % {"limit": MAX_FEATURES}]
            )
        properties = {k: v for k, v in row.items() if k not in (lng, lat, None)}
        try:
            position = [float(row[lng]), float(row[lat])]
        except (TypeError, ValueError):
            position = None
        features.append(
            Feature(row_number, properties, {"type": POINT, "coordinates": position}, True)
        )
    return features


def rows_as_lines(features):
    """CSV rows of channels: consecutive points of one channel (by code, else name) joined into
    its line, in the file's order, numbered by their first row."""
    lines = {}
    for feature in features:
        key = feature.prop(CODE_KEYS) or feature.prop(NAME_KEYS)
        if key not in lines:
            lines[key] = Feature(
                feature.number, feature.properties, {"type": LINE_STRING, "coordinates": []}, True
            )
        lines[key].geometry["coordinates"].append(feature.geometry["coordinates"])
    return list(lines.values())


# --- matching and writing ------------------------------------------------------------------


def _matcher(kind, features):
    """A function feature → (record or None, error or None): the records the features name,
    read in one query."""
    if kind == CHANNELS:
        codes = {f.prop(CODE_KEYS) for f in features} - {""}
        names = {f.prop(NAME_KEYS) for f in features} - {""}
        channels = list(
            Channel.objects.filter(code__in=codes) | Channel.objects.filter(name__in=names)
        )
        by_code = {c.code: c for c in channels if c.code}
        by_name = {c.name: c for c in channels}

        def match(feature):
            code = feature.prop(CODE_KEYS)
            if code:
                found = by_code.get(code)
                return found, None if found else _("no channel has the code “%(code)s”.") % {
                    "code": code
                }
            name = feature.prop(NAME_KEYS)
            if not name:
                return None, _("it has no name or code property to match a channel.")
            found = by_name.get(name)
            return found, None if found else _("no channel is named “%(name)s”.") % {"name": name}

        return match
    if kind == SAMPLING_POINTS:
        names = {f.prop(NAME_KEYS) for f in features} - {""}
        points = SamplingPoint.objects.filter(name__in=names).select_related("channel")
        by_name = {}
        for point in points:
            by_name.setdefault(point.name, []).append(point)

        def match(feature):
            name, channel = feature.prop(NAME_KEYS), feature.prop(CHANNEL_KEYS)
            if not name:
                return None, _("it has no name property to match a sampling point.")
            found = [p for p in by_name.get(name, []) if not channel or p.channel.name == channel]
            if len(found) == 1:
                return found[0], None
            if found:
                return None, _(
                    "several channels have a sampling point named “%(name)s”: add a channel "
                    "(渠道) property."
                ) % {"name": name}
            return None, _("no sampling point is named “%(name)s”.") % {"name": name}

        return match
    if kind == PUMPING_STATIONS:
        return _matcher_by(
            features,
            NAME_KEYS,
            PumpingStation.objects,
            "name",
            _("it has no name property to match a pumping station."),
            _("no pumping station is named “%(value)s”."),
        )
    if kind == OUTFALLS:
        return _matcher_by(
            features,
            CODE_KEYS,
            Outfall.objects,
            "code",
            _("it has no code property to match an outfall."),
            _("no outfall has the code “%(value)s”."),
        )
    names = {f.prop(NAME_KEYS) for f in features} - {""}
    by_name = {o.name: o for o in MapOutline.objects.filter(name__in=names)}

    def match(feature):
        name = feature.prop(NAME_KEYS)
        if not name:
            return None, _("it has no name property to name the outline.")
        return by_name.get(name) or MapOutline(name=name[:100]), None

    return match


def _matcher_by(features, keys, records, field, no_property, not_found):
    """The matcher of features to ``records`` by their unique ``field``, read from the
    feature's property of ``keys``: one query for every feature's value."""
    values = {f.prop(keys) for f in features} - {""}
    by_value = {getattr(r, field): r for r in records.filter(**{f"{field}__in": values})}

    def match(feature):
        value = feature.prop(keys)
        if not value:
            return None, no_property
        found = by_value.get(value)
        return found, None if found else not_found % {"value": value}

    return match


def check_features(kind, features, gcj02=False):
    """[(record, geometry)] for every feature, or ``GeoImportError`` naming each bad one."""
    if kind == CHANNELS and features and features[0].row_numbered:
        features = rows_as_lines(features)
    match = _matcher(kind, features)
    errors, checked, seen = [], [], {}
    for feature in features:
        try:
            geometry = clean_geometry(feature.geometry, GEOMETRY_KINDS[kind])
        except ValidationError as error:
            errors.append(f"{feature.label}: {' '.join(error.messages)}")
            continue
        if gcj02:
            geometry = map_positions(geometry, from_gcj02)
        record, problem = match(feature)
        if problem:
            errors.append(f"{feature.label}: {problem}")
            continue
        key = (type(record), record.pk or record.name)
        if key in seen:
            errors.append(
                _("%(feature)s: %(record)s is already given by feature %(first)s.")
                % {"feature": feature.label, "record": record, "first": seen[key]}
            )
            continue
        seen[key] = feature.number
        checked.append((record, geometry))
    if errors:
        raise GeoImportError(errors)
    return checked


def import_geometry(kind, content, filename, gcj02=False):
    """Read, check and write the places of the file: every record's geometry in one
    transaction (each saved on its own, so the audit history records it), or nothing.
    Returns the number of records written."""
    if kind not in GEOMETRY_KINDS:
        raise GeoImportError([_("Unknown kind of record.")])
    checked = check_features(kind, read_features(content, filename), gcj02)
    with transaction.atomic():
        for record, geometry in checked:
            record.geometry = geometry
            if record.pk:
                record.save(
                    update_fields=["geometry"] + (["loaded_at"] if kind == OUTLINES_KIND else [])
                )
            else:
                record.save()
    return len(checked)
