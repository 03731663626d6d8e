"""The black-odorous water rules (projects.standards.black_odour), and the purity of the whole
projects.standards package. Plain Python: no database, no Django."""

import ast
import dataclasses
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projects.standards import black_odour, config
from projects.standards.black_odour import (
    Grade,
    ReadingGrade,
    SevereStretch,
    deviations,
    grade_point,
    grade_reading,
    grade_water_body,
    judgement_is_sufficient,
    severe_stretches,
    with_options,
)

N, L, S = Grade.NONE, Grade.LIGHT, Grade.SEVERE
GUIDE = config.BLACK_ODOUR
# The product's former point rule, kept as an option: a deviation from the guide.
LIGHT_BY_SHARES = with_options(["light_by_shares"])
BOTH_RULES = pytest.mark.parametrize(
    "rules", [GUIDE, LIGHT_BY_SHARES], ids=["guide", "light_by_shares"]
)
STANDARDS = Path(black_odour.__file__).parent


@pytest.fixture(autouse=True)
def _plain_static_storage():
    """Overrides the conftest fixture of that name, which needs Django's settings: these tests
    run without Django (``-p no:django``) as well as with it."""


# --- purity ------------------------------------------------------------------------------------


def _imports(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, 0) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield node.module or "", node.level


@pytest.mark.parametrize("path", sorted(STANDARDS.glob("*.py")), ids=lambda path: path.name)
def test_it_imports_no_django_only_the_standard_library(path):
    for module, level in _imports(path):
        top = module.split(".")[0]
        assert top != "django", f"{path.name} imports {module}"
        if level == 0:  # relative imports stay inside projects.standards
            assert top in sys.stdlib_module_names or top == "__future__", (
                f"{path.name} imports {module}, which is not in the standard library"
            )


def test_it_would_notice_a_django_import(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("import os\nif True:\n    from django.db import models\n")
    assert ("django.db", 0) in list(_imports(module))


def test_it_covers_every_module_of_the_package():
    names = {path.name for path in STANDARDS.glob("*.py")}
    assert {"__init__.py", "config.py", "black_odour.py", "cjj181.py"} <= names


# --- grades ------------------------------------------------------------------------------------


def test_it_names_the_grades_as_the_judgement_model_stores_them():
    assert [grade.value_name for grade in Grade] == ["clear", "light", "severe"]
    assert [int(grade) for grade in Grade] == [0, 1, 2]
    assert Grade.from_value_name("severe") is S
    with pytest.raises(ValueError, match="Unknown black-odour grade"):
        Grade.from_value_name("black")


# --- readings: every threshold on both sides ---------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (100, N),
        (25.1, N),
        (25, L),  # the light range 25–10 is closed at both ends
        (24.9, L),
        (10.1, L),
        (10, L),
        (9.9, S),  # severe: < 10
        (0, S),
        (Decimal("25.0"), L),
        (Decimal("9.99"), S),
    ],
)
def test_it_grades_transparency(value, expected):
    grade = grade_reading(value, None, None, None)
    assert grade.transparency is expected
    assert grade.overall is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (8, N),
        (2.01, N),
        (2.0, L),  # light 0.2–2.0, closed
        (Decimal("2.00"), L),
        (1, L),
        (0.2, L),
        (0.19, S),  # severe: < 0.2
        (0, S),
    ],
)
def test_it_grades_dissolved_oxygen(value, expected):
    assert grade_reading(None, value, None, None).dissolved_oxygen is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (300, N),
        (50.1, N),
        (50, L),  # light −200 – 50, closed
        (0, L),
        (-200, L),
        (-200.1, S),  # severe: < −200
        (Decimal("-450"), S),
    ],
)
def test_it_grades_orp(value, expected):
    assert grade_reading(None, None, value, None).orp is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, N),
        (7.99, N),
        (8, L),  # light 8.0–15, closed
        (8.0, L),
        (15.0, L),
        (Decimal("15"), L),
        (15.01, S),  # severe: > 15
        (15.1, S),
        (40, S),
    ],
)
def test_it_grades_ammonia(value, expected):
    assert grade_reading(None, None, None, value).ammonia is expected


