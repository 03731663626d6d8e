"""Past events recorded when they happened: a complaint received in 2018 and its steps entered
today carry their 2018 times, so its handling time is days, not years, and its 考核 deduction
lands in the assessment of the month it was handled; a patrol of 2018 is a 2018 patrol. Each
time is refused before 1990 (a year 0001 typo included), in the future, or before the
complaint's previous step, with a message under the field and nothing stored; when it was
entered is kept beside it."""

import datetime
import re
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase
from django.urls import reverse
from django.utils import timezone

from projects.models import (
    AssessmentItem,
    Complaint,
    ComplaintStep,
    Deduction,
    MonthlyAssessment,
    PatrolRecord,
)
from projects.models.complaints import Stage
from tests.test_admin import form_data
from tests.test_patrols import CREATE as PATROL_CREATE
from tests.test_patrols import PatrolTestCase

TZ = timezone.get_fixed_timezone(8 * 60)  # Asia/Shanghai has no summer time


def local(year, month, day, hour=9, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TZ)


def typed(when):
    """A time as a ``datetime-local`` input sends it."""
    return when.astimezone(TZ).strftime("%Y-%m-%dT%H:%M")


class PastEventTestCase(PatrolTestCase):
    """The role users and posts of the patrol tests, with the fixture's channels."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.late_item = AssessmentItem.objects.get(code="E1")

    def setUp(self):
        ContentType.objects.get_for_model(ComplaintStep)

    def url(self, name, complaint):
        return reverse(f"projects:complaint-{name}", args=[complaint.pk])

    def record(self, received, user=None, **changes):
        """POST the complaint form as the browser sends it (every field, empty ones too)."""
        self.client.force_login(user or self.administrator)
        data = {
            "source": "hotline",
            "received_at": received,
            "complainant": "陈女士",
            "contact": "",
            "location": "105国道桥下",
            "channel": self.g105.pk,
            "problem": "",
            "description": "渠水发黑发臭",
        }
        data.update(changes)
        return self.client.post(reverse("projects:complaint-create"), data)

    def step(self, name, complaint, at, user=None, **data):
        """POST a step's form as the browser sends it: its fields, the time, the version."""
        self.client.force_login(user or self.administrator)
        complaint.refresh_from_db()
        return self.client.post(
            self.url(name, complaint),
            {"at": at, "expected_version": complaint.version, **data},
        )

    def stored(self, complaint):
        """What a refused step must leave as it was."""
        complaint.refresh_from_db()
        return (
            complaint.stage,
            complaint.version,
            complaint.handled_at,
            complaint.closed_at,
            complaint.steps.count(),
            Deduction.objects.count(),
            MonthlyAssessment.objects.count(),
        )


