"""The month report and its ledger tell a past month as it was: each task's status at the end of
the month from the audit history, overdue judged on the month's last day, the complaints
received and patrols done in the month on the 管 sheet; sums over unknown values labelled
partial; 未填写 for the office's own blanks; an empty month says what to do next; and the
page costs the same queries whatever the amount of history."""

import datetime
import re
from decimal import Decimal

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from projects.models import (
    Channel,
    Complaint,
    ComplaintStep,
    PatrolPost,
    PatrolRecord,
    Plan,
    ProgressReport,
    Project,
    Stream,
    Task,
)
from projects.views.month_report import MONTH_PER_PAGE, RECORDS

from .ledger_job import ledger_workbook
from .test_editing import make_role_users

D = Decimal
NOVEMBER = datetime.date(2018, 11, 1)


def at(year, month, day, hour=10, minute=0):
    """A moment in the site's time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def save_at(instance, when):
    """Save ``instance`` with its history row dated ``when``, as if it were saved then."""
    instance._history_date = when
    instance.save()


def row_with(html, text):
    """The table row of ``html`` holding ``text``."""
    for row in re.findall(r"<tr\b.*?</tr>", html, re.S):
        if text in row:
            return row
    raise AssertionError(f"no row with {text!r}")


def sheet_rows(sheet, first=4):
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=first)]


class MonthReportTestCase(TestCase):
    """Tasks whose history runs through autumn 2018, complaints and patrols around November
    2018, and projects of the office's own beside the article's."""

    fixtures = ["xiangzhou_2018"]

    @classmethod
    def setUpTestData(cls):
        make_role_users(cls)
        cls.zaobei = Channel.objects.get(name="造贝排洪渠")
        cls.g105 = Channel.objects.get(name="105国道排洪渠")
        plan = Plan.objects.get(channel=cls.g105)

        def task(content, deadline, created):
            new = Task(
                plan=plan,
                content=content,
                deadline=deadline,
                status=Task.Status.IN_PROGRESS,
                percent_complete=60,
                lead_unit=cls.unit_a,
            )
            save_at(new, created)
            return new

        # Completed on 10 December 2018: in progress, and overdue, at the end of November.
        cls.completed_later = task(
            "清理105国道排洪渠淤泥", datetime.date(2018, 11, 15), at(2018, 9, 1)
        )
        cls.completed_later.status = Task.Status.DONE
        cls.completed_later.completion_note = "淤泥已清运"
        save_at(cls.completed_later, at(2018, 12, 10))
        # Due on 30 November: not overdue on that day.
        cls.due_last_day = task(
            "加装105国道排洪渠曝气设备", datetime.date(2018, 11, 30), at(2018, 10, 1)
        )
        # Created in December: not in November's list.
        cls.created_later = task(
            "105国道排洪渠补种水生植物", datetime.date(2019, 3, 31), at(2018, 12, 5)
        )
        # Deleted in December: still in November's list.
        cls.deleted_later = task(
            "105国道排洪渠临时围堰", datetime.date(2019, 1, 31), at(2018, 10, 2)
        )
        cls.deleted_later._history_date = at(2018, 12, 20)
        cls.deleted_later.delete()

        # Complaints around November (received times in Shanghai time).
        cls.station_unit = cls.unit_a

        def complaint(description, received, steps, **fields):
            new = Complaint.objects.create(
                source=Complaint.Source.HOTLINE,
                received_at=received,
                location="利达花园旁",
                channel=cls.zaobei,
                description=description,
                **fields,
            )
            for stage, when in steps:
                ComplaintStep.objects.create(complaint=new, stage=stage, at=when)
            return new

        cls.handled_in_december = complaint(
            "渠水发黑有异味",
            at(2018, 11, 5),
            [
                ("found", at(2018, 11, 5)),
                ("dispatched", at(2018, 11, 6)),
                ("handled", at(2018, 12, 2)),
            ],
            stage=Complaint.Stage.HANDLED,
            assigned_unit=cls.unit_a,
            deadline=datetime.date(2018, 11, 20),
            action_taken="已清淤",
            handled_at=at(2018, 12, 2),
        )
        cls.last_evening = complaint(
            "渠边垃圾堆积", at(2018, 11, 30, 23, 30), [("found", at(2018, 11, 30, 23, 30))]
        )
        cls.october = complaint("十月投诉", at(2018, 10, 31, 23, 50), [("found", at(2018, 10, 31))])
        cls.december = complaint("十二月投诉", at(2018, 12, 1, 0, 30), [("found", at(2018, 12, 1))])

        cls.post = PatrolPost.objects.create(
            station=cls.unit_a, name="造贝岗", person_on_post="李工"
        )
        cls.post.channels.add(cls.zaobei)

        def patrol(when, findings):
            return PatrolRecord.objects.create(
                post=cls.post,
                channel=cls.zaobei,
                kind=PatrolRecord.Kind.INSPECTION,
                patrolled_at=when,
                patroller="李工",
                findings=findings,
            )

        cls.patrol_november = patrol(at(2018, 11, 12), "水面有漂浮物")
        cls.patrol_last_night = patrol(at(2018, 11, 30, 23, 50), "闸口堵塞")
        patrol(at(2018, 10, 31, 23, 50), "十月巡查")
        patrol(at(2018, 12, 1, 0, 10), "十二月巡查")

        # 建: the article's two batches give no investment; the office adds one project with
        # an investment and one without (its own record: “not filled in”).
        Project.objects.create(
            name="前山片区雨污分流工程", stream=Stream.BUILD, investment_wan=D("12.34")
        )
        cls.unfilled = Project.objects.create(name="南屏片区管网修复工程", stream=Stream.BUILD)
        cls.survey = Project.objects.get(name="香洲区排水管网普查及检测")
        cls.survey.lead_unit = cls.unit_a
        cls.survey.save()
        ProgressReport.objects.create(
            project=cls.survey,
            month=NOVEMBER,
            percent_complete=D("80"),
            investment_this_month_wan=D("100.00"),
        )

    def page(self, month="2018-11", user=None, **choices):
        """The month's page; ``choices``: the ``stream`` and ``records`` shown."""
        self.client.force_login(user or self.viewer)
        return self.client.get(reverse("projects:month-report"), {"month": month, **choices})

    def workbook(self, month="2018-11"):
        """The file the month report's link has a job build, as the user downloads it."""
        return ledger_workbook(self, month, self.viewer)

    def tasks_sheet(self, month="2018-11"):
        return self.workbook(month)["一河一策任务"]


