"""Sewer condition: scores of CJJ 181-2012 computed through the database (the counted
inspection, the active rule set's DefectCode rows), the survey coverage by method, and the
repair and maintenance priority pages and a segment's page."""

import csv
import datetime
import importlib
import io
import multiprocessing
from decimal import Decimal
from unittest import mock

import openpyxl
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import (
    Defect,
    DefectCode,
    Inspection,
    PipeSegment,
    ResponsibleUnit,
    SegmentScore,
)
from projects.services.sewer_condition import (
    RESULT_FIELDS,
    Rescore,
    active_rule_set,
    coverage_by_method,
    rescore_segments,
)

from .factories import make_users

CJJ = "CJJ181-2012"
DB44 = "DB44/T 1025-2012"
DAY = datetime.date(2024, 5, 10)


def code(letters, rule_set=CJJ):
    return DefectCode.objects.get(rule_set=rule_set, code=letters)


def make_segment(segment_code, street=None, diameter_mm=600, length_m="40.00", **fields):
    fields.setdefault("area_class", "C")
    return PipeSegment.objects.create(
        code=segment_code,
        from_manhole=f"{segment_code}-Y1",
        to_manhole=f"{segment_code}-Y2",
        diameter_mm=diameter_mm,
        length_m=Decimal(length_m),
        street=street,
        **fields,
    )


def inspect(segment, defects=(), method=Inspection.Method.CCTV, on=DAY):
    """An inspection of ``segment`` with ``defects``: (code letters, grade, position m)."""
    inspection = Inspection.objects.create(segment=segment, method=method, inspected_on=on)
    for letters, grade, position in defects:
        Defect.objects.create(
            inspection=inspection, code=code(letters), grade=grade, position_m=Decimal(position)
        )
    return inspection


def add_bulk_segments(n, street=None, defects_each=4):
    """``n`` segments, each with an old QV and a newer CCTV inspection and ``defects_each``
    defects on each, in a handful of queries."""
    segments = PipeSegment.objects.bulk_create(
        PipeSegment(
            code=f"B{i:05d}",
            from_manhole=f"B{i:05d}-Y1",
            to_manhole=f"B{i:05d}-Y2",
            diameter_mm=(400, 600, 1200, 1800)[i % 4],
            length_m=Decimal("35.50"),
            area_class="ABCD"[i % 4],
            street=street,
        )
        for i in range(n)
    )
    inspections = Inspection.objects.bulk_create(
        Inspection(segment=segment, method=method, inspected_on=on)
        for segment in segments
        for method, on in (("QV", DAY - datetime.timedelta(days=400)), ("CCTV", DAY))
    )
    codes = [code(letters) for letters in ("PL", "CJ", "TJ", "SG")]
    Defect.objects.bulk_create(
        Defect(
            inspection=inspection,
            code=codes[k % 4],
            grade=1 + (i + k) % 3,
            position_m=Decimal(3 * k + 1),
        )
        for i, inspection in enumerate(inspections)
        for k in range(defects_each)
    )
    return segments


class SewerTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_users(cls)
        cls.east = ResponsibleUnit.objects.create(name="东街道", kind="street")
        cls.west = ResponsibleUnit.objects.create(name="西街道", kind="street")
        # The published Shenzhen record: one SL grade 2 on a 600 mm pipe, F = 2, RI = 1.4.
        cls.shenzhen = make_segment("SZ-001", street=cls.east)
        inspect(cls.shenzhen, [("SL", 2, "12.00")])
        # A broken pipe under a hospital: the worst repair case.
        cls.broken = make_segment("PL-900", street=cls.west, diameter_mm=1600, area_class="A")
        inspect(cls.broken, [("PL", 4, "3.00"), ("TJ", 3, "20.00")])
        # Silted up, structurally sound: the worst maintenance case.
        cls.silted = make_segment("CJ-300", street=cls.west, diameter_mm=800, area_class="B")
        inspect(cls.silted, [("CJ", 4, "0.00"), ("SG", 2, "15.00")], method="QV")
        cls.never = make_segment("NEW-1", street=cls.east)  # never inspected
        rescore_segments()

    def setUp(self):
        self.client.force_login(self.staff)

    def score(self, segment):
        return SegmentScore.objects.get(segment=segment)


