"""Text typed into a complaint, a patrol, a monthly report or a deduction that a spreadsheet
would take for a formula (``=HYPERLINK(…)``, ``=1+1``, ``@SUM(1)``, ``+1``, ``-2+3``) comes out
of every download as text: every CSV and XLSX export of every list and page, and the 工作台账
workbook. Numbers stay numbers."""

import csv
import html
import io
import re
from decimal import Decimal

import openpyxl
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects.models import (
    AssessmentItem,
    Complaint,
    MonthlyAssessment,
    PatrolRecord,
    ProgressReport,
)
from tests.ledger_job import ledger_workbook
from tests.test_patrols import CREATE as PATROL_CREATE
from tests.test_patrols import PatrolTestCase

HYPERLINK = '=HYPERLINK("http://x","y")'
SUM = "=1+1"
AT_SUM = "@SUM(1)"
PLUS = "+1"
MINUS = "-2+3"
TYPED = (HYPERLINK, SUM, AT_SUM, PLUS, MINUS)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?%?")

EXPORT_LINK = re.compile(r'href="([^"]*(?:_export=|ledger\.xlsx)[^"]*)"')


def workbook_of(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return openpyxl.load_workbook(io.BytesIO(content))


def csv_rows(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


class FormulaTestCase(PatrolTestCase):
    """The formulas typed through the site's forms: a complaint (description, place,
    complainant), a patrol (patroller, findings, action), the 105 project's report of this
    month (problems, next month's plan, note) and a deduction's note."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.month = timezone.localdate().replace(day=1)
        now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        client = Client()

        client.force_login(cls.administrator)
        response = client.post(
            reverse("projects:complaint-create"),
            {
                "source": "hotline",
                "received_at": now,
                "complainant": AT_SUM,
                "location": SUM,
                "channel": cls.g105.pk,
                "description": HYPERLINK,
            },
        )
        assert response.status_code == 302, response
        cls.complaint = Complaint.objects.get(description=HYPERLINK)

        cls.assessment = MonthlyAssessment.objects.create(station=cls.unit_a, month=cls.month)
        response = client.post(
            reverse("projects:assessment-deduction-create", args=[cls.assessment.pk]),
            {
                "item": AssessmentItem.objects.get(code="C1").pk,
                "occurrences": "3",
                "note": HYPERLINK,
            },
        )
        assert response.status_code == 302, response

        client.force_login(cls.editor_a)
        response = client.post(
            PATROL_CREATE,
            {
                "post": cls.post_a.pk,
                "channel": cls.g105.pk,
                "pumping_station": "",
                "kind": PatrolRecord.Kind.INSPECTION,
                "patrolled_at": now,
                "patroller": AT_SUM,
                "findings": MINUS,
                "action_taken": PLUS,
            },
        )
        assert response.status_code == 302, response
        response = client.post(
            reverse("projects:report-create", args=[cls.project_a.pk]),
            {
                "month": f"{cls.month:%Y-%m}",
                "percent_complete": "40",
                "investment_this_month_wan": "2.50",
                "problems": SUM,
                "next_month_plan": AT_SUM,
                "note": MINUS,
            },
        )
        assert response.status_code == 302, response
        cls.report = ProgressReport.objects.get(project=cls.project_a, month=cls.month)

    def setUp(self):
        self.client.force_login(self.administrator)

    def pages(self):
        """Every page with tables to download: the lists, and the pages of what was typed."""
        names = [
            "dashboard",
            "channel-list",
            "batch-list",
            "pipes",
            "project-list",
            "segment-priority",
            "segment-maintenance",
            "station-list",
            "patrol-list",
            "complaint-board",
            "complaint-list",
            "assessment-list",
            "assessment-items",
        ]
        urls = [reverse(f"projects:{name}") for name in names]
        urls += [
            reverse("projects:month-report") + f"?month={self.month:%Y-%m}",
            # The month report lists one stream's projects and one list of records at a time.
            reverse("projects:month-report")
            + f"?month={self.month:%Y-%m}&stream={self.project_a.stream}&records=complaints",
            reverse("projects:month-report") + f"?month={self.month:%Y-%m}&records=patrols",
            self.g105.get_absolute_url(),
            reverse("projects:channel-history", args=[self.g105.pk]),
            self.project_a.get_absolute_url(),
            reverse("projects:project-history", args=[self.project_a.pk]),
            reverse("projects:task-history", args=[self.task_a.pk]),
            reverse("projects:station-detail", args=[self.unit_a.pk]),
            self.complaint.get_absolute_url(),
            PatrolRecord.objects.get(findings=MINUS).get_absolute_url(),
            self.assessment.get_absolute_url(),
        ]
        return urls

    def downloads(self):
        """{link: response} of every CSV and XLSX link on those pages."""
        links = []
        for url in self.pages():
            page = self.client.get(url)
            self.assertEqual(page.status_code, 200, url)
            path = url.split("?")[0]
            for href in EXPORT_LINK.findall(page.content.decode()):
                link = html.unescape(href)
                if link.startswith("?"):
                    link = path + link
                if "ledger.xlsx" in link:
                    continue  # built by a background job: the ledger tests below open its file
                if link not in links:
                    links.append(link)
        found = {}
        for link in links:
            response = self.client.get(link)
            self.assertEqual(response.status_code, 200, link)
            found[link] = response
        return found


class ExportTests(FormulaTestCase):
    def test_every_download_keeps_typed_formulas_as_text(self):
        downloads = self.downloads()
        self.assertGreater(len(downloads), 40)
        texts = {"csv": set(), "xlsx": set()}
        for link, response in downloads.items():
            if "_export=csv" in link:
                for row in csv_rows(response):
                    for value in row:
                        if value.startswith(FORMULA_START):  # only a number, e.g. -150
                            self.assertTrue(NUMBER.fullmatch(value), f"{link}: {value!r}")
                        texts["csv"].add(value)
                continue
            for sheet in workbook_of(response).worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        where = f"{link} {sheet.title}!{cell.coordinate}"
                        self.assertNotEqual(cell.data_type, "f", where)
                        if isinstance(cell.value, str):
                            self.assertFalse(cell.value.startswith(FORMULA_START), where)
                            texts["xlsx"].add(cell.value)
        # What was typed is there, as text: the apostrophe only marks it so.
        for kind, found in texts.items():
            for typed in TYPED:
                with self.subTest(kind=kind, typed=typed):
                    self.assertIn(f"'{typed}", found)

    def test_the_ledger_keeps_typed_formulas_as_text_and_numbers_as_numbers(self):
        page = self.client.get(reverse("projects:month-report"), {"month": f"{self.month:%Y-%m}"})
        (link,) = [
            html.unescape(href)
            for href in EXPORT_LINK.findall(page.content.decode())
            if "ledger.xlsx" in href
        ]
        self.assertIn(f"month={self.month:%Y-%m}", link)
        # The link starts a background job; the file is its result.
        workbook = ledger_workbook(self, f"{self.month:%Y-%m}")
        cells = {
            cell.value: cell
            for sheet in workbook.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        }
        for typed in TYPED:
            with self.subTest(typed):
                cell = cells.get(f"'{typed}")
                self.assertIsNotNone(cell, typed)
                self.assertEqual(cell.data_type, "s")
                self.assertNotIn(typed, cells)
        (row,) = [
            row
            for sheet in workbook.worksheets[1:-1]  # the work streams' sheets
            for row in sheet.iter_rows()
            if row[1].value == self.project_a.name
        ]
        # The month's investment and progress are numbers, formatted as such.
        self.assertEqual(row[7].value, 2.5)
        self.assertEqual(row[7].data_type, "n")
        self.assertEqual(row[6].value, 0.4)
        self.assertEqual((row[9].value, row[10].value), (f"'{SUM}", f"'{AT_SUM}"))

    def test_the_ledger_drops_characters_a_workbook_cannot_hold(self):
        Complaint.objects.filter(pk=self.complaint.pk).update(description="渠面\x01漂浮\x0b垃圾")
        cells = [
            cell.value
            for sheet in ledger_workbook(self, f"{self.month:%Y-%m}").worksheets
            for row in sheet.iter_rows()
            for cell in row
        ]
        self.assertIn("渠面漂浮垃圾", cells)

    def test_numbers_in_a_report_download_stay_numbers(self):
        url = self.project_a.get_absolute_url()
        page = self.client.get(url).content.decode()
        links = [html.unescape(h) for h in EXPORT_LINK.findall(page) if "reports" in h]
        self.assertTrue(links, "no download of the project's reports")
        for link in links:
            response = self.client.get(url + link)
            if "csv" in link:
                (row,) = [r for r in csv_rows(response) if f"'{SUM}" in r]
                self.assertIn("2.50", row)
            else:
                sheet = workbook_of(response).active
                (row,) = [r for r in sheet.iter_rows() if f"'{SUM}" in [c.value for c in r]]
                numbers = [c.value for c in row if c.data_type == "n" and c.value is not None]
                self.assertIn(Decimal("2.50"), [Decimal(str(n)) for n in numbers])
