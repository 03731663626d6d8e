"""What needs attention, by responsible unit. The daily digest e-mails (``manage.py
send_alerts``) and the dashboard's "needs attention" panel both come from
``needs_attention()``, so they always list the same items.

For a day ``today`` and a look-ahead of ``days_ahead`` days (the ``ALERT_DAYS_AHEAD`` setting):

- a plan task not completed whose deadline (the extended one when set) has passed or falls
  within the look-ahead → its lead unit;
- a complaint still to be worked on (发现 or 调配, ``OPEN_WORK_STAGES``) whose deadline has
  passed or falls within the look-ahead → its assigned unit;
- a complaint still at 发现 more than one day after it was received, i.e. not dispatched by
  the day after (and with no deadline in the look-ahead) → the administrators;
- a channel whose latest black-odour judgement is worse than the one before it (clear <
  light < severe) → its maintaining unit;
- a channel of an active patrol post not patrolled within the post's interval
  (``projects.services.patrols.unpatrolled_channels``, counted in whole days) → the post's station.

What has no unit (a task without lead unit, a complaint without assigned unit, a channel
without maintaining unit) goes to the unassigned group, which the administrators receive.
"""

import datetime
import functools
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import F, JSONField, OuterRef, Subquery
from django.urls import NoReverseMatch, get_urlconf, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext, pgettext_lazy

from projects.core.months import day_start
from projects.models import Channel, Complaint, Judgement, ResponsibleUnit, Task
from projects.models.complaints import OPEN_WORK_STAGES
from projects.services.patrols import unpatrolled_channels


class Kind(models.TextChoices):
    TASK = "task", pgettext_lazy("alert kind", "Task")
    COMPLAINT = "complaint", pgettext_lazy("alert kind", "Complaint")
    DISPATCH = "dispatch", pgettext_lazy("alert kind", "To dispatch")
    GRADE = "grade", pgettext_lazy("alert kind", "Water quality")
    PATROL = "patrol", pgettext_lazy("alert kind", "Patrol")


class Severity(models.TextChoices):
    # In this order in every list: overdue first, due soon last.
    OVERDUE = "overdue", pgettext_lazy("alert severity", "Overdue")
    WORSENED = "worsened", pgettext_lazy("alert severity", "Worsened")
    DUE_SOON = "due_soon", pgettext_lazy("alert severity", "Due soon")


SEVERITY_RANK = {value: rank for rank, value in enumerate(Severity.values)}
GRADE_RANK = {Judgement.Grade.CLEAR: 0, Judgement.Grade.LIGHT: 1, Judgement.Grade.SEVERE: 2}
# Items of the same severity and day: in the order of the kinds (a dict: sorting a city's
# tens of thousands of items must not look the kinds up in a list each time).
KIND_ORDER = {kind: rank for rank, kind in enumerate(Kind.values)}


def _date(day):
    return formats.date_format(day) if day else ""


@dataclass
class Item:
    """One thing that needs attention. Texts (``status``, ``detail``, labels) are made when
    read, in the language active then: the e-mail renders them in Chinese, the panel in the
    visitor's language."""

    kind: str
    label: str
    link: str | None  # absolute path of the page that shows it; None when none exists yet
    severity: str
    today: datetime.date
    due: datetime.date | None = None  # deadline (or the day a dispatch or patrol was due)
    since: datetime.date | None = None  # received / last patrolled / judged on
    previous_grade: str = ""
    latest_grade: str = ""
    interval_days: int | None = None

    @property
    def days_overdue(self):
        """Whole days past ``due``; None when not overdue or no due date (never patrolled)."""
        if self.due is None or self.due >= self.today:
            return None
        return (self.today - self.due).days

    @property
    def days_left(self):
        if self.due is None or self.due < self.today:
            return None
        return (self.due - self.today).days

    @property
    def kind_label(self):
        return Kind(self.kind).label

    @property
    def severity_label(self):
        return Severity(self.severity).label

    @property
    def status(self):
        """'Overdue by 3 days', 'Due in 2 days', 'Due today', 'Never patrolled', 'Worsened'."""
        if self.severity == Severity.WORSENED:
            return str(self.severity_label)
        if self.severity == Severity.DUE_SOON:
            if self.days_left == 0:
                return gettext("Due today")
            return ngettext("Due in %(days)d day", "Due in %(days)d days", self.days_left) % {
                "days": self.days_left
            }
        if self.days_overdue is None:
            return gettext("Never patrolled")
        return ngettext(
            "Overdue by %(days)d day", "Overdue by %(days)d days", self.days_overdue
        ) % {"days": self.days_overdue}

    @property
    def detail(self):
        if self.kind == Kind.DISPATCH:
            return gettext("Received %(date)s, not dispatched yet") % {"date": _date(self.since)}
        if self.kind == Kind.GRADE:
            return gettext("%(previous)s → %(latest)s, judged %(date)s") % {
                "previous": Judgement.Grade(self.previous_grade).label,
                "latest": Judgement.Grade(self.latest_grade).label,
                "date": _date(self.since),
            }
        if self.kind == Kind.PATROL:
            values = {"date": _date(self.since), "days": self.interval_days}
            if self.since is None:
                text = ngettext(
                    "Required every %(days)d day", "Required every %(days)d days", values["days"]
                )
            else:
                text = ngettext(
                    "Last patrolled %(date)s; required every %(days)d day",
                    "Last patrolled %(date)s; required every %(days)d days",
                    values["days"],
                )
            return text % values
        return gettext("Deadline %(date)s") % {"date": _date(self.due)}

    def sort_key(self):
        return (
            SEVERITY_RANK[self.severity],
            self.due or self.since or datetime.date.min,
            KIND_ORDER[self.kind],
            self.label,
        )