def test_it_makes_boundary_inclusivity_configurable():
    strict_ammonia = dataclasses.replace(
        config.BLACK_ODOUR,
        ammonia=config.IndicatorLimits(
            light=8, severe=15, higher_is_worse=True, light_inclusive=False, severe_inclusive=True
        ),
    )
    assert grade_reading(None, None, None, 15, rules=strict_ammonia).ammonia is S
    assert grade_reading(None, None, None, 8, rules=strict_ammonia).ammonia is N
    strict_do = dataclasses.replace(
        config.BLACK_ODOUR,
        dissolved_oxygen=config.IndicatorLimits(
            light=2, severe=Decimal("0.2"), light_inclusive=False, severe_inclusive=True
        ),
    )
    assert grade_reading(None, 2.0, None, None, rules=strict_do).dissolved_oxygen is N
    assert grade_reading(None, 0.2, None, None, rules=strict_do).dissolved_oxygen is S


# --- shallow water -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("transparency", "depth", "expected"),
    [
        # depth 20 cm < 25: light limit 40 % × 20 = 8.0 cm, severe limit 16 % × 20 = 3.2 cm
        (20, 20, N),
        (8.1, 20, N),
        (8.0, 20, L),
        (5, 20, L),
        (3.2, 20, L),
        (3.1, 20, S),
        # 24.9 cm: 40 % = 9.96, 16 % = 3.984
        (9.97, 24.9, N),
        (9.96, 24.9, L),
        (3.984, 24.9, L),
        (3.98, 24.9, S),
        # 25 cm and deeper, or no depth: the ordinary 25 / 10 cm limits
        (25, 25, L),
        (9.9, 25, S),
        (10, 25, L),
        (24, 100, L),
        (9.9, None, S),
        (Decimal("8.0"), Decimal("20"), L),
    ],
)
def test_it_scales_the_transparency_limits_in_shallow_water(transparency, depth, expected):
    assert grade_reading(transparency, None, None, None, depth_cm=depth).transparency is expected


def test_it_leaves_the_other_indicators_alone_in_shallow_water():
    grade = grade_reading(None, 1.0, -100, 10, depth_cm=5)
    assert (grade.dissolved_oxygen, grade.orp, grade.ammonia) == (L, L, L)


def test_it_reports_the_transparency_limits():
    assert black_odour.transparency_limits() == (25, 10)
    assert black_odour.transparency_limits(20) == (Decimal("8.0"), Decimal("3.20"))
    assert black_odour.transparency_limits(30) == (25, 10)


# --- unmeasured indicators and bad input -------------------------------------------------------


def test_it_grades_nothing_measured_as_clear():
    assert grade_reading(None, None, None, None) == ReadingGrade(None, None, None, None, N)


def test_it_leaves_unmeasured_indicators_out_of_the_overall_grade():
    grade = grade_reading(None, None, None, 16)
    assert grade == ReadingGrade(None, None, None, S, S)
    assert grade_reading(30, None, 100, None) == ReadingGrade(N, None, N, None, N)


def test_it_takes_the_worst_indicator_as_the_overall_grade():
    assert grade_reading(30, 1.0, 100, 5).overall is L
    assert grade_reading(30, 1.0, -250, 5).overall is S
    assert grade_reading(30, 5, 100, 5).overall is N


@pytest.mark.parametrize(
    "arguments",
    [
        (float("nan"), None, None, None),
        (None, float("inf"), None, None),
        (None, None, Decimal("NaN"), None),
        (-1, None, None, None),
        (None, -0.1, None, None),
        (None, None, None, -3),
        ("12", None, None, None),
        (True, None, None, None),
    ],
)
def test_it_refuses_values_that_are_not_readings(arguments):
    with pytest.raises(ValueError):
        grade_reading(*arguments)


@pytest.mark.parametrize("depth", [0, -5, float("nan")])
def test_it_refuses_a_depth_that_is_not_one(depth):
    with pytest.raises(ValueError):
        grade_reading(10, None, None, None, depth_cm=depth)


# --- points ------------------------------------------------------------------------------------


