"""The maintenance fee rule (projects.standards.maintenance). Plain Python: no database."""

from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from projects.standards.maintenance import (
    DEFAULT_RULE,
    Band,
    FeeRule,
    describe,
    fee_percent,
    rule_from,
)

D = Decimal


@pytest.fixture(autouse=True)
def _plain_static_storage():
    """Overrides the conftest fixture of that name, which needs Django's settings: these tests
    run without Django (``-p no:django``) as well as with it."""


# --- the default rule, at and around every boundary ---------------------------------------------


@pytest.mark.parametrize(
    ("score", "fee"),
    [
        (100, "100"),
        (95, "100"),  # the boundary earns the full fee
        ("94.9", "99.9"),  # 0.1 point below: 0.1 % off
        (94, "99"),
        ("90.5", "95.5"),
        (85, "90"),  # 10 points at 1 %
        ("84.9", "89.8"),  # then 2 % a point
        (80, "80"),
        (50, "20"),
        (40, "0"),  # 90 − 45 × 2 = 0
        ("39.9", "0"),  # never below zero
        (0, "0"),
    ],
)
def test_it_pays_the_default_fee_by_band(score, fee):
    assert fee_percent(D(score)) == D(fee)


def test_it_reads_floats_as_written():
    assert fee_percent(94.9) == D("99.9")
    assert fee_percent(84.9) == D("89.8")


def test_it_describes_the_default_rule_highest_band_first():
    assert describe() == [(D(95), None, D(0)), (D(85), D(95), D(1)), (D(0), D(85), D(2))]
    assert DEFAULT_RULE.full_fee_from == 95


# --- another district's rule ----------------------------------------------------------------------


def test_it_follows_a_rule_given_as_data():
    rule = rule_from({"bands": [(90, "0.5"), (80, 1), (60, 3)], "floor_percent": 50})
    assert fee_percent(90, rule) == 100
    assert fee_percent(88, rule) == 99  # 2 × 0.5
    assert fee_percent(80, rule) == 95  # 10 × 0.5
    assert fee_percent(70, rule) == 85  # then 10 × 1
    assert fee_percent(59, rule) == 72  # 95 − 20 − 3
    assert fee_percent(0, rule) == 50  # the floor


def test_it_accepts_a_plain_list_of_bands_and_a_rule_object():
    assert fee_percent(94, rule_from([(95, 2)])) == 98
    rule = FeeRule(bands=(Band(95, 1),))
    assert rule_from(rule) is rule
    assert rule_from(None) is DEFAULT_RULE


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ([], "at least one band"),
        ([(85, 1), (95, 2)], "highest down"),
        ([(95, 1), (95, 2)], "highest down"),
        ([(95, -1)], "cannot be negative"),
        ([(120, 1)], "between 0 and 100"),
        ({"bands": [(95, 1)], "floor_percent": 120}, "floor"),
        ({"bands": [(95, 1)], "ceiling": 1}, "Unknown fee rule keys: ceiling"),
        ({"full_percent": 100}, "needs its bands"),
        ("95:1", "a list of bands"),
    ],
)
def test_it_refuses_a_rule_that_makes_no_sense(setting, message):
    with pytest.raises(ValueError, match=message):
        rule_from(setting)


# --- properties -----------------------------------------------------------------------------------

scores = st.decimals(min_value=0, max_value=100, places=1)


@given(high=scores, low=scores)
@example(high=D(95), low=D("94.9"))
@example(high=D(85), low=D("84.9"))
def test_the_fee_never_rises_when_the_score_falls(high, low):
    if low > high:
        high, low = low, high
    assert fee_percent(low) <= fee_percent(high)
    assert 0 <= fee_percent(low) <= 100


rules = st.lists(
    st.tuples(
        st.decimals(min_value=0, max_value=100, places=1),
        st.decimals(min_value=0, max_value=10, places=2),
    ),
    min_size=1,
    max_size=4,
    unique_by=lambda band: band[0],
).map(lambda bands: FeeRule(bands=tuple(sorted(bands, reverse=True))))


@given(rule=rules, high=scores, low=scores)
def test_no_valid_rule_raises_the_fee_when_the_score_falls(rule, high, low):
    if low > high:
        high, low = low, high
    assert fee_percent(low, rule) <= fee_percent(high, rule) <= rule.full_percent
    assert fee_percent(high, rule) >= rule.floor_percent
    assert fee_percent(rule.full_fee_from, rule) == rule.full_percent
