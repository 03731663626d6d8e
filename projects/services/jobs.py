"""Long work outside the request: imports over a size, regrading every channel, rescoring every
segment.

``start(kind, user, **params)`` records a ``Job`` and hands it to a runner once the request's
transaction commits:

- with the setting ``CELERY_BROKER_URL`` (Redis or RabbitMQ), to the Celery task ``run_job``:
  a worker on any machine (``celery -A waterworks worker``) runs it;
- without it (``make run``, the embedded default), to a daemon thread of this process.

Either way ``run(pk)`` does the work: it marks the job running, calls the kind's work function
(``WORKS``) with the job and a ``Progress`` callback, and marks it succeeded with the result in
words (and its JSON, e.g. the import batch), or failed with why. Each work function writes in
one transaction, so a failed job has written nothing. A failure the work foresees raises
``JobFailed`` with the message for the user; anything else is logged with its traceback and
the user reads that the work stopped on an unexpected error.

Messages are written in the language of the page that started the job (``Job.language``).

A running job writes a sign of life (``Job.heartbeat_at``) every ``JOB_HEARTBEAT_SECONDS``
from a thread of its own, and with its progress. One silent for ``JOB_STALE_SECONDS`` was cut
short (its web process restarted, its worker died): ``Job.interrupted``, shown as failed, its
transaction rolled back; ``restart`` queues it again. Celery acknowledges a job's message only
once it has run (``CELERY_TASK_ACKS_LATE``) and puts it back when the worker is lost
(``CELERY_TASK_REJECT_ON_WORKER_LOST``): the broker hands it to another worker, which takes the
job over once its heartbeat has gone stale (``run`` claims a queued job or an interrupted one;
a redelivered message finding the job alive waits and looks again).
"""

import logging
import threading
import time
from dataclasses import dataclass, field

from celery import shared_task
from django.conf import settings
from django.db import OperationalError, connections, router, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from projects.core import roles
from projects.models import Job

logger = logging.getLogger(__name__)

# The work of each kind: a function ``work(job, progress) -> Outcome``, by dotted path (loaded
# when a job runs, so that this module does not load the importers and the graders).
WORKS = {
    Job.Kind.IMPORT: "projects.services.imports.steps.run_import",
    Job.Kind.REGRADE: "projects.services.jobs.regrade_all",
    Job.Kind.RESCORE: "projects.services.jobs.rescore_all",
    Job.Kind.LEDGER: "projects.services.ledger_files.build_ledger_file",
    Job.Kind.ALERTS: "projects.services.alert_digests.send_digests",
}


