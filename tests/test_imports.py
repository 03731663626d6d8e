"""Bulk import of samples and of inspections with defects: the dry run names every bad row and
writes nothing, the confirmation writes all rows or none (with history, by the uploader), the
limits and the file checks, and who may import (the "add" permissions, never "view")."""

import datetime
import io
import shutil
import tempfile
import zipfile
from decimal import Decimal

import openpyxl
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from projects.core import roles
from projects.models import (
    Channel,
    Defect,
    ImportBatch,
    Inspection,
    Judgement,
    PipeSegment,
    Sample,
    SamplingPoint,
    SegmentScore,
)
from projects.services.imports import InspectionImporter, SampleImporter
from projects.services.imports.readers import check_openpyxl_is_defused
from tests.test_editing import make_role_users

SAMPLE_HEADER = (
    "排洪渠,采样点,采样时间,水深(cm),透明度(cm),溶解氧(mg/L),氧化还原电位(mV),氨氮(mg/L),检测单位"
)
INSPECTION_HEADER = (
    "管段编号,起点井,终点井,管径(mm),材质,长度(m),地区类别,土质,检测方法,检测日期,检测单位,"
    "视频编号,缺陷代码,缺陷等级,位置(m),缺陷长度(m),时钟位置"
)


def sample_rows(n, channel="造贝排洪渠", start=datetime.datetime(2018, 1, 1, 9, 0)):
    """``n`` good sample rows at three points, one hour apart."""
    for i in range(n):
        moment = start + datetime.timedelta(hours=i)
        yield f"{channel},{i % 3 + 1}号点,{moment:%Y-%m-%d %H:%M},80,35,3.2,120,4.5,区监测站"


def csv_file(header, rows, name="samples.csv", encoding="utf-8"):
    content = "\n".join([header, *rows]) + "\n"
    return SimpleUploadedFile(name, content.encode(encoding), "text/csv")


