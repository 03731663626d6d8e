"""Who a user works for: the link from an account to its responsible unit; and the audit
history of accounts, so that who changed whose unit or role (group), and when, is on record."""

from contextlib import contextmanager
from contextvars import ContextVar

import simple_history
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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

    history = HistoricalRecords()

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")

    def __str__(self):
        return f"{self.user} · {self.unit or '—'}"


class AccountHistory(HistoricalRecords):
    """The history of user accounts: names, flags and groups (the user's role).

    The password hash is never copied into the history, and a save of nothing but those
    fields (the last login time, saved at every login) is no change of the account. A
    membership changed from the group's side (``group.user_set.add(user)``) is recorded on
    each user concerned, as one changed from the user's side is."""

    def post_save(self, instance, created, using=None, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields and set(update_fields) <= set(self.excluded_fields):
            return
        super().post_save(instance, created, using=using, **kwargs)

    def create_historical_record(self, instance, history_type, using=None):
        pending = _pending_account_rows.get()
        if pending is None:
            super().create_historical_record(instance, history_type, using=using)
            return
        # Within ``one_history_row_per_account``: written when the block ends.
        first_type = pending[instance.pk][2] if instance.pk in pending else history_type
        pending[instance.pk] = (self, instance, first_type, using)

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if not reverse:
            super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
            return
        # ``instance`` is the group, ``pk_set`` the users (None when the group is cleared).
        if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            return
        users = kwargs["model"]._default_manager
        if action == "pre_clear":
            instance._history_cleared_users = list(users.filter(**{attr: instance}))
        elif action == "post_clear":
            for user in instance.__dict__.pop("_history_cleared_users", []):
                self.create_historical_record(user, "~")
        elif action in ("post_add", "post_remove"):
            for user in users.filter(pk__in=pk_set):
                self.create_historical_record(user, "~")


simple_history.register(
    get_user_model(),
    app="projects",
    records_class=AccountHistory,
    m2m_fields=["groups"],
    excluded_fields=["password", "last_login"],
)


_pending_account_rows = ContextVar("pending_account_rows", default=None)


@contextmanager
def one_history_row_per_account():
    """Within this block, the saves of an account and the changes of its groups make one
    history row per account, written when the block ends, with the account and its groups as
    they are then: a role changed from 查看 to 责任单位编辑 on the user's page reads as one change,
    not as the group removed, then the other added, then the account saved unchanged. A save
    that changed nothing of the account (only the user's unit, say) writes no row."""
    pending = {}
    token = _pending_account_rows.set(pending)
    try:
        yield
    finally:
        _pending_account_rows.reset(token)
    for records, instance, history_type, using in pending.values():
        if history_type != "~" or _differs_from_last_row(instance):
            records.create_historical_record(instance, history_type, using=using)


def _differs_from_last_row(user):
    last = user.history.order_by("-history_date", "-history_id").first()
    if last is None:
        return True
    if any(getattr(last, f.attname) != getattr(user, f.attname) for f in last.tracked_fields):
        return True
    recorded = set(last.groups.values_list("group_id", flat=True))
    return recorded != set(user.groups.values_list("pk", flat=True))
