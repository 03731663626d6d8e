"""Black-odorous water grading, as pure code.

Source: 城市黑臭水体整治工作指南 (住房城乡建设部、环境保护部, 2015), table 1 and the judgement
rules after it (see /work/shared/DOMAIN.md §3):

============================  ===============  ==========
indicator                     light 轻度黑臭     severe 重度黑臭
============================  ===============  ==========
transparency, cm              25–10 (*)        < 10 (*)
dissolved oxygen, mg/L        0.2–2.0          < 0.2
ORP, mV                       −200 – 50        < −200
NH₃-N, mg/L                   8.0–15           > 15
============================  ===============  ==========

(*) water shallower than 25 cm: the limit is 40 % of the depth.

The guide's judgement rules, as this module applies them by default:

- **A point** (某检测点1项指标60%以上频次或不少于2项指标30%以上频次为重度黑臭，否则可认定为
  轻度黑臭): severe when one indicator has ≥ 60 % of its readings severe, or two indicators
  ≥ 30 % each; otherwise light, when the point is black-odorous at all — at least one reading of
  one indicator light or worse; with no such reading (or no readings) not black-odorous.
  NH₃-N 16, 16, 5, 5, 5 mg/L: 40 % severe, one indicator → light.
- **Severe stretches** (连续3个以上检测点为重度黑臭的，检测点之间的区域应认定为重度黑臭):
  ``severe_stretches`` finds the runs of ≥ 3 consecutive severe points, ordered by their
  distance from the channel's upstream end, and gives the stretch between the first and the
  last of each run.
- **A water body** (水体60%以上的检测点被认定为重度黑臭的，整个水体为重度黑臭): severe when
  ≥ 60 % of its points are severe. The guide gives a severe stretch no further effect, so a
  stretch does not make the water body severe.

Deviations from the guide are options, off by default, each named by a stable key (``OPTIONS``;
``with_options`` turns them on, ``deviations(rules)`` names those of any rule set, including
changed guide numbers, so a result graded with them can say so):

- ``light_by_shares``: a point is light only when ≥ 60 % of one indicator's readings, or ≥ 30 %
  of two indicators', are light or worse — the product's former rule; the guide has no share
  rule for light. With it NH₃-N 16, 16, 5, 5, 5 mg/L grades the point not black-odorous.

What the guide leaves open, and the choice made here (every one configurable in
``projects.standards.config.BlackOdourRules``; defaults in brackets):

- **Boundary values** [every boundary value is light]: the light ranges are closed at both ends
  and the severe ranges strict — transparency 25 and 10 light, 9.9 severe; DO 2.0 and 0.2
  light, 2.01 clear, 0.19 severe; ORP 50 and −200 light, −200.1 severe; NH₃-N 8.0 and 15.0
  light, 7.99 clear, 15.1 severe. "60%以上" and "3个以上" include the number itself (≥).
- **Shallow water** [both limits scale with depth]: when ``depth_cm`` is given and below 25 cm
  the light limit is 40 % of the depth and the severe limit 16 % of it (the 10 cm limit scaled
  as the 25 cm one is: 10/25 × 40 %), same inclusivity. Depth 20 cm: 8.0 light, 8.1 clear,
  3.2 light, 3.1 severe. A depth of 25 cm or more, or none, uses 25/10 cm.
- **A reading** is graded per measured indicator; ``overall`` is the worst of them, NONE when
  nothing was measured or nothing reaches light. Unmeasured indicators (None) are left out.
- **A point's shares** are counted over the readings that measured each indicator.
- **The order of points** is their distance from the upstream end (chainage); a point without
  one cannot be placed, and ``severe_stretches`` refuses it rather than guess. Points at the same
  distance are one place: it continues a run only when all of them are severe.
- **A water body** is light, when not severe, if any point is light or severe (a share, 0 =
  any); else NONE. No points: NONE.
- **Enough data**: the guide asks for ≥ 3 points and ≥ 3 rounds; ``judgement_is_sufficient``
  lets the caller warn when the data is thinner. The grading itself still runs on what there is.

Inputs may be int, float, ``Decimal`` or None; floats are taken by their shortest repr and all
comparisons are exact. NaN, infinities and negative transparency, DO, NH₃-N, depth or distance
raise ``ValueError``; a depth of 0 too.

Every function is monotone, under the guide's rules and with every option: a worse reading
(lower transparency, DO or ORP, higher NH₃-N) never gives a better grade of reading, point or
water body, and a worse point never removes a severe stretch (property-tested).
"""

from __future__ import annotations