def xlsx_file(header, rows, name="samples.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header.split(","))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


class ImportTestCase(TestCase):
    fixtures = ["xiangzhou_2018"]

    @classmethod
    def setUpClass(cls):
        media = tempfile.mkdtemp(prefix="waterworks-imports-")
        cls.addClassCleanup(shutil.rmtree, media, True)
        cls.enterClassContext(override_settings(MEDIA_ROOT=media))
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        call_command("ensure_history", stdout=io.StringIO())
        make_role_users(cls)
        cls.view_only_staff = get_user_model().objects.create_user(
            "view_only_staff", password="view-only-pass-1", is_staff=True
        )
        cls.view_only_staff.groups.add(Group.objects.get(name=roles.VIEWER))
        cls.zaobei = Channel.objects.get(name="造贝排洪渠")

    def upload(self, kind, file, user=None):
        """Upload through the site; returns the preview response (followed)."""
        self.client.force_login(user or self.editor_a)
        response = self.client.post(reverse("projects:import-upload", args=[kind]), {"file": file})
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        self.preview_url = response.url
        return self.client.get(response.url)

    def confirm(self):
        return self.client.post(self.preview_url + "confirm/", {"confirm": "1"})


class SampleImportTests(ImportTestCase):
    def test_it_names_the_one_bad_row_of_a_thousand_and_writes_nothing(self):
        rows = list(sample_rows(1000))
        rows[536] = rows[536].replace(",4.5,", ",-4.5,")  # line 538: the header is line 1
        preview = self.upload("samples", csv_file(SAMPLE_HEADER, rows))
        self.assertContains(preview, '<td class="num">538</td>', html=False)
        self.assertContains(preview, "氨氮(mg/L)")
        result = preview.context["result"]
        self.assertEqual(result.rows, 1000)
        self.assertEqual([(e.line, e.column) for e in result.errors], [(538, "氨氮(mg/L)")])
        self.assertNotContains(preview, 'name="confirm"')
        # Confirming anyway writes nothing.
        response = self.confirm()
        self.assertRedirects(response, self.preview_url)
        self.assertEqual(Sample.objects.count(), 0)
        self.assertEqual(SamplingPoint.objects.count(), 0)
        self.assertEqual(ImportBatch.objects.count(), 0)

    def test_it_writes_all_of_the_corrected_file_with_history_by_the_uploader(self):
        preview = self.upload("samples", csv_file(SAMPLE_HEADER, sample_rows(1000)))
        result = preview.context["result"]
        self.assertTrue(result.ok)
        self.assertEqual(result.count("samples"), 1000)
        self.assertEqual(result.count("points"), 3)
        self.assertContains(preview, 'name="confirm"')
        self.assertEqual(Sample.objects.count(), 0)  # the dry run writes nothing

        response = self.confirm()
        batch = ImportBatch.objects.get()
        self.assertRedirects(response, reverse("projects:import-batch", args=[batch.pk]))
        self.assertEqual(batch.uploaded_by, self.editor_a)
        self.assertEqual((batch.kind, batch.rows, batch.created), ("samples", 1000, 1003))
        self.assertEqual(Sample.objects.filter(import_batch=batch).count(), 1000)
        self.assertEqual(
            Sample.history.filter(history_user=self.editor_a, history_type="+").count(), 1000
        )
        self.assertEqual(
            SamplingPoint.history.filter(history_user=self.editor_a).count(),
            SamplingPoint.objects.filter(channel=self.zaobei).count(),
        )
        page = self.client.get(response.url)
        self.assertContains(page, self.zaobei.get_absolute_url())
        # The kept file is gone, and the preview with it.
        self.assertEqual(self.client.get(self.preview_url).status_code, 404)

    def test_it_refuses_a_file_already_imported(self):
        self.upload("samples", csv_file(SAMPLE_HEADER, sample_rows(6)))
        self.confirm()
        preview = self.upload("samples", csv_file(SAMPLE_HEADER, sample_rows(6)))
        errors = preview.context["result"].errors
        self.assertEqual(
            [(e.line, e.column) for e in errors], [(n, "采样时间") for n in range(2, 8)]
        )
        self.assertEqual(Sample.objects.count(), 6)

    def test_it_imports_an_xlsx_workbook(self):
        rows = [
            [
                "造贝排洪渠",
                "1号点",
                datetime.datetime(2018, 5, 2, 9, 30),
                80,
                35,
                3.2,
                120,
                4.5,
                "",
            ],
            ["造贝排洪渠", "2号点", "2018-05-02 10:00", 60, 20.5, 1.5, -20, 9.1, "区监测站"],
        ]
        preview = self.upload("samples", xlsx_file(SAMPLE_HEADER, rows))
        self.assertTrue(preview.context["result"].ok, preview.context["result"].errors)
        self.confirm()
        sample = Sample.objects.get(point__name="2号点")
        self.assertEqual(str(sample.transparency_cm), "20.5")
        first = Sample.objects.get(point__name="1号点")
        self.assertEqual(
            first.sampled_at, datetime.datetime(2018, 5, 2, 1, 30, tzinfo=datetime.UTC)
        )

    def test_it_grades_zaobei_from_a_lab_file_of_three_rounds_at_three_points(self):
        # Lightly black-odorous readings (DO 1.0 mg/L, NH3-N 10 mg/L) on three days, 1–7 days
        # apart, at three points.
        rows = [
            f"造贝排洪渠,{point}号点,2018-06-{day:02d} 09:{point:02d},80,30,1.0,-50,10,区环境监测站"
            for day in (1, 4, 7)
            for point in (1, 2, 3)
        ]
        self.upload("samples", csv_file(SAMPLE_HEADER, rows))
        self.confirm()
        judgement = Judgement.objects.filter(channel=self.zaobei).latest()
        self.assertEqual(judgement.grade, Judgement.Grade.LIGHT)
        self.assertEqual(len(judgement.rounds), 3)

        dashboard = self.client.get(reverse("projects:dashboard"))
        conditions = {
            value: (count, measured)
            for value, _label, count, measured in dashboard.context["remediation"]["conditions"]
        }
        self.assertEqual(conditions[Channel.Condition.LIGHT][1], 1)
        self.assertContains(dashboard, "badge-light")
        page = self.client.get(self.zaobei.get_absolute_url())
        self.assertEqual(page.context["channel"].current_condition, "light")
        for day in ("06-01", "06-04", "06-07"):
            self.assertContains(page, day)

    def test_it_explains_each_kind_of_bad_value_in_chinese_with_its_line_and_column(self):
        rows = [
            "无名渠,1号点,2018-06-01 09:00,80,35,3.2,120,4.5,",  # 2: unknown channel
            "造贝排洪渠,,2018-06-01 09:00,80,35,3.2,120,4.5,",  # 3: missing point
            "造贝排洪渠,1号点,2018-06-31 09:00,80,35,3.2,120,4.5,",  # 4: bad date
            "造贝排洪渠,1号点,2018-06-02 09:00,80,abc,3.2,120,4.5,",  # 5: not a number
            "造贝排洪渠,1号点,2018-06-03 09:00,80,35,3.2,1200,4.5,",  # 6: ORP out of range
            "造贝排洪渠,1号点,2018-06-04 09:00,80,35,3.123,120,4.5,",  # 7: too many decimals
            "造贝排洪渠,1号点,2018-06-05 09:00,80,35,3.2,120,4.5,",
            "造贝排洪渠,1号点,2018-06-05 09:00,80,35,3.2,120,4.5,",  # 9: duplicate of 8
            "造贝排洪渠,1号点,2018-06-06 09:00,80,,,,,",  # 10: nothing measured
            "造贝排洪渠,1号点,2099-06-06 09:00,80,35,3.2,120,4.5,",  # 11: in the future
        ]
        importer = SampleImporter()
        result = importer.check(csv_file(SAMPLE_HEADER, rows), "lab.csv")
        found = {(e.line, e.column): e.message for e in result.errors}
        self.assertEqual(
            sorted(found),
            [
                (2, "排洪渠"),
                (3, "采样点"),
                (4, "采样时间"),
                (5, "透明度(cm)"),
                (6, "氧化还原电位(mV)"),
                (7, "溶解氧(mg/L)"),
                (9, "采样时间"),
                (10, "透明度(cm)"),
                (11, "采样时间"),
            ],
        )
        self.assertIn("无名渠", found[(2, "排洪渠")])
        self.assertIn("8", found[(9, "采样时间")])
        self.assertIsNone(importer.plan)

    def test_it_reads_english_headers_and_gbk_text(self):
        header = "channel,point,sampled at,depth,transparency,DO,ORP,NH3-N,lab"
        file = csv_file(header, sample_rows(3), encoding="gb18030")
        result = SampleImporter().check(file, file.name)
        self.assertTrue(result.ok, (result.refused, result.errors))

    def test_it_names_a_missing_column(self):
        file = csv_file("排洪渠,采样点,透明度(cm)", ["造贝排洪渠,1号点,30"])
        result = SampleImporter().check(file, file.name)
        self.assertEqual([(e.line, e.column) for e in result.errors], [(1, "采样时间")])

    def test_it_refuses_a_file_with_a_header_only(self):
        result = SampleImporter().check(csv_file(SAMPLE_HEADER, []), "empty.csv")
        self.assertTrue(result.refused)
        self.assertFalse(result.ok)


class InspectionImportTests(ImportTestCase):
    ROWS = [
        # A new segment with two defects and one without any on the same inspection.
        "XZ-W001,W001,W002,600,钢筋混凝土,45.5,B,一般土层,CCTV,2018-05-20,某检测公司,V-1,PL,2,12.3,0.5,0309",
        "XZ-W001,,,,,,,,CCTV,2018-05-20,,,SL,2,20,,",
        # A second segment, inspected without defects.
        "XZ-W002,W002,W003,800,HDPE,30,C,,QV,2018-05-21,某检测公司,,,,,,",
    ]

    def test_it_creates_segments_inspections_and_defects_and_scores_them(self):
        preview = self.upload("inspections", csv_file(INSPECTION_HEADER, self.ROWS))
        result = preview.context["result"]
        self.assertTrue(result.ok, result.errors)
        self.assertEqual(
            [(key, n) for key, _label, n in result.counts],
            [("segments", 2), ("inspections", 2), ("defects", 2)],
        )
        self.confirm()
        batch = ImportBatch.objects.get()
        self.assertEqual(batch.created, 6)
        segment = PipeSegment.objects.get(code="XZ-W001")
        self.assertEqual(
            (segment.diameter_mm, segment.area_class, segment.soil), (600, "B", "ordinary")
        )
        inspection = Inspection.objects.get(segment=segment)
        self.assertEqual(inspection.import_batch, batch)
        self.assertEqual(inspection.contractor, "某检测公司")
        self.assertEqual(
            sorted(Defect.objects.values_list("code__code", "grade")), [("PL", 2), ("SL", 2)]
        )
        self.assertEqual(Inspection.objects.get(segment__code="XZ-W002").defects.count(), 0)
        self.assertEqual(SegmentScore.objects.count(), 2)
        self.assertEqual(Defect.history.filter(history_user=self.editor_a).count(), 2)
        self.assertEqual(PipeSegment.history.filter(history_user=self.editor_a).count(), 2)

    def test_it_refuses_unknown_codes_unscored_grades_and_disagreeing_segments(self):
        PipeSegment.objects.create(
            code="XZ-OLD",
            from_manhole="A",
            to_manhole="B",
            diameter_mm=400,
            length_m=20,
            area_class="C",
        )
        rows = [
            "XZ-W001,W001,W002,600,,45.5,D,,CCTV,2018-05-20,,,XX,2,12.3,,",  # 2: unknown code
            "XZ-W001,,,,,,,,CCTV,2018-05-20,,,FS,4,13,,",  # 3: FS has no grade 4
            "XZ-W001,,,,,,,,CCTV,2018-05-20,,,PL,5,14,,",  # 4: grade out of 1–4
            "XZ-OLD,,,500,,,,,CCTV,2018-05-20,,,,,,,",  # 5: differs from the stored 400
            "XZ-NEW,N1,,300,,10,C,,CCTV,2018-05-20,,,,,,,",  # 6: new segment without 终点井
            "XZ-W001,,,,,,,,CCTV,2018-05-20,,,,3,,,",  # 7: a grade without a code
            "XZ-W001,,,,,,,,声纳,2018/5/22,,,CJ,2,,,",  # 8: a defect without its position
        ]
        result = InspectionImporter().check(csv_file(INSPECTION_HEADER, rows), "cctv.csv")
        found = sorted((e.line, e.column) for e in result.errors)
        self.assertEqual(
            found,
            [
                (2, "缺陷代码"),
                (3, "缺陷等级"),
                (4, "缺陷等级"),
                (5, "管径(mm)"),
                (6, "终点井"),
                (7, "缺陷等级"),
                (8, "位置(m)"),
            ],
        )

    def test_it_requires_the_area_class_of_a_new_segment_and_keeps_a_stored_one(self):
        # K comes from the area class: a new segment without one is a row error, not class C.
        PipeSegment.objects.create(
            code="XZ-OLD", from_manhole="A", to_manhole="B", diameter_mm=400, length_m=20,
            area_class="A",
        )  # fmt: skip
        rows = [
            "XZ-NEW,N1,N2,300,,10,,,CCTV,2018-05-20,,,,,,,",  # 2: new, no 地区类别
            "XZ-NEW,,,,,,,,CCTV,2018-05-20,,,SL,2,3,,",  # 3: the same segment, still none
            "XZ-OLD,,,,,,,,CCTV,2018-05-20,,,SL,2,3,,",  # 4: stored: keeps its class A
        ]
        preview = self.upload("inspections", csv_file(INSPECTION_HEADER, rows))
        result = preview.context["result"]
        self.assertEqual([(e.line, e.column) for e in result.errors], [(2, "地区类别")])
        self.assertEqual(
            result.errors[0].message,
            "未填写：XZ-NEW 是新管段，须填写地区类别：A、B、C 或 D（规程的地区类别，决定 K 值）。",
        )
        self.assertContains(preview, "地区类别")
        self.assertNotContains(preview, 'name="confirm"')
        self.assertEqual(self.confirm().status_code, 302)
        self.assertFalse(PipeSegment.objects.filter(code="XZ-NEW").exists())

        # With the class given, the file goes in, and the stored segment, left blank, keeps
        # class A.
        rows[0] = rows[0].replace(",10,,", ",10,C,")
        preview = self.upload("inspections", csv_file(INSPECTION_HEADER, rows))
        self.assertTrue(preview.context["result"].ok, preview.context["result"].errors)
        self.confirm()
        self.assertEqual(PipeSegment.objects.get(code="XZ-NEW").area_class, "C")
        old = PipeSegment.objects.get(code="XZ-OLD")
        self.assertEqual(old.area_class, "A")
        # SL 2 (F = 2 < 4): K counts for nothing in RI, but the score records the class's K.
        self.assertEqual((old.score.k, old.score.k_used), (10, 0))

    def test_it_scores_an_imported_inspection_by_the_standard(self):
        # Two TJ grade 3 1.2 m apart on a new 500 mm pipe in area C: F = 5.5, RI = 4.15 (soon).
        rows = [
            "XZ-TJ,T1,T2,500,,40,C,一般土层,CCTV,2018-05-20,,,TJ,3,10,,",
            "XZ-TJ,,,,,,,,CCTV,2018-05-20,,,TJ,3,11.2,,",
        ]
        self.upload("inspections", csv_file(INSPECTION_HEADER, rows))
        self.confirm()
        score = SegmentScore.objects.get(segment__code="XZ-TJ")
        self.assertEqual(
            (score.f, score.ri, score.repair_priority), (Decimal("5.50"), Decimal("4.15"), "soon")
        )
        self.assertEqual((score.k_used, score.e_used, score.deviations), (3, 0, ""))

    def test_it_refuses_an_inspection_already_stored(self):
        self.upload("inspections", csv_file(INSPECTION_HEADER, self.ROWS))
        self.confirm()
        preview = self.upload("inspections", csv_file(INSPECTION_HEADER, self.ROWS))
        self.assertEqual(len(preview.context["result"].errors), 3)
        self.assertEqual(Defect.objects.count(), 2)


class FileTests(ImportTestCase):
    def test_it_refuses_a_file_over_the_size_limit(self):
        self.client.force_login(self.editor_a)
        with self.settings(IMPORT_MAX_FILE_BYTES=1000):
            response = self.client.post(
                reverse("projects:import-upload", args=["samples"]),
                {"file": csv_file(SAMPLE_HEADER, sample_rows(50))},
            )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "1000")  # "at most 1000 bytes"
        self.assertTrue(response.context["form"].errors["file"])
        self.assertEqual(Sample.objects.count(), 0)

    def test_it_refuses_a_file_over_the_row_limit(self):
        with self.settings(IMPORT_MAX_ROWS=10):
            preview = self.upload("samples", csv_file(SAMPLE_HEADER, sample_rows(11)))
            result = preview.context["result"]
            self.assertIn("10", result.refused)
            self.assertContains(preview, result.refused)
            self.assertNotContains(preview, 'name="confirm"')
            # Ten rows pass.
            preview = self.upload("samples", csv_file(SAMPLE_HEADER, sample_rows(10)))
            self.assertTrue(preview.context["result"].ok)

    def test_it_refuses_csv_bytes_named_xlsx(self):
        file = csv_file(SAMPLE_HEADER, sample_rows(3), name="disguised.xlsx")
        preview = self.upload("samples", file)
        self.assertEqual(preview.status_code, 200)
        self.assertIn("XLSX", preview.context["result"].refused)
        self.assertNotContains(preview, 'name="confirm"')

    def test_it_refuses_a_workbook_named_csv_and_a_broken_zip(self):
        workbook = xlsx_file(SAMPLE_HEADER, [])
        result = SampleImporter().check(io.BytesIO(workbook.read()), "samples.csv")
        self.assertIn(".xlsx", result.refused)
        result = SampleImporter().check(io.BytesIO(b"PK\x03\x04garbage"), "broken.xlsx")
        self.assertTrue(result.refused)

    def test_it_reads_workbooks_through_defusedxml_and_refuses_an_entity_bomb(self):
        self.assertTrue(check_openpyxl_is_defused())
        source = io.BytesIO(xlsx_file(SAMPLE_HEADER, [["造贝排洪渠", "1号点"]]).read())
        bomb = io.BytesIO()
        with zipfile.ZipFile(source) as original, zipfile.ZipFile(bomb, "w") as copy:
            for item in original.infolist():
                data = original.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    # A DTD with nested entities ("billion laughs", in small).
                    data = (
                        b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
                        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' + data
                    )
                copy.writestr(item, data)
        result = SampleImporter().check(io.BytesIO(bomb.getvalue()), "bomb.xlsx")
        self.assertTrue(result.refused)
        self.assertEqual(result.rows, 0)

    def test_it_offers_templates_that_pass_their_own_dry_run(self):
        self.client.force_login(self.editor_a)
        for kind, importer in (("samples", SampleImporter), ("inspections", InspectionImporter)):
            for file_format in ("csv", "xlsx"):
                with self.subTest(kind=kind, file_format=file_format):
                    url = reverse("projects:import-template", args=[kind, file_format])
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 200)
                    self.assertIn("attachment", response["Content-Disposition"])
                    result = importer().check(io.BytesIO(response.content), f"t.{file_format}")
                    self.assertTrue(result.ok, (result.refused, result.errors))
                    self.assertEqual(result.rows, 1)
        index = self.client.get(reverse("projects:import-index"))
        self.assertContains(index, reverse("projects:import-template", args=["samples", "xlsx"]))


