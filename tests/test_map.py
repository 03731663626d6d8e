"""The map: its features by layer and filter with their colours and links, bounded and at a
fixed number of queries; the page; the channel page's own map; a place drawn by an
administrator."""

import json

from django.test import TestCase, override_settings
from django.urls import reverse

from projects.models import (
    Channel,
    Judgement,
    MapOutline,
    Outfall,
    PumpingStation,
    ResponsibleUnit,
    SamplingPoint,
)
from projects.services.map_layers import GREEN, GREY, LAYER_CHOICES, NAVY, ORANGE, RED
from tests.browser_forms import form_data
from tests.test_editing import make_role_users

LINE = {"type": "LineString", "coordinates": [[113.55, 22.27], [113.56, 22.275]]}
SPOT = {"type": "Point", "coordinates": [113.555, 22.272]}


def line(offset):
    return {
        "type": "LineString",
        "coordinates": [[113.5 + offset / 1000, 22.2], [113.5 + offset / 1000, 22.21]],
    }


class MapTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_role_users(cls)
        cls.north = ResponsibleUnit.objects.create(name="北街道", kind="street")
        cls.south = ResponsibleUnit.objects.create(name="南街道", kind="street")
        cls.light = Channel.objects.create(
            name="甲排洪渠", street=cls.north, condition="light", geometry=LINE
        )
        cls.clear = Channel.objects.create(
            name="乙排洪渠", street=cls.south, condition="clear", geometry=line(1)
        )
        cls.unplaced = Channel.objects.create(name="丙排洪渠", street=cls.north)
        cls.point = SamplingPoint.objects.create(channel=cls.light, name="1号点", geometry=SPOT)
        cls.ungraded = SamplingPoint.objects.create(
            channel=cls.clear,
            name="2号点",
            geometry={"type": "Point", "coordinates": [113.5, 22.2]},
        )
        # The light channel's latest judgement grades its point severe and itself severe: the
        # map shows the judged condition, not the recorded one.
        Judgement.objects.create(
            channel=cls.light,
            grade="severe",
            point_grades={str(cls.point.pk): "severe"},
            is_latest=True,
        )
        cls.station = PumpingStation.objects.create(
            name="岱山泵站",
            street=cls.south,
            geometry={"type": "Point", "coordinates": [113.6, 22.3]},
        )

    def setUp(self):
        self.client.force_login(self.viewer)

    def features(self, **query):
        response = self.client.get(reverse("projects:map-features"), query)
        self.assertEqual(response.status_code, 200)
        return response.json()

    def by_name(self, data):
        """Each feature's properties by name, with the status's label and colour and the
        marker's shape its layer gives (as map.js reads them: a feature names its layer and
        status key alone)."""
        layers = {layer["key"]: layer for layer in data["layers"]}
        found = {}
        for feature in data["features"]:
            properties = feature["properties"]
            layer = layers[properties["layer"]]
            (entry,) = [e for e in layer["legend"] if e["key"] == properties["status_key"]]
            found[properties["name"]] = {
                **properties,
                "status": entry["label"],
                "colour": entry["colour"],
                "shape": layer["shape"],
            }
        return found


