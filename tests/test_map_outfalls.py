"""Outfalls and complaint cases on the map: outfalls coloured by status, cases (not their
reports) by stage, each linking to its page, with their legends and the filters that apply to
them, at a fixed number of queries; an administrator places an outfall from its page; outfalls
imported from a file by their code."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import Complaint, Outfall
from projects.services.complaint_reports import add_report
from projects.services.complaints import open_complaint
from projects.services.map_layers import BLUE, GREEN, GREY, ORANGE, RED
from tests.test_map import SPOT, MapTestCase, line


def spot(offset):
    return {"type": "Point", "coordinates": [113.5 + offset / 1000, 22.25]}


class OutfallMapTestCase(MapTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.to_fix = Outfall.objects.create(
            code="JA-01",
            channel=cls.light,
            place="桥下",
            kind=Outfall.Kind.OVERFLOW,
            status=Outfall.Status.TO_FIX,
            geometry=spot(1),
        )
        cls.sealed = Outfall.objects.create(
            code="YI-01",
            channel=cls.clear,
            kind=Outfall.Kind.SEWAGE,
            status=Outfall.Status.SEALED,
            geometry=spot(2),
        )
        cls.unplaced_outfall = Outfall.objects.create(
            code="JA-02", channel=cls.light, kind=Outfall.Kind.RAIN
        )
        cls.case = open_complaint(
            cls.administrator,
            source=Complaint.Source.INSPECTION,
            inspecting_body="督察组",
            case_number="D-1",
            location="桥下溢流口",
            outfall=cls.to_fix,
            geometry=spot(3),
            description="发臭",
        )
        for n in (2, 3):
            add_report(
                cls.case,
                cls.administrator,
                source=Complaint.Source.INSPECTION,
                inspecting_body="督察组",
                case_number=f"D-{n}",
                content="再次交办",
            )
        cls.case.refresh_from_db()
        cls.other_case = open_complaint(
            cls.administrator,
            source=Complaint.Source.HOTLINE,
            location="南边",
            channel=cls.clear,
            geometry=spot(4),
            description="发臭",
        )
        Complaint.objects.filter(pk=cls.other_case.pk).update(stage=Complaint.Stage.DISPATCHED)


class LayerTests(OutfallMapTestCase):
    def test_outfalls_by_status_and_cases_by_stage_link_to_their_pages(self):
        found = self.by_name(self.features())
        self.assertEqual(found["JA-01 · 桥下"]["colour"], RED)
        self.assertEqual(found["JA-01 · 桥下"]["status"], "待整治")
        self.assertEqual(found["JA-01 · 桥下"]["url"], self.to_fix.get_absolute_url())
        self.assertEqual(found["YI-01"]["colour"], GREEN)
        self.assertNotIn("JA-02", found)  # no place
        name = f"{self.case.number} · 桥下溢流口"
        self.assertEqual(found[name]["colour"], RED)
        self.assertEqual(found[name]["url"], self.case.get_absolute_url())
        self.assertEqual(found[f"{self.other_case.number} · 南边"]["colour"], ORANGE)
        # One case of three reports: one feature.
        complaints = [f for f in found.values() if f["layer"] == "complaints"]
        self.assertEqual(len(complaints), 2)

    def test_the_legends_follow_the_status_badges_and_the_stages(self):
        layers = {layer["key"]: layer for layer in self.features()["layers"]}
        outfalls = {e["key"]: (e["label"], e["colour"]) for e in layers["outfalls"]["legend"]}
        self.assertEqual(
            outfalls,
            {
                "to_fix": ("待整治", RED),
                "fixing": ("整治中", BLUE),
                "intercepted": ("已截污", GREEN),
                "sealed": ("已封堵", GREEN),
                "kept": ("保留", GREY),
            },
        )
        stages = [e["key"] for e in layers["complaints"]["legend"]]
        self.assertEqual(stages, ["found", "dispatched", "handled", "evaluated", "assessed"])

    def test_the_filters_that_apply(self):
        found = self.by_name(self.features(outfall_status="sealed"))
        self.assertIn("YI-01", found)
        self.assertNotIn("JA-01 · 桥下", found)
        self.assertIn("甲排洪渠", found)  # the status filter leaves the other layers
        found = self.by_name(self.features(stage="dispatched"))
        self.assertEqual(
            [f["status_key"] for f in found.values() if f["layer"] == "complaints"],
            ["dispatched"],
        )
        found = self.by_name(self.features(street=self.north.pk, layer=["outfalls", "complaints"]))
        self.assertEqual(set(found), {"JA-01 · 桥下", f"{self.case.number} · 桥下溢流口"})

    def test_the_untouched_form_as_the_browser_sends_it_filters_nothing(self):
        page = self.client.get(reverse("projects:map"))
        self.assertContains(page, 'name="outfall_status"')
        self.assertContains(page, 'name="stage"')
        data = self.features(street="", condition="", outfall_status="", stage="")
        self.assertEqual(len(data["features"]), 5 + 4)

    def test_the_queries_do_not_grow_with_the_records(self):
        def count():
            with self.assertNumQueries(8):  # session, user; five layers; the outlines
                return len(self.features()["features"])

        self.assertEqual(count(), 9)
        Outfall.objects.bulk_create(
            Outfall(code=f"P-{i}", channel=self.light, kind="rain", geometry=SPOT)
            for i in range(40)
        )
        Complaint.objects.bulk_create(
            Complaint(number=f"TS-2018-{i:04d}", source="hotline", location="某处", geometry=SPOT)
            for i in range(40)
        )
        self.assertEqual(count(), 89)


class PlacingTests(OutfallMapTestCase):
    def test_an_administrator_places_an_outfall_from_its_page(self):
        self.client.force_login(self.administrator)
        page = self.client.get(self.unplaced_outfall.get_absolute_url())
        url = reverse("projects:map-edit", args=["outfall", self.unplaced_outfall.pk])
        self.assertContains(page, f'href="{url}">在地图上标注</a>')
        form = self.client.get(url)
        self.assertContains(form, 'data-map-draw="point"')
        self.assertEqual(form.context["reference"], LINE_OF_LIGHT)
        response = self.client.post(url, {"geometry": json.dumps(SPOT)})
        self.assertRedirects(response, self.unplaced_outfall.get_absolute_url())
        self.unplaced_outfall.refresh_from_db()
        self.assertEqual(self.unplaced_outfall.geometry, SPOT)
        self.assertEqual(self.unplaced_outfall.history.first().geometry, SPOT)

    def test_a_line_is_refused_for_an_outfall(self):
        self.client.force_login(self.administrator)
        url = reverse("projects:map-edit", args=["outfall", self.to_fix.pk])
        response = self.client.post(url, {"geometry": json.dumps(line(5))})
        self.assertContains(response, "field-error")
        self.to_fix.refresh_from_db()
        self.assertEqual(self.to_fix.geometry, spot(1))

    def test_the_channels_drawing_page_lists_its_outfalls(self):
        self.client.force_login(self.administrator)
        page = self.client.get(reverse("projects:map-edit", args=["channel", self.light.pk]))
        self.assertContains(
            page, reverse("projects:map-edit", args=["outfall", self.unplaced_outfall.pk])
        )

    def test_only_administrators_see_the_link_and_place(self):
        url = reverse("projects:map-edit", args=["outfall", self.to_fix.pk])
        for user in (self.viewer, self.editor_a):
            self.client.force_login(user)
            self.assertNotContains(self.client.get(self.to_fix.get_absolute_url()), url)
            self.assertEqual(self.client.post(url, {"geometry": ""}).status_code, 403)
        self.to_fix.refresh_from_db()
        self.assertEqual(self.to_fix.geometry, spot(1))


LINE_OF_LIGHT = {"type": "LineString", "coordinates": [[113.55, 22.27], [113.56, 22.275]]}


class ImportTests(OutfallMapTestCase):
    def upload(self, features):
        content = json.dumps({"type": "FeatureCollection", "features": features})
        return SimpleUploadedFile("outfalls.geojson", content.encode(), "application/geo+json")

    def test_outfalls_are_imported_by_code_or_nothing_naming_the_bad_feature(self):
        self.client.force_login(self.administrator)
        url = reverse("projects:map-import")
        good = {"type": "Feature", "properties": {"编号": "JA-02"}, "geometry": SPOT}
        bad = {"type": "Feature", "properties": {"code": "NO-99"}, "geometry": SPOT}
        response = self.client.post(url, {"kind": "outfalls", "file": self.upload([good, bad])})
        self.assertContains(response, "第 2 个要素（NO-99）")
        self.assertContains(response, "没有编号为“NO-99”的排口")
        self.unplaced_outfall.refresh_from_db()
        self.assertIsNone(self.unplaced_outfall.geometry)
        response = self.client.post(url, {"kind": "outfalls", "file": self.upload([good])})
        self.assertRedirects(response, reverse("projects:map"))
        self.unplaced_outfall.refresh_from_db()
        self.assertEqual(self.unplaced_outfall.geometry, SPOT)