class RescoreTests(SewerTestCase):
    def test_it_scores_the_shenzhen_case_through_the_database(self):
        score = self.score(self.shenzhen)
        self.assertEqual(score.f, Decimal("2.00"))
        self.assertEqual(score.s_max, Decimal("2.00"))
        self.assertEqual(score.ri, Decimal("1.40"))
        self.assertEqual(score.structural_grade, "II")
        self.assertEqual(score.repair_priority, "plan")
        self.assertEqual(score.g, Decimal("0.00"))
        self.assertEqual(score.rule_set, CJJ)
        self.assertEqual(score.inspection.segment, self.shenzhen)

    def test_it_skips_a_segment_never_inspected(self):
        self.assertFalse(SegmentScore.objects.filter(segment=self.never).exists())
        self.assertEqual(SegmentScore.objects.count(), 3)

    def test_it_counts_the_latest_inspection(self):
        later = inspect(self.broken, [("SL", 1, "5.00")], on=DAY + datetime.timedelta(days=30))
        self.assertEqual(rescore_segments([self.broken.pk]), 1)
        score = self.score(self.broken)
        self.assertEqual(score.inspection, later)
        self.assertEqual(score.f, Decimal("0.50"))
        self.assertEqual(score.structural_grade, "I")

    def test_it_prefers_cctv_to_sonar_to_qv_on_the_same_day(self):
        later = DAY + datetime.timedelta(days=1)
        inspections = {
            method: inspect(self.silted, [("CJ", 1, "1.00")], method=method, on=later)
            for method in ("other", "QV", "sonar")
        }
        rescore_segments([self.silted.pk])
        self.assertEqual(self.score(self.silted).inspection, inspections["sonar"])
        cctv = inspect(self.silted, [], method="CCTV", on=later)
        rescore_segments([self.silted.pk])
        self.assertEqual(self.score(self.silted).inspection, cctv)
        self.assertEqual(self.score(self.silted).g, Decimal("0.00"))

    def test_it_is_idempotent(self):
        fields = ["segment", "inspection", "rule_set", "f", "ri", "g", "mi", "sm", "ym"]
        before = list(SegmentScore.objects.order_by("segment").values_list(*fields))
        self.assertEqual(rescore_segments(), 3)
        self.assertEqual(rescore_segments(), 3)
        after = list(SegmentScore.objects.order_by("segment").values_list(*fields))
        self.assertEqual(after, before)

    def test_it_rescores_only_the_given_segments(self):
        SegmentScore.objects.filter(segment=self.silted).update(ri=Decimal("99"))
        self.assertEqual(rescore_segments([self.shenzhen.pk, self.never.pk]), 1)
        self.assertEqual(self.score(self.silted).ri, Decimal("99.00"))

    def test_a_second_rule_set_as_data_changes_the_scores_without_code_changes(self):
        # DB44/T 1025-2012 as rows: here every SL score one point higher than CJJ 181's.
        for row in DefectCode.objects.filter(rule_set=CJJ):
            row.pk = None
            row.rule_set = DB44
            if row.code == "SL":
                row.score_1, row.score_2, row.score_3, row.score_4 = 1, 3, 6, 10
            row.save()
        with override_settings(SEWER_RULE_SET=DB44):
            self.assertEqual(active_rule_set(), DB44)
            rescore_segments()
        score = self.score(self.shenzhen)
        self.assertEqual(score.rule_set, DB44)
        self.assertEqual(score.f, Decimal("3.00"))
        self.assertEqual(score.ri, Decimal("2.10"))
        self.assertEqual(active_rule_set(), CJJ)

    def test_it_reports_a_segment_it_cannot_score_and_scores_the_others(self):
        inspect(self.shenzhen, [("FS", 4, "1.00")], on=DAY + datetime.timedelta(days=1))
        run = Rescore().run()
        self.assertEqual(run.scored, 2)
        self.assertEqual(list(run.failures), ["SZ-001"])
        # No stale score is left for it.
        self.assertFalse(SegmentScore.objects.filter(segment=self.shenzhen).exists())

    def test_it_scores_the_same_in_worker_processes(self):
        add_bulk_segments(30)
        inspect(self.shenzhen, [("FS", 4, "1.00")], on=DAY + datetime.timedelta(days=1))
        fields = ["segment", "inspection", "rule_set", *RESULT_FIELDS]
        alone = Rescore().run()
        scores = list(SegmentScore.objects.order_by("segment").values_list(*fields))
        SegmentScore.objects.all().delete()
        # Forked workers, slices of 7 segments written as they come.
        with (
            mock.patch("projects.services.sewer_condition.PARALLEL_FROM", 1),
            mock.patch("projects.services.sewer_condition.WRITE_BATCH", 7),
            mock.patch("os.cpu_count", return_value=2),
            mock.patch("threading.active_count", return_value=1),
            mock.patch("multiprocessing.get_context", wraps=multiprocessing.get_context) as fork,
        ):
            shared = Rescore().run()
        fork.assert_called_once_with("fork")
        self.assertEqual((shared.scored, shared.failures), (alone.scored, alone.failures))
        self.assertEqual(shared.scored, 32)
        self.assertEqual(
            list(SegmentScore.objects.order_by("segment").values_list(*fields)), scores
        )

    def test_it_fetches_in_a_few_queries_whatever_the_number_of_segments(self):
        # codes; savepoint; inspections; defects; segments; upsert; scores of segments no
        # longer inspected; release
        with self.assertNumQueries(8):
            rescore_segments()
        add_bulk_segments(30)
        with self.assertNumQueries(8):
            self.assertEqual(rescore_segments(), 33)


