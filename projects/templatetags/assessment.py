"""Template filters of the assessment pages: ``{{ change|trend }}`` (↑ +2.5 / ↓ −3 / → 0) and
``{{ fee|fee }}`` (99.9%)."""

from django import template

from projects.tables.assessment import fee_text, score_text, trend_mark

register = template.Library()


@register.filter
def trend(change):
    return trend_mark(change)


@register.filter
def fee(value):
    return "" if value is None else fee_text(value)


@register.filter
def points(value):
    return "" if value is None else score_text(value)
