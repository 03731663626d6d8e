"""Places as GeoJSON in WGS-84 (projects.core.geo): what is accepted, what is refused and why,
and the GCJ-02 offset of Chinese web maps."""

import math

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from projects.core.geo import (
    LINES,
    POINT,
    clean_geometry,
    gcj02_to_wgs84,
    geometry_from_gcj02,
    point,
    validate_geometry,
    validate_line,
    validate_outline,
    validate_point,
    wgs84_to_gcj02,
)

# Known pairs (WGS-84 → GCJ-02) published with the open-source eviltransform library's tests:
# Shanghai, Shenzhen, Beijing.
KNOWN = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),
]


def metres(a, b):
    """Distance in metres between two (lng, lat) (equirectangular: fine at these distances)."""
    lat = math.radians((a[1] + b[1]) / 2)
    dx = math.radians(b[0] - a[0]) * math.cos(lat) * 6371000
    dy = math.radians(b[1] - a[1]) * 6371000
    return math.hypot(dx, dy)


@pytest.mark.parametrize(("wgs", "gcj"), KNOWN)
def test_it_moves_points_as_the_published_formula_does(wgs, gcj):
    assert metres(wgs84_to_gcj02(*wgs), gcj) < 0.01
    # The offset is hundreds of metres: a map that ignored it would put a channel off its bank.
    assert metres(wgs, gcj) > 100


@pytest.mark.parametrize(("wgs", "gcj"), KNOWN)
def test_it_converts_gcj02_back_within_a_metre(wgs, gcj):
    assert metres(gcj02_to_wgs84(*gcj), wgs) < 1


def test_a_round_trip_over_the_district_stays_within_a_metre():
    for i in range(20):
        wgs = (113.45 + i * 0.01, 22.2 + i * 0.007)
        assert metres(gcj02_to_wgs84(*wgs84_to_gcj02(*wgs)), wgs) < 1


def test_nothing_moves_outside_china():
    assert wgs84_to_gcj02(2.3522, 48.8566) == (2.3522, 48.8566)
    assert gcj02_to_wgs84(-74.0, 40.7) == (-74.0, 40.7)


def test_a_geometry_entered_in_gcj02_is_stored_in_wgs84():
    gcj = KNOWN[1][1]
    line = {"type": "LineString", "coordinates": [list(gcj), [gcj[0] + 0.001, gcj[1]]]}
    converted = geometry_from_gcj02(clean_geometry(line))
    assert converted["type"] == "LineString"
    assert metres(converted["coordinates"][0], KNOWN[1][0]) < 1


def test_a_point_is_made_from_longitude_and_latitude_text():
    assert point("113.55", "22.27") == {"type": "Point", "coordinates": [113.55, 22.27]}
    with pytest.raises(ValidationError):
        point("东经113", "22.27")


def test_clean_keeps_type_and_coordinates_only_rounded_to_a_centimetre():
    value = {
        "type": "LineString",
        "coordinates": [[113.123456789, 22.1], [113.2, 22.2, 5.0]],
        "crs": "anything",
    }
    assert clean_geometry(value, LINES) == {
        "type": "LineString",
        "coordinates": [[113.1234568, 22.1], [113.2, 22.2]],
    }


@pytest.mark.parametrize(
    ("value", "kinds", "message"),
    [
        ("LINESTRING(1 2, 3 4)", LINES, "not a GeoJSON geometry object"),
        ({"type": "Circle", "coordinates": [1, 2]}, None, "Unknown geometry type"),
        ({"type": "Point", "coordinates": [113.5, 22.2]}, LINES, "must be a line"),
        ({"type": "Point", "coordinates": [22.2]}, (POINT,), "[longitude, latitude]"),
        ({"type": "Point", "coordinates": [200, 22.2]}, (POINT,), "Longitude 200"),
        ({"type": "Point", "coordinates": [113.5, 95]}, (POINT,), "Latitude 95"),
        ({"type": "Point", "coordinates": [113.5, True]}, (POINT,), "must be a number"),
        ({"type": "Point", "coordinates": [113.5, float("nan")]}, (POINT,), "must be a number"),
        ({"type": "LineString", "coordinates": [[113.5, 22.2]]}, LINES, "at least two"),
        ({"type": "MultiLineString", "coordinates": []}, LINES, "no parts"),
        (
            {"type": "Polygon", "coordinates": [[[1, 1], [2, 1], [2, 2], [1, 2]]]},
            None,
            "end where it starts",
        ),
    ],
)
def test_it_refuses_what_is_wrong_saying_what(value, kinds, message):
    with translation.override("en"):
        with pytest.raises(ValidationError) as raised:
            clean_geometry(value, kinds or ("Point", "LineString", "MultiLineString", "Polygon"))
        assert message in " ".join(raised.value.messages)


def test_it_refuses_a_geometry_with_too_many_positions():
    line = {"type": "LineString", "coordinates": [[113.5, 22.2]] * 20001}
    with translation.override("en"):
        with pytest.raises(ValidationError) as raised:
            validate_line(line)
        assert "more than 20000 positions" in raised.value.messages[0]


def test_the_messages_are_in_chinese_for_the_users():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        validate_point({"type": "Point", "coordinates": [200, 22.2]})
    assert "经度" in raised.value.messages[0]


def test_the_field_validators_allow_their_own_types():
    validate_line({"type": "MultiLineString", "coordinates": [[[113.5, 22.2], [113.6, 22.3]]]})
    validate_point({"type": "Point", "coordinates": [113.5, 22.2]})
    validate_outline(
        {"type": "Polygon", "coordinates": [[[113, 22], [114, 22], [114, 23], [113, 22]]]}
    )
    validate_geometry(None)
    with pytest.raises(ValidationError):
        validate_outline({"type": "Point", "coordinates": [113.5, 22.2]})