class CoverageTests(SewerTestCase):
    def rows(self):
        return {row["method"]: row for row in coverage_by_method()}

    def test_it_counts_a_segment_inspected_twice_once(self):
        inspect(self.shenzhen, [], method="CCTV", on=DAY + datetime.timedelta(days=60))
        inspect(self.shenzhen, [], method="QV", on=DAY + datetime.timedelta(days=60))
        with self.assertNumQueries(1):
            rows = self.rows()
        self.assertEqual(rows["CCTV"]["segments"], 2)  # Shenzhen (twice) and the broken pipe
        self.assertEqual(rows["CCTV"]["km"], Decimal("0.080"))
        self.assertEqual(rows["QV"]["segments"], 2)  # Shenzhen and the silted pipe
        self.assertEqual(rows["QV"]["km"], Decimal("0.080"))
        self.assertEqual(rows["sonar"]["km"], Decimal("0.000"))
        self.assertEqual(rows[""]["segments"], 3)
        self.assertEqual(rows[""]["km"], Decimal("0.120"))

    def test_it_counts_zero_when_nothing_is_inspected(self):
        Inspection.objects.all().delete()
        with self.assertNumQueries(1):
            rows = self.rows()
        self.assertEqual({row["segments"] for row in rows.values()}, {0})
        self.assertEqual({row["km"] for row in rows.values()}, {Decimal("0.000")})

    def test_it_shows_the_coverage_and_the_priority_links_on_the_pipe_network_page(self):
        response = self.client.get(reverse("projects:pipes"))
        coverage = response.context["tables"]["coverage"]
        self.assertEqual([row.get_cell_value("km") for row in coverage.rows][-1], Decimal("0.12"))
        self.assertContains(response, reverse("projects:segment-priority"))
        self.assertContains(response, reverse("projects:segment-maintenance"))


