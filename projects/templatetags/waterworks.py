from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from projects.core import formatting
from projects.tables import cells

register = template.Library()


_or_not_given = cells.or_not_given
register.filter("wan", cells.wan)
register.filter("qty", cells.qty)
register.filter("pct", cells.pct)


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


register.inclusion_tag("projects/includes/progress.html", name="progress")(cells.progress)
