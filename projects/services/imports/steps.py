"""The steps of an import that the site's pages (``projects.views.imports``) and the admin's
(``projects.admin.imports``) share: keep the upload and run the dry run, confirm and write it
(all rows or none), and what the preview and the batch's page show."""

from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext as _

from projects.models import ImportBatch, Inspection, Sample
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
            result.refused = _(
                "Someone else stored conflicting records while this file was being "
                "written, so nothing was written. Check the file again."
            )
        else:
            pending.discard(request, kept)
            return batch, kept
    kept.save_result(result)
    return None, kept


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
