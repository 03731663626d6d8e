"""Which complaints: overdue or due soon (for the alerts and the board), a channel's and a
problem's, the units' statistics (handling time, share handled in time, satisfaction), and the
assessment items an assessor may choose. The closed loop's steps:
``projects.services.complaints``."""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Prefetch,
    Q,
    Value,
    When,
    Window,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import (
    AssessmentItem,
    Complaint,
)
from projects.models.complaints import OPEN_WORK_STAGES, Stage


def overdue_q(today=None, prefix=""):
    """Past its deadline and not handled yet (at 发现 or 调配): ``Complaint.overdue`` as a
    filter. ``prefix``: the path to the complaint, e.g. ``"complaint__"``."""
    today = today or timezone.localdate()
    return Q(**{f"{prefix}stage__in": OPEN_WORK_STAGES, f"{prefix}deadline__lt": today})


def with_overdue(queryset, today=None):
    """``queryset`` with ``is_overdue`` (``overdue_q`` as a column)."""
    return queryset.annotate(
        is_overdue=ExpressionWrapper(overdue_q(today), output_field=BooleanField())
    )


def _for_unit(queryset, unit):
    return queryset if unit is None else queryset.filter(assigned_unit=unit)


def overdue_complaints(unit=None, today=None):
    """Complaints past their deadline and not handled, oldest deadline first; optionally of
    one assigned unit (a ResponsibleUnit or its pk)."""
    queryset = Complaint.objects.filter(overdue_q(today)).select_related("assigned_unit", "channel")
    return _for_unit(queryset, unit).order_by("deadline", "received_at", "pk")


def complaints_due_within(days, unit=None, today=None):
    """Complaints not handled yet whose deadline falls from ``today`` to ``days`` days later
    (inclusive), nearest first; optionally of one assigned unit. Overdue ones are not here
    (``overdue_complaints``)."""
    today = today or timezone.localdate()
    queryset = Complaint.objects.filter(
        stage__in=OPEN_WORK_STAGES,
        deadline__gte=today,
        deadline__lte=today + datetime.timedelta(days=days),
    ).select_related("assigned_unit", "channel")
    return _for_unit(queryset, unit).order_by("deadline", "received_at", "pk")


# The most complaints a channel's page lists; it links to the list of all of them.
CHANNEL_COMPLAINTS_LIMIT = 10


def channel_complaints(channel, limit=CHANNEL_COMPLAINTS_LIMIT):
    """(complaints, total): the channel's complaints, open ones first, then the latest
    received, at most ``limit`` of them with their unit and problem; and how many it has in
    all. One query."""
    closed_last = Case(
        When(stage=Stage.ASSESSED, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    rows = list(
        Complaint.objects.filter(channel=channel)
        .select_related("assigned_unit", "problem")
        .annotate(total=Window(Count("pk")))
        .order_by(closed_last, "-received_at", "-pk")[:limit]
    )
    return rows, (rows[0].total if rows else 0)


def complaints_of(problems):
    """``problems`` (a Problem queryset) with each problem's complaints prefetched, latest
    received first (one query more)."""
    complaints = Complaint.objects.only(
        "pk", "number", "stage", "problem_id", "received_at"
    ).order_by("-received_at", "-pk")
    return problems.prefetch_related(Prefetch("complaints", queryset=complaints))


@dataclass
class UnitStatistics:
    """One unit's complaints (``unit_id`` None: not dispatched yet)."""

    unit_id: int | None
    unit_name: str
    count: int
    open: int
    overdue: int
    handled: int
    average_handling: datetime.timedelta | None  # received → handled, over the handled ones
    satisfied: int
    basically: int
    unsatisfied: int

    @property
    def average_handling_days(self):
        if self.average_handling is None:
            return None
        return self.average_handling.total_seconds() / 86400


def handling_time():
    return ExpressionWrapper(F("handled_at") - F("received_at"), output_field=DurationField())


def unit_statistics(complaints=None, today=None):
    """[UnitStatistics] per assigned unit, the most complaints first, those not dispatched yet last:
    how many, how many open (not assessed), overdue, handled, the average time from receiving
    to handling, and the evaluations. ``complaints``: a Complaint queryset to count (default:
    all). One query."""
    complaints = Complaint.objects.all() if complaints is None else complaints
    satisfaction = Complaint.Satisfaction
    rows = (
        complaints.order_by()
        .values("assigned_unit", "assigned_unit__name")
        .annotate(
            n=Count("pk"),
            n_open=Count("pk", filter=~Q(stage=Stage.ASSESSED)),
            n_overdue=Count("pk", filter=overdue_q(today)),
            n_handled=Count("pk", filter=Q(handled_at__isnull=False)),
            average=Avg(handling_time(), filter=Q(handled_at__isnull=False)),
            n_satisfied=Count("pk", filter=Q(satisfaction=satisfaction.SATISFIED)),
            n_basically=Count("pk", filter=Q(satisfaction=satisfaction.BASICALLY)),
            n_unsatisfied=Count("pk", filter=Q(satisfaction=satisfaction.UNSATISFIED)),
        )
    )
    result = [
        UnitStatistics(
            unit_id=row["assigned_unit"],
            unit_name=row["assigned_unit__name"] or str(_("Not dispatched yet")),
            count=row["n"],
            open=row["n_open"],
            overdue=row["n_overdue"],
            handled=row["n_handled"],
            average_handling=_duration(row["average"]),
            satisfied=row["n_satisfied"],
            basically=row["n_basically"],
            unsatisfied=row["n_unsatisfied"],
        )
        for row in rows
    ]
    result.sort(key=lambda row: (row.unit_id is None, -row.count, row.unit_name))
    return result


def _duration(value):
    """An average duration as a timedelta on every database (SQLite may give microseconds)."""
    if value is None or isinstance(value, datetime.timedelta):
        return value
    return datetime.timedelta(microseconds=float(value))


def assessment_items():
    """The items an assessor may choose, in code order."""
    return AssessmentItem.objects.filter(active=True).order_by("code")
