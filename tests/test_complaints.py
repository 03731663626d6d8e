"""Complaints in the closed loop: 发现 → 调配 → 处置 → 评价 → 考核, each step by the right
person, recorded with its user and time; overdue ones flagged; 考核 counted in the station's
monthly maintenance assessment; stale and out-of-order steps refused with nothing written; the
board, the list and a complaint's page at a fixed number of queries."""

import csv
import datetime
import io
import shutil
import tempfile
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from projects.models import (
    AssessmentItem,
    Channel,
    Complaint,
    ComplaintStep,
    Deduction,
    MonthlyAssessment,
    Photo,
    ResponsibleUnit,
)
from projects.models.complaints import STAGE_ORDER, Stage
from projects.services import complaint_queries as queries
from projects.services import complaints as loop
from projects.services.photos import attach_photos
from projects.views.complaints import BOARD_COLUMN_LIMIT
from tests.photos import disguised_upload, photo_upload
from tests.test_editing import make_role_users

TZ = timezone.get_fixed_timezone(8 * 60)  # Asia/Shanghai has no summer time


def local(year, month, day, hour=9, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TZ)


def now_input():
    """A step's time as the browser sends the form's default: now, to the minute."""
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class ComplaintTestCase(TestCase):
    @classmethod
    def setUpClass(cls):
        media = tempfile.mkdtemp(prefix="waterworks-complaints-")
        cls.addClassCleanup(shutil.rmtree, media, True)
        cls.enterClassContext(override_settings(MEDIA_ROOT=media))
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        make_role_users(cls)
        cls.channel = Channel.objects.create(name="东排洪渠")
        cls.street = ResponsibleUnit.objects.create(name="东街街道", kind="street")
        cls.late_item = AssessmentItem.objects.get(code="E1")
        cls.unsatisfied_item = AssessmentItem.objects.get(code="E2")

    def setUp(self):
        # The photos' content type is looked up once per process; not in the counted queries.
        ContentType.objects.get_for_model(ComplaintStep)

    # -- helpers --

    def complaint(self, stage=Stage.FOUND, unit=None, deadline=None, received_at=None, **kw):
        """A complaint taken to ``stage`` through the loop's own operations."""
        today = timezone.localdate()
        complaint = loop.open_complaint(
            self.administrator,
            source=kw.pop("source", Complaint.Source.HOTLINE),
            received_at=received_at or timezone.now() - datetime.timedelta(days=2),
            location=kw.pop("location", "东渠桥下"),
            channel=kw.pop("channel", self.channel),
            description="渠面漂浮垃圾，有异味",
        )
        index = STAGE_ORDER.index(stage)
        if index >= 1:
            complaint = loop.dispatch(
                complaint,
                self.administrator,
                assigned_unit=unit or self.unit_a,
                deadline=deadline or today + datetime.timedelta(days=5),
            )
        if index >= 2:
            complaint = loop.handle(complaint, self.administrator, action_taken="已打捞清理")
        if index >= 3:
            complaint = loop.evaluate(
                complaint,
                self.administrator,
                satisfaction=kw.pop("satisfaction", Complaint.Satisfaction.SATISFIED),
            )
        if index >= 4:
            complaint = loop.assess(complaint, self.administrator)
        return complaint

    def url(self, name, complaint):
        return reverse(f"projects:complaint-{name}", args=[complaint.pk])

    def state(self, complaint):
        """What a refused step must leave unchanged."""
        stored = Complaint.objects.get(pk=complaint.pk)
        return (
            stored.stage,
            stored.version,
            stored.assigned_unit_id,
            stored.handled_at,
            stored.satisfaction,
            stored.closed_at,
            ComplaintStep.objects.filter(complaint=complaint).count(),
            Deduction.objects.count(),
            MonthlyAssessment.objects.count(),
            Photo.objects.count(),
        )

    def messages(self, response):
        return [str(m) for m in response.context["messages"]]


