"""Columns the tables share: money, quantities, progress, badges, overdue, why a cell is empty,
units, and the table whose rows offer the user's actions. Columns that render HTML give clean
export values through ``value_<column>`` or the column's ``value``: the number, date or words
themselves, which ``projects.services.exports`` writes into CSV and XLSX cells."""

import datetime

import django_tables2 as tables
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tables2.columns.base import library
from django_tables2.utils import call_with_appropriate

from projects.core import formatting
from projects.services.exports import Percent
from projects.services.totals import blank_label, cites_the_article
from projects.tables.cells import bar_class, progress, qty, wan


def percent_value(value):
    """A percentage for the export: a percent cell in XLSX, “45.5%” in CSV."""
    return None if value is None else Percent(value)


class FormattedDirectly:
    """A django-tables2 date or date-time column that formats its cells directly, as its
    template ``{{ value|date:format|default:default }}`` would: django-tables2's own compiles
    that template for every cell, which on a page of tables cost more than the page's queries.
    ``formats``: the (short, long) format names when none is given."""

    formats = ("SHORT_DATE_FORMAT", "DATE_FORMAT")

    def __init__(self, format=None, short=True, *args, **kwargs):
        super().__init__(format, short, *args, **kwargs)
        self.format = format or self.formats[0 if short else 1]

    def render(self, value, **kwargs):
        if value in (None, ""):
            return self.default
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, self.format) or self.default


# Registered, so the tables' automatic columns of model date fields are these too.
@library.register
class DateColumn(FormattedDirectly, tables.DateColumn):
    pass


@library.register
class DateTimeColumn(FormattedDirectly, tables.DateTimeColumn):
    formats = ("SHORT_DATETIME_FORMAT", "DATETIME_FORMAT")


class MoneyColumn(tables.Column):
    """万元 with two decimals; empty cells say the source gives no value."""

    export_number_format = "#,##0.00"

    def __init__(self, *args, total=False, **kwargs):
        kwargs.setdefault(
            "attrs", {"td": {"class": "num"}, "th": {"class": "num"}, "tf": {"class": "num"}}
        )
        if total:
            kwargs["footer"] = self.total
        kwargs.setdefault("empty_values", ())
        super().__init__(*args, **kwargs)

    def total(self, table):
        values = [getattr(row, self.accessor or "", None) for row in table.data]
        return wan(sum(v for v in values if v is not None))

    def render(self, value):
        return wan(value)

    def value(self, value):
        return value


class QuantityColumn(MoneyColumn):
    export_number_format = None

    def render(self, value):
        return qty(value)

    def total(self, table):
        values = [getattr(row, self.accessor or "", None) for row in table.data]
        return qty(sum(v for v in values if v is not None))


class PercentBarColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("attrs", {"td": {"class": "bar"}})
        super().__init__(*args, **kwargs)

    def render(self, value, record):
        if value is None:
            return format_html('<span class="na">{}</span>', _("not reported"))
        context = progress(value, getattr(record, "is_overdue", False))
        return format_html(
            '<div class="progress{}" title="{}"><span class="{}"></span></div>'
            '<span class="progress-label">{}</span>',
            " overdue" if context["overdue"] else "",
            formatting.percent(value),
            bar_class(context["width"]),
            formatting.percent(value),
        )

    def value(self, value):
        return percent_value(value)


class BadgeColumn(tables.Column):
    """A choice rendered as a coloured badge: ``badge-<value>`` in the stylesheet."""

    def render(self, value, record, bound_column):
        raw = getattr(record, bound_column.accessor, "")
        return format_html('<span class="badge badge-{}">{}</span>', raw, value)

    def value(self, value):
        return value


NO_DEADLINE = _("No deadline is given: whether it is overdue cannot be told.")


