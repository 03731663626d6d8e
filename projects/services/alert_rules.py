"""The rules of what needs attention (``projects.services.alerts``), as one queryset per kind
of item. The daily digests iterate them whole; the dashboard counts them and reads the most
urgent few; the "needs attention" list pages through them: all in the database, so that the
rules live here once and a city's tens of thousands of items are never read to show ten.

A rule gives its rows and the expressions of their columns; ``by_kind`` selects the columns
asked for (every one, ``COLUMNS``, to list the items; ``COUNTED`` to count them without the
joins of labels and units). Every queryset yields rows of the same columns, so that they
combine into one ``UNION ALL`` ordered as every list of items is: overdue first, then
worsened, then due soon;
within each, by the day (due, else judged or received; a channel never patrolled first), the
kind, the label.

Days are counted in the site's time zone: a complaint received on a day is due to be
dispatched the day after; a patrol is due the post's interval after the day of the last one; a
river chief's inspection is due their level's interval after the last one of the term."""

import datetime

from django.db import connection, models
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, TruncDate
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from projects.core.months import day_start
from projects.models import Channel, ChiefAssignment, Complaint, Judgement, Task
from projects.models.chiefs import INSPECTED_OR_STARTED, Level
from projects.models.complaints import OPEN_WORK_STAGES
from projects.models.patrols import PostChannelPatrol
from projects.services.water_targets import missing_target


class Kind(models.TextChoices):
    TASK = "task", pgettext_lazy("alert kind", "Task")
    COMPLAINT = "complaint", pgettext_lazy("alert kind", "Complaint")
    DISPATCH = "dispatch", pgettext_lazy("alert kind", "To dispatch")
    GRADE = "grade", pgettext_lazy("alert kind", "Water quality")
    PATROL = "patrol", pgettext_lazy("alert kind", "Patrol")
    CHIEF_INSPECTION = "chief_inspection", pgettext_lazy("alert kind", "River chief inspection")
    TARGET = "target", pgettext_lazy("alert kind", "Water-quality target")


class Severity(models.TextChoices):
    # In this order in every list: overdue first, due soon last.
    OVERDUE = "overdue", pgettext_lazy("alert severity", "Overdue")
    WORSENED = "worsened", pgettext_lazy("alert severity", "Worsened")
    DUE_SOON = "due_soon", pgettext_lazy("alert severity", "Due soon")


SEVERITY_RANK = {value: rank for rank, value in enumerate(Severity.values)}
# Items of the same severity and day: in the order of the kinds.
KIND_ORDER = {kind: rank for rank, kind in enumerate(Kind.values)}
GRADE_RANK = {Judgement.Grade.CLEAR: 0, Judgement.Grade.LIGHT: 1, Judgement.Grade.SEVERE: 2}
# The day an item without any sorts by: first of its severity (a channel never patrolled).
EARLIEST = datetime.date(1, 1, 1)

# The columns of every row, in this order (the combined query matches them by position).
COLUMNS = (
    "item_kind",
    "item_severity",
    "item_severity_rank",
    "item_day",  # what the list sorts by: due, else since, else EARLIEST
    "item_due",  # deadline, or the day a dispatch or a patrol was due; None: never patrolled
    "item_since",  # received / last patrolled / judged on
    "item_label",
    "item_channel",  # the channel's pk (tasks, grades, patrols)
    "item_complaint",  # the complaint's pk (complaints, dispatches)
    "item_station",  # the patrol post's station (patrols)
    "item_chief",  # the river chief's pk (river chief inspections)
    "item_unit",  # the responsible unit's pk; None: the administrators'
    "item_unit_name",
    "item_unit_kind",
    "item_previous_grade",
    "item_latest_grade",  # the latest grade (grades); the target not met (targets)
    "item_interval_days",
    "item_kind_rank",
    "item_key",  # the pk of the row the item comes from: a stable last tie-break
)
ORDER = ("item_severity_rank", "item_day", "item_kind_rank", "item_label", "item_key")
# Within one kind the severity follows the day (overdue: before today) and the kind is one:
# the same order, told so that the database can keep the first few rows without sorting all.
KIND_ORDER_BY = ("item_day", "item_label", "item_key")


