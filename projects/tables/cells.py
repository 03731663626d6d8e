"""What a table cell and a template show of a figure: money, quantities and percentages, or
“not given” where the source gives none, and the progress bar's width class. The tables use
these directly; ``projects.templatetags`` registers them as filters and tags for the
templates, so both show a figure the same way (the text itself: ``projects.core.formatting``)."""

import math

from django.utils.html import format_html
from django.utils.translation import gettext as _

from projects.core import formatting


def or_not_given(text):
    """``text``, or the “not given” marker when it is None."""
    if text is None:
        return format_html(
            '<span class="na" title="{}">{}</span>', _("The source gives no value"), _("not given")
        )
    return text


def wan(value):
    """Money in 万元 with two decimals, or “not given”."""
    return or_not_given(formatting.wan(value))


def qty(value):
    """A length or count as the source gives it, or “not given”."""
    return or_not_given(formatting.quantity(value))


def pct(value):
    return or_not_given(formatting.percent(value))


def progress(value, overdue=False):
    """The context of ``projects/includes/progress.html``: the percent, the bar's width (0–100)
    and whether the work is overdue."""
    return {"value": value, "width": min(max(float(value or 0), 0), 100), "overdue": overdue}


def bar_class(percent):
    """The class that gives a progress bar its width, ``pct-0`` … ``pct-100`` (progress.css):
    the percent clamped to 0–100 and rounded. A class, not a style attribute, which the
    Content Security Policy would refuse."""
    try:
        value = float(percent or 0)
    except (TypeError, ValueError):
        value = 0.0
    if math.isnan(value):
        value = 0.0
    return f"pct-{round(min(max(value, 0.0), 100.0))}"