def reading(t=None, do=None, orp=None, nh3=None):
    """A graded reading given its indicators' grades."""
    measured = [grade for grade in (t, do, orp, nh3) if grade is not None]
    return ReadingGrade(t, do, orp, nh3, max(measured, default=N))


def readings(count, total, grade=S, indicator="nh3", rest=N):
    """``total`` readings, ``count`` of which have ``indicator`` at ``grade``, the others
    ``rest``."""
    return [reading(**{indicator: grade if i < count else rest}) for i in range(total)]


@pytest.mark.parametrize(
    ("count", "total", "expected"),
    [
        (3, 5, S),  # 60 % severe: severe
        (6, 10, S),
        (60, 100, S),
        # 59 % severe alone is neither ≥ 60 % nor two indicators ≥ 30 %: not severe, and so
        # light (否则可认定为轻度黑臭), the point's readings being black-odorous
        (59, 100, L),
        (2, 5, L),
        (1, 1, S),
        (0, 5, N),
    ],
)
def test_it_grades_a_point_by_one_indicator_share(count, total, expected):
    assert grade_point(readings(count, total)) is expected


@pytest.mark.parametrize(
    ("nh3_severe", "do_severe", "expected"),
    [
        (3, 3, S),  # two indicators at 30 % each: severe
        (30, 30, S),  # of 100
        (3, 2, L),  # 30 % and 20 %: not severe, so light
        (29, 30, L),  # of 100: 29 % and 30 %
        (5, 5, S),
    ],
)
def test_it_grades_a_point_by_two_indicator_shares(nh3_severe, do_severe, expected):
    total = 100 if max(nh3_severe, do_severe) > 10 else 10
    rows = [
        reading(nh3=S if i < nh3_severe else N, do=S if total - 1 - i < do_severe else N)
        for i in range(total)
    ]
    assert grade_point(rows) is expected


def test_it_counts_a_share_over_the_readings_that_measured_the_indicator():
    # DO measured twice of five, severe both times: 100 % of its readings.
    rows = [reading(nh3=N, do=S), reading(nh3=N, do=S)] + [reading(nh3=N)] * 3
    assert grade_point(rows) is S
    # Counted over all five readings it would be 40 %: not severe.
    rows = [reading(nh3=N, do=S), reading(nh3=N, do=N)] + [reading(nh3=N)] * 3
    assert grade_point(rows) is L
    # The option's light shares too: DO light twice of two is 100 %; of five it would be 40 %.
    rows = [reading(nh3=N, do=L), reading(nh3=N, do=L)] + [reading(nh3=N)] * 3
    assert grade_point(rows, rules=LIGHT_BY_SHARES) is L


def nh3(*values):
    """Readings of NH₃-N alone, in mg/L."""
    return [grade_reading(None, None, None, value) for value in values]


def do_and_orp(do_severe, orp_severe, total=10):
    """``total`` readings of DO and ORP, ``do_severe`` of them with DO severe (0.1 mg/L) and
    ``orp_severe`` others with ORP severe (−250 mV); everything else clear."""
    return [
        grade_reading(
            None,
            0.1 if i < do_severe else 5.0,
            -250 if total - 1 - i < orp_severe else 100,
            None,
        )
        for i in range(total)
    ]


