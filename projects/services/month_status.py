"""Where things stood at the end of a month, for the month report and its ledger: every
one-river-one-policy task as the audit history (django-simple-history) holds it at the month's
end, the complaints received in the month with the closed-loop stage each had reached by then,
and the patrols done in the month.

A month that is not over yet is told as it stands today. Each list is read with a fixed number
of queries, whatever the number of tasks, changes, complaints or patrols."""

import datetime
from dataclasses import dataclass

from django.db.models import (
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import pgettext

from projects.core.months import day_start, month_bounds, status_date
from projects.models import (
    Channel,
    Complaint,
    ComplaintStep,
    PatrolRecord,
    ResponsibleUnit,
    Task,
)
from projects.models.complaints import OPEN_WORK_STAGES, Stage
from projects.services.complaint_reports import with_report_count


@dataclass
class TaskLine:
    """One task as it stood on ``as_of``. ``status`` is None when the audit history holds no
    record of the task by then (a task from the article whose history starts later)."""

    task_id: int
    channel: object
    content: str
    lead_unit: object
    deadline: datetime.date | None
    extended_deadline: datetime.date | None
    status: str | None
    percent_complete: int | None
    sourced: bool
    as_of: datetime.date

    @property
    def recorded(self):
        return self.status is not None

    @property
    def channel_name(self):
        return self.channel.name if self.channel is not None else ""

    @property
    def effective_deadline(self):
        return self.extended_deadline or self.deadline

    @property
    def is_done(self):
        return self.status == Task.Status.DONE

    @property
    def is_overdue(self):
        """Past its deadline on ``as_of`` and not completed by then."""
        deadline = self.effective_deadline
        return bool(self.recorded and deadline and deadline < self.as_of and not self.is_done)

    @property
    def progress(self):
        """The percent reported, 100 once completed."""
        if not self.recorded:
            return None
        return 100 if self.is_done else self.percent_complete

    @property
    def status_display(self):
        if not self.recorded:
            return pgettext("task status", "No record")
        try:
            return Task.Status(self.status).label
        except ValueError:
            return self.status


def _line_columns(recorded=True):
    """The columns a task line is read from, on a task or one of its historical rows (both
    carry these), each under its own name so that the two can be read as one union; a task
    with no record by then reads no status, progress or deadline."""
    nothing = {
        "t_deadline": Value(None, output_field=DateField()),
        "t_extended": Value(None, output_field=DateField()),
        "t_status": Value(None, output_field=CharField()),
        "t_percent": Value(None, output_field=IntegerField()),
    }
    recorded_columns = {
        "t_deadline": F("deadline"),
        "t_extended": F("extended_deadline"),
        "t_status": F("status"),
        "t_percent": F("percent_complete"),
    }
    return {
        "t_id": F("id"),
        "t_content": F("content"),
        **(recorded_columns if recorded else nothing),
        "t_source": F("source_id"),
        "channel_id_": F("plan__channel_id"),
        "channel_name": F("plan__channel__name"),
        "unit_id_": F("lead_unit_id"),
        "unit_name": F("lead_unit__name"),
        "unit_kind": F("lead_unit__kind"),
    }


LINE_COLUMNS = tuple(_line_columns())


def _as_lines(rows, recorded=True):
    return rows.order_by().annotate(**_line_columns(recorded)).values_list(*LINE_COLUMNS)


def task_lines(rows, as_of):
    """Task lines from value rows (``LINE_COLUMNS``): a city's month holds tens of thousands
    of tasks, and a model instance for each task, its channel and its unit cost seconds. Each
    channel and unit is made once (id and name)."""
    channels, units = {None: None}, {None: None}
    lines = []
    for (
        task_id,
        content,
        deadline,
        extended,
        status,
        percent,
        source_id,
        channel_id,
        channel_name,
        unit_id,
        unit_name,
        unit_kind,
    ) in rows:
        if channel_id not in channels:
            channels[channel_id] = Channel(id=channel_id, name=channel_name)
        if unit_id not in units:
            units[unit_id] = ResponsibleUnit(id=unit_id, name=unit_name, kind=unit_kind)
        lines.append(
            TaskLine(
                task_id=task_id,
                channel=channels[channel_id],
                content=content,
                lead_unit=units[unit_id],
                deadline=deadline,
                extended_deadline=extended,
                status=status,
                percent_complete=percent,
                sourced=source_id is not None,
                as_of=as_of,
            )
        )
    return lines


@dataclass
class TaskSource:
    """Where the tasks of a month are read from: ``rows`` (value rows, ``LINE_COLUMNS``, in
    no order) and the querysets to count them by — ``recorded`` (tasks, or each task's latest
    historical row by the month's end) and ``unrecorded`` (the article's tasks with no
    history by then, or None for the current month)."""

    as_of: datetime.date
    from_history: bool
    recorded: object
    unrecorded: object = None

    @property
    def rows(self):
        rows = _as_lines(self.recorded)
        if self.unrecorded is not None:
            rows = rows.union(_as_lines(self.unrecorded, recorded=False), all=True)
        return rows

    def counts(self):
        """{"total", "overdue", "unrecorded", "statuses": {status: count}} as of ``as_of``, as
        the lines count them (``TaskLine.is_overdue``): one query, two from the history."""
        late = Q(effective__lt=self.as_of) & ~Q(status=Task.Status.DONE)
        counts = self.recorded.alias(effective=Coalesce("extended_deadline", "deadline")).aggregate(
            recorded=Count("pk"),
            overdue=Count("pk", filter=late),
            **{
                f"s_{status}": Count("pk", filter=Q(status=status)) for status in Task.Status.values
            },
        )
        unrecorded = self.unrecorded.count() if self.unrecorded is not None else 0
        return {
            "total": counts["recorded"] + unrecorded,
            "overdue": counts["overdue"],
            "unrecorded": unrecorded,
            "statuses": {status: counts[f"s_{status}"] for status in Task.Status.values},
        }


def task_source(month, today=None):
    """The tasks of ``month`` (``TaskSource``): as the audit history holds them at the end of
    a past month — a task completed later shows its earlier status, a task created later is
    left out, a deleted one is still there, an article's task with no history by then has no
    status — or as they stand today for the current month."""
    today = today or timezone.localdate()
    as_of = status_date(month, today)
    if as_of == today:
        return TaskSource(as_of, False, Task.objects.all())
    History = Task.history.model
    cutoff = day_start(as_of + datetime.timedelta(days=1))
    before = History.objects.filter(id=OuterRef("id"), history_date__lt=cutoff)
    latest = before.order_by("-history_date", "-history_id").values("history_id")[:1]
    recorded = History.objects.filter(history_date__lt=cutoff, history_id=Subquery(latest)).exclude(
        history_type="-"
    )
    unrecorded = Task.objects.filter(source__isnull=False).exclude(
        Exists(History.objects.filter(id=OuterRef("pk"), history_date__lt=cutoff))
    )
    return TaskSource(as_of, True, recorded, unrecorded)


def tasks_as_of(month, today=None):
    """(task lines, as_of, from_history) for ``month`` (``task_source``), every task, by
    channel and task. Past month: one query (the latest historical row of each task at the
    month's end, and the article's tasks with no history by then); current month: one."""
    source = task_source(month, today)
    lines = task_lines(source.rows, source.as_of)
    return sorted(lines, key=line_order), source.as_of, source.from_history


def line_order(line):
    return (line.channel_name, line.task_id)


@dataclass
class ComplaintLine:
    """A complaint received in the month, the stage of the closed loop it had reached by
    ``as_of`` (its latest step by then) and how many reports it had gathered by then."""

    complaint: Complaint
    stage: str
    as_of: datetime.date
    handled: bool

    @property
    def stage_display(self):
        return Stage(self.stage).label

    @property
    def is_overdue(self):
        """Its handling deadline passed on ``as_of`` while it was still waiting to be handled."""
        deadline = self.complaint.deadline
        return bool(deadline and deadline < self.as_of and self.stage in OPEN_WORK_STAGES)

    @property
    def action_taken(self):
        return self.complaint.action_taken if self.handled else ""

    @property
    def report_count(self):
        return self.complaint.report_count


def complaint_source(month, today=None):
    """(the complaints received in ``month`` with ``stage_then``, the latest step's stage by
    its end, and ``report_count``, their reports received by then, in the order they were
    received; a function making the lines of some of them)."""
    as_of = status_date(month, today)
    start, end = month_bounds(month)
    cutoff = day_start(as_of + datetime.timedelta(days=1))
    latest_step = (
        ComplaintStep.objects.filter(complaint=OuterRef("pk"), at__lt=cutoff)
        .order_by("-at", "-pk")
        .values("stage")[:1]
    )
    complaints = with_report_count(
        Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
        # Received in the month, so at least found by its end.
        .annotate(stage_then=Coalesce(Subquery(latest_step), Value(Stage.FOUND.value)))
        .select_related("channel", "assigned_unit")
        .order_by("received_at", "pk"),
        received_before=cutoff,
    )

    def lines(rows):
        return [
            ComplaintLine(
                complaint,
                complaint.stage_then,
                as_of,
                handled=bool(complaint.handled_at and complaint.handled_at < cutoff),
            )
            for complaint in rows
        ]

    return complaints, lines


def complaint_counts(complaints, as_of):
    """{"total", "overdue"} of ``complaints`` (``complaint_source``), as the lines count them
    (``ComplaintLine.is_overdue``): one query."""
    return complaints.order_by().aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(deadline__lt=as_of, stage_then__in=OPEN_WORK_STAGES)),
    )


def complaints_received(month, today=None):
    """The complaints received in ``month`` with their stage at its end: one query."""
    complaints, lines = complaint_source(month, today)
    return lines(complaints)


def patrols_in(month):
    """The patrols done in ``month``, in the order they were done (a queryset)."""
    start, end = month_bounds(month)
    return (
        PatrolRecord.objects.filter(patrolled_at__gte=start, patrolled_at__lt=end)
        .select_related("post__station", "channel", "pumping_station")
        .order_by("patrolled_at", "pk")
    )


def patrols_done(month):
    """The patrols done in ``month``, in the order they were done: one query."""
    return list(patrols_in(month))