@dataclass
class Group:
    """The items of one responsible unit, or (``unit`` None) the unassigned ones, which the
    administrators receive."""

    unit: object  # ResponsibleUnit or None
    items: list = field(default_factory=list)

    @property
    def name(self):
        if self.unit is None:
            return gettext("No responsible unit (administrators)")
        return self.unit.name


@dataclass
class Alerts:
    today: datetime.date
    days_ahead: int
    groups: list  # [Group]: units by kind and name, then the unassigned group

    def __len__(self):
        return sum(len(group.items) for group in self.groups)

    def group_for(self, unit):
        """The group of ``unit`` (a ResponsibleUnit, its pk, or None for the unassigned one),
        or None when it has nothing."""
        unit_id = getattr(unit, "pk", unit)
        for group in self.groups:
            if (group.unit.pk if group.unit else None) == unit_id:
                return group
        return None

    @property
    def unassigned(self):
        return self.group_for(None)


_MARK = 987654321


@functools.lru_cache(maxsize=64)
def _pattern(name, arity, urlconf):
    """The path of url ``name`` with a mark for its one argument (``arity`` 1), or the path
    itself (``arity`` 0); None when it does not resolve in ``urlconf``. Reversing once per
    name rather than once per item: a city's list holds tens of thousands of items."""
    try:
        return reverse(name, args=[_MARK] * arity, urlconf=urlconf)
    except NoReverseMatch:
        return None


def _path(*candidates):
    """The first of (url name, args) that resolves: pages other areas are still building
    may not exist yet. ``args``: none, or one primary key."""
    for name, args in candidates:
        pattern = _pattern(name, len(args), get_urlconf() or settings.ROOT_URLCONF)
        if pattern is not None:
            return pattern.replace(str(_MARK), str(args[0])) if args else pattern
    return None


