"""Every threshold and every open choice of the rules in ``projects.standards``, in one place.

Two frozen rule sets with their defaults: ``BLACK_ODOUR`` (the 2015 national guide
城市黑臭水体整治工作指南) and ``CJJ181`` (CJJ 181-2012 城镇排水管道检测与评估技术规程, as
published in public implementations, not confirmed from the standard's own text), plus the
CJJ 181 defect-code table ``CJJ181_CODES``. The functions of ``black_odour`` and ``cjj181``
take ``rules=`` (default: these) and ``codes=`` (default: the table); to change a rule, pass
``dataclasses.replace(CJJ181, merge_policy="max")`` and so on, never edit the functions.

``BLACK_ODOUR`` follows the guide literally where the guide speaks, and makes a documented
choice only where it is silent (boundary values, shallow water's severe limit). Where the product
once departed from the guide's words, the departure is kept as a named option that is off by
default (``point_light_by_shares``); ``black_odour.deviations(rules)`` names every departure of a
rule set from the guide, so that a result graded with one is labelled as such.

Numbers may be given as int, float or ``Decimal``: the functions convert them
exactly (a float through its shortest repr, so ``0.2`` means 0.2, not 0.2000000000000000111),
and compare and compute exactly (``Decimal`` / ``Fraction``), so a boundary is never missed by a
rounding error.

Pure Python: no Django import here or anywhere in ``projects.standards`` (a test checks).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

Number = int | float | Decimal

# --- black-odorous water: 城市黑臭水体整治工作指南 (住建部、环保部, 2015) ---


@dataclass(frozen=True)
class IndicatorLimits:
    """The light and severe limits of one indicator (guide, table 1).

    ``higher_is_worse`` False (transparency, DO, ORP): a value at or below ``light`` is light,
    below ``severe`` severe. True (NH₃-N): at or above ``light`` light, above ``severe`` severe.
    The guide gives ranges ("25–10", "< 10") without saying which side a boundary value falls
    on; ``light_inclusive`` says a value equal to ``light`` is light, ``severe_inclusive`` that
    a value equal to ``severe`` is severe (rather than light).
    """

    light: Number
    severe: Number
    higher_is_worse: bool = False
    light_inclusive: bool = True
    severe_inclusive: bool = False


@dataclass(frozen=True)
class BlackOdourRules:
    """Grading of readings, sampling points and water bodies.

    Boundaries (defaults): the guide's light ranges are read as closed at both ends and its
    severe ranges as strict, so every boundary value is light:

    - transparency 25 cm light, 25.1 not; 10 light, 9.9 severe;
    - DO 2.0 mg/L light, 2.01 not; 0.2 light, 0.19 severe;
    - ORP 50 mV light, 50.1 not; −200 light, −200.1 severe;
    - NH₃-N 8.0 mg/L light, 7.99 not; 15.0 light, 15.1 severe.
    """

    version: str = "城市黑臭水体整治工作指南 (2015)"

    transparency: IndicatorLimits = IndicatorLimits(light=25, severe=10)
    dissolved_oxygen: IndicatorLimits = IndicatorLimits(light=Decimal("2.0"), severe=Decimal("0.2"))
    orp: IndicatorLimits = IndicatorLimits(light=50, severe=-200)
    ammonia: IndicatorLimits = IndicatorLimits(
        light=Decimal("8.0"), severe=15, higher_is_worse=True
    )

    # Shallow water (guide, note to table 1: 水深不足25cm时，该指标按水深的40%取值). The guide
    # replaces only the 25 cm limit; it does not say what becomes of the 10 cm severe limit
    # (left at 10 cm it would lie above the new light limit whenever depth < 25 cm). Choice:
    # when ``depth_cm < shallow_depth_cm`` the light limit is ``shallow_light_fraction`` × depth
    # and the severe limit ``shallow_severe_fraction`` × depth, the default 0.16 being the
    # severe limit scaled the same way (10/25 × 40 %). Inclusivity as for deep water: with
    # depth 20 cm, transparency 8.0 is light, 8.1 not; 3.2 light, 3.1 severe.
    shallow_depth_cm: Number = 25
    shallow_light_fraction: Number = Decimal("0.4")
    shallow_severe_fraction: Number = Decimal("0.16")

    # A sampling point (guide: 某检测点1项指标60%以上频次或不少于2项指标30%以上频次为重度黑臭，
    # 否则可认定为轻度黑臭). Each indicator's share is counted over the readings in which it was
    # measured. A point is severe when ≥ ``point_severe_single_share`` of one indicator's readings
    # are severe, or ≥ ``point_severe_pair_share`` of each of ``point_pair_count`` indicators'
    # ("60%以上" read as ≥ 60 %, 以上 including the number itself). Otherwise, by the guide, it is
    # light — when it is black-odorous at all, i.e. at least one reading of one indicator is light
    # or worse; with no such reading it is not black-odorous.
    #
    # ``point_light_by_shares`` (option "light_by_shares", a deviation from the guide, off by
    # default): a point is light only when ≥ ``point_light_single_share`` of one indicator's
    # readings, or ≥ ``point_light_pair_share`` of each of ``point_pair_count`` indicators', are
    # light or worse — the product's former rule, which the guide does not have: with it NH₃-N
    # 16, 16, 5, 5, 5 mg/L (two readings severe) grades the point not black-odorous, where the
    # guide makes it light. Every share test needs at least one such reading, so a share of 0
    # means "any reading".
    point_severe_single_share: Number = Decimal("0.6")
    point_severe_pair_share: Number = Decimal("0.3")
    point_pair_count: int = 2
    point_light_by_shares: bool = False
    point_light_single_share: Number = Decimal("0.6")
    point_light_pair_share: Number = Decimal("0.3")

    # Severe stretches (guide: 连续3个以上检测点为重度黑臭的，检测点之间的区域应认定为重度黑臭):
    # ≥ ``reach_severe_points`` consecutive severe points, in their order along the channel (the
    # distance from its upstream end), make the stretch between the first and the last of them
    # severe. The guide says nothing more of such a stretch: it does not change the grade of the
    # water body, which stays the share rule below.
    reach_severe_points: int = 3

    # A water body (guide: 水体60%以上的检测点被认定为重度黑臭的，整个水体为重度黑臭). Severe when ≥
    # ``body_severe_share`` of its points are severe; otherwise light when ≥ ``body_light_share``
    # of its points are light or severe, 0 (default) meaning "any point"; otherwise not
    # black-odorous. No points: not black-odorous.
    body_severe_share: Number = Decimal("0.6")
    body_light_share: Number = 0

    # How much data the guide asks for (checked by ``judgement_is_sufficient``; the spacing
    # figures are recorded for callers and not checked here).
    minimum_points: int = 3
    minimum_rounds: int = 3
    point_spacing_m: tuple[int, int] = (200, 600)
    round_interval_days: tuple[int, int] = (1, 7)
    sampling_depth_m: float = 0.5


BLACK_ODOUR = BlackOdourRules()


# --- sewer defects: CJJ 181-2012 城镇排水管道检测与评估技术规程 ---


@dataclass(frozen=True)
class CodeScore:
    """One defect code: ``kind`` "structural" or "functional"; ``scores`` the score of grades
    1–4 (None where the code has no such grade); ``scored`` False for codes that are recorded
    but take no part in the scores (FZ 浮渣)."""

    kind: str
    scores: tuple
    scored: bool = True


# The defect-code table of DOMAIN §4 (from public implementations of CJJ 181-2012). The data
# migration 0005 holds the same table as ``DefectCode`` rows; the service passes those rows as
# ``codes=``. A plain dict, as the API promises: copy it (``{**CJJ181_CODES, …}``) to change it.
CJJ181_CODES: dict[str, CodeScore] = {
    # structural 结构性缺陷
    "PL": CodeScore("structural", (0.5, 2, 5, 10)),  # 破裂
    "BX": CodeScore("structural", (1, 2, 5, 10)),  # 变形
    "FS": CodeScore("structural", (0.5, 2, 5, None)),  # 腐蚀
    "CK": CodeScore("structural", (0.5, 2, 5, 10)),  # 错口
    "QF": CodeScore("structural", (0.5, 2, 5, 10)),  # 起伏
    "TJ": CodeScore("structural", (1, 3, 5, 10)),  # 脱节
    "TL": CodeScore("structural", (1, 3, None, None)),  # 接口材料脱落
    "AJ": CodeScore("structural", (0.5, 2, 5, None)),  # 支管暗接
    "CR": CodeScore("structural", (0.5, 2, 5, None)),  # 异物穿入
    "SL": CodeScore("structural", (0.5, 2, 5, 10)),  # 渗漏
    # functional 功能性缺陷
    "CJ": CodeScore("functional", (0.5, 2, 5, 10)),  # 沉积
    "JG": CodeScore("functional", (0.5, 2, 5, 10)),  # 结垢
    "ZW": CodeScore("functional", (0.1, 2, 5, 10)),  # 障碍物
    "CQ": CodeScore("functional", (1, 3, 5, 10)),  # 残墙、坝根
    "SG": CodeScore("functional", (0.5, 2, 5, 10)),  # 树根
    "FZ": CodeScore("functional", (None, None, None, None), scored=False),  # 浮渣
}

CJJ181_CODE_NAMES: dict[str, str] = {
    "PL": "破裂",
    "BX": "变形",
    "FS": "腐蚀",
    "CK": "错口",
    "QF": "起伏",
    "TJ": "脱节",
    "TL": "接口材料脱落",
    "AJ": "支管暗接",
    "CR": "异物穿入",
    "SL": "渗漏",
    "CJ": "沉积",
    "JG": "结垢",
    "ZW": "障碍物",
    "CQ": "残墙、坝根",
    "SG": "树根",
    "FZ": "浮渣",
}


@dataclass(frozen=True)
class DiameterBand:
    """E (pipe importance) is ``value`` for diameters above ``above_mm`` (or at it, when
    ``inclusive``). Bands are tried in order; below every band E is 0."""

    above_mm: Number
    value: int
    inclusive: bool = False


def _frozen(mapping):
    return field(default_factory=lambda: MappingProxyType(dict(mapping)))


@dataclass(frozen=True)
class Cjj181Rules:
    """Segment scoring (CJJ 181-2012 §8, as published in public implementations). The defaults
    are the standard's rules, literally; a rule set departing from them is named by
    ``cjj181.deviations(rules)`` so its results can be labelled.

    Definitions used below. A defect's *extent* runs from ``position_m`` to ``position_m +
    length_m`` (a point where ``length_m`` is None or 0). The *clear distance* between two
    consecutive defects of the same kind (structural with structural, functional with
    functional; unscored codes take no part) is the start of the later one minus the furthest
    end reached by those before it; overlapping defects have a negative clear distance.
    """

    # The rule set's name, as the ``DefectCode`` rows call it (projects.services.sewer_condition
    # reads
    # it). Another rule set, e.g. DB44/T 1025-2012, is another ``Cjj181Rules`` and its codes.
    rule_set: str = "CJJ181-2012"

    # α (纵向净距大于1.0m且不大于1.5m时 α = 1.1, as the published implementations word it):
    # a defect is weighted α when its clear distance to the preceding *or* the following
    # defect of its kind lies in (alpha_gap_min_m, alpha_gap_max_m], the inclusivity of each
    # end configurable. Further apart: α = 1.
    alpha: Number = Decimal("1.1")
    alpha_gap_min_m: Number = Decimal("1.0")
    alpha_gap_min_inclusive: bool = False
    alpha_gap_max_m: Number = Decimal("1.5")
    alpha_gap_max_inclusive: bool = True

    # Defects closer than that (CJJ 181-2012 §8.2, its rule for several defects within 1 m, as
    # public implementations reproduce it: one composite defect whose scores add, at most 10):
    # with a clear distance of at most ``merge_gap_m`` (``merge_gap_inclusive``) they are one
    # defect, spanning all of them, scored by ``merge_policy``: "sum" (default, the standard)
    # the sum of their scores, capped at ``merge_sum_cap``. Deviations, kept as named options
    # (``cjj181.OPTIONS``): "max" (``merge_max``) the highest of their scores, the product's
    # former rule; "none" (``merge_none``) no merging: separate defects, α = 1 between them.
    merge_gap_m: Number = Decimal("1.0")
    merge_gap_inclusive: bool = True
    merge_policy: str = "sum"
    merge_sum_cap: Number = 10

    # Length counted for Sm/Ym: a defect shorter than this (a point defect, a local defect,
    # a merged group) counts this long (the standard: 局部性缺陷…长度按1m计算).
    point_defect_length_m: Number = Decimal("1.0")

    # F = max(S, Smax) (and G = max(Y, Ymax)), the standard's formula: True (default) applies
    # it literally, so α may lift F above the worst defect (two TJ grade 3, 1.2 m apart: S =
    # 1.1·(5 + 5)/2 = 5.5 = F). S is an average, so F can then *fall* when a mild defect is
    # added far away (add a PL grade 1 20 m on: S = 3.83, F = 5): the standard's, not a bug.
    # False is a deviation kept as the named option ``monotone_f`` (the product's former rule):
    # α weights S, Sm, Y and Ym but never lifts F or G above the worst defect (F = Smax,
    # G = Ymax), so adding a defect never lowers F.
    alpha_may_raise_f: bool = True

    # K (area) and E (diameter) count in RI only when F ≥ this (the standard: F<4时 K = E = 0).
    # For MI the standard is read analogously: K and E count only when G ≥ this
    # (``mi_factor_gate`` "g", default); "f" gates MI on F, as a literal reading of the K/E
    # tables would. T counts in RI only when F > 0.
    factor_gate: Number = 4
    mi_factor_gate: str = "g"

    # K, by the standard's area classes: A 中心商业区、附近有甲类民用建筑 10; B 交通干道、附近有
    # 乙类民用建筑 6; C 其他行车道路、附近有丙类民用建筑 3; D 所有其他区域 0.
    area_factors: Mapping[str, int] = _frozen({"A": 10, "B": 6, "C": 3, "D": 0})
    # E: D > 1500 → 10; 1000 < D ≤ 1500 → 6; 600 ≤ D ≤ 1000 → 3; D < 600 → 0 (as published).
    diameter_bands: tuple[DiameterBand, ...] = (
        DiameterBand(1500, 10),
        DiameterBand(1000, 6),
        DiameterBand(600, 3, inclusive=True),
    )
    # T, from public implementations (unconfirmed): 一般土层 0; 粉砂层 10; 湿陷性黄土 IV 级 10,
    # III 级 8, I–II 级 6; 膨胀土 强 10, 中 8, 弱 6; 淤泥类土 淤泥 10, 淤泥质土 8; 红黏土 8.
    soil_factors: Mapping[str, int] = _frozen(
        {
            "ordinary": 0,
            "silt_sand": 10,
            "loess_iv": 10,
            "loess_iii": 8,
            "loess_i_ii": 6,
            "expansive_strong": 10,
            "expansive_medium": 8,
            "expansive_weak": 6,
            "muck": 10,
            "mucky": 8,
            "red_clay": 8,
        }
    )

    # Grade I–IV of F (or G): upper limits, inclusive, of I, II and III (F ≤ 1 I, ≤ 3 II,
    # ≤ 6 III, above IV).
    grade_limits: tuple = (1, 3, 6)
    # Priority of RI (or MI): upper limits, inclusive, of none, plan and soon (≤ 1 none, ≤ 4
    # plan, ≤ 7 soon, above now).
    priority_limits: tuple = (1, 4, 7)
    # Extent of Sm (or Ym): lower limits, inclusive, of partial and whole (< 0.1 local,
    # 0.1–0.5 partial, ≥ 0.5 whole).
    extent_limits: tuple = (Decimal("0.1"), Decimal("0.5"))


CJJ181 = Cjj181Rules()