@pytest.mark.parametrize(
    ("rows", "guide", "by_shares"),
    [
        # NH₃-N 16, 16, 5, 5, 5 mg/L: two readings severe (40 %), one indicator: not severe;
        # black-odorous readings there, so light by the guide; 40 % light-or-worse is below
        # the option's 60 %
        (nh3(16, 16, 5, 5, 5), L, N),
        # DO severe in one round of three (33 %): light; the option wants 60 %
        ([grade_reading(None, v, None, None) for v in (0.1, 5.0, 5.0)], L, N),
        # DO severe in 3 of 10 (30 %), ORP in 2 of 10 (20 %): not two indicators ≥ 30 %, so
        # not severe; light by the guide, nothing by the option (30 % and 20 % light-or-worse)
        (do_and_orp(3, 2), L, N),
        # every reading clear: not black-odorous under either rule
        (nh3(5, 5, 7.99, 0, 1), N, N),
        ([grade_reading(40, 5.0, 120, 1.0)] * 3, N, N),
        # one light reading of ten is enough for the guide
        (nh3(8, *[1] * 9), L, N),
        # the option's own cases: 60 % of one indicator light or worse, or 30 % of two
        (nh3(16, 16, 9, 5, 5), L, L),
        (do_and_orp(3, 3), S, S),
        ([grade_reading(None, 1.0, -100, None)] * 3 + do_and_orp(0, 0, 7), L, L),
        ([grade_reading(None, 1.0, -100, None)] * 3 + do_and_orp(0, 0, 8), L, N),
    ],
)
def test_it_grades_the_worked_cases_by_the_guide_and_by_the_option(rows, guide, by_shares):
    assert grade_point(rows) is guide
    assert grade_point(rows, rules=GUIDE) is guide
    assert grade_point(rows, rules=LIGHT_BY_SHARES) is by_shares


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (readings(3, 5, grade=L), L),  # 60 % light: black-odorous
        (readings(2, 5, grade=L), N),  # 40 % of one indicator only
        (readings(59, 100, grade=L), N),
        # two indicators ≥ 30 % light or worse
        ([reading(nh3=L, do=L), reading(nh3=L, do=L)] + [reading(nh3=N, do=N)] * 3, L),
        ([reading(nh3=L, do=L), reading(nh3=L, do=N)] + [reading(nh3=N, do=N)] * 3, N),
        # severe readings count as light or worse: 2 severe + 1 light of 5 = 60 %
        ([reading(nh3=S), reading(nh3=S), reading(nh3=L), reading(nh3=N), reading(nh3=N)], L),
        # 3 of 10 severe in one indicator and 3 light in another: two at 30 % light-or-worse
        (
            [reading(nh3=S, t=N)] * 3 + [reading(nh3=N, t=L)] * 3 + [reading(nh3=N, t=N)] * 4,
            L,
        ),
    ],
)
def test_the_option_decides_by_shares_whether_a_point_is_black_odorous(rows, expected):
    assert grade_point(rows, rules=LIGHT_BY_SHARES) is expected
    # By the guide every one of them is light: each has a reading light or worse.
    assert grade_point(rows) is L


def test_it_grades_a_point_without_readings_as_clear():
    assert grade_point([]) is N
    assert grade_point([reading(), reading()]) is N
    assert grade_point([], rules=LIGHT_BY_SHARES) is N
    assert grade_point(iter(readings(3, 5))) is S  # any iterable


def test_it_makes_the_point_shares_configurable():
    any_light = dataclasses.replace(LIGHT_BY_SHARES, point_light_single_share=0)
    assert grade_point(readings(1, 10, grade=L), rules=any_light) is L
    assert grade_point(readings(0, 10, grade=L), rules=any_light) is N  # zero readings is not any
    half = dataclasses.replace(config.BLACK_ODOUR, point_severe_single_share=Decimal("0.5"))
    assert grade_point(readings(5, 10), rules=half) is S
    assert grade_point(readings(5, 10)) is L
    # The option's shares are the option's: they change nothing under the guide's rule.
    strict = dataclasses.replace(GUIDE, point_light_single_share=1, point_light_pair_share=1)
    assert grade_point(readings(1, 10, grade=L), rules=strict) is L


def test_it_grades_readings_into_a_point_end_to_end():
    rounds = [
        grade_reading(8, 0.1, -250, 20),  # severe throughout
        grade_reading(20, 1.5, -50, 10),  # light throughout
        grade_reading(30, 3.0, 100, 2),  # clear
    ]
    # Each indicator severe in 1 of 3 (33 %): four indicators ≥ 30 % → severe.
    assert grade_point(rounds) is S
    # Without the severe round: each indicator light in 1 of 2 (50 %), none severe → light.
    assert grade_point(rounds[1:]) is L
    assert grade_point(rounds[2:]) is N