class TaskStatusAtMonthEndTests(MonthReportTestCase):
    def test_it_shows_a_task_completed_in_december_as_in_progress_in_novembers_report(self):
        html = self.page("2018-11").content.decode()
        row = row_with(html, "清理105国道排洪渠淤泥")
        self.assertIn("推进中", row)
        self.assertNotIn("已办结", row)
        self.assertIn("badge-overdue", row)  # its deadline, 15 November, had passed by the 30th
        december = row_with(self.page("2018-12").content.decode(), "清理105国道排洪渠淤泥")
        self.assertIn("已办结", december)
        self.assertNotIn("badge-overdue", december)

    def test_the_ledger_tells_the_tasks_as_of_the_months_last_day(self):
        sheet = self.tasks_sheet()
        self.assertEqual(sheet["A2"].value, "状态截至 2018年11月30日(据变更记录)")
        today = timezone.localdate()
        self.assertNotIn(f"{today.year}年{today.month}月{today.day}日", sheet["A2"].value)
        rows = {row[2]: row for row in sheet_rows(sheet)}
        completed = rows["清理105国道排洪渠淤泥"]
        self.assertEqual((completed[5], completed[7]), ("推进中", "已超期"))
        self.assertEqual(completed[6], 0.6)
        self.assertEqual(completed[4], "2018年11月15日")
        due = rows["加装105国道排洪渠曝气设备"]
        self.assertEqual(due[5], "推进中")
        self.assertIn(due[7], ("", None))  # due on the 30th: not overdue on the 30th
        self.assertIn("105国道排洪渠临时围堰", rows)  # deleted in December
        self.assertNotIn("105国道排洪渠补种水生植物", rows)  # created in December
        # The article's tasks have no history in these tests: their status then is unknown.
        for task in Task.objects.filter(source__isnull=False):
            self.assertEqual(rows[task.content][5], "无记录")
            self.assertIn(rows[task.content][7], ("", None))

    def test_the_page_says_the_day_and_the_tasks_with_no_record(self):
        response = self.page("2018-11")
        self.assertContains(response, "状态和进度截至 2018年11月30日，据变更记录")
        self.assertContains(response, "2 项原文任务在该日之前尚无变更记录")
        self.assertEqual(response.context["ledger"].as_of, datetime.date(2018, 11, 30))

    def test_the_current_month_is_told_as_it_stands_today(self):
        today = timezone.localdate()
        response = self.page(f"{today:%Y-%m}")
        ledger = response.context["ledger"]
        self.assertFalse(ledger.tasks_from_history)
        self.assertEqual(ledger.as_of, today)
        self.assertContains(response, "状态和进度截至今天")
        # Every row the tasks' table pages through.
        lines = {line.content: line for line in response.context["tables"]["tasks"].data}
        self.assertEqual(lines["清理105国道排洪渠淤泥"].status, Task.Status.DONE)
        self.assertIn("105国道排洪渠补种水生植物", lines)
        self.assertNotIn("105国道排洪渠临时围堰", lines)
        sheet = self.tasks_sheet(f"{today:%Y-%m}")
        self.assertEqual(sheet["A2"].value, f"状态截至 {today.year}年{today.month}月{today.day}日")


