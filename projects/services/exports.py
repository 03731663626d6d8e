"""CSV and XLSX downloads of a django-tables2 table, with plain values in every cell.

Every list page and every table of a page downloads through ``CleanTableExport``. Each cell
holds what the column's ``value`` gives (``value_<column>`` on the table, ``Column.value``, or
at last ``render``), made plain:

- HTML (a ``SafeString`` a render method built: badges, links) loses its tags and entities;
- a datetime becomes the local time (``TIME_ZONE``) to the second, without its offset;
  dates and times stay dates and times: real date cells in XLSX, ``2018-10-27 16:20`` in CSV;
- numbers stay numbers; ``Percent`` prints as a percentage (a percent-formatted cell in XLSX);
- ``True``/``False`` read 是/否 (Yes/No in English), ``None`` an empty cell;
- text that a spreadsheet would take for a formula (= + - @, tab or carriage return first)
  gets an apostrophe in front, so nothing in a download runs.

A CSV starts with a UTF-8 byte order mark (Excel in Chinese reads it as UTF-8 only then); an
XLSX sheet is named in the interface language after the table (``export_title`` on the table,
else its model's plural name)."""

import csv
import datetime
import html
import io
import re
from decimal import Decimal

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.encoding import force_str
from django.utils.html import strip_tags
from django.utils.safestring import SafeData
from django.utils.translation import gettext
from django_tables2 import BooleanColumn, DateColumn, DateTimeColumn, TimeColumn
from django_tables2.export import TableExport
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE_FORBIDDEN = re.compile(r"[\\*?:/\[\]]")
COLUMN_DATE_FORMAT = re.compile(r'\|(?:date|time):"([^"]*)"')

# Django date-format characters with their Excel equivalents (only the ones a column uses).
EXCEL_FORMAT = {
    "Y": "yyyy",
    "m": "mm",
    "n": "m",
    "d": "dd",
    "j": "d",
    "H": "hh",
    "G": "h",
    "i": "mm",
    "s": "ss",
}
DATE_FORMAT = "Y-m-d"
MINUTES_FORMAT = "Y-m-d H:i"
SECONDS_FORMAT = "Y-m-d H:i:s"
TIME_FORMAT = "H:i"


class Percent(Decimal):
    """A value in per cent (``Percent("45.5")`` is 45.5%): exported as ``45.5%`` in CSV and as
    0.455 in a percent-formatted XLSX cell."""


def _same(value):
    return value


def local_naive(value):
    """An aware datetime in local time without its offset, to the second."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None, microsecond=0)


def neutralise(text):
    """Text a spreadsheet would read as a formula, with an apostrophe in front."""
    return f"'{text}" if text.startswith(FORMULA_START) else text


def plain(value):
    """One cell's value made plain: text without HTML, local naive datetimes, numbers as
    numbers, booleans in words, ``None`` as empty (``None``)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, Percent):
        return value
    if isinstance(value, (int, float, Decimal)):
        return value
    if isinstance(value, datetime.datetime):
        return local_naive(value)
    if isinstance(value, datetime.time):
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, SafeData):
        # Markup a render method built: its tags, entities and layout whitespace go.
        text = html.unescape(strip_tags(value)).strip()
    else:
        text = force_str(value)  # typed text is kept as typed
    return neutralise(text) if text else None


def sheet_title(table, title=None):
    """The sheet's name in the active language: ``title``, else the table's ``export_title``,
    else its model's plural name."""
    if not title:
        title = getattr(table, "export_title", None)
    # A subclass without a Meta of its own has no model in its options: its parent's Meta has.
    model = table._meta.model or getattr(getattr(type(table), "Meta", None), "model", None)
    if not title and model is not None:
        title = model._meta.verbose_name_plural
    title = SHEET_TITLE_FORBIDDEN.sub("-", force_str(title or gettext("Table"))).strip("'")
    return title[:31] or gettext("Table")


def excel_format(django_format):
    """An explicit Django date format as an Excel number format, or None when it uses a
    character this does not translate (then the default format is used)."""
    parts = []
    for char in django_format:
        if char in EXCEL_FORMAT:
            parts.append(EXCEL_FORMAT[char])
        elif char.isalpha() or char == "\\":
            return None
        elif char in "-:/. ":
            parts.append(char)
        else:
            parts.append(f'"{char}"')
    return "".join(parts)


def column_date_format(column):
    """The explicit Django format a date/datetime/time column shows (``DateColumn(format=…)``
    puts it in its template), or None: named formats like ``SHORT_DATE_FORMAT`` differ by
    language, and the export keeps to ISO order."""
    found = COLUMN_DATE_FORMAT.search(getattr(column, "template_code", None) or "")
    fmt = found.group(1) if found else None
    if not fmt or fmt.isupper() or excel_format(fmt) is None:
        return None
    return fmt