def _null(field):
    return Cast(Value(None), output_field=field)


def _local_date(expression):
    return TruncDate(expression, tzinfo=timezone.get_current_timezone())


def _plus_days(moment, days):
    """``moment`` (a datetime expression) plus ``days`` (an integer expression) days."""
    return ExpressionWrapper(moment + _days(days), output_field=DateTimeField())


def _days(days):
    """A duration of ``days`` (an integer expression) days."""
    return ExpressionWrapper(days * Value(datetime.timedelta(days=1)), output_field=DurationField())


def _timing(due, today):
    """Overdue before ``today``, due soon from it on: (severity, its rank)."""
    late = Q(**{f"{due}__lt": today})
    return {
        "item_severity": Case(
            When(late, then=Value(Severity.OVERDUE.value)),
            default=Value(Severity.DUE_SOON.value),
            output_field=CharField(),
        ),
        "item_severity_rank": Case(
            When(late, then=Value(SEVERITY_RANK[Severity.OVERDUE])),
            default=Value(SEVERITY_RANK[Severity.DUE_SOON]),
            output_field=IntegerField(),
        ),
    }


def _always(severity):
    """The severity columns of a kind whose items all have ``severity``."""
    return {
        "item_severity": Value(severity.value, output_field=CharField()),
        "item_severity_rank": Value(SEVERITY_RANK[severity], output_field=IntegerField()),
    }


def _columns(kind, **values):
    """The row's columns: ``values`` (expressions or constants), the rest None or blank."""
    defaults = {
        "item_kind": Value(kind.value, output_field=CharField()),
        "item_kind_rank": Value(KIND_ORDER[kind], output_field=IntegerField()),
        "item_since": _null(DateField()),
        "item_channel": _null(IntegerField()),
        "item_complaint": _null(IntegerField()),
        "item_station": _null(IntegerField()),
        "item_chief": _null(IntegerField()),
        "item_unit": _null(IntegerField()),
        "item_unit_name": _null(CharField()),
        "item_unit_kind": _null(CharField()),
        "item_previous_grade": Value("", output_field=CharField()),
        "item_latest_grade": Value("", output_field=CharField()),
        "item_interval_days": _null(IntegerField()),
    }
    defaults.update(values)
    return defaults


def _unit(path):
    """The responsible unit's columns, read through the foreign key ``path``."""
    return {
        "item_unit": F(f"{path}_id"),
        "item_unit_name": F(f"{path}__name"),
        "item_unit_kind": F(f"{path}__kind"),
    }


def tasks(today, horizon):
    """A plan task not completed whose deadline (the extended one when set) has passed or falls
    by ``horizon`` → its lead unit."""
    rows = (
        Task.objects.annotate(item_due=Coalesce("extended_deadline", "deadline"))
        .exclude(status=Task.Status.DONE)
        .filter(item_due__lte=horizon)
    )
    return rows, _columns(
        Kind.TASK,
        **_timing("item_due", today),
        item_day=F("item_due"),
        item_label=Concat("plan__channel__name", Value(" · "), "content", output_field=CharField()),
        item_channel=F("plan__channel_id"),
        **_unit("lead_unit"),
        item_key=F("pk"),
    )


def _complaint_label():
    return Concat("number", Value(" "), "location", output_field=CharField())


def complaints(today, horizon):
    """A complaint still to be worked on (发现 or 调配) whose deadline has passed or falls by
    ``horizon`` → its assigned unit."""
    rows = Complaint.objects.filter(stage__in=OPEN_WORK_STAGES, deadline__lte=horizon)
    return rows, _columns(
        Kind.COMPLAINT,
        **_timing("deadline", today),
        item_due=F("deadline"),
        item_day=F("deadline"),
        item_label=_complaint_label(),
        item_complaint=F("pk"),
        **_unit("assigned_unit"),
        item_key=F("pk"),
    )