# --- water bodies ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        ([], N),
        ([S, S, S, N, N], S),  # 60 %
        ([S, S, S, L, L], S),
        ([S] * 60 + [N] * 40, S),
        ([S] * 59 + [N] * 41, L),  # below 60 %: light, since some point is black-odorous
        ([S, S, N, N, N], L),
        ([L, N, N], L),  # any black-odorous point
        ([N, N, N], N),
        ([S], S),
        ([L], L),
        ([2, 2, 0], S),  # plain ints work too
    ],
)
def test_it_grades_a_water_body(points, expected):
    assert grade_water_body(points) is expected


def test_a_severe_stretch_does_not_make_the_water_body_severe():
    # Three consecutive severe points of ten: a severe stretch, 30 % of the points severe.
    points = [("A", 0, S), ("B", 200, S), ("C", 400, S)] + [(i, 600 + 200 * i, L) for i in range(7)]
    assert severe_stretches(points) == [SevereStretch(0, 400, ("A", "B", "C"))]
    assert grade_water_body(grade for _key, _m, grade in points) is L


def test_it_makes_the_water_body_shares_configurable():
    half_light = dataclasses.replace(config.BLACK_ODOUR, body_light_share=Decimal("0.5"))
    assert grade_water_body([L, N, N], rules=half_light) is N
    assert grade_water_body([L, L, N], rules=half_light) is L
    most_severe = dataclasses.replace(config.BLACK_ODOUR, body_severe_share=0.8)
    assert grade_water_body([S, S, S, N, N], rules=most_severe) is L


@pytest.mark.parametrize(
    ("points", "rounds", "expected"),
    [(3, 3, True), (10, 5, True), (2, 3, False), (3, 2, False), (0, 0, False)],
)
def test_it_says_whether_the_data_is_as_thick_as_the_guide_asks(points, rounds, expected):
    assert judgement_is_sufficient(points, rounds) is expected


def test_it_makes_the_minimum_data_configurable():
    assert config.BLACK_ODOUR.minimum_points == 3
    assert config.BLACK_ODOUR.minimum_rounds == 3
    lenient = dataclasses.replace(config.BLACK_ODOUR, minimum_points=1, minimum_rounds=1)
    assert judgement_is_sufficient(1, 1, rules=lenient)


# --- severe stretches ---------------------------------------------------------------------------


def test_it_finds_the_severe_stretch_between_three_consecutive_severe_points():
    # 重度黑臭河段 120–860 m between A, B and C, as the channel page writes it.
    points = [("A", 120, S), ("B", Decimal("300.5"), S), ("C", Decimal("860.000"), S)]
    assert severe_stretches(points) == [SevereStretch(120, 860, ("A", "B", "C"))]
    (stretch,) = severe_stretches(points)
    assert isinstance(stretch.start_m, Decimal)
    assert str(stretch.end_m) == "860.000"


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        # ordered by the distance, not by the order given
        ([("C", 860, S), ("A", 120, S), ("B", 300, S)], [(120, 860, ("A", "B", "C"))]),
        # two severe points only: no stretch
        ([("A", 0, S), ("B", 300, S), ("C", 600, L)], []),
        # a light point between breaks the run
        ([("A", 0, S), ("B", 300, S), ("X", 450, L), ("C", 600, S), ("D", 900, S)], []),
        ([("A", 0, S), ("B", 300, S), ("X", 450, N), ("C", 600, S)], []),
        # four in a row: one stretch over all four
        (
            [("A", 0, S), ("B", 300, S), ("C", 600, S), ("D", 900, S), ("E", 1200, L)],
            [(0, 900, ("A", "B", "C", "D"))],
        ),
        # two runs
        (
            [(k, 100 * i, N if k == "X" else S) for i, k in enumerate("ABCXDEF")],
            [(0, 200, ("A", "B", "C")), (400, 600, ("D", "E", "F"))],
        ),
        # points at the same distance are one place, severe only when all of them are
        ([("A", 0, S), ("B", 300, S), ("B'", 300, S), ("C", 600, L)], [(0, 300, ("A", "B", "B'"))]),
        ([("A", 0, S), ("B", 300, S), ("B'", 300, L), ("C", 600, S), ("D", 900, S)], []),
        ([], []),
        ([("A", 0, 2), ("B", 1.5, 2), ("C", 3, 2)], [(0, 3, ("A", "B", "C"))]),
    ],
)
def test_it_finds_runs_of_severe_points_in_their_order_along_the_channel(points, expected):
    stretches = severe_stretches(points)
    assert [(s.start_m, s.end_m, s.points) for s in stretches] == expected


