"""The monthly work ledger (工作台账) as an XLSX workbook, in the layout an office files:
a summary sheet (汇总), one sheet per work stream, and the one-river-one-policy tasks.

Each sheet has a title row (“香洲区水污染治理工作台账(2018年6月)”), the unit line (单位:万元),
a bold header row repeated on every printed page, one row per project and a 合计 row. Money
cells are numbers in 万元 shown with two decimals (``#,##0.00``), percentages are numbers shown
as percents, dates are written the Chinese way (2018年12月31日). Pages print landscape, fitted
to the width of the paper.

The ledger is a filing document: it is always written in Chinese, whatever the language the
user reads the site in."""

import io

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

LANGUAGE = "zh-hans"
MONEY = "#,##0.00"
PERCENT = "0.0%"
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEADER_ROW = 3  # title, unit line, header

# Forbidden in sheet names by Excel; at most 31 characters.
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def sheet_name(text):
    return str(text).translate(SHEET_NAME_FORBIDDEN)[:31]


def chinese_date(day):
    """2018年12月31日 (empty when there is no date)."""
    return date_format(day, "DATE_FORMAT") if day else ""


def chinese_month(month):
    return date_format(month, "YEAR_MONTH_FORMAT")


def title_text(month):
    return _("%(programme)s work ledger (%(month)s)") % {
        "programme": _("Xiangzhou water remediation"),
        "month": chinese_month(month),
    }


def percent_cell(value):
    return None if value is None else float(value) / 100


class Sheet:
    """One sheet: columns given as (header, width, kind) with kind one of text, money,
    percent, number."""

    def __init__(self, worksheet, month, columns, unit_line=True):
        self.ws = worksheet
        self.columns = columns
        self.row = HEADER_ROW
        last = get_column_letter(len(columns))
        worksheet.merge_cells(f"A1:{last}1")
        worksheet["A1"] = title_text(month)
        worksheet["A1"].font = Font(bold=True, size=14)
        worksheet["A1"].alignment = CENTRED
        worksheet.row_dimensions[1].height = 26
        worksheet.merge_cells(f"A2:{last}2")
        worksheet["A2"] = (
            _("Unit: 10k yuan")
            if unit_line
            else _("Status as of %(date)s") % {"date": chinese_date(timezone.localdate())}
        )
        worksheet["A2"].alignment = Alignment(horizontal="right")
        for index, (header, width, _kind) in enumerate(columns, start=1):
            cell = worksheet.cell(row=HEADER_ROW, column=index, value=str(header))
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.border = BORDER
            cell.alignment = CENTRED
            worksheet.column_dimensions[get_column_letter(index)].width = width
        worksheet.freeze_panes = worksheet.cell(row=HEADER_ROW + 1, column=3)
        worksheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        worksheet.page_setup.orientation = "landscape"
        worksheet.page_setup.paperSize = worksheet.PAPERSIZE_A4
        worksheet.page_setup.fitToWidth = 1
        worksheet.page_setup.fitToHeight = 0
        worksheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        worksheet.print_options.horizontalCentered = True

    def add(self, values, total=False):
        self.row += 1
        for index, ((_header, _width, kind), value) in enumerate(
            zip(self.columns, values, strict=True), start=1
        ):
            if value is not None and kind == "money":
                value = float(value)
            cell = self.ws.cell(row=self.row, column=index, value=value)
            cell.border = BORDER
            cell.alignment = WRAP
            if kind == "money":
                cell.number_format = MONEY
            elif kind == "percent":
                cell.number_format = PERCENT
            if total:
                cell.font = Font(bold=True)
                cell.fill = TOTAL_FILL
        return self.row


def project_columns():
    return [
        (_("No."), 6, "number"),
        (_("Project"), 30, "text"),
        (_("Scale and content"), 42, "text"),
        (_("Responsible unit"), 16, "text"),
        (_("Total investment (10k yuan)"), 14, "money"),
        (_("Planned progress"), 10, "percent"),
        (_("Actual progress"), 10, "percent"),
        (_("Investment this month (10k yuan)"), 14, "money"),
        (_("Cumulative investment (10k yuan)"), 14, "money"),
        (_("Problems"), 28, "text"),
        (_("Next month's plan"), 28, "text"),
        (_("Planned completion"), 16, "text"),
    ]


