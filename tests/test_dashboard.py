"""The dashboard's overview for the director: the black-odorous channels by name, worst first;
what is overdue, each count opening the filtered list it counts; the complaint figures; a
project table whose 已超期 column is never blank; a "needs attention" panel that counts its
items by kind and severity and shows the first ten; and a query count that does not grow with
the data."""

import csv
import datetime
import io
import re

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from projects.models import Channel, Complaint, Judgement, Project, Task
from projects.services.alert_rules import SEVERITY_RANK

from .factories import add_bulk
from .test_editing import make_role_users

DASHBOARD = reverse("projects:dashboard")
SEVERE, LIGHT = Channel.Condition.SEVERE, Channel.Condition.LIGHT
LINK = re.compile(r'<a href="(/channels/\d+/)">([^<]+)</a>')


def at(year, month, day, hour=9):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def card(html, card_id):
    """The HTML of the overview card ``card_id`` (black-odorous, overdue, complaint-figures)."""
    return html.split(f'id="{card_id}"')[1].split("</article>")[0]


def rows_of(response, name="table"):
    """The records on a list page's table (``table``) or a dashboard-style named table."""
    table = response.context[name] if name == "table" else response.context["tables"][name]
    return [row.record for row in (table.page if hasattr(table, "page") else table.rows)]


def make_complaint(location, stage, received_at, **fields):
    return Complaint.objects.create(
        source=Complaint.Source.HOTLINE,
        location=location,
        description="渠内有异味",
        stage=stage,
        received_at=received_at,
        **fields,
    )


class DashboardTestCase(TestCase):
    """The article's data plus: a severe and a light channel (recorded), a channel judged
    light from its samples (recorded unknown), a channel recorded severe but since judged clear;
    an overdue task, an overdue project, and four complaints — one overdue, one closed and
    satisfied after 2 days, one evaluated unsatisfied after 4 days, one received today."""

    fixtures = ["xiangzhou_2018"]

    @classmethod
    def setUpTestData(cls):
        make_role_users(cls)
        cls.roles = [cls.viewer, cls.editor_a, cls.administrator]
        cls.severe = Channel.objects.create(name="重度测试渠", condition=SEVERE)
        cls.light = Channel.objects.create(name="轻度测试渠", condition=LIGHT)
        cls.measured = Channel.objects.create(name="实测轻度渠")
        Judgement.objects.create(channel=cls.measured, grade=Judgement.Grade.LIGHT)
        cls.cleared = Channel.objects.create(name="已消除黑臭渠", condition=SEVERE)
        Judgement.objects.create(channel=cls.cleared, grade=Judgement.Grade.CLEAR)

        cls.late_task = Task.objects.get(plan__channel__name="105国道排洪渠")
        cls.late_task.status = Task.Status.IN_PROGRESS
        cls.late_task.deadline = datetime.date(2018, 6, 30)
        cls.late_task.save()
        cls.late_project = Project.objects.get(name="105国道排洪渠河道治理提升项目")
        cls.late_project.planned_end = datetime.date(2018, 12, 31)
        cls.late_project.save()
        cls.done_project = Project.objects.get(name="造贝排洪渠河道治理提升项目")
        cls.done_project.planned_end = datetime.date(2018, 1, 31)
        cls.done_project.save()
        cls.future_project = Project.objects.get(name="全区“一河一策”工作方案编制")
        cls.future_project.planned_end = datetime.date(2099, 12, 31)
        cls.future_project.save()
        cls.undated_project = Project.objects.get(name="前山河沿线排洪渠整治及生态修复项目")

        cls.late_complaint = make_complaint(
            "105国道桥下",
            Complaint.Stage.DISPATCHED,
            at(2018, 6, 20),
            assigned_unit=cls.unit_a,
            deadline=datetime.date(2018, 7, 1),
        )
        make_complaint(
            "造贝渠口",
            Complaint.Stage.ASSESSED,
            at(2018, 6, 1),
            assigned_unit=cls.unit_b,
            deadline=datetime.date(2018, 6, 10),
            handled_at=at(2018, 6, 3),
            satisfaction=Complaint.Satisfaction.SATISFIED,
            closed_at=at(2018, 6, 5),
        )
        make_complaint(
            "南屏西渠",
            Complaint.Stage.EVALUATED,
            at(2018, 6, 5),
            assigned_unit=cls.unit_b,
            deadline=datetime.date(2018, 6, 20),
            handled_at=at(2018, 6, 9),
            satisfaction=Complaint.Satisfaction.UNSATISFIED,
        )
        make_complaint("翠屏路渠", Complaint.Stage.FOUND, timezone.now())

    def page(self, user):
        self.client.force_login(user)
        response = self.client.get(DASHBOARD)
        self.assertEqual(response.status_code, 200)
        return response


