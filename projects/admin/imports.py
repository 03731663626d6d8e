"""Bulk import in the admin: an "Import" button on the changelists of water samples and of
inspections, running the site's importer (``projects.services.imports``) through the same steps
as the site's import pages — upload, dry run with every bad row, confirm (all rows or none).

Importing needs the model's "add" permission and the add permissions of everything the kind
creates (``projects.services.imports.PERMISSIONS``); a view-only staff user gets 403, GET or POST.

The admins of ``Sample`` and ``Inspection`` are registered by their topic's modules; this module
imports those first and re-registers each with ``ImportAdminMixin`` added
in front of its class, unless the class already has it (a model nobody has registered gets a
plain history admin with the button). ``ImportBatch`` is registered (read-only) by
``sewers``.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

import projects.admin.sewers  # noqa: F401 (registers Inspection and ImportBatch first)
import projects.admin.water  # noqa: F401 (registers Sample first)
from projects.admin.audit import HistoryAdmin
from projects.forms.imports import UploadForm
from projects.models import ImportBatch, Inspection, Sample
from projects.services.imports import IMPORTERS, may_import, pending
from projects.services.imports.readers import FORMATS
from projects.services.imports.steps import (
    check_upload,
    confirm_upload,
    preview_context,
    runs_as_job,
    start_import_job,
)


class ImportAdminMixin:
    """Adds ``import/``, ``import/<token>/`` and ``import/<token>/confirm/`` to a model admin
    (names ``<app>_<model>_import``, ``…_import_preview``, ``…_import_confirm``) and the button
    on its changelist."""

    import_kind = None
    change_list_template = "projects/imports/admin_change_list.html"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name=name),
            path("import/<str:token>/", wrap(self.import_preview_view), name=f"{name}_preview"),
            path(
                "import/<str:token>/confirm/",
                wrap(self.import_confirm_view),
                name=f"{name}_confirm",
            ),
            *super().get_urls(),
        ]

    def has_import_permission(self, request):
        return self.has_add_permission(request) and may_import(request.user, self.import_kind)

    def import_url_name(self, suffix=""):
        return f"admin:{self.opts.app_label}_{self.opts.model_name}_import{suffix}"

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_import_permission": self.has_import_permission(request),
            "import_url": reverse(self.import_url_name()),
        }
        return super().changelist_view(request, extra_context)

    def import_context(self, request, **context):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "kind": self.import_kind,
            "kind_label": ImportBatch.Kind(self.import_kind).label,
            "columns": IMPORTERS[self.import_kind].columns,
            "formats": FORMATS,
            "title": _("Import %(label)s") % {"label": ImportBatch.Kind(self.import_kind).label},
            **context,
        }

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            kept = check_upload(request, self.import_kind, form.cleaned_data["file"])
            return redirect(self.import_url_name("_preview"), token=kept.token)
        return TemplateResponse(
            request,
            "projects/imports/admin_upload.html",
            self.import_context(request, form=form),
        )

    def import_preview_view(self, request, token):
        if not self.has_import_permission(request):
            raise PermissionDenied
        kept = pending.find(request, self.import_kind, token)
        return TemplateResponse(
            request,
            "projects/imports/admin_preview.html",
            self.import_context(
                request,
                confirm_url=reverse(self.import_url_name("_confirm"), args=[token]),
                **preview_context(request, kept),
            ),
        )

    def import_confirm_view(self, request, token):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return redirect(self.import_url_name("_preview"), token=token)
        if "discard" in request.POST:
            pending.discard(request, pending.find(request, self.import_kind, token))
            self.message_user(request, _("The file was discarded; nothing was written."))
            return redirect(self.import_url_name())
        kept = pending.find(request, self.import_kind, token)
        if runs_as_job(kept):  # a large file: written by a background job, followed on its page
            back = reverse(self.import_url_name("_preview"), args=[token])
            job = start_import_job(request, kept, back_url=back)
            return redirect("projects:job", pk=job.pk)
        batch, _kept = confirm_upload(request, self.import_kind, token)
        if batch is None:
            self.message_user(
                request,
                _("The file no longer passes the checks; nothing was written."),
                messages.ERROR,
            )
            return redirect(self.import_url_name("_preview"), token=token)
        self.message_user(
            request,
            _("Imported %(rows)s rows of “%(name)s”: %(created)s records created.")
            % {"rows": batch.rows, "name": batch.file_name, "created": batch.created},
            messages.SUCCESS,
        )
        changelist = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        return redirect(f"{changelist}?import_batch={batch.pk}")


def add_import(model, kind):
    """Re-register ``model``'s admin with the import button (a plain history admin when the
    model has none yet)."""
    current = admin.site._registry.get(model)
    base = type(current) if current is not None else HistoryAdmin
    if issubclass(base, ImportAdminMixin):
        return
    attributes = {"import_kind": kind, "__module__": base.__module__}
    if base.change_list_template:  # the class shows its own changelist: keep it
        attributes["change_list_template"] = base.change_list_template
    if current is not None:
        admin.site.unregister(model)
    admin.site.register(model, type(base.__name__, (ImportAdminMixin, base), attributes))


add_import(Sample, ImportBatch.Kind.SAMPLES)
add_import(Inspection, ImportBatch.Kind.INSPECTIONS)
