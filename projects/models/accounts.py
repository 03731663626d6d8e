"""Who a user works for: the link from an account to its responsible unit."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Profile(models.Model):
    """A user's place in the bureau. A unit editor (责任单位编辑) edits the tasks and reports of
    this unit only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("user"),
    )
    unit = models.ForeignKey(
        "ResponsibleUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("responsible unit"),
    )

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")

    def __str__(self):
        return f"{self.user} · {self.unit or '—'}"
