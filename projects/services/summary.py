"""The dashboard's headline figures per work stream, each a fixed number of queries.

A figure added up over records some of which give no value: the plain figure
(``investment_wan``, ``new_pipe_km``, …) is the sum of the known values (None when none is
known, never a zero made of unknowns), and ``<figure>_total`` beside it is the
``totals.Total`` — the known sum and how many values are missing, and why — for a page to show
as “≥ sum (2 项原文未载明)” rather than as the whole."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone

from projects.models import (
    Channel,
    InterceptionBatch,
    PipeConstructionBatch,
    PipeSurveyCampaign,
    Plan,
    Policy,
    Profile,
    Project,
    PumpingStation,
    Stream,
)
from projects.services.alert_rules import Kind, Severity
from projects.services.alerts import ItemRows
from projects.services.queries import as_listed
from projects.services.totals import Total, blank_reason

# The most items the "needs attention" panel shows; its "all" link leads to the rest.
LIMIT = 10


def known_or_none(total):
    """The sum of the known values, or None when no value is known."""
    return total.known if total.given else None


def total_of(records, attribute):
    """The ``Total`` of ``attribute`` over ``records`` (rows citing the article miss a value
    as “not given”, the office's own as “not filled in”)."""
    return Total.of(
        (getattr(record, attribute), blank_reason(record.source_id is not None))
        for record in records
    )


def survey_totals():
    campaigns = list(
        PipeSurveyCampaign.objects.only(
            "investment_wan", "surveyed_km", "qv_km", "cctv_km", "source"
        )
    )
    totals = {"campaigns": len(campaigns)}
    for key in ("investment_wan", "surveyed_km", "qv_km", "cctv_km"):
        total = total_of(campaigns, key)
        totals[f"{key}_total"] = total
        totals[key] = known_or_none(total)
    surveyed = totals["surveyed_km"]
    for key in ("qv", "cctv"):
        km = totals[f"{key}_km"]
        totals[f"{key}_share"] = km * 100 / surveyed if surveyed and km is not None else None
    return totals


def interception_batches():
    batches = list(
        InterceptionBatch.objects.annotate(named_count=Count("villages")).order_by("batch_number")
    )
    investment = total_of(batches, "investment_wan")
    return {
        "batches": batches,
        "count": len(batches),
        "works": sum(b.works_count for b in batches),
        "investment_wan": known_or_none(investment),
        "investment_wan_total": investment,
    }


def construction_batches():
    batches = list(
        PipeConstructionBatch.objects.prefetch_related(
            as_listed("renovated_stations", PumpingStation)
        ).order_by("batch_number")
    )
    new_pipes = total_of(batches, "new_pipe_km")
    stations = total_of(batches, "stations_renovated")
    return {
        "batches": batches,
        "new_pipe_km": known_or_none(new_pipes),
        "new_pipe_km_total": new_pipes,
        "stations_renovated": int(stations.known) if stations.given else None,
        "stations_renovated_total": stations,
    }


def stream_stats():
    """{stream: {"projects", "completed", "in_progress", "investment_wan",
    "investment_wan_total"}} for all six."""
    unknown = Q(investment_wan__isnull=True)
    rows = (
        Project.objects.order_by()
        .values("stream")
        .annotate(
            projects=Count("pk"),
            completed=Count("pk", filter=Q(status=Project.Status.COMPLETED)),
            in_progress=Count("pk", filter=Q(status=Project.Status.IN_PROGRESS)),
            known_wan=Sum("investment_wan"),
            given=Count("investment_wan"),
            not_given=Count("pk", filter=unknown & Q(source__isnull=False)),
            not_filled=Count("pk", filter=unknown & Q(source__isnull=True)),
        )
    )
    stats = {
        s.value: {
            "projects": 0,
            "completed": 0,
            "in_progress": 0,
            "investment_wan": None,
            "investment_wan_total": Total(),
        }
        for s in Stream
    }
    for row in rows:
        total = Total(
            row.pop("known_wan") or Total().known,
            row.pop("given"),
            row.pop("not_given"),
            row.pop("not_filled"),
        )
        stats[row.pop("stream")] = {
            **row,
            "investment_wan": known_or_none(total),
            "investment_wan_total": total,
        }
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


@dataclass
class Scope:
    """Whose items a user sees: every unit's and the unassigned ones (``unit`` None), or one
    unit's."""

    unit: object = None

    @property
    def all_units(self):
        return self.unit is None


def attention_scope(user):
    """The ``Scope`` of the "needs attention" panel and list for ``user``: an administrator
    (``edit_any_unit``) sees every unit's items and the unassigned ones; anybody else the items
    of their profile's unit; a user with neither None (nothing to see). One query for the
    profile, none for an administrator."""
    if user.has_perm("projects.edit_any_unit"):
        return Scope()
    profile = Profile.objects.select_related("unit").filter(user=user).first()
    if profile is None or profile.unit is None:
        return None
    return Scope(profile.unit)


@dataclass
class KindCounts:
    kind: str
    label: str
    severities: list  # [(severity, label, number)], the severities with any item, in order

    @property
    def total(self):
        return sum(number for _, _, number in self.severities)


def kind_counts(numbers):
    """``alert_rules.counts``'s {(kind, severity): number} as [KindCounts] of the kinds with any
    item, in the kinds' order."""
    result = []
    for kind in Kind:
        severities = [
            (severity.value, severity.label, numbers[kind.value, severity.value])
            for severity in Severity
            if numbers.get((kind.value, severity.value))
        ]
        if severities:
            result.append(KindCounts(kind.value, kind.label, severities))
    return result


def attention(user, today=None, first=LIMIT, missed_targets=None):
    """The dashboard's "needs attention" panel: the items of the alert digests
    (``projects.services.alerts.needs_attention``, by the same rules) in ``user``'s
    ``attention_scope``, counted by kind and severity in the database, and the first ``first``
    of them, overdue first. None for a user who sees none (no panel). Two queries (counts, the
    first items) and the scope's. ``missed_targets``: how many channels miss their
    water-quality target, when the caller has counted every channel's (every unit's panel
    takes it instead of counting them again: the rule's items are all "worsened")."""
    scope = attention_scope(user)
    if scope is None:
        return None
    today = today or timezone.localdate()
    days_ahead = settings.ALERT_DAYS_AHEAD
    counted = None
    if scope.all_units and missed_targets is not None:
        counted = {(Kind.TARGET.value, Severity.WORSENED.value): missed_targets}
    rows = ItemRows(today, days_ahead, counted=counted, unit=scope.unit)
    numbers = rows.counts
    total = len(rows)
    items = rows[:first]
    return {
        "unit": scope.unit,
        "all_units": scope.all_units,
        "days_ahead": days_ahead,
        "kinds": kind_counts(numbers),
        "numbers": numbers,
        "total": total,
        "items": items,
        "more": total - len(items),
    }
