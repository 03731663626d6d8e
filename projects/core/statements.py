"""Statements compiled once and run many times: for a query whose SQL takes the ORM longer to
build than the database to run (the needs-attention rules: seven querysets of nineteen
computed columns each, ~20 ms of Python a page), the SQL, its parameters and its columns'
converters are kept per process under a key that names everything the SQL depends on, and
each request only runs them.

A ``Statement`` holds a ``values()`` queryset's compiled form; ``Counting`` a raw statement
whose rows are plain numbers. ``compiled(key, build)`` returns the one kept for ``key`` (made
by ``build()`` the first time); the keys name the database connection, the current time zone,
and the caller's own arguments; every kept statement is dropped when a setting changes (the
rules read settings into their SQL). At most ``KEPT`` are kept (the oldest dropped)."""

from collections import OrderedDict
from threading import Lock

from django.core.signals import setting_changed
from django.db import connections
from django.dispatch import receiver
from django.utils import timezone

KEPT = 128

_kept = OrderedDict()
_lock = Lock()


class Statement:
    """A ``values()`` queryset compiled: run, it gives the rows as ``values()`` would (dicts of
    the columns, each converted as the ORM converts it), without building the SQL again."""

    def __init__(self, queryset):
        self.alias = queryset.db
        query = queryset.query
        self.compiler = query.get_compiler(self.alias)
        self.sql, self.params = self.compiler.as_sql()
        if query.selected:
            self.names = list(query.selected)
        else:
            self.names = [*query.extra_select, *query.values_select, *query.annotation_select]

    def __call__(self):
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, self.params)
            rows = cursor.fetchall()
        converted = self.compiler.results_iter(results=[rows])
        return [dict(zip(self.names, row, strict=True)) for row in converted]


class Counting:
    """A raw statement (``sql``, ``params``) on ``alias`` whose rows are read as they come."""

    def __init__(self, sql, params, alias="default"):
        self.sql, self.params, self.alias = sql, params, alias

    def __call__(self):
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, self.params)
            return cursor.fetchall()


def compiled(key, build, alias="default"):
    """The statement kept for ``key`` on ``alias`` in the current time zone, made by
    ``build()`` when there is none."""
    key = (alias, connections[alias].vendor, timezone.get_current_timezone_name(), *key)
    with _lock:
        statement = _kept.get(key)
        if statement is not None:
            _kept.move_to_end(key)
            return statement
    statement = build()
    with _lock:
        _kept[key] = statement
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return statement


def forget():
    """Drop every kept statement."""
    with _lock:
        _kept.clear()


@receiver(setting_changed)
def _forget_on_setting_changed(**kwargs):
    forget()