class PastComplaintTests(PastEventTestCase):
    def test_a_2018_complaint_handled_nine_days_later_counts_in_the_2018_11_assessment(self):
        entered = timezone.now()
        response = self.record("2018-10-27T09:00")
        complaint = Complaint.objects.get()
        self.assertRedirects(response, complaint.get_absolute_url())
        self.assertEqual(complaint.received_at, local(2018, 10, 27))
        self.assertEqual(complaint.number, "TS-2018-0001")

        self.assertRedirects(
            self.step(
                "dispatch",
                complaint,
                "2018-10-28T10:00",
                assigned_unit=self.unit_a.pk,
                deadline="2018-11-02",
                note="",
            ),
            complaint.get_absolute_url(),
        )
        self.assertRedirects(
            self.step(
                "handle", complaint, "2018-11-05T09:00", self.editor_a, action_taken="已清淤除臭"
            ),
            complaint.get_absolute_url(),
        )
        self.assertRedirects(
            self.step("evaluate", complaint, "2018-11-06T15:30", satisfaction="satisfied", note=""),
            complaint.get_absolute_url(),
        )

        # The 考核 form: late (handled on 5 November, due on the 2nd), so E1 is suggested, for
        # the station's assessment of November 2018.
        page = self.client.get(complaint.get_absolute_url())
        self.assertEqual(page.context["form"].initial["item"], str(self.late_item.pk))
        self.assertEqual(page.context["late_days"], 3)
        self.assertContains(page, "甲市政站2018年11月")
        self.assertRedirects(
            self.step("assess", complaint, "2018-11-10T10:00", item=self.late_item.pk, note=""),
            complaint.get_absolute_url(),
        )

        complaint.refresh_from_db()
        self.assertEqual(complaint.stage, Stage.ASSESSED)
        self.assertEqual(complaint.handled_at, local(2018, 11, 5))
        self.assertEqual(complaint.closed_at, local(2018, 11, 10, 10))
        self.assertEqual(complaint.handling_time, datetime.timedelta(days=9))
        deduction = Deduction.objects.get()
        self.assertEqual(complaint.assessment_deduction, deduction)
        self.assertEqual(
            (deduction.assessment.station, deduction.assessment.month),
            (self.unit_a, datetime.date(2018, 11, 1)),
        )
        self.assertEqual(deduction.points, Decimal("3.0"))
        this_month = timezone.localdate().replace(day=1)
        self.assertFalse(MonthlyAssessment.objects.filter(month=this_month).exists())

        # Each step happened in 2018 and was entered today.
        steps = list(complaint.steps.order_by("at", "pk"))
        self.assertEqual(
            [(s.stage, s.at) for s in steps],
            [
                (Stage.FOUND, local(2018, 10, 27)),
                (Stage.DISPATCHED, local(2018, 10, 28, 10)),
                (Stage.HANDLED, local(2018, 11, 5)),
                (Stage.EVALUATED, local(2018, 11, 6, 15, 30)),
                (Stage.ASSESSED, local(2018, 11, 10, 10)),
            ],
        )
        for step in steps:
            self.assertGreaterEqual(step.recorded_at, entered)
        # The audit history dates the changes when they were entered.
        self.assertGreaterEqual(complaint.history.earliest("history_date").history_date, entered)

        # The page: 9 days' handling time; each step says when it was entered.
        self.client.force_login(self.viewer)
        page = self.client.get(complaint.get_absolute_url())
        content = page.content.decode()
        handling = re.search(r'<dd class="handling-time">(.*?)</dd>', content).group(1)
        self.assertEqual(handling, "9 天")
        self.assertEqual(content.count('class="step-entered"'), 5)
        self.assertContains(page, "2018年11月5日 09:00")
        # The board's per-unit table: 9.0 days on average, not thousands.
        board = self.client.get(reverse("projects:complaint-board"))
        (row,) = board.context["tables"]["units"].data
        self.assertEqual(row.average_handling, datetime.timedelta(days=9))
        self.assertContains(board, "9.0 天")
        # The November 2018 assessment lists the complaint's deduction.
        assessment = self.client.get(deduction.assessment.get_absolute_url())
        self.assertContains(assessment, complaint.number)

    def test_a_handling_of_2018_can_be_returned_with_a_2018_deadline(self):
        self.record("2018-10-27T09:00")
        complaint = Complaint.objects.get()
        self.step(
            "dispatch",
            complaint,
            "2018-10-28T10:00",
            assigned_unit=self.unit_a.pk,
            deadline="2018-11-02",
        )
        self.step("handle", complaint, "2018-11-01T09:00", self.editor_a, action_taken="已清理")
        response = self.step(
            "evaluate",
            complaint,
            "2018-11-02T09:00",
            note="复查仍有异味",
            new_deadline="2018-11-08",
            **{"return": "1"},
        )
        self.assertRedirects(response, complaint.get_absolute_url())
        complaint.refresh_from_db()
        self.assertEqual(
            (complaint.stage, complaint.deadline), (Stage.DISPATCHED, datetime.date(2018, 11, 8))
        )
        self.assertEqual(complaint.steps.latest("at", "pk").at, local(2018, 11, 2))
        # A new deadline before the return itself is refused.
        self.step("handle", complaint, "2018-11-07T09:00", self.editor_a, action_taken="再次清理")
        before = self.stored(complaint)
        response = self.step(
            "evaluate",
            complaint,
            "2018-11-09T09:00",
            note="仍不满意",
            new_deadline="2018-11-08",
            **{"return": "1"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors["new_deadline"],
            ["新的完成时限不能早于退回日期（2018年11月9日）。"],
        )
        self.assertEqual(self.stored(complaint), before)

    def test_a_step_before_the_previous_one_is_refused_under_its_time(self):
        self.record("2018-10-27T09:00")
        complaint = Complaint.objects.get()
        before = self.stored(complaint)
        response = self.step(
            "dispatch",
            complaint,
            "2018-10-26T10:00",
            assigned_unit=self.unit_a.pk,
            deadline="2018-11-02",
            note="请尽快处置",
        )
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertEqual(form.errors["at"], ["不能早于上一步（发现，2018年10月27日 09:00）。"])
        self.assertContains(response, '<span class="field-error">不能早于上一步')
        # What the user typed is kept.
        self.assertEqual(form["at"].value(), "2018-10-26T10:00")
        self.assertEqual(form["note"].value(), "请尽快处置")
        self.assertEqual(self.stored(complaint), before)

        self.step(
            "dispatch",
            complaint,
            "2018-10-28T10:00",
            assigned_unit=self.unit_a.pk,
            deadline="2018-11-02",
        )
        before = self.stored(complaint)
        response = self.step(
            "handle", complaint, "2018-10-28T09:59", self.editor_a, action_taken="已清理"
        )
        self.assertEqual(
            response.context["form"].errors["at"],
            ["不能早于上一步（调配，2018年10月28日 10:00）。"],
        )
        self.assertEqual(self.stored(complaint), before)

    def test_times_before_1990_or_in_the_future_are_refused_and_nothing_is_stored(self):
        for received, message in (
            ("0001-01-01T00:00", "请填写1990年1月1日及以后的时间。"),
            ("1989-12-31T23:59", "请填写1990年1月1日及以后的时间。"),
            (typed(timezone.now() + datetime.timedelta(days=2)), "投诉受理时间不能晚于现在。"),
        ):
            with self.subTest(received):
                response = self.record(received)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["form"].errors["received_at"], [message])
                self.assertEqual(response.context["form"]["received_at"].value(), received)
                self.assertFalse(Complaint.objects.exists())
        self.assertRedirects(
            self.record("1990-01-01T00:00"), Complaint.objects.get().get_absolute_url()
        )

        complaint = Complaint.objects.get()
        for at, message in (
            ("0001-01-01T00:00", "请填写1990年1月1日及以后的时间。"),
            (
                typed(timezone.now() + datetime.timedelta(hours=3)),
                "该时间晚于现在：请填写实际发生的时间。",
            ),
        ):
            with self.subTest(at):
                before = self.stored(complaint)
                response = self.step(
                    "dispatch", complaint, at, assigned_unit=self.unit_a.pk, deadline="1990-01-05"
                )
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["form"].errors["at"], [message])
                self.assertEqual(self.stored(complaint), before)

        # A deadline typed as year 9999 is refused too.
        response = self.step(
            "dispatch",
            complaint,
            "1990-01-02T09:00",
            assigned_unit=self.unit_a.pk,
            deadline="9999-12-31",
        )
        self.assertEqual(
            response.context["form"].errors["deadline"],
            ["完成时限不能晚于本步骤（1990年1月2日）一年以上。"],
        )

    def test_the_forms_start_at_now_and_bound_the_picker(self):
        self.client.force_login(self.administrator)
        page = self.client.get(reverse("projects:complaint-create"))
        field = re.search(r'<input type="datetime-local" name="received_at"[^>]*>', page.text)
        self.assertIsNotNone(field)
        tag = field.group(0)
        self.assertIn('min="1990-01-01T00:00"', tag)
        latest = re.search(r'max="([^"]+)"', tag).group(1)
        tomorrow = timezone.localtime() + datetime.timedelta(days=1)
        self.assertLessEqual(
            abs(datetime.datetime.fromisoformat(latest) - tomorrow.replace(tzinfo=None)),
            datetime.timedelta(minutes=2),
        )
        shown = re.search(r'value="([^"]+)"', tag).group(1)
        self.assertLessEqual(
            abs(datetime.datetime.fromisoformat(shown) - timezone.localtime().replace(tzinfo=None)),
            datetime.timedelta(minutes=2),
        )
        # A step's form too.
        self.record("2018-10-27T09:00")
        complaint = Complaint.objects.get()
        page = self.client.get(complaint.get_absolute_url())
        self.assertRegex(
            page.text,
            r'<input type="datetime-local" name="at" value="[^"]+"[^>]*min="1990-01-01T00:00"',
        )
        self.assertContains(page, "调配时间")


