"""The monthly work ledger (工作台账) as an XLSX workbook, in the layout an office files:
a summary sheet (汇总), one sheet per work stream, and the one-river-one-policy tasks.

Each sheet has a title row (“香洲区水污染治理工作台账(2018年6月)”), the unit line (单位:万元),
a bold header row repeated on every printed page, one row per project and a 合计 row. Money
cells are numbers in 万元 shown with two decimals (``#,##0.00``), percentages are numbers shown
as percents, dates are written the Chinese way (2018年12月31日). Pages print landscape, fitted
to the width of the paper.

A total over unknown amounts is never written as if they were zero: a partial one is the known
sum shown as “≥ 1,234.00” with what is missing said in the row's note (column C, or 备注 on the
summary sheet); one with nothing known says why (原文未载明, 未填写, 未填报). An empty field says
原文未载明 on a row that cites the source article and 未填写 on the office's own record.

The tasks sheet tells each task as it stood at the end of the month (“状态截至 2018年11月30日”),
overdue judged on that day; the 管 sheet also lists the complaints received and the patrols done
in the month.

The ledger is a filing document: it is always written in Chinese, whatever the language the
user reads the site in. Every text cell goes through ``exports.write_text``: text typed into a
complaint, a patrol or a report that starts like a formula (= + - @) stays text."""

import io

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from projects.models import Stream
from projects.services.exports import write_text
from projects.services.totals import blank_label, missing_text, total_text

LANGUAGE = "zh-hans"
MONEY = "#,##0.00"
PARTIAL_MONEY = '"≥ "#,##0.00'
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


def local_minutes(value):
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def total_cell(total):
    """A total's cell: the sum as a number (a partial one marked by ``PARTIAL_MONEY``), the
    reason nothing is known as text, or nothing when there is nothing to add up."""
    if total.is_empty:
        return None
    if total.given:
        return Partial(total.known) if total.missing else total.known
    return total_text(total)


class Partial(float):
    """A money cell holding only the known part of a sum: shown “≥ 1,234.00”."""


def totals_note(totals):
    """“总投资(2 项原文未载明);本月完成投资(1 项未填报)”: the totals that lack values."""
    parts = []
    for label, total in totals:
        if total.missing:
            parts.append(
                _("%(column)s (%(missing)s)") % {"column": label, "missing": missing_text(total)}
            )
    return _("; ").join(parts) if parts else None


class Sheet:
    """One sheet: columns given as (header, width, kind) with kind one of text, money,
    percent, number."""

    def __init__(self, worksheet, month, columns, line=None):
        self.ws = worksheet
        self.columns = columns
        self.row = HEADER_ROW
        last = get_column_letter(len(columns))
        worksheet.merge_cells(f"A1:{last}1")
        write_text(worksheet["A1"], title_text(month))
        worksheet["A1"].font = Font(bold=True, size=14)
        worksheet["A1"].alignment = CENTRED
        worksheet.row_dimensions[1].height = 26
        worksheet.merge_cells(f"A2:{last}2")
        write_text(worksheet["A2"], line or _("Unit: 10k yuan"))
        worksheet["A2"].alignment = Alignment(horizontal="right")
        self.header(columns, HEADER_ROW)
        worksheet.freeze_panes = worksheet.cell(row=HEADER_ROW + 1, column=3)
        worksheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        worksheet.page_setup.orientation = "landscape"
        worksheet.page_setup.paperSize = worksheet.PAPERSIZE_A4
        worksheet.page_setup.fitToWidth = 1
        worksheet.page_setup.fitToHeight = 0
        worksheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        worksheet.print_options.horizontalCentered = True

    def header(self, columns, row):
        """A bold header row; a column is made wide enough for every block of the sheet."""
        for index, (header, width, _kind) in enumerate(columns, start=1):
            cell = self.ws.cell(row=row, column=index)
            write_text(cell, header)
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.border = BORDER
            cell.alignment = CENTRED
            dimension = self.ws.column_dimensions[get_column_letter(index)]
            dimension.width = max(dimension.width or 0, width)

    def block(self, title, columns, note=None):
        """A further table below the rows written so far: a bold title (and a note) on their
        own row, then its header; the rows added next follow its ``columns``."""
        self.row += 2
        cell = self.ws.cell(row=self.row, column=1)
        write_text(cell, title)
        cell.font = Font(bold=True, size=12)
        if note:
            write_text(self.ws.cell(row=self.row, column=3), note)
        self.row += 1
        self.columns = columns
        self.header(columns, self.row)

    def add(self, values, total=False):
        self.row += 1
        for index, ((_header, _width, kind), value) in enumerate(
            zip(self.columns, values, strict=True), start=1
        ):
            partial = isinstance(value, Partial)
            if value is not None and kind == "money" and not isinstance(value, str):
                value = float(value)
            cell = self.ws.cell(row=self.row, column=index)
            if isinstance(value, str):
                write_text(cell, value)
            else:
                cell.value = value
            cell.border = BORDER
            cell.alignment = WRAP
            if kind == "money":
                cell.number_format = PARTIAL_MONEY if partial else MONEY
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
    blank = str(line.blank)
    return [
        number,
        line.project.name,
        line.scale or blank,
        str(line.unit) if line.unit else blank,
        line.investment if line.investment is not None else blank,
        percent_cell(line.planned_percent),
        percent_cell(line.actual_percent) if line.has_report else no_report,
        line.this_month if line.has_report else None,
        line.cumulative,
        line.problems,
        line.next_month_plan,
        chinese_date(line.planned_end) or blank,
    ]