class ComplaintsAndPatrolsTests(MonthReportTestCase):
    def manage_blocks(self, month="2018-11"):
        """The 管 sheet's rows below its projects' 合计: {block title: data rows}."""
        sheet = self.workbook(month)["管 精细化管理"]
        rows = sheet_rows(sheet)
        rows = rows[[row[1] for row in rows].index("合计") + 1 :]
        blocks, current = {}, None
        for row in rows:
            if isinstance(row[0], str) and row[1] is None:  # a block's title
                current = row[0]
                blocks[current] = []
            elif isinstance(row[0], int):
                blocks[current].append(row)
        return blocks

    def test_the_manage_sheet_lists_the_complaints_received_in_the_month(self):
        blocks = self.manage_blocks()
        complaints = blocks["本月受理投诉(2 件)"]
        self.assertEqual(
            [row[1] for row in complaints],
            [self.handled_in_december.number, self.last_evening.number],
        )
        first = complaints[0]
        self.assertEqual(first[2], "渠水发黑有异味")
        self.assertEqual(first[3], "甲市政站")
        self.assertEqual(first[4], "2018-11-05 10:00")
        self.assertEqual(first[6], 0)  # recorded without reports (tests/test_ledger_reports.py)
        self.assertEqual(first[7], "调配")  # handled only on 2 December
        self.assertEqual(first[9], "已超期")  # deadline 20 November passed, not handled
        self.assertIn(first[11], ("", None))  # its handling came later

    def test_the_manage_sheet_lists_the_patrols_done_in_the_month(self):
        patrols = self.manage_blocks()["本月巡查(2 次)"]
        self.assertEqual([row[2] for row in patrols], ["水面有漂浮物", "闸口堵塞"])
        self.assertEqual(
            patrols[0][1:2] + patrols[0][3:8],
            ["造贝排洪渠", "甲市政站", "2018-11-12 10:00", "工程检查", "李工", "造贝岗"],
        )

    def test_the_page_lists_them_too(self):
        html = self.page("2018-11", records="complaints").content.decode()
        self.assertIn(self.handled_in_december.number, html)
        self.assertIn(self.last_evening.number, html)
        self.assertNotIn(self.october.number, html)
        self.assertNotIn(self.december.number, html)
        patrols = self.page("2018-11", records="patrols").content.decode()
        self.assertIn("水面有漂浮物", patrols)
        self.assertIn("闸口堵塞", patrols)
        self.assertNotIn("十月巡查", patrols)
        self.assertNotIn("十二月巡查", patrols)
        row = row_with(html, self.handled_in_december.number)
        self.assertIn("调配", row)
        self.assertIn("badge-overdue", row)

    def test_a_month_without_them_says_so(self):
        self.assertContains(self.page("2018-09", records="complaints"), "本月未受理投诉。")
        self.assertContains(self.page("2018-09", records="patrols"), "本月没有巡查记录。")
        rows = sheet_rows(self.workbook("2018-09")["管 精细化管理"])
        titles = [row[0] for row in rows if isinstance(row[0], str) and row[1] is None]
        self.assertEqual(titles, ["本月受理投诉(0 件)", "本月巡查(0 次)"])
        self.assertEqual([row[1] for row in rows].count("无"), 2)


