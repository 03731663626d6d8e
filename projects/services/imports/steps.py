"""The steps of an import that the site's pages (``projects.views.imports``) and the admin's
(``projects.admin.imports``) share: keep the upload and run the dry run, confirm and write it
(all rows or none), and what the preview and the batch's page show.

A file of at least ``IMPORT_JOB_ROWS`` rows (setting, by its dry run) is written by a
background job (``projects.services.jobs``) rather than in the request: ``runs_as_job`` says
whether, ``start_import_job`` starts it, ``run_import`` is its work."""

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext as _

from projects.models import ImportBatch, Inspection, Job, Sample
from projects.services import jobs
from projects.services.imports import IMPORTERS, pending

ERRORS_PER_PAGE = 100


def check_upload(request, kind, upload):
    """Keep the upload for this session and run the dry run on it; returns the
    ``PendingUpload`` (its result saved beside it)."""
    kept = pending.store(request, kind, upload)
    with kept.open() as file:
        result = IMPORTERS[kind]().check(file, upload.name)
    kept.save_result(result)
    return kept


def confirm_upload(request, kind, token):
    """Validate the kept file again (the database may have changed since the dry run) and
    write it, all rows or none. Returns ``(batch, kept)``; ``batch`` is None when the file no
    longer passes, with the new result saved for the preview."""
    kept = pending.find(request, kind, token)
    importer = IMPORTERS[kind]()
    with kept.open() as file:
        result = importer.check(file, kept.name)
    if result.ok:
        try:
            batch = importer.save(request.user)
        except IntegrityError:
            # Someone stored a conflicting record between our check and our write.
            result.refused = conflict_message()
        else:
            pending.discard(request, kept)
            return batch, kept
    kept.save_result(result)
    return None, kept


def conflict_message():
    return _(
        "Someone else stored conflicting records while this file was being "
        "written, so nothing was written. Check the file again."
    )


# --- large files: a background job ---------------------------------------------------------


def runs_as_job(kept):
    """Whether the kept file is large enough, by its dry run, to be written by a job."""
    result = kept.load_result()
    return result is not None and result.rows >= settings.IMPORT_JOB_ROWS


def start_import_job(request, kept, back_url=""):
    """Start the job that checks the kept file again and writes it; returns the Job. A second
    confirmation of the same file while its job is queued or running gets that job."""
    running = Job.objects.filter(
        kind=Job.Kind.IMPORT,
        params__token=kept.token,
        status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
    ).first()
    if running is not None:
        return running
    result = kept.load_result()
    return jobs.start(
        Job.Kind.IMPORT,
        request.user,
        kind=kept.kind,
        token=kept.token,
        name=kept.name,
        extension=kept.extension,
        rows=result.rows if result else 0,
        back_url=back_url,
    )


def run_import(job, progress):
    """The job's work: check the kept file again (the database may have changed since the dry
    run), then write it in one transaction, all rows or none, telling ``progress`` the
    records written. Raises ``JobFailed`` with the reason when nothing could be written."""
    params = job.params
    kept = pending.PendingUpload(
        params["token"], params["kind"], params["name"], params["extension"]
    )
    importer = IMPORTERS[kept.kind]()
    progress(step=_("Checking the file"), done=0, total=params.get("rows", 0))
    try:
        file = kept.open()
    except FileNotFoundError:
        raise jobs.JobFailed(
            _("The uploaded file is no longer kept, so nothing was written. Upload it again.")
        ) from None
    with file:
        result = importer.check(file, kept.name)
    if not result.ok:
        kept.save_result(result)
        raise jobs.JobFailed(_("The file no longer passes the checks; nothing was written."))
    progress(step=_("Writing the records"), done=0, total=sum(n for _k, _l, n in result.counts))
    try:
        batch = importer.save(job.user, progress=progress)
    except IntegrityError:
        result.refused = conflict_message()
        kept.save_result(result)
        raise jobs.JobFailed(result.refused) from None
    for path in (kept.path, kept.result_path):
        default_storage.delete(path)
    return jobs.Outcome(
        _("Imported %(rows)s rows of “%(name)s”: %(created)s records created.")
        % {"rows": batch.rows, "name": batch.file_name, "created": batch.created},
        {"batch": batch.pk},
    )


def preview_context(request, kept):
    result = kept.load_result()
    if result is None:
        raise Http404
    page = Paginator(result.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    return {
        "pending": kept,
        "result": result,
        "errors_page": page,
        "columns": IMPORTERS[kept.kind].columns,
    }


def batch_changes(batch):
    """What a batch wrote, for its page: (channel, samples) or (segment, defects) rows, the
    first 100 of them."""
    if batch.kind == ImportBatch.Kind.SAMPLES:
        return list(
            Sample.objects.filter(import_batch=batch)
            .order_by("point__channel__name")
            .values("point__channel_id", "point__channel__name")
            .annotate(n=Count("pk"))[:100]
        )
    return list(
        Inspection.objects.filter(import_batch=batch)
        .order_by("segment__code", "inspected_on")
        .values("segment_id", "segment__code", "method", "inspected_on")
        .annotate(n=Count("defects"))[:100]
    )
