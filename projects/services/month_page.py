"""The month report page, read a page at a time.

``month_ledger`` reads a whole month — every project, task, complaint and patrol — for the XLSX
work ledger. The page shows a page of rows of each table, so it reads only those: ``MonthPage``
gives each table a ``PagedRows``, whose slice is one ``ORDER BY … LIMIT/OFFSET`` query of the
rows it shows (turned into the same ``ProjectLine``, ``TaskLine`` and ``ComplaintLine`` objects
the ledger holds), and whose length is counted by the month's aggregates. The totals are the
database's sums and counts over every row of the month, split as ``totals.Total`` splits them
(a sum over unknown values is the known part and what is missing, by reason), so the page's
footers equal the ledger's. A download of a table (``exports``) iterates its ``PagedRows``
whole, a chunk of rows at a time.

The page costs a fixed number of queries whatever the month holds: two for the streams' totals,
one page query for the stream whose projects it shows (with their channels, villages and
pumping stations), and for the tasks, complaints and patrols a count and a page each."""

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django_tables2.data import TableData

from projects.models import ProgressReport, Project, Stream, Task
from projects.services.ledger import (
    ARTICLE_ORDER,
    PROJECT_RELATED,
    MonthTotals,
    ProjectLine,
    Titled,
    cumulative_of,
    project_prefetches,
    quantized,
)
from projects.services.month_status import (
    complaint_counts,
    complaint_source,
    patrols_in,
    task_lines,
    task_source,
)
from projects.services.totals import ZERO, Total


class PagedRows(TableData):
    """A django-tables2 table's data read from the database as it is shown: ``len()`` is
    ``count`` (known from the month's aggregates: no query), a slice is one query of
    ``rows`` in the table's order with ``LIMIT/OFFSET`` whose rows ``make`` turns into the
    table's records, and iterating reads every row, ``chunk_size`` at a time (downloads).

    ``orderings`` maps a column the table lets the user sort by to the columns of ``rows`` it
    sorts; ``default`` is the order without a sort and breaks
    ties, so that pages never overlap."""

    chunk_size = 2000

    def __init__(self, rows, count, make=list, orderings=None, default=("pk",)):
        super().__init__(None)
        self.rows = rows
        self.count = count
        self.make = make
        self.orderings = orderings or {}
        self.default = tuple(default)
        self.sort = ()

    def __len__(self):
        return self.count

    def ordered(self):
        return self.rows.order_by(*self.sort, *self.default)

    def __getitem__(self, key):
        if isinstance(key, slice):
            if key.step not in (None, 1) or (key.start or 0) < 0 or (key.stop or 0) < 0:
                raise ValueError("PagedRows slices forward only")
            if key.stop is not None and key.stop <= (key.start or 0):
                return []
            return self.make(list(self.ordered()[key]))
        if not 0 <= key < self.count:
            raise IndexError(key)
        return self[key : key + 1][0]

    def __iter__(self):
        rows = self.ordered()
        if hasattr(rows, "iterator"):
            rows = rows.iterator(chunk_size=self.chunk_size)
        while chunk := list(itertools.islice(rows, self.chunk_size)):
            yield from self.make(chunk)

    @property
    def ordering(self):
        return None

    def order_by(self, aliases):
        """Sort by the columns ``aliases`` names (django-tables2's ``?sort=``), empty values
        last either way; a column with no entry in ``orderings`` is not sorted by."""
        sort = []
        for alias in aliases:
            descending = alias.startswith("-")
            for column in self.orderings.get(alias.lstrip("-"), ()):
                sort.append(
                    F(column).desc(nulls_last=True)
                    if descending
                    else F(column).asc(nulls_last=True)
                )
        self.sort = tuple(sort)


# --- projects ---------------------------------------------------------------------------

# What each sortable column of the projects' table sorts.
PROJECT_ORDERINGS = {
    "project": ("name",),
    "planned_percent": ("report_planned",),
    "actual_percent": ("report_percent",),
    "planned_end": ("planned_end",),
}


def project_rows(month, stream):
    """The projects of ``stream`` with ``month``'s report (its fields as ``report_*``, none
    when it has none) and their cumulative investment, read with their units and the
    channels, villages and pumping stations of their scale.

    The report's fields are subqueries on the (project, month) key rather than a join: the
    database looks them up for the page's rows only (for every row of the stream only when
    the table is sorted by one of them), instead of reading the whole month's reports."""

    def report(field):
        return Subquery(
            ProgressReport.objects.filter(project=OuterRef("pk"), month=month).values(field)[:1]
        )

    return (
        Project.objects.filter(stream=stream)
        .select_related(*PROJECT_RELATED)
        .annotate(
            cumulative_wan=cumulative_of(month),
            report_id=report("id"),
            report_planned=report("planned_percent"),
            report_percent=report("percent_complete"),
            report_money=report("investment_this_month_wan"),
            report_problems=report("problems"),
            report_plan=report("next_month_plan"),
        )
        .prefetch_related(*project_prefetches())
    )


def project_lines(month):
    def make(projects):
        lines = []
        for project in projects:
            report = None
            if project.report_id is not None:
                report = ProgressReport(
                    id=project.report_id,
                    project=project,
                    month=month,
                    planned_percent=project.report_planned,
                    percent_complete=project.report_percent,
                    investment_this_month_wan=project.report_money,
                    problems=project.report_problems,
                    next_month_plan=project.report_plan,
                )
            lines.append(ProjectLine(project, report, quantized(project.cumulative_wan)))
        return lines

    return make


