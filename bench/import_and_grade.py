"""Benchmark: bulk import, raw COPY, re-grading and re-scoring on PostgreSQL.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/waterworks_bench \\
        .venv/bin/python bench/import_and_grade.py

Uses its own database — the name in DATABASE_URL must end in ``_bench``; it is created when
missing and migrated — and refuses SQLite. Every run empties the tables it fills.

1. Generates 1,000 channels (3 sampling points each, created by the import) and 1,000,000
   samples as ten CSV files of 100,000 rows (the per-upload row limit), and 50,000 pipe
   segments with 200,000 defects (one CCTV inspection of four defects each) as two CSV files
   of 100,000 rows, in a temporary folder.
2. (a) Imports them through ``projects.services.imports`` exactly as the confirm button does —
   ``check()`` (the validation, again) then ``save()`` — with PostgreSQL's COPY write path
   (the default there); the first file of each kind also with ``bulk_create_with_history``
   (``IMPORT_WRITE_METHOD=orm``) for comparison. The dry run (``check()`` alone) is timed too.
3. (c) ``regrade_channels()`` and ``rescore_segments()`` over everything.
4. (b) Empties the tables and loads the same rows with a bare ``COPY`` (no validation, no
   history): the floor the importer is compared with.

Query logging is turned off (``DEBUG`` only lets settings load without a secret key): a
production server runs with it off, and it would hold every statement in memory.
"""

import csv
import datetime
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waterworks.settings")

CHANNELS = 1_000
POINTS_PER_CHANNEL = 3
SAMPLES = 1_000_000
SEGMENTS = 50_000
DEFECTS_PER_SEGMENT = 4
ROWS_PER_FILE = 100_000
if os.environ.get("BENCH_SMALL"):  # a quick check of the script itself
    SAMPLES, SEGMENTS, ROWS_PER_FILE = 60_000, 5_000, 10_000
SAMPLE_HEADER = [
    "排洪渠",
    "采样点",
    "采样时间",
    "水深(cm)",
    "透明度(cm)",
    "溶解氧(mg/L)",
    "氧化还原电位(mV)",
    "氨氮(mg/L)",
    "检测单位",
]
INSPECTION_HEADER = [
    "管段编号",
    "起点井",
    "终点井",
    "管径(mm)",
    "材质",
    "长度(m)",
    "地区类别",
    "土质",
    "检测方法",
    "检测日期",
    "检测单位",
    "视频编号",
    "缺陷代码",
    "缺陷等级",
    "位置(m)",
    "缺陷长度(m)",
    "时钟位置",
]
# Code → grades with a score (CJJ 181-2012), so every generated defect is valid.
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


def ensure_database():
    """Refuse anything but a PostgreSQL database named ``…_bench``; create it when missing."""
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (this benchmark refuses SQLite).")
    name = parts.path.lstrip("/")
    if not name.endswith("_bench"):
        sys.exit(f"The database name must end in _bench (got {name!r}): every run empties it.")
    import psycopg2

    maintenance = urlunsplit(parts._replace(path="/postgres"))
    connection = psycopg2.connect(maintenance)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    connection.close()


def setup_django():
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("This benchmark runs on PostgreSQL only.")
    settings.DEBUG = False
    call_command("migrate", verbosity=0)


TABLES = [
    "projects_segmentscore",
    "projects_defect",
    "projects_historicaldefect",
    "projects_inspection",
    "projects_historicalinspection",
    "projects_pipesegment",
    "projects_historicalpipesegment",
    "projects_judgement",
    "projects_sample",
    "projects_historicalsample",
    "projects_samplingpoint",
    "projects_historicalsamplingpoint",
    "projects_importbatch",
]


def empty_tables():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")