import dataclasses
import enum
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .config import BLACK_ODOUR, BlackOdourRules, IndicatorLimits

__all__ = [
    "DEVIATIONS",
    "INDICATORS",
    "OPTIONS",
    "Grade",
    "ReadingGrade",
    "SevereStretch",
    "deviations",
    "grade_point",
    "grade_reading",
    "grade_water_body",
    "judgement_is_sufficient",
    "severe_stretches",
    "transparency_limits",
    "with_options",
]

# ReadingGrade's indicator fields, in the guide's order.
INDICATORS = ("transparency", "dissolved_oxygen", "orp", "ammonia")


class Grade(enum.IntEnum):
    """A black-odour grade; the order is the order of badness (NONE = not black-odorous)."""

    NONE = 0
    LIGHT = 1
    SEVERE = 2

    @property
    def value_name(self) -> str:
        """ "clear", "light" or "severe" (the stored values of ``Judgement.Grade``)."""
        return _VALUE_NAMES[self]

    @classmethod
    def from_value_name(cls, name: str) -> Grade:
        """The grade whose ``value_name`` is ``name``."""
        for grade, value_name in _VALUE_NAMES.items():
            if value_name == name:
                return grade
        raise ValueError(f"Unknown black-odour grade {name!r}: expected clear, light or severe.")


_VALUE_NAMES = {Grade.NONE: "clear", Grade.LIGHT: "light", Grade.SEVERE: "severe"}


@dataclass(frozen=True)
class ReadingGrade:
    """The grade of one reading: per indicator (None = not measured) and overall."""

    transparency: Grade | None
    dissolved_oxygen: Grade | None
    orp: Grade | None
    ammonia: Grade | None
    overall: Grade