class ClosedLoopTests(ComplaintTestCase):
    def test_it_moves_a_complaint_through_all_five_stages_with_each_user_and_time(self):
        started = timezone.now()
        self.client.force_login(self.administrator)
        response = self.client.post(
            reverse("projects:complaint-create"),
            {
                "source": "public",
                "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "complainant": "陈女士",
                "contact": "138 0000 0000",
                "location": "东渠二号桥",
                "channel": self.channel.pk,
                "description": "桥下渠水发黑发臭",
                "photos": [photo_upload("现场.jpg")],
            },
        )
        complaint = Complaint.objects.get()
        self.assertRedirects(response, complaint.get_absolute_url())
        self.assertEqual(complaint.stage, Stage.FOUND)
        self.assertRegex(complaint.number, r"^TS-\d{4}-0001$")
        (first,) = complaint.steps.all()
        self.assertEqual(first.photos.get().phase, Photo.Phase.BEFORE)

        deadline = timezone.localdate() + datetime.timedelta(days=3)
        response = self.client.post(
            self.url("dispatch", complaint),
            {
                "assigned_unit": self.unit_a.pk,
                "deadline": deadline.isoformat(),
                "note": "请甲站三日内处置",
                "expected_version": complaint.version,
                "at": now_input(),
            },
        )
        self.assertRedirects(response, complaint.get_absolute_url())
        complaint.refresh_from_db()

        # Another unit's editor and a viewer may not handle it; unit A's editor may.
        handle = {
            "action_taken": "已打捞漂浮物并清洗渠面",
            "expected_version": complaint.version,
            "at": now_input(),
        }
        for outsider in (self.editor_b, self.viewer):
            self.client.force_login(outsider)
            self.assertEqual(self.client.get(self.url("handle", complaint)).status_code, 403)
            before = self.state(complaint)
            self.assertEqual(
                self.client.post(self.url("handle", complaint), handle).status_code, 403
            )
            self.assertEqual(self.state(complaint), before)
        self.client.force_login(self.editor_a)
        response = self.client.post(
            self.url("handle", complaint), {**handle, "photos": [photo_upload("处置后.jpg")]}
        )
        self.assertRedirects(response, complaint.get_absolute_url())
        complaint.refresh_from_db()
        self.assertEqual(complaint.stage, Stage.HANDLED)
        self.assertIsNotNone(complaint.handled_at)

        self.client.force_login(self.administrator)
        response = self.client.post(
            self.url("evaluate", complaint),
            {
                "satisfaction": "satisfied",
                "note": "回访满意",
                "expected_version": complaint.version,
                "at": now_input(),
            },
        )
        self.assertRedirects(response, complaint.get_absolute_url())
        complaint.refresh_from_db()
        response = self.client.post(
            self.url("assess", complaint),
            {
                "item": "",
                "note": "按期办结",
                "expected_version": complaint.version,
                "at": now_input(),
            },
        )
        self.assertRedirects(response, complaint.get_absolute_url())

        complaint.refresh_from_db()
        self.assertEqual(complaint.stage, Stage.ASSESSED)
        self.assertEqual(complaint.assigned_unit, self.unit_a)
        self.assertEqual(complaint.deadline, deadline)
        self.assertEqual(complaint.satisfaction, Complaint.Satisfaction.SATISFIED)
        self.assertIsNone(complaint.assessment_deduction)
        self.assertIsNotNone(complaint.closed_at)
        steps = list(complaint.steps.order_by("at", "pk"))
        self.assertEqual([s.stage for s in steps], STAGE_ORDER)
        self.assertEqual(
            [s.user for s in steps],
            [self.administrator, self.administrator, self.editor_a] + [self.administrator] * 2,
        )
        times = [s.at for s in steps]
        self.assertEqual(times, sorted(times))
        # Each step happened when the form said (now, to the minute; 发现 when received) and
        # was entered during the test.
        self.assertEqual(times[0], complaint.received_at)
        self.assertTrue(started - datetime.timedelta(minutes=1) <= times[0])
        self.assertLessEqual(times[-1], timezone.now())
        entered = [s.recorded_at for s in steps]
        self.assertTrue(started <= entered[0] and entered[-1] <= timezone.now())
        self.assertEqual(steps[2].note, "已打捞漂浮物并清洗渠面")
        self.assertEqual(steps[2].photos.get().phase, Photo.Phase.AFTER)
        self.assertEqual(complaint.handled_at, steps[2].at)
        self.assertEqual(complaint.closed_at, steps[4].at)
        # The history has who changed the complaint at each step.
        users = list(
            complaint.history.order_by("history_date").values_list("history_user", flat=True)
        )
        self.assertEqual(
            users[-3:], [self.editor_a.pk, self.administrator.pk, self.administrator.pk]
        )

        # The page shows the five steps with their users, to anyone logged in.
        self.client.force_login(self.viewer)
        page = self.client.get(complaint.get_absolute_url())
        self.assertEqual([s.stage for s in page.context["steps"]], [str(s) for s in STAGE_ORDER])
        for user in ("manager", "editor_a"):
            self.assertContains(page, f'<span class="step-user">{user}</span>')
        self.assertContains(page, "回访满意")
        self.assertIsNone(page.context["form"])

    def test_it_lets_a_colleague_of_the_assigned_unit_and_an_administrator_handle(self):
        for user in (self.colleague_a, self.administrator):
            complaint = self.complaint(Stage.DISPATCHED)
            self.client.force_login(user)
            page = self.client.get(complaint.get_absolute_url())
            self.assertContains(page, f'action="{self.url("handle", complaint)}"')
            response = self.client.post(
                self.url("handle", complaint),
                {
                    "action_taken": "已清理",
                    "expected_version": complaint.version,
                    "at": now_input(),
                },
            )
            self.assertRedirects(response, complaint.get_absolute_url())
            self.assertEqual(complaint.steps.latest("at", "pk").user, user)

    def test_it_shows_the_next_steps_form_only_to_who_may_take_it(self):
        found = self.complaint(Stage.FOUND)
        dispatched = self.complaint(Stage.DISPATCHED)
        expected = {
            # user: (form on the found complaint's page, on the dispatched one's)
            self.viewer: (None, None),
            self.editor_b: (None, None),
            self.editor_a: (None, Stage.HANDLED),
            self.administrator: (Stage.DISPATCHED, Stage.HANDLED),
        }
        for user, forms in expected.items():
            self.client.force_login(user)
            for complaint, step in zip((found, dispatched), forms, strict=True):
                with self.subTest(user=user.username, complaint=complaint.stage):
                    form = self.client.get(complaint.get_absolute_url()).context["form"]
                    self.assertEqual(form and form.step, step)

    def test_it_refuses_the_administrator_steps_to_unit_editors_and_viewers(self):
        complaints = {
            "dispatch": self.complaint(Stage.FOUND),
            "evaluate": self.complaint(Stage.HANDLED),
            "assess": self.complaint(Stage.EVALUATED),
        }
        for user in (self.viewer, self.editor_a):
            self.client.force_login(user)
            for name, complaint in complaints.items():
                with self.subTest(user=user.username, step=name):
                    before = self.state(complaint)
                    self.assertEqual(self.client.get(self.url(name, complaint)).status_code, 403)
                    response = self.client.post(
                        self.url(name, complaint),
                        {
                            "expected_version": complaint.version,
                            "at": now_input(),
                            "satisfaction": "satisfied",
                        },
                    )
                    self.assertEqual(response.status_code, 403)
                    self.assertEqual(self.state(complaint), before)

    def test_it_sends_anonymous_users_to_log_in(self):
        complaint = self.complaint(Stage.FOUND)
        for url in (
            reverse("projects:complaint-board"),
            reverse("projects:complaint-list"),
            reverse("projects:complaint-create"),
            complaint.get_absolute_url(),
            self.url("dispatch", complaint),
        ):
            with self.subTest(url):
                self.assertRedirects(self.client.get(url), f"{reverse('login')}?next={url}")