class PartialSumTests(MonthReportTestCase):
    def test_a_subtotal_with_unknown_amounts_shows_the_known_sum_labelled_partial(self):
        html = self.page("2018-11", stream=Stream.BUILD).content.decode()
        build = html[html.index('id="stream-3"') :]
        build = build[: build.index("</tfoot>")]
        footer = build[build.index("<tfoot") :]
        self.assertIn("≥ 12.34", footer)
        self.assertIn("2 项原文未载明", footer)
        self.assertIn("1 项未填写", footer)
        self.assertNotIn("0.00", footer.replace("12.34", ""))
        html = self.page("2018-11", stream=Stream.REMEDIATE).content.decode()
        remediate = html[html.index('id="stream-4"') :]
        remediate = remediate[remediate.index("<tfoot") : remediate.index("</tfoot>")]
        self.assertIn("原文未载明", remediate)  # nothing known at all
        self.assertNotIn("0.00", remediate)

    def test_the_ledger_writes_the_known_sum_marked_partial_and_says_what_is_missing(self):
        workbook = self.workbook()
        rows = sheet_rows(workbook["建 管网建设"])
        total = rows[[row[1] for row in rows].index("合计")]
        sheet = workbook["建 管网建设"]
        cell = sheet.cell(row=4 + rows.index(total), column=5)
        self.assertEqual(cell.value, 12.34)
        self.assertTrue(cell.number_format.startswith('"≥ "'))
        self.assertIn("总投资(2 项原文未载明;1 项未填写)", total[2])
        self.assertIn("本月完成投资(4 项未填报)", total[2])
        self.assertEqual(total[7], "未填报")  # no 建 project reported in November
        remediate = sheet_rows(workbook["整 黑臭水体整治"])
        self.assertEqual(remediate[[row[1] for row in remediate].index("合计")][4], "原文未载明")
        summary = {row[1]: row for row in sheet_rows(workbook["汇总"])}
        self.assertEqual(summary["建 管网建设"][4], 12.34)
        self.assertIn("2 项原文未载明", summary["建 管网建设"][7])
        self.assertIn("项原文未载明", summary["合计"][7])
        self.assertEqual(summary["查 管网普查"][4], 3200)  # known: a plain number, no note
        self.assertIsNone(summary["查 管网普查"][7])

    def test_a_blank_field_says_not_given_only_on_the_articles_rows(self):
        html = self.page("2018-11", stream=Stream.BUILD).content.decode()
        office = row_with(html, "南屏片区管网修复工程")
        self.assertIn("未填写", office)
        self.assertNotIn("原文未载明", office)
        article = row_with(html, "全市污水管网建设工程(香洲区)第二批工程")
        self.assertIn("原文未载明", article)
        self.assertNotIn("未填写", article)
        workbook = self.workbook()
        rows = {row[1]: row for row in sheet_rows(workbook["建 管网建设"])}
        office = rows["南屏片区管网修复工程"]
        self.assertEqual((office[3], office[4], office[11]), ("未填写", "未填写", "未填写"))
        article = rows["全市污水管网建设工程(香洲区)第二批工程"]
        self.assertEqual((article[3], article[4], article[11]), ("原文未载明",) * 3)
        tasks = {row[2]: row for row in sheet_rows(workbook["一河一策任务"])}
        self.assertEqual(tasks["清理105国道排洪渠淤泥"][3], "甲市政站")


