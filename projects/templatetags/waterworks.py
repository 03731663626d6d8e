from django import template
from django.template.base import render_value_in_context
from django.templatetags.l10n import localize, unlocalize
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from projects.core import formatting
from projects.services.totals import blank_label, cites_the_article
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


@register.filter
def filled(value, record):
    """The value, or why it is empty: “not given” when ``record`` cites the article, “not
    filled in” on the office's own record (``{{ outfall.size|filled:outfall }}``)."""
    if value is None or value == "":
        return format_html('<span class="na">{}</span>', blank_label(cites_the_article(record)))
    return value


UNITS = {
    "wan": (formatting.wan, gettext_lazy("10k yuan")),
    "km": (formatting.quantity, "km"),
    "m": (formatting.quantity, "m"),
    "": (formatting.quantity, ""),
}


@register.simple_tag
def amount(value, unit="", record=None):
    """A figure in bold with its unit (万元 with two decimals, km, m); with no value, “not
    given” with no unit — or, given the ``record`` it belongs to, why it is empty, as
    ``filled`` says it (``{% amount project.investment_wan "wan" record=project %}``)."""
    fmt, label = UNITS[unit]
    text = fmt(value)
    if text is None:
        return _or_not_given(None) if record is None else filled(None, record)
    if not label:
        return format_html("<b>{}</b>", text)
    return format_html("<b>{}</b> {}", text, label)


register.inclusion_tag("projects/includes/progress.html", name="progress")(cells.progress)


def _static_attrs(attrs):
    return not any(callable(value) for value in attrs.values())


@register.simple_tag
def td_open(table, column):
    """The attributes of a data cell of ``column``: its td attrs, the column's name
    (data-column) and its header (data-label, the phone's card label). Worked out once per
    column and table rather than once per cell: django-tables2 recomputes a column's attrs and
    header (its verbose name, from the model field) each time it is asked, which on a page of
    25 rows × 16 columns cost more than the page's queries. Attributes that depend on the row
    (callables) are worked out per cell as before."""
    cache = table.__dict__.setdefault("_td_open", {})
    html = cache.get(column.name)
    if html is not None:
        return html
    header = column.header
    html = format_html(
        '{} data-column="{}"{}',
        column.attrs["td"].as_html(),
        column.name,
        format_html(' data-label="{}"', header) if header else "",
    )
    declared = column.column.attrs
    if _static_attrs(declared.get("td", declared.get("cell", {}))) and _static_attrs(
        table.attrs.get("td", table.attrs.get("cell", {}))
    ):
        cache[column.name] = html
    return html


@register.simple_tag(takes_context=True)
def table_row(context, table, row):
    """One body row of ``table``: each cell as the template's ``{{ cell }}`` (or ``|localize``
    / ``|unlocalize`` as the column asks) shows it, in a ``td`` opened by ``td_open``. Written
    here rather than as a loop in the template: a page of many tables renders thousands of
    cells, and the loop's tags cost more than the cells."""
    parts = [format_html("<tr {}>", row.attrs.as_html())]
    for column, cell in row.items():
        if column.localize is not None:
            cell = localize(cell) if column.localize else unlocalize(cell)
        text = render_value_in_context(cell, context)
        parts.append(f"<td {td_open(table, column)}>{text}</td>")
    parts.append("</tr>")
    return mark_safe("".join(parts))
