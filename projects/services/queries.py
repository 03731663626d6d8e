"""Query pieces shared by the site's pages and the admin."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from projects.models import Photo


def as_listed(lookup, model):
    """Prefetch the related rows of ``lookup`` in the order they were entered rather than by
    name: where the source lists them (岱山、上冲; 金凤、东大、南屏东、南屏中、翠微东) that is the
    source's order, as the seeded rows were entered in it."""
    return Prefetch(lookup, queryset=model._default_manager.order_by("pk"))


def count_of(queryset, outer_field, field="pk", distinct=False):
    """A correlated ``COUNT`` subquery: rows of ``queryset`` whose ``outer_field`` is the outer
    row's pk (0 when none), counting ``field`` (distinct values with ``distinct``). Unlike
    ``Count()`` it needs no GROUP BY over the outer query.

    So the admin counts with this rather than the models' ``Count()`` methods (channels'
    ``for_list()``, problems' ``with_task_count()``, the batches' ``for_table()``): a grouped
    query drops ``Meta.ordering``, and the autocomplete lists page through the admin's
    queryset in that order."""
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


def photos_of(model):
    """The photos attached to rows of ``model``, matched on the content type's natural key so
    that no content-type lookup (and no cache) is involved."""
    opts = model._meta
    return Photo.objects.filter(
        content_type__app_label=opts.app_label, content_type__model=opts.model_name
    )
