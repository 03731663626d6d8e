"""The "needs attention" list (/attention/): every item of the dashboard's panel and of the daily
digests, in the user's scope, overdue first, filtered by kind and severity as the form sends
them, paginated in the database; and its query count, which does not grow with the data."""

import re
from collections import Counter

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.services.alert_rules import Kind, Severity
from projects.services.alerts import ItemRows, needs_attention
from projects.views.base import PER_PAGE

from .test_alerts import AlertsWorld, add_more

ATTENTION = reverse("projects:attention")


class AttentionListTests(AlertsWorld):
    def get(self, user, **query):
        self.client.force_login(user)
        response = self.client.get(ATTENTION, query)
        self.assertEqual(response.status_code, 200)
        return response

    def items(self, response):
        return list(response.context["table"].page.object_list.data)

    def test_it_lists_an_administrator_every_item_of_the_digests_overdue_first(self):
        response = self.get(self.administrator)
        digest = needs_attention(today=self.today)
        self.assertEqual(
            self.labels_in(response.content.decode()),
            {item.label for group in digest.groups for item in group.items},
        )
        items = self.items(response)
        self.assertEqual(len(items), len(digest))
        severities = [item.severity for item in items]
        self.assertEqual(severities, sorted(severities, key=Severity.values.index))
        # Each row names its unit, the unassigned ones as the administrators'.
        html = response.content.decode()
        self.assertIn("甲市政站", html)
        self.assertIn("未明确责任单位（由管理员处理）", html)

    def test_it_lists_a_unit_member_the_items_of_their_unit(self):
        response = self.get(self.editor_a)
        self.assertEqual(self.labels_in(response.content.decode()), self.labels_a)
        self.assertNotIn('data-column="unit"', response.content.decode())

    def test_it_refuses_a_user_without_unit_or_administration(self):
        self.client.force_login(self.viewer)
        self.assertEqual(self.client.get(ATTENTION).status_code, 403)

    def test_it_filters_by_kind_and_severity_as_the_form_sends_them(self):
        # The form as a browser sends it: every field, 全部 as an empty value.
        response = self.get(self.administrator, kind="task", severity="")
        self.assertEqual(
            self.labels_in(response.content.decode()),
            {
                "甲排洪渠 · 截污管道修复",
                "甲排洪渠 · 清淤",
                "乙排洪渠 · 生态修复",
                "乙排洪渠 · 曝气设备安装",
                "无主排洪渠 · 无牵头单位任务",
            },
        )
        response = self.get(self.administrator, kind="task", severity="due_soon")
        self.assertEqual(
            self.labels_in(response.content.decode()),
            {"甲排洪渠 · 清淤", "乙排洪渠 · 曝气设备安装"},
        )
        self.assertTrue(all(i.kind == Kind.TASK for i in self.items(response)))
        # The form shows what was chosen.
        form = response.context["filter"]["form"]
        self.assertEqual(form["kind"].value(), "task")
        self.assertIn('<option value="due_soon" selected>', response.content.decode())

    def test_a_value_the_form_does_not_offer_filters_nothing(self):
        response = self.get(self.administrator, kind="nothing")
        self.assertEqual(len(self.items(response)), len(needs_attention(today=self.today)))

    def test_its_counts_open_the_filtered_lists(self):
        html = self.get(self.editor_a).content.decode()
        links = re.findall(r'href="(/attention/\?kind=\w+&amp;severity=\w+)"', html)
        self.assertIn("/attention/?kind=task&amp;severity=overdue", links)
        self.assertIn("/attention/?kind=patrol&amp;severity=overdue", links)

    def test_it_pages_through_the_items_in_the_database(self):
        add_more(self, 20)  # 20 more of each kind for units A and B
        total = len(needs_attention(today=self.today))
        first = self.get(self.administrator)
        self.assertEqual(len(self.items(first)), PER_PAGE)
        self.assertEqual(first.context["table"].paginator.count, total)
        last_page = (total - 1) // PER_PAGE + 1
        last = self.get(self.administrator, page=last_page)
        self.assertEqual(len(self.items(last)), total - PER_PAGE * (last_page - 1))
        # The pages together are the whole list, each item once, in the order of the digest.
        labels = []
        for page in range(1, last_page + 1):
            labels += [i.label for i in self.items(self.get(self.administrator, page=page))]
        self.assertEqual(len(labels), total)
        self.assertEqual(len(set(labels)), total)

    def test_it_costs_the_same_queries_with_more_items(self):
        # Session, user, 2 permission queries (the administrator: every unit, no profile), the
        # counts by kind and severity, the page of items.
        for user, count in ((self.administrator, 6), (self.editor_a, 7)):
            self.client.force_login(user)
            with self.subTest(user.username), self.assertNumQueries(count):
                self.client.get(ATTENTION, {"kind": "", "severity": ""})
        add_more(self, 30)
        for user, count in ((self.administrator, 6), (self.editor_a, 7)):
            self.client.force_login(user)
            with self.subTest(user.username), self.assertNumQueries(count):
                response = self.client.get(ATTENTION, {"kind": "", "severity": ""})
            self.assertEqual(len(self.items(response)), PER_PAGE)


