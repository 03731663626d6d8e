"""Every form of the site, and both imports, fed what users and files really hold: odd Unicode,
numbers like 1e27 or -1, dates of year 0001 or 9999, empty and very long text, formulas. No
answer is a server error, and every row stored passes its model's rules (``full_clean``).

Each example is posted as the browser sends the form, with a few fields replaced by generated
values (the rest as a valid entry has them), by a user of the role the form is for; each runs
in its own transaction, rolled back afterwards."""

import csv
import datetime
import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import DateField, Max
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from projects.models import (
    AssessmentItem,
    Channel,
    Complaint,
    ComplaintStep,
    Deduction,
    Defect,
    ImportBatch,
    Inspection,
    Measure,
    MonthlyAssessment,
    PatrolRecord,
    PipeSegment,
    Plan,
    Problem,
    ProgressReport,
    Responsibility,
    Sample,
    SamplingPoint,
    Target,
    Task,
)
from projects.services import complaints as loop
from tests.browser_forms import form_data
from tests.test_imports import INSPECTION_HEADER, SAMPLE_HEADER
from tests.test_patrols import CREATE as PATROL_CREATE
from tests.test_patrols import PatrolTestCase

FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ODD_VALUES = (
    "",
    " ",
    "0",
    "-1",
    "-0",
    "1e27",
    "-1e27",
    "1e-27",
    "99999999999999999999999999999",
    "NaN",
    "Infinity",
    "0x1F",
    "１２３",  # full-width digits
    "٣",  # an Arabic-Indic three
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "1989-12-31",
    "2018-06-01",
    "2018-06-01T09:30",
    "2018-02-30",
    "=1+1",
    '=HYPERLINK("http://x","y")',
    "@SUM(1)",
    "+1",
    "-2+3",
    "\t=1+1",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "渠\u200b面\u202e漂浮",  # a zero-width space, a right-to-left override
    "🌊💧",
    "a\x00b",
    "水" * 3000,
    "x" * 20000,
)

# What a user may type into any box.
weird = st.one_of(
    st.sampled_from(ODD_VALUES),
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(datetime.date.isoformat),
    st.datetimes().map(lambda moment: moment.isoformat(timespec="minutes")),
)


def overrides(names):
    """A few of the fields ``names``, each with a generated value."""
    return st.dictionaries(st.sampled_from(names), weird, max_size=4)


# No date or time stored is before 1990 or after 2100.
FIRST_DAY, LAST_DAY = datetime.date(1990, 1, 1), datetime.date(2100, 12, 31)

# The rows a form or an import may write, with the rules of their models.
CHECKED_MODELS = (
    Channel,
    Plan,
    Problem,
    Target,
    Task,
    Measure,
    Responsibility,
    ProgressReport,
    Complaint,
    ComplaintStep,
    PatrolRecord,
    MonthlyAssessment,
    Deduction,
    SamplingPoint,
    Sample,
    PipeSegment,
    Inspection,
    Defect,
    ImportBatch,
)


def now_typed():
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def csv_upload(header, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header.split(","))
    writer.writerows(rows)
    return SimpleUploadedFile("fuzz.csv", out.getvalue().encode("utf-8"), "text/csv")


def cells(valid):
    """A cell of an import: one of the column's good values, more often than a weird one."""
    return st.one_of(st.sampled_from(valid), st.sampled_from(valid), weird)


SAMPLE_CELLS = (
    ("造贝排洪渠", "105国道排洪渠", "无此渠"),
    ("1号点", "2号点", "新点"),
    ("2018-06-01 09:30", "2018-06-02 10:00", "2018-06-01"),
    ("80", "0", ""),
    ("35", "12.5", ""),
    ("3.2", "0.1", ""),
    ("120", "-150", ""),
    ("4.5", "12", ""),
    ("区监测站", ""),
)
INSPECTION_CELLS = (
    ("XZ-W001", "XZ-W002", "东YS001"),
    ("W001", ""),
    ("W002", ""),
    ("600", "300", ""),
    ("钢筋混凝土", "HDPE", ""),
    ("45.5", "30", ""),
    ("B", "A", ""),
    ("一般土层", ""),
    ("CCTV", "QV", "声呐"),
    ("2018-05-20", "2018-05-21"),
    ("某管道检测公司", ""),
    ("V-0001", ""),
    ("PL", "SL", "QF", ""),
    ("2", "1", "4", ""),
    ("12.3", "0", ""),
    ("0.5", ""),
    ("0309", "12", ""),
)


