"""Empty pages say what is missing and what to do next: the sewer priority lists and the survey
coverage (import inspections), the patrol pages (add a patrol post in the administration,
record a patrol), the complaint board and list (record a complaint). The link is offered to the
roles that may follow it; a viewer reads the explanation and who can do it, without the link.
A list that is empty only because of its filters says so and offers to show all."""

import datetime

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.models import Channel, Complaint, PatrolPost, PatrolRecord, ResponsibleUnit

from .factories import add_sewer_records
from .test_editing import make_role_users

IMPORT_INSPECTIONS = reverse("projects:import-upload", args=["inspections"])
ADD_POST = reverse("admin:projects_patrolpost_add")
RECORD_PATROL = reverse("projects:patrol-create")
RECORD_COMPLAINT = reverse("projects:complaint-create")


def empty_state(response):
    """The empty-state box of a page (its topic and HTML), or (None, "") when it has none."""
    html = response.content.decode()
    if 'class="empty-state"' not in html:
        return None, ""
    box = html.split('class="empty-state"')[1].split("</div>")[0]
    return box.split('data-empty="')[1].split('"')[0], box


class EmptyPageTestCase(TestCase):
    """The article's data (no inspection records, no patrol post, no complaint) and the three
    roles: a viewer, a unit editor of station 甲 and an administrator with staff status."""

    fixtures = ["xiangzhou_2018"]

    @classmethod
    def setUpTestData(cls):
        make_role_users(cls)
        cls.roles = [cls.viewer, cls.editor_a, cls.administrator]
        cls.g105 = Channel.objects.get(name="105国道排洪渠")

    def get(self, user, url, data=None):
        self.client.force_login(user)
        response = self.client.get(url, data or {})
        self.assertEqual(response.status_code, 200)
        return response

    def assert_next_step(self, url, topic, link, allowed, who):
        """Every role reads the ``topic`` box; those in ``allowed`` get ``link``, the others
        ``who`` (who can take the step) and no link. The link opens for whoever gets it."""
        for user in self.roles:
            with self.subTest(user.username, url=url):
                found, box = empty_state(self.get(user, url))
                self.assertEqual(found, topic)
                if user in allowed:
                    self.assertIn(f'href="{link}"', box)
                    self.assertNotIn("empty-who", box)
                    self.assertEqual(self.client.get(link).status_code, 200)
                else:
                    self.assertNotIn("href=", box)
                    self.assertIn(who, box)


class PipeNetworkTests(EmptyPageTestCase):
    def test_it_explains_the_empty_coverage_beside_the_campaigns_figures(self):
        response = self.get(self.viewer, reverse("projects:pipes"))
        topic, box = empty_state(response)
        self.assertEqual(topic, "coverage")
        # The article's campaign: 136 km by CCTV and 520 km by QV, none of it as records.
        self.assertIn("CCTV 检测 136 km", box)
        self.assertIn("QV 检测 520 km", box)
        self.assertIn("原文没有列出任何一条检测记录", box)
        # No table of zeros beside it.
        self.assertNotIn("所有检测方法", response.content.decode())

    def test_it_offers_the_import_to_editors_and_administrators_only(self):
        self.assert_next_step(
            reverse("projects:pipes"),
            "coverage",
            IMPORT_INSPECTIONS,
            allowed=[self.editor_a, self.administrator],
            who="责任单位编辑和管理员可导入检测记录",
        )

    def test_it_shows_the_coverage_once_inspections_are_stored(self):
        add_sewer_records()
        response = self.get(self.viewer, reverse("projects:pipes"))
        self.assertEqual(empty_state(response), (None, ""))
        self.assertContains(response, "所有检测方法")
        self.assertContains(response, "0.04")  # the 40 m segment, in km