class RefusedStepTests(ComplaintTestCase):
    def test_it_refuses_a_step_that_is_not_the_next_one_and_writes_nothing(self):
        self.client.force_login(self.administrator)
        cases = [
            # (complaint at, step posted, its data)
            (Stage.FOUND, "handle", {"action_taken": "越级处置"}),
            (Stage.FOUND, "evaluate", {"satisfaction": "satisfied"}),
            (
                Stage.DISPATCHED,
                "dispatch",
                {"assigned_unit": self.unit_b.pk, "deadline": "2030-01-01"},
            ),
            (Stage.DISPATCHED, "assess", {"item": ""}),
            (Stage.HANDLED, "handle", {"action_taken": "再处置一次"}),
            (Stage.ASSESSED, "evaluate", {"satisfaction": "unsatisfied"}),
        ]
        for stage, step, data in cases:
            complaint = self.complaint(stage)
            with self.subTest(stage=stage, step=step):
                before = self.state(complaint)
                page = self.client.post(
                    self.url(step, complaint),
                    {**data, "expected_version": complaint.version, "at": now_input()},
                    follow=True,
                )
                self.assertEqual(page.redirect_chain, [(complaint.get_absolute_url(), 302)])
                self.assertEqual(self.state(complaint), before)
                (message,) = self.messages(page)
                self.assertIn(complaint.number, message)
                if stage == Stage.ASSESSED:
                    self.assertIn("已办结", message)
                else:
                    self.assertIn(f"目前处于“{complaint.get_stage_display()}”", message)
                    self.assertIn("未作任何更改", message)

    def test_the_operations_refuse_a_wrong_stage_themselves(self):
        complaint = self.complaint(Stage.FOUND)
        before = self.state(complaint)
        with self.assertRaises(loop.WrongStage):
            loop.handle(complaint, self.administrator, action_taken="越级")
        with self.assertRaises(loop.WrongStage):
            loop.assess(complaint, self.administrator, item=self.late_item)
        self.assertEqual(self.state(complaint), before)

    def test_it_refuses_a_stale_version_and_lists_what_changed(self):
        complaint = self.complaint(Stage.FOUND)
        opened = complaint.version
        # Someone corrects the location after the administrator opened the page.
        changed = Complaint.objects.get(pk=complaint.pk)
        changed.location = "东渠三号桥"
        changed._history_user = self.colleague_a
        changed.save()
        self.client.force_login(self.administrator)
        data = {
            "assigned_unit": self.unit_a.pk,
            "deadline": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
            "expected_version": opened,
            "at": now_input(),
        }
        before = self.state(complaint)
        response = self.client.post(self.url("dispatch", complaint), data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.state(complaint), before)
        self.assertContains(response, "东渠三号桥")
        self.assertContains(response, "colleague_a")
        self.assertTrue(response.context["form"].non_field_errors())
        # The refused form carries the current version: saving again is deliberate.
        self.assertEqual(response.context["form"]["expected_version"].value(), changed.version)
        data["expected_version"] = changed.version
        self.assertRedirects(
            self.client.post(self.url("dispatch", complaint), data), complaint.get_absolute_url()
        )
        self.assertEqual(Complaint.objects.get(pk=complaint.pk).stage, Stage.DISPATCHED)

    def test_the_operations_refuse_a_stale_version_themselves(self):
        complaint = self.complaint(Stage.DISPATCHED)
        before = self.state(complaint)
        with self.assertRaises(loop.StaleComplaint):
            loop.handle(
                complaint,
                self.editor_a,
                action_taken="已清理",
                expected_version=complaint.version - 1,
            )
        self.assertEqual(self.state(complaint), before)

    def test_it_refuses_a_deadline_before_the_complaint_was_received(self):
        complaint = self.complaint(Stage.FOUND, received_at=local(2018, 6, 10))
        self.client.force_login(self.administrator)
        before = self.state(complaint)
        response = self.client.post(
            self.url("dispatch", complaint),
            {
                "assigned_unit": self.unit_a.pk,
                "deadline": "2018-06-09",
                "expected_version": complaint.version,
                "at": now_input(),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors["deadline"],
            ["完成时限不能早于投诉受理日期（2018年6月10日）。"],
        )
        self.assertEqual(self.state(complaint), before)

    def test_it_refuses_a_handling_without_the_action_taken_or_with_a_disguised_photo(self):
        complaint = self.complaint(Stage.DISPATCHED)
        self.client.force_login(self.editor_a)
        before = self.state(complaint)
        for data in (
            {"action_taken": "  "},
            {"action_taken": "已清理", "photos": [disguised_upload("处置后.jpg")]},
        ):
            response = self.client.post(
                self.url("handle", complaint),
                {**data, "expected_version": complaint.version, "at": now_input()},
            )
            self.assertEqual(response.status_code, 200)
            self.assertTrue(response.context["form"].errors)
            self.assertEqual(self.state(complaint), before)


class RecordingTests(ComplaintTestCase):
    def test_it_refuses_a_complaint_from_the_future_or_without_a_location(self):
        self.client.force_login(self.editor_a)
        future = timezone.localtime() + datetime.timedelta(days=1)
        response = self.client.post(
            reverse("projects:complaint-create"),
            {
                "source": "hotline",
                "received_at": future.strftime("%Y-%m-%dT%H:%M"),
                "location": "",
                "description": "渠边垃圾",
            },
        )
        self.assertEqual(response.status_code, 200)
        errors = response.context["form"].errors
        self.assertEqual(errors["received_at"], ["投诉受理时间不能晚于现在。"])
        self.assertIn("location", errors)
        self.assertFalse(Complaint.objects.exists())

    def test_it_lets_unit_editors_record_complaints_and_not_viewers(self):
        url = reverse("projects:complaint-create")
        self.client.force_login(self.viewer)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(self.client.post(url, {}).status_code, 403)
        board = self.client.get(reverse("projects:complaint-board"))
        self.assertNotContains(board, url)
        self.client.force_login(self.editor_b)
        self.assertContains(self.client.get(reverse("projects:complaint-board")), url)
        response = self.client.post(
            url,
            {
                "source": "patrol",
                "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "location": "乙站辖区排口",
                "description": "排口有污水直排",
            },
        )
        complaint = Complaint.objects.get()
        self.assertRedirects(response, complaint.get_absolute_url())
        self.assertEqual(complaint.created_by, self.editor_b)
        self.assertEqual(complaint.steps.get().user, self.editor_b)


class ReturnForRehandlingTests(ComplaintTestCase):
    def test_it_returns_an_unsatisfactory_handling_to_the_unit(self):
        complaint = self.complaint(Stage.HANDLED)
        new_deadline = timezone.localdate() + datetime.timedelta(days=2)
        self.client.force_login(self.administrator)
        response = self.client.post(
            self.url("evaluate", complaint),
            {
                "return": "1",
                "note": "现场复查仍有异味",
                "new_deadline": new_deadline.isoformat(),
                "expected_version": complaint.version,
                "at": now_input(),
            },
        )
        self.assertRedirects(response, complaint.get_absolute_url())
        complaint.refresh_from_db()
        self.assertEqual(complaint.stage, Stage.DISPATCHED)
        self.assertEqual(complaint.deadline, new_deadline)
        self.assertIsNone(complaint.handled_at)
        self.assertEqual(complaint.action_taken, "")
        step = complaint.steps.latest("at", "pk")
        self.assertEqual(
            (step.stage, step.user, step.note),
            (Stage.DISPATCHED, self.administrator, "现场复查仍有异味"),
        )
        page = self.client.get(complaint.get_absolute_url())
        self.assertContains(page, "退回重新处置")
        self.assertEqual([s.is_return for s in page.context["steps"]], [False, False, False, True])

        # The unit handles it again, and the evaluation goes on.
        loop.handle(complaint, self.editor_a, action_taken="再次清淤")
        loop.evaluate(complaint, self.administrator, satisfaction="basically")
        stages = list(complaint.steps.order_by("at", "pk").values_list("stage", flat=True))
        self.assertEqual(
            stages, ["found", "dispatched", "handled", "dispatched", "handled", "evaluated"]
        )

    def test_it_needs_a_reason_to_return_a_handling(self):
        complaint = self.complaint(Stage.HANDLED)
        self.client.force_login(self.administrator)
        before = self.state(complaint)
        response = self.client.post(
            self.url("evaluate", complaint),
            {"return": "1", "expected_version": complaint.version, "at": now_input()},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("note", response.context["form"].errors)
        self.assertEqual(self.state(complaint), before)


class AssessmentTests(ComplaintTestCase):
    def handled_complaint(self, handled_at, deadline, satisfaction="satisfied", unit=None):
        complaint = self.complaint(
            Stage.DISPATCHED,
            unit=unit,
            received_at=local(2018, 6, 20),
            deadline=deadline,
        )
        complaint = loop.handle(complaint, self.editor_a, action_taken="已清理")
        Complaint.objects.filter(pk=complaint.pk).update(handled_at=handled_at)
        complaint.refresh_from_db()
        return loop.evaluate(complaint, self.administrator, satisfaction=satisfaction)

    def assess(self, complaint, item):
        self.client.force_login(self.administrator)
        return self.client.post(
            self.url("assess", complaint),
            {
                "item": item.pk if item else "",
                "expected_version": complaint.version,
                "at": now_input(),
            },
        )

    def test_it_deducts_a_late_handling_in_the_stations_assessment_of_the_month_handled(self):
        # Handled just after midnight on 1 July, local time (UTC: still 30 June, 16:30).
        complaint = self.handled_complaint(local(2018, 7, 1, 0, 30), datetime.date(2018, 6, 25))
        self.client.force_login(self.administrator)
        page = self.client.get(complaint.get_absolute_url())
        self.assertEqual(page.context["form"].initial["item"], str(self.late_item.pk))
        self.assertEqual(page.context["late_days"], 6)
        self.assertContains(page, "甲市政站2018年7月")

        response = self.assess(complaint, self.late_item)
        self.assertRedirects(response, complaint.get_absolute_url())
        (deduction,) = Deduction.objects.all()
        self.assertEqual(deduction.assessment.station, self.unit_a)
        self.assertEqual(deduction.assessment.month, datetime.date(2018, 7, 1))
        self.assertEqual((deduction.item, deduction.occurrences), (self.late_item, 1))
        self.assertEqual(deduction.points, Decimal("3.0"))
        self.assertEqual(deduction.complaint, complaint)
        self.assertEqual(deduction.channel, self.channel)
        complaint.refresh_from_db()
        self.assertEqual(complaint.assessment_deduction, deduction)
        self.assertEqual(complaint.stage, Stage.ASSESSED)
        self.assertIsNotNone(complaint.closed_at)
        self.assertEqual(complaint.steps.latest("at", "pk").stage, Stage.ASSESSED)

    def test_it_adds_to_the_months_existing_assessment(self):
        existing = MonthlyAssessment.objects.create(
            station=self.unit_a, month=datetime.date(2018, 7, 1)
        )
        complaint = self.handled_complaint(
            local(2018, 7, 2), datetime.date(2018, 7, 5), satisfaction="unsatisfied"
        )
        self.client.force_login(self.administrator)
        page = self.client.get(complaint.get_absolute_url())
        self.assertEqual(page.context["form"].initial["item"], str(self.unsatisfied_item.pk))
        self.assess(complaint, self.unsatisfied_item)
        self.assertEqual(MonthlyAssessment.objects.count(), 1)
        self.assertEqual(Deduction.objects.get().assessment, existing)

    def test_it_suggests_nothing_for_an_on_time_satisfactory_handling_and_closes_it(self):
        complaint = self.handled_complaint(local(2018, 6, 21), datetime.date(2018, 6, 25))
        self.client.force_login(self.administrator)
        page = self.client.get(complaint.get_absolute_url())
        self.assertIsNone(page.context["form"].initial.get("item"))
        self.assertIsNone(page.context["suggested_item"])
        self.assess(complaint, None)
        complaint.refresh_from_db()
        self.assertEqual(complaint.stage, Stage.ASSESSED)
        self.assertIsNone(complaint.assessment_deduction)
        self.assertFalse(Deduction.objects.exists())
        self.assertFalse(MonthlyAssessment.objects.exists())

    def test_it_lets_the_assessor_choose_another_item_than_the_suggested_one(self):
        complaint = self.handled_complaint(local(2018, 6, 30), datetime.date(2018, 6, 25))
        self.assess(complaint, self.unsatisfied_item)
        self.assertEqual(Deduction.objects.get().item, self.unsatisfied_item)

    def test_it_refuses_to_deduct_from_a_unit_that_is_not_a_station(self):
        complaint = self.handled_complaint(
            local(2018, 6, 30), datetime.date(2018, 6, 25), unit=self.street
        )
        self.client.force_login(self.administrator)
        page = self.client.get(complaint.get_absolute_url())
        self.assertFalse(page.context["deductible"])
        before = self.state(complaint)
        response = self.assess(complaint, self.late_item)
        self.assertEqual(response.status_code, 200)
        (error,) = response.context["form"].errors["item"]
        self.assertIn("东街街道不是市政站", error)
        self.assertEqual(self.state(complaint), before)
        # Not counted, it closes.
        self.assertRedirects(self.assess(complaint, None), complaint.get_absolute_url())

    def test_it_refuses_to_add_to_a_final_assessment(self):
        MonthlyAssessment.objects.create(
            station=self.unit_a, month=datetime.date(2018, 6, 1), status="final"
        )
        complaint = self.handled_complaint(local(2018, 6, 30), datetime.date(2018, 6, 25))
        before = self.state(complaint)
        response = self.assess(complaint, self.late_item)
        self.assertEqual(response.status_code, 200)
        self.assertIn("已定稿", response.context["form"].errors["item"][0])
        self.assertEqual(self.state(complaint), before)


class OverdueTests(ComplaintTestCase):
    def setUp(self):
        super().setUp()
        today = timezone.localdate()
        ago = timezone.now() - datetime.timedelta(days=10)
        day = datetime.timedelta(days=1)
        self.overdue = self.complaint(
            Stage.DISPATCHED, deadline=today - day, received_at=ago, location="逾期一号"
        )
        self.overdue_b = self.complaint(
            Stage.DISPATCHED,
            unit=self.unit_b,
            deadline=today - 3 * day,
            received_at=ago,
            location="逾期二号",
        )
        self.due_soon = self.complaint(Stage.DISPATCHED, deadline=today + 3 * day)
        self.due_today = self.complaint(Stage.DISPATCHED, deadline=today)
        self.later = self.complaint(Stage.DISPATCHED, deadline=today + 30 * day)
        # Handled after its deadline passed: late, but no longer overdue.
        self.handled = self.complaint(
            Stage.HANDLED, deadline=today - day, received_at=ago, location="已处置"
        )

    def test_the_overdue_helper_finds_the_unhandled_complaints_past_their_deadline(self):
        self.assertEqual(list(queries.overdue_complaints()), [self.overdue_b, self.overdue])
        self.assertEqual(list(queries.overdue_complaints(unit=self.unit_a)), [self.overdue])
        self.assertEqual(list(queries.overdue_complaints(unit=self.unit_b.pk)), [self.overdue_b])
        self.assertTrue(self.overdue.overdue)
        self.assertFalse(self.handled.overdue)

    def test_the_due_within_helper_finds_the_deadlines_coming_up(self):
        self.assertEqual(list(queries.complaints_due_within(7)), [self.due_today, self.due_soon])
        self.assertEqual(list(queries.complaints_due_within(2)), [self.due_today])
        self.assertEqual(list(queries.complaints_due_within(7, unit=self.unit_b)), [])
        self.assertEqual(
            list(
                queries.complaints_due_within(2, today=timezone.localdate() + datetime.timedelta(1))
            ),
            [self.due_soon],
        )

    def test_the_board_flags_overdue_complaints_in_red(self):
        self.client.force_login(self.viewer)
        page = self.client.get(reverse("projects:complaint-board"))
        content = page.content.decode()
        for complaint in (self.overdue, self.overdue_b):
            card = card_html(content, complaint)
            self.assertIn('class="complaint-card overdue"', card)
            self.assertIn('<span class="badge badge-overdue">已超期</span>', card)
        for complaint in (self.due_soon, self.handled):
            card = card_html(content, complaint)
            self.assertNotIn("overdue", card)
            self.assertNotIn("已超期", card)
        self.assertIn("超期 3 天", card_html(content, self.overdue_b))
        columns = {c["stage"]: c for c in page.context["columns"]}
        self.assertEqual(columns["dispatched"]["count"], 5)
        self.assertEqual(columns["handled"]["count"], 1)
        # Overdue first in their column: the earliest deadline leads.
        self.assertEqual(columns["dispatched"]["cards"][0], self.overdue_b)

    def test_the_board_filters_by_overdue_and_unit(self):
        self.client.force_login(self.viewer)
        board = reverse("projects:complaint-board")
        page = self.client.get(board, {"overdue": "True"})
        cards = [c for column in page.context["columns"] for c in column["cards"]]
        self.assertEqual(sorted(c.pk for c in cards), sorted([self.overdue.pk, self.overdue_b.pk]))
        page = self.client.get(board, {"overdue": "True", "assigned_unit": self.unit_b.pk})
        cards = [c for column in page.context["columns"] for c in column["cards"]]
        self.assertEqual(cards, [self.overdue_b])

    def test_the_list_flags_and_filters_overdue_complaints_and_exports_them(self):
        self.client.force_login(self.viewer)
        url = reverse("projects:complaint-list")
        page = self.client.get(url, {"overdue": "True"})
        self.assertEqual(
            sorted(row.record.pk for row in page.context["table"].rows),
            sorted([self.overdue.pk, self.overdue_b.pk]),
        )
        export = self.client.get(url, {"_export": "csv", "overdue": "True"})
        rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
        self.assertEqual(len(rows), 3)
        numbers = {row[0] for row in rows[1:]}
        self.assertEqual(numbers, {self.overdue.number, self.overdue_b.number})
        self.assertTrue(all(row[9] == "已超期" for row in rows[1:]))


def card_html(content, complaint):
    start = content.index(f'data-number="{complaint.number}"')
    start = content.rindex("<li", 0, start)
    return content[start : content.index("</li>", start)]


class StatisticsTests(ComplaintTestCase):
    def add(self, unit, received_at, handled_at=None, satisfaction="", stage=None, deadline=None):
        stage = stage or (Stage.HANDLED if handled_at else Stage.DISPATCHED)
        return Complaint.objects.create(
            source="hotline",
            location="统计用",
            description="统计用",
            received_at=received_at,
            assigned_unit=unit,
            deadline=deadline,
            handled_at=handled_at,
            satisfaction=satisfaction,
            stage=stage if unit else Stage.FOUND,
        )

    def test_it_counts_and_averages_the_handling_time_per_unit(self):
        past = timezone.localdate() - datetime.timedelta(days=1)
        a, b = self.unit_a, self.unit_b
        # Unit A: 2 days (satisfied, closed), 1 day (unsatisfied), one overdue not handled.
        self.add(a, local(2018, 6, 1), local(2018, 6, 3), "satisfied", Stage.ASSESSED)
        self.add(a, local(2018, 6, 1), local(2018, 6, 2), "unsatisfied", Stage.EVALUATED)
        self.add(a, local(2018, 6, 1), deadline=past)
        # Unit B: 12 hours, basically satisfied. And one not dispatched yet.
        self.add(b, local(2018, 6, 1, 8), local(2018, 6, 1, 20), "basically", Stage.EVALUATED)
        self.add(None, local(2018, 6, 5))

        with self.assertNumQueries(1):
            rows = queries.unit_statistics()
        table = {
            row.unit_name: (
                row.count,
                row.open,
                row.overdue,
                row.handled,
                row.average_handling,
                row.satisfied,
                row.basically,
                row.unsatisfied,
            )
            for row in rows
        }
        day = datetime.timedelta(days=1)
        self.assertEqual(
            table,
            {
                "甲市政站": (3, 2, 1, 2, 1.5 * day, 1, 0, 1),
                "乙市政站": (1, 1, 0, 1, 0.5 * day, 0, 1, 0),
                "未调配": (1, 1, 0, 0, None, 0, 0, 0),
            },
        )
        self.assertEqual([row.unit_id for row in rows], [a.pk, b.pk, None])

        self.client.force_login(self.viewer)
        page = self.client.get(reverse("projects:complaint-board"))
        units = page.context["tables"]["units"]
        cells = [[str(cell) for cell in row] for row in units.as_values()][1:]
        self.assertEqual(cells[0][:6], ["甲市政站", "3", "2", "1", "2", "1.5"])
        self.assertContains(page, "1.5 天")
        self.assertContains(page, "0.5 天")
        # The total: (2 + 1 + 0.5 days) over 3 handled complaints.
        self.assertContains(page, "1.2 天")
        # Filtered to one unit, the table counts that unit only.
        page = self.client.get(reverse("projects:complaint-board"), {"assigned_unit": b.pk})
        names = [row.unit_name for row in page.context["tables"]["units"].data]
        self.assertEqual(names, ["乙市政站"])

    def test_it_exports_the_counts_per_unit(self):
        self.add(self.unit_a, local(2018, 6, 1), local(2018, 6, 3), "satisfied")
        self.client.force_login(self.viewer)
        export = self.client.get(
            reverse("projects:complaint-board"), {"_export": "csv", "_table": "units"}
        )
        rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
        self.assertEqual(rows[1][:6], ["甲市政站", "1", "1", "0", "1", "2.0"])


class QueryCountTests(ComplaintTestCase):
    """The board, the list and a complaint's page cost the same whatever the number of
    complaints, steps and photos."""

    # Every page: session, user, and the user's permissions (2).
    EXPECTED = {
        # unit and channel filter options; counts per stage; each stage's first cards (one
        # query a stage: four); counts per unit
        "board": 12,
        # count, page, unit, channel and outfall filter options
        "list": 9,
        # the complaint with its unit, channel, problem, recorder and deduction; steps with
        # users; their photos; its reports; the patrols that opened it (their photos only
        # when there are)
        "detail viewer": 9,
        # + the editor's unit (may they handle?)
        "detail editor": 10,
        # + the dispatch form's units
        "detail administrator found": 10,
        # + the assessment items of the 考核 form
        "detail administrator evaluated": 10,
    }

    def add_complaints(self, n):
        today = timezone.localdate()
        made = []
        for i in range(n):
            stage = STAGE_ORDER[i % len(STAGE_ORDER)]
            deadline = today - datetime.timedelta(days=1) if i % 2 else None
            made.append(
                self.complaint(
                    stage,
                    unit=self.unit_a if i % 10 < 5 else self.unit_b,
                    deadline=deadline,
                    received_at=timezone.now() - datetime.timedelta(days=10),
                    location=f"测试点{i}",
                )
            )
        for complaint in made[:4]:
            step = complaint.steps.first()
            attach_photos(step, [photo_upload()], Photo.Phase.BEFORE)
        return made

    def pages(self, made):
        found = next(c for c in made if c.stage == Stage.FOUND)
        dispatched_a = next(
            c for c in made if c.stage == Stage.DISPATCHED and c.assigned_unit == self.unit_a
        )
        evaluated = next(c for c in made if c.stage == Stage.EVALUATED)
        return [
            ("board", self.viewer, reverse("projects:complaint-board")),
            ("list", self.viewer, reverse("projects:complaint-list")),
            ("detail viewer", self.viewer, found.get_absolute_url()),
            ("detail editor", self.editor_a, dispatched_a.get_absolute_url()),
            ("detail administrator found", self.administrator, found.get_absolute_url()),
            ("detail administrator evaluated", self.administrator, evaluated.get_absolute_url()),
        ]

    def assert_query_counts(self, made):
        for label, user, url in self.pages(made):
            self.client.force_login(user)
            with self.subTest(label), self.assertNumQueries(self.EXPECTED[label]):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)

    def test_it_pins_the_pages_with_a_few_complaints(self):
        self.assert_query_counts(self.add_complaints(5))

    def test_it_pins_the_pages_with_many_complaints(self):
        self.assert_query_counts(self.add_complaints(40))


class BoundedBoardTests(ComplaintTestCase):
    """Each column of the board hands the template at most ``BOARD_COLUMN_LIMIT`` cards
    whatever the stage holds, says how many there are in all and links to the list filtered
    to its stage (and the board's filters), which holds every one of them."""

    def add_open(self, n, start=0):
        """``n`` complaints at each stage of open work, every other dispatched one overdue."""
        today = timezone.localdate()
        Complaint.objects.bulk_create(
            Complaint(
                number=f"TS-2026-8{start + i:03d}{index}",
                source=Complaint.Source.HOTLINE,
                received_at=timezone.now() - datetime.timedelta(days=3),
                location=f"看板测试点{start + i}",
                description="看板测试",
                stage=stage,
                assigned_unit=None if stage == Stage.FOUND else self.unit_a,
                deadline=None
                if stage == Stage.FOUND
                else today + datetime.timedelta(days=-1 if i % 2 else 3),
            )
            for i in range(n)
            for index, stage in enumerate(STAGE_ORDER[:-1])
        )

    def board(self, **query):
        self.client.force_login(self.viewer)
        response = self.client.get(reverse("projects:complaint-board"), query)
        self.assertEqual(response.status_code, 200)
        return response

    def assert_bounded(self, response):
        columns = response.context["columns"]
        self.assertEqual([column["stage"] for column in columns], STAGE_ORDER[:-1])
        for column in columns:
            with self.subTest(column["stage"]):
                in_db = Complaint.objects.filter(stage=column["stage"]).count()
                self.assertGreater(in_db, BOARD_COLUMN_LIMIT)
                self.assertEqual(len(column["cards"]), BOARD_COLUMN_LIMIT)
                self.assertEqual(column["count"], in_db)
        # Overdue counted over every open complaint, not only the cards shown.
        self.assertEqual(
            response.context["overdue_count"], Complaint.objects.filter(queries.overdue_q()).count()
        )
        self.assertEqual(
            response.content.decode().count('class="complaint-card'),
            BOARD_COLUMN_LIMIT * len(columns),
        )

    def test_a_column_shows_at_most_the_limit_whatever_the_stage_holds(self):
        self.assertEqual(BOARD_COLUMN_LIMIT, 20)
        self.add_open(BOARD_COLUMN_LIMIT + 5)
        self.assert_bounded(self.board())
        self.add_open(3 * BOARD_COLUMN_LIMIT, start=100)
        response = self.board()
        self.assert_bounded(response)
        # The overdue, earliest deadline first, lead the dispatched column.
        dispatched = response.context["columns"][1]["cards"]
        self.assertTrue(all(card.overdue for card in dispatched))

    def test_a_columns_all_link_lists_every_complaint_at_its_stage(self):
        self.add_open(BOARD_COLUMN_LIMIT + 5)
        response = self.board(assigned_unit=self.unit_a.pk)
        html = response.content.decode()
        for column in response.context["columns"][1:]:
            with self.subTest(column["stage"]):
                count = column["count"]
                self.assertEqual(
                    count,
                    Complaint.objects.filter(
                        stage=column["stage"], assigned_unit=self.unit_a
                    ).count(),
                )
                link = f'<a href="{escape(column["more_url"])}">在列表中查看全部 {count} 件'
                self.assertIn(link, html)
                listed = self.client.get(column["more_url"])
                self.assertEqual(listed.context["table"].paginator.count, count)
                self.assertEqual(
                    {row.record.stage for row in listed.context["table"].page.object_list},
                    {column["stage"]},
                )
                form = listed.context["filter"].form
                self.assertEqual(form.cleaned_data["assigned_unit"], self.unit_a)
        # 发现: nothing is assigned at that stage, so the unit's filter leaves none.
        self.assertEqual(response.context["columns"][0]["count"], 0)
