"""Places imported from a file (/map/import/): GeoJSON, KML and CSV as users send them, matched
to their records; one bad feature and nothing is written, the message naming it; hostile
files refused whole."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from projects.models import Channel, MapOutline, PumpingStation, SamplingPoint
from tests.test_editing import make_role_users

URL = reverse("projects:map-import")


def collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def feature(geometry, **properties):
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def line(lng):
    return {"type": "LineString", "coordinates": [[lng, 22.27], [round(lng + 0.01, 7), 22.28]]}


class ImportTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_role_users(cls)
        cls.zaobei = Channel.objects.create(name="造贝排洪渠", code="XZ-01")
        cls.jinfeng = Channel.objects.create(name="金凤排洪渠")
        cls.point = SamplingPoint.objects.create(channel=cls.zaobei, name="1号点")
        SamplingPoint.objects.create(channel=cls.jinfeng, name="1号点")
        cls.station = PumpingStation.objects.create(name="岱山泵站")

    def setUp(self):
        self.client.force_login(self.administrator)

    def send(self, content, name, kind="channels", **extra):
        upload = SimpleUploadedFile(name, content)
        return self.client.post(URL, {"kind": kind, "file": upload, **extra})

    def assert_refused(self, response, *texts):
        self.assertEqual(response.status_code, 200)
        errors = " ".join(response.context["form"].non_field_errors())
        self.assertIn("没有导入任何", errors)
        for text in texts:
            self.assertIn(text, errors)
        return errors

    def assert_nothing_written(self):
        self.assertFalse(Channel.objects.exclude(geometry=None).exists())
        self.assertFalse(SamplingPoint.objects.exclude(geometry=None).exists())
        self.assertFalse(PumpingStation.objects.exclude(geometry=None).exists())
        self.assertFalse(MapOutline.objects.exists())


class GeoImportTest(ImportTestCase):
    def test_a_geojson_file_of_channels_by_name_and_code(self):
        content = collection(
            feature(line(113.55), name="金凤排洪渠"),
            feature(line(113.56), code="XZ-01", note="surveyed 2019"),
        )
        response = self.send(content, "渠道.geojson")
        self.assertRedirects(response, reverse("projects:map"))
        self.zaobei.refresh_from_db()
        self.jinfeng.refresh_from_db()
        self.assertEqual(self.jinfeng.geometry, line(113.55))
        self.assertEqual(self.zaobei.geometry, line(113.56))
        self.assertEqual(self.zaobei.history.first().geometry, line(113.56))

    def test_one_bad_feature_writes_nothing_and_is_named_in_chinese(self):
        content = collection(
            feature(line(113.55), name="金凤排洪渠"),
            feature(line(113.56), name="造贝排洪渠"),
            feature(
                {"type": "LineString", "coordinates": [[113.57, 95.0], [113.58, 22.3]]},
                name="造贝排洪渠支渠",
            ),
            feature(line(113.59), name="不存在的渠"),
        )
        errors = self.assert_refused(
            self.send(content, "渠道.geojson"),
            "第 3 个要素（造贝排洪渠支渠）",
            "纬度 95.0",
            "第 4 个要素（不存在的渠）",
        )
        self.assertNotIn("第 1 个要素", errors)
        self.assert_nothing_written()

    def test_a_kml_file_of_sampling_points_with_their_channel(self):
        kml = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
  <Placemark><name>1号点</name>
    <ExtendedData><Data name="渠道"><value>造贝排洪渠</value></Data></ExtendedData>
    <Point><coordinates>113.551,22.271,0</coordinates></Point></Placemark>
</Document></kml>""".encode()
        self.assertEqual(self.send(kml, "points.kml", kind="sampling_points").status_code, 302)
        self.point.refresh_from_db()
        self.assertEqual(self.point.geometry, {"type": "Point", "coordinates": [113.551, 22.271]})

    def test_a_sampling_point_name_on_two_channels_needs_its_channel(self):
        content = collection(feature({"type": "Point", "coordinates": [113.5, 22.2]}, name="1号点"))
        self.assert_refused(self.send(content, "p.geojson", kind="sampling_points"), "渠道")
        self.assert_nothing_written()

    def test_a_csv_of_pumping_stations_copied_from_a_chinese_web_map(self):
        csv = "名称,经度,纬度\n岱山泵站,113.9171764808363,22.540796131694766\n".encode("utf-8-sig")
        response = self.send(csv, "泵站.csv", kind="pumping_stations", gcj02="on")
        self.assertEqual(response.status_code, 302)
        self.station.refresh_from_db()
        lng, lat = self.station.geometry["coordinates"]
        self.assertAlmostEqual(lng, 113.912316, places=5)
        self.assertAlmostEqual(lat, 22.543847, places=5)

    def test_csv_rows_of_a_channel_make_its_line_and_a_bad_row_is_named_by_its_row(self):
        csv = "name,longitude,latitude\n金凤排洪渠,113.55,22.27\n金凤排洪渠,113.56,22.28\n"
        self.assertEqual(self.send(csv.encode(), "line.csv").status_code, 302)
        self.jinfeng.refresh_from_db()
        self.assertEqual(self.jinfeng.geometry["coordinates"], [[113.55, 22.27], [113.56, 22.28]])
        bad = "name,longitude,latitude\n岱山泵站,113.5,二十二\n"
        self.assert_refused(
            self.send(bad.encode(), "s.csv", kind="pumping_stations"), "第 2 行（岱山泵站）"
        )
        self.station.refresh_from_db()
        self.assertIsNone(self.station.geometry)

    def test_the_district_outline_is_loaded_and_replaced(self):
        ring = [[113.4, 22.1], [113.7, 22.1], [113.7, 22.4], [113.4, 22.1]]
        polygon = {"type": "Polygon", "coordinates": [ring]}
        content = collection(feature(polygon, name="香洲区"))
        self.assertEqual(self.send(content, "district.geojson", kind="outlines").status_code, 302)
        self.assertEqual(self.send(content, "district.geojson", kind="outlines").status_code, 302)
        self.assertEqual(MapOutline.objects.get().geometry, polygon)

    def test_a_line_where_a_point_is_expected_is_refused(self):
        content = collection(feature(line(113.5), name="岱山泵站"))
        self.assert_refused(self.send(content, "s.geojson", kind="pumping_stations"), "一个点")
        self.assert_nothing_written()

    def test_only_administrators_import(self):
        for user in (self.viewer, self.editor_a):
            self.client.force_login(user)
            content = collection(feature(line(113.55), name="金凤排洪渠"))
            self.assertEqual(self.send(content, "c.geojson").status_code, 403)
        self.assert_nothing_written()