def dispatches(today, horizon):
    """A complaint still at 发现 more than one day after it was received (not dispatched by
    the day after) and with no deadline by ``horizon`` → the administrators."""
    rows = Complaint.objects.filter(
        Q(deadline__isnull=True) | Q(deadline__gt=horizon),
        stage=Complaint.Stage.FOUND,
        received_at__lt=day_start(today - datetime.timedelta(days=1)),
    )
    due = _local_date(_plus_days(F("received_at"), Value(1)))
    return rows, _columns(
        Kind.DISPATCH,
        **_always(Severity.OVERDUE),
        item_due=due,
        item_day=due,
        item_since=_local_date(F("received_at")),
        item_label=_complaint_label(),
        item_complaint=F("pk"),
        item_key=F("pk"),
    )


def _grade_rank(judgements, offset):
    rank = Case(
        *[When(grade=grade, then=Value(rank)) for grade, rank in GRADE_RANK.items()],
        output_field=IntegerField(),
    )
    return Subquery(judgements.annotate(rank=rank).values("rank")[offset : offset + 1])


def grades(today, horizon):
    """A channel whose latest black-odour judgement is worse than the one before it (clear <
    light < severe) and judged on other sampling days (a regrade of the same days, after the
    rules or their options changed, is no worsening) → its maintaining unit."""
    judgements = Judgement.objects.filter(channel=OuterRef("pk")).order_by("-computed_at", "-pk")
    judged_twice = (
        Judgement.objects.order_by()
        .values("channel")
        .annotate(judgements=Count("pk"))
        .filter(judgements__gt=1)
        .values("channel")
    )
    rows = (
        Channel.objects.filter(pk__in=judged_twice)
        .annotate(
            latest_rank=_grade_rank(judgements, 0),
            previous_rank=_grade_rank(judgements, 1),
            latest_rounds=Subquery(judgements.values("rounds")[:1], output_field=JSONField()),
            previous_rounds=Subquery(judgements.values("rounds")[1:2], output_field=JSONField()),
        )
        .filter(latest_rank__gt=F("previous_rank"))
        .exclude(latest_rounds=F("previous_rounds"))
    )
    judged = _local_date(Subquery(judgements.values("computed_at")[:1]))
    return rows, _columns(
        Kind.GRADE,
        **_always(Severity.WORSENED),
        item_due=_null(DateField()),
        item_day=judged,
        item_since=judged,
        item_label=F("name"),
        item_channel=F("pk"),
        **_unit("maintaining_unit"),
        item_previous_grade=Subquery(judgements.values("grade")[1:2]),
        item_latest_grade=Subquery(judgements.values("grade")[:1]),
        item_key=F("pk"),
    )


def patrols(today, horizon):
    """A channel of an active patrol post not patrolled by that post within the post's interval
    (``PatrolPost.interval_days``, else the ``PATROL_INTERVAL_DAYS`` setting), counted in whole
    days: patrolled on or after today − interval is in time → the post's station. Each post's
    latest patrol of each of its channels is stored (``PostChannelPatrol``): a filter over the
    posts' channels, not a search of the records."""
    # Patrolled in time: on or after the day the interval began.
    begun = ExpressionWrapper(
        Value(day_start(today)) - _days(F("interval")), output_field=DateTimeField()
    )
    rows = (
        PostChannelPatrol.objects.filter(post__active=True)
        .with_interval()
        .filter(Q(last_patrolled_at__isnull=True) | Q(last_patrolled_at__lt=begun))
        .annotate(next_patrol=_plus_days(F("last_patrolled_at"), F("interval")))
    )
    due = _local_date(F("next_patrol"))
    return rows, _columns(
        Kind.PATROL,
        **_always(Severity.OVERDUE),
        item_due=due,
        item_day=Coalesce(due, Value(EARLIEST), output_field=DateField()),
        item_since=_local_date(F("last_patrolled_at")),
        item_label=Concat("channel__name", Value(" · "), "post__name", output_field=CharField()),
        item_channel=F("channel_id"),
        item_station=F("post__station_id"),
        **_unit("post__station"),
        item_interval_days=F("interval"),
        item_key=F("pk"),
    )


