"""Choices over big tables are search boxes: the complaint and patrol forms hold the chosen
option only, whatever the number of channels and problems, and ``/lookup/<kind>/?q=…`` answers
what is typed — at most 20 matches, in a fixed number of queries, for logged-in users only. The
posted id is still checked against the whole table. In a real browser: type part of a channel's
name, pick it, save the complaint."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import Channel, Complaint, PatrolPost, Plan, Problem, Project, ResponsibleUnit
from projects.services import complaints as loop
from tests.browser import log_in, restore_migrated_data
from tests.test_editing import EditingTestCase, make_role_users

COMPLAINT_CREATE = reverse("projects:complaint-create")
PATROL_CREATE = reverse("projects:patrol-create")


def lookup(kind, **query):
    return reverse("projects:lookup", args=[kind]), query


def add_channels(n, prefix="测试排洪渠"):
    """``n`` channels, each with a plan and a problem: the city's size in a small way."""
    channels = Channel.objects.bulk_create(Channel(name=f"{prefix}{i:03d}") for i in range(n))
    plans = Plan.objects.bulk_create(Plan(channel=c) for c in channels)
    Problem.objects.bulk_create(
        Problem(plan=p, title=f"{p.channel.name}排口污水直排", category="sewage") for p in plans
    )
    return channels


def options(response):
    return len(re.findall(r"<option\b", response.content.decode()))


class LookupTestCase(EditingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.problem_105 = Problem.objects.filter(plan__channel=cls.g105).first()

    def setUp(self):
        self.client.force_login(self.administrator)


class FormSizeTests(LookupTestCase):
    def test_the_complaint_form_does_not_grow_with_the_channels(self):
        before = self.client.get(COMPLAINT_CREATE)
        add_channels(500)
        after = self.client.get(COMPLAINT_CREATE)
        self.assertEqual(options(after), options(before))
        self.assertLess(options(after), 30)  # the sources, and an empty choice per search box
        self.assertContains(after, f'data-lookup="{reverse("projects:lookup", args=["channels"])}"')
        self.assertContains(after, 'data-lookup-from="id_channel"')
        self.assertContains(after, 'data-lookup-placeholder="输入名称的一部分进行搜索"')

    def test_the_patrol_form_does_not_grow_with_the_channels_a_post_covers(self):
        post = PatrolPost.objects.create(station=self.unit_a, name="全区岗")
        post.channels.add(self.g105)
        small = self.client.get(PATROL_CREATE)
        # A few places: the list as before, with the post's channel in it.
        self.assertContains(
            small, f'<option value="{self.g105.pk}" selected>105国道排洪渠</option>'
        )
        post.channels.add(*add_channels(500))
        big = self.client.get(PATROL_CREATE)
        self.assertLessEqual(options(big), options(small))
        self.assertContains(big, 'data-lookup-from="id_post" data-lookup-param="post"')
        self.assertNotContains(big, "测试排洪渠000")

    def test_the_dispatch_form_and_the_patrol_lists_filters_search_when_the_lists_are_long(self):
        complaint = loop.open_complaint(
            self.administrator,
            source=Complaint.Source.HOTLINE,
            received_at=timezone.now(),
            location="桥下",
            channel=self.g105,
            description="渠水发黑",
        )
        short = self.client.get(complaint.get_absolute_url())
        self.assertContains(short, "甲市政站</option>")  # a few units: the list as before
        ResponsibleUnit.objects.bulk_create(
            ResponsibleUnit(name=f"测试单位{i:03d}", kind="other") for i in range(100)
        )
        long = self.client.get(complaint.get_absolute_url())
        self.assertLessEqual(options(long), options(short))
        self.assertContains(long, f'data-lookup="{reverse("projects:lookup", args=["units"])}"')

        post = PatrolPost.objects.create(station=self.unit_a, name="全区岗")
        post.channels.add(*add_channels(100))
        patrols = self.client.get(reverse("projects:patrol-list"))
        self.assertNotContains(patrols, "测试排洪渠000")
        self.assertContains(patrols, 'data-lookup="/lookup/channels/"')
        chosen = Channel.objects.get(name="测试排洪渠042")
        patrols = self.client.get(reverse("projects:patrol-list"), {"channel": chosen.pk})
        self.assertContains(patrols, f'<option value="{chosen.pk}" selected>测试排洪渠042</option>')

    def test_the_list_pages_filters_do_not_grow_with_the_channels_and_units(self):
        pages = [
            reverse("projects:project-list"),
            reverse("projects:channel-list"),
            reverse("projects:pipes"),
        ]
        before = [options(self.client.get(url)) for url in pages]
        channels = add_channels(200)
        project = Project.objects.create(name="测试项目", stream=4)
        project.channels.add(*channels)
        ResponsibleUnit.objects.bulk_create(
            ResponsibleUnit(name=f"测试街道{i:03d}", kind="street") for i in range(200)
        )
        for url, count in zip(pages, before, strict=True):
            with self.subTest(url):
                after = self.client.get(url)
                self.assertLessEqual(options(after), count)
                self.assertContains(after, "data-lookup=")


class EndpointTests(LookupTestCase):
    def test_a_chinese_query_gives_at_most_twenty_matches_by_name(self):
        add_channels(30)
        url, query = lookup("channels", q="测试排洪")
        found = self.client.get(url, query).json()
        self.assertEqual([row["text"] for row in found], [f"测试排洪渠{i:03d}" for i in range(20)])
        self.assertEqual(found[0]["id"], Channel.objects.get(name="测试排洪渠000").pk)
        found = self.client.get(*lookup("channels", q="105国道")).json()
        self.assertEqual(found, [{"id": self.g105.pk, "text": "105国道排洪渠"}])

    def test_a_lookup_takes_the_same_queries_for_five_or_five_hundred_channels(self):
        add_channels(5, prefix="甲渠")
        counts = []
        for more in (0, 500):
            add_channels(more, prefix="乙渠")
            for kind in ("channels", "problems", "units", "posts", "patrol-channels"):
                with CaptureQueriesContext(connection) as queries:
                    self.client.get(*lookup(kind, q="渠"))
                counts.append(len(queries))
        self.assertEqual(counts[:5], counts[5:])
        self.assertLessEqual(max(counts), 6)  # session, user, groups…, and one for the rows

    def test_the_problems_of_a_channel(self):
        found = self.client.get(*lookup("problems", channel=self.g105.pk)).json()
        titles = set(
            Problem.objects.filter(plan__channel=self.g105).values_list("title", flat=True)
        )
        self.assertEqual({row["text"] for row in found}, titles)
        # Without a channel the text names it.
        found = self.client.get(*lookup("problems", q=self.problem_105.title)).json()
        self.assertIn(
            {"id": self.problem_105.pk, "text": f"105国道排洪渠 · {self.problem_105.title}"}, found
        )

    def test_posts_are_those_the_user_may_record_on(self):
        a = PatrolPost.objects.create(station=self.unit_a, name="甲岗")
        a.channels.add(self.g105)
        b = PatrolPost.objects.create(station=self.unit_b, name="乙岗")
        b.channels.add(self.zaobei)
        self.client.force_login(self.editor_a)
        self.assertEqual(
            self.client.get(*lookup("posts")).json(), [{"id": a.pk, "text": "甲市政站 · 甲岗"}]
        )
        found = self.client.get(*lookup("patrol-channels", q="排洪渠")).json()
        self.assertEqual(found, [{"id": self.g105.pk, "text": "105国道排洪渠"}])
        self.client.force_login(self.administrator)
        found = self.client.get(*lookup("patrol-channels", post=b.pk)).json()
        self.assertEqual(found, [{"id": self.zaobei.pk, "text": "造贝排洪渠"}])

    def test_anonymous_users_are_sent_to_log_in(self):
        self.client.logout()
        url, query = lookup("channels", q="105")
        response = self.client.get(url, query)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("login")))

    def test_an_unknown_kind_is_not_found(self):
        self.assertEqual(
            self.client.get(reverse("projects:lookup", args=["users"])).status_code, 404
        )


