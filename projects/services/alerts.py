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
- a channel of an active patrol post not patrolled by it within the post's interval (counted
  in whole days) → the post's station;
- a serving river chief who has not inspected one of their channels within their level's
  frequency (``CHIEF_INSPECTION_DAYS``), counted from the term's start when never →
  the channel's maintaining unit;
- a channel whose latest data do not meet its water-quality target (不黑不臭 or a GB 3838
  class: ``water_targets``) → its maintaining unit.

The rules are querysets (``projects.services.alert_rules``, one per kind): the digest reads
them whole, the dashboard counts them and reads the first few, the "needs attention" list pages
through them.

What has no unit (a task without lead unit, a complaint without assigned unit, a channel
without maintaining unit) goes to the unassigned group, which the administrators receive.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, Value
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext

from projects.core.links import first_path
from projects.core.statements import Counting, Statement, compiled
from projects.models import Channel, Judgement, ResponsibleUnit
from projects.services.alert_rules import (
    COUNTED,
    KIND_ORDER,
    SEVERITY_RANK,
    Kind,
    Severity,
    by_kind,
    combined,
)

__all__ = [
    "Alerts",
    "Group",
    "Item",
    "ItemRows",
    "Kind",
    "Severity",
    "item_of",
    "needs_attention",
]


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
    unit: object = None  # the ResponsibleUnit it goes to; None: the administrators

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
        if self.kind == Kind.TARGET:
            return gettext("Target not met")
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
        if self.kind == Kind.CHIEF_INSPECTION:
            values = {"date": _date(self.since), "days": self.interval_days}
            if self.since is None:
                text = ngettext(
                    "Not inspected this term; required every %(days)d day",
                    "Not inspected this term; required every %(days)d days",
                    values["days"],
                )
            else:
                text = ngettext(
                    "Last inspected %(date)s; required every %(days)d day",
                    "Last inspected %(date)s; required every %(days)d days",
                    values["days"],
                )
            return text % values
        if self.kind == Kind.TARGET:
            return gettext("Target %(target)s; latest data of %(date)s") % {
                "target": Channel.WaterTarget(self.latest_grade).label,
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


def item_of(row, today):
    """The ``Item`` of a row of ``projects.services.alert_rules`` (its ``COLUMNS``)."""
    kind = row["item_kind"]
    channel, complaint = row["item_channel"], row["item_complaint"]
    if kind == Kind.TASK:
        link = first_path(("projects:channel-detail", [channel]))
    elif kind in (Kind.COMPLAINT, Kind.DISPATCH):
        link = first_path(
            ("projects:complaint-detail", [complaint]), ("projects:complaint-board", [])
        )
    elif kind in (Kind.GRADE, Kind.TARGET):
        link = first_path(("projects:channel-detail", [channel]))
        link = f"{link}#water-quality" if link else None
    elif kind == Kind.CHIEF_INSPECTION:
        link = first_path(
            ("projects:chief-detail", [row["item_chief"]]),
            ("projects:channel-detail", [channel]),
        )
    else:
        link = first_path(
            ("projects:station-detail", [row["item_station"]]),
            ("projects:channel-detail", [channel]),
        )
    return Item(
        kind=kind,
        label=row["item_label"],
        link=link,
        severity=row["item_severity"],
        today=today,
        due=row["item_due"],
        since=row["item_since"],
        previous_grade=row["item_previous_grade"] or "",
        latest_grade=row["item_latest_grade"] or "",
        interval_days=row["item_interval_days"],
        unit=unit_of(row),
    )


def unit_of(row):
    """The responsible unit a row of ``alert_rules`` goes to (made from the row: no query), or
    None for the administrators."""
    if row["item_unit"] is None:
        return None
    return ResponsibleUnit(
        id=row["item_unit"], name=row["item_unit_name"], kind=row["item_unit_kind"]
    )


def needs_attention(today=None, days_ahead=None, unit=None):
    """The ``Alerts`` for ``today`` (default: today) looking ``days_ahead`` days ahead (default
    ``settings.ALERT_DAYS_AHEAD``): every item by the rules of ``alert_rules``. With ``unit``
    (a ResponsibleUnit or its pk), only that unit's items, found by the same rules. One query
    whatever the number of rows."""
    today = today or timezone.localdate()
    days_ahead = settings.ALERT_DAYS_AHEAD if days_ahead is None else days_ahead
    units = {}
    items = {}
    for row in combined(by_kind(today, days_ahead, unit=unit)):
        item = item_of(row, today)
        key = row["item_unit"]
        units.setdefault(key, item.unit)
        items.setdefault(key, []).append(item)

    def group_order(key):
        owner = units[key]
        return (owner is None, owner.kind if owner else "", owner.name if owner else "")

    groups = [
        Group(units[key], sorted(items[key], key=Item.sort_key))
        for key in sorted(items, key=group_order)
    ]
    return Alerts(today=today, days_ahead=days_ahead, groups=groups)


def _frozen(choice):
    """A (name, value) of a selection as a key: a record by its pk, a list as a tuple."""
    name, value = choice
    if isinstance(value, list | tuple | set):
        return name, tuple(sorted(value))
    return name, getattr(value, "pk", value)


class ItemRows:
    """The items ``alert_rules.by_kind(today, days_ahead, **selection)`` selects, as a sequence
    a paginated table reads a page of at a time: its length is counted in the database (one
    query, once, over the counted columns alone), a slice reads those rows alone, in the order
    of every list (one query)."""

    def __init__(self, today, days_ahead, counted=None, **selection):
        """``counted``: {(kind, severity): number} of kinds the caller has counted already (all
        their severities), not counted again."""
        self.today = today
        self.days_ahead = days_ahead
        self.selection = selection
        self.counted = dict(counted or {})
        self._counts = None
        # What the SQL of the counts and of a slice depends on besides the slice itself: the
        # statements are compiled once a process for each (``projects.core.statements``).
        self._key = (today, days_ahead, *sorted(map(_frozen, selection.items())))

    @property
    def counts(self):
        """{(kind, severity): number}."""
        if self._counts is None:
            known = sorted({kind for kind, _ in self.counted})
            statement = compiled(("attention counts", *self._key, *known), self._counting)
            self._counts = {
                (kind, severity): number
                for kind, *numbers in statement()
                for severity, number in zip(Severity.values, numbers, strict=True)
                if number
            }
            self._counts.update((key, n) for key, n in self.counted.items() if n)
        return self._counts

    def _counting(self):
        selection = dict(self.selection)
        known = {kind for kind, _ in self.counted}
        selection["kinds"] = [
            kind for kind in selection.get("kinds") or Kind.values if kind not in known
        ]
        # No kind left to count: no rule (``by_kind`` reads an empty ``kinds`` as every one).
        rules = {}
        if selection["kinds"]:
            rules = by_kind(self.today, self.days_ahead, columns=COUNTED, **selection)
        return Counting(*counting_sql(rules))

    def __len__(self):
        return sum(self.counts.values())

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key : key + 1][0]
        start, stop, _ = key.indices(len(self))
        if stop <= start:
            return []
        only, before = self._among(start, stop)
        start, stop = start - before, stop - before

        def rows():
            querysets = by_kind(
                self.today, self.days_ahead, first=stop, only=only, **self.selection
            )
            return Statement(combined(querysets, first=stop)[start:stop])

        frozen = tuple(sorted((kind, tuple(kept or ())) for kind, kept in only.items()))
        statement = compiled(("attention rows", *self._key, frozen, start, stop), rows)
        return [item_of(row, self.today) for row in statement()]

    def _among(self, start, stop):
        """What the items ``start`` to ``stop`` can be, from the counts: ({kind: the
        severities to read of it, None for all it has}, how many items of the severities
        listed before theirs come first). The list is by severity first: when a city's
        overdue items fill the dashboard's first ten, no worsened or due-soon row is read."""
        counts = self.counts
        only = {}
        before = position = 0
        for severity in Severity.values:
            number = sum(n for (_, of), n in counts.items() if of == severity)
            if position + number <= start:
                before += number
            elif position < stop:
                for kind, of in counts:
                    if of == severity:
                        only.setdefault(kind, set()).add(severity)
            position += number
        return {
            kind: None if all(of in kept for k, of in counts if k == kind) else sorted(kept)
            for kind, kept in only.items()
        }, before

    def __iter__(self):
        return iter(self[:])