def chief_inspections(today, horizon):
    """A serving river chief who has not inspected one of their channels within their level's
    frequency (the ``CHIEF_INSPECTION_DAYS`` setting), counted from the last inspection of the
    term or, when none, from the term's start: inspected on or after today − interval is in
    time → the channel's maintaining unit. A filter over the terms on the last inspection each
    keeps (``ChiefAssignment.last_inspected_on``, ``ChiefAssignment.objects.missed``)."""
    rows = ChiefAssignment.objects.missed(today).with_inspection(today)
    return rows, _columns(
        Kind.CHIEF_INSPECTION,
        **_always(Severity.OVERDUE),
        item_due=F("due_on"),
        item_day=F("due_on"),
        item_since=F("last_inspected_on"),
        item_label=Concat("channel__name", Value(" · "), "chief__name", output_field=CharField()),
        item_channel=F("channel_id"),
        item_chief=F("chief_id"),
        **_unit("channel__maintaining_unit"),
        item_interval_days=F("interval_days"),
        item_key=F("pk"),
    )


def targets(today, horizon):
    """A channel whose latest data do not meet its water-quality target
    (``projects.services.water_targets``: the latest judgement for 不黑不臭, the latest
    round's samples for a GB 3838 class) → its maintaining unit. Severity "worsened" (worse
    than it should be), since the latest round (or judgement)."""
    latest = Judgement.objects.filter(channel=OuterRef("pk"), is_latest=True)
    since = Coalesce(
        F("target_round"),
        _local_date(Subquery(latest.values("computed_at")[:1])),
        output_field=DateField(),
    )
    rows = missing_target()
    return rows, _columns(
        Kind.TARGET,
        **_always(Severity.WORSENED),
        item_due=_null(DateField()),
        item_day=Coalesce(since, Value(EARLIEST), output_field=DateField()),
        item_since=since,
        item_label=F("name"),
        item_channel=F("pk"),
        **_unit("maintaining_unit"),
        item_latest_grade=F("target"),
        item_key=F("pk"),
    )


# name → (kind, the rule: (today, horizon) → (its rows, the expressions of their columns)).
RULES = {
    "tasks": (Kind.TASK, tasks),
    "complaints": (Kind.COMPLAINT, complaints),
    "dispatches": (Kind.DISPATCH, dispatches),
    "grades": (Kind.GRADE, grades),
    "patrols": (Kind.PATROL, patrols),
    "chief_inspections": (Kind.CHIEF_INSPECTION, chief_inspections),
    "targets": (Kind.TARGET, targets),
}
# The rules whose many rows are not read in their list's order from an index (a city's river
# chiefs' terms, its complaints of two stages, its posts' channels, whose days are computed):
# to read the first few, each part of them is read in the order of a key its day follows
# within the part, and only each part's rows up to its own first few are labelled and sorted
# (``by_kind``): no join for the label of a row that cannot be among them. The key is an
# expression, or the name of one of the rule's columns (its day itself).
FIRST_BY_PARTS = {
    # A level at a time, on the index of level and last inspection or start (``chiefterm_due``).
    "chief_inspections": ([Q(level=level) for level in Level.values], INSPECTED_OR_STARTED),
    "complaints": ([Q()], "item_day"),
    "dispatches": ([Q()], "item_day"),
    "patrols": ([Q()], "item_day"),
}
# The columns ``alerts.counts`` reads: what counting needs, not the labels and units (their joins).
COUNTED = ("item_kind", "item_severity")


def horizon_of(today, days_ahead):
    return today + datetime.timedelta(days=days_ahead)


