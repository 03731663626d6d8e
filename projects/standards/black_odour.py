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

What the guide leaves open, and the choice made here (every one configurable in
``projects.standards.config.BlackOdourRules``; defaults in brackets):

- **Boundary values** [every boundary value is light]: the light ranges are closed at both ends
  and the severe ranges strict — transparency 25 and 10 light, 9.9 severe; DO 2.0 and 0.2
  light, 2.01 clear, 0.19 severe; ORP 50 and −200 light, −200.1 severe; NH₃-N 8.0 and 15.0
  light, 7.99 clear, 15.1 severe.
- **Shallow water** [both limits scale with depth]: when ``depth_cm`` is given and below 25 cm
  the light limit is 40 % of the depth and the severe limit 16 % of it (the 10 cm limit scaled
  as the 25 cm one is: 10/25 × 40 %), same inclusivity. Depth 20 cm: 8.0 light, 8.1 clear,
  3.2 light, 3.1 severe. A depth of 25 cm or more, or none, uses 25/10 cm.
- **A reading** is graded per measured indicator; ``overall`` is the worst of them, NONE when
  nothing was measured or nothing reaches light. Unmeasured indicators (None) are left out.
- **A point** [shares over the readings measuring each indicator]: severe when one indicator
  has ≥ 60 % of its readings severe or two indicators ≥ 30 % each; *black-odorous at all* when
  the same shares hold for readings graded light or worse (the guide says only "otherwise
  light"); else NONE. No readings: NONE.
- **A water body** [any point]: severe when ≥ 60 % of its points are severe; else light when
  any point is light or severe (a share, 0 = any); else NONE. No points: NONE.
- **Enough data**: the guide asks for ≥ 3 points and ≥ 3 rounds; ``judgement_is_sufficient``
  lets the caller warn when the data is thinner. The grading itself still runs on what there is.

Inputs may be int, float, ``Decimal`` or None; floats are taken by their shortest repr and all
comparisons are exact. NaN, infinities and negative transparency, DO, NH₃-N or depth raise
``ValueError``; a depth of 0 too.

Every function is monotone: a worse reading (lower transparency, DO or ORP, higher NH₃-N)
never gives a better grade of reading, point or water body (property-tested).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .config import BLACK_ODOUR, BlackOdourRules, IndicatorLimits

__all__ = [
    "INDICATORS",
    "Grade",
    "ReadingGrade",
    "grade_point",
    "grade_reading",
    "grade_water_body",
    "judgement_is_sufficient",
    "transparency_limits",
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
    each; light when the same holds for readings light or worse; else NONE. Each indicator's
    share is over the readings in which it was measured; no readings → NONE."""
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
    if _shares_reach(
        light_counts,
        rules.point_light_single_share,
        rules.point_light_pair_share,
        rules.point_pair_count,
    ):
        return Grade.LIGHT
    return Grade.NONE


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