def project_row(number, line):
    no_report = _("no report")
    return [
        number,
        line.project.name,
        line.scale,
        str(line.unit) if line.unit else "",
        line.investment,
        percent_cell(line.planned_percent),
        percent_cell(line.actual_percent) if line.has_report else no_report,
        line.this_month if line.has_report else None,
        line.cumulative,
        line.problems,
        line.next_month_plan,
        chinese_date(line.planned_end),
    ]


def total_row(label, investment, this_month, cumulative):
    return [
        None,
        label,
        None,
        None,
        investment,
        None,
        None,
        this_month,
        cumulative,
        None,
        None,
        None,
    ]


def add_summary(workbook, ledger):
    sheet = Sheet(
        workbook.create_sheet(sheet_name(_("Summary"))),
        ledger.month,
        [
            (_("No."), 6, "number"),
            (_("Work stream"), 22, "text"),
            (_("Number of projects"), 10, "number"),
            (_("Reported this month"), 12, "number"),
            (_("Total investment (10k yuan)"), 16, "money"),
            (_("Investment this month (10k yuan)"), 16, "money"),
            (_("Cumulative investment (10k yuan)"), 16, "money"),
        ],
    )
    for number, group in enumerate(ledger.groups, start=1):
        sheet.add(
            [
                number,
                group.title,
                len(group.lines),
                group.reported,
                group.investment,
                group.this_month,
                group.cumulative,
            ]
        )
    sheet.add(
        [
            None,
            _("Total"),
            len(ledger.lines),
            ledger.reported,
            ledger.investment,
            ledger.this_month,
            ledger.cumulative,
        ],
        total=True,
    )


def add_stream(workbook, ledger, group):
    sheet = Sheet(workbook.create_sheet(sheet_name(group.title)), ledger.month, project_columns())
    for number, line in enumerate(group.lines, start=1):
        sheet.add(project_row(number, line))
    sheet.add(
        total_row(_("Total"), group.investment, group.this_month, group.cumulative), total=True
    )


def add_tasks(workbook, ledger):
    sheet = Sheet(
        workbook.create_sheet(sheet_name(_("One-river-one-policy tasks"))),
        ledger.month,
        [
            (_("No."), 6, "number"),
            (_("Channel"), 18, "text"),
            (_("Task"), 44, "text"),
            (_("Lead unit"), 16, "text"),
            (_("Deadline"), 16, "text"),
            (_("Status"), 12, "text"),
            (_("Progress"), 10, "percent"),
            (_("Overdue"), 10, "text"),
        ],
        unit_line=False,
    )
    for number, task in enumerate(ledger.tasks, start=1):
        sheet.add(
            [
                number,
                task.plan.channel.name,
                task.content,
                str(task.lead_unit) if task.lead_unit else "",
                chinese_date(task.effective_deadline),
                str(task.get_status_display()),
                percent_cell(task.progress),
                str(_("Overdue")) if task.is_overdue else "",
            ]
        )


def ledger_workbook(ledger):
    """The workbook of ``ledger`` (``projects.ledger.MonthLedger``), in Chinese."""
    with translation.override(LANGUAGE):
        workbook = Workbook()
        workbook.remove(workbook.active)
        add_summary(workbook, ledger)
        for group in ledger.groups:
            add_stream(workbook, ledger, group)
        add_tasks(workbook, ledger)
        workbook.properties.title = title_text(ledger.month)
        workbook.properties.creator = "Waterworks"
    return workbook


def ledger_bytes(ledger):
    buffer = io.BytesIO()
    ledger_workbook(ledger).save(buffer)
    return buffer.getvalue()


def ledger_filename(month):
    with translation.override(LANGUAGE):
        return _("work-ledger-%(month)s.xlsx") % {"month": f"{month:%Y-%m}"}
