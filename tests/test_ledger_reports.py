"""The 工作台账 and the month report count each complaint case's reports (反映次数) as they stood
at the month's end, beside the stage it had reached by then: the 管 sheet's complaints block, the
month page's complaints and their CSV and XLSX downloads, each case one row whatever its
number of reports."""

import csv
import io

import openpyxl
from django.urls import reverse
from django.utils import timezone

from projects.models import Complaint
from projects.services.complaint_reports import add_report
from projects.services.complaints import open_complaint

from .test_month_report import MonthReportTestCase, at, row_with, sheet_rows

BLOCK = "本月受理投诉(4 件)"


class LedgerReportCountTests(MonthReportTestCase):
    """Besides the two complaints of the month recorded without reports (before reports
    existed: 0), an inspection referral of 10 November passed on again on the 20th and on
    3 December (2 by the month's end), and a hotline case of three calls in November (3)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.referral = open_complaint(
            cls.administrator,
            source=Complaint.Source.INSPECTION,
            inspecting_body="广东省第五环境保护督察组",
            case_number="粤督-2018-101",
            received_at=at(2018, 11, 10),
            location="凤凰河口",
            description="河口黑臭",
        )
        for n, when in ((102, at(2018, 11, 20)), (103, at(2018, 12, 3))):
            add_report(
                cls.referral,
                cls.administrator,
                source=Complaint.Source.INSPECTION,
                inspecting_body="广东省第五环境保护督察组",
                case_number=f"粤督-2018-{n}",
                received_at=when,
                content="再次交办",
            )
        cls.calls = open_complaint(
            cls.administrator,
            source=Complaint.Source.HOTLINE,
            complainant="王女士",
            received_at=at(2018, 11, 15),
            location="夏湾路口",
            description="井盖冒黑水",
        )
        for day in (16, 17):
            add_report(
                cls.calls,
                cls.administrator,
                source=Complaint.Source.HOTLINE,
                reporter="王女士",
                received_at=at(2018, 11, day),
                content="又来电反映",
            )

    def complaints_block(self, sheet):
        """(the block's note, its header, its rows by case number) on the 管 sheet."""
        rows = sheet_rows(sheet, first=1)
        start = next(i for i, row in enumerate(rows) if row[0] == BLOCK)
        header = rows[start + 1]
        lines = {}
        for row in rows[start + 2 :]:
            if not isinstance(row[0], int):
                break
            lines[row[1]] = row
        return rows[start][2], header, lines

    def test_the_ledger_file_counts_each_cases_reports_by_the_months_end(self):
        sheet = self.workbook("2018-11")["管 精细化管理"]
        note, header, lines = self.complaints_block(sheet)
        self.assertEqual(note, "环节与反映次数截至 2018年11月30日")
        at_column = header.index("反映次数")
        self.assertEqual(
            header[at_column - 1 : at_column + 2], ["来源", "反映次数", "月末所处环节"]
        )
        counts = {number: row[at_column] for number, row in lines.items()}
        self.assertEqual(
            counts,
            {
                self.handled_in_december.number: 0,
                self.last_evening.number: 0,
                self.referral.number: 2,  # the third referral came in December
                self.calls.number: 3,
            },
        )
        # Numbers, not text: an office can sum them.
        self.assertTrue(all(isinstance(count, int) for count in counts.values()))

    def test_the_month_page_and_its_downloads_count_them_too(self):
        response = self.page("2018-11", records="complaints")
        html = response.content.decode()
        self.assertIn('data-column="report_count"', row_with(html, self.calls.number))
        cells = {
            line.complaint.number: line.report_count
            for line in response.context["tables"]["complaints"].data
        }
        self.assertEqual(cells[self.referral.number], 2)
        self.assertEqual(cells[self.calls.number], 3)
        url = reverse("projects:month-report")
        query = {"month": "2018-11", "records": "complaints", "_table": "complaints"}
        response = self.client.get(url, {**query, "_export": "csv"})
        rows = list(
            csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
        )
        column = rows[0].index("反映次数")
        counts = {row[0]: row[column] for row in rows[1:]}
        self.assertEqual(len(rows), 1 + 4)  # one row a case
        self.assertEqual((counts[self.referral.number], counts[self.calls.number]), ("2", "3"))
        response = self.client.get(url, {**query, "_export": "xlsx"})
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        header = next(row for row in rows if "反映次数" in row)
        column = header.index("反映次数")
        counts = {row[0]: row[column] for row in rows[rows.index(header) + 1 :]}
        self.assertEqual((counts[self.referral.number], counts[self.calls.number]), (2, 3))

    def test_in_the_current_month_every_report_counts(self):
        case = open_complaint(
            self.administrator,
            source=Complaint.Source.HOTLINE,
            location="今天的投诉",
            description="渠边垃圾",
        )
        add_report(case, self.administrator, source=Complaint.Source.PUBLIC, content="又一封信")
        month = f"{timezone.localdate():%Y-%m}"
        sheet = self.workbook(month)["管 精细化管理"]
        rows = sheet_rows(sheet, first=1)
        row = next(row for row in rows if row[1] == case.number)
        title = next(r for r in rows if isinstance(r[0], str) and r[0].startswith("本月受理投诉"))
        header = rows[rows.index(title) + 1]
        self.assertEqual(row[header.index("反映次数")], 2)
