"""The monthly progress report and its XLSX work ledger (工作台账): what the month shows, that
the file read back holds the same sums and the article's figures, dates the Chinese way, and
the query counts. Also the monthly report form's new fields."""

import datetime
import io
import shutil
import tempfile
from decimal import Decimal

import openpyxl
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from projects.models import Job, ProgressReport, Project, Stream, Task
from projects.services import jobs
from projects.services.ledger import month_ledger

from .factories import add_bulk
from .ledger_job import ledger_download, ledger_job, ledger_workbook
from .test_editing import make_role_users

D = Decimal
APRIL, MAY, JUNE = (datetime.date(2018, month, 1) for month in (4, 5, 6))
STREAM_SHEETS = ["查 管网普查", "截 旧村截污", "建 管网建设", "整 黑臭水体整治", "疏 清疏修复"]


def report(project, month, percent, money, **fields):
    return ProgressReport.objects.create(
        project=project,
        month=month,
        percent_complete=D(percent),
        investment_this_month_wan=D(money),
        **fields,
    )


class LedgerTestCase(TestCase):
    """The article's projects, with reports for April to June 2018 on three of them."""

    fixtures = ["xiangzhou_2018"]

    @classmethod
    def setUpTestData(cls):
        make_role_users(cls)
        cls.survey = Project.objects.get(name="香洲区排水管网普查及检测")
        cls.survey.lead_unit = cls.unit_a
        cls.survey.planned_end = datetime.date(2018, 12, 31)
        cls.survey.save()
        cls.batch1 = Project.objects.get(name="第一批旧村末端截污工程")
        cls.g105 = Project.objects.get(name="105国道排洪渠河道治理提升项目")
        report(cls.survey, APRIL, "30", "1000.50")
        report(cls.survey, MAY, "45", "600.25")
        report(
            cls.survey,
            JUNE,
            "55",
            "400.00",
            planned_percent=D("60"),
            problems="部分管段积水,无法检测",
            next_month_plan="完成剩余CCTV检测",
        )
        report(cls.batch1, JUNE, "100", "120.75", planned_percent=D("100"))
        report(cls.g105, MAY, "20", "35.10")  # no June report: “no report”, cumulative 35.10

    def page(self, **query):
        self.client.force_login(self.viewer)
        return self.client.get(reverse("projects:month-report"), query)

    def setUp(self):
        media = tempfile.mkdtemp(prefix="waterworks-ledger-")
        self.addCleanup(shutil.rmtree, media, True)
        settings = override_settings(MEDIA_ROOT=media)
        settings.enable()
        self.addCleanup(settings.disable)

    def workbook(self, month="2018-06"):
        """The file the month report's link has a job build, as the user downloads it."""
        return ledger_workbook(self, month, self.viewer)