@dataclass
class StreamTotals(Titled):
    """One stream's projects in the month, counted and summed by the database: what a
    ``ledger.StreamGroup`` tells of its lines."""

    stream: Stream
    count: int = 0
    reported: int = 0
    investment: Total = field(default_factory=Total)
    this_month: Total = field(default_factory=Total)
    cumulative: Total = field(default_factory=Total)


def money(value):
    return ZERO if value is None else Decimal(value).quantize(Decimal("0.01"))


def stream_totals(month):
    """Each stream's ``StreamTotals`` for ``month`` (every stream, even one without
    projects), as ``StreamGroup`` adds up its lines: two queries."""
    streams = {stream: StreamTotals(Stream(stream)) for stream in Stream.values}
    projects = (
        Project.objects.order_by()
        .values("stream")
        .annotate(
            count=Count("pk"),
            known=Sum("investment_wan"),
            given=Count("investment_wan"),
            not_given=Count("pk", filter=Q(investment_wan__isnull=True, source__isnull=False)),
            # A project's cumulative sum is known once one of its reports gives an amount
            # (asked of each project: counting distinct projects over the reports sorts them).
            cumulative_given=Count(
                "pk",
                filter=Exists(
                    ProgressReport.objects.filter(
                        project=OuterRef("pk"),
                        month__lte=month,
                        investment_this_month_wan__isnull=False,
                    )
                ),
            ),
        )
    )
    for row in projects:
        totals = streams[row["stream"]]
        totals.count = row["count"]
        totals.investment = Total(
            money(row["known"]),
            row["given"],
            not_given=row["not_given"],
            not_filled=row["count"] - row["given"] - row["not_given"],
        )
        totals.cumulative = Total(given=row["cumulative_given"])
    this_month = Q(month=month)
    reports = (
        ProgressReport.objects.filter(month__lte=month)
        .order_by()
        .values("project__stream")
        .annotate(
            reported=Count("pk", filter=this_month),
            month_known=Sum("investment_this_month_wan", filter=this_month),
            month_given=Count("investment_this_month_wan", filter=this_month),
            known=Sum("investment_this_month_wan"),
        )
    )
    for row in reports:
        totals = streams[row["project__stream"]]
        totals.reported = row["reported"]
        totals.this_month = Total(money(row["month_known"]), row["month_given"])
        totals.cumulative = Total(money(row["known"]), totals.cumulative.given)
    for totals in streams.values():
        # Whatever no report gives is “not reported”.
        totals.this_month = Total(
            totals.this_month.known,
            totals.this_month.given,
            not_reported=totals.count - totals.this_month.given,
        )
        totals.cumulative = Total(
            totals.cumulative.known,
            totals.cumulative.given,
            not_reported=totals.count - totals.cumulative.given,
        )
    return list(streams.values())


# --- the month --------------------------------------------------------------------------

TASK_ORDERINGS = {"channel": ("channel_name",), "content": ("t_content",)}


@dataclass
class MonthPage(MonthTotals):
    """What the month page shows of ``month``: the streams' totals and the grand total, the
    counts of tasks (by status, overdue, with no record), complaints (overdue) and patrols,
    and each table's rows (``project_rows(stream)``, ``task_rows()``, ``complaint_rows()``,
    ``patrol_rows()``) to be read a page at a time. It reads what the template asks of it
    (the totals: five queries at most) and nothing else."""

    month: object
    today: object = None

    def __post_init__(self):
        self.tasks = task_source(self.month, self.today)
        self.as_of = self.tasks.as_of
        self.tasks_from_history = self.tasks.from_history
        self.complaints, self._complaint_lines = complaint_source(self.month, self.today)
        self.patrols = patrols_in(self.month)

    @property
    def groups(self):
        if not hasattr(self, "_groups"):
            self._groups = stream_totals(self.month)
        return self._groups

    @property
    def projects(self):
        return sum(group.count for group in self.groups)

    @property
    def task_counts(self):
        if not hasattr(self, "_task_counts"):
            self._task_counts = self.tasks.counts()
        return self._task_counts

    @property
    def task_statuses(self):
        """(status label, count) of each status some task had, in the statuses' order."""
        return [
            (Task.Status(status).label, count)
            for status, count in self.task_counts["statuses"].items()
            if count
        ]

    @property
    def unrecorded_tasks(self):
        return self.task_counts["unrecorded"] if self.tasks_from_history else 0

    @property
    def complaint_counts(self):
        if not hasattr(self, "_complaint_counts"):
            self._complaint_counts = complaint_counts(self.complaints, self.as_of)
        return self._complaint_counts

    @property
    def patrol_count(self):
        if not hasattr(self, "_patrol_count"):
            self._patrol_count = self.patrols.order_by().count()
        return self._patrol_count

    @property
    def is_empty(self):
        """Nothing was recorded for the month: no report, complaint or patrol."""
        return not (self.reported or self.complaint_counts["total"] or self.patrol_count)

    def project_rows(self, group):
        return PagedRows(
            project_rows(self.month, group.stream),
            group.count,
            make=project_lines(self.month),
            orderings=PROJECT_ORDERINGS,
            default=ARTICLE_ORDER[1:],
        )

    def task_rows(self):
        as_of = self.as_of
        return PagedRows(
            self.tasks.rows,
            self.task_counts["total"],
            make=lambda rows: task_lines(rows, as_of),
            orderings=TASK_ORDERINGS,
            default=("channel_name", "t_id"),
        )

    def complaint_rows(self):
        return PagedRows(
            self.complaints,
            self.complaint_counts["total"],
            make=self._complaint_lines,
            default=("received_at", "pk"),
        )

    def patrol_rows(self):
        return PagedRows(self.patrols, self.patrol_count, default=("patrolled_at", "pk"))
