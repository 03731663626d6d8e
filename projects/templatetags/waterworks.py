from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.core import formatting

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


UNITS = {
    "wan": (formatting.wan, gettext_lazy("10k yuan")),
    "km": (formatting.quantity, "km"),
    "m": (formatting.quantity, "m"),
    "": (formatting.quantity, ""),
}


@register.simple_tag
def amount(value, unit=""):
    """A figure in bold with its unit (万元 with two decimals, km, m), or “not given” with no
    unit when the source gives no value."""
    fmt, label = UNITS[unit]
    text = fmt(value)
    if text is None:
        return _or_not_given(None)
    if not label:
        return format_html("<b>{}</b>", text)
    return format_html("<b>{}</b> {}", text, label)


@register.inclusion_tag("projects/includes/progress.html")
def progress(value, overdue=False):
    return {"value": value, "width": min(max(float(value or 0), 0), 100), "overdue": overdue}
