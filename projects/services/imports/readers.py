"""Reading an uploaded table: CSV or XLSX, within limits, one row at a time.

``open_table(file, name)`` returns a ``Table``: the header cells and an iterator of
``(line, cells)`` where ``line`` is the row's number as a spreadsheet shows it (the header is
line 1). Blank rows are skipped. Anything wrong with the file as a whole raises ``FileRefused``
with a message for the user; wrong values in a row are the importers' business.

Limits (settings, with these defaults):

- ``IMPORT_MAX_FILE_BYTES``: 20 MB, checked before anything is read;
- ``IMPORT_MAX_ROWS``: 100,000 data rows; reading stops at the first row over the limit;
- ``IMPORT_MAX_XLSX_UNPACKED_BYTES``: 200 MB, the size of a workbook once unzipped (a small
  zip can unpack to gigabytes);
- at most ``MAX_COLUMNS`` columns of a row are read, and ``BLANK_RUN`` blank rows in a row end
  the table (what a spreadsheet leaves below its data); a sheet's declared ``<dimension>`` is
  not trusted, so reading costs what the content costs, not what the file claims.

The type is taken from the name and must agree with the content: CSV bytes named ``.xlsx`` (or
a workbook named ``.csv``) are refused, not guessed at. A CSV file may be UTF-8 (with or
without the BOM Excel writes) or GB18030/GBK, as Excel saves "CSV" on a Chinese Windows.

XLSX is read by openpyxl in read-only mode, which streams the sheet's XML through
``defusedxml`` when it is installed: entity expansion ("billion laughs") and external entities
are refused. ``open_table`` checks that openpyxl really uses it and refuses workbooks if not.
"""

import csv
import io
import zipfile

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

CSV, XLSX = "csv", "xlsx"
FORMATS = (CSV, XLSX)
ZIP_MAGIC = b"PK\x03\x04"
UTF8_BOM = b"\xef\xbb\xbf"
# Columns read from a row; an import template has a few dozen at most.
MAX_COLUMNS = 200
# Blank rows in a row that end the table: below the data, a sheet may format thousands.
BLANK_RUN = 10_000


class FileRefused(Exception):
    """The file as a whole cannot be read; ``message`` says why, for the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def max_file_bytes():
    return getattr(settings, "IMPORT_MAX_FILE_BYTES", 20 * 1024 * 1024)


def max_rows():
    return getattr(settings, "IMPORT_MAX_ROWS", 100_000)


def max_unpacked_bytes():
    return getattr(settings, "IMPORT_MAX_XLSX_UNPACKED_BYTES", 200 * 1024 * 1024)


def file_format(name):
    """``"csv"`` or ``"xlsx"`` from the file's name, or None."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return extension if extension in FORMATS else None


def size_refusal(size):
    """The message refusing a file of ``size`` bytes, or None when it is within the limit."""
    if size > max_file_bytes():
        return _("The file is %(size)s; at most %(limit)s can be imported at once.") % {
            "size": filesizeformat(size),
            "limit": filesizeformat(max_file_bytes()),
        }
    return None


class Table:
    def __init__(self, headers, rows, file_format):
        self.headers = headers
        self.format = file_format
        self._rows = rows

    def __iter__(self):
        """``(line, cells)`` for each non-blank data row, refusing the file past the row
        limit."""
        limit = max_rows()
        count = blanks = 0
        for line, cells in self._rows:
            if not any(cell not in (None, "") for cell in cells):
                blanks += 1
                if blanks >= BLANK_RUN:
                    return
                continue
            blanks = 0
            count += 1
            if count > limit:
                raise FileRefused(
                    _(
                        "The file has more than %(limit)s rows; split it into files of at "
                        "most %(limit)s rows."
                    )
                    % {"limit": f"{limit:,}"}
                )
            yield line, cells