class CleanTableExport(TableExport):
    """``TableExport`` for CSV and XLSX whose cells hold plain values (see the module)."""

    FORMATS = {
        TableExport.CSV: "text/csv; charset=utf-8",
        TableExport.XLSX: TableExport.FORMATS[TableExport.XLSX],
    }

    def __init__(self, export_format, table, exclude_columns=None, dataset_kwargs=None):
        if not self.is_valid_format(export_format):
            raise TypeError(f'Export format "{export_format}" is not supported.')
        self.format = export_format
        self.title = sheet_title(table, (dataset_kwargs or {}).get("title"))
        columns = [
            column
            for column in table.columns.iterall()
            if not (column.column.exclude_from_export or column.name in (exclude_columns or ()))
        ]
        self.date_formats = [self.prepare(column) for column in columns]
        self.number_formats = [
            getattr(column.column, "export_number_format", None) for column in columns
        ]
        self.headers = [plain(column.header) or "" for column in columns]
        self.rows = [[plain(row.get_cell_value(c.name)) for c in columns] for row in table.rows]

    @classmethod
    def is_valid_format(cls, export_format):
        return export_format in cls.FORMATS

    @staticmethod
    def prepare(bound_column):
        """Make a date, time or boolean column export its value itself; return the column's
        explicit date format, if any."""
        column = bound_column.column
        is_date = isinstance(column, (DateColumn, DateTimeColumn, TimeColumn))
        if (is_date or isinstance(column, BooleanColumn)) and bound_column.value == column.value:
            # These columns' own values are text (ISO with the UTC offset, ✔/✘): the table
            # gives no value_<column> of its own, so take the date, time or truth itself.
            bound_column.value = _same
        return column_date_format(column) if is_date else None

    def export(self):
        if self.format == self.CSV:
            return self.csv_text()
        return self.xlsx_bytes()

    # --- CSV ------------------------------------------------------------------------------

    @staticmethod
    def text(value, fmt=None):
        if value is None:
            return ""
        if isinstance(value, Percent):
            return f"{value.normalize():f}%"
        if isinstance(value, datetime.datetime):
            return date_format(value, fmt or (SECONDS_FORMAT if value.second else MINUTES_FORMAT))
        if isinstance(value, datetime.date):
            return date_format(value, fmt or DATE_FORMAT)
        if isinstance(value, datetime.time):
            return date_format(
                datetime.datetime.combine(datetime.date(2000, 1, 1), value), fmt or TIME_FORMAT
            )
        return str(value)

    def csv_text(self):
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.headers)
        for row in self.rows:
            writer.writerow(
                self.text(value, fmt) for value, fmt in zip(row, self.date_formats, strict=True)
            )
        return out.getvalue()

    # --- XLSX -----------------------------------------------------------------------------

    @staticmethod
    def cell_format(value, date_fmt, number_fmt):
        """The cell's Excel number format: the column's date format or ISO order for dates,
        a percentage for ``Percent``, the column's ``export_number_format`` for numbers."""
        if isinstance(value, Percent):
            return "0%" if value == value.to_integral() else "0.0#%"
        if isinstance(value, (datetime.date, datetime.time)):
            if date_fmt:
                return excel_format(date_fmt)
            if isinstance(value, datetime.datetime):
                return "yyyy-mm-dd hh:mm:ss" if value.second else "yyyy-mm-dd hh:mm"
            return "yyyy-mm-dd" if isinstance(value, datetime.date) else "hh:mm"
        if isinstance(value, (int, float, Decimal)):
            return number_fmt
        return None

    def xlsx_bytes(self):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = self.title
        bold = Font(bold=True)
        widths = [_width(h) for h in self.headers]
        for index, header in enumerate(self.headers, start=1):
            cell = sheet.cell(row=1, column=index)
            _set_text(cell, header)
            cell.font = bold
        for row_number, row in enumerate(self.rows, start=2):
            for index, value in enumerate(row):
                if value is None:
                    continue
                cell = sheet.cell(row=row_number, column=index + 1)
                fmt = self.date_formats[index]
                number_format = self.cell_format(value, fmt, self.number_formats[index])
                if isinstance(value, Percent):
                    cell.value = Decimal(value) / 100
                elif isinstance(value, str):
                    _set_text(cell, value)
                else:
                    cell.value = value
                if number_format:
                    cell.number_format = number_format
                widths[index] = max(widths[index], _width(self.text(value, fmt)))
        for index, width in enumerate(widths, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = min(width + 2, 60)
        sheet.freeze_panes = "A2"
        stream = io.BytesIO()
        workbook.save(stream)
        return stream.getvalue()


def _set_text(cell, text):
    """Text as text: never a formula or an error code, without characters XLSX forbids."""
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.data_type = "s"


def write_text(cell, text):
    """Typed text into an openpyxl cell of any workbook the site writes: a text cell, with an
    apostrophe in front when a spreadsheet would take it for a formula (``neutralise``)."""
    _set_text(cell, neutralise(str(text)))


def _width(text):
    """Rough column width: a Chinese character is as wide as two Latin ones."""
    longest = max((line for line in str(text).splitlines()), key=len, default="")
    return sum(2 if ord(char) > 0x2E7F else 1 for char in longest)