def _constant(expression):
    """A rule's constant column (its kind): a code's own value, written into the SQL."""
    value = expression.value
    if not (isinstance(value, str) and value.replace("_", "").isalnum()):
        raise ValueError(f"not a kind: {value!r}")
    return value


def _possible(expression):
    """The severities a rule's severity column can take, in the list's order: its constant, or
    the results of its CASE (``alert_rules._timing``); None when it is neither."""
    if isinstance(expression, Value):
        values = {expression.value}
    elif isinstance(expression, Case) and isinstance(expression.default, Value):
        results = [when.result for when in expression.cases]
        if not all(isinstance(result, Value) for result in results):
            return None
        values = {result.value for result in results} | {expression.default.value}
    else:
        return None
    return [severity for severity in Severity.values if severity in values]


def _numbers(possible):
    """One number per severity, in the list's order: 0 for one the rule cannot give, the rows
    less the others' for the last it can (its severity column is not worked out again for
    every row), each other one counted."""
    if possible is None:
        possible = Severity.values
    counted = {
        severity: f"COUNT(*) FILTER (WHERE item_severity = '{severity}')"
        for severity in possible[:-1]
    }
    rest = " - ".join(["COUNT(*)", *counted.values()])
    return ", ".join(
        counted.get(severity, rest if severity == possible[-1] else "0")
        for severity in Severity.values
    )


def counting_sql(querysets):
    """The SQL and parameters that count the rows of ``querysets`` (``by_kind(…,
    columns=COUNTED)``'s values) by kind and severity, a row (kind, one number per severity)
    for each kind, in the database as they are read (no grouping of a city's items by their
    texts); None when there are none."""
    parts = []
    params = []
    for rows in querysets.values():
        sql, part_params = rows.query.sql_with_params()
        kind = _constant(rows.query.annotations["item_kind"])
        possible = _possible(rows.query.annotations["item_severity"])
        parts.append(f"SELECT '{kind}', {_numbers(possible)} FROM ({sql}) items")
        params.extend(part_params)
    if not parts:
        return "SELECT NULL WHERE 1 = 0", []
    return " UNION ALL ".join(parts), params