@pytest.mark.parametrize("chainage", [None, -1, float("nan")])
def test_it_refuses_a_point_it_cannot_place(chainage):
    with pytest.raises(ValueError, match="'B'"):
        severe_stretches([("A", 0, S), ("B", chainage, S), ("C", 600, S)])


def test_it_makes_the_number_of_consecutive_points_configurable():
    points = [("A", 0, S), ("B", 300, S), ("C", 600, L)]
    assert severe_stretches(points) == []
    two = dataclasses.replace(GUIDE, reach_severe_points=2)
    assert severe_stretches(points, rules=two) == [SevereStretch(0, 300, ("A", "B"))]


# --- options and deviations --------------------------------------------------------------------


def test_the_guide_is_the_default_and_names_no_deviation():
    assert GUIDE.point_light_by_shares is False
    assert deviations(GUIDE) == ()
    assert deviations() == ()
    assert with_options([]) is GUIDE
    assert with_options(["", " "]) is GUIDE


def test_it_turns_an_option_on_and_names_it_as_a_deviation():
    assert LIGHT_BY_SHARES.point_light_by_shares is True
    assert deviations(LIGHT_BY_SHARES) == ("light_by_shares",)
    assert with_options([" light_by_shares "]) == LIGHT_BY_SHARES
    assert set(black_odour.OPTIONS) <= set(black_odour.DEVIATIONS)


def test_it_refuses_an_unknown_option():
    with pytest.raises(ValueError, match="Unknown black-odour option 'light'.*light_by_shares"):
        with_options(["light"])


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"point_severe_single_share": Decimal("0.5")}, ("point_severe_shares",)),
        ({"point_severe_pair_share": 0.25}, ("point_severe_shares",)),
        ({"point_pair_count": 3}, ("point_severe_shares",)),
        ({"reach_severe_points": 4}, ("reach_points",)),
        ({"body_severe_share": 0.8}, ("body_severe_share",)),
        ({"shallow_light_fraction": 0.5}, ("limits",)),
        (
            {"ammonia": config.IndicatorLimits(light=8, severe=20, higher_is_worse=True)},
            ("limits",),
        ),
        ({"minimum_rounds": 2}, ("minimum_data",)),
        (
            {"point_light_by_shares": True, "body_severe_share": 0.5, "minimum_points": 1},
            ("light_by_shares", "body_severe_share", "minimum_data"),
        ),
        # the same numbers in another type are the guide's
        ({"point_severe_single_share": 0.6, "body_severe_share": Decimal("0.60")}, ()),
        ({"dissolved_oxygen": config.IndicatorLimits(light=2, severe=0.2)}, ()),
        # the choices the guide leaves open are not deviations from it
        ({"shallow_severe_fraction": Decimal("0.1")}, ()),
        ({"body_light_share": Decimal("0.5")}, ()),
        (
            {"orp": config.IndicatorLimits(light=50, severe=-200, light_inclusive=False)},
            (),
        ),
        ({"minimum_points": 5, "minimum_rounds": 4}, ()),
        ({"point_light_single_share": 0}, ()),  # the option's share, unused without it
    ],
)
def test_it_names_every_deviation_of_a_rule_set_from_the_guide(changes, expected):
    assert deviations(dataclasses.replace(GUIDE, **changes)) == expected


# --- monotonicity ------------------------------------------------------------------------------

# One raw reading: transparency, DO, ORP, NH3-N (each possibly unmeasured) and the depth.
raw_readings = st.tuples(
    st.none() | st.floats(0, 100),
    st.none() | st.floats(0, 15),
    st.none() | st.floats(-500, 500),
    st.none() | st.floats(0, 50),
    st.none() | st.floats(1, 200),
)
worsening = st.tuples(st.integers(0, 3), st.floats(0, 100))


