"""What both importers share: columns and header matching, value parsers that return a value
or an error message, the result of a check, and the write helpers.

An importer works in two steps on one instance:

    importer = SampleImporter()
    result = importer.check(file, name)          # the dry run: nothing is written
    if result.ok:
        batch = importer.save(user)               # all rows in one transaction, or none

``check`` reads the whole file, validates every row in plain Python against lookups loaded
once into dicts (channels, points, segments, defect codes, what is already stored), and
returns an ``ImportResult``: what would be created and every error as (line, column,
message). ``save`` writes what ``check`` validated with ``bulk_create`` in batches inside a
single transaction, each record with its history row (the uploader, the batch in the change
reason) — see ``write_with_history``.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import connections, router
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from projects.core.event_times import EARLIEST
from projects.services.imports.readers import FileRefused, open_table

# --- columns -------------------------------------------------------------------------------


def header_key(text):
    """Headers compared loosely: full-width forms folded (（）→ ()), case and spaces ignored."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"\s+", "", text).lower()


@dataclass(frozen=True)
class Column:
    key: str  # the importer's name for it
    header: str  # the Chinese header the templates use
    aliases: tuple = ()  # other accepted headers (English, without the unit, …)
    required: bool = False  # the header must be there (values may still be optional)
    example: str = ""  # the value of the templates' example row


def map_headers(columns, headers):
    """{column key: index} for the header row, and the errors of a header that lacks a
    required column or names one twice. Unknown headers are ignored (listed separately)."""
    wanted = {}
    for column in columns:
        for name in (column.header, column.key, *column.aliases):
            wanted[header_key(name)] = column
    indexes, errors, ignored = {}, [], []
    for index, header in enumerate(headers):
        column = wanted.get(header_key(header))
        if column is None:
            if header:
                ignored.append(header)
            continue
        if column.key in indexes:
            errors.append(
                RowError(
                    1,
                    header,
                    _("Two columns of the header are both “%(column)s”.")
                    % {"column": column.header},
                )
            )
            continue
        indexes[column.key] = index
    for column in columns:
        if column.required and column.key not in indexes:
            errors.append(
                RowError(
                    1,
                    column.header,
                    _("The header has no column “%(column)s”.") % {"column": column.header},
                )
            )
    return indexes, errors, ignored


# --- the result ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


@dataclass
class ImportResult:
    """What a check found: ``counts`` of what would be created (``(key, label, n)``), every
    error, the headers that were ignored. After ``save``, ``batch`` is the ImportBatch."""

    kind: str
    file_name: str
    rows: int = 0
    counts: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)
    refused: str = ""  # the whole file was refused: why
    batch_id: int | None = None

    @property
    def ok(self):
        return not self.refused and not self.errors and self.rows > 0

    @property
    def bad_rows(self):
        return len({error.line for error in self.errors})

    def count(self, key):
        return next((n for k, _label, n in self.counts if k == key), 0)

    def to_dict(self):
        return {
            "kind": self.kind,
            "file_name": self.file_name,
            "rows": self.rows,
            "counts": [[k, str(label), n] for k, label, n in self.counts],
            "errors": [[e.line, e.column, e.message] for e in self.errors],
            "ignored_columns": self.ignored_columns,
            "refused": self.refused,
            "batch_id": self.batch_id,
        }

    @classmethod
    def from_dict(cls, data):
        return cls(
            kind=data["kind"],
            file_name=data["file_name"],
            rows=data["rows"],
            counts=[tuple(c) for c in data["counts"]],
            errors=[RowError(*e) for e in data["errors"]],
            ignored_columns=data["ignored_columns"],
            refused=data["refused"],
            batch_id=data.get("batch_id"),
        )


# --- value parsers -------------------------------------------------------------------------
# Each returns the parsed value; a value that does not parse raises ``Invalid`` with the
# message. Empty cells never reach them (the importers handle "missing" themselves).


class Invalid(Exception):
    def __init__(self, message):
        self.message = message


def shown(value):
    """A cell as the user wrote it, for messages."""
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def text_parser(max_length):
    def parse(value):
        text = value if isinstance(value, str) else str(value)
        if len(text) > max_length:
            raise Invalid(
                _("Too long: at most %(max)s characters (this has %(length)s).")
                % {"max": max_length, "length": len(text)}
            )
        return text

    return parse


