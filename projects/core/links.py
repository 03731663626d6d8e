"""Paths of pages for long lists: ``reverse()`` once per URL name and a primary key put into
the path, instead of resolving the URL again for each of thousands of rows (the alert digest's
items, the assessment grid's cells)."""

import functools

from django.conf import settings
from django.urls import NoReverseMatch, get_urlconf, reverse

_MARK = 987654321


@functools.lru_cache(maxsize=64)
def _pattern(name, arity, urlconf):
    """The path of url ``name`` with a mark for its one argument (``arity`` 1), or the path
    itself (``arity`` 0); None when it does not resolve in ``urlconf``."""
    try:
        return reverse(name, args=[_MARK] * arity, urlconf=urlconf)
    except NoReverseMatch:
        return None


def first_path(*candidates):
    """The path of the first of (url name, args) that resolves, or None: pages other areas
    are still building may not exist yet. ``args``: none, or one primary key."""
    for name, args in candidates:
        pattern = _pattern(name, len(args), get_urlconf() or settings.ROOT_URLCONF)
        if pattern is not None:
            return pattern.replace(str(_MARK), str(args[0])) if args else pattern
    return None


def path_of(name, pk):
    """The path of url ``name`` for the primary key ``pk`` (NoReverseMatch when it has none)."""
    path = first_path((name, [pk]))
    if path is None:
        raise NoReverseMatch(name)
    return path


def path_maker(name):
    """A function giving the path of url ``name`` for a primary key: ``reverse()`` and the
    look-up of the pattern once for a whole list of links."""
    head, tail = path_of(name, _MARK).split(str(_MARK), 1)
    return lambda pk: f"{head}{pk}{tail}"