def needs_attention(today=None, days_ahead=None, unit=None):
    """The ``Alerts`` for ``today`` (default: today) looking ``days_ahead`` days ahead (default
    ``settings.ALERT_DAYS_AHEAD``). With ``unit`` (a ResponsibleUnit or its pk), only that
    unit's items, found by the same rules. Four queries whatever the number of rows."""
    today = today or timezone.localdate()
    days_ahead = settings.ALERT_DAYS_AHEAD if days_ahead is None else days_ahead
    horizon = today + datetime.timedelta(days=days_ahead)
    unit_id = getattr(unit, "pk", unit)
    units = {}
    items = {}

    def add(owner, item):
        key = owner.pk if owner is not None else None
        units[key] = owner
        items.setdefault(key, []).append(item)

    def timing(due):
        return Severity.OVERDUE if due < today else Severity.DUE_SOON

    # Plan tasks: read as plain rows (a city has tens of thousands), their units made once
    # each from the same row.
    tasks = (
        Task.objects.with_overdue(today)
        .exclude(status=Task.Status.DONE)
        .filter(effective_deadline__lte=horizon)
        .values_list(
            "content",
            "effective_deadline",
            "plan__channel_id",
            "plan__channel__name",
            "lead_unit_id",
            "lead_unit__name",
            "lead_unit__kind",
        )
    )
    if unit_id is not None:
        tasks = tasks.filter(lead_unit=unit_id)
    lead_units = {None: None}
    for content, deadline, channel_id, channel_name, lead_id, lead_name, lead_kind in tasks:
        if lead_id not in lead_units:
            lead_units[lead_id] = ResponsibleUnit(id=lead_id, name=lead_name, kind=lead_kind)
        add(
            lead_units[lead_id],
            Item(
                kind=Kind.TASK,
                label=f"{channel_name} · {content}",
                link=_path(("projects:channel-detail", [channel_id])),
                severity=timing(deadline),
                today=today,
                due=deadline,
            ),
        )

    # Complaints: deadlines of the assigned unit; dispatches late for the administrators.
    complaints = Complaint.objects.filter(stage__in=OPEN_WORK_STAGES).select_related(
        "assigned_unit"
    )
    if unit_id is not None:
        complaints = complaints.filter(assigned_unit=unit_id, deadline__lte=horizon)
    else:
        complaints = complaints.filter(
            models.Q(deadline__lte=horizon)
            | models.Q(
                stage=Complaint.Stage.FOUND,
                received_at__lt=day_start(today - datetime.timedelta(days=1)),
            )
        )
    for complaint in complaints:
        link = _path(
            ("projects:complaint-detail", [complaint.pk]), ("projects:complaint-board", [])
        )
        if complaint.deadline is not None and complaint.deadline <= horizon:
            owner = complaint.assigned_unit
            item = Item(
                kind=Kind.COMPLAINT,
                label=str(complaint),
                link=link,
                severity=timing(complaint.deadline),
                today=today,
                due=complaint.deadline,
            )
        else:
            received = timezone.localtime(complaint.received_at).date()
            owner = None
            item = Item(
                kind=Kind.DISPATCH,
                label=str(complaint),
                link=link,
                severity=Severity.OVERDUE,
                today=today,
                due=received + datetime.timedelta(days=1),
                since=received,
            )
        add(owner, item)

    # Channels whose latest judgement is worse than the one before it.
    judgements = Judgement.objects.filter(channel=OuterRef("pk")).order_by("-computed_at", "-pk")
    channels = (
        Channel.objects.annotate(
            latest_grade=Subquery(judgements.values("grade")[:1]),
            previous_grade=Subquery(judgements.values("grade")[1:2]),
            judged_at=Subquery(judgements.values("computed_at")[:1]),
            latest_rounds=Subquery(judgements.values("rounds")[:1], output_field=JSONField()),
            previous_rounds=Subquery(judgements.values("rounds")[1:2], output_field=JSONField()),
        )
        .filter(previous_grade__isnull=False)
        .exclude(latest_grade=F("previous_grade"))
        .select_related("maintaining_unit")
    )
    if unit_id is not None:
        channels = channels.filter(maintaining_unit=unit_id)
    for channel in channels:
        if GRADE_RANK[channel.latest_grade] <= GRADE_RANK[channel.previous_grade]:
            continue
        if channel.latest_rounds == channel.previous_rounds:
            # Regraded on the same sampling days (the rules or their options changed): the
            # water did not worsen.
            continue
        link = _path(("projects:channel-detail", [channel.pk]))
        add(
            channel.maintaining_unit,
            Item(
                kind=Kind.GRADE,
                label=channel.name,
                link=f"{link}#water-quality" if link else None,
                severity=Severity.WORSENED,
                today=today,
                since=timezone.localtime(channel.judged_at).date(),
                previous_grade=channel.previous_grade,
                latest_grade=channel.latest_grade,
            ),
        )

    # Channels not patrolled within their post's interval, counted in whole days: patrolled
    # on or after today − interval is in time.
    for row in unpatrolled_channels(station=unit_id, now=day_start(today)):
        last = timezone.localtime(row.last_patrolled_at).date() if row.last_patrolled_at else None
        add(
            row.post.station,
            Item(
                kind=Kind.PATROL,
                label=f"{row.channel.name} · {row.post.name}",
                link=_path(
                    ("projects:station-detail", [row.post.station_id]),
                    ("projects:channel-detail", [row.channel.pk]),
                ),
                severity=Severity.OVERDUE,
                today=today,
                due=last + datetime.timedelta(days=row.interval_days) if last else None,
                since=last,
                interval_days=row.interval_days,
            ),
        )

    def group_order(key):
        owner = units[key]
        return (owner is None, owner.kind if owner else "", owner.name if owner else "")

    groups = [
        Group(units[key], sorted(items[key], key=Item.sort_key))
        for key in sorted(items, key=group_order)
    ]
    return Alerts(today=today, days_ahead=days_ahead, groups=groups)
