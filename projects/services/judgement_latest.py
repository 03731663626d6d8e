"""Each channel's latest black-odour judgement flagged (``Judgement.is_latest``) as judgements
are written or removed, whatever does it: grading (in bulk: ``water_quality.regrade`` marks
after writing), the admin's delete, a backup being loaded keeps the dump's flags and
is recomputed after (``backup.restore``), as is loading with COPY."""

from django.db.models.signals import post_delete, post_save

from projects.models import Judgement


def recompute(using="default"):
    """Every channel's flag again; how many channels have a judgement."""
    return Judgement.objects.using(using).mark_latest()


def judgement_saved(sender, instance, raw, using, **kwargs):
    if raw:
        # Loaded as dumped (fixtures, a backup): the dump's flags stand, one a channel; marking
        # as each row arrives would flag an older one before the dump's own flagged row came.
        return
    Judgement.objects.using(using).mark_latest([instance.channel_id])


def judgement_deleted(sender, instance, using, **kwargs):
    Judgement.objects.using(using).mark_latest([instance.channel_id])


def connect_signals():
    post_save.connect(judgement_saved, sender=Judgement, dispatch_uid="judgement_latest_saved")
    post_delete.connect(
        judgement_deleted, sender=Judgement, dispatch_uid="judgement_latest_deleted"
    )