def by_kind(
    today,
    days_ahead,
    unit=None,
    kinds=None,
    severity=None,
    columns=COLUMNS,
    first=None,
    only=None,
):
    """{rule name: queryset of its rows} for ``today`` looking ``days_ahead`` days ahead, with
    ``unit`` (a ResponsibleUnit or its pk) only that unit's (the administrators' dispatches are
    nobody's unit), optionally only ``kinds`` and only items of ``severity``; with ``only``
    ({kind: the severities to keep of it, None for all}) only those kinds and severities (the
    ones a page of the list can hold: ``alerts.ItemRows``); each row holds
    ``columns`` (``COLUMNS``; ``COUNTED`` to count them), no column computed that is not
    selected or filtered on. With ``first`` (to read the first ``first`` rows of the list,
    ``combined``), a rule of ``FIRST_BY_PARTS`` keeps only the rows that can be among them."""
    horizon = horizon_of(today, days_ahead)
    unit_id = getattr(unit, "pk", unit)
    needed = set(columns)
    querysets = {}
    for name, (kind, rule) in RULES.items():
        if kinds and kind not in kinds:
            continue
        if unit_id is not None and kind == Kind.DISPATCH:
            continue
        if only is not None and kind not in only:
            continue
        severities = _kept_severities(severity, only and only[kind])
        if severities == []:
            continue
        rows, expressions = rule(today, horizon)
        if first is not None and name in FIRST_BY_PARTS:
            parts, key = FIRST_BY_PARTS[name]
            key = expressions[key] if isinstance(key, str) else key
            rows = rows.filter(
                _first_of_parts(rows, expressions, first, unit_id, severities, parts, key)
            )
        querysets[name] = _selected(rows, expressions, needed, unit_id, severities).values(*columns)
    return querysets


def _kept_severities(severity, of_kind):
    """The severities a kind's rows are kept of: the one chosen (``severity``) and those of
    ``of_kind`` (a list), both when both are given; None for every one."""
    kept = None
    for chosen in ([severity] if severity else None, of_kind):
        if chosen:
            kept = set(chosen) if kept is None else kept & set(chosen)
    return None if kept is None else sorted(kept)


def _selected(rows, expressions, needed, unit_id, severities):
    """``rows`` with the ``needed`` columns of ``expressions``, of ``unit_id`` when given and
    of ``severities`` (a list; None: every one)."""
    needed = set(needed)
    if unit_id is not None:
        needed.add("item_unit")
    if severities is not None:
        needed.add("item_severity")
    rows = rows.annotate(**{key: value for key, value in expressions.items() if key in needed})
    if unit_id is not None:
        rows = rows.filter(item_unit=unit_id)
    if severities is not None:
        rows = rows.filter(item_severity__in=severities)
    return rows.order_by()


def _first_of_parts(rows, expressions, first, unit_id, severities, parts, key):
    """The condition that keeps, of each of ``parts`` (conditions) of ``rows``, the rows whose
    ``key`` is at most that of the part's ``first``-th in the order of ``key`` (all of it when
    it has fewer): among them are the first ``first`` rows of all, when each part's days follow
    its ``key``. Each part's first-th is read in the key's order (an index), not sorted."""
    kept = Q()
    for part in parts:
        ordered = (
            _selected(rows.filter(part), expressions, set(), unit_id, severities)
            .annotate(first_key=key)
            .order_by("first_key")
        )
        nth = Subquery(ordered.values("first_key")[first - 1 : first])
        last = Coalesce(nth, Value(datetime.date.max), output_field=DateField())
        kept |= Q(part, LessThanOrEqual(key, last))
    return kept


def combined(querysets, first=None):
    """The rows of ``querysets`` (``by_kind``'s values) as one query, in the order of every list
    (``ORDER``); None when there are none. With ``first``, only the first ``first`` rows: each
    kind's own first ones are all that can be among them, so each is cut there before they
    are put together (where the database allows it), not sorted whole."""
    rows = list(querysets.values())
    if not rows:
        return None
    if len(rows) > 1:
        if first is not None and connection.features.supports_slicing_ordering_in_compound:
            rows = [part.order_by(*KIND_ORDER_BY)[:first] for part in rows]
        together = rows[0].union(*rows[1:], all=True).order_by(*ORDER)
    else:
        together = rows[0].order_by(*ORDER)
    return together if first is None else together[:first]
