"""Black-odour judgements from the water samples, and what the channel page shows of them.

A channel's *rounds* are the distinct local (``settings.TIME_ZONE``, Asia/Shanghai) dates on
which any of its points was sampled. A judgement rests on the latest ``minimum_rounds`` of them
(3, ``projects.standards.config.BLACK_ODOUR``): each reading of those days is graded, each point
from its readings, the channel from its points (``projects.standards.black_odour``). A new
``Judgement`` is stored only when the grade, the rounds, a point's grade or the rules' deviations
from the guide differ from the channel's latest one, so the judgements of a channel read as its
history.

The rules are the guide's, literally, unless the ``BLACK_ODOUR_OPTIONS`` setting names options
(``projects.standards.black_odour.OPTIONS``), each a deviation from the guide. A judgement stores
the deviations it was graded with (``Judgement.deviations``, comma-separated keys; blank: the
guide), and the channel page labels its grade as deviating from the guide when there are any.

The channel page also shows the guide's severe stretches (three or more consecutive severe
points), from the latest judgement's point grades and each point's distance from the upstream
end (``SamplingPoint.chainage_m``). ``sequence`` is not an order along the channel: it defaults
to 0 and the sample import numbers new points in the order the file names them, so a point
without a distance is named as not placed rather than guessed at.

Regrading in bulk costs three queries whatever the number of channels: the samples of each
channel's latest rounds (a ``DENSE_RANK`` window over the local date, so the database picks the
rounds and sends only their samples, as tuples), the latest judgement of each channel, and one
``bulk_create``.
"""

import datetime
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import DenseRank, TruncDate
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from projects.core.formatting import key_labels
from projects.models import Channel, Judgement, Sample, SamplingPoint
from projects.standards.black_odour import (
    Grade,
    deviations,
    grade_point,
    grade_reading,
    grade_water_body,
    judgement_is_sufficient,
    severe_stretches,
    with_options,
)

LOCAL_ZONE = zoneinfo.ZoneInfo(settings.TIME_ZONE)

# A sample's readings in the order grade_reading takes them (depth last).
READING_FIELDS = ("transparency_cm", "do_mg_l", "orp_mv", "nh3n_mg_l", "depth_cm")

# How many of a channel's latest rounds its charts show.
CHART_ROUNDS = 20


def configured_rules():
    """The black-odour rules in force: the guide's, with the options the
    ``BLACK_ODOUR_OPTIONS`` setting names (each a deviation from the guide). An unknown option
    raises ``ValueError``."""
    return with_options(getattr(settings, "BLACK_ODOUR_OPTIONS", ()))


def local_day():
    """A sample's local date (the time zone given explicitly: a request's active time zone
    must not move a round)."""
    return TruncDate("sampled_at", tzinfo=LOCAL_ZONE)


def in_latest_rounds(samples, rounds):
    """``samples`` (a Sample queryset) limited to each channel's latest ``rounds`` local dates,
    annotated with ``channel_pk`` and ``day``. The window numbers each channel's dates newest
    first, the filter keeps the first ones: the database picks the rounds in the same query."""
    day = local_day()
    return (
        samples.order_by()
        .annotate(
            channel_pk=F("point__channel_id"),
            day=day,
            round_rank=Window(
                DenseRank(), partition_by=[F("point__channel_id")], order_by=day.desc()
            ),
        )
        .filter(round_rank__lte=rounds)
    )


def grade_sample(transparency, do, orp, nh3n, depth, rules=None):
    # A depth of 0 says nothing of the water (the standard's depth rule needs a depth > 0).
    return grade_reading(transparency, do, orp, nh3n, depth or None, rules=rules)


@dataclass
class Grading:
    """A channel graded from the samples of some rounds."""

    grade: Grade
    rounds: list  # dates, oldest first
    point_grades: dict  # {point_id: Grade}
    sample_count: int
    deviations: tuple = ()  # keys of black_odour.DEVIATIONS; (): the guide's rules

    def as_judgement(self, channel_id):
        return Judgement(
            channel_id=channel_id,
            grade=self.grade.value_name,
            rounds=[day.isoformat() for day in self.rounds],
            point_grades={str(pk): grade.value_name for pk, grade in self.point_grades.items()},
            sample_count=self.sample_count,
            deviations=",".join(self.deviations),
        )


def grade_rows(rows, rules=None):
    """Grade a channel from ``(point_id, day, transparency, DO, ORP, NH3-N, depth)`` rows."""
    readings = defaultdict(list)
    days = set()
    for point_id, day, *values in rows:
        readings[point_id].append(grade_sample(*values, rules=rules))
        days.add(day)
    point_grades = {pk: grade_point(graded, rules=rules) for pk, graded in readings.items()}
    return Grading(
        grade=grade_water_body(point_grades.values(), rules=rules),
        rounds=sorted(days),
        point_grades=point_grades,
        sample_count=sum(len(graded) for graded in readings.values()),
        deviations=deviations(rules),
    )


