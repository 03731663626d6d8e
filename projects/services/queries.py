"""Query pieces shared by the site's pages and the admin."""

from django.db.models import Prefetch

from projects.models import Photo
from projects.models.base import count_of  # noqa: F401 (the admin counts with it from here)


def as_listed(lookup, model):
    """Prefetch the related rows of ``lookup`` in the order they were entered rather than by
    name: where the source lists them (岱山、上冲; 金凤、东大、南屏东、南屏中、翠微东) that is the
    source's order, as the seeded rows were entered in it."""
    return Prefetch(lookup, queryset=model._default_manager.order_by("pk"))


def photos_of(model):
    """The photos attached to rows of ``model``, matched on the content type's natural key so
    that no content-type lookup (and no cache) is involved."""
    opts = model._meta
    return Photo.objects.filter(
        content_type__app_label=opts.app_label, content_type__model=opts.model_name
    )