class PriorityPageTests(SewerTestCase):
    def codes(self, response):
        return [row.record.segment.code for row in response.context["table"].page]

    def test_it_sends_anonymous_users_to_the_login_page(self):
        self.client.logout()
        for name in ("projects:segment-priority", "projects:segment-maintenance"):
            url = reverse(name)
            self.assertRedirects(self.client.get(url), f"{reverse('login')}?next={url}")
        url = reverse("projects:segment-detail", args=[self.shenzhen.pk])
        self.assertRedirects(self.client.get(url), f"{reverse('login')}?next={url}")

    def test_it_shows_the_shenzhen_case_on_the_repair_priority_page(self):
        response = self.client.get(reverse("projects:segment-priority"))
        self.assertContains(response, "SZ-001")
        row = next(r for r in response.context["table"].page if r.record.segment == self.shenzhen)
        self.assertEqual(row.get_cell_value("f"), Decimal("2.00"))
        self.assertEqual(row.get_cell_value("ri"), Decimal("1.40"))
        self.assertEqual(row.get_cell_value("structural_grade"), "II")
        self.assertEqual(row.get_cell_value("method"), "CCTV")
        self.assertContains(response, reverse("projects:segment-detail", args=[self.shenzhen.pk]))

    def test_it_orders_the_repair_list_by_ri_and_the_maintenance_list_by_mi(self):
        repair = self.client.get(reverse("projects:segment-priority"))
        self.assertEqual(self.codes(repair)[0], "PL-900")
        ris = [row.record.ri for row in repair.context["table"].page]
        self.assertEqual(ris, sorted(ris, reverse=True))
        maintenance = self.client.get(reverse("projects:segment-maintenance"))
        self.assertEqual(self.codes(maintenance)[0], "CJ-300")
        mis = [row.record.mi for row in maintenance.context["table"].page]
        self.assertEqual(mis, sorted(mis, reverse=True))
        self.assertContains(maintenance, "MI")

    def test_it_sorts_on_another_column(self):
        response = self.client.get(reverse("projects:segment-priority"), {"sort": "segment"})
        self.assertEqual(self.codes(response), ["CJ-300", "PL-900", "SZ-001"])

    def test_it_filters_by_street_grade_method_and_search(self):
        url = reverse("projects:segment-priority")
        cases = [
            ({"street": self.east.pk}, ["SZ-001"]),
            ({"street": self.west.pk}, ["PL-900", "CJ-300"]),
            ({"structural_grade": "IV"}, ["PL-900"]),
            ({"structural_grade": "II"}, ["SZ-001"]),
            ({"functional_grade": "IV"}, ["CJ-300"]),
            ({"method": "QV"}, ["CJ-300"]),
            ({"method": "CCTV"}, ["PL-900", "SZ-001"]),
            ({"q": "sz-0"}, ["SZ-001"]),
            ({"q": "CJ-300-Y2"}, ["CJ-300"]),
        ]
        for query, expected in cases:
            with self.subTest(**query):
                self.assertEqual(self.codes(self.client.get(url, query)), expected)

    def test_it_exports_the_filtered_list(self):
        response = self.client.get(
            reverse("projects:segment-priority"), {"street": self.west.pk, "_export": "csv"}
        )
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
        self.assertEqual(len(rows), 3)
        self.assertEqual(rows[1][0], "PL-900")
        response = self.client.get(reverse("projects:segment-maintenance"), {"_export": "xlsx"})
        self.assertEqual(response.status_code, 200)


class SegmentPageTests(SewerTestCase):
    def test_it_shows_every_score_the_inspections_and_their_defects(self):
        older = inspect(self.shenzhen, [("PL", 3, "8.00")], on=DAY - datetime.timedelta(days=90))
        response = self.client.get(reverse("projects:segment-detail", args=[self.shenzhen.pk]))
        self.assertEqual(response.status_code, 200)
        for label in ("S", "Smax", "F", "Sm", "Y", "Ymax", "G", "Ym", "RI", "MI"):
            self.assertContains(response, f"<dt>{label}</dt>")
        self.assertContains(response, "<b>1.40</b>")
        tables = response.context["tables"]
        self.assertEqual(len(tables["inspections"].rows), 2)
        counted = self.score(self.shenzhen).inspection
        self.assertEqual(len(tables[f"defects{counted.pk}"].rows), 1)
        self.assertEqual(len(tables[f"defects{older.pk}"].rows), 1)
        self.assertContains(response, "渗漏")
        self.assertContains(response, "破裂")

    def test_it_says_a_segment_is_not_scored_yet(self):
        response = self.client.get(reverse("projects:segment-detail", args=[self.never.pk]))
        self.assertIsNone(response.context["score"])
        self.assertEqual(self.client.get("/pipes/segments/999999/").status_code, 404)