class FeaturesTest(MapTestCase):
    def test_it_sends_every_layer_coloured_with_links(self):
        data = self.features()
        found = self.by_name(data)
        self.assertEqual(
            set(found), {"甲排洪渠", "乙排洪渠", "甲排洪渠 · 1号点", "乙排洪渠 · 2号点", "岱山泵站"}
        )
        self.assertEqual(found["甲排洪渠"]["colour"], RED)  # judged severe
        self.assertEqual(found["甲排洪渠"]["status_key"], "severe")
        self.assertEqual(found["乙排洪渠"]["colour"], GREEN)
        self.assertEqual(found["甲排洪渠 · 1号点"]["colour"], RED)
        self.assertEqual(found["乙排洪渠 · 2号点"]["colour"], GREY)  # never graded
        self.assertEqual(found["岱山泵站"]["colour"], NAVY)
        self.assertEqual(found["甲排洪渠"]["url"], self.light.get_absolute_url())
        self.assertEqual(found["甲排洪渠 · 1号点"]["url"], self.light.get_absolute_url())
        self.assertEqual(found["岱山泵站"]["url"], reverse("projects:pipes"))
        geometry = next(f for f in data["features"] if f["properties"]["name"] == "甲排洪渠")
        self.assertEqual(geometry["geometry"], LINE)
        # A feature says its layer and status key, not the label and colour its layer's legend
        # holds once (a city's map sends thousands).
        self.assertEqual(
            {key for f in data["features"] for key in f["properties"]},
            {"layer", "name", "status_key", "url"},
        )
        self.assertEqual(
            [layer["key"] for layer in data["layers"]],
            ["channels", "sampling_points", "pumping_stations", "outfalls", "complaints"],
        )
        self.assertFalse(any(layer["truncated"] for layer in data["layers"]))
        legend = {entry["key"]: entry["colour"] for entry in data["layers"][0]["legend"]}
        self.assertEqual(legend["light"], ORANGE)

    def test_a_browser_that_accepts_it_gets_the_answer_compressed(self):
        import gzip
        import json

        url = reverse("projects:map-features")
        response = self.client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        self.assertEqual(response["Content-Encoding"], "gzip")
        self.assertEqual(json.loads(gzip.decompress(response.content)), self.features())
        self.assertNotIn("Content-Encoding", self.client.get(url))

    def test_the_condition_filter_narrows_the_channels_only(self):
        found = self.by_name(self.features(condition="clear"))
        self.assertIn("乙排洪渠", found)
        self.assertNotIn("甲排洪渠", found)
        self.assertIn("甲排洪渠 · 1号点", found)  # points have no condition filter

    def test_the_street_filter_applies_to_every_layer(self):
        found = self.by_name(self.features(street=self.north.pk))
        self.assertEqual(set(found), {"甲排洪渠", "甲排洪渠 · 1号点"})

    def test_the_layers_chosen_are_the_only_ones_sent(self):
        data = self.features(layer=["pumping_stations"])
        self.assertEqual(set(self.by_name(data)), {"岱山泵站"})
        self.assertEqual([layer["key"] for layer in data["layers"]], ["pumping_stations"])

    def test_the_untouched_filter_form_as_the_browser_sends_it_filters_nothing(self):
        page = self.client.get(reverse("projects:map"))
        sent = form_data(page.content, "map-filters")
        # Every layer's box ticked (the map shows them all), every select on its empty choice.
        self.assertEqual(sent["layer"], [key for key, _label in LAYER_CHOICES])
        self.assertEqual(sent["street"], [""])
        self.assertEqual(sent["condition"], [""])
        self.assertEqual(len(self.features(**sent)["features"]), 5)
        # Sent again from the page it leads to: the same.
        page = self.client.get(reverse("projects:map"), sent)
        self.assertEqual(form_data(page.content, "map-filters"), sent)

    def test_the_panel_ticks_the_layers_chosen_with_their_legend_and_own_filter(self):
        page = self.client.get(reverse("projects:map"), {"layer": ["channels", "outfalls"]})
        sent = form_data(page.content, "map-filters")
        self.assertEqual(sent["layer"], ["channels", "outfalls"])
        panel = {layer["key"]: layer for layer in page.context["filter"].panel()}
        self.assertEqual(
            [key for key in panel if not panel[key]["checked"]],
            ["sampling_points", "pumping_stations", "complaints"],
        )
        self.assertEqual([f.name for f in panel["channels"]["fields"]], ["condition"])
        self.assertEqual([f.name for f in panel["outfalls"]["fields"]], ["outfall_status"])
        self.assertEqual(panel["pumping_stations"]["fields"], [])
        # Each legend entry with its key: the channels' a line, the outfalls' a diamond.
        self.assertContains(page, 'class="map-key map-key-line"', count=5)
        self.assertContains(page, 'class="map-key map-key-diamond"', count=5)
        self.assertContains(page, 'class="map-key map-key-triangle"', count=5)
        self.assertContains(page, f'<line x1="2" y1="7" x2="20" y2="7" stroke="{ORANGE}"')

    def test_a_layer_with_more_features_than_the_limit_is_cut_and_says_so(self):
        with override_settings(MAP_FEATURE_LIMIT=1):
            data = self.features(layer=["channels"])
        self.assertEqual(len(data["features"]), 1)
        self.assertTrue(data["layers"][0]["truncated"])
        self.assertEqual(data["limit"], 1)

    def test_the_outlines_come_with_the_features(self):
        ring = [[113.4, 22.1], [113.7, 22.1], [113.7, 22.4], [113.4, 22.1]]
        MapOutline.objects.create(
            name="香洲区", geometry={"type": "Polygon", "coordinates": [ring]}
        )
        data = self.features()
        self.assertEqual(data["outlines"][0]["properties"]["name"], "香洲区")

    def test_anonymous_users_are_sent_to_log_in(self):
        self.client.logout()
        response = self.client.get(reverse("projects:map-features"))
        self.assertEqual(response.status_code, 302)


class QueryCountTest(MapTestCase):
    # session, user; the five layers; the outlines (the street choices are not listed). The
    # page itself: session, user, the user's and their groups' permissions (the import button),
    # the street choices (a short list, read once).
    FEATURES = 8
    PAGE = 5

    def assert_counts(self):
        with self.assertNumQueries(self.FEATURES):
            self.features(condition="light")
        with self.assertNumQueries(self.PAGE):
            self.assertEqual(self.client.get(reverse("projects:map")).status_code, 200)

    def test_the_queries_do_not_grow_with_the_records(self):
        self.assert_counts()
        for i in range(60):
            channel = Channel.objects.create(name=f"批量渠{i}", condition="light", geometry=line(i))
            SamplingPoint.objects.create(channel=channel, name="点", geometry=SPOT)
            PumpingStation.objects.create(name=f"批量泵站{i}", channel=channel, geometry=SPOT)
        self.assert_counts()
        self.assertEqual(len(self.features()["features"]), 5 + 180)


