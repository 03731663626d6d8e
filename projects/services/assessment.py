"""The monthly maintenance assessment worked out: scores, the fee they earn, and the trend.

A score is 100 less the points taken off, each item counting at most its monthly cap:

    score = max(0, 100 − Σ over items of min(Σ points of the item's deductions, item cap))

The fee rule is ``projects.standards.maintenance``; ``settings.MAINTENANCE_FEE_RULE`` replaces
the default when it is not None. Scores are computed for any number of assessments with one
query (``attach_scores``)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, Sum
from django.urls import NoReverseMatch, reverse

from projects.core.months import previous_month
from projects.models import Complaint, Deduction, MonthlyAssessment, ResponsibleUnit
from projects.standards import maintenance

FULL_SCORE = Decimal(100)
ZERO = Decimal(0)


def fee_rule():
    """The rule in force: ``settings.MAINTENANCE_FEE_RULE`` or the default."""
    return maintenance.rule_from(getattr(settings, "MAINTENANCE_FEE_RULE", None))


def fee_percent(score):
    return maintenance.fee_percent(score, fee_rule())


def score_from(item_totals):
    """The score from ``[(an item's points, its cap or None), …]``, one pair per item."""
    counted = sum(
        (points if cap is None else min(points, cap) for points, cap in item_totals), ZERO
    )
    return max(ZERO, FULL_SCORE - counted)


def attach_scores(assessments):
    """Set ``score``, ``deducted`` (points counted after the caps) and ``fee_percent`` on each
    assessment of ``assessments`` (a list), with one query whatever their number."""
    assessments = list(assessments)
    totals = defaultdict(list)
    if assessments:
        rows = (
            Deduction.objects.filter(assessment__in=[a.pk for a in assessments])
            .order_by()
            .values("assessment_id", "item_id", "item__max_points")
            .annotate(points=Sum("points"))
        )
        for row in rows:
            totals[row["assessment_id"]].append((row["points"] or ZERO, row["item__max_points"]))
    rule = fee_rule()
    for assessment in assessments:
        assessment.score = score_from(totals[assessment.pk])
        assessment.deducted = FULL_SCORE - assessment.score
        assessment.fee_percent = maintenance.fee_percent(assessment.score, rule)
    return assessments


def attach_trends(assessments, earlier=()):
    """Set ``change`` on each scored assessment: its score less the same station's score of
    the previous calendar month (None when that month was not assessed). ``earlier`` holds
    scored assessments that only serve as the previous month of others."""
    by_key = {(a.station_id, a.month): a for a in [*earlier, *assessments]}
    for assessment in assessments:
        before = by_key.get((assessment.station_id, previous_month(assessment.month)))
        assessment.previous = before
        assessment.change = None if before is None else assessment.score - before.score
    return assessments


def with_trend(assessment):
    """One assessment, scored, with its station's previous month (two queries)."""
    pair = list(
        MonthlyAssessment.objects.filter(
            station_id=assessment.station_id,
            month__in=[assessment.month, previous_month(assessment.month)],
        )
    )
    pair = [assessment if a.pk == assessment.pk else a for a in pair]
    attach_scores(pair)
    attach_trends([assessment], earlier=pair)
    return assessment


# --- itemised deductions ---------------------------------------------------------------------


@dataclass
class ItemLine:
    """One item of an assessment: its deductions, the points they add up to and what counts."""

    item: object
    occurrences: int
    points: Decimal
    counted: Decimal

    @property
    def capped(self):
        return self.counted < self.points


def itemise(deductions):
    """Set ``counted`` and ``capped`` on each deduction (in order, an item's deductions count
    fully until its cap is reached) and return the ``ItemLine`` of each item, in code order."""
    lines = {}
    for deduction in deductions:
        item = deduction.item
        line = lines.get(item.pk)
        if line is None:
            line = lines[item.pk] = ItemLine(item, 0, ZERO, ZERO)
        room = None if item.max_points is None else max(ZERO, item.max_points - line.counted)
        deduction.counted = deduction.points if room is None else min(deduction.points, room)
        deduction.capped = deduction.counted < deduction.points
        line.occurrences += deduction.occurrences
        line.points += deduction.points
        line.counted += deduction.counted
    return sorted(lines.values(), key=lambda line: line.item.code)


def deductions_of(assessment):
    """The assessment's deductions with their item, channel and complaint, each with
    ``linked_complaint``: the complaint it names, or the complaint whose 考核 step points at it
    (two queries)."""
    deductions = list(
        assessment.deductions.select_related("item", "channel", "complaint").order_by(
            "item__code", "pk"
        )
    )
    by_deduction = {
        c.assessment_deduction_id: c
        for c in Complaint.objects.filter(assessment_deduction__in=[d.pk for d in deductions])
    }
    for deduction in deductions:
        deduction.linked_complaint = deduction.complaint or by_deduction.get(deduction.pk)
    return deductions


def complaint_url(complaint):
    """The complaint's page, or None while the complaints pages are not installed."""
    try:
        return reverse("projects:complaint-detail", args=[complaint.pk])
    except NoReverseMatch:
        return None


# --- the table across stations and months ------------------------------------------------------


@dataclass
class StationRow:
    """A station's assessments in the months shown, by month."""

    station: object
    cells: dict

    def cell(self, month):
        return self.cells.get(month)

    @property
    def latest(self):
        """The station's latest assessment of the months shown."""
        return self.cells[max(self.cells)] if self.cells else None

    def scores(self, months):
        """The score of each month shown (None where the month was not assessed)."""
        return [getattr(self.cells.get(month), "score", None) for month in months]


def assessed_years():
    return [day.year for day in MonthlyAssessment.objects.dates("month", "year")]


def months_shown(year=None, count=12):
    """The months of the table, oldest first: the twelve of ``year``, or the latest ``count``
    months that have an assessment."""
    if year is not None:
        return [datetime.date(year, number, 1) for number in range(1, 13)]
    latest = MonthlyAssessment.objects.dates("month", "month", order="DESC")[:count]
    return sorted(latest)


class StationRows:
    """The grid's rows: one per municipal station (and per other unit assessed in ``months``),
    by name, each with its scored assessments of ``months`` and their trend; a sequence a
    paginated table reads a page of at a time. Its length is the stations' number (one query);
    a slice reads the assessments of its stations alone (of the months shown and the month
    before, for the trend; two queries whatever their number)."""

    def __init__(self, months):
        self.months = months
        self._units = None

    def units(self):
        if self._units is None:
            units = []
            if self.months:
                assessed = MonthlyAssessment.objects.filter(
                    month__gte=self.months[0], month__lte=self.months[-1]
                ).values("station")
                units = list(
                    ResponsibleUnit.objects.filter(
                        Q(kind=ResponsibleUnit.Kind.STATION) | Q(pk__in=assessed)
                    )
                )
            self._units = sorted(units, key=lambda unit: unit.name)
        return self._units

    def sort(self, key, reverse=False):
        """In the order of ``key`` (a row's key: the table's sort by station reads the unit
        alone)."""
        self.units().sort(key=lambda unit: key(StationRow(unit, {})), reverse=reverse)

    def __len__(self):
        return len(self.units())

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key : key + 1][0]
        return self._rows(self.units()[key])

    def __iter__(self):
        return iter(self[:])

    def _rows(self, units):
        if not units:
            return []
        months = self.months
        assessments = list(
            MonthlyAssessment.objects.filter(
                station__in=[unit.pk for unit in units],
                month__gte=previous_month(months[0]),
                month__lte=months[-1],
            )
        )
        attach_scores(assessments)
        shown = [a for a in assessments if a.month >= months[0]]
        attach_trends(shown, earlier=assessments)
        cells = defaultdict(dict)
        for assessment in shown:
            cells[assessment.station_id][assessment.month] = assessment
        return [StationRow(unit, cells[unit.pk]) for unit in units]