def decimal_parser(max_digits, decimal_places, minimum=None, maximum=None, positive=False):
    """A decimal that fits a ``DecimalField(max_digits, decimal_places)`` and the bounds of
    the model's check constraints (``minimum``/``maximum`` inclusive, or ``positive``)."""
    step = Decimal(1).scaleb(-decimal_places)
    too_large = Decimal(10) ** (max_digits - decimal_places)

    def out_of_range():
        if minimum == 0 and maximum is None:
            return Invalid(_("Cannot be negative."))
        return Invalid(_("Must be between %(min)s and %(max)s.") % {"min": minimum, "max": maximum})

    def parse(value):
        if type(value) is str:
            text = value
        elif isinstance(value, float):
            text = repr(value)  # an XLSX number: its shortest decimal form, 0.1 not 0.1000…01
        else:
            text = str(value)
        try:
            number = Decimal(text)
        except (InvalidOperation, ValueError, TypeError):
            raise Invalid(_("Not a number: “%(value)s”.") % {"value": shown(value)}) from None
        if not number.is_finite():
            raise Invalid(_("Not a number: “%(value)s”.") % {"value": shown(value)})
        # Before any arithmetic: 1e27 quantized to two places overflows the decimal context.
        if abs(number) >= too_large:
            raise Invalid(_("Too large: “%(value)s”.") % {"value": shown(value)})
        # More decimals than the field keeps (trailing zeros aside)? The text says it without
        # building the number's tuple, unless it has an exponent.
        dot = text.find(".")
        if (
            (dot >= 0 and len(text) - dot - 1 > decimal_places) or "e" in text or "E" in text
        ) and number.quantize(step) != number:
            raise Invalid(
                _("At most %(places)s decimal places: “%(value)s”.")
                % {"places": decimal_places, "value": shown(value)}
            )
        if positive and number <= 0:
            raise Invalid(_("Must be greater than zero."))
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            raise out_of_range()
        return number

    return parse


def integer_parser(minimum=None, maximum=None):
    def parse(value):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        try:
            number = int(value) if not isinstance(value, int) else value
        except (ValueError, TypeError):
            raise Invalid(_("Not a whole number: “%(value)s”.") % {"value": shown(value)}) from None
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            raise Invalid(
                _("Must be between %(min)s and %(max)s.") % {"min": minimum, "max": maximum}
            )
        return number

    return parse


_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_TIME = re.compile(r"[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$")


def date_parser():
    """YYYY-MM-DD (or / and . as separators); an XLSX date cell as it is. Not in the future."""
    today = timezone.localdate(timezone=timezone.get_default_timezone())

    def parse(value):
        if isinstance(value, datetime.datetime):
            day = value.date()
        elif isinstance(value, datetime.date):
            day = value
        else:
            text = str(value)
            match = _DATE.match(text)
            try:
                if match is None or match.end() != len(text):
                    raise ValueError
                day = datetime.date(*map(int, match.groups()))
            except ValueError:
                raise Invalid(
                    _("Not a date: “%(value)s”; write it as YYYY-MM-DD.") % {"value": shown(value)}
                ) from None
        if day > today:
            raise Invalid(_("The date %(value)s is in the future.") % {"value": day})
        if day < EARLIEST.date():
            raise Invalid(_("The date %(value)s is before 1990.") % {"value": day})
        return day

    return parse


def datetime_parser():
    """YYYY-MM-DD HH:MM (seconds allowed) in local time (``TIME_ZONE``), returned aware; an
    XLSX date-time cell as it is. Not in the future."""
    zone = timezone.get_default_timezone()
    now = timezone.now()
    earliest = EARLIEST.replace(tzinfo=zone)
    datetime_ = datetime.datetime

    def invalid(value):
        return Invalid(
            _("Not a date and time: “%(value)s”; write it as YYYY-MM-DD HH:MM.")
            % {"value": shown(value)}
        )

    def parse(value):
        if isinstance(value, datetime.datetime):
            moment = value.replace(tzinfo=zone)
        else:
            text = value if type(value) is str else str(value)
            try:
                if len(text) == 16 and text[4] == "-" and text[7] == "-" and text[13] == ":":
                    # The template's form, without a regular expression.
                    moment = datetime_(
                        int(text[:4]),
                        int(text[5:7]),
                        int(text[8:10]),
                        int(text[11:13]),
                        int(text[14:]),
                        tzinfo=zone,
                    )
                else:
                    match = _DATE.match(text)
                    time = _TIME.match(text, match.end()) if match else None
                    if time is None:
                        raise invalid(value)
                    hour, minute, second = time.groups()
                    moment = datetime_(
                        *map(int, match.groups()),
                        int(hour),
                        int(minute),
                        int(second or 0),
                        tzinfo=zone,
                    )
            except ValueError:
                raise invalid(value) from None
        if moment > now:
            raise Invalid(_("The time %(value)s is in the future.") % {"value": shown(value)})
        if moment < earliest:
            raise Invalid(_("The time %(value)s is before 1990.") % {"value": shown(value)})
        return moment

    return parse


def choice_parser(choices, aliases=None):
    """One of a ``TextChoices``' values, written as the value or its label (English or
    Chinese), case ignored."""
    from django.utils import translation

    accepted = {}
    for value, label in choices.choices:
        accepted[header_key(value)] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                accepted[header_key(str(label))] = value
    for alias, value in (aliases or {}).items():
        accepted[header_key(alias)] = value
    listed = "、".join(str(value) for value in choices.values)

    def parse(value):
        try:
            return accepted[header_key(value)]
        except KeyError:
            raise Invalid(
                _("“%(value)s” is not one of %(choices)s.")
                % {"value": shown(value), "choices": listed}
            ) from None

    return parse