class BlackOdorousTests(DashboardTestCase):
    def test_it_names_the_black_odorous_channels_worst_first_for_every_role(self):
        ungraded = sorted(
            Channel.objects.filter(condition=Channel.Condition.BLACK_ODOROUS).values_list(
                "name", flat=True
            )
        )
        # The article's 南屏西 and 翠屏路 (黑臭水体生态修复项目正在有序推进); not 105国道, dirty
        # 不久前 and now a lively sight, whose condition the article does not give.
        self.assertEqual(ungraded, ["南屏西排洪渠", "翠屏路排洪渠"])
        expected = ["重度测试渠", *sorted(["轻度测试渠", "实测轻度渠"]), *ungraded]
        for user in self.roles:
            with self.subTest(user.username):
                html = card(self.page(user).content.decode(), "black-odorous")
                links = LINK.findall(html)
                self.assertEqual([name for _url, name in links], expected)
                urls = {name: url for url, name in links}
                self.assertEqual(urls["重度测试渠"], self.severe.get_absolute_url())
                self.assertEqual(urls["实测轻度渠"], self.measured.get_absolute_url())
                self.assertIn("重度黑臭", html.split("重度测试渠")[0])
                self.assertIn("5 条", html)
                self.assertNotIn("105国道排洪渠", html)

    def test_it_judges_by_the_latest_judgement_over_the_recorded_condition(self):
        html = card(self.page(self.viewer).content.decode(), "black-odorous")
        # Recorded severe, judged clear since: not black-odorous.
        self.assertNotIn("已消除黑臭渠", html)
        # Recorded "not assessed", judged light from its samples: named, marked measured.
        item = html.split("实测轻度渠")[1].split("</li>")[0]
        self.assertIn("实测值", item)

    def test_it_links_each_grade_to_the_channel_list_filtered_by_it(self):
        html = card(self.page(self.viewer).content.decode(), "black-odorous")
        for condition, names in [
            (SEVERE, {"重度测试渠"}),
            (LIGHT, {"轻度测试渠", "实测轻度渠"}),
            (Channel.Condition.BLACK_ODOROUS, {"南屏西排洪渠", "翠屏路排洪渠"}),
        ]:
            with self.subTest(condition):
                url = f"{reverse('projects:channel-list')}?condition={condition}"
                self.assertIn(f'href="{url}"', html)
                listed = self.client.get(url)
                self.assertEqual({c.name for c in rows_of(listed)}, names)

    def test_it_shows_ten_names_at_most_and_counts_the_rest(self):
        Channel.objects.bulk_create(
            Channel(name=f"重度加测渠{i:02d}", condition=SEVERE) for i in range(15)
        )
        html = card(self.page(self.administrator).content.decode(), "black-odorous")
        names = [name for _url, name in LINK.findall(html)]
        self.assertEqual(
            names, sorted(["重度测试渠", *[f"重度加测渠{i:02d}" for i in range(15)]])[:10]
        )
        self.assertIn("20 条", html)  # 16 severe, 2 light, 2 not graded
        self.assertIn("还有 10 条", html)
        self.assertIn(f'href="{reverse("projects:channel-list")}?condition=severe"', html)

    def test_it_says_so_when_no_channel_is_black_odorous(self):
        Channel.objects.filter(
            condition__in=[SEVERE, LIGHT, Channel.Condition.BLACK_ODOROUS]
        ).update(condition=Channel.Condition.CLEAR)
        Judgement.objects.filter(channel=self.measured).update(grade=Judgement.Grade.CLEAR)
        html = card(self.page(self.viewer).content.decode(), "black-odorous")
        self.assertEqual(LINK.findall(html), [])
        self.assertIn("没有黑臭的排洪渠", html)
        self.assertNotIn("?condition=", html)  # no link to a list of none


