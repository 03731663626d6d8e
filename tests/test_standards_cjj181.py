"""The CJJ 181-2012 segment scores (projects.standards.cjj181). Plain Python: no database.

The worked cases give the arithmetic in comments; P is a defect's score from the code table,
L the segment length, n the number of defects (after merging close ones)."""

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from projects.standards import config
from projects.standards.cjj181 import (
    CJJ181_CODES,
    GRADE_WORDING,
    GRADE_WORDING_BY_KIND,
    GRADES,
    OPTIONS,
    PRIORITIES,
    PRIORITY_WORDING,
    CodeScore,
    Defect,
    SegmentScore,
    area_factor,
    condition_grade,
    deviations,
    diameter_factor,
    extent,
    priority,
    rules_with_options,
    score_segment,
    soil_factor,
)

RULES = config.CJJ181


@pytest.fixture(autouse=True)
def _plain_static_storage():
    """Overrides the conftest fixture of that name, which needs Django's settings: these tests
    run without Django (``-p no:django``) as well as with it."""


def score(defects, length=40, diameter=600, area="C", soil="ordinary", **kwargs):
    return score_segment(length, diameter, defects, area, soil, **kwargs)


def rules(**changes):
    return dataclasses.replace(RULES, **changes)


def options(*keys, **changes):
    """The standard's rules with the named deviations (``OPTIONS``) and any other changes."""
    return dataclasses.replace(rules_with_options(keys), **changes)


# --- the table ---------------------------------------------------------------------------------


def test_it_holds_the_code_table_of_the_domain():
    structural = {"PL", "BX", "FS", "CK", "QF", "TJ", "TL", "AJ", "CR", "SL"}
    functional = {"CJ", "JG", "ZW", "CQ", "SG", "FZ"}
    assert set(CJJ181_CODES) == structural | functional
    assert {c for c, s in CJJ181_CODES.items() if s.kind == "structural"} == structural
    assert {c for c, s in CJJ181_CODES.items() if s.kind == "functional"} == functional
    assert CJJ181_CODES["PL"] == CodeScore("structural", (0.5, 2, 5, 10))
    assert CJJ181_CODES["TJ"].scores == (1, 3, 5, 10)
    assert CJJ181_CODES["TL"].scores == (1, 3, None, None)
    assert CJJ181_CODES["FS"].scores == (0.5, 2, 5, None)
    assert CJJ181_CODES["ZW"].scores == (0.1, 2, 5, 10)
    assert CJJ181_CODES["CQ"].scores == (1, 3, 5, 10)
    assert not CJJ181_CODES["FZ"].scored
    assert all(s.scored for c, s in CJJ181_CODES.items() if c != "FZ")
    assert all(len(s.scores) == 4 for s in CJJ181_CODES.values())


def test_it_words_grades_and_priorities_in_chinese():
    assert PRIORITY_WORDING["repair"] == {
        "none": "不需修复",
        "plan": "宜制定修复计划",
        "soon": "宜尽快修复",
        "now": "应立即修复",
    }
    assert PRIORITY_WORDING["maintenance"]["now"] == "应立即养护"
    assert set(PRIORITY_WORDING["maintenance"]) == set(PRIORITIES)
    assert GRADE_WORDING["I"] == "无或有轻微缺陷"
    assert GRADE_WORDING["IV"] == "重大缺陷"
    assert set(GRADE_WORDING) == set(GRADES)
    assert GRADE_WORDING_BY_KIND["structural"] == GRADE_WORDING
    assert GRADE_WORDING_BY_KIND["functional"]["III"] == "严重缺陷"


def test_it_names_its_rule_set():
    assert RULES.rule_set == "CJJ181-2012"


# --- the standard literally, and the named deviations ------------------------------------------


def test_its_defaults_are_the_standard_with_no_deviation():
    assert RULES.alpha_may_raise_f is True
    assert (RULES.merge_policy, RULES.merge_sum_cap) == ("sum", 10)
    assert deviations(RULES) == deviations() == ()
    assert rules_with_options([]) == RULES
    assert set(OPTIONS) == {"monotone_f", "merge_max", "merge_none"}


def test_it_names_each_deviation_of_a_rule_set():
    assert deviations(options("monotone_f")) == ("monotone_f",)
    assert deviations(options("merge_max", "monotone_f")) == ("monotone_f", "merge_max")
    assert deviations(options("merge_none")) == ("merge_none",)
    # A rule set built by hand is named by what it does, not by how it was built.
    assert deviations(rules(alpha_may_raise_f=False, merge_policy="max")) == (
        "monotone_f",
        "merge_max",
    )
    assert options("monotone_f").alpha_may_raise_f is False
    assert options("merge_max").merge_policy == "max"
    assert options("merge_max", "merge_max") == options("merge_max")