def open_table(file, name):
    """The ``Table`` in ``file`` (a file object or an uploaded file) named ``name``."""
    file_format_ = file_format(name)
    if file_format_ is None:
        raise FileRefused(_("Choose a file ending in .csv or .xlsx."))
    size = getattr(file, "size", None)
    if size is not None and (message := size_refusal(size)):
        raise FileRefused(message)
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(max_file_bytes() + 1)
    if (message := size_refusal(len(data))) is not None:
        raise FileRefused(message)
    if not data.strip():
        raise FileRefused(_("The file is empty."))
    if file_format_ == CSV:
        return read_csv(data)
    return read_xlsx(data)


# --- CSV -----------------------------------------------------------------------------------


def decode(data):
    if data.startswith(ZIP_MAGIC):
        raise FileRefused(
            _("This file is an Excel workbook, not CSV text: save it with the ending .xlsx.")
        )
    if b"\0" in data:
        raise FileRefused(_("This is not a CSV text file."))
    encodings = ("utf-8-sig",) if data.startswith(UTF8_BOM) else ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused(_("The CSV file's text encoding is not UTF-8 or GBK; save it as UTF-8."))


def read_csv(data):
    text = decode(data)
    first_line = text.split("\n", 1)[0]
    # Commas, or what a spreadsheet in another locale uses instead.
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        headers = next(reader, None)
    except csv.Error as error:
        raise FileRefused(_("The CSV file cannot be read: %(error)s") % {"error": error}) from None
    if not headers or not any(h.strip() for h in headers):
        raise FileRefused(_("The file is empty."))

    def rows():
        try:
            for cells in reader:
                yield reader.line_num, [cell.strip() for cell in cells]
        except csv.Error as error:
            raise FileRefused(
                _("The CSV file cannot be read after line %(line)s: %(error)s")
                % {"line": reader.line_num, "error": error}
            ) from None

    return Table([h.strip() for h in headers], rows(), CSV)


# --- XLSX ----------------------------------------------------------------------------------


def check_openpyxl_is_defused():
    """openpyxl parses with defusedxml only when it could import it; without it, a workbook
    could carry an entity bomb. Refuse workbooks rather than parse them unsafely."""
    import openpyxl
    from openpyxl.xml import functions

    return bool(openpyxl.DEFUSEDXML) and functions.iterparse.__module__.startswith("defusedxml")


def read_xlsx(data):
    not_a_workbook = _("This is not a valid XLSX workbook (is it a CSV file named .xlsx?).")
    if not data.startswith(ZIP_MAGIC):
        raise FileRefused(not_a_workbook)
    if not check_openpyxl_is_defused():
        raise FileRefused(_("Workbooks cannot be read safely on this server; upload CSV."))
    buffer = io.BytesIO(data)
    try:
        with zipfile.ZipFile(buffer) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise FileRefused(not_a_workbook) from None
    if sum(member.file_size for member in members) > max_unpacked_bytes():
        raise FileRefused(_("The workbook is too large once unpacked; upload it as CSV."))

    import openpyxl

    try:
        workbook = openpyxl.load_workbook(buffer, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # The declared <dimension> may claim a million rows by 16,384 columns: without this,
        # openpyxl pads every row it reads to that size.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        headers = next(rows, None)
    except Exception:  # openpyxl raises whatever its zip and XML layers raise
        raise FileRefused(not_a_workbook) from None
    if not headers or not any(cell not in (None, "") for cell in headers):
        workbook.close()
        raise FileRefused(_("The file is empty."))

    def cells_of(values):
        return [value.strip() if isinstance(value, str) else value for value in values]

    def data_rows():
        try:
            for line, values in enumerate(rows, start=2):
                yield line, cells_of(values[:MAX_COLUMNS])
        except FileRefused:
            raise
        except Exception:
            raise FileRefused(not_a_workbook) from None
        finally:
            workbook.close()

    header_cells = ["" if h is None else str(h).strip() for h in headers]
    return Table(header_cells, data_rows(), XLSX)
