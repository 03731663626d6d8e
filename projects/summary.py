"""The dashboard's headline figures per work stream, each a fixed number of queries."""

from django.db.models import Count, Q, Sum

from .alerts import needs_attention
from .models import (
    Channel,
    InterceptionBatch,
    PipeConstructionBatch,
    PipeSurveyCampaign,
    Plan,
    Policy,
    Profile,
    Project,
    Stream,
)


def survey_totals():
    totals = PipeSurveyCampaign.objects.aggregate(
        investment_wan=Sum("investment_wan"),
        surveyed_km=Sum("surveyed_km"),
        qv_km=Sum("qv_km"),
        cctv_km=Sum("cctv_km"),
        campaigns=Count("pk"),
    )
    surveyed = totals["surveyed_km"]
    for key in ("qv", "cctv"):
        km = totals[f"{key}_km"]
        totals[f"{key}_share"] = km * 100 / surveyed if surveyed and km is not None else None
    return totals


def interception_batches():
    batches = list(
        InterceptionBatch.objects.annotate(named_count=Count("villages")).order_by("batch_number")
    )
    return {
        "batches": batches,
        "count": len(batches),
        "villages": sum(b.village_count for b in batches),
        "investment_wan": sum(b.investment_wan or 0 for b in batches) if batches else None,
    }


def construction_batches():
    batches = list(
        PipeConstructionBatch.objects.prefetch_related("renovated_stations").order_by(
            "batch_number"
        )
    )
    new_pipes = [b.new_pipe_km for b in batches if b.new_pipe_km is not None]
    stations = [b.stations_renovated for b in batches if b.stations_renovated is not None]
    return {
        "batches": batches,
        "new_pipe_km": sum(new_pipes) if new_pipes else None,
        "stations_renovated": sum(stations) if stations else None,
    }


def stream_stats():
    """{stream: {"projects", "completed", "in_progress", "investment_wan"}} for all six."""
    rows = (
        Project.objects.order_by()
        .values("stream")
        .annotate(
            projects=Count("pk"),
            completed=Count("pk", filter=Q(status=Project.Status.COMPLETED)),
            in_progress=Count("pk", filter=Q(status=Project.Status.IN_PROGRESS)),
            investment_wan=Sum("investment_wan"),
        )
    )
    stats = {
        s.value: {"projects": 0, "completed": 0, "in_progress": 0, "investment_wan": None}
        for s in Stream
    }
    for row in rows:
        stats[row.pop("stream")] = row
    return stats


def remediation():
    """Channels by current condition: the latest judgement of their samples where there is
    one, else the recorded condition (``ChannelQuerySet.condition_counts``)."""
    return {
        "conditions": Channel.objects.condition_counts(),
        "channels": Channel.objects.count(),
        "plans": Plan.objects.count(),
    }


def policies():
    return list(Policy.objects.select_related("issued_by").order_by("kind", "title"))


def attention(user, today=None):
    """The dashboard's "needs attention" panel: the same items as the alert digests
    (``projects.alerts.needs_attention``). An administrator (``edit_any_unit``) sees every
    unit's items and the unassigned ones; anybody else the items of their profile's unit; a
    user with neither gets None (no panel). One query for the profile, then the alerts' four."""
    if user.has_perm("projects.edit_any_unit"):
        alerts = needs_attention(today)
        return {"alerts": alerts, "groups": alerts.groups, "unit": None, "all_units": True}
    profile = Profile.objects.select_related("unit").filter(user=user).first()
    if profile is None or profile.unit is None:
        return None
    alerts = needs_attention(today, unit=profile.unit)
    return {"alerts": alerts, "groups": alerts.groups, "unit": profile.unit, "all_units": False}
