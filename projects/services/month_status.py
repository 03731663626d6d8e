"""Where things stood at the end of a month, for the month report and its ledger: every
one-river-one-policy task as the audit history (django-simple-history) holds it at the month's
end, the complaints received in the month with the closed-loop stage each had reached by then,
and the patrols done in the month.

A month that is not over yet is told as it stands today. Each list is read with a fixed number
of queries, whatever the number of tasks, changes, complaints or patrols."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Subquery
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


# What a task line is read from, on a task or one of its historical rows (both carry these).
LINE_FIELDS = (
    "id",
    "content",
    "deadline",
    "extended_deadline",
    "status",
    "percent_complete",
    "source_id",
    "plan__channel_id",
    "plan__channel__name",
    "lead_unit_id",
    "lead_unit__name",
    "lead_unit__kind",
)


def _task_lines(rows, as_of, recorded=True):
    """Task lines from ``rows`` (a queryset of tasks or historical tasks) read as plain values:
    a city's month holds tens of thousands of tasks, and a model instance for each task, its
    channel and its unit cost seconds. Each channel and unit is made once (id and name)."""
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
    ) in rows.values_list(*LINE_FIELDS):
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
                deadline=deadline if recorded else None,
                extended_deadline=extended if recorded else None,
                status=status if recorded else None,
                percent_complete=percent if recorded else None,
                sourced=source_id is not None,
                as_of=as_of,
            )
        )
    return lines


def tasks_as_of(month, today=None):
    """(task lines, as_of, from_history) for ``month``: the tasks as the audit history holds
    them at the end of a past month — a task completed later shows its earlier status, a task
    created later is left out, a deleted one is still there — or as they stand today for the
    current month. Past month: two queries (the latest historical row of each task at the
    month's end; the article's tasks with no history by then); current month: one."""
    today = today or timezone.localdate()
    as_of = status_date(month, today)
    if as_of == today:
        lines = _task_lines(Task.objects.all(), as_of)
        return sorted(lines, key=line_order), as_of, False
    History = Task.history.model
    cutoff = day_start(as_of + datetime.timedelta(days=1))
    before = History.objects.filter(id=OuterRef("id"), history_date__lt=cutoff)
    latest = before.order_by("-history_date", "-history_id").values("history_id")[:1]
    rows = History.objects.filter(history_date__lt=cutoff, history_id=Subquery(latest)).exclude(
        history_type="-"
    )
    lines = _task_lines(rows, as_of)
    unrecorded = Task.objects.filter(source__isnull=False).exclude(
        Exists(History.objects.filter(id=OuterRef("pk"), history_date__lt=cutoff))
    )
    lines += _task_lines(unrecorded, as_of, recorded=False)
    return sorted(lines, key=line_order), as_of, True


def line_order(line):
    return (line.channel_name, line.task_id)


@dataclass
class ComplaintLine:
    """A complaint received in the month and the stage of the closed loop it had reached by
    ``as_of`` (its latest step by then)."""

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


def complaints_received(month, today=None):
    """The complaints received in ``month`` with their stage at its end: one query."""
    as_of = status_date(month, today)
    start, end = month_bounds(month)
    cutoff = day_start(as_of + datetime.timedelta(days=1))
    latest_step = (
        ComplaintStep.objects.filter(complaint=OuterRef("pk"), at__lt=cutoff)
        .order_by("-at", "-pk")
        .values("stage")[:1]
    )
    complaints = (
        Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
        .annotate(stage_then=Subquery(latest_step))
        .select_related("channel", "assigned_unit")
        .order_by("received_at", "pk")
    )
    return [
        ComplaintLine(
            complaint,
            # Received in the month, so at least found by its end.
            complaint.stage_then or Stage.FOUND,
            as_of,
            handled=bool(complaint.handled_at and complaint.handled_at < cutoff),
        )
        for complaint in complaints
    ]


def patrols_done(month):
    """The patrols done in ``month``, in the order they were done: one query."""
    start, end = month_bounds(month)
    return list(
        PatrolRecord.objects.filter(patrolled_at__gte=start, patrolled_at__lt=end)
        .select_related("post__station", "channel", "pumping_station")
        .order_by("patrolled_at", "pk")
    )