def regrade(channel_ids=None, rules=None):
    """Grade the channels ``channel_ids`` (None: every channel) from their latest rounds and
    store a judgement for each whose grade, rounds, point grades or deviations from the guide
    changed. Channels without samples are left alone (they keep their recorded condition).
    ``rules`` default to ``configured_rules()``. Returns the judgements written."""
    rules = rules or configured_rules()
    samples = Sample.objects.all()
    judgements = Judgement.objects.order_by().filter(is_latest=True)
    if channel_ids is not None:
        channel_ids = list(channel_ids)
        samples = samples.filter(point__channel_id__in=channel_ids)
        judgements = judgements.filter(channel_id__in=channel_ids)
    rows = defaultdict(list)
    latest_samples = in_latest_rounds(samples, rules.minimum_rounds).values_list(
        "channel_pk", "point_id", "day", *READING_FIELDS
    )
    for channel_id, *row in latest_samples:
        rows[channel_id].append(row)
    if not rows:
        return []
    with transaction.atomic():
        latest = {
            channel_id: tuple(judged)
            for channel_id, *judged in judgements.values_list(
                "channel_id", "grade", "rounds", "point_grades", "deviations"
            )
        }
        written = []
        for channel_id, channel_rows in rows.items():
            judgement = grade_rows(channel_rows, rules).as_judgement(channel_id)
            judged = (
                judgement.grade,
                judgement.rounds,
                judgement.point_grades,
                judgement.deviations,
            )
            if latest.get(channel_id) != judged:
                written.append(judgement)
        written = Judgement.objects.bulk_create(written, batch_size=1000)
        # bulk_create sends no signals: the new judgements become their channels' latest here.
        Judgement.objects.mark_latest({judgement.channel_id for judgement in written})
        return written


def regrade_channels(channel_ids=None, rules=None):
    """Regrade the channels ``channel_ids`` (None: all); the number of judgements written."""
    return len(regrade(channel_ids, rules))


def regrade_channel(channel, rules=None):
    """Regrade one channel; the judgement written, or None when nothing changed."""
    written = regrade([channel.pk], rules)
    return written[0] if written else None


# --- what the pages show ----------------------------------------------------------------

MEASURED = _("measured")
RECORDED = _("recorded")
MEASURED_TITLE = _("From the latest black-odour judgement of the samples:")
RECORDED_TITLE = _("As recorded: no samples judged yet.")


# What each deviation from the guide (``black_odour.DEVIATIONS``) means, as the pages say it.
DEVIATION_LABELS = {
    "light_by_shares": _(
        "a point is light only when 60 per cent of one indicator's readings, or 30 per cent of "
        "two indicators', are light or worse"
    ),
    "point_severe_shares": _(
        "a point is severe by other shares than the guide's 60 and 30 per cent"
    ),
    "reach_points": _("a severe stretch needs another number of consecutive severe points than 3"),
    "body_severe_share": _("a water body is severe by another share of points than 60 per cent"),
    "limits": _("indicator limits other than the guide's"),
    "minimum_data": _("fewer sampling points or rounds than the guide's 3 are asked for"),
}


def deviation_labels(value):
    """The labels of the deviations stored in a ``Judgement.deviations`` value (comma-separated
    keys; an unknown key is shown as it is)."""
    return key_labels(value, DEVIATION_LABELS)


def condition_label(value):
    """The label of a ``Channel.Condition`` value (judgement grades are such values too)."""
    try:
        return Channel.Condition(value).label
    except ValueError:
        return value


def rounds_text(rounds):
    """ISO dates as the page writes them: “2018-05-02、05-05、05-08” (the year once, again
    where it changes)."""
    parts = []
    year = None
    for iso in rounds:
        day = datetime.date.fromisoformat(iso) if isinstance(iso, str) else iso
        parts.append(f"{day:%m-%d}" if day.year == year else day.isoformat())
        year = day.year
    return "、".join(parts)


# Series colours (Okabe–Ito, readable by the colour-blind), one per sampling point in order.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#7f7f7f", "#000000")


@dataclass
class Indicator:
    field: str
    label: str
    unit: str
    limits: object  # standards.config.IndicatorLimits


def indicators(rules=None):
    rules = rules or configured_rules()
    return [
        Indicator("transparency_cm", _("Transparency"), "cm", rules.transparency),
        Indicator("do_mg_l", _("Dissolved oxygen"), "mg/L", rules.dissolved_oxygen),
        Indicator("orp_mv", _("ORP"), "mV", rules.orp),
        Indicator("nh3n_mg_l", _("Ammonia nitrogen"), "mg/L", rules.ammonia),
    ]


@dataclass
class Series:
    name: str
    color: str
    points: list = field(default_factory=list)  # [(aware datetime, value)], oldest first


@dataclass
class Chart:
    """One indicator's trend: a line per sampling point, the light and severe limits.
    ``projects.templatetags.charts.trend_chart`` draws it."""

    label: str
    unit: str
    series: list
    thresholds: list  # [(label, value, grade value name)]
    higher_is_worse: bool = False

    @property
    def has_data(self):
        return any(s.points for s in self.series)