class PermissionTests(ImportTestCase):
    def site_urls(self):
        return [
            reverse("projects:import-index"),
            reverse("projects:import-upload", args=["samples"]),
            reverse("projects:import-upload", args=["inspections"]),
            reverse("projects:import-template", args=["samples", "csv"]),
            reverse("projects:import-preview", args=["samples", "0" * 32]),
            reverse("projects:import-confirm", args=["samples", "0" * 32]),
        ]

    def admin_urls(self):
        return [
            reverse("admin:projects_sample_import"),
            reverse("admin:projects_inspection_import"),
            reverse("admin:projects_sample_import_preview", args=["0" * 32]),
            reverse("admin:projects_inspection_import_confirm", args=["0" * 32]),
        ]

    def test_it_refuses_viewers_and_view_only_staff_on_site_and_admin(self):
        for user in (self.viewer, self.view_only_staff):
            self.client.force_login(user)
            urls = self.site_urls() + (self.admin_urls() if user.is_staff else [])
            for url in urls:
                for method in ("get", "post"):
                    with self.subTest(user=user.username, url=url, method=method):
                        data = {"file": csv_file(SAMPLE_HEADER, sample_rows(2))}
                        response = getattr(self.client, method)(
                            url, data if method == "post" else None
                        )
                        self.assertEqual(response.status_code, 403)
        self.assertEqual(Sample.objects.count(), 0)

    def test_it_shows_the_import_link_only_to_those_who_may_import(self):
        self.client.force_login(self.viewer)
        self.assertNotContains(self.client.get("/"), reverse("projects:import-index"))
        self.client.force_login(self.editor_a)
        self.assertContains(self.client.get("/"), reverse("projects:import-index"))

    def test_it_sends_anonymous_users_to_the_login(self):
        response = self.client.get(reverse("projects:import-upload", args=["samples"]))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response.url)

    def test_it_keeps_an_upload_to_the_user_who_made_it(self):
        self.upload("samples", csv_file(SAMPLE_HEADER, sample_rows(3)))
        self.client.force_login(self.editor_b)  # another user (and session)
        self.assertEqual(self.client.get(self.preview_url).status_code, 404)
        self.assertEqual(self.client.post(self.preview_url + "confirm/").status_code, 404)


