"""Places on the map: GeoJSON geometry objects in WGS-84 longitude/latitude, and the GCJ-02
offset of Chinese web maps.

A record's ``geometry`` is a GeoJSON *geometry object* (RFC 7946 §3.1): a dict with ``type``
and ``coordinates``, positions as ``[longitude, latitude]`` in WGS-84. ``validate_geometry``
refuses anything else with a message that says what is wrong (in the user's language), and
``clean_geometry`` returns the same geometry with only its type and coordinates, each
coordinate rounded to 7 decimals (about 1 cm).

Chinese web maps (高德, 腾讯, 天地图 excepted) show and hand out coordinates in GCJ-02, a
published obfuscation of WGS-84 that moves points by a few hundred metres. ``wgs84_to_gcj02``
is the published forward formula (as in the open-source eviltransform and coordtransform
libraries); ``gcj02_to_wgs84`` inverts it by iteration, to well under a metre. Outside China
(the formula's rectangle) neither moves a point.
"""

import math
from numbers import Real

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

POINT = "Point"
LINE_STRING = "LineString"
MULTI_LINE_STRING = "MultiLineString"
POLYGON = "Polygon"
MULTI_POLYGON = "MultiPolygon"
TYPES = (POINT, LINE_STRING, MULTI_LINE_STRING, POLYGON, MULTI_POLYGON)
LINES = (LINE_STRING, MULTI_LINE_STRING)
OUTLINES = (POLYGON, MULTI_POLYGON)

# A stored geometry holds at most this many positions (a channel drawn point by point has
# tens; a surveyed district outline a few thousand).
MAX_POSITIONS = 20000
DECIMALS = 7

# --- validation ----------------------------------------------------------------------------


def _position(value):
    if not isinstance(value, (list, tuple)) or len(value) not in (2, 3):
        raise ValidationError(_("A position must be [longitude, latitude]."), code="position")
    for number in value:
        if isinstance(number, bool) or not isinstance(number, Real) or not math.isfinite(number):
            raise ValidationError(_("A coordinate must be a number."), code="number")
    lng, lat = value[0], value[1]
    if not -180 <= lng <= 180:
        raise ValidationError(
            _("Longitude %(value)s is outside −180 to 180."),
            code="longitude",
            params={"value": lng},
        )
    if not -90 <= lat <= 90:
        raise ValidationError(
            _("Latitude %(value)s is outside −90 to 90."), code="latitude", params={"value": lat}
        )
    return [round(float(lng), DECIMALS), round(float(lat), DECIMALS)]


def _list(value):
    if not isinstance(value, (list, tuple)):
        raise ValidationError(_("The coordinates are not a list."), code="coordinates")
    return value


def _line(value):
    positions = [_position(p) for p in _list(value)]
    if len(positions) < 2:
        raise ValidationError(_("A line needs at least two positions."), code="line")
    return positions


def _ring(value):
    positions = [_position(p) for p in _list(value)]
    if len(positions) < 4:
        raise ValidationError(_("An outline ring needs at least four positions."), code="ring")
    if positions[0] != positions[-1]:
        raise ValidationError(_("An outline ring must end where it starts."), code="ring_closed")
    return positions


def _polygon(value):
    rings = [_ring(r) for r in _list(value)]
    if not rings:
        raise ValidationError(_("An outline needs at least one ring."), code="polygon")
    return rings


def _non_empty(parts):
    if not parts:
        raise ValidationError(_("The geometry has no parts."), code="empty")
    return parts


READERS = {
    POINT: _position,
    LINE_STRING: _line,
    MULTI_LINE_STRING: lambda v: _non_empty([_line(part) for part in _list(v)]),
    POLYGON: _polygon,
    MULTI_POLYGON: lambda v: _non_empty([_polygon(part) for part in _list(v)]),
}

TYPE_LABELS = {
    POINT: _("a point"),
    LINE_STRING: _("a line"),
    MULTI_LINE_STRING: _("a line in several parts"),
    POLYGON: _("an outline"),
    MULTI_POLYGON: _("an outline in several parts"),
}


def count_positions(coordinates):
    """How many positions a coordinates array holds (iteratively: no recursion to exhaust)."""
    count = 0
    stack = [coordinates]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            if item and not isinstance(item[0], (list, tuple)):
                count += 1
            else:
                stack.extend(item)
    return count


