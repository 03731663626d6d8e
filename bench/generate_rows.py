"""The rows of the scale benchmark, as plain tuples: no Django, no database.

``plan_sizes(factor)`` says how many rows of each kind a factor gives; ``tables(sizes, seed,
anchor)`` yields ``(table, columns, rows)`` in an order the foreign keys allow, every primary
key given (1, 2, 3 … per table), every row a function of the seed and the anchor day alone, so
two runs with the same factor, seed and anchor write the same rows. Each table draws from its
own random generator, seeded by the seed and the table's name.

The base (factor 1) is one hundredth of the "100× district" of the scale issue: 90 channels
with plans, 900 tasks, 45 projects × 12 monthly reports, 9,000 samples at 18 points, 450 pipe
segments with 1,830 defects, 900 patrol records, 180 complaints, about 9 assessments and
(``generate_chief_rows``) 111 river chiefs with 270 terms and 900 inspections.
"""

import datetime
import json
import math
import random
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path


def _sibling(name):
    """A module beside this one, whether this runs from a script or is loaded by its path."""
    spec = spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate_chief_rows = _sibling("generate_chief_rows")
generate_place_rows = _sibling("generate_place_rows")
generate_complaint_rows = _sibling("generate_complaint_rows")

# Per factor 1. Derived counts (reports, samples, defects …) follow from these below.
BASE = {
    "channels": 90,
    "tasks_per_plan": 10,
    "problems_per_plan": 2,
    "projects": 45,
    "reports_per_project": 12,
    "points": 18,
    "samples_per_point": 500,
    "segments": 450,
    "patrols": 900,
    "complaints": 180,
    "assessments": 8.64,
    "streets": 0.2,
    "contractors": 0.2,
    "posts": 1.8,
}
EXTRA_DEFECT_EVERY = 15  # 4 defects a segment, 5 on every 15th: 450 → 1,830
DEDUCTIONS_PER_ASSESSMENT = 3
LAB = "区环境监测站"
# Channels' water-quality targets, in turn a run of five channels each (blank: none set), so that
# the sampled channels (one in five) have every kind of target too.
TARGETS = ["", "clear", "III", "IV", "V"]
TASK_STATUSES = ["pending", "in_progress", "done", "extension_requested", "extended"]
PROJECT_STATUSES = ["planned", "in_progress", "completed", "suspended"]
PATROL_KINDS = ["daily_care", "inspection", "upkeep", "repair"]
PROBLEM_CATEGORIES = ["black_odorous", "sewage", "silt", "weeds", "odour", "banks", "other"]
MEASURE_CATEGORIES = ["source_control", "internal", "ecological", "flow", "management"]
DIAMETERS = (300, 400, 600, 800, 1000, 1200, 1600)
SOILS = ("ordinary", "silt_sand", "muck", "red_clay")
# Defect codes and the grades scored for them (CJJ 181-2012), as the migration loads them.
CODES = {
    "PL": (1, 2, 3, 4),
    "BX": (1, 2, 3, 4),
    "FS": (1, 2, 3),
    "CK": (1, 2, 3, 4),
    "TJ": (1, 2, 3, 4),
    "SL": (1, 2, 3, 4),
    "CJ": (1, 2, 3, 4),
    "JG": (1, 2, 3, 4),
    "ZW": (1, 2, 3, 4),
    "SG": (1, 2, 3, 4),
}
ZONE = "+08:00"


def count(base, factor):
    return max(1, round(base * factor))


def plan_sizes(factor):
    """{kind: rows} for a factor (any positive number; 1 is the base, 100 the issue's district)."""
    if not factor > 0:
        raise ValueError("The factor must be a positive number.")
    channels = count(BASE["channels"], factor)
    projects = count(BASE["projects"], factor)
    points = min(count(BASE["points"], factor), channels)
    segments = count(BASE["segments"], factor)
    assessments = count(BASE["assessments"], factor)
    stations = math.ceil(assessments / 12)
    return {
        "streets": count(BASE["streets"], factor),
        "contractors": count(BASE["contractors"], factor),
        "stations": stations,
        "channels": channels,
        "plans": channels,
        "problems": channels * BASE["problems_per_plan"],
        "targets": channels,
        "measures": channels,
        "responsibilities": channels,
        "tasks": channels * BASE["tasks_per_plan"],
        "projects": projects,
        "reports": projects * BASE["reports_per_project"],
        "points": points,
        "samples": points * BASE["samples_per_point"],
        "judgements": points,
        "segments": segments,
        "inspections": segments,
        "defects": segments * 4 + segments // EXTRA_DEFECT_EVERY,
        "posts": max(stations, count(BASE["posts"], factor)),
        "patrols": count(BASE["patrols"], factor),
        "complaints": count(BASE["complaints"], factor),
        "assessments": assessments,
        "deductions": assessments * DEDUCTIONS_PER_ASSESSMENT,
        **generate_chief_rows.sizes(channels),
        **generate_place_rows.sizes(channels),
    }


