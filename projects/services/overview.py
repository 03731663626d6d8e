"""The director's overview at the top of the dashboard: which channels are black-odorous, by
name and worst first; what is overdue (tasks, projects, complaints); the complaint figures.

Every read is one query however many rows there are: names are capped at ``LIMIT`` and carry
the number in all, so the page links to the full list instead of growing with the data."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Avg, Case, Count, IntegerField, Q, Value, When
from django.utils import timezone

from projects.core.months import month_bounds, this_month
from projects.models import Channel, Complaint, Project, Task
from projects.services.complaint_queries import handling_time, overdue_q
from projects.services.water_targets import TargetStatus, with_target_status

# The most names a list of the overview shows; its "all" link leads to the rest.
LIMIT = 10

# Black-odorous conditions, worst first: 重度 before 轻度, the ungraded ones last.
BLACK_ODOROUS = (
    Channel.Condition.SEVERE,
    Channel.Condition.LIGHT,
    Channel.Condition.BLACK_ODOROUS,
)


@dataclass
class Names:
    """At most ``LIMIT`` rows of a longer list, and how many there are in all."""

    rows: list = field(default_factory=list)
    total: int = 0

    @property
    def more(self):
        return self.total - len(self.rows)


def black_odorous_channels(counts, limit=LIMIT):
    """The channels black-odorous by their current condition (the latest judgement of their
    samples, else the recorded condition: ``ChannelQuerySet.with_condition``), severe first,
    then light, then black-odorous but not graded, each by name; at most ``limit`` of them,
    each with ``condition_label`` (their own columns only, not their course on the map), and
    the number in all, from ``counts`` (``black_odorous_counts``'s rows). One query."""
    worst_first = Case(
        *[
            When(current_condition=value, then=Value(rank))
            for rank, value in enumerate(BLACK_ODOROUS)
        ],
        output_field=IntegerField(),
    )
    rows = list(
        Channel.objects.with_condition()
        .filter(current_condition__in=BLACK_ODOROUS)
        .only("pk", "name", "condition")
        .annotate(worst_first=worst_first)
        .order_by("worst_first", "name", "pk")[:limit]
    )
    for row in rows:
        row.condition_label = Channel.Condition(row.current_condition).label
    return Names(rows, sum(count for _, _, count, _ in counts))


def black_odorous_counts(condition_counts):
    """The black-odorous rows of ``ChannelQuerySet.condition_counts()`` (value, label, count,
    measured), worst first: the per-grade links of the overview, without another query."""
    by_value = {row[0]: row for row in condition_counts}
    return [by_value[value] for value in BLACK_ODOROUS if value in by_value]


def target_counts():
    """{TargetStatus value: number of channels}, every status present (0 when none): how many
    channels meet their water-quality target, miss it, are not measured, have none. One
    query."""
    counts = dict.fromkeys(TargetStatus.values, 0)
    rows = (
        with_target_status(Channel.objects.order_by())
        .values_list("target_status")
        .annotate(n=Count("pk"))
        .values_list("target_status", "n")
    )
    counts.update(rows)
    return counts


def overdue_tasks(limit=LIMIT, today=None, total=None):
    """The plan tasks past their (extended) deadline and not completed, the longest overdue
    first, with their channel and lead unit: at most ``limit`` and the number in all. Tasks
    have no list page of their own; each names its channel, whose page shows its progress.
    Two queries: the count (none when the caller knows it: ``total``), and the first ones (a
    count beside every row would make the database join and count all of a city's overdue
    tasks to return ten)."""
    overdue = Task.objects.overdue(today)
    rows = list(
        overdue.select_related("plan__channel", "lead_unit").order_by("effective_deadline", "pk")[
            :limit
        ]
    )
    return Names(rows, overdue.count() if total is None else total)


@dataclass
class Overdue:
    tasks: Names
    projects: int
    complaints: int


def overdue(today=None, tasks=None):
    """What is overdue today: the tasks (``overdue_tasks``; ``tasks``: their number, when the
    caller has counted them), how many projects are past their planned end and neither
    completed nor cancelled, how many complaints are past their deadline and not handled. Four
    queries, three with ``tasks``."""
    today = today or timezone.localdate()
    return Overdue(
        tasks=overdue_tasks(today=today, total=tasks),
        projects=Project.objects.with_progress(today).filter(is_overdue=True).count(),
        complaints=Complaint.objects.filter(overdue_q(today)).count(),
    )


@dataclass
class ComplaintFigures:
    open: int  # not assessed (closed) yet
    overdue: int
    this_month: int  # received this calendar month
    handled: int
    average_handling: datetime.timedelta | None  # received → handled, over the handled ones
    satisfied: int
    basically: int
    unsatisfied: int

    @property
    def evaluated(self):
        return self.satisfied + self.basically + self.unsatisfied

    @property
    def average_handling_days(self):
        if self.average_handling is None:
            return None
        return self.average_handling.total_seconds() / 86400

    @property
    def satisfaction_percent(self):
        """Satisfied or basically satisfied, in percent of the evaluated; None without any."""
        if not self.evaluated:
            return None
        return (self.satisfied + self.basically) * 100 / self.evaluated


def _duration(value):
    # An average of durations: a timedelta, or microseconds on SQLite.
    if value is None or isinstance(value, datetime.timedelta):
        return value
    return datetime.timedelta(microseconds=float(value))


def complaint_figures(today=None):
    """Every complaint counted once: open (not assessed), overdue, received this month, the
    average time from receiving to handling, and the evaluations. One query."""
    start, end = month_bounds(this_month())
    satisfaction = Complaint.Satisfaction
    handled = Q(handled_at__isnull=False)
    row = Complaint.objects.order_by().aggregate(
        open=Count("pk", filter=~Q(stage=Complaint.Stage.ASSESSED)),
        overdue=Count("pk", filter=overdue_q(today)),
        this_month=Count("pk", filter=Q(received_at__gte=start, received_at__lt=end)),
        handled=Count("pk", filter=handled),
        average=Avg(handling_time(), filter=handled),
        satisfied=Count("pk", filter=Q(satisfaction=satisfaction.SATISFIED)),
        basically=Count("pk", filter=Q(satisfaction=satisfaction.BASICALLY)),
        unsatisfied=Count("pk", filter=Q(satisfaction=satisfaction.UNSATISFIED)),
    )
    average = _duration(row.pop("average"))
    return ComplaintFigures(average_handling=average, **row)