class OverdueTests(DashboardTestCase):
    def overdue_links(self, user):
        html = card(self.page(user).content.decode(), "overdue")
        return {
            kind: (url.replace("&amp;", "&"), int(count))
            for kind, url, count in re.findall(
                r'data-overdue="(\w+)" href="([^"]+)"><b>(\d+)</b>', html
            )
        }

    def test_it_counts_what_is_overdue_and_links_the_filtered_lists(self):
        month = timezone.localdate().strftime("%Y-%m")
        for user in self.roles:
            with self.subTest(user.username):
                links = self.overdue_links(user)
                self.assertEqual(
                    links,
                    {
                        "tasks": (f"{reverse('projects:month-report')}?month={month}#tasks", 1),
                        "projects": (f"{reverse('projects:project-list')}?overdue=True", 1),
                        "complaints": (f"{reverse('projects:complaint-list')}?overdue=True", 1),
                    },
                )

    def test_each_count_opens_a_list_of_exactly_those_rows(self):
        links = self.overdue_links(self.viewer)
        projects = self.client.get(links["projects"][0])
        self.assertEqual(rows_of(projects), [self.late_project])
        complaints = self.client.get(links["complaints"][0])
        self.assertEqual(rows_of(complaints), [self.late_complaint])
        # Tasks have no list of their own: this month's report lists every task as it stands
        # today, the overdue one marked.
        report = self.client.get(links["tasks"][0].split("#")[0])
        overdue = [line for line in rows_of(report, "tasks") if line.is_overdue]
        self.assertEqual([line.content for line in overdue], [self.late_task.content])

    def test_it_names_the_overdue_tasks_with_their_channel(self):
        html = card(self.page(self.editor_a).content.decode(), "overdue")
        g105 = self.late_task.plan.channel
        self.assertIn(f'<a href="{g105.get_absolute_url()}">{self.late_task.content}</a>', html)
        self.assertIn("完成时限：2018-06-30", html)

    def test_it_counts_zero_plainly_when_nothing_is_overdue(self):
        Task.objects.update(status=Task.Status.DONE, completion_note="已完成")
        Project.objects.update(planned_end=None)
        Complaint.objects.update(deadline=None)
        links = self.overdue_links(self.viewer)
        self.assertEqual(
            {kind: count for kind, (_url, count) in links.items()},
            dict.fromkeys(("tasks", "projects", "complaints"), 0),
        )


class ComplaintFigureTests(DashboardTestCase):
    def test_it_gives_open_overdue_this_month_handling_time_and_satisfaction(self):
        response = self.page(self.administrator)
        figures = response.context["complaint_figures"]
        self.assertEqual(
            (figures.open, figures.overdue, figures.this_month, figures.handled),
            (3, 1, 1, 2),
        )
        html = card(response.content.decode(), "complaint-figures")
        self.assertIn(f'href="{reverse("projects:complaint-board")}"><b>3</b>', html)
        self.assertIn(f'href="{reverse("projects:complaint-list")}?overdue=True"><b>1</b>', html)
        self.assertIn("3.0 天", html)  # (2 days + 4 days) / 2
        self.assertIn("<b>50%</b>", html)  # 1 satisfied of 2 evaluated
        self.assertIn("满意 1 · 基本满意 0 · 不满意 1", html)

    def test_it_says_so_when_nothing_is_handled_or_evaluated(self):
        Complaint.objects.exclude(stage=Complaint.Stage.FOUND).delete()
        html = card(self.page(self.viewer).content.decode(), "complaint-figures")
        self.assertIn("尚无评价", html)
        self.assertIn("尚无已处置的投诉", html)
        self.assertNotIn("天", html)


