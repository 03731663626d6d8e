"""Complaints linked both ways: a work order opened on patrol shows the patrol with its photos
and the patrol shows its work order; a channel's page lists its complaints (open first, a few,
with a link to all of them in the list); a complaint names the plan problem it concerns, and
the problem list shows the complaints of each problem."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from projects.models import Complaint, ComplaintStep, PatrolRecord, Photo, Problem
from projects.models.complaints import Stage
from projects.services import complaints as loop
from tests.photos import photo_upload
from tests.test_admin import form_data
from tests.test_patrols import CREATE as PATROL_CREATE
from tests.test_patrols import PatrolTestCase


class LinkTestCase(PatrolTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.problem_105 = Problem.objects.get(plan__channel=cls.g105)
        cls.problem_zaobei = Problem.objects.filter(plan__channel=cls.zaobei).first()

    def setUp(self):
        for model in (ComplaintStep, PatrolRecord):
            ContentType.objects.get_for_model(model)

    def open(self, channel, location, days_ago=1, stage=Stage.FOUND, problem=None):
        complaint = loop.open_complaint(
            self.administrator,
            source=Complaint.Source.HOTLINE,
            received_at=timezone.now() - datetime.timedelta(days=days_ago),
            location=location,
            channel=channel,
            problem=problem,
            description="渠面漂浮垃圾",
        )
        if stage == Stage.ASSESSED:
            complaint = loop.dispatch(
                complaint,
                self.administrator,
                assigned_unit=self.unit_a,
                deadline=timezone.localdate() + datetime.timedelta(days=3),
            )
            complaint = loop.handle(complaint, self.administrator, action_taken="已清理")
            complaint = loop.evaluate(complaint, self.administrator, satisfaction="satisfied")
            complaint = loop.assess(complaint, self.administrator)
        return complaint

    def record(self, **changes):
        """POST the complaint form as the browser sends it (every field, empty ones too)."""
        self.client.force_login(self.administrator)
        data = {
            "source": "hotline",
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "complainant": "",
            "contact": "",
            "location": "105国道桥下",
            "channel": self.g105.pk,
            "problem": "",
            "description": "渠水又脏又臭",
        }
        data.update(changes)
        return self.client.post(reverse("projects:complaint-create"), data)


class PatrolLinkTests(LinkTestCase):
    def test_a_work_order_opened_on_patrol_shows_the_patrol_and_its_photos(self):
        self.client.force_login(self.editor_a)
        response = self.client.post(
            PATROL_CREATE,
            self.finding_data(
                open_work_order="on",
                open_problem="on",
                problem_category=Problem.Category.SEWAGE,
                problem_severity=Problem.Severity.HIGH,
                before_photos=[photo_upload("漂浮物.jpg")],
                after_photos=[photo_upload("打捞后.jpg")],
            ),
        )
        self.assertEqual(response.status_code, 302)
        record = PatrolRecord.objects.get()
        order = record.complaint
        # The work order concerns the problem the same finding opened.
        self.assertEqual(order.problem, record.problem)

        self.client.force_login(self.viewer)
        page = self.client.get(order.get_absolute_url())
        self.assertEqual(page.context["patrols"], [record])
        self.assertContains(page, f'<a href="{record.get_absolute_url()}">')
        for photo in Photo.objects.filter(object_id=record.pk, content_type__model="patrolrecord"):
            self.assertContains(page, photo.get_thumbnail_url())
        self.assertContains(page, record.problem.title)
        # And the patrol's page leads to its work order.
        patrol = self.client.get(record.get_absolute_url())
        self.assertContains(patrol, f'<a href="{order.get_absolute_url()}">{order.number}</a>')

    def test_a_complaint_not_from_a_patrol_shows_no_patrol_section(self):
        complaint = self.open(self.g105, "桥下")
        self.client.force_login(self.viewer)
        page = self.client.get(complaint.get_absolute_url())
        self.assertEqual(page.context["patrols"], [])
        self.assertNotContains(page, 'id="patrols"')

    def test_the_complaint_page_costs_the_same_with_more_patrol_photos(self):
        self.client.force_login(self.editor_a)
        self.client.post(
            PATROL_CREATE,
            self.finding_data(open_work_order="on", before_photos=[photo_upload("a.jpg")]),
        )
        record = PatrolRecord.objects.get()
        self.client.force_login(self.viewer)
        url = record.complaint.get_absolute_url()
        self.client.get(url)
        with self.assertNumQueries(10) as few:
            # session, user, 2 permissions; complaint; steps; step photos; reports; patrols;
            # their photos
            self.client.get(url)
        ct = ContentType.objects.get_for_model(PatrolRecord)
        Photo.objects.bulk_create(
            Photo(content_type=ct, object_id=record.pk, phase="after", image="photos/t/x.jpg")
            for _ in range(5)
        )
        with self.assertNumQueries(len(few.captured_queries)):
            self.client.get(url)


class ChannelComplaintsTests(LinkTestCase):
    def test_the_channel_page_lists_its_complaints_open_first_and_links_to_all(self):
        # Twelve complaints on 105: the two latest closed, ten open; one on 造贝.
        open_ones = [self.open(self.g105, f"开放{i}", days_ago=10 + i) for i in range(10)]
        closed = [
            self.open(self.g105, f"已结{i}", days_ago=i + 1, stage=Stage.ASSESSED) for i in range(2)
        ]
        other = self.open(self.zaobei, "造贝桥")

        self.client.force_login(self.viewer)
        page = self.client.get(self.g105.get_absolute_url())
        shown = page.context["complaints"]
        self.assertEqual(page.context["complaint_count"], 12)
        # Open first (latest received first), at most ten: the closed ones are left to the list.
        self.assertEqual(shown, open_ones)
        for complaint in closed + [other]:
            self.assertNotContains(page, f'data-number="{complaint.number}"')
        self.assertContains(page, "本排洪渠全部 12 件投诉")
        list_url = f"{reverse('projects:complaint-list')}?channel={self.g105.pk}"
        self.assertContains(page, f'<a href="{list_url}">')

        # The link opens the list filtered by the channel: every one of its complaints.
        listed = self.client.get(list_url)
        self.assertEqual(
            sorted(row.record.pk for row in listed.context["table"].rows),
            sorted(c.pk for c in open_ones + closed),
        )

    def test_a_channel_without_complaints_says_so(self):
        self.client.force_login(self.viewer)
        page = self.client.get(self.zaobei.get_absolute_url())
        self.assertEqual(page.context["complaint_count"], 0)
        self.assertContains(page, "本排洪渠暂无投诉。")

    def test_the_channel_page_costs_the_same_with_many_complaints(self):
        self.open(self.g105, "桥下", problem=self.problem_105)
        # Every list of the plan holds a row (the article gives this plan no target or
        # responsibility; an empty list costs one query less: no page).
        self.g105.plan.targets.create(indicator="黑臭水体", target_value="不黑不臭")
        self.g105.plan.responsibilities.create(unit=self.unit_a, duty="日常管护")
        self.client.force_login(self.viewer)
        url = self.g105.get_absolute_url()
        self.client.get(url)
        with self.assertNumQueries(self.channel_page_queries()) as few:
            self.client.get(url)
        for i in range(15):
            self.open(self.g105, f"测试{i}", problem=self.problem_105 if i % 2 else None)
        with self.assertNumQueries(len(few.captured_queries)):
            self.client.get(url)

    def channel_page_queries(self):
        # tests/test_pages.py's count for a channel with a plan (25); it includes the
        # problems' complaints and the channel's complaints with their total
        return 25


class ProblemLinkTests(LinkTestCase):
    def test_a_complaint_names_its_channels_plan_problem_and_the_problem_lists_it(self):
        response = self.record(problem=self.problem_105.pk)
        complaint = Complaint.objects.get()
        self.assertRedirects(response, complaint.get_absolute_url())
        self.assertEqual(complaint.problem, self.problem_105)

        self.client.force_login(self.viewer)
        page = self.client.get(complaint.get_absolute_url())
        self.assertContains(
            page,
            f'<a href="{self.g105.get_absolute_url()}#problems">{self.problem_105.title}</a>',
        )
        channel = self.client.get(self.g105.get_absolute_url())
        row = next(
            r for r in channel.context["tables"]["problems"].rows if r.record == self.problem_105
        )
        self.assertIn(
            f'<a href="{complaint.get_absolute_url()}">{complaint.number}</a>',
            row.get_cell("complaints"),
        )
        # The problem list exports the complaints' numbers.
        export = self.client.get(
            self.g105.get_absolute_url(), {"_export": "csv", "_table": "problems"}
        )
        self.assertIn(complaint.number, export.content.decode("utf-8-sig"))

    def test_the_form_offers_the_problems_of_the_chosen_channel(self):
        self.client.force_login(self.administrator)
        page = self.client.get(reverse("projects:complaint-create"))
        # The problem box searches the chosen channel's problems (a city has thousands).
        self.assertContains(page, 'data-lookup-from="id_channel"')
        found = self.client.get(
            reverse("projects:lookup", args=["problems"]), {"channel": self.g105.pk, "q": ""}
        ).json()
        self.assertEqual([row["id"] for row in found], [self.problem_105.pk])

    def test_a_problem_of_another_channel_is_refused_and_the_entries_kept(self):
        response = self.record(problem=self.problem_zaobei.pk, complainant="陈女士")
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertEqual(
            form.errors["problem"],
            ["该问题属于造贝排洪渠的一河一策：请选择本投诉所在排洪渠的问题。"],
        )
        self.assertEqual(form["complainant"].value(), "陈女士")
        self.assertFalse(Complaint.objects.exists())

    def test_a_problem_without_a_channel_gives_the_complaint_its_channel(self):
        self.record(channel="", problem=self.problem_zaobei.pk)
        complaint = Complaint.objects.get()
        self.assertEqual((complaint.channel, complaint.problem), (self.zaobei, self.problem_zaobei))

    def test_the_admin_picks_the_problem_and_refuses_another_channels(self):
        root = get_user_model().objects.create_superuser("root", password="root-pass-1")
        complaint = self.open(self.g105, "桥下")
        self.client.force_login(root)
        url = reverse("admin:projects_complaint_change", args=[complaint.pk])
        page = self.client.get(url)
        self.assertContains(page, f"105国道排洪渠 · {self.problem_105.title}")
        data = form_data(page)
        data["problem"] = self.problem_zaobei.pk
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("该问题属于造贝排洪渠的一河一策", str(response.context["errors"]))
        data["problem"] = self.problem_105.pk
        self.assertEqual(self.client.post(url, data).status_code, 302)
        complaint.refresh_from_db()
        self.assertEqual(complaint.problem, self.problem_105)