def test_it_refuses_an_unknown_or_contradictory_option():
    with pytest.raises(ValueError, match="Unknown CJJ 181 scoring option 'monotone'"):
        rules_with_options(["monotone"])
    with pytest.raises(ValueError, match="'merge_max' and 'merge_none' cannot both be chosen"):
        rules_with_options(["merge_max", "merge_none"])


def test_it_lets_alpha_lift_f_above_the_worst_defect_as_the_standard_does():
    # Two TJ grade 3 (P = 5) 1.2 m apart on a 500 mm pipe (E = 0) in area C (K = 3), ordinary
    # soil (T = 0). Clear distance 1.2 m → both weighted α: S = 1.1·(5 + 5)/2 = 5.5, Smax = 5.
    # The standard: F = max(S, Smax) = 5.5 → III; F ≥ 4, so K counts:
    # RI = 0.7·5.5 + 0.1·3 + 0.05·0 = 3.85 + 0.3 = 4.15 → soon (宜尽快修复).
    pair = [Defect("TJ", 3, 0), Defect("TJ", 3, 1.2)]
    literal = score(pair, length=40, diameter=500, area="C", soil="ordinary")
    assert (literal.s, literal.s_max, literal.f, literal.structural_grade) == (5.5, 5, 5.5, "III")
    assert (literal.k_used, literal.e_used, literal.t_used) == (3, 0, 0)
    assert (literal.ri, literal.repair_priority) == (4.15, "soon")
    assert PRIORITY_WORDING["repair"][literal.repair_priority] == "宜尽快修复"
    assert literal.deviations == ()
    # Option monotone_f (a deviation): F = Smax = 5; RI = 3.5 + 0.3 = 3.80 → plan.
    monotone = score(
        pair, length=40, diameter=500, area="C", soil="ordinary", rules=options("monotone_f")
    )
    assert (monotone.s, monotone.f, monotone.ri) == (5.5, 5, 3.8)
    assert PRIORITY_WORDING["repair"][monotone.repair_priority] == "宜制定修复计划"
    assert monotone.deviations == ("monotone_f",)


def test_it_repairs_two_broken_pipes_1_3_m_apart_at_once_as_the_standard_does():
    # Two PL grade 4 (P = 10) 1.3 m apart on a 400 mm pipe (E = 0) in area D (K = 0).
    # S = 1.1·(10 + 10)/2 = 11 = F → IV; RI = 0.7·11 = 7.7 → now (应立即修复).
    pair = [Defect("PL", 4, 5), Defect("PL", 4, 6.3)]
    literal = score(pair, length=40, diameter=400, area="D", soil="ordinary")
    assert (literal.s, literal.f, literal.structural_grade) == (11, 11, "IV")
    assert (literal.ri, literal.repair_priority) == (7.7, "now")
    assert PRIORITY_WORDING["repair"][literal.repair_priority] == "应立即修复"
    # monotone_f: F = 10, RI = 7.0 → soon (宜尽快修复).
    monotone = score(
        pair, length=40, diameter=400, area="D", soil="ordinary", rules=options("monotone_f")
    )
    assert (monotone.f, monotone.ri, monotone.repair_priority) == (10, 7.0, "soon")


def test_it_adds_the_scores_of_defects_within_1_m_as_the_standard_does():
    # SL grade 2 (P = 2) and PL grade 3 (P = 5) 0.5 m apart, on a 400 mm pipe (E = 0) in
    # area D (K = 0), ordinary soil, L = 40 m. The standard: one composite defect, P = 2 + 5 = 7
    # (at most 10), n = 1: S = Smax = F = 7 → IV (F > 6); F ≥ 4 opens the K/E gate, but K = E = 0:
    # RI = 0.7·7 = 4.9 → soon.
    close = [Defect("SL", 2, 10.0), Defect("PL", 3, 10.5)]
    literal = score(close, length=40, diameter=400, area="D", soil="ordinary")
    assert (literal.s, literal.s_max, literal.f, literal.structural_grade) == (7, 7, 7, "IV")
    assert (literal.ri, literal.repair_priority, literal.deviations) == (4.9, "soon", ())
    # Option merge_max (a deviation, the product's former rule): the higher score, 5:
    # F = 5 → III, RI = 3.5 → plan.
    highest = score(
        close, length=40, diameter=400, area="D", soil="ordinary", rules=options("merge_max")
    )
    assert (highest.f, highest.structural_grade, highest.ri) == (5, "III", 3.5)
    assert (highest.repair_priority, highest.deviations) == ("plan", ("merge_max",))
    # Option merge_none: two defects 0.5 m apart (α = 1): S = (2 + 5)/2 = 3.5, F = 5, RI 3.5.
    apart = score(
        close, length=40, diameter=400, area="D", soil="ordinary", rules=options("merge_none")
    )
    assert (apart.s, apart.f, apart.ri, apart.deviations) == (3.5, 5, 3.5, ("merge_none",))


