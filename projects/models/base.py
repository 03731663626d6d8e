"""Shared pieces: source citations, the month-start rule constraint helpers and a count subquery."""

import datetime

from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def stored_before_save(instance, using, *fields):
    """``fields`` of ``instance`` as stored before the save under way (a tuple), for a signal
    handler to read again what the record leaves; None for a new record."""
    if instance._state.adding or instance.pk is None:
        return None
    return (
        type(instance)
        ._base_manager.using(using)
        .filter(pk=instance.pk)
        .values_list(*fields)
        .first()
    )


def count_of(queryset, outer_field, field="pk", distinct=False):
    """A correlated ``COUNT`` subquery: rows of ``queryset`` whose ``outer_field`` is the outer
    row's pk (0 when none), counting ``field`` (distinct values with ``distinct``). Unlike
    ``Count()`` it needs no GROUP BY over the outer query.

    So the admin and the channel list count with this rather than ``Count()``: a grouped query
    drops ``Meta.ordering`` (the autocomplete lists page through the admin's queryset in that
    order), and over a city's channels it makes the database compute every row's columns
    before it can sort and take a page."""
    return Coalesce(
        Subquery(
            queryset.filter(**{outer_field: OuterRef("pk")})
            .order_by()
            .values(outer_field)
            .annotate(n=Count(field, distinct=distinct))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


class SourceParagraph(models.Model):
    """One paragraph of a source article, quoted exactly; data rows cite it."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    article = models.CharField(_("article"), max_length=200)
    number = models.PositiveSmallIntegerField(_("paragraph number"))
    text = models.TextField(_("text"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["article", "number"]
        verbose_name = _("source paragraph")
        verbose_name_plural = _("source paragraphs")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="sourceparagraph_article_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.article} ¶{self.number}"


class Sourced(models.Model):
    """A row that can cite the paragraph of the source article it was built from."""

    source = models.ForeignKey(
        SourceParagraph,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source"),
        help_text=_("The paragraph of the source article this record was taken from."),
    )

    class Meta:
        abstract = True


class FirstOfMonth:
    """For a model whose ``month`` is a month given by its first day: any day of a month stands
    for the month, on save and before the constraints are validated."""

    def save(self, *args, **kwargs):
        self.normalise_month()
        super().save(*args, **kwargs)

    def clean(self):
        self.normalise_month()
        super().clean()

    def normalise_month(self):
        if isinstance(self.month, datetime.date):
            self.month = self.month.replace(day=1)


def non_negative(field, model_name):
    """A named check constraint: ``field`` is ≥ 0 (or empty)."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0}),
        name=f"{model_name}_{field}_non_negative",
        violation_error_message=_("Amounts and lengths cannot be negative."),
    )


def percent_range(field, model_name):
    """A named check constraint: ``field`` is between 0 and 100 (or empty)."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0, f"{field}__lte": 100}),
        name=f"{model_name}_{field}_0_100",
        violation_error_message=_("A percentage must be between 0 and 100."),
    )


def money_field(verbose_name, **kwargs):
    """Money in 万元 (ten thousand yuan), two decimals."""
    kwargs.setdefault("null", True)
    kwargs.setdefault("blank", True)
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


def length_field(verbose_name, **kwargs):
    kwargs.setdefault("null", True)
    kwargs.setdefault("blank", True)
    return models.DecimalField(verbose_name, max_digits=10, decimal_places=3, **kwargs)
