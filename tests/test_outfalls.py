"""Outfalls and treatment plants: the register (filters as the browser sends them, CSV and
XLSX downloads in plain text), an outfall's page with its problems, measures, samples and
photos, the channel page's outfalls, a plant's page, the administrators' form with its
longitude and latitude, and the query count of every page with few and with many rows."""

import csv
import datetime
import io
import shutil
import tempfile
from decimal import Decimal

import openpyxl
from django.core.exceptions import ValidationError
from django.db.models.deletion import ProtectedError
from django.test import override_settings
from django.urls import reverse

from projects.models import (
    Complaint,
    Measure,
    Outfall,
    Photo,
    Problem,
    Sample,
    SamplingPoint,
    TreatmentPlant,
)
from projects.services.complaint_reports import add_report
from projects.services.complaints import open_complaint
from projects.services.photos import attach_photos
from tests.browser_forms import form_data
from tests.photos import photo_upload
from tests.test_editing import EditingTestCase

REGISTER = reverse("projects:outfall-list")
CREATE = reverse("projects:outfall-create")
# The 造贝 channel page (tests/test_pages.py's 25, the river chiefs' and the outfalls' one
# query each included; here without the empty 造贝 lists' pages, with the viewer's group
# permissions).
CHANNEL_PAGE = 25


def sent(data):
    """``form_data``'s {name: [values]} as the test client posts it."""
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}


class OutfallTestCase(EditingTestCase):
    """造贝 (with its plan's problem and measure) has ZB-01, an overflow outfall to be fixed,
    placed on the map and draining to a plant at full load; 105国道 has G105-01, a sewage
    outfall already intercepted, with no coordinates."""

    @classmethod
    def setUpClass(cls):
        cls.media = tempfile.mkdtemp(prefix="waterworks-outfalls-")
        cls.addClassCleanup(shutil.rmtree, cls.media, True)
        cls.enterClassContext(override_settings(MEDIA_ROOT=cls.media))
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plant = TreatmentPlant.objects.create(
            name="测试污水处理厂",
            capacity_t_d=Decimal("100000"),
            current_load_t_d=Decimal("100000"),
        )
        cls.problem = Problem.objects.filter(plan__channel=cls.zaobei).first()
        cls.measure = Measure.objects.filter(plan__channel=cls.zaobei).first()
        cls.zb01 = Outfall.objects.create(
            code="ZB-01",
            channel=cls.zaobei,
            place="利达花园旁",
            geometry={"type": "Point", "coordinates": [113.5476, 22.2711]},
            kind=Outfall.Kind.OVERFLOW,
            size="DN800",
            dry_weather_discharge=Outfall.DryWeather.YES,
            colour="灰黑",
            smell="臭",
            status=Outfall.Status.TO_FIX,
            plant=cls.plant,
        )
        cls.zb01.problems.add(cls.problem)
        cls.zb01.measures.add(cls.measure)
        cls.g01 = Outfall.objects.create(
            code="G105-01",
            channel=cls.g105,
            kind=Outfall.Kind.SEWAGE,
            status=Outfall.Status.INTERCEPTED,
        )

    def add_outfalls(self, channel, n, start=2):
        return Outfall.objects.bulk_create(
            Outfall(
                code=f"ZBX-{i:03d}",
                channel=channel,
                kind=Outfall.Kind.RAIN,
                status=Outfall.Status.KEPT,
                plant=self.plant,
            )
            for i in range(start, start + n)
        )


