"""Every page: who may open it, what it shows, and how many queries it costs."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
from django.test import TestCase
from django.urls import reverse

from projects.models import Channel, InterceptionBatch, Plan, Project, ResponsibleUnit, Task

from .factories import add_bulk, make_users


def page_urls():
    """(label, url) for every page, built from the fixture rows."""
    zaobei = Channel.objects.get(name="造贝排洪渠")
    g105 = Channel.objects.get(name="105国道排洪渠")
    jinfeng = Channel.objects.get(name="金凤排洪渠")
    batch1 = InterceptionBatch.objects.get(batch_number=1)
    survey = Project.objects.get(name="香洲区排水管网普查及检测")
    zaobei_project = Project.objects.get(name="造贝排洪渠河道治理提升项目")
    return [
        ("dashboard", reverse("projects:dashboard")),
        ("channel list", reverse("projects:channel-list")),
        ("channel 造贝", zaobei.get_absolute_url()),
        ("channel 105", g105.get_absolute_url()),
        ("channel without plan", jinfeng.get_absolute_url()),
        ("batch list", reverse("projects:batch-list")),
        ("batch 1", batch1.get_absolute_url()),
        ("pipes", reverse("projects:pipes")),
        ("project list", reverse("projects:project-list")),
        ("project survey", reverse("projects:project-detail", args=[survey.pk])),
        ("project 造贝", zaobei_project.get_absolute_url()),
    ]


class PageAccessTests(TestCase):
    fixtures = ["xiangzhou_2018"]

    @classmethod
    def setUpTestData(cls):
        make_users(cls)

    def test_it_sends_anonymous_users_to_the_login_page(self):
        for label, url in page_urls():
            with self.subTest(label):
                response = self.client.get(url)
                self.assertRedirects(response, f"{reverse('login')}?next={url}")

    def test_it_shows_every_page_to_staff_and_admin(self):
        for user in (self.staff, self.admin):
            self.client.force_login(user)
            for label, url in page_urls():
                with self.subTest(label, user=user.username):
                    self.assertEqual(self.client.get(url).status_code, 200)

    def test_it_speaks_chinese_by_default_whatever_the_browser_asks(self):
        self.client.force_login(self.staff)
        response = self.client.get(reverse("projects:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, '<html lang="zh-hans">')
        self.assertContains(response, "排洪渠")
        self.assertEqual(response["Content-Language"], "zh-hans")

    def test_it_switches_to_english_on_request(self):
        self.client.force_login(self.staff)
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        response = self.client.get(reverse("projects:dashboard"))
        self.assertContains(response, '<html lang="en">')
        self.assertContains(response, "Projects, overdue first")

    def test_it_404s_for_a_missing_channel_or_project(self):
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get("/channels/999999/").status_code, 404)
        self.assertEqual(self.client.get("/projects/999999/").status_code, 404)
        self.assertEqual(self.client.get("/interception/999999/").status_code, 404)


class QueryCountTests(TestCase):
    """Each page costs the same number of queries with the article's data and with 1,000 more
    channels and projects: no query per row."""

    fixtures = ["xiangzhou_2018"]

    # Every page: session + user + the user's permissions (4: user and group permissions, for
    # the navigation's Import link and the edit buttons), then the page's own queries.
    EXPECTED = {
        # stream stats, policies, survey totals, interception batches, construction batches +
        # their stations, condition counts, channel count, plan count, projects table count +
        # page + channels prefetch; the overview's black-odorous names, overdue tasks and their
        # count, projects and complaints, complaint figures, the channels by water-quality target
        "dashboard": 24,  # + the profile, for the "needs attention" panel (staff has no unit)
        # count, page, street and maintaining-unit filter options
        "channel list": 8,
        # channel with its plan and current condition; problems (read once for the table and
        # the warnings) + their complaints; targets; tasks (one query for the task list, the
        # progress table and the warnings) + supporting units, problems, targets prefetch;
        # measures; responsibilities; the latest projects, samples and patrols (each one
        # query with its total: no table is paginated, none counts); water quality: sampling
        # points, latest judgement, chart samples; measure photos; posts covering the
        # channel; the channel's complaints (one query, total included); its serving river
        # chiefs (one query, last inspections included); its first outfalls (one query, total
        # included)
        "channel 造贝": 25,
        "channel 105": 25,
        # channel; the latest projects, samples and patrols; sampling points, latest
        # judgement, chart samples; posts covering the channel; the channel's complaints; its
        # river chiefs; its first outfalls
        "channel without plan": 15,
        # count, page, footer totals
        "batch list": 7,
        # batch; villages count + page; reports count + page
        "batch 1": 9,
        # 3 table counts; survey page; construction page + 2 prefetches, footer totals + 2
        # prefetches; station filter options (2); stations page + batches prefetch; survey
        # coverage by method (1: one aggregate over the segments)
        "pipes": 19,
        # count, channel filter options, page, channels prefetch
        "project list": 8,
        # project + channels + techniques; reports count + page; measures count + page
        "project survey": 10,
        "project 造贝": 11,
    }

    @classmethod
    def setUpTestData(cls):
        make_users(cls)
        # The article gives the plans no 责任清单 row and 105国道 no target: each plan gets a row
        # of every list, so the counts include a page of each.
        stations = ResponsibleUnit.objects.get(name="各市政站")
        for plan in Plan.objects.all():
            plan.responsibilities.create(unit=stations, duty="日常管护")
        Plan.objects.get(channel__name="105国道排洪渠").targets.create(
            indicator="黑臭水体", target_value="不黑不臭"
        )

    def assert_query_counts(self):
        self.client.force_login(self.staff)
        for label, url in page_urls():
            with self.subTest(label), self.assertNumQueries(self.EXPECTED[label]):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)

    def test_it_pins_each_page_with_the_article_data(self):
        self.assert_query_counts()

    def test_it_pins_each_page_with_1000_more_channels_and_projects(self):
        add_bulk(1000, channel_for_some=Channel.objects.get(name="造贝排洪渠"))
        self.assert_query_counts()


class DashboardTests(TestCase):
    fixtures = ["xiangzhou_2018"]

    @classmethod
    def setUpTestData(cls):
        make_users(cls)

    def setUp(self):
        self.client.force_login(self.staff)

    def test_it_shows_the_article_figures_in_their_stream_cards(self):
        html = self.client.get(reverse("projects:dashboard")).content.decode()
        cards = {
            stream: html.split(f'class="card stream-{n}"')[1].split("</article>")[0]
            for n, stream in enumerate("查截建整疏管", start=1)
        }
        for figure in ("<b>920</b> km", "<b>520</b> km", "<b>136</b> km", "<b>3,200.00</b> 万元"):
            self.assertIn(figure, cards["查"])
        for figure in (
            "<b>3</b>",
            "<b>40</b>",
            "<b>4,798.00</b>",
            "1,800.00",
            "2,168.00",
            "830.00",
        ):
            self.assertIn(figure, cards["截"])
        for count in (24, 12, 4):
            self.assertIn(f"截污工程 {count} 条", cards["截"])
        for figure in ("<b>36</b> km", "<b>4</b>", "岱山泵站", "上冲泵站"):
            self.assertIn(figure, cards["建"])
        self.assertIn("不黑不臭", cards["整"])
        self.assertIn("《香洲区河道排洪渠工程维修养护考核办法》", cards["管"])
        # The 管 stream's daily work is one click away.
        for name in ("station-list", "complaint-board", "assessment-list"):
            self.assertIn(f'href="{reverse(f"projects:{name}")}"', cards["管"])

    def test_it_lists_overdue_projects_first(self):
        late = Project.objects.create(
            name="逾期项目",
            stream=4,
            status=Project.Status.IN_PROGRESS,
            planned_end=datetime.date(2020, 1, 31),
        )
        response = self.client.get(reverse("projects:dashboard"))
        rows = list(response.context["tables"]["projects"].page.object_list)
        self.assertEqual(rows[0].record, late)
        self.assertContains(response, "badge-overdue")


class ChannelPageTests(TestCase):
    fixtures = ["xiangzhou_2018"]

    @classmethod
    def setUpTestData(cls):
        make_users(cls)
        cls.zaobei = Channel.objects.get(name="造贝排洪渠")

    def setUp(self):
        self.client.force_login(self.staff)

    def test_it_shows_the_five_lists_beside_the_progress_tables(self):
        response = self.client.get(self.zaobei.get_absolute_url())
        tables = response.context["tables"]
        self.assertEqual(
            set(tables),
            {
                "problems",
                "targets",
                "tasks",
                "measures",
                "responsibilities",
                "progress",
                "projects",
                "samples",
                "patrols",
                "outfalls",
            },
        )
        for heading in ("问题清单", "目标清单", "任务清单", "措施清单", "责任清单"):
            self.assertContains(response, heading)
        self.assertContains(response, "微孔曝气")
        self.assertContains(response, "生态浮岛")
        self.assertContains(response, "不黑不臭")
        self.assertContains(response, "造贝排洪渠河道治理提升项目")

    def test_it_warns_of_a_task_without_lead_unit_person_or_deadline(self):
        response = self.client.get(self.zaobei.get_absolute_url())
        warnings = response.context["warnings"]
        self.assertTrue(any("牵头单位" in str(w) for w in warnings), warnings)

    def test_it_warns_of_a_problem_no_task_addresses(self):
        plan = self.zaobei.plan
        plan.problems.create(title="新发现的排污口", category="sewage")
        response = self.client.get(self.zaobei.get_absolute_url())
        self.assertTrue(any("新发现的排污口" in str(w) for w in response.context["warnings"]))

    def test_it_says_the_plan_is_complete_when_it_is(self):
        plan = Plan.objects.get(channel=self.zaobei)
        from projects.models import ResponsibleUnit

        unit = ResponsibleUnit.objects.create(name="测试市政站", kind="station")
        plan.tasks.update(lead_unit=unit, responsible_person="张工", deadline="2030-12-31")
        response = self.client.get(self.zaobei.get_absolute_url())
        self.assertEqual(response.context["warnings"], [])

    def test_it_flags_an_overdue_task(self):
        task = Task.objects.filter(plan__channel=self.zaobei).first()
        task.status = Task.Status.IN_PROGRESS
        task.deadline = datetime.date(2020, 6, 30)
        task.save()
        response = self.client.get(self.zaobei.get_absolute_url())
        self.assertContains(response, "已超期")

    def test_it_counts_a_completed_task_as_100_percent(self):
        response = self.client.get(self.zaobei.get_absolute_url())
        rows = list(response.context["tables"]["progress"].rows)
        self.assertEqual([row.record.status for row in rows], [Task.Status.DONE])
        self.assertEqual(rows[0].record.progress, 100)
        self.assertEqual(rows[0].get_cell_value("progress"), 100)

    def test_it_says_when_a_channel_has_no_plan(self):
        jinfeng = Channel.objects.get(name="金凤排洪渠")
        response = self.client.get(jinfeng.get_absolute_url())
        self.assertIsNone(response.context["plan"])
        self.assertContains(response, "全市污水管网建设工程")

    def test_it_sorts_and_exports_one_table_of_the_page(self):
        url = self.zaobei.get_absolute_url()
        response = self.client.get(url, {"measures-sort": "-name"})
        names = [row.record.name for row in response.context["tables"]["measures"].rows]
        self.assertEqual(names, sorted(names, reverse=True))
        export = self.client.get(url, {"_export": "csv", "_table": "measures"})
        self.assertEqual(export["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.reader(io.StringIO(export.content.decode("utf-8"))))
        self.assertEqual(len(rows), 1 + self.zaobei.plan.measures.count())


class ListPageTests(TestCase):
    fixtures = ["xiangzhou_2018"]

    @classmethod
    def setUpTestData(cls):
        make_users(cls)

    def setUp(self):
        self.client.force_login(self.staff)

    def names(self, response):
        return [row.record.name for row in response.context["table"].page]

    def test_it_filters_channels_by_plan_and_condition(self):
        url = reverse("projects:channel-list")
        with_plan = self.names(self.client.get(url, {"has_plan": "True"}))
        self.assertEqual(sorted(with_plan), sorted(["造贝排洪渠", "105国道排洪渠"]))
        clear = self.names(self.client.get(url, {"condition": "clear"}))
        self.assertEqual(clear, ["造贝排洪渠"])
        street = ResponsibleUnit.objects.create(name="前山镇", kind="street")
        Channel.objects.filter(name="造贝排洪渠").update(street=street)
        self.assertEqual(self.names(self.client.get(url, {"street": street.pk})), ["造贝排洪渠"])

    def test_it_filters_projects_by_stream_status_and_channel(self):
        url = reverse("projects:project-list")
        intercept = self.names(self.client.get(url, {"stream": 2}))
        self.assertEqual(len(intercept), 3)
        in_progress = self.names(self.client.get(url, {"stream": 4, "status": "in_progress"}))
        self.assertIn("105国道排洪渠河道治理提升项目", in_progress)
        channel = Channel.objects.get(name="南屏西排洪渠")
        self.assertEqual(
            self.names(self.client.get(url, {"channel": channel.pk})),
            ["南屏西、翠屏路排洪渠黑臭水体生态修复项目"],
        )

    def test_it_refuses_a_bad_filter_value_with_a_message_and_no_rows(self):
        response = self.client.get(reverse("projects:project-list"), {"stream": "99"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "选择一个有效的选项")

    def test_it_keeps_the_sort_when_filtering(self):
        response = self.client.get(reverse("projects:channel-list"), {"sort": "-name"})
        self.assertContains(response, 'name="sort" value="-name"')
        names = self.names(response)
        self.assertEqual(names, sorted(names, reverse=True))

    def test_it_exports_the_filtered_list_as_csv_and_xlsx(self):
        url = reverse("projects:project-list")
        response = self.client.get(url, {"stream": 2, "_export": "csv"})
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
        self.assertEqual(len(rows), 4)
        self.assertIn("1800.00", {cell for row in rows for cell in row})
        response = self.client.get(url, {"stream": 2, "_export": "xlsx"})
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        self.assertEqual(sheet.max_row, 4)

    def test_it_totals_the_interception_batches(self):
        response = self.client.get(reverse("projects:batch-list"))
        self.assertContains(response, "<tfoot")
        footer = response.content.decode().split("<tfoot")[1].split("</tfoot>")[0]
        self.assertIn("4,798.00", footer)
        self.assertIn("40", footer)

    def test_it_says_how_many_villages_of_a_batch_are_named(self):
        batch = InterceptionBatch.objects.get(batch_number=1)
        response = self.client.get(batch.get_absolute_url())
        self.assertContains(response, "已列名 8 条")
        self.assertContains(response, "原文列出本批 24 条截污工程中的 8 条")
        self.assertEqual(len(response.context["tables"]["villages"].rows), 8)

    def test_it_shows_the_survey_ratios_as_derived_and_construction_batches(self):
        response = self.client.get(reverse("projects:pipes"))
        self.assertContains(response, "56.5%")  # 520 / 920, labelled as derived
        self.assertContains(response, "14.8%")  # 136 / 920
        self.assertContains(response, "QV检测长度÷普查长度（推算）")
        self.assertContains(response, "岱山泵站")
        self.assertContains(response, "金凤排洪渠")

    def test_it_shows_monthly_progress_with_cumulative_investment(self):
        project = Project.objects.get(name="105国道排洪渠河道治理提升项目")
        for month, percent, money in (("2018-05-01", 20, "30.00"), ("2018-06-01", 45, "12.50")):
            project.reports.create(
                month=month, percent_complete=percent, investment_this_month_wan=money
            )
        response = self.client.get(project.get_absolute_url())
        rows = [row.record for row in response.context["tables"]["reports"].page]
        self.assertEqual(
            [r.cumulative_investment_wan for r in rows], [Decimal("30.00"), Decimal("42.50")]
        )
        self.assertContains(response, "42.50")
        self.assertEqual(response.context["project"].percent, 45)