def worsen(raw, change):
    """The reading made worse in one measured indicator: lower transparency (not below 0), DO
    (not below 0) or ORP, higher NH3-N."""
    index, amount = change
    values = list(raw)
    if values[index] is None:
        return raw
    if index == 3:
        values[index] += amount
    elif index == 2:
        values[index] -= amount
    else:
        values[index] = max(0.0, values[index] - amount)
    return tuple(values)


def graded(raw):
    *values, depth = raw
    return grade_reading(*values, depth_cm=depth)


def indicator_grades(grade):
    return [getattr(grade, name) for name in black_odour.INDICATORS]


@given(raw_readings, worsening)
def test_it_never_grades_a_worse_reading_better(raw, change):
    before, after = graded(raw), graded(worsen(raw, change))
    assert after.overall >= before.overall
    for was, now in zip(indicator_grades(before), indicator_grades(after), strict=True):
        assert (was is None) == (now is None)
        assert was is None or now >= was


@BOTH_RULES
@given(st.lists(raw_readings, min_size=1, max_size=12), st.data())
def test_it_never_grades_a_point_better_for_a_worse_reading(rules, raws, data):
    index = data.draw(st.integers(0, len(raws) - 1))
    worse = [*raws[:index], worsen(raws[index], data.draw(worsening)), *raws[index + 1 :]]
    assert grade_point(map(graded, worse), rules) >= grade_point(map(graded, raws), rules)


@given(st.lists(raw_readings, max_size=12))
def test_the_guide_never_grades_a_point_better_than_the_option(raws):
    # The option only narrows "light": the guide's grade is the same or worse, never better.
    assert grade_point(map(graded, raws)) >= grade_point(map(graded, raws), LIGHT_BY_SHARES)
    assert (grade_point(map(graded, raws)) is S) == (
        grade_point(map(graded, raws), LIGHT_BY_SHARES) is S
    )


@BOTH_RULES
@given(st.lists(st.lists(raw_readings, min_size=1, max_size=5), min_size=1, max_size=6), st.data())
def test_it_never_grades_a_water_body_better_for_a_worse_reading(rules, points, data):
    point = data.draw(st.integers(0, len(points) - 1))
    index = data.draw(st.integers(0, len(points[point]) - 1))
    worse = [list(raws) for raws in points]
    worse[point][index] = worsen(worse[point][index], data.draw(worsening))

    def body(points):
        return grade_water_body((grade_point(map(graded, raws), rules) for raws in points), rules)

    assert body(worse) >= body(points)


@given(
    st.lists(
        st.tuples(st.integers(0, 10).map(lambda i: i * 100), st.sampled_from(list(Grade))),
        max_size=12,
    ),
    st.data(),
)
def test_a_worse_point_never_removes_a_severe_stretch(placed, data):
    points = [(i, chainage, grade) for i, (chainage, grade) in enumerate(placed)]
    if not points:
        assert severe_stretches(points) == []
        return
    index = data.draw(st.integers(0, len(points) - 1))
    worse = list(points)
    key, chainage, grade = worse[index]
    worse[index] = (key, chainage, data.draw(st.sampled_from([g for g in Grade if g >= grade])))
    after = severe_stretches(worse)
    for stretch in severe_stretches(points):
        assert any(
            set(stretch.points) <= set(new.points)
            and new.start_m <= stretch.start_m
            and stretch.end_m <= new.end_m
            for new in after
        )


@given(st.lists(st.sampled_from(list(Grade)), max_size=20), st.data())
def test_it_never_grades_a_water_body_better_for_a_worse_point(points, data):
    if not points:
        return
    index = data.draw(st.integers(0, len(points) - 1))
    worse = list(points)
    worse[index] = data.draw(st.sampled_from([g for g in Grade if g >= points[index]]))
    assert grade_water_body(worse) >= grade_water_body(points)


@given(raw_readings)
def test_it_grades_the_same_reading_the_same_in_any_number_type(raw):
    *values, depth = raw
    as_decimals = [None if v is None else Decimal(repr(v)) for v in values]
    depth_decimal = None if depth is None else Decimal(repr(depth))
    assert graded(raw) == grade_reading(*as_decimals, depth_cm=depth_decimal)
