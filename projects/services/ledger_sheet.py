"""The sheets of the work ledger (``projects.services.ledger_xlsx``) in openpyxl's write-only
mode: rows are written one after the other and not kept, so the memory a workbook takes does
not grow with its rows. The styles each cell wears are built once and copied."""

from copy import copy

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from projects.services.exports import write_text

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


class Partial(float):
    """A money cell holding only the known part of a sum: shown “≥ 1,234.00”."""


class Styles:
    """The few cell styles of the workbook, each built once and copied onto the cells that
    wear it (a write-only workbook's cells are styled one by one: copying a finished style is
    much cheaper than assigning its font, fill, border and alignment each time)."""

    def __init__(self, worksheet):
        self.ws = worksheet
        self.made = {}

    def apply(self, cell, key):
        style = self.made.get(key)
        if style is None:
            template = WriteOnlyCell(self.ws)
            self.dress(template, *key)
            style = self.made[key] = template._style
        cell._style = copy(style)
        return cell

    @staticmethod
    def dress(cell, role, kind, partial):
        if role == "title":
            cell.font = Font(bold=True, size=14)
            cell.alignment = CENTRED
        elif role == "unit":
            cell.alignment = Alignment(horizontal="right")
        elif role == "block":
            cell.font = Font(bold=True, size=12)
        elif role == "header":
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.border = BORDER
            cell.alignment = CENTRED
        else:  # a row: "line" or "total"
            cell.border = BORDER
            cell.alignment = WRAP
            if kind == "money":
                cell.number_format = PARTIAL_MONEY if partial else MONEY
            elif kind == "percent":
                cell.number_format = PERCENT
            if role == "total":
                cell.font = Font(bold=True)
                cell.fill = TOTAL_FILL


class Sheet:
    """One sheet of a write-only workbook, written row after row: a merged ``title`` row, a
    ``line`` below it (the unit), a bold header row repeated on every printed page; columns
    given as (header, width, kind) with kind one of text, money, percent, number. ``widths``
    are the columns' widths when later blocks of the sheet need wider ones (they are set
    before any row). ``progress(rows)`` is told of each row written."""

    def __init__(self, workbook, name, title, line, columns, widths=None, progress=None):
        self.ws = worksheet = workbook.create_sheet(sheet_name(name))
        self.styles = Styles(worksheet)
        self.columns = columns
        self.progress = progress or (lambda rows: None)
        self.row = 0
        for index, width in enumerate(widths or [width for _h, width, _k in columns], start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = width
        last = get_column_letter(len(columns))
        worksheet.merged_cells.add(f"A1:{last}1")
        worksheet.merged_cells.add(f"A2:{last}2")
        worksheet.row_dimensions[1].height = 26
        worksheet.freeze_panes = f"C{HEADER_ROW + 1}"
        worksheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        worksheet.page_setup.orientation = "landscape"
        worksheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        worksheet.page_setup.fitToWidth = 1
        worksheet.page_setup.fitToHeight = 0
        worksheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        worksheet.print_options.horizontalCentered = True
        self.append([self.text(title, "title")])
        self.append([self.text(line, "unit")])
        self.header(columns)

    def append(self, cells):
        self.ws.append(cells)
        self.row += 1

    def text(self, value, role):
        cell = WriteOnlyCell(self.ws)
        write_text(cell, value)
        return self.styles.apply(cell, (role, None, False))

    def header(self, columns):
        """A bold header row."""
        self.append([self.text(header, "header") for header, _width, _kind in columns])

    def block(self, title, columns, note=None):
        """A further table below the rows written so far: a bold title (and a note) on their
        own row, then its header; the rows added next follow its ``columns``."""
        self.append([])
        cells = [self.text(title, "block")]
        if note:
            note_cell = WriteOnlyCell(self.ws)
            write_text(note_cell, note)
            cells += [None, note_cell]
        self.append(cells)
        self.columns = columns
        self.header(columns)

    def add(self, values, total=False):
        role = "total" if total else "line"
        cells = []
        for (_header, _width, kind), value in zip(self.columns, values, strict=True):
            partial = isinstance(value, Partial)
            if value is not None and kind == "money" and not isinstance(value, str):
                value = float(value)
            cell = WriteOnlyCell(self.ws)
            if isinstance(value, str):
                write_text(cell, value)
            else:
                cell.value = value
            cells.append(self.styles.apply(cell, (role, kind, partial)))
        self.append(cells)
        self.progress(1)
        return self.row


def widest(*column_lists):
    """Each column's width: the widest of the blocks a sheet holds."""
    widths = {}
    for columns in column_lists:
        for index, (_header, width, _kind) in enumerate(columns):
            widths[index] = max(widths.get(index, 0), width)
    return [widths[index] for index in sorted(widths)]


class RowCounter:
    """Counts the rows written and tells ``progress(done=)`` every ``EVERY`` rows."""

    EVERY = 1000

    def __init__(self, progress):
        self.progress = progress
        self.done = 0

    def __call__(self, rows):
        self.done += rows
        if self.progress and self.done % self.EVERY == 0:
            self.progress(done=self.done)