class EmptyMonthTests(MonthReportTestCase):
    EMPTY = "2018-03"

    def test_an_empty_month_says_what_to_do_next(self):
        response = self.page(self.EMPTY)
        self.assertContains(response, 'id="next-steps"')
        self.assertContains(response, "2018年3月尚无记录")
        self.assertContains(response, "各项目的责任单位在项目页面填报本月进度月报")
        self.assertContains(response, "登记收到的投诉")
        # A viewer may do none of it: no links.
        for url in (
            reverse("projects:complaint-create"),
            reverse("projects:patrol-create"),
            reverse("admin:projects_patrolpost_add"),
            reverse("projects:report-create", args=[self.survey.pk]),
        ):
            self.assertNotContains(response, f'href="{url}"')

    def test_it_links_an_administrator_to_adding_patrol_posts_when_there_is_none(self):
        PatrolPost.objects.update(active=False)
        response = self.page(self.EMPTY, user=self.administrator, stream=Stream.BUILD)
        self.assertContains(response, "目前尚未设置任何岗位")
        self.assertContains(response, f'href="{reverse("admin:projects_patrolpost_add")}"')
        self.assertContains(response, f'href="{reverse("projects:complaint-create")}"')
        self.assertContains(
            response, f'href="{reverse("projects:report-create", args=[self.unfilled.pk])}"'
        )

    def test_it_links_a_unit_editor_to_its_own_projects_and_patrols(self):
        response = self.page(self.EMPTY, user=self.editor_a)
        self.assertContains(
            response, f'href="{reverse("projects:report-create", args=[self.survey.pk])}"'
        )
        self.assertContains(response, f'href="{reverse("projects:patrol-create")}"')
        self.assertNotContains(response, f'href="{reverse("admin:projects_patrolpost_add")}"')
        # Another unit's project, in the stream the editor picks: no link to file its report.
        response = self.page(self.EMPTY, user=self.editor_a, stream=Stream.BUILD)
        self.assertContains(response, "南屏片区管网修复工程")
        self.assertNotContains(
            response, f'href="{reverse("projects:report-create", args=[self.unfilled.pk])}"'
        )
        self.assertNotContains(response, f'href="{reverse("admin:projects_patrolpost_add")}"')

    def test_a_month_with_records_has_no_next_steps(self):
        self.assertNotContains(self.page("2018-11"), 'id="next-steps"')


