"""Old-village end-of-pipe sewage interception (旧村截污), done in batches."""

from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models.base import Sourced, length_field, non_negative
from projects.models.works import Project, ProjectQuerySet, Stream


class InterceptionBatchQuerySet(ProjectQuerySet):
    def for_table(self):
        return self.with_progress().annotate(named_count=Count("villages", distinct=True))


class InterceptionBatch(Project):
    """One batch of old-village interception works. The article gives the number of works (条,
    e.g. 24条旧村末端截污工程) and names only some of them, by village or village team:
    ``works_count`` holds the declared total, the named works are ``villages``. A village may
    appear in more than one batch (广生五六队, 广生一至四队), so the counts are of works, not of
    villages."""

    batch_number = models.PositiveSmallIntegerField(
        _("batch number"),
        unique=True,
        error_messages={"unique": _("A batch with this number already exists.")},
    )
    works_count = models.PositiveIntegerField(
        _("number of interception works"),
        help_text=_("The total the source declares (条), named or not."),
    )
    pipe_length_m = length_field(_("pipe length (m)"))

    objects = InterceptionBatchQuerySet.as_manager()
    history = HistoricalRecords()

    STREAM = Stream.INTERCEPT

    class Meta:
        ordering = ["batch_number"]
        verbose_name = _("interception batch")
        verbose_name_plural = _("interception batches")
        constraints = [
            non_negative("pipe_length_m", "interceptionbatch"),
            models.CheckConstraint(
                condition=Q(works_count__gte=1),
                name="interceptionbatch_works_count_positive",
                violation_error_message=_("A batch holds at least one interception work."),
            ),
        ]

    def get_absolute_url(self):
        return reverse("projects:batch-detail", args=[self.pk])


class VillageWork(Sourced):
    """The interception works of one named village in a batch."""

    batch = models.ForeignKey(
        InterceptionBatch,
        on_delete=models.CASCADE,
        related_name="villages",
        verbose_name=_("batch"),
    )
    sequence = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("village or village team"), max_length=100)
    pipe_length_m = length_field(_("pipe length (m)"))
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["batch", "sequence", "id"]
        verbose_name = _("village interception work")
        verbose_name_plural = _("village interception works")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "name"],
                name="villagework_batch_name_unique",
                violation_error_message=_("This village is already listed in the batch."),
            ),
            non_negative("pipe_length_m", "villagework"),
        ]

    def __str__(self):
        return self.name