def _number(value, name, *, non_negative=False):
    """``value`` as an exact Decimal (None stays None)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError(f"{name} must be a number, not {value!r}.")
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    if not number.is_finite():
        raise ValueError(f"{name} must be a finite number, not {value!r}.")
    if non_negative and number < 0:
        raise ValueError(f"{name} cannot be negative ({value!r}).")
    return number


def _share(value) -> Fraction:
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def _grade_indicator(value, light, severe, limits: IndicatorLimits) -> Grade | None:
    if value is None:
        return None
    if limits.higher_is_worse:
        is_severe = value >= severe if limits.severe_inclusive else value > severe
        is_light = value >= light if limits.light_inclusive else value > light
    else:
        is_severe = value <= severe if limits.severe_inclusive else value < severe
        is_light = value <= light if limits.light_inclusive else value < light
    if is_severe:
        return Grade.SEVERE
    if is_light:
        return Grade.LIGHT
    return Grade.NONE


def _limits(limits: IndicatorLimits):
    return _number(limits.light, "light limit"), _number(limits.severe, "severe limit")


def transparency_limits(depth_cm=None, rules: BlackOdourRules | None = None):
    """``(light, severe)`` transparency limits in cm (as Decimals) for water ``depth_cm`` deep:
    25 and 10, or 40 % and 16 % of the depth when it is below 25 cm."""
    rules = rules or BLACK_ODOUR
    depth = _number(depth_cm, "depth_cm", non_negative=True)
    if depth is not None and depth == 0:
        raise ValueError("depth_cm must be greater than 0.")
    if depth is not None and depth < _number(rules.shallow_depth_cm, "shallow_depth_cm"):
        return (
            depth * _number(rules.shallow_light_fraction, "shallow_light_fraction"),
            depth * _number(rules.shallow_severe_fraction, "shallow_severe_fraction"),
        )
    return _limits(rules.transparency)


def grade_reading(
    transparency_cm,
    do_mg_l,
    orp_mv,
    nh3n_mg_l,
    depth_cm=None,
    rules: BlackOdourRules | None = None,
) -> ReadingGrade:
    """Grade one reading. Any value may be None (not measured); ``depth_cm``, when given and
    below 25 cm, scales the transparency limits (see the module's notes)."""
    rules = rules or BLACK_ODOUR
    transparency = _number(transparency_cm, "transparency_cm", non_negative=True)
    dissolved_oxygen = _number(do_mg_l, "do_mg_l", non_negative=True)
    orp = _number(orp_mv, "orp_mv")
    ammonia = _number(nh3n_mg_l, "nh3n_mg_l", non_negative=True)

    grades = {
        "transparency": _grade_indicator(
            transparency, *transparency_limits(depth_cm, rules), rules.transparency
        ),
        "dissolved_oxygen": _grade_indicator(
            dissolved_oxygen, *_limits(rules.dissolved_oxygen), rules.dissolved_oxygen
        ),
        "orp": _grade_indicator(orp, *_limits(rules.orp), rules.orp),
        "ammonia": _grade_indicator(ammonia, *_limits(rules.ammonia), rules.ammonia),
    }
    measured = [grade for grade in grades.values() if grade is not None]
    return ReadingGrade(**grades, overall=max(measured, default=Grade.NONE))


def _reaches(count: int, total: int, threshold) -> bool:
    """At least one of ``total`` and a share of at least ``threshold``."""
    return count > 0 and Fraction(count, total) >= _share(threshold)


def _shares_reach(counts, single, pair, pair_count) -> bool:
    single_hits = sum(_reaches(hit, total, single) for hit, total in counts)
    pair_hits = sum(_reaches(hit, total, pair) for hit, total in counts)
    return single_hits >= 1 or pair_hits >= pair_count


def grade_point(readings: Iterable[ReadingGrade], rules: BlackOdourRules | None = None) -> Grade:
    """Grade a sampling point from the graded readings taken there (all rounds).

    Severe when one indicator has ≥ 60 % of its readings severe, or two indicators ≥ 30 %
    each; otherwise light when any reading of any indicator is light or worse (the guide's
    否则可认定为轻度黑臭); else NONE. Each indicator's share is over the readings in which it was
    measured; no readings → NONE. With ``point_light_by_shares`` (a deviation from the guide)
    light needs the same shares of readings light or worse."""
    rules = rules or BLACK_ODOUR
    readings = list(readings)
    severe_counts, light_counts = [], []
    for name in INDICATORS:
        grades = [grade for reading in readings if (grade := getattr(reading, name)) is not None]
        if not grades:
            continue
        severe_counts.append((sum(g >= Grade.SEVERE for g in grades), len(grades)))
        light_counts.append((sum(g >= Grade.LIGHT for g in grades), len(grades)))
    if _shares_reach(
        severe_counts,
        rules.point_severe_single_share,
        rules.point_severe_pair_share,
        rules.point_pair_count,
    ):
        return Grade.SEVERE
    if rules.point_light_by_shares:
        black = _shares_reach(
            light_counts,
            rules.point_light_single_share,
            rules.point_light_pair_share,
            rules.point_pair_count,
        )
    else:
        black = any(hits for hits, _total in light_counts)
    return Grade.LIGHT if black else Grade.NONE


@dataclass(frozen=True)
class SevereStretch:
    """A severe stretch: from ``start_m`` to ``end_m`` (distances from the channel's upstream
    end, as Decimals), between the severe points ``points`` (their keys, upstream first)."""

    start_m: Decimal
    end_m: Decimal
    points: tuple


def severe_stretches(points, rules: BlackOdourRules | None = None) -> list[SevereStretch]:
    """The guide's severe stretches (连续3个以上检测点为重度黑臭的，检测点之间的区域应认定为
    重度黑臭) among ``points``, an iterable of ``(key, chainage_m, grade)``: every run of ≥ 3
    (``reach_severe_points``) consecutive severe points, ordered by their distance from the
    upstream end, gives the stretch between its first and last point. Upstream first.

    A point without a distance (None) raises ``ValueError``: where it lies is unknown, and the
    rule cannot be applied to it; the caller leaves it out and says so. Points at the same
    distance continue a run only when all of them are severe (their order is unknown)."""
    rules = rules or BLACK_ODOUR
    placed = []
    for key, chainage, grade in points:
        if chainage is None:
            raise ValueError(f"Point {key!r} has no distance from the upstream end.")
        try:
            distance = _number(chainage, "chainage_m", non_negative=True)
        except ValueError as error:
            raise ValueError(f"Point {key!r}: {error}") from None
        placed.append((distance, key, Grade(grade)))
    placed.sort(key=lambda point: point[0])

    stretches, run = [], []

    def close_run():
        if run and sum(len(place) for place in run) >= rules.reach_severe_points:
            keys = tuple(key for place in run for _distance, key, _grade in place)
            stretches.append(SevereStretch(run[0][0][0], run[-1][0][0], keys))

    for _distance, place in itertools.groupby(placed, key=lambda point: point[0]):
        place = list(place)
        if all(grade >= Grade.SEVERE for _d, _key, grade in place):
            run.append(place)
        else:
            close_run()
            run = []
    close_run()
    return stretches


def grade_water_body(point_grades: Iterable[Grade], rules: BlackOdourRules | None = None) -> Grade:
    """Grade a water body from its points' grades: severe when ≥ 60 % of the points are
    severe; else light when any point (a configurable share) is black-odorous; else NONE.
    No points → NONE."""
    rules = rules or BLACK_ODOUR
    grades = [Grade(grade) for grade in point_grades]
    if not grades:
        return Grade.NONE
    severe = sum(grade >= Grade.SEVERE for grade in grades)
    if _reaches(severe, len(grades), rules.body_severe_share):
        return Grade.SEVERE
    black = sum(grade >= Grade.LIGHT for grade in grades)
    if _reaches(black, len(grades), rules.body_light_share):
        return Grade.LIGHT
    return Grade.NONE


def judgement_is_sufficient(
    point_count: int, round_count: int, rules: BlackOdourRules | None = None
) -> bool:
    """Whether a judgement rests on as many points (≥ 3) and rounds (≥ 3) as the guide asks.
    The grading functions work on less; the caller should warn."""
    rules = rules or BLACK_ODOUR
    return point_count >= rules.minimum_points and round_count >= rules.minimum_rounds


# --- deviations from the guide ------------------------------------------------------------------

# The options, each a deviation from the guide: key → the rule fields it sets.
OPTIONS = {"light_by_shares": {"point_light_by_shares": True}}

# Every deviation ``deviations`` can name, in the order it names them.
DEVIATIONS = (
    "light_by_shares",  # the option: light needs 60 % / 30 % of readings light or worse
    "point_severe_shares",  # a point's severe shares other than 60 % / 30 % of 2 indicators
    "reach_points",  # a severe stretch needs other than 3 consecutive severe points
    "body_severe_share",  # a water body's severe share other than 60 % of its points
    "limits",  # the indicator limits of table 1 or the 25 cm / 40 % of shallow water changed
    "minimum_data",  # fewer than 3 points or 3 rounds asked for
)

# The guide's own numbers, to tell a changed rule set from it (not the defaults of
# ``BlackOdourRules``, which could be changed themselves).
_GUIDE_LIMITS = {
    "transparency": (25, 10, False),
    "dissolved_oxygen": (Decimal("2.0"), Decimal("0.2"), False),
    "orp": (50, -200, False),
    "ammonia": (Decimal("8.0"), 15, True),
}


def _same(value, guide) -> bool:
    return _share(value) == _share(guide)


def with_options(options: Iterable[str], rules: BlackOdourRules | None = None) -> BlackOdourRules:
    """``rules`` (default: the guide's) with the options ``options`` (keys of ``OPTIONS``) on.
    An unknown key raises ``ValueError``; blank ones are ignored."""
    rules = rules or BLACK_ODOUR
    changes = {}
    for option in options:
        option = option.strip()
        if not option:
            continue
        if option not in OPTIONS:
            known = ", ".join(OPTIONS)
            raise ValueError(f"Unknown black-odour option {option!r}: the options are {known}.")
        changes.update(OPTIONS[option])
    return dataclasses.replace(rules, **changes) if changes else rules


def deviations(rules: BlackOdourRules | None = None) -> tuple[str, ...]:
    """The deviations of ``rules`` from the guide, as keys of ``DEVIATIONS`` in that order; ()
    for the guide's rules. The choices the guide leaves open (boundary values, the severe limit
    in shallow water, when a water body is light) are not deviations."""
    rules = rules or BLACK_ODOUR
    found = set()
    if rules.point_light_by_shares:
        found.add("light_by_shares")
    if not (
        _same(rules.point_severe_single_share, Decimal("0.6"))
        and _same(rules.point_severe_pair_share, Decimal("0.3"))
        and rules.point_pair_count == 2
    ):
        found.add("point_severe_shares")
    if rules.reach_severe_points != 3:
        found.add("reach_points")
    if not _same(rules.body_severe_share, Decimal("0.6")):
        found.add("body_severe_share")
    limits_changed = not (
        _same(rules.shallow_depth_cm, 25) and _same(rules.shallow_light_fraction, Decimal("0.4"))
    )
    for name, (light, severe, higher_is_worse) in _GUIDE_LIMITS.items():
        limits = getattr(rules, name)
        if not (
            _same(limits.light, light)
            and _same(limits.severe, severe)
            and limits.higher_is_worse == higher_is_worse
        ):
            limits_changed = True
    if limits_changed:
        found.add("limits")
    if rules.minimum_points < 3 or rules.minimum_rounds < 3:
        found.add("minimum_data")
    return tuple(key for key in DEVIATIONS if key in found)
