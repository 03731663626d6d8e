"""What an empty page says and offers: ``{% empty_state "topic" %}`` renders
``projects/includes/empty.html`` with what is missing, why, and the next step — a link for a
user who may take it, else who can. The server checks every step again whatever the page shows
(``projects.services.access``, ``projects.services.patrol_access``,
``projects.services.imports.may_import``).

Topics: ``segments`` (nothing scored yet), ``coverage`` (no inspection records, beside the
campaign's figures), ``posts`` (no patrol post), ``month_patrols`` (posts but no patrol this
month), ``patrols`` (no patrol record), ``open_complaints`` (none open, some closed),
``complaints`` (none recorded), ``filtered`` (nothing matches the filters)."""

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from projects.core import formatting
from projects.models import ImportBatch, PatrolPost
from projects.services.imports import may_import
from projects.services.patrol_access import patrol_scope_of

register = template.Library()


def _inspections(user):
    if may_import(user, ImportBatch.Kind.INSPECTIONS):
        url = reverse("projects:import-upload", args=[ImportBatch.Kind.INSPECTIONS])
        return url, _("Import inspections")
    return None, None


def _coverage_reason(campaigns):
    """The campaign's own figures beside the empty coverage: why 0 km here and 136 km above."""
    totals = {}
    for key in ("surveyed_km", "qv_km", "cctv_km"):
        values = [getattr(c, key) for c in campaigns if getattr(c, key, None) is not None]
        totals[key] = formatting.quantity(sum(values)) if values else None
    if totals["cctv_km"] is None and totals["qv_km"] is None:
        return _(
            "The survey campaign above gives its own totals; this table counts only the pipe "
            "segments whose inspection records are stored here."
        )
    return _(
        "The survey campaign above reports %(cctv)s km inspected by CCTV and %(qv)s km by QV: "
        "those are the source's totals. This table counts only the pipe segments whose "
        "inspection records, with their defects, are stored here, and the source lists none."
    ) % {"cctv": totals["cctv_km"] or "—", "qv": totals["qv_km"] or "—"}


def _state(topic, context, **values):
    request = context["request"]
    user = request.user
    url = label = who = None
    if topic == "segments":
        message = _("No pipe segment has been scored yet.")
        reason = _(
            "The repair and maintenance priorities are computed from sewer inspection records "
            "(CCTV or QV) with their defects: import the inspections and every segment they "
            "cover is scored."
        )
        url, label = _inspections(user)
        who = _("Unit editors and administrators import inspection records.")
    elif topic == "coverage":
        message = _("No inspection record is stored yet, so no length counts as inspected.")
        reason = _coverage_reason(values.get("campaigns", ()))
        url, label = _inspections(user)
        who = _("Unit editors and administrators import inspection records.")
    elif topic == "posts":
        message = _("No patrol post has been set up yet.")
        reason = _(
            "The stations patrol on fixed posts: each post names its station, the channels and "
            "pumping stations it covers and how often they are patrolled. Patrols are recorded "
            "on a post, so there is nothing to record before one exists."
        )
        if user.is_staff and user.has_perm("projects.add_patrolpost"):
            url = reverse("admin:projects_patrolpost_add")
            label = _("Add a patrol post in the administration")
        who = _(
            "An administrator adds the posts in the administration (Patrol posts → Add); "
            "ask one to set up your station's posts."
        )
    elif topic in ("month_patrols", "patrols"):
        if topic == "month_patrols":
            month = date_format(values["month"], "YEAR_MONTH_FORMAT")
            message = _("No patrol has been recorded in %(month)s yet.") % {"month": month}
        else:
            message = _("No patrol has been recorded yet.")
        reason = _(
            "Each station records the patrols of its posts, with what it found and photos; a "
            "finding can open a problem on the channel's plan or a work order."
        )
        if patrol_scope_of(request).may_record:
            url, label = reverse("projects:patrol-create"), _("Record a patrol")
        who = _("The unit editors of each municipal station record its patrols.")
    elif topic in ("open_complaints", "complaints"):
        if topic == "open_complaints":
            message = _("No complaint is open: every one recorded has been assessed.")
        else:
            message = _("No complaint has been recorded yet.")
        reason = _(
            "Complaints from the hotline, WeChat, supervision inspections and patrols are "
            "recorded here, then dispatched, handled, evaluated and assessed."
        )
        if user.has_perm("projects.add_complaint"):
            url, label = reverse("projects:complaint-create"), _("Record a complaint")
        who = _("Unit editors and administrators record complaints.")
    elif topic == "filtered":
        message = _("Nothing matches these filters.")
        reason = ""
        url, label = request.path, _("Show all")
    else:
        raise template.TemplateSyntaxError(f"Unknown empty state {topic!r}")
    return {
        "topic": topic,
        "message": message,
        "reason": reason,
        "action_url": url,
        "action": label,
        "who": None if url else who,
    }


@register.inclusion_tag("projects/includes/empty.html", takes_context=True)
def empty_state(context, topic, **values):
    """``{% empty_state "segments" %}``; ``coverage`` takes ``campaigns=``, ``month_patrols``
    takes ``month=``."""
    return _state(topic, context, **values)


@register.simple_tag(takes_context=True)
def filters_applied(context, filterset=None):
    """Whether the request narrows the list with any of ``filterset``'s fields (default: the
    page's ``filter``): a value differs from the form's empty 全部 default."""
    filterset = filterset if filterset is not None else context.get("filter")
    return filterset is not None and filterset.form.has_changed()


@register.simple_tag
def station_figures(table):
    """The stations table's posts and this month's patrols in all: no query, the rows carry
    them (``projects.views.patrols.stations_with_figures``)."""
    rows = list(table.data)
    return {
        "stations": len(rows),
        "posts": sum(getattr(row, "posts_count", 0) or 0 for row in rows),
        "patrols": sum(getattr(row, "patrols_count", 0) or 0 for row in rows),
    }


@register.simple_tag
def patrol_posts_exist():
    """Whether any patrol post exists: one query, asked only by an empty patrol list."""
    return PatrolPost.objects.exists()


@register.simple_tag
def open_total(columns):
    """The open complaints of the board in all: the sum of its stage columns' counts (counted
    for the page already: no query)."""
    return sum(column["count"] for column in columns)
