"""What the admin modules share: small display helpers, the overdue filter, the source
fieldset, and a formset that speaks a unique constraint's own words."""

from django.contrib import admin
from django.db.models import UniqueConstraint
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

EMPTY = "-"  # as the admin shows an empty value

SOURCE_FIELDSET = (_("Source"), {"fields": ["source"], "classes": ["collapse"]})


def column(name, description, text=None, **options):
    """A list column or read-only field showing the row's attribute ``name`` (mostly an
    annotation of the admin's queryset), through ``text`` when given, sorted on ``name``.
    ``options`` as for ``admin.display``, e.g. ``boolean=True``."""

    @admin.display(description=description, ordering=name, **options)
    def show(model_admin, obj):
        value = getattr(obj, name, None)
        return value if text is None else text(value)

    return show


def excerpt(text, length=60):
    return Truncator(text).chars(length) if text else EMPTY


def percent_text(value):
    """One decimal always ("55.0%"), unlike ``formatting.percent`` which drops a zero one."""
    return EMPTY if value is None else f"{value:.1f}%"


def money_text(value):
    """万元 with two decimals on every database (SQLite returns sums as plain numbers); no
    thousands grouping, unlike ``formatting.wan``: the admin writes numbers as Django does."""
    return EMPTY if value is None else number_format(value, 2)


def year_month(month):
    return f"{month:%Y-%m}" if month else EMPTY


def admin_change_link(obj, text=None):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, text if text is not None else obj)


class OverdueFilter(admin.SimpleListFilter):
    """Filter on the ``is_overdue`` annotation (projects and tasks)."""

    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(is_overdue=True)
        if self.value() == "no":
            return queryset.filter(is_overdue=False)
        return queryset


class TextareaSizes:
    """Smaller text areas in a tabular inline: ``textarea_sizes = {"note": (rows, cols)}``."""

    textarea_sizes = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in self.textarea_sizes:
            rows, cols = self.textarea_sizes[db_field.name]
            field.widget.attrs.update(rows=rows, cols=cols)
        return field


class ConstraintMessageFormSet(BaseInlineFormSet):
    """Two rows of one inline that break a unique constraint: say so in the constraint's words
    rather than Django's generic "duplicate data for month" (which names the raw field)."""

    def get_unique_error_message(self, unique_check):
        for constraint in self.model._meta.constraints:
            if (
                isinstance(constraint, UniqueConstraint)
                and set(constraint.fields) == set(unique_check)
                and constraint.violation_error_message != constraint.default_violation_error_message
            ):
                return constraint.get_violation_error_message()
        return super().get_unique_error_message(unique_check)