def build_charts(points, samples, rules=None):
    """A chart per indicator from ``samples``: (point_id, sampled_at, transparency, DO, ORP,
    NH3-N) in time order. ``points`` gives the series' names and colours."""
    colours = {p.pk: PALETTE[i % len(PALETTE)] for i, p in enumerate(points)}
    charts = []
    for index, indicator in enumerate(indicators(rules)):
        series = {p.pk: Series(p.name, colours[p.pk]) for p in points}
        for point_id, sampled_at, *values in samples:
            value = values[index]
            if value is not None and point_id in series:
                series[point_id].points.append((sampled_at, value))
        charts.append(
            Chart(
                label=indicator.label,
                unit=indicator.unit,
                series=[s for s in series.values() if s.points],
                thresholds=[
                    (_("light"), indicator.limits.light, "light"),
                    (_("severe"), indicator.limits.severe, "severe"),
                ],
                higher_is_worse=indicator.limits.higher_is_worse,
            )
        )
    return charts


def metres(value):
    """A distance in metres as the page writes it: 860, 120.5 (no trailing zeros)."""
    return f"{value.normalize():f}" if value is not None else ""


@dataclass
class Stretch:
    """A severe stretch as the page shows it: from and to (m) and the points' names."""

    start: str
    end: str
    points: str  # names, upstream first, joined with 、


@dataclass
class Reach:
    """The guide's reach rule applied to a judgement: its severe stretches, the judged points
    that have no distance from the upstream end (``unplaced``, names), and whether those make
    the stretches undetermined (a point not severe there might lie between severe ones)."""

    stretches: list
    unplaced: str
    undetermined: bool


def judged_reach(points, point_grades, rules=None):
    """The reach rule on ``points`` (SamplingPoints) with the grades ``point_grades`` of a
    judgement ({str(pk): grade value}). Points without a grade in the judgement had no reading
    in its rounds and take no part. A judged point without ``chainage_m`` cannot be placed: it
    is named; when it is not severe it could break any run, so no stretch is determined (the
    rule is not applied on a guess); a severe one cannot break a run, and the stretches of the
    placed points stand."""
    placed, unplaced = [], []
    for point in points:
        value = point_grades.get(str(point.pk))
        if value is None:
            continue
        grade = Grade.from_value_name(value)
        if point.chainage_m is None:
            unplaced.append((point, grade))
        else:
            placed.append((point, point.chainage_m, grade))
    undetermined = any(grade < Grade.SEVERE for _point, grade in unplaced)
    stretches = [] if undetermined else severe_stretches(placed, rules)
    return Reach(
        stretches=[
            Stretch(metres(s.start_m), metres(s.end_m), "、".join(p.name for p in s.points))
            for s in stretches
        ],
        unplaced="、".join(point.name for point, _grade in unplaced),
        undetermined=undetermined,
    )


@dataclass
class PointRow:
    point: SamplingPoint
    color: str
    grade: str | None  # Judgement.Grade value; None: no reading in the judged rounds

    @property
    def distance(self):
        return metres(self.point.chainage_m)

    def get_grade_display(self):
        return Judgement.Grade(self.grade).label if self.grade else None


def channel_water_quality(channel, rules=None):
    """The channel page's water-quality section for ``channel`` (from
    ``Channel.objects.with_condition()``): its condition, its points with their latest grades, the
    latest judgement, whether it rests on enough data, the deviations from the guide it was
    graded with, its severe stretches, and the trend charts of the latest ``CHART_ROUNDS``
    rounds. Three queries, whatever the number of samples."""
    rules = rules or configured_rules()
    points = list(SamplingPoint.objects.filter(channel=channel).order_by("sequence", "name"))
    judgement = channel.judgements.order_by("-computed_at", "-pk").first()
    chart_samples = list(
        in_latest_rounds(Sample.objects.filter(point__channel=channel), CHART_ROUNDS)
        .order_by("sampled_at", "point_id")
        .values_list("point_id", "sampled_at", *READING_FIELDS[:4])
    )
    chart_rounds = {
        localtime(sampled_at, LOCAL_ZONE).date() for _pk, sampled_at, *_ in chart_samples
    }
    charts = build_charts(points, chart_samples, rules)
    point_grades = judgement.point_grades if judgement else {}
    rows = [
        PointRow(p, PALETTE[i % len(PALETTE)], point_grades.get(str(p.pk)))
        for i, p in enumerate(points)
    ]
    context = {
        "condition_label": condition_label(channel.current_condition),
        "points": rows,
        "judgement": judgement,
        "charts": charts,
        "has_charts": any(chart.has_data for chart in charts),
        "chart_rounds": len(chart_rounds),
        "minimum_points": rules.minimum_points,
        "minimum_rounds": rules.minimum_rounds,
    }
    if judgement is not None:
        context["rounds_text"] = rounds_text(judgement.rounds)
        context["sufficient"] = judgement_is_sufficient(
            len(judgement.point_grades), len(judgement.rounds), rules
        )
        context["deviations"] = deviation_labels(judgement.deviations)
        context["reach"] = judged_reach(points, judgement.point_grades, rules)
    return context