def test_it_caps_a_composite_defect_at_10():
    # PL 4 (P = 10) and SL 3 (P = 5) 0.2 m apart: 10 + 5 = 15, capped at 10.
    result = score([Defect("PL", 4, 3.0), Defect("SL", 3, 3.2)], area="D", diameter=400)
    assert (result.s, result.f, result.ri) == (10, 10, 7.0)
    # Three defects in a chain, each within 1 m of the last: one composite defect.
    # SL 2 + SL 2 + SL 1 = 2 + 2 + 0.5 = 4.5.
    chain = [Defect("SL", 2, 0), Defect("SL", 2, 0.8), Defect("SL", 1, 1.6)]
    assert (score(chain).s, score(chain).f) == (4.5, 4.5)


def test_it_shows_what_ri_used_of_k_e_and_t():
    # Area C (K = 3), 800 mm (E = 3), silty sand (T = 10). SL 2 (P = 2): F = 2 < 4, so RI uses
    # K = E = 0 but T: RI = 0.7·2 + 0.15·10 = 2.9; the factors as such stay 3, 3, 10.
    low = score([Defect("SL", 2, 1)], diameter=800, area="C", soil="silt_sand")
    assert (low.k, low.e, low.t) == (3, 3, 10)
    assert (low.k_used, low.e_used, low.t_used, low.ri) == (0, 0, 10, 2.9)
    # SL 3 (P = 5): F = 5 ≥ 4, all three count: RI = 3.5 + 0.3 + 0.15 + 1.5 = 5.45.
    high = score([Defect("SL", 3, 1)], diameter=800, area="C", soil="silt_sand")
    assert (high.k_used, high.e_used, high.t_used, high.ri) == (3, 3, 10, 5.45)
    # Functional only: F = 0, so T is off as well.
    none = score([Defect("CJ", 4, 1)], diameter=800, area="C", soil="silt_sand")
    assert (none.k_used, none.e_used, none.t_used, none.ri) == (0, 0, 0, 0)


# --- the worked Shenzhen case ------------------------------------------------------------------


@pytest.mark.parametrize("length", [1, 2.5, 40, 100, Decimal("1234.56")])
def test_it_scores_the_published_shenzhen_case(length):
    # One SL grade 2 (P = 2) on a 600 mm pipe: S = 2/1 = 2, Smax = 2, F = 2 → II.
    # F < 4, so K = E = 0 in RI; ordinary soil T = 0: RI = 0.7 × 2 = 1.4 → plan.
    result = score([Defect("SL", 2, 0.5)], length=length, diameter=600)
    assert (result.s, result.s_max, result.f) == (2, 2, 2)
    assert result.ri == 1.4
    assert result.structural_grade == "II"
    assert result.repair_priority == "plan"
    assert (result.g, result.mi, result.maintenance_priority) == (0, 0, "none")


# --- worked cases of our own -------------------------------------------------------------------


def test_it_scores_several_defects_far_apart_with_k_and_e_on():
    # L = 50 m, 800 mm (E = 3), area B (K = 6), ordinary soil (T = 0).
    # PL 3 (P = 5) at 10 m, CK 2 (P = 2) at 20 m, TJ 1 (P = 1) at 35 m: gaps 10 and 15 m, α = 1.
    # S = (5 + 2 + 1)/3 = 8/3 = 2.667 → 2.67; Smax = 5; F = 5 → III.
    # Sm = (5·1 + 2·1 + 1·1)/(8/3 · 50) = 8/(400/3) = 0.06 → local.
    # F ≥ 4 so K and E count: RI = 0.7·5 + 0.1·6 + 0.05·3 + 0.15·0 = 3.5 + 0.6 + 0.15 = 4.25 → soon.
    result = score(
        [Defect("PL", 3, 10), Defect("CK", 2, 20), Defect("TJ", 1, 35)],
        length=50,
        diameter=800,
        area="B",
    )
    assert result == SegmentScore(
        s=2.67, s_max=5, f=5, sm=0.06, structural_grade="III", structural_extent="local",
        y=0, y_max=0, g=0, ym=0, functional_grade="I", functional_extent="",
        k=6, e=3, t=0, k_used=6, e_used=3, t_used=0, ri=4.25, mi=0, repair_priority="soon",
        maintenance_priority="none",
    )  # fmt: skip


