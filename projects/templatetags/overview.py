"""Template filters of the dashboard's overview."""

from django import template

from projects.services.overview import LIMIT, Names

register = template.Library()


@register.filter
def capped(items, limit=LIMIT):
    """The first ``limit`` of ``items`` and how many there are in all (``Names``): a list on
    the dashboard never grows with the data."""
    items = list(items)
    return Names(items[:limit], len(items))