def money_totals(totals):
    """(column label, Total) of the three money columns of ``totals``: a group or a ledger."""
    return [
        (_("Total investment"), totals.investment),
        (_("Investment this month"), totals.this_month),
        (_("Cumulative investment"), totals.cumulative),
    ]


def total_row(label, totals):
    return [
        None,
        label,
        totals_note(money_totals(totals)),
        None,
        total_cell(totals.investment),
        None,
        None,
        total_cell(totals.this_month),
        total_cell(totals.cumulative),
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
            (_("Note"), 36, "text"),
        ],
    )
    for number, group in enumerate(ledger.groups, start=1):
        sheet.add(
            [
                number,
                group.title,
                len(group.lines),
                group.reported,
                total_cell(group.investment),
                total_cell(group.this_month),
                total_cell(group.cumulative),
                totals_note(money_totals(group)),
            ]
        )
    sheet.add(
        [
            None,
            _("Total"),
            len(ledger.lines),
            ledger.reported,
            total_cell(ledger.investment),
            total_cell(ledger.this_month),
            total_cell(ledger.cumulative),
            totals_note(money_totals(ledger)),
        ],
        total=True,
    )


def add_stream(workbook, ledger, group):
    sheet = Sheet(workbook.create_sheet(sheet_name(group.title)), ledger.month, project_columns())
    for number, line in enumerate(group.lines, start=1):
        sheet.add(project_row(number, line))
    sheet.add(total_row(_("Total"), group), total=True)
    if group.stream == Stream.MANAGE:
        add_complaints(sheet, ledger)
        add_patrols(sheet, ledger)


def add_complaints(sheet, ledger):
    """The complaints received in the month, each at the stage it had reached by its end."""
    sheet.block(
        _("Complaints received in the month (%(count)s)") % {"count": len(ledger.complaints)},
        [
            (_("No."), 6, "number"),
            (_("number"), 16, "text"),
            (_("description"), 42, "text"),
            (_("assigned unit"), 16, "text"),
            (_("received at"), 16, "text"),
            (_("source"), 10, "text"),
            (_("Stage at month end"), 10, "text"),
            (_("deadline"), 16, "text"),
            (_("Overdue"), 10, "text"),
            (_("location"), 28, "text"),
            (_("action taken"), 28, "text"),
        ],
        note=_("Stage as of %(date)s") % {"date": chinese_date(ledger.as_of)},
    )
    if not ledger.complaints:
        sheet.add([None, _("None"), *[None] * 9])
    for number, line in enumerate(ledger.complaints, start=1):
        complaint = line.complaint
        place = complaint.location
        if complaint.channel_id:
            place = f"{place}({complaint.channel.name})"
        sheet.add(
            [
                number,
                complaint.number,
                complaint.description,
                str(complaint.assigned_unit) if complaint.assigned_unit else "",
                local_minutes(complaint.received_at),
                str(complaint.get_source_display()),
                str(line.stage_display),
                chinese_date(complaint.deadline),
                str(_("Overdue")) if line.is_overdue else "",
                place,
                line.action_taken,
            ]
        )


def add_patrols(sheet, ledger):
    """The patrols done in the month, in the order they were done."""
    sheet.block(
        _("Patrols done in the month (%(count)s)") % {"count": len(ledger.patrols)},
        [
            (_("No."), 6, "number"),
            (_("Place"), 16, "text"),
            (_("findings"), 42, "text"),
            (_("Municipal station"), 16, "text"),
            (_("patrolled at"), 16, "text"),
            (_("Work done"), 10, "text"),
            (_("patroller"), 10, "text"),
            (_("Post"), 16, "text"),
            (_("action taken"), 28, "text"),
        ],
    )
    if not ledger.patrols:
        sheet.add([None, _("None"), *[None] * 7])
    for number, record in enumerate(ledger.patrols, start=1):
        place = record.channel or record.pumping_station
        sheet.add(
            [
                number,
                place.name if place else "",
                record.findings,
                str(record.post.station),
                local_minutes(record.patrolled_at),
                str(record.get_kind_display()),
                record.patroller,
                record.post.name,
                record.action_taken,
            ]
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
        line=status_line(ledger),
    )
    for number, task in enumerate(ledger.tasks, start=1):
        blank = str(blank_label(task.sourced))
        sheet.add(
            [
                number,
                task.channel_name,
                task.content,
                str(task.lead_unit) if task.lead_unit else blank,
                chinese_date(task.effective_deadline) or (blank if task.recorded else ""),
                str(task.status_display),
                percent_cell(task.progress),
                str(_("Overdue")) if task.is_overdue else "",
            ]
        )


def status_line(ledger):
    """“状态截至 2018年11月30日(据变更记录)”: the day the tasks are told at, and whence."""
    line = _("Status as of %(date)s") % {"date": chinese_date(ledger.as_of)}
    if ledger.tasks_from_history:
        line += _(" (from the audit history)")
    return line


def ledger_workbook(ledger):
    """The workbook of ``ledger`` (``projects.services.ledger.MonthLedger``), in Chinese."""
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