class SegmentPriorityTests(EmptyPageTestCase):
    URLS = [reverse("projects:segment-priority"), reverse("projects:segment-maintenance")]

    def test_it_says_nothing_is_scored_and_offers_the_import(self):
        for url in self.URLS:
            self.assert_next_step(
                url,
                "segments",
                IMPORT_INSPECTIONS,
                allowed=[self.editor_a, self.administrator],
                who="责任单位编辑和管理员可导入检测记录",
            )

    def test_it_lists_the_scored_segments_and_says_when_filters_match_none(self):
        segment = add_sewer_records()
        for url in self.URLS:
            with self.subTest(url):
                response = self.get(self.viewer, url)
                self.assertEqual(empty_state(response), (None, ""))
                self.assertContains(response, segment.code)
                # As the browser sends the filter form: every field, only the search filled.
                form = {"q": "不存在的管段", "street": "", "structural_grade": ""}
                form.update(functional_grade="", method="")
                filtered = self.get(self.viewer, url, form)
                topic, box = empty_state(filtered)
                self.assertEqual(topic, "filtered")
                self.assertIn(f'href="{url}"', box)
                self.assertIn("显示全部", box)


class PatrolPageTests(EmptyPageTestCase):
    def add_post(self):
        post = PatrolPost.objects.create(station=self.unit_a, name="105渠岗")
        post.channels.add(self.g105)
        return post

    def test_it_asks_for_a_patrol_post_before_anything_else(self):
        for url in (reverse("projects:station-list"), reverse("projects:patrol-list")):
            self.assert_next_step(
                url,
                "posts",
                ADD_POST,
                allowed=[self.administrator],
                who="巡查岗位由管理员在后台管理",
            )

    def test_it_asks_an_administrator_without_staff_status_to_find_one(self):
        self.administrator.is_staff = False
        self.administrator.save()
        topic, box = empty_state(self.get(self.administrator, reverse("projects:station-list")))
        self.assertEqual(topic, "posts")
        self.assertNotIn("href=", box)

    def test_it_offers_to_record_a_patrol_once_a_post_exists(self):
        self.add_post()
        month = timezone.localdate()
        for url, topic in [
            (reverse("projects:station-list"), "month_patrols"),
            (reverse("projects:patrol-list"), "patrols"),
        ]:
            self.assert_next_step(
                url,
                topic,
                RECORD_PATROL,
                allowed=[self.editor_a, self.administrator],
                who="巡查由各市政站的责任单位编辑填报",
            )
        _topic, box = empty_state(self.get(self.viewer, reverse("projects:station-list")))
        self.assertIn(f"{month.year}年{month.month}月尚未填报巡查", box)

    def test_it_shows_no_next_step_once_patrols_are_recorded(self):
        post = self.add_post()
        PatrolRecord.objects.create(
            post=post, channel=self.g105, kind="inspection", patrolled_at=timezone.now()
        )
        for url in (reverse("projects:station-list"), reverse("projects:patrol-list")):
            with self.subTest(url):
                self.assertEqual(empty_state(self.get(self.viewer, url)), (None, ""))

    def test_it_says_when_the_patrol_filters_match_none(self):
        post = self.add_post()
        PatrolRecord.objects.create(
            post=post, channel=self.g105, kind="inspection", patrolled_at=timezone.now()
        )
        url = reverse("projects:patrol-list")
        # As the browser sends the form: every field, only the date range filled (2018).
        form = {"station": "", "post": "", "channel": "", "kind": "", "has_finding": ""}
        form.update(patrolled_after="2018-06-01", patrolled_before="2018-06-30")
        topic, box = empty_state(self.get(self.viewer, url, form))
        self.assertEqual(topic, "filtered")
        self.assertIn(f'href="{url}"', box)