class RegisterTests(OutfallTestCase):
    def setUp(self):
        self.client.force_login(self.viewer)

    def codes(self, response):
        return [row.record.code for row in response.context["table"].rows]

    def test_it_lists_every_outfall_when_the_untouched_filter_form_is_sent(self):
        page = self.client.get(REGISTER)
        self.assertEqual(self.codes(page), ["G105-01", "ZB-01"])
        data = form_data(page.content, "filters")
        self.assertEqual(self.codes(self.client.get(REGISTER, sent(data))), ["G105-01", "ZB-01"])

    def test_it_filters_by_channel_kind_status_and_coordinates(self):
        cases = {
            "channel": ({"channel": self.zaobei.pk}, ["ZB-01"]),
            "kind": ({"kind": "sewage"}, ["G105-01"]),
            "status": ({"status": "to_fix"}, ["ZB-01"]),
            "with coordinates": ({"has_coordinates": "True"}, ["ZB-01"]),
            "without coordinates": ({"has_coordinates": "False"}, ["G105-01"]),
            "search": ({"q": "利达"}, ["ZB-01"]),
        }
        for label, (query, expected) in cases.items():
            with self.subTest(label):
                self.assertEqual(self.codes(self.client.get(REGISTER, query)), expected)

    def test_a_status_chosen_in_the_form_filters_as_the_browser_sends_it(self):
        data = form_data(self.client.get(REGISTER).content, "filters")
        data["status"] = ["intercepted"]
        self.assertEqual(self.codes(self.client.get(REGISTER, sent(data))), ["G105-01"])

    def test_it_shows_the_columns_with_links(self):
        page = self.client.get(REGISTER)
        self.assertContains(page, f'<a href="{self.zb01.get_absolute_url()}">ZB-01</a>')
        self.assertContains(page, f'<a href="{self.zaobei.get_absolute_url()}">造贝排洪渠</a>')
        self.assertContains(page, f'<a href="{self.plant.get_absolute_url()}">测试污水处理厂</a>')
        self.assertContains(page, '<span class="badge badge-to_fix">待整治</span>', html=True)
        self.assertContains(page, "溢流")
        self.assertContains(page, "113.5476, 22.2711")

    def test_it_exports_the_filtered_register_as_plain_csv_and_xlsx(self):
        response = self.client.get(REGISTER, {"channel": self.zaobei.pk, "_export": "csv"})
        content = b"".join(response.streaming_content)
        self.assertTrue(content.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        self.assertEqual(
            rows[0], ["编号", "排洪渠", "地点", "类型", "尺寸", "状态", "污水处理厂", "坐标"]
        )
        self.assertEqual(
            rows[1:],
            [
                [
                    "ZB-01",
                    "造贝排洪渠",
                    "利达花园旁",
                    "溢流",
                    "DN800",
                    "待整治",
                    "测试污水处理厂",
                    "113.5476, 22.2711",
                ]
            ],
        )
        self.assertNotIn(b"<", content)
        response = self.client.get(REGISTER, {"_export": "xlsx"})
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        values = [[cell.value for cell in row] for row in sheet.iter_rows()]
        self.assertEqual(
            values[1][:6], ["G105-01", "105国道排洪渠", "未填写", "污水", "未填写", "已截污"]
        )
        self.assertFalse(any("<" in str(v) for row in values for v in row if v))

    def test_a_bad_filter_value_is_refused_beside_its_field(self):
        page = self.client.get(REGISTER, {"status": "nonsense"})
        self.assertEqual(self.codes(page), [])
        self.assertContains(page, 'class="field-error"')


class OutfallPageTests(OutfallTestCase):
    def setUp(self):
        self.client.force_login(self.viewer)

    def test_it_shows_everything_recorded_with_links(self):
        page = self.client.get(self.zb01.get_absolute_url())
        for text in ("ZB-01", "利达花园旁", "DN800", "灰黑", "臭", "溢流", "待整治", "有"):
            self.assertContains(page, text)
        self.assertContains(page, "113.5476, 22.2711")
        self.assertContains(page, f'href="{self.plant.get_absolute_url()}"')
        channel_url = self.zaobei.get_absolute_url()
        self.assertContains(page, f'<a href="{channel_url}#problems">{self.problem.title}</a>')
        self.assertContains(page, f'<a href="{channel_url}#measures">{self.measure.name}</a>')

    def test_it_says_what_is_not_recorded(self):
        page = self.client.get(self.g01.get_absolute_url())
        self.assertContains(page, "本排口未关联一河一策问题。")
        self.assertContains(page, "本排口未设采样点。")
        # place, coordinates, size, dry-weather discharge, colour, smell, plant
        self.assertContains(page, '<span class="na"', count=7)

    def test_it_shows_its_points_latest_ten_samples_with_the_count_and_downloads_all(self):
        point = SamplingPoint.objects.create(
            channel=self.zaobei, name="ZB-01排口", outfall=self.zb01
        )
        other = SamplingPoint.objects.create(channel=self.zaobei, name="上游点")
        start = datetime.datetime(2025, 3, 1, 1, 30, tzinfo=datetime.UTC)
        Sample.objects.bulk_create(
            Sample(point=p, sampled_at=start + datetime.timedelta(days=i), nh3n_mg_l=Decimal(9))
            for i in range(12)
            for p in (point, other)
        )
        page = self.client.get(self.zb01.get_absolute_url())
        rows = list(page.context["tables"]["samples"].rows)
        self.assertEqual(len(rows), 10)
        self.assertEqual({row.record.point_id for row in rows}, {point.pk})
        self.assertEqual(rows[0].record.sampled_at, start + datetime.timedelta(days=11))
        self.assertContains(page, "最近 10 条，共 12 条")
        self.assertContains(page, "ZB-01排口")
        response = self.client.get(
            self.zb01.get_absolute_url(), {"_export": "csv", "_table": "samples"}
        )
        lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
        self.assertEqual(len(lines), 13)

    def test_it_shows_its_photos(self):
        (photo,) = attach_photos(self.zb01, [photo_upload()], Photo.Phase.BEFORE)
        page = self.client.get(self.zb01.get_absolute_url())
        self.assertContains(page, photo.get_thumbnail_url())
        self.assertEqual(self.client.get(photo.get_absolute_url()).status_code, 200)

    def test_an_unknown_outfall_is_404(self):
        self.assertEqual(self.client.get("/outfalls/999999/").status_code, 404)
        self.assertEqual(self.client.get("/plants/999999/").status_code, 404)


class ChannelPageTests(OutfallTestCase):
    def setUp(self):
        self.client.force_login(self.viewer)

    def test_it_shows_the_channels_outfalls_with_the_count(self):
        page = self.client.get(self.zaobei.get_absolute_url())
        self.assertEqual(page.context["latest"]["outfalls"], {"shown": 1, "total": 1})
        self.assertContains(page, f'<a href="{self.zb01.get_absolute_url()}">ZB-01</a>')
        self.assertNotContains(page, "G105-01")
        url = f"{REGISTER}?channel={self.zaobei.pk}"
        self.assertContains(page, f'<a href="{url}">本渠全部 1 个排口 →</a>')

    def test_it_shows_the_first_ten_and_links_to_them_all_in_the_register(self):
        self.add_outfalls(self.zaobei, 14)
        page = self.client.get(self.zaobei.get_absolute_url())
        codes = [row.record.code for row in page.context["tables"]["outfalls"].rows]
        self.assertEqual(codes, ["ZB-01", *[f"ZBX-{i:03d}" for i in range(2, 11)]])
        self.assertEqual(page.context["latest"]["outfalls"], {"shown": 10, "total": 15})
        self.assertContains(page, "按编号列出前 10 个，共 15 个排口。")
        url = f"{REGISTER}?channel={self.zaobei.pk}"
        self.assertContains(page, f'<a href="{url}">本渠全部 15 个排口 →</a>')
        listed = self.client.get(url)
        self.assertEqual(listed.context["table"].paginator.count, 15)

    def test_a_channel_without_outfalls_says_so(self):
        jinfeng = self.zaobei.__class__.objects.get(name="金凤排洪渠")
        page = self.client.get(jinfeng.get_absolute_url())
        self.assertContains(page, "本渠尚未登记排口。")

    def test_only_administrators_see_the_new_outfall_button(self):
        button = f"{CREATE}?channel={self.zaobei.pk}"
        self.assertNotContains(self.client.get(self.zaobei.get_absolute_url()), button)
        self.client.force_login(self.administrator)
        self.assertContains(self.client.get(self.zaobei.get_absolute_url()), button)


class PlantTests(OutfallTestCase):
    def test_the_plant_page_shows_its_load_outfalls_and_problems(self):
        self.problem.plant = self.plant
        self.problem.save()
        self.client.force_login(self.viewer)
        page = self.client.get(self.plant.get_absolute_url())
        self.assertContains(page, "100,000")
        self.assertContains(page, "满负荷")
        self.assertEqual([r.record for r in page.context["tables"]["outfalls"].rows], [self.zb01])
        self.assertEqual(
            [r.record for r in page.context["tables"]["problems"].rows], [self.problem]
        )
        self.assertContains(page, f"{self.zaobei.get_absolute_url()}#problems")

    def test_load_percent_and_the_non_negative_capacity(self):
        self.assertEqual(self.plant.load_percent, Decimal("100.0"))
        plant = TreatmentPlant(name="新厂", capacity_t_d=Decimal("-1"))
        with self.assertRaises(ValidationError):
            plant.full_clean()
        self.assertIsNone(TreatmentPlant(name="x", capacity_t_d=0).load_percent)

    def test_a_plant_with_outfalls_cannot_be_deleted(self):
        with self.assertRaises(ProtectedError):
            self.plant.delete()


class FormTests(OutfallTestCase):
    def form(self, url=CREATE):
        return form_data(self.client.get(url).content, "outfall-form")

    def test_only_administrators_may_record_or_edit(self):
        for user in (self.viewer, self.editor_a):
            self.client.force_login(user)
            with self.subTest(user.username):
                self.assertEqual(self.client.get(CREATE).status_code, 403)
                update = reverse("projects:outfall-update", args=[self.zb01.pk])
                self.assertEqual(self.client.post(update, {"code": "X"}).status_code, 403)
        self.assertEqual(Outfall.objects.get(pk=self.zb01.pk).code, "ZB-01")

    def test_an_administrator_records_an_outfall_with_coordinates(self):
        self.client.force_login(self.administrator)
        data = form_data(
            self.client.get(CREATE, {"channel": self.zaobei.pk}).content, "outfall-form"
        )
        self.assertEqual(data["channel"], [str(self.zaobei.pk)])
        data.update(
            code=["ZB-02"],
            place=["前山桥下"],
            longitude=["113.55"],
            latitude=["22.27"],
            kind=["combined"],
            status=["fixing"],
            problems=[str(self.problem.pk)],
        )
        response = self.client.post(CREATE, sent(data))
        outfall = Outfall.objects.get(code="ZB-02")
        self.assertRedirects(response, outfall.get_absolute_url())
        self.assertEqual(outfall.geometry, {"type": "Point", "coordinates": [113.55, 22.27]})
        self.assertEqual(list(outfall.problems.all()), [self.problem])
        self.assertEqual(outfall.history.first().history_user, self.administrator)

    def test_coordinates_out_of_range_or_half_given_are_refused_beside_their_field(self):
        self.client.force_login(self.administrator)
        base = self.form()
        base.update(code=["ZB-03"], channel=[str(self.zaobei.pk)], kind=["rain"])
        cases = {
            "longitude": ({"longitude": ["181"], "latitude": ["22"]}, "经度必须在 -180 到 180"),
            "latitude": ({"longitude": ["113"], "latitude": ["113.5"]}, "纬度必须在 -90 到 90"),
            "no latitude": ({"longitude": ["113"], "latitude": [""]}, "请同时填写纬度"),
            "no longitude": ({"longitude": [""], "latitude": ["22"]}, "请同时填写经度"),
            "not a number": ({"longitude": ["东经113"], "latitude": ["22"]}, "十进制度数"),
        }
        for label, (changes, message) in cases.items():
            with self.subTest(label):
                response = self.client.post(CREATE, sent({**base, **changes}))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, message)
                field = "latitude" if "纬度" in message and "经度" not in message else "longitude"
                if label == "no latitude":
                    field = "latitude"
                self.assertTrue(response.context["form"].errors.get(field), label)
        self.assertFalse(Outfall.objects.filter(code="ZB-03").exists())

    def test_a_problem_of_another_channels_plan_is_refused(self):
        self.client.force_login(self.administrator)
        data = self.form()
        other = Problem.objects.filter(plan__channel=self.g105).first()
        data.update(
            code=["ZB-04"], channel=[str(self.zaobei.pk)], kind=["rain"], problems=[str(other.pk)]
        )
        response = self.client.post(CREATE, sent(data))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["problems"])
        self.assertFalse(Outfall.objects.filter(code="ZB-04").exists())

    def test_a_duplicate_code_is_refused_in_chinese(self):
        self.client.force_login(self.administrator)
        data = self.form()
        data.update(code=["ZB-01"], channel=[str(self.zaobei.pk)], kind=["rain"])
        response = self.client.post(CREATE, sent(data))
        self.assertContains(response, "已有相同编号的排口。")

    def test_editing_shows_the_coordinates_and_clearing_both_removes_them(self):
        self.client.force_login(self.administrator)
        update = reverse("projects:outfall-update", args=[self.zb01.pk])
        data = self.form(update)
        self.assertEqual(data["longitude"], ["113.5476"])
        self.assertEqual(data["latitude"], ["22.2711"])
        self.assertEqual(data["problems"], [str(self.problem.pk)])
        data.update(longitude=[""], latitude=[""], status=["intercepted"])
        self.assertRedirects(self.client.post(update, sent(data)), self.zb01.get_absolute_url())
        self.zb01.refresh_from_db()
        self.assertIsNone(self.zb01.geometry)
        self.assertEqual(self.zb01.status, "intercepted")
        self.assertEqual(list(self.zb01.problems.all()), [self.problem])

    def test_a_save_over_someone_elses_change_is_refused(self):
        self.client.force_login(self.administrator)
        update = reverse("projects:outfall-update", args=[self.zb01.pk])
        data = self.form(update)
        self.zb01.status = Outfall.Status.SEALED
        self.zb01.save()
        data.update(place=["改过的位置"])
        response = self.client.post(update, sent(data))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].conflicts)
        self.zb01.refresh_from_db()
        self.assertEqual(self.zb01.place, "利达花园旁")