def analyze():
    """Fresh statistics, as autovacuum would soon have after such a load."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(TABLES)}")


def make_channels():
    from projects.models import Channel

    Channel.objects.filter(name__startswith="基准渠").delete()
    Channel.objects.bulk_create(Channel(name=f"基准渠{i:04d}") for i in range(CHANNELS))


def write_sample_files(folder):
    rng = random.Random(2018)
    start = datetime.datetime(2016, 1, 1, 9, 0)
    files = []
    per_round = CHANNELS * POINTS_PER_CHANNEL
    for number in range(SAMPLES // ROWS_PER_FILE):
        path = folder / f"samples-{number:02d}.csv"
        with path.open("w", newline="", encoding="utf-8") as file:
            out = csv.writer(file)
            out.writerow(SAMPLE_HEADER)
            for i in range(number * ROWS_PER_FILE, (number + 1) * ROWS_PER_FILE):
                channel, point = i % CHANNELS, (i // CHANNELS) % POINTS_PER_CHANNEL
                moment = start + datetime.timedelta(days=2 * (i // per_round), minutes=point)
                out.writerow(
                    [
                        f"基准渠{channel:04d}",
                        f"{point + 1}号点",
                        f"{moment:%Y-%m-%d %H:%M}",
                        rng.randint(20, 200),
                        rng.randint(5, 80),
                        f"{rng.uniform(0, 8):.2f}",
                        f"{rng.uniform(-300, 300):.1f}",
                        f"{rng.uniform(0, 20):.2f}",
                        "区环境监测站",
                    ]
                )
        files.append(path)
    return files


def write_inspection_files(folder):
    rng = random.Random(181)
    codes = list(CODES)
    soils = ["一般土层", "粉砂层", "淤泥", "红黏土"]
    files = []
    per_file = ROWS_PER_FILE // DEFECTS_PER_SEGMENT
    for number in range(SEGMENTS // per_file):
        path = folder / f"inspections-{number:02d}.csv"
        with path.open("w", newline="", encoding="utf-8") as file:
            out = csv.writer(file)
            out.writerow(INSPECTION_HEADER)
            for s in range(number * per_file, (number + 1) * per_file):
                length = rng.randint(20, 80)
                segment = [
                    f"BJ-{s:06d}",
                    f"W{s:06d}",
                    f"W{s + 1:06d}",
                    rng.choice((300, 400, 600, 800, 1000, 1200, 1600)),
                    "钢筋混凝土",
                    length,
                    rng.choice("ABCD"),
                    rng.choice(soils),
                ]
                day = datetime.date(2018, 1, 1) + datetime.timedelta(days=s % 300)
                for d in range(DEFECTS_PER_SEGMENT):
                    code = rng.choice(codes)
                    out.writerow(
                        [
                            *(segment if d == 0 else [segment[0], "", "", "", "", "", "", ""]),
                            "CCTV",
                            f"{day:%Y-%m-%d}",
                            "基准检测公司" if d == 0 else "",
                            f"V{s:06d}" if d == 0 else "",
                            code,
                            rng.choice(CODES[code]),
                            f"{rng.uniform(0, length):.2f}",
                            f"{rng.uniform(0, 2):.2f}",
                            "0309",
                        ]
                    )
        files.append(path)
    return files


def import_file(importer_class, path, user):
    """(rows, dry-run seconds, confirm seconds) for one file, as the site does it."""
    importer = importer_class()
    with path.open("rb") as file:
        started = time.perf_counter()
        result = importer.check(file, path.name)
        dry_run = time.perf_counter() - started
    if not result.ok:
        sys.exit(f"{path.name}: {result.refused or result.errors[:5]}")
    importer = importer_class()
    with path.open("rb") as file:
        started = time.perf_counter()
        importer.check(file, path.name)
        importer.save(user, refresh=False)
        confirm = time.perf_counter() - started
    return result.rows, dry_run, confirm


def import_all(importer_class, files, user, label, figures):
    rows = dry = confirm = 0
    for path in files:
        n, d, c = import_file(importer_class, path, user)
        rows, dry, confirm = rows + n, dry + d, confirm + c
        print(f"  {path.name}: {n:,} rows, dry run {d:.1f} s, confirm {c:.1f} s", flush=True)
    figures.append((f"(a) import {label}, dry run", rows, dry))
    figures.append((f"(a) import {label}, confirm (check + write)", rows, confirm))


def raw_copy(sample_files, inspection_files, figures):
    """The same rows through a bare COPY into the same tables: no validation, no history."""
    from django.db import connection

    from projects.models import Channel, DefectCode, SamplingPoint
    from projects.services.imports.copy_writer import copy_lines
    from projects.services.sewer_condition import active_rule_set

    channels = dict(Channel.objects.filter(name__startswith="基准渠").values_list("name", "pk"))
    points = {
        (channel_id, name): pk
        for channel_id, name, pk in SamplingPoint.objects.values_list("channel_id", "name", "pk")
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE projects_segmentscore, projects_defect, projects_inspection, "
            "projects_pipesegment, projects_judgement, projects_sample CASCADE"
        )
    zone = "+08:00"
    started = time.perf_counter()
    rows = 0
    with connection.cursor() as cursor:
        for path in sample_files:
            lines = []
            with path.open(encoding="utf-8", newline="") as file:
                reader = csv.reader(file)
                next(reader)
                for channel, point, moment, depth, transparency, do, orp, nh3n, lab in reader:
                    point_id = points[(channels[channel], point)]
                    values = (point_id, f"{moment}{zone}", depth, transparency, do, orp, nh3n)
                    lines.append("\t".join(map(str, values)) + f"\t{lab}\n")
            columns = [
                "point_id",
                "sampled_at",
                "depth_cm",
                "transparency_cm",
                "do_mg_l",
                "orp_mv",
                "nh3n_mg_l",
                "lab",
            ]
            copy_lines(cursor, "projects_sample", columns, lines)
            rows += len(lines)
    figures.append(("(b) bare COPY of the samples", rows, time.perf_counter() - started))

    codes = dict(DefectCode.objects.filter(rule_set=active_rule_set()).values_list("code", "pk"))
    soils = {"一般土层": "ordinary", "粉砂层": "silt_sand", "淤泥": "muck", "红黏土": "red_clay"}
    started = time.perf_counter()
    rows = 0
    with connection.cursor() as cursor:
        segment_id = inspection_id = 0
        for path in inspection_files:
            segments, inspections, defects = [], [], []
            with path.open(encoding="utf-8", newline="") as file:
                reader = csv.reader(file)
                next(reader)
                for row in reader:
                    rows += 1
                    if row[1]:
                        segment_id += 1
                        inspection_id += 1
                        segments.append(
                            f"{segment_id}\t{row[0]}\t{row[1]}\t{row[2]}\t{row[3]}\t{row[4]}"
                            f"\t{row[5]}\t{row[6]}\t{soils[row[7]]}\n"
                        )
                        inspections.append(
                            f"{inspection_id}\t{segment_id}\t{row[8]}\t{row[9]}\t{row[10]}"
                            f"\t{row[11]}\n"
                        )
                    defects.append(
                        f"{inspection_id}\t{codes[row[12]]}\t{row[13]}\t{row[14]}\t{row[15]}"
                        f"\t{row[16]}\n"
                    )
            copy_lines(
                cursor,
                "projects_pipesegment",
                [
                    "id",
                    "code",
                    "from_manhole",
                    "to_manhole",
                    "diameter_mm",
                    "material",
                    "length_m",
                    "area_class",
                    "soil",
                ],
                segments,
            )
            copy_lines(
                cursor,
                "projects_inspection",
                ["id", "segment_id", "method", "inspected_on", "contractor", "video_ref"],
                inspections,
            )
            copy_lines(
                cursor,
                "projects_defect",
                ["inspection_id", "code_id", "grade", "position_m", "length_m", "clock"],
                defects,
            )
    figures.append(("(b) bare COPY of the inspection rows", rows, time.perf_counter() - started))


def timed(label, function, figures):
    started = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - started
    figures.append((label, result, seconds))
    print(f"  {label}: {seconds:.1f} s", flush=True)


def main():
    ensure_database()
    setup_django()
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from projects.services.imports import InspectionImporter, SampleImporter
    from projects.services.imports.base import write_method
    from projects.services.sewer_condition import rescore_segments
    from projects.services.water_quality import regrade_channels

    user, _created = get_user_model().objects.get_or_create(username="benchmark")
    figures = []
    begun = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="waterworks-bench-") as folder:
        folder = Path(folder)
        print("generating the files …", flush=True)
        empty_tables()
        make_channels()
        sample_files = write_sample_files(folder)
        inspection_files = write_inspection_files(folder)

        print("importing the first file of each kind with bulk_create_with_history …")
        settings.IMPORT_WRITE_METHOD = "orm"
        import_all(SampleImporter, sample_files[:1], user, "samples, ORM", figures)
        import_all(InspectionImporter, inspection_files[:1], user, "inspections, ORM", figures)
        empty_tables()

        settings.IMPORT_WRITE_METHOD = "auto"
        print(f"importing everything with the {write_method('default')} write path …")
        import_all(SampleImporter, sample_files, user, "samples, COPY", figures)
        import_all(InspectionImporter, inspection_files, user, "inspections, COPY", figures)

        print("re-grading and re-scoring everything …")
        analyze()
        timed("(c) regrade_channels(), all channels", regrade_channels, figures)
        timed("(c) rescore_segments(), all segments", rescore_segments, figures)

        print("bare COPY of the same rows …")
        raw_copy(sample_files, inspection_files, figures)

    print()
    print(f"{'step':<52} {'rows / count':>12} {'seconds':>9} {'rows/s':>9}")
    for label, count, seconds in figures:
        rate = f"{count / seconds:,.0f}" if label.startswith(("(a)", "(b)")) else ""
        print(f"{label:<52} {count:>12,} {seconds:>9.1f} {rate:>9}")
    print(f"\ntotal {time.perf_counter() - begun:.0f} s; {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
