"""django-tables2 tables, one module per topic as in ``projects/models/`` (shared columns in
``columns``, figure cells in ``cells``).

django-tables2 asks ``inspect.signature`` of a column's ``render``/``value`` method for every
cell it draws, to pass only the arguments the method takes; on a page of a few tables that was a
fifth of the time spent drawing them. The answer depends only on the function, so it is kept
per function here (a bound method's by its function: the ``self`` it drops is the same)."""

import functools

from django_tables2 import utils

_signature = utils.signature


@functools.lru_cache(maxsize=4096)
def _function_signature(function, bound):
    return _signature(function.__get__(object()) if bound else function)


def _cached_signature(fn):
    function = getattr(fn, "__func__", None)
    try:
        if function is not None:
            return _function_signature(function, True)
        return _function_signature(fn, False)
    except TypeError:  # not hashable, or not a plain function: ask every time
        return _signature(fn)


if utils.signature is not _cached_signature:
    utils.signature = _cached_signature
