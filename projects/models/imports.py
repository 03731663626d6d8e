"""Bulk imports: who loaded which file, when, and what it wrote."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    class Kind(models.TextChoices):
        SAMPLES = "samples", _("Water samples")
        INSPECTIONS = "inspections", _("Inspections and defects")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("records created"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.file_name}"