class PastPatrolTests(PastEventTestCase):
    def test_a_patrol_of_2018_is_recorded_in_2018_with_its_work_order(self):
        entered = timezone.now()
        self.client.force_login(self.editor_a)
        response = self.client.post(
            PATROL_CREATE,
            self.finding_data(patrolled_at="2018-06-15T10:30", open_work_order="on"),
        )
        record = PatrolRecord.objects.get()
        self.assertRedirects(
            response,
            reverse("projects:station-detail", args=[self.unit_a.pk]) + "?month=2018-06",
        )
        self.assertEqual(record.patrolled_at, local(2018, 6, 15, 10, 30))
        self.assertGreaterEqual(record.created_at, entered)
        # Its work order was received when the patrol found it, and found then.
        order = record.complaint
        self.assertEqual(order.received_at, local(2018, 6, 15, 10, 30))
        self.assertEqual(order.number, "TS-2018-0001")
        self.assertEqual(order.steps.get().at, local(2018, 6, 15, 10, 30))
        # The station's June 2018 shows it; this month does not.
        station = reverse("projects:station-detail", args=[self.unit_a.pk])
        june = self.client.get(station, {"month": "2018-06"})
        self.assertEqual([r.record for r in june.context["tables"]["patrols"].rows], [record])
        now = self.client.get(station)
        self.assertEqual(list(now.context["tables"]["patrols"].rows), [])

    def test_a_patrol_in_year_0001_or_the_future_is_refused_with_a_message(self):
        self.client.force_login(self.editor_a)
        for when, message in (
            ("0001-01-01T00:00", "请填写1990年1月1日及以后的时间。"),
            (typed(timezone.now() + datetime.timedelta(days=1)), "巡查时间不能晚于现在。"),
        ):
            with self.subTest(when):
                response = self.client.post(
                    PATROL_CREATE, self.finding_data(patrolled_at=when, open_work_order="on")
                )
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["form"].errors["patrolled_at"], [message])
                self.assertContains(response, f'<span class="field-error">{message}</span>')
                self.assertEqual(self.counts()["PatrolRecord"], 0)
                self.assertEqual(self.counts()["Complaint"], 0)