class JobFailed(Exception):
    """The work could not be done; ``message`` tells the user why (nothing was written)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


@dataclass
class Outcome:
    message: str
    result: dict = field(default_factory=dict)


# --- starting ------------------------------------------------------------------------------


def start(kind, user, /, **params):
    """Record a job of ``kind`` for ``user`` and run it outside the request; returns the Job."""
    job = Job.objects.create(
        kind=kind,
        user=user if user is not None and user.is_authenticated else None,
        params=params,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    transaction.on_commit(lambda: dispatch(job.pk), using=router.db_for_write(Job))
    return job


def restart(job):
    """Queue an interrupted job again (True), unless someone else did already or it is not
    interrupted (False). Its work starts from the beginning: nothing of it had been written."""
    if not job.interrupted:
        return False
    queued = Job.objects.filter(Job.stale(), pk=job.pk).update(
        status=Job.Status.QUEUED,
        step="",
        done=0,
        message="",
        started_at=None,
        heartbeat_at=None,
    )
    if queued:
        transaction.on_commit(lambda: dispatch(job.pk), using=router.db_for_write(Job))
    return bool(queued)


def dispatch(pk):
    """Hand the job to Celery when a broker is configured, else to a thread of this process."""
    if getattr(settings, "CELERY_BROKER_URL", ""):
        try:
            run_job.delay(pk)
        except Exception:  # the broker cannot be reached: say so rather than wait forever
            logger.exception("job %s could not be queued", pk)
            job = Job.objects.get(pk=pk)
            with translation.override(job.language or settings.LANGUAGE_CODE):
                finish(
                    job,
                    Job.Status.FAILED,
                    _("The job queue cannot be reached, so nothing was done. Try again later."),
                )
        return
    threading.Thread(target=run_in_thread, args=(pk,), name=f"job-{pk}", daemon=True).start()


def run_in_thread(pk):
    try:
        run(pk)
    finally:
        connections.close_all()  # this thread's connections only


@shared_task(
    bind=True,
    name="projects.run_job",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
)
def run_job(task, pk):
    """The Celery task: run job ``pk``. A message the broker handed out again (its worker was
    lost, or Redis's visibility timeout passed) while the job still shows signs of life looks
    again once it would have gone stale, and takes it over then."""
    if run(pk) == BUSY:
        raise task.retry(countdown=settings.JOB_STALE_SECONDS + settings.JOB_HEARTBEAT_SECONDS)


@shared_task(name="projects.send_alerts", ignore_result=True)
def send_alerts(days=None):
    """Celery beat's daily entry (``ALERTS_SEND_AT``): queue the alert digests as a job."""
    with translation.override(settings.LANGUAGE_CODE):
        start(Job.Kind.ALERTS, None, days=days, date=None)


# --- running -------------------------------------------------------------------------------


RAN, BUSY, GONE = "ran", "busy", "gone"


def run(pk):
    """Run job ``pk`` if it is queued, or interrupted (a job runs once at a time, whoever picks
    it up). Returns ``RAN``; ``BUSY`` when it is running elsewhere with signs of life; ``GONE``
    when it has finished or does not exist."""

    def claim():
        now = timezone.now()
        return Job.objects.filter(Q(status=Job.Status.QUEUED) | Job.stale(), pk=pk).update(
            status=Job.Status.RUNNING, started_at=now, heartbeat_at=now, step="", done=0
        )

    if not patiently(claim):
        running = Job.objects.filter(pk=pk, status=Job.Status.RUNNING).exists()
        return BUSY if running else GONE
    job = patiently(lambda: Job.objects.get(pk=pk))
    with (
        translation.override(job.language or settings.LANGUAGE_CODE),
        Heartbeat(pk),
    ):
        try:
            work = import_string(WORKS[job.kind])
            outcome = work(job, Progress(job))
        except JobFailed as failure:
            finish(job, Job.Status.FAILED, failure.message)
        except Exception:
            logger.exception("job %s (%s) failed", pk, job.kind)
            finish(
                job,
                Job.Status.FAILED,
                _(
                    "The work stopped on an unexpected error, so nothing was written. The "
                    "administrators can find the details in the log under job #%(id)s."
                )
                % {"id": pk},
            )
        else:
            finish(job, Job.Status.SUCCEEDED, outcome.message, outcome.result)
    return RAN


class Heartbeat:
    """While the job runs, a thread writes its sign of life every ``JOB_HEARTBEAT_SECONDS``
    from a connection of its own (a write SQLite refuses while the work writes is skipped)."""

    def __init__(self, pk):
        self.pk = pk
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.beat, name=f"job-{pk}-heartbeat", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stop.set()
        self.thread.join()

    def beat(self):
        try:
            while not self.stop.wait(settings.JOB_HEARTBEAT_SECONDS):
                try:
                    Job.objects.filter(pk=self.pk, status=Job.Status.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # a missed beat is no failure
                    logger.debug("job %s: heartbeat not written", self.pk, exc_info=True)
        finally:
            connections.close_all()  # this thread's connections only


def finish(job, status, message, result=None):
    fields = {"status": status, "message": str(message), "finished_at": timezone.now()}
    if result is not None:
        fields["result"] = result
    if status == Job.Status.SUCCEEDED and job.total:
        # (the total too: on SQLite the progress inside the work's transaction is not written)
        fields["done"] = fields["total"] = job.total
    patiently(lambda: Job.objects.filter(pk=job.pk).update(**fields))
    for name, value in fields.items():
        setattr(job, name, value)


def patiently(query, attempts=100, pause=0.05):
    """Run ``query`` (the job's own bookkeeping, outside any transaction), trying again for a
    few seconds while SQLite refuses it: SQLite has one writer at a time, and a shared-cache
    database refuses a locked table at once instead of waiting."""
    for attempt in range(attempts):
        try:
            return query()
        except OperationalError:
            if connections[router.db_for_write(Job)].vendor != "sqlite" or attempt + 1 == attempts:
                raise
            time.sleep(pause)


class Progress:
    """The callback a work function reports through: ``progress(done=, total=, step=)``, any
    of them. Written at most every ``INTERVAL`` seconds (always when the step changes or the
    work is done).

    Inside the work's transaction the row is written from another connection, so that the
    page sees it before the commit; SQLite lets one connection write at a time, so there the
    progress inside the transaction is seen at its end (the steps before it are seen)."""

    INTERVAL = 0.5

    def __init__(self, job):
        self.job = job
        self.using = router.db_for_write(Job)
        self.last = 0.0

    def __call__(self, done=None, total=None, step=None):
        fields = {}
        if total is not None:
            fields["total"] = self.job.total = total
        if done is not None:
            fields["done"] = self.job.done = done
        if step is not None:
            fields["step"] = self.job.step = str(step)[:100]
        fields["heartbeat_at"] = timezone.now()
        now = time.monotonic()
        complete = self.job.total and self.job.done >= self.job.total
        if step is None and total is None and not complete and now - self.last < self.INTERVAL:
            return
        self.last = now
        self.write(fields)

    def write(self, fields):
        connection = connections[self.using]
        if not connection.in_atomic_block:
            patiently(lambda: Job.objects.using(self.using).filter(pk=self.job.pk).update(**fields))
        elif connection.vendor != "sqlite":
            writer = threading.Thread(target=self.write_apart, args=(fields,))
            writer.start()
            writer.join()

    def write_apart(self, fields):
        try:
            Job.objects.using(self.using).filter(pk=self.job.pk).update(**fields)
        except Exception:  # progress is a courtesy: never let it stop the work
            logger.warning("job %s: progress not written", self.job.pk, exc_info=True)
        finally:
            connections[self.using].close()


# --- who sees a job ------------------------------------------------------------------------


def may_see(user, job):
    """The user who started the job, or an administrator; a month's work ledger, like the
    month report, every logged-in user."""
    if not user.is_authenticated:
        return False
    if job.kind == Job.Kind.LEDGER or job.user_id == user.pk or user.is_superuser:
        return True
    return user.groups.filter(name=roles.ADMINISTRATOR).exists()


# --- the work of regrading and rescoring ---------------------------------------------------

CHANNELS_AT_ONCE = 200


def regrade_all(job, progress):
    """Regrade the channels ``params["channels"]`` (every channel when absent), in one
    transaction, a slice of channels at a time."""
    from projects.models import Channel
    from projects.services.water_quality import regrade_channels

    ids = job.params.get("channels")
    if ids is None:
        ids = list(Channel.objects.order_by("pk").values_list("pk", flat=True))
    progress(step=_("Regrading the channels"), done=0, total=len(ids))
    written = 0
    with transaction.atomic(using=router.db_for_write(Channel)):
        for start in range(0, len(ids), CHANNELS_AT_ONCE):
            written += regrade_channels(ids[start : start + CHANNELS_AT_ONCE])
            progress(done=min(start + CHANNELS_AT_ONCE, len(ids)))
    if written:
        message = ngettext(
            "%(count)d new judgement written.", "%(count)d new judgements written.", written
        ) % {"count": written}
    else:
        message = _("No judgement changed: no channel has new samples that change its grade.")
    return Outcome(message, {"written": written, "channels": len(ids)})


def rescore_all(job, progress):
    """Rescore the segments ``params["segments"]`` (every segment when absent)."""
    from projects.services.sewer_condition import Rescore

    ids = job.params.get("segments")
    progress(step=_("Rescoring the segments"), done=0, total=0)
    run = Rescore().run(ids, progress=progress)  # one transaction
    message = ngettext(
        "%(count)d segment scored with %(rule_set)s.",
        "%(count)d segments scored with %(rule_set)s.",
        run.scored,
    ) % {"count": run.scored, "rule_set": run.rule_set}
    failures = [
        _("%(segment)s could not be scored: %(reason)s") % {"segment": code, "reason": reason}
        for code, reason in run.failures.items()
    ]
    return Outcome(
        " ".join([message, *failures[:20]]),
        {"scored": run.scored, "failures": len(failures)},
    )