class ProjectTableTests(DashboardTestCase):
    def test_it_never_leaves_the_overdue_column_blank(self):
        response = self.page(self.viewer)
        table = response.context["tables"]["projects"]
        cells = {row.record.name: str(row.get_cell("is_overdue")) for row in table.rows}
        self.assertEqual(len(cells), Project.objects.count())
        # Ten a page (overdue first); the rest a page further on and in the downloads.
        self.assertEqual(len(table.page.object_list), 10)
        self.assertEqual(table.paginator.count, Project.objects.count())
        self.assertIn("badge-overdue", cells[self.late_project.name])
        self.assertEqual(cells[self.done_project.name], "否")
        self.assertEqual(cells[self.future_project.name], "否")
        self.assertIn(">—<", cells[self.undated_project.name])
        self.assertTrue(all(cell.strip() for cell in cells.values()), cells)

    def test_it_exports_the_overdue_column_in_words(self):
        self.client.force_login(self.viewer)
        export = self.client.get(DASHBOARD, {"_export": "csv", "_table": "projects"})
        rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
        column = rows[0].index("已超期")
        values = {row[0]: row[column] for row in rows[1:]}
        self.assertEqual(values[self.late_project.name], "已超期")
        self.assertEqual(values[self.done_project.name], "否")
        self.assertEqual(values[self.undated_project.name], "—")
        self.assertNotIn("", values.values())


class AttentionPanelTests(DashboardTestCase):
    def add_tasks(self, n):
        for i in range(n):
            Task.objects.create(
                plan=self.late_task.plan,
                content=f"甲站超期任务{i:02d}",
                lead_unit=self.unit_a,
                deadline=datetime.date(2018, 7, 1) + datetime.timedelta(days=i),
            )

    def test_it_shows_the_first_ten_items_and_counts_them_all_by_kind(self):
        self.add_tasks(12)
        response = self.page(self.administrator)
        html = response.content.decode()
        panel = html.split('class="panel attention"')[1].split("</section>")[0]
        self.assertEqual(panel.count('class="attention-item"'), 10)
        attention = response.context["attention"]
        # The article's overdue task and complaint, the 12 tasks, and whatever else the data
        # holds: counted by kind and severity, the rest said and linked.
        self.assertGreaterEqual(attention["total"], 14)
        self.assertEqual(attention["more"], attention["total"] - 10)
        tasks = next(k for k in attention["kinds"] if k.kind == "task")
        self.assertEqual(
            {s: n for s, _, n in tasks.severities}["overdue"],
            Task.objects.with_overdue().filter(is_overdue=True).count(),
        )
        self.assertIn(f"还有 {attention['more']} 项", panel)
        self.assertIn(f'href="{reverse("projects:attention")}"', panel)
        self.assertIn(
            f'href="{reverse("projects:attention")}?kind=task&amp;severity=overdue"', panel
        )
        # Overdue first, the longest overdue first.
        items = attention["items"]
        ranks = [(SEVERITY_RANK[i.severity], i.due or i.since) for i in items]
        self.assertEqual(ranks, sorted(ranks))
        self.assertLess(panel.index("甲站超期任务00"), panel.index("甲站超期任务01"))
        self.assertIn("甲市政站", panel)

    def test_it_hands_the_template_ten_items_whatever_the_data_holds(self):
        self.add_tasks(30)
        Complaint.objects.bulk_create(
            Complaint(
                number=f"TS-2018-{i + 500:04d}",
                source=Complaint.Source.HOTLINE,
                location=f"超期地点{i:03d}",
                description="异味",
                stage=Complaint.Stage.DISPATCHED,
                received_at=at(2018, 6, 1),
                assigned_unit=self.unit_a,
                deadline=datetime.date(2018, 6, 1),
            )
            for i in range(30)
        )
        for user in (self.administrator, self.editor_a):
            with self.subTest(user.username):
                context = self.page(user).context
                self.assertEqual(len(context["attention"]["items"]), 10)
                self.assertGreater(context["attention"]["total"], 60)
                self.assertEqual(len(context["overdue"].tasks.rows), 10)
                self.assertLessEqual(len(context["black_odorous"].rows), 10)