class FuzzTestCase(HypothesisTestCase, PatrolTestCase):
    """The article's channels and plans, the patrol tests' stations, posts and users, one
    complaint waiting at each step, an assessment of station A and a report of its project."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        received = timezone.now() - datetime.timedelta(days=3)
        deadline = timezone.localdate() + datetime.timedelta(days=5)
        admin = cls.administrator

        def complaint(steps):
            c = loop.open_complaint(
                admin,
                source=Complaint.Source.HOTLINE,
                received_at=received,
                location="东渠桥下",
                channel=cls.g105,
                description="渠面漂浮垃圾",
            )
            if steps >= 1:
                c = loop.dispatch(c, admin, assigned_unit=cls.unit_a, deadline=deadline)
            if steps >= 2:
                c = loop.handle(c, admin, action_taken="已打捞清理")
            if steps >= 3:
                c = loop.evaluate(c, admin, satisfaction=Complaint.Satisfaction.SATISFIED)
            return c

        cls.waiting = {
            "dispatch": complaint(0),
            "handle": complaint(1),
            "evaluate": complaint(2),
            "assess": complaint(3),
        }
        cls.assessment = MonthlyAssessment.objects.create(
            station=cls.unit_a, month=datetime.date(2018, 6, 1)
        )
        cls.report = ProgressReport.objects.create(
            project=cls.project_a, month=datetime.date(2018, 5, 1), percent_complete=10
        )
        cls.item = AssessmentItem.objects.get(code="C1")

    @staticmethod
    def last_pk(model):
        return model._base_manager.aggregate(last=Max("pk"))["last"] or 0

    def post(self, user, url, data, **extra):
        self.client.force_login(user)
        before = {model: self.last_pk(model) for model in CHECKED_MODELS}
        response = self.client.post(url, data, **extra)
        self.assertNotEqual(response.status_code, 500)
        self.assertIn(response.status_code, (200, 302), url)
        return response, before

    def assert_rows_keep_the_rules(self, before, *changed):
        """Every row written since ``before``, and each of ``changed`` as stored now, passes
        its model's validation."""
        rows = [obj for obj in changed if obj is not None]
        for model in CHECKED_MODELS:
            rows += model._base_manager.filter(pk__gt=before[model])
        for row in rows:
            row = type(row)._base_manager.get(pk=row.pk)
            try:
                row.full_clean()
            except ValidationError as error:
                self.fail(f"{type(row).__name__} {row.pk} breaks its rules: {error.messages}")
            for field in row._meta.concrete_fields:
                if isinstance(field, DateField):  # a DateTimeField is one too
                    value = getattr(row, field.attname)
                    day = timezone.localtime(value).date() if hasattr(value, "hour") else value
                    self.assertTrue(
                        day is None or FIRST_DAY <= day <= LAST_DAY,
                        f"{type(row).__name__} {row.pk} {field.name}: {value}",
                    )


