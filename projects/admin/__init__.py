"""The Django admin for every model of the programme, one module per topic as in
``projects/models/``.

Lists stay fast: foreign keys to units, channels, projects and source paragraphs are
autocomplete widgets, list pages use ``list_select_related`` and derived figures (percent
complete, cumulative investment, counts) come from the models' queryset methods or from
correlated subqueries in ``get_queryset`` rather than per-row queries. Validation lives in the
models (constraints with translated messages); the admin adds the rules that span a form and
its inlines.

Every model with an audit history has django-simple-history's admin (``audit.HistoryAdmin``):
a history page per record with who changed what, when. Tasks and monthly reports carry a
version: a save based on a stale version is refused with the list of changes made in between,
on their own pages and in the inlines (``audit.VersionedAdminForm``). Bulk actions write
through django-simple-history's bulk helpers, so they are in the history too.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from projects.admin import (
    accounts,
    assessment,
    channels,
    chiefs,
    complaint_reports,
    complaints,
    imports,
    interception,
    jobs,
    map,
    outfalls,
    patrols,
    photos,
    pipes,
    plans,
    reference,
    sewers,
    water,
    works,
)

admin.site.site_header = _("Waterworks administration")
admin.site.site_title = _("Waterworks admin")
admin.site.index_title = _("Remediation programme data")

__all__ = [
    "accounts",
    "assessment",
    "channels",
    "chiefs",
    "complaint_reports",
    "complaints",
    "imports",
    "interception",
    "jobs",
    "outfalls",
    "map",
    "patrols",
    "photos",
    "pipes",
    "plans",
    "reference",
    "sewers",
    "water",
    "works",
]