class PostingTests(LookupTestCase):
    def test_a_patrol_on_one_of_many_channels_is_saved_and_one_outside_the_post_refused(self):
        post = PatrolPost.objects.create(station=self.unit_a, name="全区岗")
        channels = add_channels(100)
        post.channels.add(*channels[:99])
        data = {
            "post": post.pk,
            "pumping_station": "",
            "kind": "inspection",
            "patrolled_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "patroller": "张工",
            "findings": "",
            "action_taken": "",
        }
        response = self.client.post(PATROL_CREATE, {**data, "channel": channels[99].pk})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors["channel"],
            ["测试排洪渠099不在岗位“全区岗”的巡查范围内。"],
        )
        self.assertContains(
            response, f'<option value="{channels[99].pk}" selected>测试排洪渠099</option>'
        )
        response = self.client.post(PATROL_CREATE, {**data, "channel": channels[42].pk})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(post.records.get().channel, channels[42])

    def data(self, **changes):
        return {
            "source": "hotline",
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "complainant": "",
            "contact": "",
            "location": "桥下",
            "channel": "",
            "problem": "",
            "description": "渠水发黑",
            **changes,
        }

    def test_a_chosen_channel_among_many_is_saved(self):
        channel = add_channels(500)[321]
        response = self.client.post(COMPLAINT_CREATE, self.data(channel=channel.pk))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Complaint.objects.get().channel, channel)

    def test_a_bad_id_gets_the_fields_message_and_the_choice_is_kept(self):
        # 2**63: more than the database's integers hold.
        for bad in (999999, 9223372036854775808):
            response = self.client.post(COMPLAINT_CREATE, self.data(channel=bad))
            self.assertEqual(response.status_code, 200)
            self.assertEqual(
                response.context["form"].errors["channel"],
                ["选择一个有效的选项： 该选择不在可用的选项中。"],
            )
        response = self.client.post(
            COMPLAINT_CREATE,
            self.data(channel=self.g105.pk, problem=self.problem_105.pk, description=""),
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response, f'<option value="{self.g105.pk}" selected>105国道排洪渠</option>'
        )
        self.assertContains(
            response,
            f'<option value="{self.problem_105.pk}" selected>{self.problem_105.title}</option>',
        )
        self.assertFalse(Complaint.objects.exists())


@pytest.mark.django_db(transaction=True)
def test_a_channel_is_found_by_typing_and_the_complaint_saved(live_server, page):
    restore_migrated_data()
    people = type("People", (), {})()
    make_role_users(people)
    add_channels(60)
    channel = Channel.objects.create(name="东排洪渠")
    log_in(page, live_server, "manager", "manager-pass-1")
    page.goto(f"{live_server.url}{COMPLAINT_CREATE}")
    page.locator("#id_source").select_option("hotline")
    page.locator("#id_location").fill("东渠二号桥下")
    page.locator("#id_description").fill("桥下渠水发黑发臭")
    box = page.get_by_label("排洪渠", exact=True)
    expect(box).to_have_attribute("placeholder", "输入名称的一部分进行搜索")
    box.fill("东排")
    match = page.get_by_role("option", name="东排洪渠")
    expect(match).to_be_visible()
    box.press("ArrowDown")
    box.press("Enter")
    expect(box).to_have_value("东排洪渠")
    page.locator("form.complaint-form button[type=submit]").click()
    page.wait_for_url("**/complaints/*/")
    assert Complaint.objects.get().channel == channel
