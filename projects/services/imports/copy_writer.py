"""The PostgreSQL write path: new records and their history rows through ``COPY … FROM STDIN``.

Same rows as ``bulk_create_with_history`` writes — every concrete field of the model (a field
left out takes its default), then one historical row per record with the same values,
``history_type`` "+", the uploader, the batch's date and change reason — but as one COPY stream
per table, without building a model instance and an INSERT parameter list per row, which is
several times faster (README.md, "Bulk import", has the figures). It runs in the caller's
transaction, so an import is still all or nothing, and the database still checks every
constraint and foreign key.

Primary keys are taken from the table's own sequence first (``nextval`` over
``generate_series``), so the caller knows them before the COPY, as after ``bulk_create``.
"""

import datetime
import io
from decimal import Decimal

from django.conf import settings
from django.db import connections
from simple_history.utils import get_history_model_for_model

NULL = "\\N"
PLAIN = {int, Decimal, datetime.date, datetime.datetime}


def escape(text):
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_value(value):
    """One value in COPY's text format."""
    if value is None:
        return NULL
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    raise TypeError(f"no COPY text form for {type(value).__name__}")


def allocate_ids(cursor, model, count):
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [model._meta.db_table, model._meta.pk.column, count],
    )
    return [row[0] for row in cursor.fetchall()]


def copy_lines(cursor, table, columns, lines):
    quoted = ", ".join(f'"{column}"' for column in columns)
    sql = f'COPY "{table}" ({quoted}) FROM STDIN'
    data = "".join(lines)
    raw = cursor.cursor  # the driver's cursor under Django's wrapper
    if hasattr(raw, "copy_expert"):  # psycopg2
        raw.copy_expert(sql, io.StringIO(data))
    else:  # psycopg 3
        with raw.copy(sql) as copy:
            copy.write(data)


def defaults_of(fields, rows):
    """{attname: COPY text} of the fields no row gives, from their (constant) defaults."""
    given = set().union(*(row.keys() for row in rows[:1]))
    defaults = {}
    for field in fields:
        if field.primary_key or field.attname in given:
            continue
        if field.has_default() and callable(field.default):
            raise ValueError(f"{field} has a callable default: give its value in every row")
        defaults[field.attname] = copy_value(field.get_default())
    return defaults


def copy_with_history(writer, model, rows, using):
    """Insert ``rows`` (dicts of attname → value, all with the same keys) and one history row
    each. Returns the new primary keys, in order."""
    connection = connections[using]
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    attnames = [field.attname for field in fields]
    constants = defaults_of(fields, rows)
    history_model = get_history_model_for_model(model)
    history_fields = [f for f in history_model._meta.concrete_fields if not f.primary_key]
    bookkeeping = {
        "history_date": writer.when,
        "history_change_reason": writer.reason,
        "history_type": "+",
        history_model._meta.get_field("history_user").attname: (
            writer.user.pk if writer.user else None
        ),
    }
    constants.update((name, copy_value(value)) for name, value in bookkeeping.items())
    pk_name = model._meta.pk.attname
    # The history row: the record's pk and values, then the bookkeeping columns.
    history_attnames = [field.attname for field in history_fields]
    for name in history_attnames:
        if name != pk_name and name not in attnames and name not in constants:
            raise ValueError(f"{history_model.__name__}.{name} has no value to copy")
    record_columns = [pk_name, *attnames]
    with_history = getattr(settings, "SIMPLE_HISTORY_ENABLED", True)

    with connection.cursor() as cursor:
        pks = allocate_ids(cursor, model, len(rows))
        lines, history_lines = [], []
        for pk, row in zip(pks, rows, strict=True):
            values = {pk_name: str(pk)}
            for name in attnames:
                if name in constants:
                    values[name] = constants[name]
                else:
                    value = row[name]
                    # str() is COPY's text form of int, Decimal, date and aware datetime.
                    values[name] = (
                        NULL
                        if value is None
                        else escape(value)
                        if type(value) is str
                        else str(value)
                        if type(value) in PLAIN
                        else copy_value(value)
                    )
            lines.append("\t".join([values[name] for name in record_columns]) + "\n")
            if with_history:
                history = [
                    values[name] if name in values else constants[name] for name in history_attnames
                ]
                history_lines.append("\t".join(history) + "\n")
        columns = [model._meta.pk.column] + [field.column for field in fields]
        copy_lines(cursor, model._meta.db_table, columns, lines)
        if with_history:
            copy_lines(
                cursor,
                history_model._meta.db_table,
                [field.column for field in history_fields],
                history_lines,
            )
    return pks