def test_it_weights_defects_1_to_1_5_m_apart_by_alpha():
    # L = 20 m, 1200 mm (E = 6), area A (K = 10), ordinary soil.
    # PL 2 (P = 2) at 5.0 m and SL 3 (P = 5) at 6.2 m: clear distance 1.2 m → both weighted α.
    # BX 1 (P = 1) at 12.0 m, 2.0 m long: 5.8 m after SL → α = 1.
    # S = (1 + 1.1·(2 + 5))/3 = (1 + 7.7)/3 = 2.9; Smax = 5; F = max(2.9, 5) = 5 → III.
    # Sm = (1·2.0 + 1.1·(2·1 + 5·1))/(2.9·20) = (2 + 7.7)/58 = 0.16724 → 0.167, partial.
    # RI = 0.7·5 + 0.1·10 + 0.05·6 = 3.5 + 1 + 0.3 = 4.8 → soon.
    result = score(
        [Defect("PL", 2, 5.0), Defect("SL", 3, 6.2), Defect("BX", 1, 12.0, 2.0)],
        length=20,
        diameter=1200,
        area="A",
    )
    assert (result.s, result.s_max, result.f, result.sm) == (2.9, 5, 5, 0.167)
    assert (result.structural_grade, result.structural_extent) == ("III", "partial")
    assert (result.k, result.e, result.ri, result.repair_priority) == (10, 6, 4.8, "soon")


def test_it_merges_defects_closer_than_1_m_into_one_composite_defect():
    # L = 30 m, 500 mm (E = 0), area C (K = 3), silty sand (T = 10).
    # CK 1 (P = 0.5) at 3.0 m and PL 2 (P = 2) at 3.4 m: 0.4 m apart → one composite defect,
    # P = 0.5 + 2 = 2.5, spanning 3.0–3.4 m, counted 1.0 m long. TL 1 (P = 1) at 10 m: 6.6 m
    # on, α = 1. n = 2: S = (2.5 + 1)/2 = 1.75; Smax = 2.5; F = 2.5 → II.
    # Sm = (2.5·1 + 1·1)/(1.75·30) = 3.5/52.5 = 0.0667 → 0.067, local.
    # F < 4: K, E off; F > 0: T on. RI = 0.7·2.5 + 0.15·10 = 1.75 + 1.5 = 3.25 → plan.
    defects = [Defect("CK", 1, 3.0), Defect("PL", 2, 3.4), Defect("TL", 1, 10.0)]
    result = score(defects, length=30, diameter=500, area="C", soil="silt_sand")
    assert (result.s, result.s_max, result.f, result.sm) == (1.75, 2.5, 2.5, 0.067)
    assert (result.structural_grade, result.structural_extent) == ("II", "local")
    assert (result.k, result.e, result.t, result.ri) == (3, 0, 10, 3.25)
    assert (result.k_used, result.e_used, result.t_used) == (0, 0, 10)
    assert result.repair_priority == "plan"

    # Option merge_max: the pair scores the higher, 2. S = (2 + 1)/2 = 1.5, F = 2,
    # Sm = (2 + 1)/(1.5·30) = 0.067, RI = 0.7·2 + 1.5 = 2.9.
    highest = score(defects, length=30, diameter=500, soil="silt_sand", rules=options("merge_max"))
    assert (highest.s, highest.f, highest.sm, highest.ri) == (1.5, 2, 0.067, 2.9)
    # Option merge_none: three defects, α = 1 (0.4 m is not 1.0–1.5 m).
    # S = (0.5 + 2 + 1)/3 = 1.1667 → 1.17.
    apart = score(defects, length=30, diameter=500, soil="silt_sand", rules=options("merge_none"))
    assert (apart.s, apart.f, apart.ri) == (1.17, 2, 2.9)


def test_it_measures_the_clear_distance_from_the_end_of_a_long_defect():
    # CJ 2 (P = 2) from 0 m, 5 m long, ends at 5.0; CJ 3 (P = 5) at 5.5 m: 0.5 m clear → one
    # composite defect: P = 2 + 5 = 7, spanning 0–5.5 m. SG 1 (P = 0.5) at 6.8 m: 1.3 m clear →
    # both weighted α. L = 20 m: Y = 1.1·(7 + 0.5)/2 = 4.125 → 4.13 (half up); Ymax = 7;
    # G = max(Y, Ymax) = 7 → IV.
    # Ym = 1.1·(7·5.5 + 0.5·1)/(4.125·20) = 1.1·39/82.5 = 42.9/82.5 = 0.52 → whole.
    found = [Defect("CJ", 2, 0, 5), Defect("CJ", 3, 5.5), Defect("SG", 1, 6.8)]
    result = score(found, length=20)
    assert (result.y, result.y_max, result.g, result.ym) == (4.13, 7, 7, 0.52)
    assert (result.functional_grade, result.functional_extent) == ("IV", "whole")
    # Option merge_max: the pair scores 5. Y = 1.1·(5 + 0.5)/2 = 3.025 → 3.03; G = 5 → III.
    # Ym = 1.1·(5·5.5 + 0.5·1)/(3.025·20) = 30.8/60.5 = 0.50909 → 0.509, whole.
    highest = score(found, length=20, rules=options("merge_max"))
    assert (highest.y, highest.y_max, highest.g, highest.ym) == (3.03, 5, 5, 0.509)
    assert (highest.functional_grade, highest.functional_extent) == ("III", "whole")