def months_back(anchor, n):
    """The first day of the month ``n`` months before the anchor's."""
    index = anchor.year * 12 + anchor.month - 1 - n
    return datetime.date(index // 12, index % 12 + 1, 1)


def moment_in(rng, anchor, months):
    """A time within the ``months`` months ending on the anchor day (never after it)."""
    month = months_back(anchor, rng.randrange(months))
    last = anchor.day if month == anchor.replace(day=1) else 28
    day = month.replace(day=rng.randint(1, last))
    return datetime.datetime(day.year, day.month, day.day, rng.randint(8, 17), rng.randrange(60))


def stamp(moment):
    return f"{moment:%Y-%m-%d %H:%M:%S}{ZONE}"


def tables(sizes, seed, anchor, defect_codes=None, items=None):
    """Yield ``(table, columns, rows)``; ``rows`` is an iterator of tuples. ``defect_codes``
    maps a code to its row id and ``items`` lists assessment item ids (the rows the migrations
    load); by default the codes' order above and items 1, 2, 3."""
    defect_codes = defect_codes or {code: i + 1 for i, code in enumerate(CODES)}
    items = items or list(range(1, DEDUCTIONS_PER_ASSESSMENT + 1))

    def rng(table):
        return random.Random(f"{seed}:{table}")

    n = sizes
    streets = range(1, n["streets"] + 1)
    contractors = range(streets.stop, streets.stop + n["contractors"])
    stations = range(contractors.stop, contractors.stop + n["stations"])
    units = (
        [(i, f"基准街道{i:03d}", "street", "") for i in streets]
        + [(i, f"基准施工单位{i:03d}", "contractor", "") for i in contractors]
        + [(i, f"基准市政站{i:03d}", "station", "") for i in stations]
    )
    yield "projects_responsibleunit", ["id", "name", "kind", "note"], iter(units)

    r = rng("channel")
    yield (
        "projects_channel",
        ["id", "name", "location", "length_km", "receiving_water", "condition", "condition_note"]
        + ["street_id", "maintaining_unit_id", "target", "geometry"],
        (
            (i, f"基准渠{i:05d}", f"基准路{i % 97}号", f"{r.uniform(0.3, 6):.3f}", "前山河")
            + (r.choice(["severe", "light", "clear", "unknown"]), "")
            + (streets[i % len(streets)], stations[i % len(stations)])
            + (TARGETS[(i - 1) // 5 % len(TARGETS)], generate_place_rows.channel_line(i))
            for i in range(1, n["channels"] + 1)
        ),
    )
    yield (
        "projects_plan",
        ["id", "channel_id", "title", "status", "summary", "period_start", "period_end"],
        (
            (i, i, f"基准渠{i:05d}一河一策", "in_force", "", "2018-01-01", "2020-12-31")
            for i in range(1, n["plans"] + 1)
        ),
    )
    r = rng("problem")
    per = BASE["problems_per_plan"]
    yield (
        "projects_problem",
        ["id", "plan_id", "title", "category", "location", "description", "cause"]
        + ["how_found", "severity"],
        (
            (i, (i - 1) // per + 1, f"问题{i}", r.choice(PROBLEM_CATEGORIES), "", "", "")
            + ("survey", r.choice(["high", "medium", "low"]))
            for i in range(1, n["problems"] + 1)
        ),
    )
    yield (
        "projects_target",
        ["id", "plan_id", "indicator", "baseline", "target_value", "target_date"],
        ((i, i, "消除黑臭", "", "不黑不臭", "2019-12-31") for i in range(1, n["targets"] + 1)),
    )
    yield (
        "projects_measure",
        ["id", "plan_id", "name", "category", "scale", "funding", "status", "investment_wan"],
        (
            (i, i, f"措施{i}", MEASURE_CATEGORIES[i % 5], "", "", "building", f"{i % 500}.00")
            for i in range(1, n["measures"] + 1)
        ),
    )
    yield (
        "projects_responsibility",
        ["id", "plan_id", "unit_id", "duty", "person"],
        (
            (i, i, streets[i % len(streets)], "属地管理", f"责任人{i % 50}")
            for i in range(1, n["responsibilities"] + 1)
        ),
    )
    r = rng("task")
    per = BASE["tasks_per_plan"]

    def task(i):
        status = r.choice(TASK_STATUSES)
        deadline = datetime.date(2018, 1, 1) + datetime.timedelta(days=r.randrange(1500))
        extended = deadline + datetime.timedelta(days=90) if status == "extended" else None
        return (
            (i, (i - 1) // per + 1, f"任务{i}", "", f"责任人{i % 50}", deadline, extended)
            + (status, r.randrange(101), "", streets[i % len(streets)])
            + ("已完成" if status == "done" else "", "")
            + ("天气原因" if status == "extension_requested" else "", 1)
        )

    yield (
        "projects_task",
        ["id", "plan_id", "content", "quantity", "responsible_person", "deadline"]
        + ["extended_deadline", "status", "percent_complete", "note", "lead_unit_id"]
        + ["completion_note", "evidence", "extension_reason", "version"],
        (task(i) for i in range(1, n["tasks"] + 1)),
    )
    problems_per = BASE["problems_per_plan"]
    yield (
        "projects_task_problems",
        ["id", "task_id", "problem_id"],
        (
            (i, i, ((i - 1) // per) * problems_per + (i % problems_per) + 1)
            for i in range(1, n["tasks"] + 1)
        ),
    )

    r = rng("project")

    def project(i):
        start = months_back(anchor, 12 + r.randrange(12))
        end = months_back(anchor, -r.randrange(-6, 24))
        return (
            (
                i,
                f"基准项目{i:05d}",
                r.randint(1, 6),
                "",
                f"负责人{i % 30}",
                f"{r.randint(50, 9000)}.00",
            )
            + (start, max(start, end), r.choice(PROJECT_STATUSES), "")
            + (streets[i % len(streets)], contractors[i % len(contractors)])
        )

    yield (
        "projects_project",
        ["id", "name", "stream", "description", "responsible_person", "investment_wan"]
        + ["planned_start", "planned_end", "status", "approval", "lead_unit_id", "contractor_id"],
        (project(i) for i in range(1, n["projects"] + 1)),
    )
    yield (
        "projects_project_channels",
        ["id", "project_id", "channel_id"],
        (
            (2 * i + k - 1, i, (2 * i + k) % n["channels"] + 1)
            for i in range(1, n["projects"] + 1)
            for k in range(2)
            if k == 0 or n["channels"] > 1
        ),
    )
    r = rng("report")
    months = BASE["reports_per_project"]

    def reports():
        rid = 0
        for p in range(1, n["projects"] + 1):
            percent = 0.0
            for m in range(months):
                rid += 1
                month = months_back(anchor, months - 1 - m)
                percent = min(100.0, percent + r.uniform(0, 12))
                created = datetime.datetime(month.year, month.month, 1, 9, 0)
                yield (rid, p, month, f"{percent:.1f}", f"{min(100, percent + 5):.1f}")
                yield (f"{r.uniform(0, 80):.2f}", "", "", "", stamp(created), 1)

    def paired(rows):
        rows = iter(rows)
        for head in rows:
            yield head + next(rows)

    yield (
        "projects_progressreport",
        ["id", "project_id", "month", "percent_complete", "planned_percent"]
        + ["investment_this_month_wan", "note", "problems", "next_month_plan", "created_at"]
        + ["version"],
        paired(reports()),
    )

    # Water: one point on every (channels / points)-th channel, a sample every two days.
    spacing = n["channels"] // n["points"]
    yield (
        "projects_samplingpoint",
        ["id", "channel_id", "name", "position", "sequence", "geometry"],
        (
            (i, c, "1号点", "", 1, generate_place_rows.point_beside(c, 0))
            for i, c in ((i, (i - 1) * spacing + 1) for i in range(1, n["points"] + 1))
        ),
    )
    r = rng("sample")
    start = datetime.datetime(2016, 1, 1, 9, 0)
    per = BASE["samples_per_point"]
    yield (
        "projects_sample",
        ["id", "point_id", "sampled_at", "depth_cm", "transparency_cm", "do_mg_l", "orp_mv"]
        + ["nh3n_mg_l", "lab"],
        (
            (i, (i - 1) % n["points"] + 1)
            + (stamp(start + datetime.timedelta(days=2 * ((i - 1) // n["points"]))),)
            + (r.randint(20, 200), r.randint(5, 80), f"{r.uniform(0, 8):.2f}")
            + (f"{r.uniform(-300, 300):.1f}", f"{r.uniform(0, 20):.2f}", LAB)
            for i in range(1, n["points"] * per + 1)
        ),
    )
    r = rng("judgement")
    last_round = start + datetime.timedelta(days=2 * (per - 1))
    yield (
        "projects_judgement",
        ["id", "channel_id", "grade", "rounds", "point_grades", "sample_count", "deviations"]
        + ["computed_at", "is_latest"],
        (
            (i, (i - 1) * spacing + 1, grade, json.dumps([f"{last_round:%Y-%m-%d}"]))
            + (json.dumps({"1号点": grade}), 1, "", stamp(last_round), False)
            for i in range(1, n["points"] + 1)
            for grade in [r.choice(["clear", "light", "severe"])]
        ),
    )

    # Sewers: one CCTV inspection a segment, four defects (five on every 15th).
    r = rng("segment")
    yield (
        "projects_pipesegment",
        ["id", "code", "from_manhole", "to_manhole", "diameter_mm", "material", "length_m"]
        + ["area_class", "soil", "street_id"],
        (
            (s, f"BJ-{s:06d}", f"W{s:06d}", f"W{s + 1:06d}", r.choice(DIAMETERS), "钢筋混凝土")
            + (r.randint(20, 80), r.choice("ABCD"), r.choice(SOILS), streets[s % len(streets)])
            for s in range(1, n["segments"] + 1)
        ),
    )
    yield (
        "projects_inspection",
        ["id", "segment_id", "method", "inspected_on", "contractor", "video_ref"],
        (
            (s, s, "CCTV", datetime.date(2018, 1, 1) + datetime.timedelta(days=s % 300))
            + ("基准检测公司", f"V{s:06d}")
            for s in range(1, n["segments"] + 1)
        ),
    )
    r = rng("defect")
    codes = list(CODES)

    def defects():
        did = 0
        for s in range(1, n["segments"] + 1):
            for _d in range(5 if s % EXTRA_DEFECT_EVERY == 0 else 4):
                did += 1
                code = r.choice(codes)
                yield (did, s, defect_codes[code], r.choice(CODES[code]))
                yield (f"{r.uniform(0, 20):.2f}", f"{r.uniform(0, 2):.2f}", "0309")

    yield (
        "projects_defect",
        ["id", "inspection_id", "code_id", "grade", "position_m", "length_m", "clock"],
        paired(defects()),
    )

    # Patrols: posts round the stations, channels round the posts.
    yield (
        "projects_patrolpost",
        ["id", "station_id", "name", "person_on_post", "phone", "active", "note"],
        (
            (i, stations[i % len(stations)], f"岗位{i:03d}", f"巡查员{i}", "", True, "")
            for i in range(1, n["posts"] + 1)
        ),
    )
    yield (
        "projects_patrolpost_channels",
        ["id", "patrolpost_id", "channel_id"],
        ((c, (c - 1) % n["posts"] + 1, c) for c in range(1, n["channels"] + 1)),
    )

    made = (stamp, moment_in, generate_place_rows.point_beside)
    yield from generate_complaint_rows.tables(n, rng, anchor, streets, made)

    r = rng("patrol")

    def patrols():
        for i in range(1, n["patrols"] + 1):
            channel = r.randint(1, n["channels"])
            at = stamp(moment_in(r, anchor, 12))
            finding = "有漂浮物" if r.random() < 0.2 else ""
            yield (i, (channel - 1) % n["posts"] + 1, channel, r.choice(PATROL_KINDS), at)
            yield (f"巡查员{i % 20}", finding, "已清理" if finding else "", at)

    yield (
        "projects_patrolrecord",
        ["id", "post_id", "channel_id", "kind", "patrolled_at", "patroller", "findings"]
        + ["action_taken", "created_at"],
        paired(patrols()),
    )

    # Assessments: the stations' months, latest first, three deductions each.
    assessments = [
        (i, stations[(i - 1) % len(stations)], months_back(anchor, (i - 1) // len(stations)))
        for i in range(1, n["assessments"] + 1)
    ]
    yield (
        "projects_monthlyassessment",
        ["id", "station_id", "month", "status", "note"],
        ((i, station, month, "final", "") for i, station, month in assessments),
    )
    r = rng("deduction")
    yield (
        "projects_deduction",
        ["id", "assessment_id", "item_id", "occurrences", "points", "note", "channel_id"],
        (
            (
                3 * (i - 1) + k + 1,
                i,
                items[k % len(items)],
                1,
                "1.0",
                "",
                r.randint(1, n["channels"]),
            )
            for i, _station, _month in assessments
            for k in range(DEDUCTIONS_PER_ASSESSMENT)
        ),
    )
    yield from generate_chief_rows.tables(n["channels"], rng, anchor, stamp)
    yield from generate_place_rows.tables(n["channels"], rng)
