"""Long work run outside the request (``projects.services.jobs``): what it is, how far it has
got, and how it ended."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class Kind(models.TextChoices):
        IMPORT = "import", _("Import")
        REGRADE = "regrade", _("Regrade all channels")
        RESCORE = "rescore", _("Rescore all segments")
        LEDGER = "ledger", _("Work ledger")
        ALERTS = "alerts", _("Alert digests")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    step = models.CharField(_("step"), max_length=100, blank=True)
    done = models.PositiveBigIntegerField(_("done"), default=0)
    total = models.PositiveBigIntegerField(_("total"), default=0)
    message = models.TextField(_("message"), blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Written every JOB_HEARTBEAT_SECONDS while the job runs: a running job whose heartbeat is
    # older than JOB_STALE_SECONDS was cut short (its process or worker stopped).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def interrupted(self):
        """Marked running, but no sign of life for ``JOB_STALE_SECONDS``: the process or the
        worker running it stopped, and its transaction was rolled back. (``stale()``: the
        same in a query.)"""
        if self.status != self.Status.RUNNING:
            return False
        alive = self.heartbeat_at or self.started_at or self.created_at
        if alive is None:
            return False
        return (timezone.now() - alive).total_seconds() > settings.JOB_STALE_SECONDS

    @classmethod
    def stale(cls):
        """A condition on jobs: the running ones that are ``interrupted``."""
        cutoff = timezone.now() - datetime.timedelta(seconds=settings.JOB_STALE_SECONDS)
        return models.Q(status=cls.Status.RUNNING) & (
            models.Q(heartbeat_at__lt=cutoff)
            | models.Q(heartbeat_at=None, started_at__lt=cutoff)
            | models.Q(heartbeat_at=None, started_at=None, created_at__lt=cutoff)
        )

    @property
    def shown_status(self):
        """The status the user is told: an interrupted job is a failed one."""
        return self.Status.FAILED if self.interrupted else self.Status(self.status)

    @property
    def finished(self):
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED) or self.interrupted

    @property
    def percent(self):
        """How far, 0 to 100 (100 once succeeded)."""
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return max(0, min(100, self.done * 100 // self.total))