def test_it_switches_k_and_e_on_when_f_reaches_4():
    # 1600 mm (E = 10), area A (K = 10), ordinary soil.
    # PL 2 (P = 2): F = 2 < 4 → RI = 0.7·2 = 1.4 (plan).
    # PL 3 (P = 5): F = 5 ≥ 4 → RI = 3.5 + 0.1·10 + 0.05·10 = 5.0 (soon).
    low = score([Defect("PL", 2, 1)], diameter=1600, area="A")
    high = score([Defect("PL", 3, 1)], diameter=1600, area="A")
    assert (low.ri, low.repair_priority, high.ri, high.repair_priority) == (
        1.4, "plan", 5.0, "soon"
    )  # fmt: skip
    # Exactly at the gate, with a table of our own: F = 4 → RI = 2.8 + 1 + 0.5 = 4.3;
    # F = 3.99 → RI = 0.7·3.99 = 2.793 → 2.79.
    codes = {"XX": CodeScore("structural", (Decimal("3.99"), 4, None, None))}
    at = score([Defect("XX", 2, 1)], diameter=1600, area="A", codes=codes)
    below = score([Defect("XX", 1, 1)], diameter=1600, area="A", codes=codes)
    assert (at.f, at.ri, below.f, below.ri) == (4, 4.3, 3.99, 2.79)
    assert (at.k_used, at.e_used, below.k_used, below.e_used) == (10, 10, 0, 0)


def test_it_counts_soil_only_when_there_is_a_structural_defect_and_scores_function():
    # L = 25 m, 1600 mm (E = 10), area A (K = 10), muck (T = 10).
    # Functional only: CJ 3 (P = 5) from 0 m, 10 m long; SG 2 (P = 2) at 15 m (5 m clear, α = 1).
    # Y = (5 + 2)/2 = 3.5; Ymax = 5; G = 5 → III.
    # Ym = (5·10 + 2·1)/(3.5·25) = 52/87.5 = 0.594 → whole.
    # MI = 0.8·5 + 0.15·10 + 0.05·10 = 4 + 1.5 + 0.5 = 6.0 → soon (G ≥ 4: K and E count).
    # No structural defect: F = 0, so T is off too: RI = 0 → none.
    functional = [Defect("CJ", 3, 0, 10), Defect("SG", 2, 15)]
    result = score(functional, length=25, diameter=1600, area="A", soil="muck")
    assert (result.y, result.y_max, result.g, result.ym) == (3.5, 5, 5, 0.594)
    assert (result.functional_grade, result.functional_extent) == ("III", "whole")
    assert (result.mi, result.maintenance_priority) == (6.0, "soon")
    assert (result.f, result.ri, result.repair_priority, result.t) == (0, 0, "none", 10)
    assert result.t_used == 0
    assert (result.structural_grade, result.structural_extent) == ("I", "")
    # Add SL 1 (P = 0.5): F = 0.5 > 0 → T counts: RI = 0.35 + 0.15·10 = 1.85 → plan.
    result = score(
        [*functional, Defect("SL", 1, 20)], length=25, diameter=1600, area="A", soil="muck"
    )
    assert (result.f, result.ri, result.repair_priority) == (0.5, 1.85, "plan")
    assert (result.k_used, result.e_used, result.t_used) == (0, 0, 10)


def test_it_gates_k_and_e_in_mi_on_g():
    # ZW 2 (P = 2) and PL 4 (P = 10) on 1600 mm, area A. G = 2 < 4: MI = 0.8·2 = 1.6 (plan).
    # Gated on F instead (F = 10): MI = 1.6 + 0.15·10 + 0.05·10 = 3.6.
    defects = [Defect("ZW", 2, 3), Defect("PL", 4, 10)]
    assert score(defects, diameter=1600, area="A").mi == 1.6
    assert score(defects, diameter=1600, area="A", rules=rules(mi_factor_gate="f")).mi == 3.6
    # RI = 0.7·10 + 1 + 0.5 = 8.5 → now, IV.
    result = score(defects, diameter=1600, area="A")
    assert (result.ri, result.repair_priority, result.structural_grade) == (8.5, "now", "IV")


def test_the_standard_can_lower_f_when_a_defect_is_added_and_monotone_f_cannot():
    # TJ 3 (P = 5) at 0 and at 1.2 m (clear 1.2 m → α): S = 1.1·(5 + 5)/2 = 5.5, Smax = 5.
    # The standard literally: F = max(S, Smax) = 5.5 …
    pair = [Defect("TJ", 3, 0), Defect("TJ", 3, 1.2)]
    assert (score(pair).s, score(pair).f) == (5.5, 5.5)
    # … which falls when a mild defect is added 20 m on: S = (0.5 + 1.1·10)/3 = 3.83, F = 5.
    worse = [*pair, Defect("PL", 1, 20)]
    assert (score(worse).s, score(worse).f) == (3.83, 5)
    assert score(worse).f < score(pair).f
    # Option monotone_f keeps F at the worst defect: adding a defect never lowers it.
    monotone = options("monotone_f")
    assert score(worse, rules=monotone).f == score(pair, rules=monotone).f == 5


