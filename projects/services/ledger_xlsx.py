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

The workbook is written row after row (openpyxl's write-only mode, ``write_ledger``): its
memory does not grow with the month's rows; a background job writes it to a file
(``projects.services.ledger_files``).

The ledger is a filing document: it is always written in Chinese, whatever the language the
user reads the site in. Every text cell goes through ``exports.write_text``: text typed into a
complaint, a patrol or a report that starts like a formula (= + - @) stays text."""

import io

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook

from projects.models import Stream
from projects.services.ledger_sheet import Partial, RowCounter, Sheet, widest
from projects.services.totals import blank_label, missing_text, total_text

LANGUAGE = "zh-hans"


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


def totals_note(totals):
    """“总投资(2 项原文未载明);本月完成投资(1 项未填报)”: the totals that lack values."""
    parts = []
    for label, total in totals:
        if total.missing:
            parts.append(
                _("%(column)s (%(missing)s)") % {"column": label, "missing": missing_text(total)}
            )
    return _("; ").join(parts) if parts else None


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


def add_summary(workbook, ledger, progress=None):
    sheet = Sheet(
        workbook,
        _("Summary"),
        title_text(ledger.month),
        _("Unit: 10k yuan"),
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
        progress=progress,
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


def add_stream(workbook, ledger, group, progress=None):
    columns = project_columns()
    widths = None
    if group.stream == Stream.MANAGE:
        widths = widest(columns, complaint_columns(), patrol_columns())
    sheet = Sheet(
        workbook,
        group.title,
        title_text(ledger.month),
        _("Unit: 10k yuan"),
        columns,
        widths=widths,
        progress=progress,
    )
    for number, line in enumerate(group.lines, start=1):
        sheet.add(project_row(number, line))
    sheet.add(total_row(_("Total"), group), total=True)
    if group.stream == Stream.MANAGE:
        add_complaints(sheet, ledger)
        add_patrols(sheet, ledger)


def complaint_columns():
    return [
        (_("No."), 6, "number"),
        (_("number"), 16, "text"),
        (_("description"), 42, "text"),
        (_("assigned unit"), 16, "text"),
        (_("received at"), 16, "text"),
        (_("source"), 10, "text"),
        (_("Reports"), 8, "number"),
        (_("Stage at month end"), 10, "text"),
        (_("deadline"), 16, "text"),
        (_("Overdue"), 10, "text"),
        (_("location"), 28, "text"),
        (_("action taken"), 28, "text"),
    ]


def patrol_columns():
    return [
        (_("No."), 6, "number"),
        (_("Place"), 16, "text"),
        (_("findings"), 42, "text"),
        (_("Municipal station"), 16, "text"),
        (_("patrolled at"), 16, "text"),
        (_("Work done"), 10, "text"),
        (_("patroller"), 10, "text"),
        (_("Post"), 16, "text"),
        (_("action taken"), 28, "text"),
    ]


def add_complaints(sheet, ledger):
    """The complaints received in the month, each at the stage it had reached by its end and
    with the reports it had gathered by then (a case of three calls is one row that says 3)."""
    sheet.block(
        _("Complaints received in the month (%(count)s)") % {"count": len(ledger.complaints)},
        complaint_columns(),
        note=_("Stage and reports as of %(date)s") % {"date": chinese_date(ledger.as_of)},
    )
    if not ledger.complaints:
        sheet.add([None, _("None"), *[None] * 10])
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
                line.report_count,
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
        patrol_columns(),
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


def add_tasks(workbook, ledger, progress=None):
    sheet = Sheet(
        workbook,
        _("One-river-one-policy tasks"),
        title_text(ledger.month),
        status_line(ledger),
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
        progress=progress,
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


def ledger_rows(ledger):
    """How many rows of data the workbook holds (what its progress counts)."""
    rows = len(ledger.groups) + 1 + len(ledger.tasks)
    for group in ledger.groups:
        rows += len(group.lines) + 1
        if group.stream == Stream.MANAGE:  # and a “none” row for an empty list
            rows += max(len(ledger.complaints), 1) + max(len(ledger.patrols), 1)
    return rows


def write_ledger(ledger, file, progress=None):
    """Write the workbook of ``ledger`` (``projects.services.ledger.MonthLedger``), in
    Chinese, to ``file`` (a path or a binary file), a row at a time: the memory it takes does
    not grow with the rows. ``progress(done=)`` is told the rows written as it goes (out of
    ``ledger_rows(ledger)``)."""
    counter = RowCounter(progress)
    with translation.override(LANGUAGE):
        workbook = Workbook(write_only=True)
        add_summary(workbook, ledger, counter)
        for group in ledger.groups:
            add_stream(workbook, ledger, group, counter)
        add_tasks(workbook, ledger, counter)
        workbook.properties.title = title_text(ledger.month)
        workbook.properties.creator = "Waterworks"
        workbook.save(file)
    if progress:
        progress(done=counter.done)
    return counter.done


def ledger_bytes(ledger):
    buffer = io.BytesIO()
    write_ledger(ledger, buffer)
    return buffer.getvalue()


def ledger_filename(month):
    with translation.override(LANGUAGE):
        return _("work-ledger-%(month)s.xlsx") % {"month": f"{month:%Y-%m}"}