class QueryCountTests(MonthReportTestCase):
    def add_records(self, n):
        """``n`` more tasks with three history rows each in 2018, and ``n`` complaints (with a
        step) and patrols in November 2018."""
        plan = Plan.objects.get(channel=self.zaobei)
        tasks = Task.objects.bulk_create(
            Task(plan=plan, content=f"批量任务{i:04d}", deadline=datetime.date(2018, 11, 1))
            for i in range(n)
        )
        History = Task.history.model
        History.objects.bulk_create(
            History(
                id=task.pk,
                plan_id=plan.pk,
                content=task.content,
                deadline=task.deadline,
                status=status,
                version=1,
                history_date=when,
                history_type=kind,
            )
            for task in tasks
            for status, when, kind in (
                ("pending", at(2018, 8, 1), "+"),
                ("in_progress", at(2018, 10, 1), "~"),
                ("done", at(2018, 12, 3), "~"),
            )
        )
        complaints = Complaint.objects.bulk_create(
            Complaint(
                number=f"TS-2018-9{i:03d}",
                source=Complaint.Source.PATROL,
                received_at=at(2018, 11, 1 + i % 28),
                location="批量地点",
                description="批量投诉",
                assigned_unit=self.unit_a,
            )
            for i in range(n)
        )
        ComplaintStep.objects.bulk_create(
            ComplaintStep(complaint=c, stage="found", at=c.received_at) for c in complaints
        )
        PatrolRecord.objects.bulk_create(
            PatrolRecord(
                post=self.post,
                channel=self.zaobei,
                kind=PatrolRecord.Kind.DAILY_CARE,
                patrolled_at=at(2018, 11, 1 + i % 28),
            )
            for i in range(n)
        )

    def test_the_page_costs_the_same_queries_with_more_history_complaints_and_patrols(self):
        self.client.force_login(self.viewer)
        url = reverse("projects:month-report")
        # session, user, 2 × permissions; the streams' projects, their reports up to the
        # month; the tasks at the month's end by status (one query over the history), the
        # article's tasks with no history by then; the complaints, the patrols counted; a
        # page of the one stream shown (查 by default) with its channels; a page of the one
        # list of records shown (tasks by default). 建's projects have their renovated pumping
        # stations too.
        pages = [
            ({}, 13),
            ({"stream": Stream.BUILD}, 14),
            ({"stream": Stream.BUILD, "records": "complaints"}, 14),
            ({"records": "patrols"}, 13),
        ]
        for choices, count in pages:
            with self.subTest(**choices), self.assertNumQueries(count):
                self.client.get(url, {"month": "2018-11", **choices})
        self.add_records(300)
        Project.objects.bulk_create(
            Project(name=f"批量项目{stream}-{i:03d}", stream=stream)
            for i in range(50)
            for stream in Stream.values
        )
        responses = {}
        for choices, count in pages:
            with self.subTest(**choices, more=True), self.assertNumQueries(count):
                responses[choices.get("records", "tasks")] = self.client.get(
                    url, {"month": "2018-11", **choices}
                )
        complaints = responses["complaints"].context["tables"]["complaints"]
        patrols = responses["patrols"].context["tables"]["patrols"]
        tasks = responses["tasks"].context["tables"]["tasks"]
        self.assertEqual(len(complaints.data), 302)
        self.assertEqual(len(patrols.data), 302)
        self.assertEqual(len(list(complaints.data)), 302)
        self.assertEqual(len(list(patrols.data)), 302)
        batch = [line for line in tasks.data if line.content.startswith("批量任务")]
        self.assertEqual(len(batch), 300)
        self.assertTrue(all(line.status == "in_progress" and line.is_overdue for line in batch))

    def test_the_page_renders_a_bounded_number_of_rows_whatever_the_month_holds(self):
        self.client.force_login(self.viewer)
        url = reverse("projects:month-report")
        self.add_records(130)
        # The month holds 130 more tasks, complaints and patrols; the page hands the template
        # one list of them, a page of its rows, with every list's count, the whole month's.
        for name in RECORDS:
            with self.subTest(name):
                response = self.client.get(url, {"month": "2018-11", "records": name})
                tables = response.context["tables"]
                self.assertEqual(
                    [table for table in tables if table in RECORDS], [name], "one list"
                )
                self.assertIs(response.context["records_table"], tables[name])
                self.assertGreater(len(tables[name].data), MONTH_PER_PAGE * 2)
                self.assertEqual(len(tables[name].page.object_list), MONTH_PER_PAGE)
                counts = {row[0]: row[2] for row in response.context["records"]}
                self.assertEqual(counts, {"tasks": 135, "complaints": 132, "patrols": 132})
                self.assertContains(response, f'data-records="{name}" aria-current="page"')
        response = self.client.get(url, {"month": "2018-11"})
        tables = response.context["tables"]
        shown = response.content.decode().count("批量任务")
        self.assertTrue(0 < shown <= MONTH_PER_PAGE, shown)
        self.assertEqual(response.context["ledger"].complaint_counts["total"], 132)
        # The last page holds the rest; the download holds every row, and so does that of a
        # list not shown.
        count = len(tables["tasks"].data)
        pages = -(-count // MONTH_PER_PAGE)
        last = self.client.get(url, {"month": "2018-11", "tasks-page": pages})
        self.assertEqual(
            len(last.context["tables"]["tasks"].page.object_list),
            count - (pages - 1) * MONTH_PER_PAGE,
        )
        export = self.client.get(url, {"month": "2018-11", "_export": "csv", "_table": "tasks"})
        content = b"".join(export.streaming_content) if export.streaming else export.content
        self.assertEqual(content.decode("utf-8-sig").count("批量任务"), 130)
        export = self.client.get(
            url, {"month": "2018-11", "records": "tasks", "_export": "csv", "_table": "patrols"}
        )
        content = b"".join(export.streaming_content) if export.streaming else export.content
        self.assertEqual(len(content.decode("utf-8-sig").strip().splitlines()), 1 + 132)

    def test_the_ledger_reads_every_row_of_the_month_with_more_history(self):
        self.add_records(300)
        workbook = self.workbook()
        tasks = sheet_rows(workbook["一河一策任务"])
        self.assertEqual(sum(1 for row in tasks if row[5] == "推进中" and row[7] == "已超期"), 301)

    def test_an_empty_month_costs_a_fixed_number_of_queries_too(self):
        self.client.force_login(self.editor_a)
        url = reverse("projects:month-report")
        # the page's 13; the editor's unit; are there patrol posts
        with self.assertNumQueries(15):
            self.client.get(url, {"month": "2018-03"})
        self.add_records(200)
        with self.assertNumQueries(15):
            self.client.get(url, {"month": "2018-03"})
