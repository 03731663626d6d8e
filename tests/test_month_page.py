"""The month report page reads only what it shows: each table hands the template one page of
rows whatever the month holds, and the footers' totals — the streams' subtotals labelled
partial, the grand total, the tasks by status, overdue and with no record, the complaints and
patrols — are the database's sums over the whole month, equal to what ``month_ledger`` adds
up from every row. Sorting still works, and a table's download holds every row."""

import csv
import datetime
import io
import re
from collections import Counter
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qsl

from django.urls import reverse
from django.utils.html import escape

from projects.models import Plan, ProgressReport, Project, Stream, Task
from projects.services.ledger import month_ledger
from projects.services.month_page import MonthPage
from projects.tables.month_report import total_html
from projects.views.month_report import MONTH_PER_PAGE, RECORDS

from .test_month_report import NOVEMBER, MonthReportTestCase, at, save_at

D = Decimal
MANY = 3 * MONTH_PER_PAGE + 7


class FullMonthTestCase(MonthReportTestCase):
    """November 2018 with more of everything than a page holds: projects in every stream
    (some with November's report, some with earlier ones, some with no investment, some from
    the article), tasks with history, complaints and patrols."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        source = Project.objects.filter(source__isnull=False).first().source
        projects = Project.objects.bulk_create(
            Project(
                name=f"月报项目{i:03d}",
                stream=Stream.values[i % 6],
                investment_wan=None if i % 4 == 0 else D(i) + D("0.25"),
                source=source if i % 8 == 0 else None,
            )
            for i in range(6 * MANY)
        )
        ProgressReport.objects.bulk_create(
            ProgressReport(
                project=project,
                month=month,
                planned_percent=D(50) if i % 2 else None,
                percent_complete=D(i % 90),
                investment_this_month_wan=D(i % 7) + D("0.10"),
                problems=f"问题{i}",
            )
            for i, project in enumerate(projects)
            for month in (
                [NOVEMBER, datetime.date(2018, 10, 1)]
                if i % 3 == 0
                else [datetime.date(2018, 9, 1)]
                if i % 3 == 1
                else [datetime.date(2018, 12, 1)]  # after the month: counts for nothing
            )
        )
        plan = Plan.objects.get(channel=cls.zaobei)
        for i in range(MANY):
            task = Task(
                plan=plan,
                content=f"月报任务{i:03d}",
                deadline=datetime.date(2018, 11, 1 + i % 28),
                status=Task.Status.PENDING,
            )
            save_at(task, at(2018, 9, 1))
            if i % 2:  # in progress in October, completed in December
                task.status = Task.Status.IN_PROGRESS
                task.percent_complete = 30
                save_at(task, at(2018, 10, 5))
                task.status = Task.Status.DONE
                save_at(task, at(2018, 12, 5))
            elif i % 5 == 0:  # completed in November
                task.status = Task.Status.DONE
                save_at(task, at(2018, 11, 20))
        cls.add_complaints_and_patrols(MANY)

    @classmethod
    def add_complaints_and_patrols(cls, n):
        from projects.models import Complaint, ComplaintStep, PatrolRecord

        complaints = Complaint.objects.bulk_create(
            Complaint(
                number=f"TS-2018-8{i:03d}",
                source=Complaint.Source.PATROL,
                received_at=at(2018, 11, 1 + i % 28),
                location="月报地点",
                description="月报投诉",
                deadline=datetime.date(2018, 11, 10) if i % 2 else None,
            )
            for i in range(n)
        )
        ComplaintStep.objects.bulk_create(
            ComplaintStep(complaint=c, stage="found", at=c.received_at) for c in complaints
        )
        PatrolRecord.objects.bulk_create(
            PatrolRecord(
                post=cls.post,
                channel=cls.zaobei,
                kind=PatrolRecord.Kind.DAILY_CARE,
                patrolled_at=at(2018, 11, 1 + i % 28),
            )
            for i in range(n)
        )

    def tables(self, **query):
        self.client.force_login(self.viewer)
        response = self.client.get(reverse("projects:month-report"), {"month": "2018-11", **query})
        self.assertEqual(response.status_code, 200)
        return response


class BoundedPageTests(FullMonthTestCase):
    def test_every_table_hands_the_template_at_most_a_page_of_rows(self):
        def check(more=False):
            for stream, records in zip(Stream.values, [*RECORDS, *RECORDS], strict=True):
                response = self.tables(stream=stream, records=records)
                tables = response.context["tables"]
                # The streams' totals, one stream's projects, one list of records.
                self.assertEqual(list(tables), ["streams", f"stream{stream}", records])
                for name in (f"stream{stream}", records):
                    with self.subTest(name, more=more):
                        table = tables[name]
                        self.assertGreater(len(table.data), MONTH_PER_PAGE)
                        self.assertEqual(len(table.page.object_list), MONTH_PER_PAGE)

        check()
        # Twice as much in the month: still one page each.
        Project.objects.bulk_create(
            Project(name=f"再加项目{i:03d}", stream=Stream.values[i % 6]) for i in range(6 * MANY)
        )
        check(more=True)

    def test_the_template_gets_the_projects_of_one_stream_whatever_the_month_holds(self):
        for query, shown in (
            ({}, Stream.SURVEY),  # the first stream with projects
            ({"stream": Stream.DREDGE}, Stream.DREDGE),
            ({"stream": "9"}, Stream.SURVEY),  # no such stream: the first
            ({"stream": "管"}, Stream.SURVEY),
        ):
            with self.subTest(**query):
                response = self.tables(**query)
                tables = response.context["tables"]
                self.assertEqual(list(tables), ["streams", f"stream{shown.value}", "tasks"])
                self.assertEqual(response.context["group"].stream, shown)
                self.assertIs(response.context["group_table"], tables[f"stream{shown.value}"])
                # Six streams' totals, one stream's table of a page of projects.
                self.assertEqual(len(tables["streams"].data), 6)
                self.assertEqual(response.content.decode().count('class="table month-projects'), 1)

    def test_a_later_page_holds_the_next_rows_and_the_last_the_rest(self):
        first = self.tables(stream=1).context["tables"]["stream1"]
        second = self.tables(stream=1, **{"stream1-page": 2}).context["tables"]["stream1"]
        names = lambda table: [row.record.project.name for row in table.page.object_list]  # noqa: E731
        self.assertFalse(set(names(first)) & set(names(second)))
        everything = [line.project.name for line in month_ledger(NOVEMBER).groups[0].lines]
        self.assertEqual(names(first) + names(second), everything[: 2 * MONTH_PER_PAGE])
        pages = -(-len(everything) // MONTH_PER_PAGE)
        last = self.tables(stream=1, **{"stream1-page": pages}).context["tables"]["stream1"]
        self.assertEqual(names(last), everything[(pages - 1) * MONTH_PER_PAGE :])


class TotalsTests(FullMonthTestCase):
    def test_the_streams_totals_equal_the_sums_of_every_row(self):
        page = MonthPage(NOVEMBER)
        ledger = month_ledger(NOVEMBER)
        for totals, group in zip(page.groups, ledger.groups, strict=True):
            with self.subTest(group.title):
                self.assertEqual(totals.stream, group.stream)
                self.assertEqual(totals.count, len(group.lines))
                self.assertEqual(totals.reported, group.reported)
                self.assertEqual(totals.investment, group.investment)
                self.assertEqual(totals.this_month, group.this_month)
                self.assertEqual(totals.cumulative, group.cumulative)
        self.assertEqual(page.investment, ledger.investment)
        self.assertEqual(page.this_month, ledger.this_month)
        self.assertEqual(page.cumulative, ledger.cumulative)
        self.assertEqual(page.reported, ledger.reported)
        # The month holds unknown amounts of both kinds and unreported projects: partial sums.
        self.assertTrue(ledger.investment.is_partial)
        self.assertTrue(ledger.investment.not_given and ledger.investment.not_filled)
        self.assertTrue(ledger.this_month.not_reported and ledger.cumulative.not_reported)

    def test_the_footers_show_the_whole_months_totals(self):
        ledger = month_ledger(NOVEMBER)
        for group in ledger.groups:
            html = self.tables(stream=group.stream.value).content.decode()
            section = html[html.index(f'id="stream-{group.stream.value}"') :]
            footer = section[section.index("<tfoot") : section.index("</tfoot>")]
            for total in (group.investment, group.this_month, group.cumulative):
                with self.subTest(group.title, total=total):
                    self.assertIn(str(total_html(total)), footer)
        summary = html[html.index("month-totals-table") :]
        footer = summary[summary.index("<tfoot") : summary.index("</tfoot>")]
        for total in (ledger.investment, ledger.this_month, ledger.cumulative):
            self.assertIn(str(total_html(total)), footer)
        self.assertIn(f">{len(ledger.lines)}<", footer)

    def test_the_task_complaint_and_patrol_counts_are_the_months(self):
        page = MonthPage(NOVEMBER)
        ledger = month_ledger(NOVEMBER)
        counts = page.task_counts
        self.assertEqual(counts["total"], len(ledger.tasks))
        self.assertEqual(counts["overdue"], sum(line.is_overdue for line in ledger.tasks))
        self.assertEqual(counts["unrecorded"], ledger.unrecorded_tasks)
        self.assertEqual(page.unrecorded_tasks, 2)  # the article's, with no history
        by_status = Counter(line.status for line in ledger.tasks if line.recorded)
        self.assertEqual({k: v for k, v in counts["statuses"].items() if v}, dict(by_status))
        self.assertGreater(by_status[Task.Status.IN_PROGRESS], MONTH_PER_PAGE)
        self.assertEqual(page.complaint_counts["total"], len(ledger.complaints))
        self.assertEqual(
            page.complaint_counts["overdue"], sum(line.is_overdue for line in ledger.complaints)
        )
        self.assertEqual(page.patrol_count, len(ledger.patrols))

    def test_the_tasks_table_pages_through_the_tasks_as_they_stood(self):
        table = self.tables().context["tables"]["tasks"]
        ledger = month_ledger(NOVEMBER)

        def seen(line):
            return (line.task_id, line.status, line.progress, line.is_overdue, line.recorded)

        self.assertEqual(sorted(map(seen, table.data)), sorted(map(seen, ledger.tasks)))
        rows = {line.content: line for line in table.data}
        self.assertEqual(rows["清理105国道排洪渠淤泥"].status, Task.Status.IN_PROGRESS)
        self.assertTrue(rows["清理105国道排洪渠淤泥"].is_overdue)
        self.assertIn("105国道排洪渠临时围堰", rows)  # deleted in December
        self.assertNotIn("105国道排洪渠补种水生植物", rows)  # created in December
        for task in Task.objects.filter(source__isnull=False):
            self.assertEqual(str(rows[task.content].status_display), "无记录")


class SortAndDownloadTests(FullMonthTestCase):
    def test_a_stream_sorts_by_name_and_by_progress_in_the_database(self):
        table = self.tables(stream=4, **{"stream4-sort": "-project"}).context["tables"]["stream4"]
        names = [row.record.project.name for row in table.page.object_list]
        everything = sorted(Project.objects.filter(stream=4).values_list("name", flat=True))
        self.assertEqual(names, everything[::-1][:MONTH_PER_PAGE])
        table = self.tables(stream=4, **{"stream4-sort": "actual_percent"}).context["tables"][
            "stream4"
        ]
        percents = [row.record.actual_percent for row in table.page.object_list]
        self.assertEqual(percents, sorted(percents))
        self.assertIsNotNone(percents[0])

    def test_the_tasks_sort_by_task(self):
        table = self.tables(**{"tasks-sort": "-content"}).context["tables"]["tasks"]
        contents = [row.record.content for row in table.page.object_list]
        everything = sorted(line.content for line in month_ledger(NOVEMBER).tasks)
        self.assertEqual(contents, everything[::-1][:MONTH_PER_PAGE])

    def test_a_tables_download_holds_every_row_of_the_month(self):
        ledger = month_ledger(NOVEMBER)
        for name, expected in (
            ("stream1", [line.project.name for line in ledger.groups[0].lines]),
            # Not the stream the page shows: its download is its own all the same.
            ("stream5", [line.project.name for line in ledger.groups[4].lines]),
            ("tasks", [line.content for line in ledger.tasks]),
            ("complaints", [line.complaint.number for line in ledger.complaints]),
        ):
            with self.subTest(name):
                response = self.tables(_export="csv", _table=name)
                content = b"".join(response.streaming_content).decode("utf-8-sig")
                rows = list(csv.reader(io.StringIO(content)))[1:]
                self.assertEqual(len(rows), len(expected))
                cells = {cell for row in rows for cell in row}
                self.assertTrue(set(expected) <= cells)

    def test_a_picked_streams_download_link_downloads_that_stream(self):
        ledger = month_ledger(NOVEMBER)
        html = self.tables(stream=Stream.DREDGE).content.decode()
        section = html[html.index('id="stream-5"') : html.index('id="tasks"')]
        link = re.search(r'<a href="(\?[^"]*_export=csv[^"]*)"', section).group(1)
        query = dict(parse_qsl(unescape(link)[1:]))
        self.assertEqual(query["_table"], "stream5")
        response = self.tables(**{k: v for k, v in query.items() if k != "month"})
        content = b"".join(response.streaming_content).decode("utf-8-sig")
        names = {cell for row in csv.reader(io.StringIO(content)) for cell in row}
        expected = {line.project.name for line in ledger.groups[4].lines}
        self.assertGreater(len(expected), MONTH_PER_PAGE)
        self.assertTrue(expected <= names)
        self.assertFalse({line.project.name for line in ledger.groups[0].lines} & names)


class StreamPickerTests(FullMonthTestCase):
    def test_every_streams_totals_link_to_its_projects(self):
        html = self.tables().content.decode()
        summary = html[html.index("month-totals-table") :]
        summary = summary[: summary.index("</table>")]
        picker = html[html.index('class="stream-picker"') :]
        picker = picker[: picker.index("</nav>")]
        for stream in Stream:
            url = escape(f"?month=2018-11&stream={stream.value}#stream-{stream.value}")
            with self.subTest(stream.label):
                self.assertIn(f'href="{url}"', summary)
                self.assertIn(f'href="{url}"', picker)
        # The stream shown is marked; following another's link shows its projects.
        self.assertEqual(picker.count('aria-current="page"'), 1)
        self.assertRegex(picker, r'href="[^"]*stream=1#stream-1" aria-current="page"')
        html = self.tables(stream=Stream.MANAGE).content.decode()
        managed = Project.objects.filter(stream=Stream.MANAGE).order_by("pk").first()
        others = Project.objects.exclude(stream=Stream.MANAGE).values_list("name", flat=True)
        self.assertIn('id="stream-6"', html)
        self.assertIn(escape(managed.name), html)
        tables = html[html.index('id="stream-6"') : html.index('id="tasks"')]
        self.assertFalse([name for name in others if escape(name) in tables])
        # Every stream's totals stay on the page.
        self.assertEqual(html.count('class="table month-totals-table'), 1)

    def test_the_records_picker_shows_every_lists_count_and_keeps_the_stream(self):
        page = MonthPage(NOVEMBER)
        counts = {
            "tasks": page.task_counts["total"],
            "complaints": page.complaint_counts["total"],
            "patrols": page.patrol_count,
        }
        html = self.tables(stream=Stream.DREDGE, records="patrols").content.decode()
        picker = html[html.index('class="stream-picker record-picker"') :]
        picker = picker[: picker.index("</nav>")]
        for name, count in counts.items():
            with self.subTest(name):
                self.assertGreater(count, MONTH_PER_PAGE)
                url = escape(f"?month=2018-11&stream=5&records={name}#{name}")
                self.assertRegex(
                    picker, rf'href="{re.escape(url)}"[^>]*>[^<]+<span class="count">{count}<'
                )
        self.assertIn('data-records="patrols" aria-current="page"', picker)
        self.assertIn('id="patrols"', html)
        self.assertNotIn('class="table month-tasks', html)
        self.assertNotIn('class="table month-complaints', html)
        self.assertEqual(html.count('class="table month-patrols'), 1)
        # Picking a stream keeps the list of records shown.
        self.assertIn(escape("?month=2018-11&stream=2&records=patrols#stream-2"), html)
