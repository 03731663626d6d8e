"""Scale benchmark, part 2: time the pages on the district ``bench/generate.py`` wrote.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/waterworks_bench \\
        .venv/bin/python bench/pages.py --factor 10 [--runs 20]

Requests each page in-process with Django's test client, logged in as the ``bench-admin``
superuser (force_login), first once with the queries counted (CaptureQueriesContext), then
``--runs`` times with query logging off, as a production server runs. Prints, per page, the
queries, the median and 95th-percentile time, the HTML size, and for a list page the median of
the admin changelist of the same model and the ratio of the two. ``--factor`` only labels the
table (and is checked against the channels in the database); run generate.py first.
"""

import argparse
import statistics
import sys
import time
import warnings

import generate_rows
from import_and_grade import ensure_database

# (label, URL name, admin changelist of the same rows or None[, model whose first row is the
# page's one argument])
PAGES = [
    ("month report", "projects:month-report", None),
    ("dashboard", "projects:dashboard", None),
    ("needs attention", "projects:attention", None),
    ("patrol list", "projects:patrol-list", "admin:projects_patrolrecord_changelist"),
    ("stations", "projects:station-list", "admin:projects_patrolpost_changelist"),
    ("complaint form", "projects:complaint-create", None),
    ("patrol form", "projects:patrol-create", None),
    ("complaint board", "projects:complaint-board", None),
    ("complaint list", "projects:complaint-list", "admin:projects_complaint_changelist"),
    ("assessments", "projects:assessment-list", "admin:projects_monthlyassessment_changelist"),
    ("project list", "projects:project-list", "admin:projects_project_changelist"),
    ("channel list", "projects:channel-list", "admin:projects_channel_changelist"),
    ("river chiefs", "projects:chief-list", "admin:projects_riverchief_changelist"),
    ("outfall register", "projects:outfall-list", "admin:projects_outfall_changelist"),
    ("batch list", "projects:batch-list", "admin:projects_interceptionbatch_changelist"),
    ("pipe network", "projects:pipes", None),
    ("segment priority", "projects:segment-priority", "admin:projects_pipesegment_changelist"),
    ("segment upkeep", "projects:segment-maintenance", None),
    ("import index", "projects:import-index", None),
    ("map", "projects:map", None),
    ("map features", "projects:map-features", None),
    ("channel page", "projects:channel-detail", None, "Channel"),
    ("river chief page", "projects:chief-detail", None, "RiverChief"),
    ("inspection form", "projects:chief-inspection-create", None, "RiverChief"),
    ("outfall page", "projects:outfall-detail", None, "Outfall"),
    ("outfall form", "projects:outfall-update", None, "Outfall"),
    ("plant page", "projects:plant-detail", None, "TreatmentPlant"),
    ("plan edit", "projects:plan-edit", None, "Channel"),
    ("channel history", "projects:channel-history", None, "Channel"),
    ("project page", "projects:project-detail", None, "Project"),
    ("batch page", "projects:batch-detail", None, "InterceptionBatch"),
    ("segment page", "projects:segment-detail", None, "PipeSegment"),
    ("station page", "projects:station-detail", None, "ResponsibleUnit"),
    ("patrol page", "projects:patrol-detail", None, "PatrolRecord"),
    ("complaint page", "projects:complaint-detail", None, "Complaint"),
    ("assessment page", "projects:assessment-detail", None, "MonthlyAssessment"),
    ("assessment items", "projects:assessment-items", None),
    ("deduction form", "projects:assessment-deduction-create", None, "MonthlyAssessment"),
    ("task form", "projects:task-update", None, "Task"),
    ("task history", "projects:task-history", None, "Task"),
    ("report form", "projects:report-create", None, "Project"),
    ("report edit", "projects:report-update", None, "ProgressReport"),
    ("project history", "projects:project-history", None, "Project"),
    ("complaint add report", "projects:complaint-add-report", None, "Complaint"),
]


def page_url(name, model_name):
    """The page's URL: with the first row of ``model_name`` as its argument when given (for a
    station, the first unit that runs patrol posts)."""
    from django.apps import apps
    from django.urls import reverse

    if model_name is None:
        return reverse(name)
    model = apps.get_model("projects", model_name)
    rows = model.objects.order_by("pk")
    if model_name == "ResponsibleUnit":
        rows = rows.filter(patrol_posts__isnull=False)
    pk = rows.values_list("pk", flat=True).first()
    return reverse(name, args=[pk]) if pk is not None else None


def setup():
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("This benchmark runs on PostgreSQL only.")
    settings.DEBUG = False
    warnings.filterwarnings("ignore", message="No directory at")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def client():
    from django.contrib.auth import get_user_model
    from django.test import Client
    from generate import ADMIN

    user = get_user_model().objects.filter(username=ADMIN).first()
    if user is None:
        sys.exit("No bench-admin user: run bench/generate.py first.")
    browser = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    browser.force_login(user)
    return browser


def fetch(browser, url):
    response = browser.get(url)
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code}")
    return response


def count_queries(browser, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = fetch(browser, url)
    return len(queries), len(response.content)


def timings(browser, url, runs):
    """Milliseconds of ``runs`` requests, after one warm-up request."""
    fetch(browser, url)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fetch(browser, url)
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(times):
    return statistics.quantiles(times, n=20, method="inclusive")[-1] if len(times) > 1 else times[0]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=float, required=True)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--only", action="append", default=[], help="time only pages whose label holds this"
    )
    args = parser.parse_args(argv)
    ensure_database()
    setup()
    from django.urls import reverse

    from projects.models import Channel

    expected = generate_rows.plan_sizes(args.factor)["channels"]
    found = Channel.objects.count()
    if found != expected:
        sys.exit(f"Factor {args.factor:g} means {expected} channels; the database has {found}.")
    browser = client()
    header = (
        f"{'page':<16} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'HTML KB':>8}"
        f" {'admin p50':>9} {'ratio':>6}"
    )
    print(f"factor {args.factor:g}, {args.runs} runs a page\n\n{header}", flush=True)
    for label, name, admin_name, *model in PAGES:
        if args.only and not any(part in label for part in args.only):
            continue
        url = page_url(name, model[0] if model else None)
        if url is None:
            print(f"{label:<16} (no {model[0]} in the database)", flush=True)
            continue
        queries, size = count_queries(browser, url)
        times = timings(browser, url, args.runs)
        median = statistics.median(times)
        line = f"{label:<16} {queries:>7} {median:>8.1f} {p95(times):>8.1f} {size / 1024:>8.0f}"
        if admin_name:
            admin_median = statistics.median(timings(browser, reverse(admin_name), args.runs))
            line += f" {admin_median:>9.1f} {median / admin_median:>6.2f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
