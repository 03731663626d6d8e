"""The month's 工作台账 built by a background job (``projects.services.jobs``) into a file of
the uploads store (``default_storage``: ``MEDIA_ROOT``, or the private S3 bucket), served only
through the site (``projects.views.jobs``) to logged-in users, like the month report.

``ledger_job(user, month)`` hands out the job that builds the month's file, or one already
there: a job of the same month still queued or running, or one that finished less than
``LEDGER_REUSE_SECONDS`` ago while nothing the ledger shows has changed since it began
(``data_stamp``). Otherwise it starts a new one.

``build_ledger_file(job, progress)`` is the job's work: it reads the month (the same
``month_ledger`` as the page), writes the workbook row after row to a temporary file with its
progress told by rows, then stores it. It writes nothing to the database: a job cut short
leaves no file. Then it deletes the older files: the month's earlier ones and any older than
``LEDGER_KEEP_DAYS``.
"""

import datetime
import hashlib
import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connections, router
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from projects.models import (
    Channel,
    Complaint,
    ComplaintStep,
    Job,
    PatrolPost,
    PatrolRecord,
    ProgressReport,
    Project,
    PumpingStation,
    ResponsibleUnit,
    Task,
)
from projects.services import jobs
from projects.services.ledger import month_ledger, parse_month
from projects.services.ledger_xlsx import ledger_filename, ledger_rows, write_ledger

logger = logging.getLogger(__name__)

FOLDER = "ledgers"

# What the ledger shows: a row added, changed or deleted in any of them changes the stamp.
SHOWN = [
    Project,
    ProgressReport,
    Task,
    Complaint,
    ComplaintStep,
    PatrolRecord,
    PatrolPost,
    Channel,
    PumpingStation,
    ResponsibleUnit,
]


def data_stamp():
    """A digest of the newest primary key and the newest history entry of every table the
    ledger shows (one query, on indexes): it changes when a row is added, or when one is
    changed or deleted through the site, the admin or an import (all of which keep history)."""
    connection = connections[router.db_for_read(Project)]
    quote = connection.ops.quote_name
    parts = []
    for model in SHOWN:
        parts.append(
            f"(SELECT MAX({quote(model._meta.pk.column)}) FROM {quote(model._meta.db_table)})"
        )
        history = getattr(model, "history", None)
        if history is not None:
            table = history.model._meta.db_table
            parts.append(f"(SELECT MAX({quote('history_date')}) FROM {quote(table)})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    return hashlib.sha256(repr(tuple(str(value) for value in row)).encode()).hexdigest()[:32]


def ledger_job(user, month):
    """The job that builds (or built) the file of ``month`` (a date, the month's first day)."""
    key = f"{month:%Y-%m}"
    candidates = list(
        Job.objects.filter(
            kind=Job.Kind.LEDGER,
            params__month=key,
            status__in=[Job.Status.QUEUED, Job.Status.RUNNING, Job.Status.SUCCEEDED],
            created_at__gte=timezone.now() - datetime.timedelta(days=1),
        ).order_by("-created_at", "-pk")[:5]
    )
    stamp = None
    for job in candidates:
        if job.status in (Job.Status.QUEUED, Job.Status.RUNNING):
            if not job.interrupted:
                return job
            continue
        if not job.result.get("file") or job.finished_at is None:
            continue
        age = (timezone.now() - job.finished_at).total_seconds()
        if age > settings.LEDGER_REUSE_SECONDS:
            continue
        if stamp is None:
            stamp = data_stamp()
        # The same data, and its file still there (a later build of the month deletes it).
        if job.result.get("stamp") == stamp and default_storage.exists(job.result["file"]):
            return job
    return jobs.start(Job.Kind.LEDGER, user, month=key)


def build_ledger_file(job, progress):
    """The job's work: the month's workbook stored under ``ledgers/<month>/``."""
    month = parse_month(job.params["month"])
    progress(step=_("Reading the month's records"), done=0, total=0)
    stamp = data_stamp()  # before reading: a change while it reads makes the next one anew
    ledger = month_ledger(month)
    rows = ledger_rows(ledger)
    progress(step=_("Writing the workbook"), done=0, total=rows)
    filename = ledger_filename(month)
    with tempfile.TemporaryFile(suffix=".xlsx") as file:
        write_ledger(ledger, file, progress)
        del ledger
        progress(step=_("Storing the file"))
        file.seek(0)
        try:
            name = default_storage.save(f"{FOLDER}/{month:%Y-%m}/{job.pk}-{filename}", File(file))
        except OSError as error:
            logger.exception("job %s: the ledger file could not be stored", job.pk)
            raise jobs.JobFailed(
                _("The file could not be stored (%(error)s), so there is nothing to download.")
                % {"error": error.strerror or error.__class__.__name__}
            ) from error
    removed = clean_up(job)
    message = ngettext(
        "The work ledger of %(month)s is ready: %(rows)d row.",
        "The work ledger of %(month)s is ready: %(rows)d rows.",
        rows,
    ) % {"month": f"{month:%Y-%m}", "rows": rows}
    return jobs.Outcome(
        message,
        {"file": name, "filename": filename, "stamp": stamp, "rows": rows, "removed": removed},
    )


def clean_up(latest):
    """Delete the files of the ledger jobs before ``latest``: of its month, and any older than
    ``LEDGER_KEEP_DAYS``. Their jobs keep their rows, without the file. Returns how many."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.LEDGER_KEEP_DAYS)
    old = (
        Job.objects.filter(kind=Job.Kind.LEDGER, status=Job.Status.SUCCEEDED, pk__lt=latest.pk)
        .filter(result__has_key="file")
        .exclude(result__file="")
    )
    removed = 0
    for job in old.only("pk", "params", "result", "finished_at"):
        same_month = job.params.get("month") == latest.params.get("month")
        if not (same_month or (job.finished_at and job.finished_at < cutoff)):
            continue
        name = job.result.get("file")
        if not name:
            continue
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("job %s: old ledger %s not deleted", latest.pk, name, exc_info=True)
            continue
        result = {**job.result, "file": ""}
        jobs.patiently(
            lambda job=job, result=result: Job.objects.filter(pk=job.pk).update(result=result)
        )
        removed += 1
    return removed


def open_file(job):
    """The stored file of a finished ledger job, or None when it is gone."""
    name = job.result.get("file") if job.status == Job.Status.SUCCEEDED else ""
    if not name or not default_storage.exists(name):
        return None
    return default_storage.open(name, "rb")