# The deviations the product once applied by default, as named options.
FORMER = ["monotone_f", "merge_max"]
FORMER_LABELS = "F 不超过 Smax；1 m 内的缺陷取较高分，不相加"
FORMER_WORDING = f"按偏离标准的选项计算：{FORMER_LABELS}"


class StandardTests(SewerTestCase):
    """The issue's worked cases through the database: the standard literally by default, the
    former rules as named options, and the scores that used them labelled."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Two TJ grade 3 1.2 m apart, 500 mm (E = 0), area C (K = 3), ordinary soil (T = 0).
        cls.joints = make_segment("TJ-500", diameter_mm=500, area_class="C")
        inspect(cls.joints, [("TJ", 3, "10.00"), ("TJ", 3, "11.20")])
        # Two PL grade 4 1.3 m apart, 400 mm (E = 0), area D (K = 0).
        cls.breaks = make_segment("PL-400", diameter_mm=400, area_class="D")
        inspect(cls.breaks, [("PL", 4, "5.00"), ("PL", 4, "6.30")])
        # SL grade 2 and PL grade 3 0.5 m apart, 400 mm (E = 0), area D (K = 0).
        cls.close = make_segment("SLPL-400", diameter_mm=400, area_class="D")
        inspect(cls.close, [("SL", 2, "20.00"), ("PL", 3, "20.50")])
        rescore_segments()

    def figures(self, segment):
        score = self.score(segment)
        return (score.f, score.structural_grade, score.ri, score.repair_priority)

    def test_it_scores_by_the_standard_literally_by_default(self):
        # F = max(S, Smax) = 1.1·(5 + 5)/2 = 5.5; RI = 0.7·5.5 + 0.1·3 = 4.15 → 宜尽快修复.
        self.assertEqual(
            self.figures(self.joints), (Decimal("5.50"), "III", Decimal("4.15"), "soon")
        )
        # F = 1.1·(10 + 10)/2 = 11; RI = 0.7·11 = 7.7 → 应立即修复.
        self.assertEqual(
            self.figures(self.breaks), (Decimal("11.00"), "IV", Decimal("7.70"), "now")
        )
        # One composite defect 2 + 5 = 7: F = 7 → IV; RI = 0.7·7 = 4.9.
        self.assertEqual(self.figures(self.close), (Decimal("7.00"), "IV", Decimal("4.90"), "soon"))
        self.assertFalse(SegmentScore.objects.exclude(deviations="").exists())
        joints = self.score(self.joints)
        self.assertEqual((joints.k, joints.k_used, joints.e_used, joints.t_used), (3, 3, 0, 0))

    @override_settings(SEWER_SCORING_OPTIONS=FORMER)
    def test_it_keeps_the_former_rules_as_named_options(self):
        rescore_segments()
        # F = Smax = 5; RI = 3.5 + 0.3 = 3.80 → 宜制定修复计划.
        self.assertEqual(
            self.figures(self.joints), (Decimal("5.00"), "III", Decimal("3.80"), "plan")
        )
        # F = 10; RI = 7.0 → 宜尽快修复.
        self.assertEqual(
            self.figures(self.breaks), (Decimal("10.00"), "IV", Decimal("7.00"), "soon")
        )
        # The higher score, 5: F = 5 → III; RI = 3.5.
        self.assertEqual(
            self.figures(self.close), (Decimal("5.00"), "III", Decimal("3.50"), "plan")
        )
        self.assertEqual(
            set(SegmentScore.objects.values_list("deviations", flat=True)),
            {"monotone_f,merge_max"},
        )

    def test_it_refuses_an_unknown_option(self):
        for options in (["monotone"], ["merge_max", "merge_none"]):
            with (
                self.subTest(options),
                override_settings(SEWER_SCORING_OPTIONS=options),
                self.assertRaisesMessage(ImproperlyConfigured, "SEWER_SCORING_OPTIONS"),
            ):
                rescore_segments()
        self.assertEqual(self.score(self.joints).ri, Decimal("4.15"))  # left as they were

    def test_it_labels_no_score_of_the_standard(self):
        for name in ("projects:segment-priority", "projects:segment-maintenance"):
            self.assertNotContains(self.client.get(reverse(name)), "偏离标准的选项计算")
        page = self.client.get(reverse("projects:segment-detail", args=[self.joints.pk]))
        self.assertNotContains(page, "偏离标准的选项计算")
        self.assertNotContains(page, "不同的选项")

    def test_it_labels_scores_computed_with_deviations_on_the_pages_and_in_the_exports(self):
        with override_settings(SEWER_SCORING_OPTIONS=FORMER):
            rescore_segments()
            detail = reverse("projects:segment-detail", args=[self.joints.pk])
            self.assertContains(self.client.get(detail), FORMER_WORDING)
            for name in ("projects:segment-priority", "projects:segment-maintenance"):
                with self.subTest(name):
                    page = self.client.get(reverse(name))
                    # The page says how scores are computed now; each of the 6 rows how its
                    # score was, in its cell's badge (the full sentence as its title).
                    self.assertContains(page, FORMER_WORDING, count=1 + 6)
                    self.assertContains(
                        page,
                        f'title="{FORMER_WORDING}">{FORMER_LABELS}</span>',
                        count=6,
                    )
                    rows = list(
                        csv.reader(
                            io.StringIO(
                                self.client.get(reverse(name), {"_export": "csv"}).content.decode(
                                    "utf-8"
                                )
                            )
                        )
                    )
                    column = rows[0].index("偏离标准的选项")
                    self.assertEqual({row[column] for row in rows[1:]}, {FORMER_WORDING})
                    workbook = openpyxl.load_workbook(
                        io.BytesIO(self.client.get(reverse(name), {"_export": "xlsx"}).content)
                    )
                    values = list(workbook.active.iter_rows(values_only=True))
                    column = values[0].index("偏离标准的选项")
                    self.assertEqual({row[column] for row in values[1:]}, {FORMER_WORDING})
        # Back to the standard: the stored scores still say what they were computed with, and
        # the segment's page says they are due a rescoring.
        page = self.client.get(detail)
        self.assertContains(page, FORMER_WORDING)
        self.assertContains(page, "这些分值按与当前设置不同的选项计算")
        rescore_segments()
        self.assertNotContains(self.client.get(detail), "偏离标准的选项计算")

    def test_it_shows_what_ri_used_of_k_e_and_t(self):
        # Shenzhen: area C (K = 3), 600 mm (E = 3), F = 2 < 4: RI used K = E = 0.
        page = self.client.get(reverse("projects:segment-detail", args=[self.shenzhen.pk]))
        score = self.score(self.shenzhen)
        self.assertEqual((score.k, score.e, score.k_used, score.e_used), (3, 3, 0, 0))
        self.assertContains(page, "<b>3.00</b> · RI 中按 0.00 计（F &lt; 4）", count=2, html=False)
        self.assertContains(page, "0.7 × 2.00 + 0.1 × 0.00 + 0.05 × 0.00 + 0.15 × 0.00", html=False)
        # TJ-500: F = 5.5 ≥ 4, K counts 3: no note, the formula with K = 3.
        page = self.client.get(reverse("projects:segment-detail", args=[self.joints.pk]))
        self.assertNotContains(page, "RI 中按")
        self.assertContains(page, "0.7 × 5.50 + 0.1 × 3.00 + 0.05 × 0.00 + 0.15 × 0.00")
        # The repair list and its export show the used values.
        response = self.client.get(reverse("projects:segment-priority"), {"_export": "csv"})
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
        header = rows[0]
        by_code = {row[0]: row for row in rows[1:]}
        used = [header.index(name) for name in ("RI 中的 K", "RI 中的 E", "RI 中的 T")]
        self.assertEqual([by_code["SZ-001"][i] for i in used], ["0.00", "0.00", "0.00"])
        self.assertEqual([by_code["TJ-500"][i] for i in used], ["3.00", "0.00", "0.00"])
        self.assertEqual([by_code["PL-900"][i] for i in used], ["10.00", "10.00", "0.00"])

    def test_the_migration_rescores_stored_scores_under_the_standard(self):
        migration = importlib.import_module("projects.migrations.0014_rescore_segments")
        add_bulk_segments(40)
        with override_settings(SEWER_SCORING_OPTIONS=FORMER):
            rescore_segments()  # as stored before: the former rules
        self.assertEqual(self.score(self.joints).f, Decimal("5.00"))
        SegmentScore.objects.update(k_used=0, e_used=0, t_used=0, deviations="")  # as migrated
        before = dict(SegmentScore.objects.values_list("segment__code", "computed_at"))
        editor = mock.Mock(connection=connection)
        # Reads: scores; codes; per 1000 scores, segments and defects — whatever the number of
        # segments. Writes: upserts of up to 1000 rows (SQLite's limit on parameters cuts them
        # into statements of 35).
        with CaptureQueriesContext(connection) as queries:
            migration.rescore(apps, editor)
        statements = [query["sql"].split()[0] for query in queries.captured_queries]
        self.assertEqual(statements.count("SELECT"), 4)
        self.assertLessEqual(len(statements), 4 + 2)
        fields = ["segment", "inspection", "rule_set", *RESULT_FIELDS]
        migrated = list(SegmentScore.objects.order_by("segment").values_list(*fields))
        self.assertEqual(
            self.figures(self.joints), (Decimal("5.50"), "III", Decimal("4.15"), "soon")
        )
        self.assertEqual(self.figures(self.close), (Decimal("7.00"), "IV", Decimal("4.90"), "soon"))
        self.assertTrue(
            all(
                stamp > before[code]
                for code, stamp in SegmentScore.objects.values_list("segment__code", "computed_at")
            )
        )
        # The same as the service's rescoring under the standard.
        rescore_segments()
        self.assertEqual(
            list(SegmentScore.objects.order_by("segment").values_list(*fields)), migrated
        )


class QueryCountTests(SewerTestCase):
    """Each page costs the same with three scored segments as with 60 more, and a segment's
    page the same with one inspection as with several."""

    # session, user; the user's and their groups' permissions (the main menu's import link);
    # count, page (segment, street and inspection joined), street options
    LIST = 7
    # session, user; segment (street, score and its inspection joined); the active rule set's
    # codes; inspections (import batch joined); their defects (codes joined); permissions (2)
    DETAIL = 8

    def assert_counts(self, detail_segment):
        for name in ("projects:segment-priority", "projects:segment-maintenance"):
            with self.subTest(name), self.assertNumQueries(self.LIST):
                self.assertEqual(self.client.get(reverse(name)).status_code, 200)
        url = reverse("projects:segment-detail", args=[detail_segment.pk])
        with self.subTest("detail"), self.assertNumQueries(self.DETAIL):
            self.assertEqual(self.client.get(url).status_code, 200)

    def test_it_pins_the_pages_with_a_few_segments(self):
        self.assert_counts(self.shenzhen)

    def test_it_pins_the_pages_with_60_more_segments(self):
        segments = add_bulk_segments(60, street=self.east, defects_each=12)
        rescore_segments()
        self.assert_counts(segments[0])


class AdminTests(SewerTestCase):
    def setUp(self):
        self.client.force_login(self.admin)

    def test_it_rescores_the_selected_segments(self):
        SegmentScore.objects.all().delete()
        response = self.client.post(
            reverse("admin:projects_pipesegment_changelist"),
            {"action": "rescore", "_selected_action": [self.shenzhen.pk, self.never.pk]},
            follow=True,
        )
        self.assertContains(response, CJJ)
        self.assertEqual(self.score(self.shenzhen).ri, Decimal("1.40"))
        self.assertEqual(SegmentScore.objects.count(), 1)

    def test_it_shows_scores_and_import_batches_but_does_not_let_them_be_added(self):
        for model in ("segmentscore", "importbatch"):
            with self.subTest(model):
                url = reverse(f"admin:projects_{model}_changelist")
                self.assertEqual(self.client.get(url).status_code, 200)
                url = reverse(f"admin:projects_{model}_add")
                self.assertEqual(self.client.get(url).status_code, 403)
        score = self.score(self.shenzhen)
        url = reverse("admin:projects_segmentscore_change", args=[score.pk])
        self.assertContains(self.client.get(url), "1.40")