class PageTest(MapTestCase):
    def test_the_page_loads_leaflet_from_the_site_and_asks_for_the_same_filters(self):
        response = self.client.get(reverse("projects:map"), {"condition": "light"})
        self.assertContains(response, "/static/leaflet/leaflet.js")
        self.assertContains(response, "/static/projects/map.js")
        self.assertContains(response, 'data-map-features="/map/features/?condition=light"')
        self.assertContains(response, 'data-tile-url=""')
        self.assertNotContains(response, "<script>")

    @override_settings(MAP_TILE_URL="https://t{s}.tianditu.gov.cn/vec_w/wmts?tk=KEY")
    def test_a_tile_layer_is_added_by_setting(self):
        response = self.client.get(reverse("projects:map"))
        self.assertContains(
            response, 'data-tile-url="https://t{s}.tianditu.gov.cn/vec_w/wmts?tk=KEY"'
        )

    def test_the_channel_page_shows_its_map_only_when_it_has_a_place(self):
        response = self.client.get(self.light.get_absolute_url())
        self.assertContains(response, 'data-map-show="channel-map-data"')
        self.assertContains(response, "/static/leaflet/leaflet.js")
        data = response.context["channel_map"]
        self.assertEqual(data["geometry"], LINE)
        self.assertEqual(data["colour"], RED)
        response = self.client.get(self.unplaced.get_absolute_url())
        self.assertNotContains(response, 'id="map"')
        self.assertNotContains(response, "leaflet")


class DrawingTest(MapTestCase):
    def url(self, kind, record):
        return reverse("projects:map-edit", args=[kind, record.pk])

    def test_an_administrator_draws_a_channel(self):
        self.client.force_login(self.administrator)
        response = self.client.get(self.url("channel", self.unplaced))
        self.assertContains(response, 'data-map-draw="line"')
        self.assertContains(response, "/static/leaflet/draw/leaflet.draw.js")
        response = self.client.post(
            self.url("channel", self.unplaced), {"geometry": json.dumps(LINE)}
        )
        self.assertRedirects(response, self.unplaced.get_absolute_url())
        self.unplaced.refresh_from_db()
        self.assertEqual(self.unplaced.geometry, LINE)
        self.assertEqual(self.unplaced.history.first().geometry, LINE)

    def test_a_place_copied_from_a_chinese_web_map_is_converted(self):
        self.client.force_login(self.administrator)
        gcj = {"type": "Point", "coordinates": [113.9171764808363, 22.540796131694766]}
        self.client.post(
            self.url("sampling-point", self.point), {"geometry": json.dumps(gcj), "gcj02": "on"}
        )
        self.point.refresh_from_db()
        lng, lat = self.point.geometry["coordinates"]
        self.assertAlmostEqual(lng, 113.912316, places=5)
        self.assertAlmostEqual(lat, 22.543847, places=5)

    def test_a_wrong_drawing_is_refused_beside_the_map_and_nothing_saved(self):
        self.client.force_login(self.administrator)
        response = self.client.post(
            self.url("pumping-station", self.station), {"geometry": json.dumps(LINE)}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "field-error")
        self.station.refresh_from_db()
        self.assertEqual(self.station.geometry["type"], "Point")
        response = self.client.post(self.url("channel", self.light), {"geometry": "{not json"})
        self.assertEqual(response.status_code, 200)
        self.light.refresh_from_db()
        self.assertEqual(self.light.geometry, LINE)

    def test_an_empty_drawing_removes_the_place(self):
        self.client.force_login(self.administrator)
        self.client.post(self.url("channel", self.light), {"geometry": ""})
        self.light.refresh_from_db()
        self.assertIsNone(self.light.geometry)

    def test_the_drawing_page_reads_a_fixed_number_of_queries(self):
        # session, user, the user's and their groups' permissions; the channel; its sampling
        # points; its pumping stations; its outfalls (a point's page: the point with its
        # channel, in one).
        self.client.force_login(self.administrator)
        url = self.url("channel", self.light)
        with self.assertNumQueries(8):
            self.assertEqual(self.client.get(url).status_code, 200)
        for i in range(30):
            SamplingPoint.objects.create(channel=self.light, name=f"{i}号加测点")
            PumpingStation.objects.create(name=f"加测泵站{i}", channel=self.light)
            Outfall.objects.create(code=f"JC-{i}", channel=self.light, kind="rain")
        with self.assertNumQueries(8):
            self.assertEqual(self.client.get(url).status_code, 200)
        with self.assertNumQueries(5):
            self.client.get(self.url("sampling-point", self.point))

    def test_only_administrators_draw(self):
        for user in (self.viewer, self.editor_a):
            self.client.force_login(user)
            response = self.client.post(self.url("channel", self.light), {"geometry": ""})
            self.assertEqual(response.status_code, 403)
        self.light.refresh_from_db()
        self.assertEqual(self.light.geometry, LINE)
        self.client.force_login(self.administrator)
        response = self.client.get(reverse("projects:map-edit", args=["complaint", 1]))
        self.assertEqual(response.status_code, 404)