# --- α and merging at their edges --------------------------------------------------------------


@pytest.mark.parametrize(
    ("second_at", "expected_s", "expected_sm", "expected_f"),
    [
        # Two SL 2 (P = 2), points, the first at 3.0 m, L = 10 m.
        (3.9, 4, 0.1, 4),  # 0.9 m: one defect, P = 2 + 2, n = 1; S = 4, Sm = 4·1/(4·10) = 0.1
        (4.0, 4, 0.1, 4),  # 1.0 m: merged (≤ 1.0)
        (4.01, 2.2, 0.2, 2.2),  # 1.01 m: α; S = 1.1·4/2 = 2.2 = F, Sm = 1.1·4/(2.2·10) = 0.2
        (4.5, 2.2, 0.2, 2.2),  # 1.5 m: α (≤ 1.5)
        (4.51, 2, 0.2, 2),  # 1.51 m: α = 1; S = 4/2 = 2, Sm = (2 + 2)/(2·10) = 0.2
    ],
)
def test_it_applies_alpha_and_merging_at_their_boundaries(
    second_at, expected_s, expected_sm, expected_f
):
    result = score([Defect("SL", 2, 3.0), Defect("SL", 2, second_at)], length=10)
    assert (result.s, result.sm, result.f) == (expected_s, expected_sm, expected_f)


def test_it_weights_a_defect_by_alpha_through_either_neighbour():
    # P = 2 at 0, 1.2 and 10 m: the first two are 1.2 m apart (both α), the third 8.8 m on.
    # S = (1.1·(2 + 2) + 2)/3 = 6.4/3 = 2.133 → 2.13.
    result = score([Defect("SL", 2, 0), Defect("SL", 2, 1.2), Defect("SL", 2, 10)])
    assert result.s == 2.13


def test_it_keeps_structural_and_functional_defects_apart():
    # A functional defect between two structural ones neither merges with them nor makes them α.
    result = score([Defect("SL", 2, 0), Defect("CJ", 2, 0.5), Defect("SL", 2, 3)])
    assert (result.s, result.y) == (2, 2)


def test_it_makes_alpha_and_merging_configurable():
    pair = [Defect("SL", 2, 3.0), Defect("SL", 2, 4.0)]  # 1.0 m apart
    assert score(pair, rules=rules(merge_gap_inclusive=False)).s == 2  # 1.0: neither, α = 1
    inclusive = rules(merge_gap_inclusive=False, alpha_gap_min_inclusive=True)
    assert score(pair, rules=inclusive).s == 2.2
    assert (
        score(
            pair,
            rules=rules(
                merge_gap_m=Decimal("0.5"), alpha=Decimal("1.2"), alpha_gap_min_m=Decimal("0.5")
            ),
        ).s
        == 2.4
    )


@pytest.mark.parametrize(
    ("length", "sm", "expected"),
    [
        # one point defect: Sm = P·1/(P·L) = 1/L
        (10, 0.1, "partial"),
        (10.01, 0.1, "local"),  # 0.0999 → shown 0.100, still local: decided before rounding
        (2, 0.5, "whole"),
        (2.01, 0.498, "partial"),
        (16, 0.063, "local"),  # 0.0625, rounded half up
    ],
)
def test_it_grades_the_extent_from_sm(length, sm, expected):
    result = score([Defect("PL", 1, 0)], length=length)
    assert (result.sm, result.structural_extent) == (sm, expected)


def test_it_counts_a_short_defect_one_metre_long():
    # A 0.3 m long defect counts 1 m, a 2.5 m one 2.5 m: Sm = 1/10, 2.5/10.
    assert score([Defect("PL", 1, 0, 0.3)], length=10).sm == 0.1
    assert score([Defect("PL", 1, 0, 2.5)], length=10).sm == 0.25
    assert score([Defect("PL", 1, 0)], length=10, rules=rules(point_defect_length_m=2)).sm == 0.2


# --- no defects, ignored codes, bad input ------------------------------------------------------


def test_it_scores_a_segment_without_defects_as_sound():
    result = score([], diameter=1600, area="A", soil="muck")
    assert result == SegmentScore(
        s=0, s_max=0, f=0, sm=0, structural_grade="I", structural_extent="",
        y=0, y_max=0, g=0, ym=0, functional_grade="I", functional_extent="",
        k=10, e=10, t=10, k_used=0, e_used=0, t_used=0, ri=0, mi=0, repair_priority="none",
        maintenance_priority="none",
    )  # fmt: skip