class AdminTimeTests(PastEventTestCase):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.superuser)

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        from django.contrib.auth import get_user_model

        cls.superuser = get_user_model().objects.create_superuser("root", password="root-pass-1")

    def add(self, day, time):
        url = reverse("admin:projects_complaint_add")
        data = form_data(self.client.get(url))
        data.update(
            {
                "source": "public",
                "received_at_0": day,
                "received_at_1": time,
                "location": "乙渠",
                "description": "水面漂浮垃圾",
            }
        )
        return self.client.post(url, data)

    def test_a_complaint_added_in_the_admin_is_found_when_received(self):
        response = self.add("0001-01-01", "00:00:00")
        self.assertEqual(response.status_code, 200)
        self.assertIn("请填写1990年1月1日及以后的时间。", response.context["errors"][0])
        self.assertFalse(Complaint.objects.exists())

        self.assertEqual(self.add("2018-10-27", "09:00:00").status_code, 302)
        complaint = Complaint.objects.get()
        self.assertEqual(complaint.steps.get().at, local(2018, 10, 27))

    def test_the_admin_cannot_move_the_receipt_after_the_next_step(self):
        self.add("2018-10-27", "09:00:00")
        complaint = Complaint.objects.get()
        self.step(
            "dispatch",
            complaint,
            "2018-10-28T10:00",
            assigned_unit=self.unit_a.pk,
            deadline="2018-11-02",
        )
        self.client.force_login(self.superuser)
        url = reverse("admin:projects_complaint_change", args=[complaint.pk])
        data = form_data(self.client.get(url))
        data.update({"received_at_0": "2018-10-29", "received_at_1": "09:00:00"})
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("受理时间不能晚于其“调配”步骤", str(response.context["errors"]))
        data.update({"received_at_0": "2018-10-26"})
        self.assertEqual(self.client.post(url, data).status_code, 302)
        complaint.refresh_from_db()
        self.assertEqual(complaint.received_at, local(2018, 10, 26))
        found = complaint.steps.get(stage=Stage.FOUND)
        self.assertEqual(found.at, local(2018, 10, 26))


