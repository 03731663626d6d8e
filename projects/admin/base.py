"""What the admin modules share: small display helpers, the overdue filter, the source
fieldset, a form that shows a constraint's message beside its field and bounds every date and
time, and a formset that speaks a unique constraint's own words."""

from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import router
from django.db.models import CheckConstraint, Q, UniqueConstraint
from django.db.models.constants import LOOKUP_SEP
from django.forms.models import BaseInlineFormSet, InlineForeignKeyField
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from projects.core.event_times import BoundedDates

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


# --- errors beside their fields ----------------------------------------------------------


def compared_fields(condition):
    """The fields a check's condition compares, in order: ``period_end`` for
    ``Q(period_end__gte=F("period_start"))``."""
    for child in condition.children:
        if isinstance(child, Q):
            yield from compared_fields(child)
        else:
            yield child[0].split(LOOKUP_SEP)[0]


def constraint_fields(constraint, model, instance, exclude, using):
    """The fields a violated constraint is about, most telling first.

    A unique constraint: its fields from the last (the month of a project's report, the name of
    a channel's sampling point). A check: the field its condition compares; for a check made of
    several comparisons (``qv_km <= surveyed_km AND cctv_km <= surveyed_km``), the field of the
    comparison that fails."""
    if isinstance(constraint, UniqueConstraint):
        return list(reversed(constraint.fields))
    if not isinstance(constraint, CheckConstraint):
        return []
    condition = constraint.condition
    parts = condition.children if condition.connector == Q.AND and not condition.negated else []
    if len(parts) > 1:
        for part in parts:
            alone = part if isinstance(part, Q) else Q(part)
            try:
                CheckConstraint(condition=alone, name=constraint.name).validate(
                    model, instance, exclude=exclude, using=using
                )
            except ValidationError:
                return list(compared_fields(alone))
    return list(compared_fields(condition))


class ErrorsBesideFields:
    """For a model form: a database constraint's message is shown beside the field it is about
    instead of at the top of the form.

    Django reports a violated check constraint, and a unique constraint over several fields,
    as an error of the whole form. When the form has such errors, each constraint is tried
    again and the message of one that fails moves to its field (see ``constraint_fields``), if
    the form shows that field. A message of the whole form that no constraint explains (a
    stale version, a rule spanning the inlines) stays at the top."""

    def _post_clean(self):
        super()._post_clean()
        if self._errors.get(NON_FIELD_ERRORS):
            self.place_constraint_errors()

    def place_constraint_errors(self):
        instance = self.instance
        shown = {
            name
            for name, field in self.fields.items()
            if not field.widget.is_hidden and not isinstance(field, InlineForeignKeyField)
        }
        exclude = self._get_validation_exclusions() | {
            name for name, field in self.fields.items() if isinstance(field, InlineForeignKeyField)
        }
        using = router.db_for_write(type(instance), instance=instance)
        for model, constraints in instance.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model, instance, exclude=exclude, using=using)
                except ValidationError as error:
                    names = constraint_fields(constraint, model, instance, exclude, using)
                    name = next((name for name in names if name in shown), None)
                    if name is not None:
                        self.move_to_field(error, name)

    def move_to_field(self, error, name):
        """Take one occurrence of ``error``'s message from the form's own errors and give it to
        field ``name`` (two fields below zero: one message each)."""
        top = self._errors[NON_FIELD_ERRORS]
        for index, item in enumerate(top.data):
            if ValidationError(item).messages == error.messages:
                del top.data[index]
                break
        else:
            return
        if not top.data:
            del self._errors[NON_FIELD_ERRORS]
        self.add_error(name, error)


class AdminForm(ErrorsBesideFields, BoundedDates, forms.ModelForm):
    """The form of every admin page and inline of the projects app (``HistoryAdmin.form``): a
    constraint's message beside its field, every date and time bounded (``BoundedDates``)."""