class HostileFileTest(ImportTestCase):
    def test_xml_entities_are_refused(self):
        bomb = b"""<?xml version="1.0"?>
<!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<kml><Document><Placemark><name>&b;</name>
<Point><coordinates>113.5,22.2</coordinates></Point></Placemark></Document></kml>"""
        self.assert_refused(self.send(bomb, "bomb.kml", kind="pumping_stations"), "DTD")
        self.assert_nothing_written()

    def test_an_external_entity_is_refused(self):
        xxe = b"""<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<kml><Placemark><name>&x;</name></Placemark></kml>"""
        self.assert_refused(self.send(xxe, "xxe.kml", kind="pumping_stations"), "DTD")

    def test_deep_nesting_is_refused(self):
        deep = b'{"type": "FeatureCollection", "features": ' + b"[" * 100000 + b"]" * 100000 + b"}"
        self.assert_refused(self.send(deep, "deep.geojson"), "嵌套")
        self.assert_nothing_written()

    def test_a_huge_file_is_refused_before_it_is_read(self):
        huge = b" " * (5 * 1024 * 1024 + 1)
        response = self.send(huge, "huge.geojson")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["file"])
        self.assert_nothing_written()

    def test_too_many_features_are_refused(self):
        many = collection(*[feature(line(113.5), name="金凤排洪渠")] * 5001)
        self.assert_refused(self.send(many, "many.geojson"), "5000")
        self.assert_nothing_written()

    def test_a_csv_field_past_the_csv_limit_is_refused(self):
        huge = ("name,longitude,latitude\n" + "泵" * 200_000 + ",113.5,22.2\n").encode()
        self.assert_refused(self.send(huge, "s.csv", kind="pumping_stations"), "CSV")
        self.assert_nothing_written()

    def test_the_import_page_reads_a_fixed_number_of_queries(self):
        # session, user, the user's and their groups' permissions (the administrator check).
        with self.assertNumQueries(4):
            self.assertEqual(self.client.get(URL).status_code, 200)

    def test_not_a_geojson_file(self):
        self.assert_refused(self.send(b"\xff\xfe garbage", "x.geojson"), "GeoJSON")
        self.assert_refused(self.send(b"[1, 2]", "x.json"), "FeatureCollection")
        self.assert_refused(self.send(b'{"type":"Feature"}', "x.json"), "第 1 个要素")
