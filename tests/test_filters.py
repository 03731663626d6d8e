"""Every list page's filter form, sent as a browser sends it: each field with its default value
as the page renders it, then one field changed as a user would. An untouched form filters
nothing; each choice starts on “全部”."""

from html.parser import HTMLParser

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from projects.models import Channel, Complaint, Project, Stream

from .factories import add_operations_records

LIST_PAGES = (
    "projects:channel-list",
    "projects:project-list",
    "projects:batch-list",
    "projects:segment-priority",
    "projects:segment-maintenance",
    "projects:patrol-list",
    "projects:complaint-board",
    "projects:complaint-list",
    "projects:outfall-list",
)


class FilterForm(HTMLParser):
    """The GET form of class ``filters`` as a browser would submit it untouched: every input's
    value, every select's selected option (or its first, as browsers do)."""

    def __init__(self, html):
        super().__init__()
        self.inside = False
        self.fields = {}
        self.options = {}
        self.select = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "filters" in (attrs.get("class") or "").split():
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and attrs.get("name") and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields[attrs["name"]] = attrs.get("value", "")
        elif tag == "select":
            self.select = attrs["name"]
            self.options[self.select] = []
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            self.options[self.select].append(value)
            if "selected" in attrs or self.select not in self.fields:
                self.fields[self.select] = value

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "form":
            self.inside = False


class FilterFormTests(TestCase):
    fixtures = ["xiangzhou_2018"]

    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_user("viewer", password="x")
        channel = Channel.objects.get(name="造贝排洪渠")
        records = add_operations_records(channel)
        cls.patrol_complaint = Complaint.objects.create(
            source=Complaint.Source.PATROL,
            location="东渠闸口",
            channel=channel,
            description="巡查发现排口冒水",
            stage=Complaint.Stage.FOUND,
            received_at=timezone.now(),
        )
        cls.hotline_complaint = records["complaint"]

    def setUp(self):
        self.client.force_login(self.user)

    def form_of(self, name):
        response = self.client.get(reverse(name))
        self.assertEqual(response.status_code, 200)
        form = FilterForm(response.content.decode())
        self.assertTrue(form.fields, f"{name} has no filter form")
        return form

    def submit(self, name, **changes):
        form = self.form_of(name)
        for field in changes:
            self.assertIn(field, form.fields, f"{name} has no field {field}")
        response = self.client.get(reverse(name), {**form.fields, **changes})
        self.assertEqual(response.status_code, 200)
        return response

    def rows(self, response):
        return list(response.context["filter"].qs)

    def test_it_starts_every_choice_on_all(self):
        for name in LIST_PAGES:
            form = self.form_of(name)
            for select, options in form.options.items():
                with self.subTest(page=name, select=select):
                    self.assertEqual(options[0], "", "the first choice must be the empty 全部")
                    self.assertEqual(form.fields[select], "")

    def test_it_filters_nothing_when_the_form_is_sent_untouched(self):
        for name in LIST_PAGES:
            with self.subTest(page=name):
                everything = self.client.get(reverse(name)).context["filter"].qs
                untouched = self.rows(self.submit(name))
                self.assertEqual(sorted(r.pk for r in untouched), sorted(r.pk for r in everything))

    def test_it_says_all_in_chinese(self):
        response = self.client.get(reverse("projects:project-list"))
        self.assertContains(response, '<option value="" selected>全部</option>', html=True)

    def test_it_finds_the_three_nanping_channels(self):
        rows = self.rows(self.submit("projects:channel-list", q="南屏"))
        self.assertEqual(len(rows), 3)
        self.assertTrue(all("南屏" in (c.name + c.location) for c in rows))

    def test_it_finds_the_black_odorous_ungraded_channels(self):
        rows = self.rows(self.submit("projects:channel-list", condition="black_odorous"))
        self.assertEqual(len(rows), Channel.objects.filter(condition="black_odorous").count())
        self.assertGreater(len(rows), 1)

    def test_it_finds_every_channel_of_a_condition(self):
        for condition in Channel.Condition.values:
            with self.subTest(condition=condition):
                rows = self.rows(self.submit("projects:channel-list", condition=condition))
                expected = [
                    c.pk for c in Channel.objects.for_list() if c.current_condition == condition
                ]
                self.assertEqual(sorted(c.pk for c in rows), sorted(expected))

    def test_it_finds_the_remediation_projects(self):
        rows = self.rows(self.submit("projects:project-list", stream=str(Stream.REMEDIATE)))
        expected = set(Project.objects.filter(stream=Stream.REMEDIATE).values_list("pk", flat=True))
        self.assertTrue(expected)
        self.assertEqual({p.pk for p in rows}, expected)

    def test_it_still_filters_on_yes_and_no(self):
        yes = self.rows(self.submit("projects:channel-list", has_plan="True"))
        no = self.rows(self.submit("projects:channel-list", has_plan="False"))
        self.assertEqual(len(yes) + len(no), Channel.objects.count())
        self.assertTrue(all(c.has_plan for c in yes))
        self.assertFalse(any(c.has_plan for c in no))

    def test_it_finds_the_patrol_complaints(self):
        for name in ("projects:complaint-board", "projects:complaint-list"):
            with self.subTest(page=name):
                rows = self.rows(self.submit(name, source=Complaint.Source.PATROL))
                self.assertEqual([c.pk for c in rows], [self.patrol_complaint.pk])

    def test_it_refuses_a_made_up_choice_beside_the_field(self):
        response = self.client.get(reverse("projects:project-list"), {"overdue": "maybe"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("overdue", response.context["filter"].form.errors)


class DateFilterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_user("viewer", password="x")

    def test_it_refuses_a_year_one_date_beside_the_field(self):
        self.client.force_login(self.user)
        for value in ("0001-01-01", "9999-12-31"):
            with self.subTest(value=value):
                response = self.client.get(
                    reverse("projects:patrol-list"),
                    {"patrolled_after": value, "patrolled_before": ""},
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn("patrolled", response.context["filter"].form.errors)
                self.assertContains(response, "field-error")

    def test_it_filters_on_a_2018_range(self):
        self.client.force_login(self.user)
        response = self.client.get(
            reverse("projects:patrol-list"),
            {"patrolled_after": "2018-10-01", "patrolled_before": "2018-10-31"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.context["filter"].form.errors)
