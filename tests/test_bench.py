"""The scale benchmark's generator: its size arithmetic, and the same rows for the same seed.

The benchmark itself runs on PostgreSQL only and outside the test suite (README, "Scale
benchmark"); this checks the pure planning and row-making module it writes from."""

import datetime
import importlib.util
import itertools
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parent.parent / "bench" / "generate_rows.py"
spec = importlib.util.spec_from_file_location("generate_rows", PATH)
generate_rows = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generate_rows)

ANCHOR = datetime.date(2026, 12, 4)


def materialise(sizes, seed):
    return {
        table: (columns, list(rows))
        for table, columns, rows in generate_rows.tables(sizes, seed, ANCHOR)
    }


def test_the_issue_district_is_factor_100():
    sizes = generate_rows.plan_sizes(100)
    assert sizes["channels"] == sizes["plans"] == 9_000
    assert sizes["tasks"] == 90_000
    assert (sizes["projects"], sizes["reports"]) == (4_500, 54_000)
    assert (sizes["samples"], sizes["points"]) == (900_000, 1_800)
    assert (sizes["segments"], sizes["defects"]) == (45_000, 183_000)
    assert sizes["patrols"] == 90_000
    assert sizes["complaints"] == 18_000
    assert sizes["assessments"] == 864
    assert (sizes["outfalls"], sizes["plants"]) == (18_000, 30)


def test_factors_scale_the_base():
    one, ten = generate_rows.plan_sizes(1), generate_rows.plan_sizes(10)
    assert one["channels"] == 90 and ten["channels"] == 900
    assert one["samples"] == 9_000 and ten["samples"] == 90_000
    assert one["defects"] == 1_830 and ten["defects"] == 18_300
    assert one["assessments"] == 9 and ten["assessments"] == 86
    with pytest.raises(ValueError):
        generate_rows.plan_sizes(0)


def test_rows_match_the_plan_at_a_tiny_factor():
    sizes = generate_rows.plan_sizes(0.05)
    assert sizes["channels"] == 4 and sizes["points"] == 1 and sizes["stations"] == 1
    tables = materialise(sizes, seed=7)
    expected = {
        "projects_channel": sizes["channels"],
        "projects_task": sizes["tasks"],
        "projects_progressreport": sizes["reports"],
        "projects_sample": sizes["samples"],
        "projects_defect": sizes["defects"],
        "projects_patrolrecord": sizes["patrols"],
        "projects_complaint": sizes["complaints"],
        "projects_monthlyassessment": sizes["assessments"],
        "projects_deduction": sizes["deductions"],
        "projects_outfall": sizes["outfalls"],
        "projects_treatmentplant": sizes["plants"],
    }
    assert {table: len(tables[table][1]) for table in expected} == expected
    for table, (columns, rows) in tables.items():
        assert all(len(row) == len(columns) for row in rows), table
        ids = [row[0] for row in rows]
        assert len(set(ids)) == len(ids), table


def test_keys_and_uniques_hold():
    tables = materialise(generate_rows.plan_sizes(0.2), seed=3)
    channels = {row[0] for row in tables["projects_channel"][1]}
    columns, rows = tables["projects_patrolrecord"]
    covered = {(post, channel) for _id, post, channel in tables["projects_patrolpost_channels"][1]}
    post, channel, at = (
        columns.index("post_id"),
        columns.index("channel_id"),
        columns.index("patrolled_at"),
    )
    assert all((row[post], row[channel]) in covered for row in rows)
    assert all(row[channel] in channels for row in rows)
    # Nothing after the anchor day: event times cannot be in the future.
    assert max(row[at] for row in rows) < f"{ANCHOR + datetime.timedelta(days=1)}"
    samples = tables["projects_sample"][1]
    assert len({(row[1], row[2]) for row in samples}) == len(samples)
    numbers = [row[1] for row in tables["projects_complaint"][1]]
    assert len(set(numbers)) == len(numbers)
    reports = tables["projects_progressreport"][1]
    assert len({(row[1], row[2]) for row in reports}) == len(reports)
    assert all(row[2].day == 1 for row in reports)


def test_same_seed_same_rows_other_seed_other_rows():
    sizes = generate_rows.plan_sizes(0.1)
    first, again = materialise(sizes, seed=11), materialise(sizes, seed=11)
    assert first == again
    other = materialise(sizes, seed=12)
    assert first["projects_sample"] != other["projects_sample"]
    assert first["projects_channel"][1][0][1] == other["projects_channel"][1][0][1]  # names


def test_each_table_has_its_own_generator():
    # Reading the tables in another order (or only some) gives the same rows.
    sizes = generate_rows.plan_sizes(0.1)
    whole = materialise(sizes, seed=5)
    only_samples = next(
        rows
        for table, _columns, rows in generate_rows.tables(sizes, 5, ANCHOR)
        if table == "projects_sample"
    )
    assert list(itertools.islice(only_samples, 5)) == whole["projects_sample"][1][:5]
