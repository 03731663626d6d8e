"""River chiefs: the reads their pages share (a chief's terms with the missed flag, a channel's
serving chiefs, the register's figures) and recording an inspection with its photos."""

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Prefetch
from django.utils import timezone

from projects.models import ChiefAssignment, ChiefInspection, Photo, RiverChief
from projects.models.base import count_of
from projects.services.photos import attach_photo_sets
from projects.services.queries import photos_of


def chief_terms(chief, today=None):
    """``chief``'s terms, serving ones first (the latest started first), each with its channel,
    ``interval_days``, ``last_inspected_on``, ``due_on`` and ``missed``. One query."""
    today = today or timezone.localdate()
    return (
        ChiefAssignment.objects.filter(chief=chief)
        .with_inspection(today)
        .select_related("channel")
        .order_by(F("term_end").desc(nulls_first=True), "-term_start", "pk")
    )


def channel_chiefs(channel, today=None):
    """The chiefs serving ``channel`` today, district level first, each term with its chief
    and the missed flag. One query."""
    today = today or timezone.localdate()
    return list(
        ChiefAssignment.objects.filter(channel=channel)
        .serving(today)
        .with_inspection(today)
        .select_related("chief")
        .order_by("level", "chief__name", "pk")
    )


def chiefs_for_list(today=None, first=None):
    """Every chief with ``serving_count`` (channels held today), ``missed_count`` (of those,
    not inspected in time) and ``serving_terms`` (a prefetch of those terms with their
    channels, one more query for a page of chiefs; with ``first``, only each chief's first
    ``first`` of them: a district chief may hold hundreds)."""
    today = today or timezone.localdate()
    serving = ChiefAssignment.objects.serving(today)
    # Only what the register names: a term's level and its channel's name (not the channel's
    # other columns nor its map geometry).
    terms = (
        serving.select_related("channel")
        .only("chief", "level", "channel__name")
        .order_by("level", "channel__name", "pk")
    )
    if first is not None:
        terms = terms[:first]
    return RiverChief.objects.annotate(
        serving_count=count_of(serving, "chief"),
        missed_count=count_of(ChiefAssignment.objects.missed(today), "chief"),
    ).prefetch_related(Prefetch("assignments", queryset=terms, to_attr="serving_terms"))


def chiefs_with_term(terms):
    """A condition on chiefs: one of their terms is among ``terms`` (a ChiefAssignment
    queryset)."""
    return Exists(terms.filter(chief=OuterRef("pk")))


def chief_inspections(chief):
    """``chief``'s inspections, latest first, with their channels and how many photos they
    have."""
    return (
        ChiefInspection.objects.filter(chief=chief)
        .select_related("channel")
        .annotate(photo_count=count_of(photos_of(ChiefInspection), "object_id"))
        .order_by("-inspected_on", "-pk")
    )


@transaction.atomic
def record_inspection(chief, data, user):
    """Save an inspection by ``chief`` from a valid form's ``data`` (channel, date, duration,
    problems found, photos), recorded by ``user``. All or nothing."""
    inspection = ChiefInspection.objects.create(
        chief=chief,
        channel=data["channel"],
        inspected_on=data["inspected_on"],
        duration_minutes=data["duration_minutes"],
        problems_found=data.get("problems_found", ""),
        recorded_by=user,
    )
    attach_photo_sets(inspection, [(Photo.Phase.OTHER, data.get("photos") or [])], user=user)
    return inspection