class AdminImportTests(ImportTestCase):
    def test_it_imports_from_the_sample_changelist(self):
        self.client.force_login(self.administrator)
        changelist = self.client.get(reverse("admin:projects_sample_changelist"))
        self.assertContains(changelist, reverse("admin:projects_sample_import"))
        response = self.client.post(
            reverse("admin:projects_sample_import"),
            {"file": csv_file(SAMPLE_HEADER, sample_rows(5))},
        )
        self.assertEqual(response.status_code, 302)
        preview = self.client.get(response.url)
        self.assertContains(preview, 'name="confirm"')
        response = self.client.post(response.url + "confirm/", {"confirm": "1"})
        batch = ImportBatch.objects.get()
        self.assertRedirects(
            response,
            reverse("admin:projects_sample_changelist") + f"?import_batch={batch.pk}",
            fetch_redirect_response=False,
        )
        self.assertEqual(Sample.objects.filter(import_batch=batch).count(), 5)
        self.assertEqual(batch.uploaded_by, self.administrator)

    def test_it_shows_the_bad_rows_on_the_inspection_import_page(self):
        self.client.force_login(self.administrator)
        response = self.client.post(
            reverse("admin:projects_inspection_import"),
            {
                "file": csv_file(
                    INSPECTION_HEADER, ["XZ-1,A,B,300,,10,,,CCTV,2018-05-20,,,ZZ,1,1,,"]
                )
            },
        )
        preview = self.client.get(response.url)
        self.assertContains(preview, "ZZ")
        self.assertNotContains(preview, 'name="confirm"')
