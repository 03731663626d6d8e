"""URL-walk rules for the map (see tests/test_urls.py, AREA_RULES): everyone logged in reads the
map and its features; only administrators draw a record's place and import places."""

import json

from django.urls import reverse

from projects.models import Channel, MapOutline, Outfall, PumpingStation, SamplingPoint

LINE = {"type": "LineString", "coordinates": [[113.55, 22.27], [113.56, 22.28]]}
SPOT = {"type": "Point", "coordinates": [113.555, 22.275]}


def setup(cls):
    cls.map_channel = Channel.objects.create(name="地图测试渠", geometry=LINE)
    cls.map_point = SamplingPoint.objects.create(channel=cls.map_channel, name="地图测试点")
    cls.map_station = PumpingStation.objects.create(name="地图测试泵站", geometry=SPOT)
    cls.map_outfall = Outfall.objects.create(
        code="MAP-01", channel=cls.map_channel, kind=Outfall.Kind.RAIN
    )
    ring = [[113.5, 22.2], [113.6, 22.2], [113.6, 22.3], [113.5, 22.2]]
    MapOutline.objects.create(name="测试边界", geometry={"type": "Polygon", "coordinates": [ring]})


def rules(t):
    from tests.test_urls import LOGIN, READ, Case, table

    # A valid drawing: saved, back to the record's page.
    draw = table((LOGIN, LOGIN), (403, 403), (403, 403), (403, 403), (200, 302))
    # Posting no file re-shows the form with its message.
    upload = table((LOGIN, LOGIN), (403, 403), (403, 403), (403, 403), (200, 200))

    def edit(kind, record, geometry):
        return Case(
            kind,
            reverse("projects:map-edit", args=[kind, record.pk]),
            draw,
            body={"geometry": json.dumps(geometry)},
        )

    return {
        "projects:map": [
            Case("", reverse("projects:map"), READ),
            Case("filtered", reverse("projects:map"), READ, query={"condition": "light"}),
            Case(
                "outfalls and complaints filtered",
                reverse("projects:map"),
                READ,
                query={"outfall_status": "to_fix", "stage": "found"},
            ),
        ],
        "projects:map-features": [
            Case("", reverse("projects:map-features"), READ),
            Case(
                "one layer, filtered",
                reverse("projects:map-features"),
                READ,
                query={"layer": "channels", "condition": "clear"},
            ),
        ],
        "projects:map-import": [Case("", reverse("projects:map-import"), upload)],
        "projects:map-edit": [
            edit("channel", t.map_channel, LINE),
            edit("sampling-point", t.map_point, SPOT),
            edit("pumping-station", t.map_station, SPOT),
            edit("outfall", t.map_outfall, SPOT),
        ],
    }