class SiteFormFuzzTests(FuzzTestCase):
    @FUZZ
    @given(
        changes=overrides(
            ["source", "received_at", "complainant", "contact", "location", "channel", "problem"]
            + ["description"]
        )
    )
    def test_recording_a_complaint(self, changes):
        data = {
            "source": "hotline",
            "received_at": now_typed(),
            "complainant": "陈女士",
            "contact": "138 0000 0000",
            "location": "东渠二号桥",
            "channel": self.g105.pk,
            "problem": "",
            "description": "桥下渠水发黑发臭",
            **changes,
        }
        _response, before = self.post(
            self.administrator, reverse("projects:complaint-create"), data
        )
        self.assert_rows_keep_the_rules(before)

    @FUZZ
    @given(
        step=st.sampled_from(["dispatch", "handle", "evaluate", "return", "assess"]),
        changes=overrides(
            ["at", "assigned_unit", "deadline", "note", "action_taken", "satisfaction", "item"]
            + ["new_deadline", "expected_version"]
        ),
    )
    @example(step="dispatch", changes={"expected_version": "9223372036854775808"})
    @example(step="dispatch", changes={"deadline": "9999-12-31"})
    def test_each_step_of_a_complaint(self, step, changes):
        name = "evaluate" if step == "return" else step
        complaint = Complaint.objects.get(pk=self.waiting[name].pk)
        data = {"expected_version": complaint.version, "at": now_typed()}
        data.update(
            {
                "dispatch": {"assigned_unit": self.unit_a.pk, "deadline": "2030-01-01"},
                "handle": {"action_taken": "已清理"},
                "evaluate": {"satisfaction": "satisfied", "note": "回访满意"},
                "return": {"return": "1", "note": "未清理干净", "new_deadline": "2030-01-01"},
                "assess": {"item": "", "note": "按期办结"},
            }[step]
        )
        data.update(changes)
        user = self.editor_a if step == "handle" else self.administrator
        url = reverse(f"projects:complaint-{name}", args=[complaint.pk])
        _response, before = self.post(user, url, data)
        self.assert_rows_keep_the_rules(before, complaint)

    @FUZZ
    @given(
        changes=overrides(
            ["post", "channel", "pumping_station", "kind", "patrolled_at", "patroller"]
            + ["findings", "action_taken", "problem_category", "problem_severity"]
        ),
        follow_up=st.sampled_from([{}, {"open_problem": "on"}, {"open_work_order": "on"}]),
    )
    def test_recording_a_patrol(self, changes, follow_up):
        data = {
            **self.patrol_data(findings="渠面漂浮垃圾", action_taken="已打捞"),
            "problem_category": "sewage",
            "problem_severity": "high",
            **follow_up,
            **changes,
        }
        _response, before = self.post(self.editor_a, PATROL_CREATE, data)
        self.assert_rows_keep_the_rules(before)

    @FUZZ
    @given(
        administrator=st.booleans(),
        changes=overrides(
            ["status", "percent_complete", "note", "completion_note", "extension_reason"]
            + ["extended_deadline", "lead_unit", "responsible_person", "deadline"]
        ),
    )
    @example(administrator=False, changes={"extended_deadline": "0001-01-01"})
    @example(administrator=True, changes={"deadline": "9999-12-31"})
    def test_updating_a_task(self, administrator, changes):
        user = self.administrator if administrator else self.editor_a
        data = {**self.task_data(self.task_a), **changes}
        _response, before = self.post(user, self.edit_url(self.task_a), data)
        self.assert_rows_keep_the_rules(before, self.task_a)

    @FUZZ
    @given(
        existing=st.booleans(),
        changes=overrides(
            ["month", "planned_percent", "percent_complete", "investment_this_month_wan"]
            + ["problems", "next_month_plan", "note", "expected_version"]
        ),
    )
    def test_filing_or_correcting_a_monthly_report(self, existing, changes):
        data = {
            "month": "2018-06",
            "planned_percent": "30",
            "percent_complete": "20",
            "investment_this_month_wan": "1.00",
            "problems": "部分管段积水",
            "next_month_plan": "完成检测",
            "note": "",
        }
        if existing:
            report = ProgressReport.objects.get(pk=self.report.pk)
            data.update(month="2018-05", expected_version=report.version)
            url = reverse("projects:report-update", args=[report.pk])
        else:
            url = reverse("projects:report-create", args=[self.project_a.pk])
        data.update(changes)
        _response, before = self.post(self.editor_a, url, data)
        self.assert_rows_keep_the_rules(before, self.report)

    @FUZZ
    @given(
        changes=overrides(["item", "occurrences", "points", "note", "channel", "complaint_number"])
    )
    def test_adding_a_deduction(self, changes):
        data = {
            "item": self.item.pk,
            "occurrences": "2",
            "points": "",
            "note": "渠面保洁不到位",
            "channel": self.g105.pk,
            "complaint_number": "",
            **changes,
        }
        url = reverse("projects:assessment-deduction-create", args=[self.assessment.pk])
        _response, before = self.post(self.administrator, url, data)
        self.assert_rows_keep_the_rules(before, self.assessment)

    def page_data(self, url, css_class):
        """The form of a page as the browser submits it untouched, read once (every example
        is rolled back, so it stays current)."""
        cache = type(self).__dict__.get("_pages")
        if cache is None:
            cache = {}
            type(self)._pages = cache
        if url not in cache:
            self.client.force_login(self.administrator)
            page = self.client.get(url)
            self.assertEqual(page.status_code, 200)
            cache[url] = form_data(page.content, css_class)
        return {name: list(values) for name, values in cache[url].items()}

    @FUZZ
    @given(
        existing=st.booleans(),
        changes=overrides(
            ["name", "code", "street", "location", "length_km", "receiving_water"]
            + ["maintaining_unit", "condition", "condition_note"]
        ),
    )
    def test_writing_a_channel(self, existing, changes):
        if existing:
            url = reverse("projects:channel-update", args=[self.g105.pk])
        else:
            url = reverse("projects:channel-create")
        data = self.page_data(url, "edit-form")
        if not existing:
            data.update(name=["前山河支渠"], condition=["light"])
        data.update({name: [value] for name, value in changes.items()})
        _response, before = self.post(self.administrator, url, data)
        self.assert_rows_keep_the_rules(before, self.g105)

    @FUZZ
    @given(
        changes=overrides(
            [f"plan-{name}" for name in ("title", "status", "period_start", "period_end")]
            + [f"plan-{name}" for name in ("compiled_by", "approved_by", "approved_on", "summary")]
            + [f"problems-0-{name}" for name in ("title", "category", "severity", "description")]
            + [f"targets-0-{name}" for name in ("indicator", "target_value", "target_date")]
            + [f"tasks-0-{name}" for name in ("content", "quantity", "deadline", "lead_unit")]
            + [f"measures-0-{name}" for name in ("name", "investment_wan", "status", "scale")]
            + [f"responsibilities-0-{name}" for name in ("unit", "duty", "person")]
        )
    )
    @example(changes={"plan-approved_on": "9999-12-31", "targets-0-target_date": "0001-01-01"})
    @example(changes={"plan-seen_history": "99999999999999999999"})
    def test_editing_a_plan(self, changes):
        url = reverse("projects:plan-edit", args=[self.g105.pk])
        data = self.page_data(url, "plan-form")
        data.update({name: [value] for name, value in changes.items()})
        plan = Plan.objects.get(channel=self.g105)
        _response, before = self.post(self.administrator, url, data)
        self.assert_rows_keep_the_rules(
            before,
            plan,
            *Problem.objects.filter(plan=plan),
            *Target.objects.filter(plan=plan),
            *Task.objects.filter(plan=plan),
            *Measure.objects.filter(plan=plan),
            *Responsibility.objects.filter(plan=plan),
        )


class ImportFuzzTests(FuzzTestCase):
    def import_file(self, kind, upload):
        """Upload, look at the dry run, and confirm it when it passes."""
        response, before = self.post(
            self.editor_a, reverse("projects:import-upload", args=[kind]), {"file": upload}
        )
        if response.status_code == 302:
            preview = self.client.get(response.url)
            self.assertEqual(preview.status_code, 200)
            if preview.context["result"].ok:
                confirmed = self.client.post(response.url + "confirm/", {"confirm": "1"})
                self.assertEqual(confirmed.status_code, 302)
        self.assert_rows_keep_the_rules(before)

    @FUZZ
    @given(rows=st.lists(st.tuples(*[cells(valid) for valid in SAMPLE_CELLS]), max_size=4))
    def test_importing_samples(self, rows):
        self.import_file("samples", csv_upload(SAMPLE_HEADER, rows))

    @FUZZ
    @given(rows=st.lists(st.tuples(*[cells(valid) for valid in INSPECTION_CELLS]), max_size=4))
    def test_importing_inspections(self, rows):
        self.import_file("inspections", csv_upload(INSPECTION_HEADER, rows))