class QueryCountTests(DashboardTestCase):
    """The dashboard costs the same queries with the article's data as with hundreds more
    channels, projects, tasks and complaints: no query per row, no list without a cap."""

    # Session, user, the user's permissions (2: user and group permissions), then the page:
    # stream stats, policies, survey totals, interception batches, construction batches + their
    # stations, condition counts, channel count, plan count; the projects table's count, page
    # and channels prefetch; the overview's black-odorous names (1), overdue tasks, projects
    # and their count, projects and complaints (4), complaint figures (1) and the channels
    # by water-quality target (1). The "needs
    # attention" panel: the viewer's profile (no unit: no panel); the editor's profile, the
    # items' counts by kind and severity and the first ten (2); the administrator's 2 (every
    # unit: no profile), whose counts give the overview its number of overdue tasks (one
    # query fewer).
    EXPECTED = {"viewer": 24, "editor_a": 26, "manager": 24}

    def assert_counts(self):
        for user in self.roles:
            self.client.force_login(user)
            with self.subTest(user.username), self.assertNumQueries(self.EXPECTED[user.username]):
                response = self.client.get(DASHBOARD)
                self.assertEqual(response.status_code, 200)

    def add_many(self, n=300):
        add_bulk(n)
        Channel.objects.bulk_create(
            Channel(name=f"加测黑臭渠{i:03d}", condition=(SEVERE, LIGHT)[i % 2]) for i in range(n)
        )
        Task.objects.bulk_create(
            Task(
                plan=self.late_task.plan,
                content=f"加测任务{i:03d}",
                lead_unit=(self.unit_a, self.unit_b, None)[i % 3],
                deadline=datetime.date(2018, 7, 1),
            )
            for i in range(n)
        )
        Complaint.objects.bulk_create(
            Complaint(
                number=f"TS-2018-{i + 100:04d}",
                source=Complaint.Source.HOTLINE,
                location=f"加测地点{i:03d}",
                description="异味",
                stage=Complaint.Stage.DISPATCHED,
                received_at=at(2018, 6, 1),
                assigned_unit=(self.unit_a, self.unit_b)[i % 2],
                deadline=datetime.date(2018, 6, 30),
            )
            for i in range(n)
        )

    def test_it_pins_the_queries_with_the_article_data(self):
        self.assert_counts()

    def test_it_pins_the_queries_with_hundreds_more_rows(self):
        self.add_many()
        self.assert_counts()
        # The overview counts the city's overdue tasks for everybody: an administrator's from
        # the panel's counts, a unit's editor's by a count of its own.
        self.assertEqual(self.page(self.editor_a).context["overdue"].tasks.total, 301)
        response = self.page(self.administrator)
        self.assertEqual(response.context["overdue"].tasks.total, 301)
        self.assertEqual(len(response.context["overdue"].tasks.rows), 10)
        self.assertEqual(len(response.context["black_odorous"].rows), 10)
        panel = response.content.decode().split('class="panel attention"')[1]
        self.assertEqual(panel.count('class="attention-item"'), 10)
