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

The rows are read from the database in chunks and written as they are read: a CSV streams to
the client from its first line, an XLSX is written row by row to a temporary file and then
sent, in the same memory whatever the table's size.

A CSV starts with a UTF-8 byte order mark (Excel in Chinese reads it as UTF-8 only then); an
XLSX sheet is named in the interface language after the table (``export_title`` on the table,
else its model's plural name)."""

import csv
import datetime
import html
import io
import itertools
import re
import tempfile
from decimal import Decimal

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.encoding import force_str
from django.utils.html import strip_tags
from django.utils.safestring import SafeData
from django.utils.translation import gettext
from django_tables2 import BooleanColumn, DateColumn, DateTimeColumn, TimeColumn
from django_tables2.export import TableExport
from django_tables2.rows import BoundRow
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

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


class ReadableWhole:
    """A streamed download that can also be read whole (``content``, ``text``), as a caller
    wanting the file at once reads it (the test client does): reading drains the stream
    once, and the stream then holds the whole file."""

    @property
    def content(self):
        if not hasattr(self, "_whole"):
            self._whole = b"".join(self.streaming_content)
            self.streaming_content = [self._whole]
        return self._whole

    @property
    def text(self):
        return self.content.decode(self.charset or "utf-8")


class StreamingExport(ReadableWhole, StreamingHttpResponse):
    """A CSV download sent row by row as the rows are read."""


class FileExport(ReadableWhole, FileResponse):
    """An XLSX download sent from its temporary file."""


class CleanTableExport(TableExport):
    """``TableExport`` for CSV and XLSX whose cells hold plain values (see the module).

    The rows are read ``chunk_size`` records at a time (``QuerySet.iterator``) in the table's
    order with the page's filters, and each is made plain as it is read: a CSV streams to the
    client as it is written, an XLSX is written row by row (openpyxl's write-only mode) to a
    temporary file that is then sent. Memory stays the same whatever the number of rows."""

    FORMATS = {
        TableExport.CSV: "text/csv; charset=utf-8",
        TableExport.XLSX: TableExport.FORMATS[TableExport.XLSX],
    }
    chunk_size = 2000  # records read from the database at a time
    memory_size = 4 * 2**20  # an XLSX up to this size stays in memory, a larger one on disk

    def __init__(self, export_format, table, exclude_columns=None, dataset_kwargs=None):
        if not self.is_valid_format(export_format):
            raise TypeError(f'Export format "{export_format}" is not supported.')
        self.format = export_format
        self.table = table
        self.title = sheet_title(table, (dataset_kwargs or {}).get("title"))
        self.columns = [
            column
            for column in table.columns.iterall()
            if not (column.column.exclude_from_export or column.name in (exclude_columns or ()))
        ]
        self.date_formats = [self.prepare(column) for column in self.columns]
        self.number_formats = [
            getattr(column.column, "export_number_format", None) for column in self.columns
        ]
        self.headers = [plain(column.header) or "" for column in self.columns]

    @classmethod
    def is_valid_format(cls, export_format):
        return export_format in cls.FORMATS

    @staticmethod
    def prepare(bound_column):
        """Make a date, time or boolean column export its value itself; return the column's
        explicit date format, if any."""
        column = bound_column.column
        is_date = isinstance(column, (DateColumn, DateTimeColumn, TimeColumn))
        # These columns' own values are text (ISO with the UTC offset, ✔/✘): when the table
        # gives no value_<column> of its own, take the date, time or truth itself — unless the
        # column's value already does, and says why an empty cell is empty
        # (``projects.tables.columns.SaysWhyEmpty``).
        own_value = bound_column.value == column.value
        says_why = getattr(column, "says_why_empty", False)
        if (is_date or isinstance(column, BooleanColumn)) and own_value and not says_why:
            bound_column.value = _same
        return column_date_format(column) if is_date else None

    def records(self):
        """The table's records in its order, a query's read ``chunk_size`` at a time (one
        already read, or a list, as it is)."""
        queryset = getattr(self.table.data, "data", None)
        if isinstance(queryset, QuerySet) and queryset._result_cache is None:
            return queryset.iterator(chunk_size=self.chunk_size)
        return iter(self.table.data)

    def rows(self):
        """Each record's plain cell values, as the records are read."""
        for record in self.records():
            row = BoundRow(record, table=self.table)
            yield [plain(row.get_cell_value(column.name)) for column in self.columns]

    def chunks(self):
        """The rows, ``chunk_size`` at a time."""
        rows = self.rows()
        while chunk := list(itertools.islice(rows, self.chunk_size)):
            yield chunk

    def export(self):
        """The whole file: CSV text or XLSX bytes."""
        if self.format == self.CSV:
            return "".join(self.csv_parts())
        stream = io.BytesIO()
        self.write_xlsx(stream)
        return stream.getvalue()

    def response(self, filename=None):
        if self.format == self.CSV:
            response = StreamingExport(self.csv_stream(), content_type=self.content_type())
        else:
            # The response closes the file once it is sent.
            file = tempfile.SpooledTemporaryFile(max_size=self.memory_size)  # noqa: SIM115
            try:
                self.write_xlsx(file)
            except BaseException:
                file.close()
                raise
            file.seek(0)
            response = FileExport(file, content_type=self.content_type())
        if filename is not None:
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

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

    def csv_parts(self):
        """The CSV text in parts: the byte order mark and the header, then the rows of each
        chunk as it is read."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.headers)
        yield "\ufeff" + out.getvalue()
        for chunk in self.chunks():
            out.seek(0)
            out.truncate()
            for row in chunk:
                writer.writerow(
                    self.text(value, fmt) for value, fmt in zip(row, self.date_formats, strict=True)
                )
            yield out.getvalue()

    def csv_stream(self):
        """``csv_parts`` as UTF-8 bytes, in the language and time zone of the request that
        asked for it (the rows are read after the view has returned)."""
        language, zone = translation.get_language(), timezone.get_current_timezone()
        with translation.override(language), timezone.override(zone):
            for part in self.csv_parts():
                yield part.encode("utf-8")

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

    def write_xlsx(self, file):
        """Write the workbook to ``file`` row by row (openpyxl's write-only mode). The column
        widths fit the header and the first chunk of rows: a write-only sheet takes them
        before its first row."""
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(self.title)
        chunks = self.chunks()
        first = next(chunks, [])
        widths = [_width(h) for h in self.headers]
        for row in first:
            for index, value in enumerate(row):
                if value is not None:
                    text = self.text(value, self.date_formats[index])
                    widths[index] = max(widths[index], _width(text))
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, 60)
        sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        header = []
        for text in self.headers:
            cell = WriteOnlyCell(sheet)
            _set_text(cell, text)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for chunk in itertools.chain([first], chunks):
            for row in chunk:
                sheet.append([self.xlsx_cell(sheet, value, i) for i, value in enumerate(row)])
        workbook.save(file)

    def xlsx_cell(self, sheet, value, index):
        if value is None:
            return None
        cell = WriteOnlyCell(sheet)
        if isinstance(value, Percent):
            cell.value = Decimal(value) / 100
        elif isinstance(value, str):
            _set_text(cell, value)
        else:
            cell.value = value
        number_format = self.cell_format(
            value, self.date_formats[index], self.number_formats[index]
        )
        if number_format:
            cell.number_format = number_format
        return cell


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
