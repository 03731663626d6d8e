"""Sewer segment condition scores, as pure code.

Source: CJJ 181-2012 城镇排水管道检测与评估技术规程, chapter 8, **as published in public
implementations (the code table, the formulas, the K/E/T tables, the grade and priority bounds),
not confirmed from the standard's own text** (see /work/shared/DOMAIN.md §4). Every number and
every choice below is configurable in ``projects.standards.config`` (``Cjj181Rules``, defaults
in brackets; the code table is ``CJJ181_CODES``, replaced by the database's through ``codes=``).

**The defaults are the standard, literally.** Where the product once departed from it, the
departure is kept as a named option (``OPTIONS``, chosen with ``rules_with_options``), off by
default; ``deviations(rules)`` names the options a rule set amounts to, and every score computed
with one says so (``SegmentScore.deviations``), so that it is labelled wherever it is shown.

Per kind (structural defects give S, Smax, F, Sm; functional ones Y, Ymax, G, Ym alike)::

    S  = (ΣP₁ + α·ΣP₂) / n                  n defects, P their scores (table, by code and grade)
    F  = max(S, Smax)                        the standard's formula, literally
    Sm = (ΣP₁L₁ + α·ΣP₂L₂) / (S·L)           L segment length, Lᵢ defect lengths
    RI = 0.7F + 0.1K + 0.05E + 0.15T         K, E only when F ≥ 4; T only when F > 0
    MI = 0.8G + 0.15K + 0.05E                K, E only when G ≥ 4 [analogous choice]

The standard's rules, and the defaults where it leaves a choice open:

- **Which defects are apart, and by how much** — the *clear distance* (纵向净距) between
  consecutive defects of the same kind: the later one's start minus the furthest end reached by
  the earlier ones (a defect runs from ``position_m`` for ``length_m``; None or 0 = a point).
  Unscored codes (FZ) take no part.
- **α** [1.1] weights a defect whose clear distance to the previous *or* the next defect lies
  in (1.0, 1.5] m ("大于1.0m且不大于1.5m", as published); both ends' inclusivity configurable.
- **Defects within 1 m of each other** (CJJ 181-2012 §8.2, its rule for several defects within
  1 m, as public implementations reproduce it): clear distance ≤ 1.0 m → one composite defect
  spanning them all, whose scores **add, capped at 10** (SL grade 2 and PL grade 3 0.5 m apart:
  2 + 5 = 7, so F = 7, grade IV).
- **Defect length** [a defect shorter than 1.0 m, including a point or a merged group shorter
  than that, counts as 1.0 m] in Sm/Ym (the standard: local defects count 1 m).
- **α and F**: F = max(S, Smax) literally, so α may lift F above the worst defect (two TJ grade
  3 1.2 m apart: S = 1.1·(5 + 5)/2 = 5.5 = F; on a 500 mm pipe in area C, RI = 0.7·5.5 + 0.1·3 =
  4.15, 宜尽快修复). S is a mean, so F can then *fall* when a defect is added (add a PL grade 1
  far off: S = 3.83, F = 5): that is the standard's formula, kept as it is.
- **K/E gate for MI** [on G: K and E count in MI only when G ≥ 4]; "f" gates on F instead.
- **K** area class A 中心商业区/附近有甲类民用建筑 10, B 交通干道/附近有乙类民用建筑 6,
  C 其他行车道路/附近有丙类民用建筑 3, D 所有其他区域 0; **E** diameter > 1500 mm → 10,
  1000 < D ≤ 1500 → 6, 600 ≤ D ≤ 1000 → 3, below 600 → 0 (so 600 → 3, 1000 → 3, 1500 → 6,
  1501 → 10); **T** soil as in ``config.CJJ181.soil_factors`` (from public implementations,
  unconfirmed). The result holds both the factors as such (``k``, ``e``, ``t``) and what RI used
  of them (``k_used``, ``e_used``, ``t_used``: 0 where the gates close).
- **Bounds** [grades: ≤ 1 I, ≤ 3 II, ≤ 6 III, above IV; priorities: ≤ 1 none, ≤ 4 plan, ≤ 7 soon,
  above now; extent: Sm < 0.1 local, < 0.5 partial, else whole]. Grades, priorities and extents
  are decided on the exact values, before rounding.
- **Rounding** half up, to 2 places (Sm, Ym 3). Arithmetic is exact (``Fraction``) until then.
- **No defects** of a kind: its figures 0, grade I, extent ""; RI/MI then 0 → "none".
- **Bad input** raises ``ValueError`` with a message naming the defect: a code not in the table,
  a grade outside 1–4 or without a score for that code, a negative position or length, a
  non-positive segment length or diameter, an unknown area class or soil. FZ (and any code
  whose ``scored`` is False) is recorded but ignored, whatever its grade.

Deviations from the standard, each a named option (``OPTIONS``), none on by default:

- ``monotone_f`` (``alpha_may_raise_f=False``): F = Smax, G = Ymax — α weights S, Sm, Y and Ym
  but never lifts F or G above the worst defect, so adding a defect never lowers F, G, RI or MI
  nor improves a grade. The two TJ grade 3 above: F 5, RI 3.80 (宜制定修复计划) instead of the
  standard's F 5.5, RI 4.15.
- ``merge_max`` (``merge_policy="max"``): defects within 1 m keep the higher score instead of
  adding up. The SL 2 + PL 3 above: F 5, RI 3.5 instead of F 7, RI 4.9 (area D, 400 mm).
- ``merge_none`` (``merge_policy="none"``): defects within 1 m are scored apart, not as one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction

from .config import (
    CJJ181,
    CJJ181_CODE_NAMES,
    CJJ181_CODES,
    Cjj181Rules,
    CodeScore,
)
from .exact import exact as _exact
from .exact import rounded as _rounded
from .exact import within as _within

__all__ = [
    "CJJ181_CODES",
    "CJJ181_CODE_NAMES",
    "EXTENT_WORDING",
    "GRADE_WORDING",
    "GRADE_WORDING_BY_KIND",
    "GRADES",
    "OPTIONS",
    "PRIORITIES",
    "PRIORITY_WORDING",
    "CodeScore",
    "Defect",
    "SegmentScore",
    "area_factor",
    "condition_grade",
    "deviations",
    "diameter_factor",
    "extent",
    "priority",
    "rules_with_options",
    "score_segment",
    "soil_factor",
]

KINDS = ("structural", "functional")
GRADES = ("I", "II", "III", "IV")
PRIORITIES = ("none", "plan", "soon", "now")
EXTENTS = ("local", "partial", "whole")

PRIORITY_WORDING = {
    "repair": {
        "none": "不需修复",
        "plan": "宜制定修复计划",
        "soon": "宜尽快修复",
        "now": "应立即修复",
    },
    "maintenance": {
        "none": "不需养护",
        "plan": "宜制定养护计划",
        "soon": "宜尽快养护",
        "now": "应立即养护",
    },
}

# Grade names (缺陷等级) by grade; the same for both kinds except grade I, which for functional
# defects public implementations word 无或有轻微影响 (see GRADE_WORDING_BY_KIND).
GRADE_WORDING = {
    "I": "无或有轻微缺陷",
    "II": "有较多缺陷",
    "III": "严重缺陷",
    "IV": "重大缺陷",
}
GRADE_WORDING_BY_KIND = {
    "structural": dict(GRADE_WORDING),
    "functional": {**GRADE_WORDING, "I": "无或有轻微影响"},
}

# Sm/Ym extent (缺陷类型), from public implementations.
EXTENT_WORDING = {"local": "局部缺陷", "partial": "部分或整体缺陷", "whole": "整体缺陷", "": ""}

# The named deviations from the standard: option key → the rule changes it makes. Keys are
# stable (stored with each score, chosen by the SEWER_SCORING_OPTIONS setting).
OPTIONS = {
    # α never lifts F (or G) above the worst defect: F = Smax, G = Ymax.
    "monotone_f": {"alpha_may_raise_f": False},
    # Defects within 1 m keep the higher score instead of adding up.
    "merge_max": {"merge_policy": "max"},
    # Defects within 1 m are scored apart, not as one composite defect.
    "merge_none": {"merge_policy": "none"},
}


def rules_with_options(options: Iterable[str], rules: Cjj181Rules | None = None) -> Cjj181Rules:
    """``rules`` (default: the standard's, ``CJJ181``) with the named ``OPTIONS`` applied.
    Raises ``ValueError`` on an unknown option or on two that change the same rule
    differently (``merge_max`` with ``merge_none``)."""
    rules = rules or CJJ181
    options = [options] if isinstance(options, str) else list(options)
    changes, chosen_by = {}, {}
    for option in options:
        if option not in OPTIONS:
            expected = ", ".join(OPTIONS)
            raise ValueError(f"Unknown CJJ 181 scoring option {option!r}: expected {expected}.")
        for name, value in OPTIONS[option].items():
            if name in changes and changes[name] != value:
                raise ValueError(
                    f"CJJ 181 scoring options {chosen_by[name]!r} and {option!r} "
                    f"cannot both be chosen: both set {name}."
                )
            changes[name], chosen_by[name] = value, option
    return replace(rules, **changes)


def deviations(rules: Cjj181Rules | None = None) -> tuple[str, ...]:
    """The ``OPTIONS`` keys by which ``rules`` depart from the standard, in ``OPTIONS`` order;
    () for the standard's rules (the defaults)."""
    rules = rules or CJJ181
    found = []
    if not rules.alpha_may_raise_f:
        found.append("monotone_f")
    if rules.merge_policy == "max":
        found.append("merge_max")
    if rules.merge_policy == "none":
        found.append("merge_none")
    return tuple(found)


@dataclass(frozen=True)
class Defect:
    """One recorded defect: its code (e.g. "SL"), grade 1–4, the distance of its start from
    the start of the segment, and its longitudinal length (None = a point/local defect)."""

    code: str
    grade: int
    position_m: float
    length_m: float | None = None


@dataclass(frozen=True)
class SegmentScore:
    """A segment's scores. Figures are floats rounded half up to 2 places (``sm``, ``ym`` 3).
    ``k``, ``e`` and ``t`` are the segment's area, diameter and soil factors as such; RI and
    MI use them only when their gates open (K, E: F ≥ 4 for RI, G ≥ 4 for MI; T: F > 0), and
    ``k_used``, ``e_used``, ``t_used`` are what RI used (0 where its gates close).
    Grades "I"–"IV"; extents "local"/"partial"/"whole", "" without defects of the kind;
    priorities "none"/"plan"/"soon"/"now". ``deviations``: the ``OPTIONS`` keys of the rules
    that computed it, () when they are the standard's."""

    s: float
    s_max: float
    f: float
    sm: float
    structural_grade: str
    structural_extent: str
    y: float
    y_max: float
    g: float
    ym: float
    functional_grade: str
    functional_extent: str
    k: float
    e: float
    t: float
    k_used: float
    e_used: float
    t_used: float
    ri: float
    mi: float
    repair_priority: str
    maintenance_priority: str
    deviations: tuple[str, ...] = ()


# --- the factors and the bounds ----------------------------------------------------------------


def area_factor(area_class: str, rules: Cjj181Rules | None = None) -> Fraction:
    """K of an area class ("A"–"D", case and spaces ignored)."""
    rules = rules or CJJ181
    key = area_class.strip().upper() if isinstance(area_class, str) else area_class
    if key not in rules.area_factors:
        expected = ", ".join(rules.area_factors)
        raise ValueError(f"Unknown area class {area_class!r}: expected one of {expected}.")
    return _exact(rules.area_factors[key], "area factor")


def diameter_factor(diameter_mm, rules: Cjj181Rules | None = None) -> Fraction:
    """E of a pipe diameter in mm (> 1500 → 10, > 1000 → 6, ≥ 600 → 3, else 0)."""
    rules = rules or CJJ181
    diameter = _exact(diameter_mm, "diameter_mm")
    if diameter <= 0:
        raise ValueError(f"diameter_mm must be greater than 0, not {diameter_mm!r}.")
    for band in rules.diameter_bands:
        limit = _exact(band.above_mm, "diameter band")
        if diameter > limit or (band.inclusive and diameter == limit):
            return _exact(band.value, "diameter factor")
    return Fraction(0)


def soil_factor(soil: str, rules: Cjj181Rules | None = None) -> Fraction:
    """T of a soil key ("ordinary", "silt_sand", "loess_iv", …; case and spaces ignored)."""
    rules = rules or CJJ181
    key = soil.strip().lower() if isinstance(soil, str) else soil
    if key not in rules.soil_factors:
        expected = ", ".join(rules.soil_factors)
        raise ValueError(f"Unknown soil {soil!r}: expected one of {expected}.")
    return _exact(rules.soil_factors[key], "soil factor")


def _band(value, limits, names, *, upper_inclusive: bool) -> str:
    value = _exact(value, "value")
    for limit, name in zip(limits, names, strict=False):
        limit = _exact(limit, "limit")
        if value < limit or (upper_inclusive and value == limit):
            return name
    return names[len(limits)]


def condition_grade(value, rules: Cjj181Rules | None = None) -> str:
    """The grade "I"–"IV" of F (or G): ≤ 1 I, ≤ 3 II, ≤ 6 III, above IV."""
    rules = rules or CJJ181
    return _band(value, rules.grade_limits, GRADES, upper_inclusive=True)


def priority(value, rules: Cjj181Rules | None = None) -> str:
    """The priority of RI (or MI): ≤ 1 "none", ≤ 4 "plan", ≤ 7 "soon", above "now"."""
    rules = rules or CJJ181
    return _band(value, rules.priority_limits, PRIORITIES, upper_inclusive=True)


def extent(density, rules: Cjj181Rules | None = None) -> str:
    """The extent of Sm (or Ym): < 0.1 "local", < 0.5 "partial", else "whole"."""
    rules = rules or CJJ181
    return _band(density, rules.extent_limits, EXTENTS, upper_inclusive=False)


# --- the defects -------------------------------------------------------------------------------


@dataclass
class _Span:
    start: Fraction
    end: Fraction
    score: Fraction
    gap_before: Fraction | None  # clear distance to what precedes; None for the first


def _lookup(code, codes: Mapping[str, CodeScore]) -> CodeScore:
    entry = codes.get(code)
    if entry is None and isinstance(code, str):
        entry = codes.get(code.strip().upper())
    if entry is None:
        raise ValueError(f"Unknown defect code {code!r}: not in the rule set's code table.")
    return entry


def _spans_by_kind(defects: Iterable[Defect], codes: Mapping[str, CodeScore]):
    """The scored defects as (start, end, score) per kind; raises ValueError on bad ones."""
    spans = {kind: [] for kind in KINDS}
    for defect in defects:
        entry = _lookup(defect.code, codes)
        if not entry.scored:
            continue
        label = f"Defect {defect.code} at {defect.position_m} m"
        if entry.kind not in spans:
            raise ValueError(f"{label}: its code's kind {entry.kind!r} is not one of {KINDS}.")
        grade = defect.grade
        if isinstance(grade, bool) or not isinstance(grade, int) or not 1 <= grade <= 4:
            raise ValueError(f"{label}: grade {grade!r} is not one of 1, 2, 3, 4.")
        scores = tuple(entry.scores) + (None,) * (4 - len(entry.scores))
        if scores[grade - 1] is None:
            graded = ", ".join(str(g) for g, score in enumerate(scores, 1) if score is not None)
            raise ValueError(
                f"{label}: code {defect.code} has no grade {grade} (its grades: {graded})."
            )
        score = _exact(scores[grade - 1], f"score of {defect.code} grade {grade}")
        start = _exact(defect.position_m, f"{label}: position_m")
        length = (
            Fraction(0)
            if defect.length_m is None
            else _exact(defect.length_m, f"{label}: length_m")
        )
        if start < 0 or length < 0:
            raise ValueError(f"{label}: position and length cannot be negative.")
        spans[entry.kind].append((start, start + length, score))
    return spans


def _merge(score_a: Fraction, score_b: Fraction, rules: Cjj181Rules) -> Fraction:
    """The score of a composite defect of two parts (a merged group and the next defect)."""
    if rules.merge_policy == "sum":
        # The standard (CJJ 181-2012 §8.2, as public implementations reproduce it): defects
        # within 1 m are one composite defect, their scores added, at most 10. Never below
        # either part, so a cap set under a table score cannot lower F.
        capped = min(score_a + score_b, _exact(rules.merge_sum_cap, "merge_sum_cap"))
        return max(capped, score_a, score_b)
    if rules.merge_policy == "max":  # option merge_max, a deviation
        return max(score_a, score_b)
    raise AssertionError(rules.merge_policy)


def _group(raw, rules: Cjj181Rules) -> list[_Span]:
    """Sort the defects along the pipe, merge those too close together (per ``merge_policy``)
    and note each resulting defect's clear distance to the ones before it."""
    if rules.merge_policy not in ("max", "sum", "none"):
        raise ValueError(f"Unknown merge_policy {rules.merge_policy!r}: expected max, sum or none.")
    merge_gap = _exact(rules.merge_gap_m, "merge_gap_m")
    spans: list[_Span] = []
    reach = None  # the furthest end of the defects so far
    for start, end, score in sorted(raw):
        gap = None if reach is None else start - reach
        close = gap is not None and (
            gap < merge_gap or (rules.merge_gap_inclusive and gap == merge_gap)
        )
        if close and rules.merge_policy != "none":
            last = spans[-1]
            last.end = max(last.end, end)
            last.score = _merge(last.score, score, rules)
        else:
            spans.append(_Span(start, end, score, gap))
        reach = end if reach is None else max(reach, end)
    return spans


def _assess(raw, length: Fraction, rules: Cjj181Rules):
    """(S, Smax, F, density, extent) of one kind's defects."""
    spans = _group(raw, rules)
    if not spans:
        zero = Fraction(0)
        return zero, zero, zero, zero, ""
    alpha = _exact(rules.alpha, "alpha")
    point_length = _exact(rules.point_defect_length_m, "point_defect_length_m")

    def weighted(gap):
        return gap is not None and _within(
            gap,
            rules.alpha_gap_min_m,
            rules.alpha_gap_min_inclusive,
            rules.alpha_gap_max_m,
            rules.alpha_gap_max_inclusive,
        )

    total = weighted_length_total = Fraction(0)
    for index, span in enumerate(spans):
        after = spans[index + 1].gap_before if index + 1 < len(spans) else None
        weight = alpha if weighted(span.gap_before) or weighted(after) else Fraction(1)
        total += weight * span.score
        weighted_length_total += weight * span.score * max(span.end - span.start, point_length)
    s = total / len(spans)
    s_max = max(span.score for span in spans)
    # The standard: F = max(S, Smax), α may lift it; option monotone_f (a deviation): Smax.
    f = max(s, s_max) if rules.alpha_may_raise_f else s_max
    density = weighted_length_total / (s * length) if s else Fraction(0)
    return s, s_max, f, density, extent(density, rules)


# --- the segment -------------------------------------------------------------------------------


def score_segment(
    length_m,
    diameter_mm,
    defects: Iterable[Defect],
    area_class: str,
    soil: str,
    codes: Mapping[str, CodeScore] | None = None,
    rules: Cjj181Rules | None = None,
) -> SegmentScore:
    """Score one pipe segment from the defects of one inspection (see the module's notes).

    ``codes`` maps a code to its ``CodeScore`` (default ``CJJ181_CODES``; the service passes
    the database's table); ``rules`` default to the standard's (``rules_with_options`` picks
    named deviations). Raises ``ValueError`` on an unknown code, a grade without a score,
    bad geometry, an unknown area class or soil."""
    rules = rules or CJJ181
    codes = CJJ181_CODES if codes is None else codes
    length = _exact(length_m, "length_m")
    if length <= 0:
        raise ValueError(f"length_m must be greater than 0, not {length_m!r}.")
    k = area_factor(area_class, rules)
    e = diameter_factor(diameter_mm, rules)
    t = soil_factor(soil, rules)
    spans = _spans_by_kind(defects, codes)

    s, s_max, f, sm, structural_extent = _assess(spans["structural"], length, rules)
    y, y_max, g, ym, functional_extent = _assess(spans["functional"], length, rules)

    gate = _exact(rules.factor_gate, "factor_gate")
    if rules.mi_factor_gate not in ("g", "f"):
        raise ValueError(f"Unknown mi_factor_gate {rules.mi_factor_gate!r}: expected g or f.")
    mi_gauge = g if rules.mi_factor_gate == "g" else f
    k_used, e_used = (k, e) if f >= gate else (Fraction(0), Fraction(0))
    t_used = t if f > 0 else Fraction(0)
    ri = (
        Fraction(7, 10) * f
        + Fraction(1, 10) * k_used
        + Fraction(5, 100) * e_used
        + Fraction(15, 100) * t_used
    )
    mi = Fraction(8, 10) * g
    if mi_gauge >= gate:
        mi += Fraction(15, 100) * k + Fraction(5, 100) * e

    return SegmentScore(
        s=_rounded(s, 2),
        s_max=_rounded(s_max, 2),
        f=_rounded(f, 2),
        sm=_rounded(sm, 3),
        structural_grade=condition_grade(f, rules),
        structural_extent=structural_extent,
        y=_rounded(y, 2),
        y_max=_rounded(y_max, 2),
        g=_rounded(g, 2),
        ym=_rounded(ym, 3),
        functional_grade=condition_grade(g, rules),
        functional_extent=functional_extent,
        k=_rounded(k, 2),
        e=_rounded(e, 2),
        t=_rounded(t, 2),
        k_used=_rounded(k_used, 2),
        e_used=_rounded(e_used, 2),
        t_used=_rounded(t_used, 2),
        ri=_rounded(ri, 2),
        mi=_rounded(mi, 2),
        repair_priority=priority(ri, rules),
        maintenance_priority=priority(mi, rules),
        deviations=deviations(rules),
    )