class StationMonthTests(PastEventTestCase):
    def test_a_month_outside_1990_to_now_shows_this_month_with_a_message(self):
        self.client.force_login(self.viewer)
        url = reverse("projects:station-detail", args=[self.unit_a.pk])
        this_month = timezone.localdate().replace(day=1)
        for month in ("0001-01", "1989-12", "9999-12"):
            with self.subTest(month):
                page = self.client.get(url, {"month": month})
                self.assertEqual(page.status_code, 200)
                self.assertEqual(page.context["month"], this_month)
                self.assertContains(page, "请选择1990年1月至本月之间的月份。")
        page = self.client.get(url, {"month": "1990-01"})
        self.assertEqual(page.context["month"], datetime.date(1990, 1, 1))


class EntryTimeMigrationTests(TransactionTestCase):
    """Migration 0009 on steps stamped when they were entered: that becomes their entry time,
    and a complaint's 发现 step moves to when the complaint was received."""

    serialized_rollback = True
    before = [("projects", "0008_daily_operations_data")]
    after = [("projects", "0009_event_times_and_complaint_problem")]

    def tearDown(self):
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        super().tearDown()

    def test_existing_steps_keep_their_entry_time_and_are_found_when_received(self):
        executor = MigrationExecutor(connection)
        executor.migrate(self.before)
        apps = executor.loader.project_state(self.before).apps
        OldComplaint = apps.get_model("projects", "Complaint")
        OldStep = apps.get_model("projects", "ComplaintStep")
        entered = local(2026, 11, 2, 10)
        complaint = OldComplaint.objects.create(
            number="TS-2018-0001",
            source="hotline",
            received_at=local(2018, 10, 27),
            location="东渠桥下",
            description="有异味",
            stage="dispatched",
        )
        found = OldStep.objects.create(complaint=complaint, stage="found", at=entered)
        dispatched = OldStep.objects.create(
            complaint=complaint, stage="dispatched", at=entered + datetime.timedelta(minutes=5)
        )

        executor = MigrationExecutor(connection)
        executor.migrate(self.after)
        apps = executor.loader.project_state(self.after).apps
        Step = apps.get_model("projects", "ComplaintStep")
        found, dispatched = Step.objects.get(pk=found.pk), Step.objects.get(pk=dispatched.pk)
        self.assertEqual((found.at, found.recorded_at), (local(2018, 10, 27), entered))
        later = entered + datetime.timedelta(minutes=5)
        self.assertEqual((dispatched.at, dispatched.recorded_at), (later, later))