class MonthReportPageTests(LedgerTestCase):
    def test_it_shows_the_latest_month_with_reports_by_default(self):
        response = self.page()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["month"], JUNE)
        self.assertContains(response, "2018年6月")
        self.assertContains(response, '?month=2018-05" rel="prev"')
        self.assertContains(response, '?month=2018-07" rel="next"')
        self.assertContains(response, f'{reverse("projects:month-ledger")}?month=2018-06"')

    def test_it_shows_each_projects_month_and_the_totals(self):
        ledger = self.page(month="2018-06").context["ledger"]
        # The page's totals are the database's sums; its rows are read a page at a time.
        lines = {line.project.name: line for line in month_ledger(JUNE).lines}
        self.assertEqual(len(lines), Project.objects.count())
        survey = lines[self.survey.name]
        self.assertEqual((survey.planned_percent, survey.actual_percent), (D(60), D(55)))
        self.assertTrue(survey.behind)
        self.assertEqual(survey.this_month, D("400.00"))
        self.assertEqual(survey.cumulative, D("2000.75"))  # April + May + June
        self.assertEqual(survey.problems, "部分管段积水,无法检测")
        g105 = lines[self.g105.name]
        self.assertFalse(g105.has_report)
        self.assertEqual(g105.cumulative, D("35.10"))
        self.assertIsNone(lines["第二批旧村截污纳管工程"].cumulative)
        # Nine projects filed nothing for June: the month's sums are partial, not complete.
        self.assertEqual(
            (ledger.this_month.known, ledger.this_month.not_reported), (D("520.75"), 9)
        )
        self.assertEqual(
            (ledger.cumulative.known, ledger.cumulative.not_reported), (D("2156.60"), 8)
        )
        # 3,200 + 1,800 + 2,168 + 830 known; the seven other projects' investment is not given.
        self.assertEqual((ledger.investment.known, ledger.investment.not_given), (D("7998.00"), 7))
        self.assertIsNone(ledger.investment.value)
        intercept = ledger.groups[Stream.INTERCEPT - 1]
        self.assertEqual(
            (intercept.investment.value, intercept.this_month.known, intercept.reported),
            (D("4798.00"), D("120.75"), 1),
        )

    def test_it_prints_the_figures_and_the_totals_on_the_page(self):
        # The page shows one stream's projects at a time: every stream's page.
        pages = [self.page(month="2018-06")] + [
            self.client.get(reverse("projects:month-report"), {"month": "2018-06", "stream": s})
            for s in Stream.values[1:]
        ]
        response = pages[0]
        html = "".join(page.content.decode() for page in pages)
        for text in (
            "7,998.00",  # grand total investment
            "520.75",  # this month
            "2,156.60",  # cumulative
            "3,200.00",
            "2,000.75",
            "部分管段积水,无法检测",
            "完成剩余CCTV检测",
            "2018年12月31日",  # planned end, the Chinese way
            "翠微、北山、南溪",
        ):
            self.assertIn(text, html)
        self.assertEqual(html.count("no-report"), Project.objects.count() - 2)
        tasks = response.context["tables"]["tasks"].as_values()
        self.assertEqual(len(list(tasks)) - 1, Task.objects.count())

    def test_it_shows_an_earlier_month_with_cumulative_figures_up_to_it(self):
        response = self.page(month="2018-05")
        ledger = response.context["ledger"]
        self.assertEqual(ledger.this_month.known, D("635.35"))
        self.assertEqual(ledger.cumulative.known, D("1635.85"))
        self.assertContains(response, '?month=2018-06" rel="next"')

    def test_it_offers_no_next_month_beyond_this_one(self):
        this_month = timezone.localdate().replace(day=1)
        response = self.page(month=f"{this_month:%Y-%m}")
        self.assertIsNone(response.context["following"])
        self.assertNotContains(response, 'rel="next"')

    def test_it_says_so_when_the_month_is_not_one(self):
        for bad in ("2018-13", "June", "2018-6-1", "1999-12"):
            response = self.page(month=bad)
            self.assertEqual(response.status_code, 200)
            self.assertIsNotNone(response.context["month_error"], bad)
            self.assertEqual(response.context["month"], JUNE)
            self.assertContains(response, 'class="field-error"')

    def test_it_costs_the_same_queries_with_1000_more_projects(self):
        self.client.force_login(self.viewer)
        url = reverse("projects:month-report")
        # session, user, 2 × permissions; latest month; the streams' projects, their reports
        # up to the month; the tasks at the month's end by status from the history, the
        # article's tasks with no history by then; complaints, patrols counted; a page of the
        # stream shown (查, the first with projects) with its channels; a page of tasks (no
        # complaint or patrol in June: no page of them)
        with self.assertNumQueries(14):
            self.client.get(url)
        # 截's projects have their villages too.
        with self.assertNumQueries(15):
            self.client.get(url, {"stream": Stream.INTERCEPT})
        # 1000 more projects fill the streams that had none; the month given: no query for the
        # latest one. Then 1000 more cost nothing.
        add_bulk(1000)
        for stream, count in ((Stream.SURVEY, 13), (Stream.INTERCEPT, 14), (Stream.MANAGE, 13)):
            with self.subTest(stream=stream), self.assertNumQueries(count):
                self.client.get(url, {"month": "2018-06", "stream": stream})
        Project.objects.bulk_create(
            Project(name=f"加测项目{i:04d}", stream=Stream.values[i % 6]) for i in range(1000)
        )
        with self.assertNumQueries(14):
            response = self.client.get(url, {"month": "2018-06", "stream": Stream.INTERCEPT})
        self.assertEqual(response.context["ledger"].projects, Project.objects.count())


