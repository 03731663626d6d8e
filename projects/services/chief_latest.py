"""Each river chief's term keeps its last inspection (``ChiefAssignment.last_inspected_on``:
the chief's latest inspection of the channel on or after the term's start) as inspections and
terms are written or removed, whatever does it: the site's form, the admin (inspections, terms
and the chiefs' inline terms), a history revert, the code. Writes in bulk keep it through the
models' querysets. Rows loaded as dumped (a backup, a fixture) keep the dump's values, one
statement for all of them after: a backup's restore recomputes (``backup.restore``), as do
``manage.py recompute_kept`` and loading with COPY."""

from django.db.models.signals import post_delete, post_save, pre_save

from projects.models import ChiefAssignment, ChiefInspection
from projects.models.base import stored_before_save
from projects.models.chiefs import TERM_INSPECTION_FIELDS


def recompute(using="default"):
    """Every term's last inspection again from the inspections; how many terms there are."""
    return ChiefAssignment.objects.using(using).recompute()


def _terms(using, pairs):
    return ChiefAssignment.objects.using(using).of_pairs(pairs)


def inspection_before_save(sender, instance, raw, using, **kwargs):
    """The chief and channel the inspection had, so that the terms it leaves are read again."""
    instance._chief_pair_before = (
        None if raw else stored_before_save(instance, using, "chief_id", "channel_id")
    )


def inspection_saved(sender, instance, raw, using, **kwargs):
    if raw:
        return
    pairs = {(instance.chief_id, instance.channel_id)}
    before = getattr(instance, "_chief_pair_before", None)
    if before is not None:
        pairs.add(before)
    _terms(using, pairs).refresh_inspections()


def inspection_deleted(sender, instance, using, **kwargs):
    _terms(using, {(instance.chief_id, instance.channel_id)}).refresh_inspections()


def term_before_save(sender, instance, raw, using, update_fields, **kwargs):
    """The term's last inspection read for its chief, channel and start as saved (a new term,
    a changed start, a history revert)."""
    instance._last_inspection_read = not raw and (
        update_fields is None or bool(TERM_INSPECTION_FIELDS & update_fields)
    )
    if not instance._last_inspection_read:
        return
    instance.last_inspected_on = (
        ChiefInspection._base_manager.using(using)
        .filter(
            chief_id=instance.chief_id,
            channel_id=instance.channel_id,
            inspected_on__gte=instance.term_start,
        )
        .order_by("-inspected_on")
        .values_list("inspected_on", flat=True)
        .first()
    )


def term_saved(sender, instance, raw, using, update_fields, **kwargs):
    read = getattr(instance, "_last_inspection_read", False)
    if read and update_fields is not None and "last_inspected_on" not in update_fields:
        # Read again, but saved without the field: written apart.
        ChiefAssignment._base_manager.using(using).filter(pk=instance.pk).update(
            last_inspected_on=instance.last_inspected_on
        )


def connect_signals():
    uid = "chief_latest"
    pre_save.connect(inspection_before_save, sender=ChiefInspection, dispatch_uid=uid)
    post_save.connect(inspection_saved, sender=ChiefInspection, dispatch_uid=uid)
    post_delete.connect(inspection_deleted, sender=ChiefInspection, dispatch_uid=uid)
    pre_save.connect(term_before_save, sender=ChiefAssignment, dispatch_uid=uid)
    post_save.connect(term_saved, sender=ChiefAssignment, dispatch_uid=uid)
