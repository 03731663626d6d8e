"""Each post's latest patrol of each of its channels (``PostChannelPatrol``) kept as the records
and the posts' channels change, whatever writes them: the site's form, the admin, a backup
being loaded (fixtures), the code. Writes in bulk keep it through the records' queryset
(``PatrolRecordQuerySet``); loading with COPY calls ``recompute()`` after."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from projects.models import PatrolPost, PatrolRecord
from projects.models.base import stored_before_save
from projects.models.patrols import PostChannelPatrol


def recompute(using="default"):
    """Every row again from the posts' channels and the records; how many there are."""
    return PostChannelPatrol.objects.using(using).recompute()


def _pair(record):
    return (record.post_id, record.channel_id)


def record_before_save(sender, instance, raw, using, **kwargs):
    """The place and post the record had, so that the one it leaves is read again too."""
    instance._patrol_pair_before = stored_before_save(instance, using, "post_id", "channel_id")


def record_saved(sender, instance, raw, using, **kwargs):
    pairs = {_pair(instance)}
    before = getattr(instance, "_patrol_pair_before", None)
    if before is not None:
        pairs.add(before)
    PostChannelPatrol.objects.using(using).refresh(pairs)


def record_deleted(sender, instance, using, **kwargs):
    PostChannelPatrol.objects.using(using).refresh({_pair(instance)})


def channels_changed(sender, instance, action, reverse, pk_set, using, **kwargs):
    """A post's channels (or a channel's posts) added, removed or cleared."""
    rows = PostChannelPatrol.objects.using(using)
    if action == "post_add":
        if reverse:  # instance: a channel; pk_set: posts
            rows.cover((post_id, instance.pk) for post_id in pk_set)
        else:
            rows.cover((instance.pk, channel_id) for channel_id in pk_set)
    elif action == "post_remove":
        mine = {"channel": instance.pk} if reverse else {"post": instance.pk}
        other = "post__in" if reverse else "channel__in"
        rows.filter(**mine, **{other: pk_set}).delete()
    elif action == "post_clear":
        rows.filter(**({"channel": instance.pk} if reverse else {"post": instance.pk})).delete()


def connect_signals():
    uid = "patrol_latest"
    pre_save.connect(record_before_save, sender=PatrolRecord, dispatch_uid=uid)
    post_save.connect(record_saved, sender=PatrolRecord, dispatch_uid=uid)
    post_delete.connect(record_deleted, sender=PatrolRecord, dispatch_uid=uid)
    m2m_changed.connect(channels_changed, sender=PatrolPost.channels.through, dispatch_uid=uid)