class QueryCountTests(OutfallTestCase):
    """Each page costs the same with a few outfalls as with many more."""

    def setUp(self):
        # The plant's problem table holds a row (an empty table costs no page query).
        self.problem.plant = self.plant
        self.problem.save()

    def many(self):
        self.add_outfalls(self.zaobei, 60)
        point = SamplingPoint.objects.create(channel=self.zaobei, name="排口点", outfall=self.zb01)
        start = datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC)
        Sample.objects.bulk_create(
            Sample(point=point, sampled_at=start + datetime.timedelta(hours=i)) for i in range(40)
        )
        for problem in Problem.objects.all():
            problem.plant = self.plant
            problem.save()
            self.zb01.problems.add(problem)
        self.zb01.measures.add(*Measure.objects.all())
        for i in range(12):
            case = open_complaint(
                self.administrator,
                source=Complaint.Source.HOTLINE,
                location=f"排口{i}",
                outfall=self.zb01,
                description="排口发臭",
            )
            add_report(case, self.administrator, source="public", reporter="市民", content="又反映")

    def pages(self):
        # session, user, user and group permissions; then the page's own queries.
        return [
            # count, page; the channel filter's options
            ("register", REGISTER, 7),
            # outfall with channel and plant; latest samples with their total; latest
            # complaint cases with their total and reports; sampling points; problems;
            # measures; photos
            ("outfall", self.zb01.get_absolute_url(), 11),
            # plant; outfalls count + page; problems count + page
            ("plant", self.plant.get_absolute_url(), 9),
            ("register of a channel", f"{REGISTER}?channel={self.zaobei.pk}", 8),
        ]

    def assert_counts(self):
        self.client.force_login(self.viewer)
        for label, url, expected in self.pages():
            with self.subTest(label), self.assertNumQueries(expected):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_with_few_outfalls(self):
        self.assert_counts()

    def test_with_many_outfalls_samples_and_problems(self):
        self.many()
        self.assert_counts()

    def test_the_channel_page_costs_the_same_with_one_outfall_or_many(self):
        self.client.force_login(self.viewer)
        url = self.zaobei.get_absolute_url()
        self.client.get(url)  # content types cached, as on a running site
        with self.assertNumQueries(CHANNEL_PAGE):
            self.client.get(url)
        self.many()
        with self.assertNumQueries(CHANNEL_PAGE):
            page = self.client.get(url)
        self.assertEqual(page.context["latest"]["outfalls"], {"shown": 10, "total": 61})
