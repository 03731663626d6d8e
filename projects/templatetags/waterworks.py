from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from projects import formatting

register = template.Library()


def _or_not_given(text):
    if text is None:
        return format_html(
            '<span class="na" title="{}">{}</span>', _("The source gives no value"), _("not given")
        )
    return text


@register.filter
def wan(value):
    """Money in 万元 with two decimals, or “not given”."""
    return _or_not_given(formatting.wan(value))


@register.filter
def qty(value):
    """A length or count as the source gives it, or “not given”."""
    return _or_not_given(formatting.quantity(value))


@register.filter
def pct(value):
    return _or_not_given(formatting.percent(value))


@register.filter
def given(value):
    """The value, or “not given” when it is empty."""
    if value is None or value == "":
        return _or_not_given(None)
    return value


@register.inclusion_tag("projects/includes/progress.html")
def progress(value, overdue=False):
    return {"value": value, "width": min(max(float(value or 0), 0), 100), "overdue": overdue}