def test_it_records_but_does_not_score_fz():
    assert score([Defect("FZ", 3, 2)]) == score([])
    assert score([Defect("FZ", 7, 2)]) == score([])  # any grade: it is not scored
    assert score([Defect("FZ", 2, 2), Defect("ZW", 1, 2.5)]).y == 0.1


def test_it_accepts_the_database_table_and_its_number_types():
    codes = {
        code: CodeScore(
            s.kind, tuple(None if x is None else Decimal(str(x)) for x in s.scores), s.scored
        )
        for code, s in CJJ181_CODES.items()
    }
    defects = [Defect("SL", 2, Decimal("3.10"), Decimal("0.5")), Defect("sl", 3, 12)]
    assert score(defects, codes=codes) == score(defects)
    assert score(defects, length=Decimal("40.00"), diameter=Decimal("600")) == score(defects)


@pytest.mark.parametrize(
    ("defect", "message"),
    [
        (Defect("XX", 1, 0), "Unknown defect code 'XX'"),
        (Defect("FS", 4, 0), "code FS has no grade 4"),
        (Defect("TL", 3, 0), "code TL has no grade 3"),
        (Defect("PL", 0, 0), "grade 0 is not one of"),
        (Defect("PL", 5, 0), "grade 5 is not one of"),
        (Defect("PL", "2", 0), "grade '2' is not one of"),
        (Defect("PL", 2, -1), "cannot be negative"),
        (Defect("PL", 2, 1, -0.5), "cannot be negative"),
        (Defect("PL", 2, float("nan")), "finite"),
    ],
)
def test_it_refuses_a_defect_it_cannot_score(defect, message):
    with pytest.raises(ValueError, match=message):
        score([Defect("SL", 1, 30), defect])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"length": 0}, "length_m must be greater than 0"),
        ({"length": -3}, "length_m must be greater than 0"),
        ({"diameter": 0}, "diameter_mm must be greater than 0"),
        ({"diameter": None}, "diameter_mm must be a number"),
        ({"area": "E"}, "Unknown area class 'E'"),
        ({"area": None}, "Unknown area class None"),
        ({"soil": "sand"}, "Unknown soil 'sand'"),
        ({"soil": None}, "Unknown soil None"),
    ],
)
def test_it_refuses_a_segment_it_cannot_score(arguments, message):
    with pytest.raises(ValueError, match=message):
        score([], **arguments)


def test_it_refuses_unknown_rule_choices():
    with pytest.raises(ValueError, match="merge_policy"):
        score([Defect("SL", 1, 0)], rules=rules(merge_policy="mean"))
    with pytest.raises(ValueError, match="mi_factor_gate"):
        score([], rules=rules(mi_factor_gate="k"))


# --- factors and bounds, both sides of every boundary ------------------------------------------


@pytest.mark.parametrize(
    ("diameter", "expected"),
    [(300, 0), (599, 0), (599.9, 0), (600, 3), (800, 3), (1000, 3), (1001, 6), (1500, 6),
     (Decimal("1500.1"), 10), (1501, 10), (3000, 10)],
)  # fmt: skip
def test_it_rates_pipe_importance_by_diameter(diameter, expected):
    assert diameter_factor(diameter) == expected


@pytest.mark.parametrize(
    ("area", "expected"), [("A", 10), ("B", 6), ("C", 3), ("D", 0), (" b ", 6)]
)
def test_it_rates_the_area(area, expected):
    assert area_factor(area) == expected


@pytest.mark.parametrize(
    ("soil", "expected"),
    [("ordinary", 0), ("silt_sand", 10), ("loess_iv", 10), ("loess_iii", 8), ("loess_i_ii", 6),
     ("expansive_strong", 10), ("expansive_medium", 8), ("expansive_weak", 6), ("muck", 10),
     ("mucky", 8), ("red_clay", 8), ("Red_Clay", 8)],
)  # fmt: skip
def test_it_rates_the_soil(soil, expected):
    assert soil_factor(soil) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "I"), (1, "I"), (1.01, "II"), (3, "II"), (3.01, "III"), (6, "III"), (6.01, "IV"),
     (11, "IV")],
)  # fmt: skip
def test_it_grades_f_and_g(value, expected):
    assert condition_grade(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "none"), (1, "none"), (1.01, "plan"), (4, "plan"), (4.01, "soon"), (7, "soon"),
     (7.01, "now"), (12, "now")],
)  # fmt: skip
def test_it_sets_priorities_from_ri_and_mi(value, expected):
    assert priority(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "local"), (0.099, "local"), (0.1, "partial"), (0.499, "partial"), (0.5, "whole"),
     (3, "whole")],
)  # fmt: skip
def test_it_names_the_extent(value, expected):
    assert extent(value) == expected