class OverdueColumn(tables.Column):
    """已超期 as a badge, otherwise said plainly — never a blank cell: 否, or — when the record's
    ``deadline`` (an accessor such as ``"planned_end"`` or ``"complaint__deadline"``, if given)
    is empty, so nobody can tell."""

    def __init__(self, *args, deadline=None, **kwargs):
        kwargs.setdefault("verbose_name", _("Overdue"))
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("accessor", "is_overdue")
        self.deadline = deadline
        super().__init__(*args, **kwargs)

    def unknown(self, record):
        if self.deadline is None:
            return False
        return tables.A(self.deadline).resolve(record, quiet=True) is None

    def render(self, value, record):
        if value:
            return format_html('<span class="badge badge-overdue">{}</span>', _("Overdue"))
        if self.unknown(record):
            return format_html('<span class="na" title="{}">—</span>', NO_DEADLINE)
        return format_html('<span class="not-overdue">{}</span>', _("No"))

    def value(self, value, record):
        if value:
            return _("Overdue")
        return "—" if self.unknown(record) else _("No")


def blank_cell(record):
    """Why a field of ``record`` is empty, as a cell: “not given” (原文未载明) when the record
    cites the article, “not filled in” (未填写) on the office's own record."""
    return format_html('<span class="na">{}</span>', blank_label(cites_the_article(record)))


def linked(value):
    """``linkify`` for a related object that may be missing: its page, or no link."""
    return None if value is None else value.get_absolute_url()


class SaysWhyEmpty:
    """A column whose empty cell says why it is empty, on the page and in the download: “not
    given” (原文未载明) on a row citing the article, “not filled in” (未填写) on the office's
    own record (``projects.services.totals.blank_label``). A filled cell is the column's own;
    ``projects.services.exports`` leaves such a date column's value to the column."""

    says_why_empty = True

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_values", ())
        super().__init__(*args, **kwargs)

    def render(self, value, record):
        if value in (None, ""):
            return blank_cell(record)
        return super().render(value)

    def value(self, value, record):
        if value in (None, ""):
            return str(blank_label(cites_the_article(record)))
        return self.filled_value(value, record)

    def filled_value(self, value, record):
        return call_with_appropriate(super().value, {"value": value, "record": record})


class BlankReasonColumn(SaysWhyEmpty, tables.Column):
    """A plain column whose empty cell says why (``SaysWhyEmpty``)."""


class BlankReasonMoneyColumn(SaysWhyEmpty, MoneyColumn):
    """万元 with two decimals; an empty cell says why (``SaysWhyEmpty``)."""


class BlankReasonQuantityColumn(SaysWhyEmpty, QuantityColumn):
    """A length or count; an empty cell says why (``SaysWhyEmpty``)."""


class BlankReasonDateColumn(SaysWhyEmpty, DateColumn):
    """A date; an empty cell says why (``SaysWhyEmpty``). The download holds the date itself."""

    def filled_value(self, value, record):
        return value


def _names(items):
    return "、".join(str(item) for item in items)


class UnitsColumn(tables.ManyToManyColumn):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("separator", "、")
        kwargs.setdefault("orderable", False)
        super().__init__(*args, **kwargs)


class ShortListColumn(UnitsColumn):
    """The first ``shown`` related rows, then how many more: a cell of a city's post lists 50
    channels. The download holds them all, by name."""

    def __init__(self, *args, shown=10, **kwargs):
        self.shown = shown
        super().__init__(*args, **kwargs)

    def render(self, value):
        items = list(self.filter(value))
        html = super().render(items[: self.shown])
        if len(items) > self.shown:
            more = len(items) - self.shown
            note = ngettext("and %(count)d more", "and %(count)d more", more) % {"count": more}
            html = format_html('{} <small class="note">{}</small>', html, note)
        return html

    def filter(self, qs):
        return qs if isinstance(qs, list) else qs.all()

    def value(self, value):
        return self.separator.join(str(self.transform(item)) for item in self.filter(value))


class ScopedTable(tables.Table):
    """A table whose rows offer the actions the user may take (``scope``:
    projects.services.access)."""

    actions = tables.Column(
        verbose_name="",
        empty_values=(),
        orderable=False,
        exclude_from_export=True,
        attrs={"td": {"class": "actions"}},
    )

    def __init__(self, *args, scope=None, **kwargs):
        self.scope = scope
        super().__init__(*args, **kwargs)