# --- the importer --------------------------------------------------------------------------


class Importer:
    """Subclasses set ``kind``, ``columns``, ``count_labels`` and implement ``validate``
    (fills ``self.result`` and ``self.plan``) and ``write`` (in the caller's transaction)."""

    kind = None
    columns = ()
    count_labels = ()  # (key, label) of what would be created

    def __init__(self):
        self.result = None
        self.plan = None

    def check(self, file, name):
        """The dry run: read and validate ``file``, write nothing."""
        self.result = ImportResult(kind=self.kind, file_name=name)
        self.plan = None
        try:
            table = open_table(file, name)
            indexes, errors, ignored = map_headers(self.columns, table.headers)
            self.result.ignored_columns = ignored
            if errors:
                self.result.errors = errors
                return self.result
            self.validate(table, indexes)
            if self.result.rows == 0:
                raise FileRefused(_("The file has a header but no rows of data."))
        except FileRefused as refusal:
            self.result.refused = refusal.message
            self.result.errors = []
            self.plan = None
        return self.result

    def add_error(self, line, column, message):
        self.result.errors.append(RowError(line, column, message))

    def set_counts(self, **counts):
        self.result.counts = [(key, label, counts.get(key, 0)) for key, label in self.count_labels]

    def header_of(self, key):
        return next(column.header for column in self.columns if column.key == key)

    def validate(self, table, indexes):
        raise NotImplementedError

    def save(self, user, refresh=True, progress=None):
        """Write what ``check`` validated, all or nothing; returns the ImportBatch. With
        ``refresh`` (the default) the affected channels are re-graded / segments re-scored
        in the same transaction. ``progress(done=n)`` is told the records written so far
        (a background job's progress bar)."""
        if self.result is None or not self.result.ok:
            raise ValueError("save() needs a check() without errors first")
        from django.db import transaction

        from projects.models import ImportBatch

        with transaction.atomic(using=router.db_for_write(ImportBatch)):
            batch = ImportBatch.objects.create(
                kind=self.kind,
                file_name=self.result.file_name[:255],
                rows=self.result.rows,
                uploaded_by=user if user is not None and user.is_authenticated else None,
            )
            writer = Writer(batch, user, progress)
            batch.created = self.write(writer)
            batch.save(update_fields=["created"])
            if refresh:
                self.refresh()
        self.result.batch_id = batch.pk
        return batch

    def write(self, writer):
        """Write ``self.plan`` through ``writer``; return how many records were created."""
        raise NotImplementedError

    def refresh(self):
        """Recompute what depends on the written records (grades, scores)."""


# --- writing -------------------------------------------------------------------------------

BATCH_SIZE = 2000
PROGRESS_ROWS = 10_000  # with a progress callback, records are written this many at a time


def write_method(using):
    """How records are written: ``"orm"`` (``bulk_create_with_history``) or ``"copy"``
    (PostgreSQL's COPY, see ``copy_writer``). Setting ``IMPORT_WRITE_METHOD``: ``"auto"``
    (the default: COPY on PostgreSQL, the ORM elsewhere), ``"orm"`` or ``"copy"``."""
    method = getattr(settings, "IMPORT_WRITE_METHOD", "auto")
    if method == "auto":
        return "copy" if connections[using].vendor == "postgresql" else "orm"
    return method


class Writer:
    """Writes new records of one import with their history rows: history user the uploader,
    history date one moment for the whole batch, change reason naming the batch."""

    def __init__(self, batch, user, progress=None):
        self.batch = batch
        self.progress = progress
        self.written = 0
        self.user = user if user is not None and user.is_authenticated else None
        self.when = timezone.now()
        self.reason = f"import #{batch.pk}: {batch.file_name}"[:100]

    def create(self, model, rows):
        """Insert ``rows`` (dicts of attribute name → value; fields left out take their
        default) as new records of ``model``, each with its history row. Returns their primary
        keys, in order."""
        if self.progress is None:
            return self.insert(model, rows)
        pks = []
        for start in range(0, len(rows), PROGRESS_ROWS):
            chunk = rows[start : start + PROGRESS_ROWS]
            pks += self.insert(model, chunk)
            self.written += len(chunk)
            self.progress(done=self.written)
        return pks

    def insert(self, model, rows):
        if not rows:
            return []
        using = router.db_for_write(model)
        if write_method(using) == "copy":
            from projects.services.imports.copy_writer import copy_with_history

            return copy_with_history(self, model, rows, using)
        objs = bulk_create_with_history(
            [model(**row) for row in rows],
            model,
            batch_size=BATCH_SIZE,
            default_user=self.user,
            default_change_reason=self.reason,
            default_date=self.when,
        )
        return [obj.pk for obj in objs]