def test_it_grades_segments_at_the_grade_boundaries():
    # TJ 1 (P = 1): F = 1 → I; TJ 2 (P = 3): F = 3 → II; TJ 3 (P = 5) → III; TJ 4 (10) → IV.
    grades = [score([Defect("TJ", grade, 0)]).structural_grade for grade in (1, 2, 3, 4)]
    assert grades == ["I", "II", "III", "IV"]
    # ZW 1 (P = 0.1): G = 0.1 → I; MI = 0.08 → none.
    result = score([Defect("ZW", 1, 0)])
    assert (result.g, result.functional_grade, result.mi) == (0.1, "I", 0.08)


# --- properties --------------------------------------------------------------------------------

SCORED = sorted(code for code, entry in CJJ181_CODES.items() if entry.scored)
# Positions in 0.1 m steps (which hit every boundary), mostly within a few metres of each other
# so that defects often fall 1.0–1.5 m apart or close enough to merge.
metres = st.one_of(st.integers(0, 60), st.integers(0, 600)).map(lambda tenths: tenths / 10)


@st.composite
def defects(draw, codes=tuple(SCORED) + ("FZ",)):
    code = draw(st.sampled_from(codes))
    scores = CJJ181_CODES[code].scores
    grade = draw(st.sampled_from([g for g, s in enumerate(scores, 1) if s is not None] or [1]))
    length = draw(st.none() | metres.map(lambda m: m / 10))
    return Defect(code, grade, draw(metres), length)


segments = st.fixed_dictionaries(
    {
        "length": st.integers(1, 2000).map(lambda tenths: tenths / 10),
        "diameter": st.sampled_from([300, 599, 600, 1000, 1200, 1500, 1600]),
        "area": st.sampled_from("ABCD"),
        "soil": st.sampled_from(sorted(RULES.soil_factors)),
    }
)

# Option monotone_f, with every merge policy and other choices: adding a defect never scores a
# segment better. The standard's own F = max(S, Smax) does not have that property (below).
MONOTONE_VARIANTS = {
    "monotone": options("monotone_f"),
    "monotone-max": options("monotone_f", "merge_max"),
    "monotone-none": options("monotone_f", "merge_none"),
    "monotone-mi-on-f": options("monotone_f", mi_factor_gate="f"),
    "monotone-wide-alpha": options(
        "monotone_f", alpha_gap_min_m=0, merge_gap_m=0, merge_gap_inclusive=False
    ),
}


def order(result):
    return (
        GRADES.index(result.structural_grade),
        GRADES.index(result.functional_grade),
        PRIORITIES.index(result.repair_priority),
        PRIORITIES.index(result.maintenance_priority),
    )


@pytest.mark.parametrize("variant", list(MONOTONE_VARIANTS))
@settings(max_examples=300)  # with 300, the literal F = max(S, Smax) fails here in every run
@example(  # the case where the standard's formula lowers F
    segment={"length": 40, "diameter": 600, "area": "C", "soil": "ordinary"},
    existing=[Defect("TJ", 3, 0), Defect("TJ", 3, 1.2)],
    added=Defect("PL", 1, 20),
    data=None,
).via("the literal formula's counterexample")
@given(segment=segments, existing=st.lists(defects(), max_size=8), added=defects(), data=st.data())
def test_monotone_f_never_scores_a_segment_better_for_another_defect(
    variant, segment, existing, added, data
):
    chosen = MONOTONE_VARIANTS[variant]
    where = data.draw(st.integers(0, len(existing))) if data else len(existing)
    before = score(existing, rules=chosen, **segment)
    after = score([*existing[:where], added, *existing[where:]], rules=chosen, **segment)
    assert after.f >= before.f
    assert after.g >= before.g
    assert after.ri >= before.ri
    assert after.mi >= before.mi
    assert all(a >= b for a, b in zip(order(after), order(before), strict=True))


@given(segment=segments, found=st.lists(defects(), max_size=8), data=st.data())
def test_it_scores_the_defects_whatever_their_order(segment, found, data):
    shuffled = data.draw(st.permutations(found))
    assert score(shuffled, **segment) == score(found, **segment)


@given(segment=segments, found=st.lists(defects(tuple(SCORED)), min_size=1, max_size=8))
def test_it_never_puts_f_or_g_below_the_worst_defect(segment, found):
    worst = {"structural": 0, "functional": 0}
    for defect in found:
        entry = CJJ181_CODES[defect.code]
        worst[entry.kind] = max(worst[entry.kind], entry.scores[defect.grade - 1])
    # The standard: at least the worst defect; composite defects and α may go above it, to at
    # most 1.1 × 10 (a composite defect is capped at 10).
    result = score(found, **segment)
    assert worst["structural"] <= result.f <= 11 and worst["functional"] <= result.g <= 11
    assert result.s <= result.f and result.y <= result.g
    # Options monotone_f and merge_max: exactly the worst defect, S within α of it.
    former = score(found, rules=options("monotone_f", "merge_max"), **segment)
    assert former.f == worst["structural"] and former.g == worst["functional"]
    assert former.s <= former.f * 1.1 + 0.01