class ItemRowsSliceTests(AlertsWorld):
    """A slice of the list reads only the severities it can hold, and is the same slice of the
    whole list in the order of every list: across the boundaries of the severities too."""

    def keys(self, items):
        return [(item.kind, item.label, item.severity) for item in items]

    def test_every_slice_is_that_slice_of_the_whole_list(self):
        add_more(self, 6)
        rows = ItemRows(self.today, 7)
        whole = self.keys(rows[:])
        severities = [severity for _, _, severity in whole]
        self.assertEqual(severities, sorted(severities, key=Severity.values.index))
        # Each boundary between two severities, and slices around them.
        boundaries = [i for i in range(1, len(whole)) if severities[i] != severities[i - 1]]
        self.assertEqual(len(boundaries), 2)
        for start, stop in [(0, 10), (0, len(whole))] + [
            (b + shift, b + shift + width)
            for b in boundaries
            for shift in (-3, -1, 0, 1)
            for width in (1, 2, 5)
        ]:
            with self.subTest(start=start, stop=stop):
                self.assertEqual(self.keys(rows[start:stop]), whole[start:stop])

    def test_the_counts_are_the_whole_lists_tally_of_every_kind_and_severity(self):
        add_more(self, 6)
        for selection in ({}, {"unit": self.unit_a}, {"severity": Severity.DUE_SOON}):
            with self.subTest(selection=selection):
                rows = ItemRows(self.today, 7, **selection)
                alerts = needs_attention(self.today, 7, unit=selection.get("unit"))
                tally = Counter(
                    (item.kind, item.severity)
                    for group in alerts.groups
                    for item in group.items
                    if item.severity == selection.get("severity", item.severity)
                )
                self.assertEqual(rows.counts, dict(tally))
        # Among them a kind of one severity, of another, and of two (the rows less the overdue).
        counted = ItemRows(self.today, 7).counts
        for key in [
            (Kind.PATROL, Severity.OVERDUE),
            (Kind.GRADE, Severity.WORSENED),
            (Kind.TASK, Severity.OVERDUE),
            (Kind.TASK, Severity.DUE_SOON),
        ]:
            self.assertIn(key, counted)

    def test_the_first_items_read_no_severity_that_cannot_be_among_them(self):
        add_more(self, 12)  # more than ten overdue items: tasks and unpatrolled channels
        rows = ItemRows(self.today, 7)
        self.assertTrue(rows.counts)  # counted first, as the panel does
        with CaptureQueriesContext(connection) as queries:
            first = rows[:10]
        self.assertEqual({item.severity for item in first}, {Severity.OVERDUE})
        (read,) = [q["sql"] for q in queries.captured_queries]
        for kind in (Kind.TASK, Kind.COMPLAINT, Kind.PATROL):
            self.assertIn(f"'{kind.value}' AS", read)
        # Worsened channels are not read at all; of the kinds that have due-soon items too
        # (tasks, complaints), only the overdue ones: the tasks' rows, the complaints' rows and
        # their first few's cut (``alert_rules.FIRST_BY_PARTS``).
        self.assertNotIn(f"'{Kind.GRADE.value}' AS", read)
        self.assertEqual(read.count("END IN ('overdue')"), 3)
