"""Bulk import in the site: upload → dry run (what would be created, every bad row) → confirm
(all rows or none) → the batch's page. The admin's import pages (projects.admin.imports) run
the same steps (``projects.services.imports.steps``).

Each kind needs the add permissions of what it creates (``projects.services.imports.PERMISSIONS``):
403 otherwise, also for the index when the user may import nothing."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from projects.forms.imports import UploadForm
from projects.models import ImportBatch, Inspection, Sample
from projects.services.imports import IMPORTERS, importable_kinds, may_import, pending
from projects.services.imports.readers import FORMATS
from projects.services.imports.steps import (
    batch_changes,
    check_upload,
    confirm_upload,
    preview_context,
    runs_as_job,
    start_import_job,
)
from projects.services.imports.template_files import template_file

# --- the site's pages ----------------------------------------------------------------------


class ImportIndexView(LoginRequiredMixin, TemplateView):
    template_name = "projects/imports/index.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not importable_kinds(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kinds = importable_kinds(self.request.user)
        return super().get_context_data(
            kinds=[(kind, ImportBatch.Kind(kind).label, IMPORTERS[kind].columns) for kind in kinds],
            batches=ImportBatch.objects.filter(kind__in=kinds).select_related("uploaded_by")[:20],
            formats=FORMATS,
            **kwargs,
        )


class KindMixin(LoginRequiredMixin):
    """The kind from the URL (404 when unknown) and the permission to import it (403)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.kind = kwargs["kind"]
        if self.kind not in IMPORTERS:
            raise Http404
        if not may_import(request.user, self.kind):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.update(kind=self.kind, kind_label=ImportBatch.Kind(self.kind).label, formats=FORMATS)
        return super().get_context_data(**kwargs)


class ImportUploadView(KindMixin, FormView):
    template_name = "projects/imports/upload.html"
    form_class = UploadForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(columns=IMPORTERS[self.kind].columns, **kwargs)

    def form_valid(self, form):
        kept = check_upload(self.request, self.kind, form.cleaned_data["file"])
        return redirect("projects:import-preview", kind=self.kind, token=kept.token)


class ImportPreviewView(KindMixin, TemplateView):
    template_name = "projects/imports/preview.html"

    def get_context_data(self, **kwargs):
        kept = pending.find(self.request, self.kind, kwargs["token"])
        kwargs.update(preview_context(self.request, kept))
        return super().get_context_data(**kwargs)


class ImportConfirmView(KindMixin, View):
    """POST only: "confirm" writes the file (a large one by a background job); "discard"
    forgets it."""

    def post(self, request, kind, token):
        if "discard" in request.POST:
            pending.discard(request, pending.find(request, kind, token))
            messages.info(request, _("The file was discarded; nothing was written."))
            return redirect("projects:import-upload", kind=kind)
        kept = pending.find(request, kind, token)
        if runs_as_job(kept):  # a large file: written by a background job, followed on its page
            back = reverse("projects:import-preview", kwargs={"kind": kind, "token": token})
            job = start_import_job(request, kept, back_url=back)
            return redirect("projects:job", pk=job.pk)
        batch, kept = confirm_upload(request, kind, token)
        if batch is None:
            messages.error(request, _("The file no longer passes the checks; nothing was written."))
            return redirect("projects:import-preview", kind=kind, token=token)
        messages.success(
            request,
            _("Imported %(rows)s rows of “%(name)s”: %(created)s records created.")
            % {"rows": batch.rows, "name": batch.file_name, "created": batch.created},
        )
        return redirect("projects:import-batch", pk=batch.pk)


class ImportTemplateView(KindMixin, View):
    def get(self, request, kind, file_format):
        if file_format not in FORMATS:
            raise Http404
        content, content_type = template_file(IMPORTERS[kind], file_format)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{kind}-template.{file_format}"'
        return response


class ImportBatchView(LoginRequiredMixin, TemplateView):
    """One batch: who loaded which file when, what it created, links to what changed. Every
    logged-in user reads it, as they read the records themselves."""

    template_name = "projects/imports/batch.html"

    def get_context_data(self, **kwargs):
        batches = ImportBatch.objects.select_related("uploaded_by")
        batch = get_object_or_404(batches, pk=kwargs["pk"])
        admin_url = None
        model = Sample if batch.kind == ImportBatch.Kind.SAMPLES else Inspection
        if self.request.user.is_staff and self.request.user.has_perm(
            f"projects.view_{model._meta.model_name}"
        ):
            try:
                admin_url = (
                    reverse(f"admin:projects_{model._meta.model_name}_changelist")
                    + f"?import_batch={batch.pk}"
                )
            except NoReverseMatch:  # the model has no admin
                admin_url = None
        return super().get_context_data(
            batch=batch, changes=batch_changes(batch), admin_url=admin_url, **kwargs
        )