def clean_geometry(value, kinds=TYPES):
    """``value`` as a clean GeoJSON geometry object of one of the types ``kinds``: only
    ``type`` and ``coordinates``, coordinates rounded to 7 decimals. Raises ``ValidationError``
    saying what is wrong."""
    if not isinstance(value, dict):
        raise ValidationError(_("The geometry is not a GeoJSON geometry object."), code="object")
    kind = value.get("type")
    if kind not in TYPES:
        raise ValidationError(
            _("Unknown geometry type “%(type)s”."), code="type", params={"type": str(kind)[:40]}
        )
    if kind not in kinds:
        raise ValidationError(
            _("Here the geometry must be %(expected)s, not %(given)s."),
            code="kind",
            params={
                "expected": " / ".join(str(TYPE_LABELS[k]) for k in kinds),
                "given": TYPE_LABELS[kind],
            },
        )
    coordinates = value.get("coordinates")
    if count_positions(coordinates) > MAX_POSITIONS:
        raise ValidationError(
            _("The geometry has more than %(limit)s positions."),
            code="too_many",
            params={"limit": MAX_POSITIONS},
        )
    return {"type": kind, "coordinates": READERS[kind](coordinates)}


def validate_geometry(value, kinds=TYPES):
    """Django validator: ``value`` must be a GeoJSON geometry object of one of ``kinds``."""
    if value is not None:
        clean_geometry(value, kinds)


@deconstructible
class GeometryValidator:
    """A field validator allowing the geometry types ``kinds`` only."""

    def __init__(self, kinds=TYPES):
        self.kinds = tuple(kinds)

    def __call__(self, value):
        validate_geometry(value, self.kinds)

    def __eq__(self, other):
        return isinstance(other, GeometryValidator) and self.kinds == other.kinds


validate_point = GeometryValidator((POINT,))
validate_line = GeometryValidator(LINES)
validate_outline = GeometryValidator(OUTLINES)


def point(lng, lat):
    """A GeoJSON Point at ``lng``, ``lat`` (numbers or numeric strings), validated."""
    try:
        position = [float(lng), float(lat)]
    except (TypeError, ValueError):
        raise ValidationError(_("A coordinate must be a number."), code="number") from None
    return clean_geometry({"type": POINT, "coordinates": position}, (POINT,))


def first_position(geometry):
    """The first [lng, lat] of a geometry (where a map puts its label)."""
    coordinates = geometry["coordinates"]
    while isinstance(coordinates[0], list):
        coordinates = coordinates[0]
    return coordinates


# --- GCJ-02 --------------------------------------------------------------------------------

_A = 6378245.0  # the Krasovsky 1940 semi-major axis the formula uses
_EE = 0.00669342162296594323  # its eccentricity squared


def out_of_china(lng, lat):
    """True outside the rectangle the GCJ-02 formula applies to."""
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _transform_lat(x, y):
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lng(x, y):
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _offset(lng, lat):
    d_lat = _transform_lat(lng - 105.0, lat - 35.0)
    d_lng = _transform_lng(lng - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return d_lng, d_lat


def wgs84_to_gcj02(lng, lat):
    """(lng, lat) in WGS-84 → GCJ-02; unchanged outside China."""
    if out_of_china(lng, lat):
        return lng, lat
    d_lng, d_lat = _offset(lng, lat)
    return lng + d_lng, lat + d_lat


def gcj02_to_wgs84(lng, lat):
    """(lng, lat) in GCJ-02 → WGS-84, by iterating the forward formula until it lands on the
    given point (within about 1 mm); unchanged outside China."""
    if out_of_china(lng, lat):
        return lng, lat
    w_lng, w_lat = lng, lat
    for _step in range(30):
        g_lng, g_lat = wgs84_to_gcj02(w_lng, w_lat)
        d_lng, d_lat = g_lng - lng, g_lat - lat
        w_lng, w_lat = w_lng - d_lng, w_lat - d_lat
        if abs(d_lng) < 1e-9 and abs(d_lat) < 1e-9:
            break
    return w_lng, w_lat


def map_positions(geometry, function):
    """A copy of ``geometry`` (clean) with ``function(lng, lat)`` applied to every position."""

    def walk(coordinates):
        if coordinates and not isinstance(coordinates[0], list):
            lng, lat = function(coordinates[0], coordinates[1])
            return [round(lng, DECIMALS), round(lat, DECIMALS)]
        return [walk(part) for part in coordinates]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def geometry_from_gcj02(geometry):
    """A clean geometry entered in GCJ-02, in WGS-84."""
    return map_positions(geometry, gcj02_to_wgs84)