class ComplaintPageTests(EmptyPageTestCase):
    def complaint(self, stage, **fields):
        return Complaint.objects.create(
            source=Complaint.Source.HOTLINE,
            location="105国道桥下",
            description="渠内有异味",
            channel=self.g105,
            stage=stage,
            received_at=timezone.make_aware(datetime.datetime(2018, 6, 1, 9)),
            **fields,
        )

    def test_it_offers_to_record_the_first_complaint(self):
        for url in (reverse("projects:complaint-board"), reverse("projects:complaint-list")):
            self.assert_next_step(
                url,
                "complaints",
                RECORD_COMPLAINT,
                allowed=[self.editor_a, self.administrator],
                who="责任单位编辑和管理员可登记投诉",
            )

    def test_the_empty_board_shows_no_empty_columns(self):
        response = self.get(self.viewer, reverse("projects:complaint-board"))
        self.assertNotContains(response, "board-column")
        self.assertNotContains(response, "各单位投诉")

    def test_it_says_when_every_complaint_is_closed(self):
        self.complaint(
            Complaint.Stage.ASSESSED,
            assigned_unit=self.unit_a,
            handled_at=timezone.make_aware(datetime.datetime(2018, 6, 3, 9)),
            closed_at=timezone.make_aware(datetime.datetime(2018, 6, 5, 9)),
        )
        response = self.get(self.editor_a, reverse("projects:complaint-board"))
        topic, box = empty_state(response)
        self.assertEqual(topic, "open_complaints")
        self.assertIn(f'href="{RECORD_COMPLAINT}"', box)
        # The counts per unit still show the closed one.
        self.assertContains(response, "各单位投诉件数与平均处置时长")
        units = response.context["tables"]["units"]
        self.assertEqual([(row.unit_name, row.count) for row in units.data], [("甲市政站", 1)])
        list_page = self.get(self.viewer, reverse("projects:complaint-list"))
        self.assertEqual(empty_state(list_page), (None, ""))
        self.assertContains(list_page, "105国道桥下")

    def test_it_says_when_the_complaint_filters_match_none(self):
        self.complaint(Complaint.Stage.FOUND)
        form = {"assigned_unit": "", "source": Complaint.Source.PUBLIC, "channel": ""}
        form["overdue"] = ""
        for url in (reverse("projects:complaint-board"), reverse("projects:complaint-list")):
            with self.subTest(url):
                data = dict(form, q="", stage="") if url.endswith("all/") else form
                topic, box = empty_state(self.get(self.viewer, url, data))
                self.assertEqual(topic, "filtered")
                self.assertIn(f'href="{url}"', box)
                # The same form sent untouched (全部 everywhere) lists the complaint.
                untouched = dict.fromkeys(data, "")
                self.assertEqual(empty_state(self.get(self.viewer, url, untouched)), (None, ""))

    def test_it_shows_the_board_once_a_complaint_is_open(self):
        self.complaint(Complaint.Stage.FOUND)
        response = self.get(self.viewer, reverse("projects:complaint-board"))
        self.assertEqual(empty_state(response), (None, ""))
        self.assertContains(response, "board-column")


class QueryCountTests(EmptyPageTestCase):
    """An empty page costs no more than a full one: the box reads what the page fetched,
    except the patrol list, which asks once whether any post exists."""

    def count(self, url):
        self.client.force_login(self.viewer)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(queries)

    def test_the_empty_pages_cost_what_the_full_ones_do(self):
        urls = {
            "pipes": reverse("projects:pipes"),
            "stations": reverse("projects:station-list"),
            "board": reverse("projects:complaint-board"),
        }
        empty = {name: self.count(url) for name, url in urls.items()}
        add_sewer_records(ResponsibleUnit.objects.create(name="前山镇", kind="street"))
        post = PatrolPost.objects.create(station=self.unit_a, name="105渠岗")
        post.channels.add(self.g105)
        PatrolRecord.objects.create(
            post=post, channel=self.g105, kind="inspection", patrolled_at=timezone.now()
        )
        Complaint.objects.create(
            source=Complaint.Source.HOTLINE, location="桥下", description="异味"
        )
        full = {name: self.count(url) for name, url in urls.items()}
        self.assertEqual(empty, full)
        for url in urls.values():
            self.assertEqual(empty_state(self.get(self.viewer, url)), (None, ""))
