"""Scale benchmark, part 1: fill a PostgreSQL database with a district of a given size.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/waterworks_bench \\
        .venv/bin/python bench/generate.py --factor 10 [--seed 2018] [--anchor 2026-12-04]

Factor 1 is one hundredth of the scale issue's "100× district" (90 channels with plans, 900
tasks, 45 projects × 12 monthly reports, 9,000 samples at 18 points, 450 pipe segments with
1,830 defects, 900 patrol records, 180 complaints, about 9 assessments; and, beyond the issue's
list, river chiefs, 180 outfalls, a treatment plant and places on the map for channels,
points, outfalls and half the complaints); factor 100 is that district.
``bench/generate_rows.py`` makes the rows; this script writes them.

Uses its own database — the name in DATABASE_URL must end in ``_bench``; it is created when
missing and migrated — and refuses SQLite. Every run first empties every table of the app
except the rows the migrations load (defect codes, assessment items), then writes the rows
with COPY, primary keys included, so a second run with the same factor, seed and anchor day
leaves the same data. The patrols, complaints, monthly reports and assessments fall in the
twelve months up to the anchor (today by default, so "this month" has data). No history rows
are written (the pages measured do not read them). Pipe scores are computed by the app's own
``rescore_segments()``; judgements are written directly, one per sampled channel.

A superuser ``bench-admin`` (no usable password) is there for ``bench/pages.py``.
"""

import argparse
import datetime
import sys
import time

import generate_rows
from import_and_grade import ensure_database, setup_django

KEPT = {
    "projects_defectcode",
    "projects_historicaldefectcode",
    "projects_assessmentitem",
    "projects_historicalassessmentitem",
}
CHUNK = 20_000
ADMIN = "bench-admin"


def copy_text(value):
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return str(value)


def empty_tables(cursor):
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
        "AND tablename LIKE 'projects\\_%%' ORDER BY tablename"
    )
    tables = [name for (name,) in cursor.fetchall() if name not in KEPT]
    quoted = ", ".join(f'"{name}"' for name in tables)
    cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")


def write(cursor, table, columns, rows):
    from projects.services.imports.copy_writer import copy_lines

    written = 0
    lines = []
    for row in rows:
        lines.append("\t".join(map(copy_text, row)) + "\n")
        if len(lines) == CHUNK:
            copy_lines(cursor, table, columns, lines)
            written += len(lines)
            lines = []
    if lines:
        copy_lines(cursor, table, columns, lines)
        written += len(lines)
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
        f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
    )
    return written


def reference_ids():
    """The rows the migrations load that generated rows point at."""
    from projects.models import AssessmentItem, DefectCode
    from projects.services.sewer_condition import active_rule_set

    codes = dict(DefectCode.objects.filter(rule_set=active_rule_set()).values_list("code", "pk"))
    missing = set(generate_rows.CODES) - set(codes)
    if missing:
        sys.exit(f"The active rule set lacks the defect codes {sorted(missing)}.")
    items = list(AssessmentItem.objects.filter(active=True).values_list("pk", flat=True))
    if not items:
        sys.exit("No assessment items: the migrations load them.")
    return codes, items


def admin_user():
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(
        username=ADMIN, defaults={"is_staff": True, "is_superuser": True}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=float, required=True, help="1, 10, 100 …")
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument(
        "--anchor",
        type=datetime.date.fromisoformat,
        help="the last day the data reach, YYYY-MM-DD (default: today in Asia/Shanghai)",
    )
    args = parser.parse_args(argv)
    sizes = generate_rows.plan_sizes(args.factor)

    ensure_database()
    setup_django()
    from django.db import connection, transaction
    from django.utils import timezone

    from projects.services import chief_latest, judgement_latest, patrol_latest, round_latest
    from projects.services.sewer_condition import rescore_segments

    anchor = args.anchor or timezone.localdate()
    print(f"factor {args.factor:g}, seed {args.seed}, anchor {anchor}", flush=True)
    begun = time.perf_counter()
    codes, items = reference_ids()
    with transaction.atomic(), connection.cursor() as cursor:
        empty_tables(cursor)
        for table, columns, rows in generate_rows.tables(sizes, args.seed, anchor, codes, items):
            started = time.perf_counter()
            written = write(cursor, table, columns, rows)
            seconds = time.perf_counter() - started
            print(f"  {table:<32} {written:>9,} rows {seconds:>6.1f} s", flush=True)
        # The COPY skipped what the records' saves keep: each post's latest patrol of a channel,
        # each channel's latest judgement, each river chief's term's last inspection.
        pairs = patrol_latest.recompute()
        print(f"  patrol_latest.recompute(): {pairs:,} channels of posts", flush=True)
        judged = judgement_latest.recompute()
        print(f"  judgement_latest.recompute(): {judged:,} judged channels", flush=True)
        terms = chief_latest.recompute()
        print(f"  chief_latest.recompute(): {terms:,} river chiefs' terms", flush=True)
        started = time.perf_counter()
        channels = round_latest.recompute()
        took = time.perf_counter() - started
        print(f"  round_latest.recompute(): {channels:,} channels {took:.1f} s", flush=True)
    admin_user()
    started = time.perf_counter()
    scored = rescore_segments()
    print(f"  rescore_segments(): {scored:,} segments {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"done in {time.perf_counter() - begun:.0f} s", flush=True)


if __name__ == "__main__":
    main()