class LedgerFileTests(LedgerTestCase):
    def test_it_has_a_summary_a_sheet_per_stream_and_the_tasks(self):
        workbook = self.workbook()
        names = workbook.sheetnames
        self.assertEqual(len(names), 8)
        self.assertEqual(names[1:6], STREAM_SHEETS)
        self.assertTrue(names[6].startswith("管 "))
        for sheet in workbook.worksheets:
            with self.subTest(sheet.title):
                self.assertIn("香洲区水污染治理", sheet["A1"].value)
                self.assertIn("(2018年6月)", sheet["A1"].value)
                self.assertTrue(sheet["A1"].font.b)
                self.assertTrue(all(cell.font.b for cell in sheet[3] if cell.value))
                self.assertEqual(sheet.page_setup.orientation, "landscape")
                self.assertEqual(sheet.page_setup.fitToWidth, 1)
                self.assertTrue(sheet.sheet_properties.pageSetUpPr.fitToPage)
                self.assertGreater(sheet.column_dimensions["B"].width, 10)

    def rows(self, sheet):
        """The data rows (after the header) as lists of values, the total row last; the 管
        sheet's complaints and patrols below its total are left out."""
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
        totals = [number for number, row in enumerate(rows) if row[1] == "合计"]
        return rows[: totals[0] + 1] if totals else rows

    def test_its_totals_equal_the_sums_on_the_month_page(self):
        workbook = self.workbook()
        ledger = month_ledger(JUNE)
        for group, name in zip(ledger.groups, workbook.sheetnames[1:7], strict=True):
            with self.subTest(name):
                *lines, total = self.rows(workbook[name])
                self.assertEqual(len(lines), group.count)
                self.assertEqual(total[1], "合计")
                for column, expected in (
                    (4, group.investment),
                    (7, group.this_month),
                    (8, group.cumulative),
                ):
                    given = [row[column] for row in lines if isinstance(row[column], float | int)]
                    if expected.given:  # the known sum, never a text
                        self.assertEqual(D(str(total[column])).quantize(D("0.01")), expected.known)
                        self.assertAlmostEqual(sum(given), float(expected.known), places=2)
                    else:
                        self.assertEqual(given, [])
                        self.assertNotIsInstance(total[column], float | int)
        *streams, total = self.rows(workbook.worksheets[0])
        self.assertEqual(len(streams), 6)
        self.assertEqual(
            [D(str(v)).quantize(D("0.01")) for v in total[4:7]],
            [ledger.investment.known, ledger.this_month.known, ledger.cumulative.known],
        )
        self.assertEqual(total[2], Project.objects.count())

    def test_it_writes_money_as_numbers_with_two_decimals(self):
        sheet = self.workbook()[STREAM_SHEETS[0]]
        survey = sheet.cell(row=4, column=5)
        self.assertEqual(survey.value, 3200)
        self.assertEqual(survey.number_format, "#,##0.00")
        self.assertEqual(sheet.cell(row=4, column=9).value, 2000.75)
        self.assertEqual(sheet.cell(row=4, column=9).number_format, "#,##0.00")
        self.assertEqual(sheet.cell(row=4, column=7).value, 0.55)  # actual percent
        self.assertEqual(sheet.cell(row=4, column=7).number_format, "0.0%")

    def test_it_holds_the_articles_figures(self):
        workbook = self.workbook()
        survey, *_rest = self.rows(workbook[STREAM_SHEETS[0]])
        self.assertEqual(survey[1], "香洲区排水管网普查及检测")
        for figure in ("920", "520", "136"):
            self.assertIn(figure, survey[2])
        self.assertEqual(survey[4], 3200)
        self.assertEqual(survey[11], "2018年12月31日")
        self.assertEqual(survey[9], "部分管段积水,无法检测")
        batch_rows = self.rows(workbook[STREAM_SHEETS[1]])[:-1]
        self.assertEqual(  # in the article's order, by batch number
            [row[1][:3] for row in batch_rows], ["第一批", "第二批", "第三批"]
        )
        batches = {row[1]: row for row in batch_rows}
        first = batches["第一批旧村末端截污工程"]
        self.assertEqual(first[4], 1800)
        self.assertIn("24", first[2])
        for village in ("翠微", "北山", "南溪", "红东", "广昌", "东坑", "福溪", "梅溪"):
            self.assertIn(village, first[2])
        self.assertEqual(batches["第二批旧村截污纳管工程"][4], 2168)
        self.assertEqual(batches["第三批旧村截污工程"][4], 830)
        build = {row[1]: row for row in self.rows(workbook[STREAM_SHEETS[2]])[:-1]}
        first_build = build["全市污水管网建设工程(香洲区)第一批工程"]
        for text in ("36", "4", "岱山", "上冲", "金凤排洪渠"):
            self.assertIn(text, first_build[2])
        *_lines, intercept_total = self.rows(workbook[STREAM_SHEETS[1]])
        self.assertEqual(intercept_total[4], 4798)

    def test_it_marks_projects_without_a_report_that_month(self):
        remediate = {row[1]: row for row in self.rows(self.workbook()[STREAM_SHEETS[3]])[:-1]}
        g105 = remediate["105国道排洪渠河道治理提升项目"]
        self.assertIsInstance(g105[6], str)  # “no report” in place of the percent
        self.assertIsNone(g105[7])
        self.assertEqual(g105[8], 35.1)

    def test_it_lists_every_task_with_its_deadline_the_chinese_way(self):
        task = Task.objects.order_by("pk").first()
        task.deadline = datetime.date(2018, 9, 30)
        task._history_date = timezone.make_aware(datetime.datetime(2018, 5, 2))
        task.save()
        workbook = self.workbook()
        tasks = self.rows(workbook.worksheets[-1])
        self.assertEqual(len(tasks), Task.objects.count())
        self.assertIn("2018年9月30日", [row[4] for row in tasks])
        self.assertEqual(
            {row[2] for row in tasks}, set(Task.objects.values_list("content", flat=True))
        )

    def test_it_is_written_in_chinese_whatever_the_users_language(self):
        self.client.force_login(self.viewer)
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        job = ledger_job(self, "2018-06")
        self.assertEqual(job.message, "The work ledger of 2018-06 is ready: 28 rows.")
        response = ledger_download(self, job)
        workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        self.assertEqual(workbook.sheetnames[1], "查 管网普查")
        self.assertIn("2018年6月", workbook.worksheets[1]["A1"].value)

    def test_it_is_a_download_named_after_the_month(self):
        response = ledger_download(self, ledger_job(self, "2018-06", self.viewer))
        self.assertEqual(
            response["Content-Type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertIn("2018-06.xlsx", response["Content-Disposition"])

    def test_it_refuses_a_month_that_is_not_one_rather_than_send_another(self):
        self.client.force_login(self.viewer)
        response = self.client.get(reverse("projects:month-ledger"), {"month": "2018-6"})
        self.assertEqual(response.status_code, 400)

    def test_it_costs_the_same_queries_with_1000_more_projects(self):
        self.client.force_login(self.viewer)
        url = reverse("projects:month-ledger")
        # The link: session, user; the month's ledger jobs; the new job.
        with self.assertNumQueries(4):
            response = self.client.get(url, {"month": "2018-06"})
        first = Job.objects.get(pk=response.url.split("/")[-2])
        # The job: claimed, read; the data's stamp; projects; reports; channels; villages;
        # pumping stations; tasks at the month's end; the article's tasks with no history by
        # then; complaints; patrols; its older files; finished. (Its progress is written from
        # another connection inside the test's transaction.)
        with self.assertNumQueries(13):
            jobs.run(first.pk)
        add_bulk(1000)
        with self.assertNumQueries(5):  # and the data's stamp, to see the first is stale
            response = self.client.get(url, {"month": "2018-06"})
        job = Job.objects.get(pk=response.url.split("/")[-2])
        self.assertNotEqual(job, first)
        with self.assertNumQueries(14):  # and the first job's file deleted
            jobs.run(job.pk)
        job.refresh_from_db()
        content = b"".join(ledger_download(self, job).streaming_content)
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        self.assertEqual(
            sum(len(self.rows(sheet)) - 1 for sheet in workbook.worksheets[1:7]),
            Project.objects.count(),
        )

    def test_the_ledger_object_is_the_one_the_page_shows(self):
        ledger = month_ledger(JUNE)
        self.assertEqual(ledger.cumulative.known, D("2156.60"))


class ReportFormTests(LedgerTestCase):
    def test_an_editor_files_planned_percent_problems_and_next_months_plan(self):
        self.client.force_login(self.editor_a)
        url = reverse("projects:report-create", args=[self.survey.pk])
        month = timezone.localdate().replace(day=1)
        response = self.client.post(
            url,
            {
                "month": f"{month:%Y-%m}",
                "planned_percent": "80",
                "percent_complete": "70",
                "investment_this_month_wan": "12.5",
                "problems": "雨季影响检测",
                "next_month_plan": "补测积水管段",
            },
        )
        self.assertRedirects(response, self.survey.get_absolute_url())
        saved = ProgressReport.objects.get(project=self.survey, month=month)
        self.assertEqual(
            (saved.planned_percent, saved.problems, saved.next_month_plan),
            (D("80.0"), "雨季影响检测", "补测积水管段"),
        )
        page = self.client.get(self.survey.get_absolute_url())
        for text in ("80%", "雨季影响检测", "补测积水管段"):
            self.assertContains(page, text)

    def test_it_refuses_a_planned_percent_over_100(self):
        self.client.force_login(self.editor_a)
        response = self.client.post(
            reverse("projects:report-create", args=[self.survey.pk]),
            {
                "month": "2018-07",
                "planned_percent": "120",
                "percent_complete": "70",
                "investment_this_month_wan": "1",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "百分比必须在 0 到 100 之间。")
        self.assertFalse(ProgressReport.objects.filter(month="2018-07-01").exists())
