"""Each channel keeps its latest sampling round (``Channel.latest_round_at``: the moment of the
latest sample at any of its points with dissolved oxygen or ammonia nitrogen measured; with the
lowest DO and the highest NH3-N measured on that local day) as samples and points are written
or removed, whatever does it: the admin, a history revert, the code; and after the channel
itself is saved, whose form may hold figures read before the latest samples came. An import
writes in bulk and keeps its channels' rounds after (``imports.samples``). Rows loaded as dumped
(a backup, a fixture) are read again after loading: a backup's restore recomputes
(``backup.restore``), as do ``manage.py recompute_kept`` and loading with COPY.

A deletion in bulk (an import batch, a point or a channel with its samples) sends a signal per
sample after all of them are gone: the rounds are read again once a channel for the deletion
(the signals' ``origin``), not once a sample."""

import datetime
import threading
import weakref
import zoneinfo

from django.conf import settings
from django.db.models import DateTimeField, ExpressionWrapper, Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.db.models.signals import post_delete, post_save, pre_save

from projects.models import Channel, Sample, SamplingPoint
from projects.models.base import stored_before_save

LOCAL_ZONE = zoneinfo.ZoneInfo(settings.TIME_ZONE)
MEASURED = Q(do_mg_l__isnull=False) | Q(nh3n_mg_l__isnull=False)


def keep(channels, samples):
    """Read again the latest round of ``channels`` (a Channel queryset) from ``samples`` (the
    Sample manager of the same database; the models may be a migration's). Two statements
    whatever the number of channels; returns how many channels there are."""
    latest = (
        samples.filter(MEASURED, point__channel=OuterRef("pk"))
        .order_by("-sampled_at")
        .values("sampled_at")[:1]
    )
    count = channels.update(latest_round_at=Subquery(latest))
    # That local day's samples: within the day before its moment (on the index of point and
    # time), a later one on the same day measured neither.
    day = (
        samples.annotate(day=TruncDate("sampled_at", tzinfo=LOCAL_ZONE))
        .filter(
            point__channel=OuterRef("pk"),
            sampled_at__gt=ExpressionWrapper(
                OuterRef("latest_round_at") - datetime.timedelta(days=1),
                output_field=DateTimeField(),
            ),
            day=TruncDate(
                ExpressionWrapper(OuterRef("latest_round_at"), output_field=DateTimeField()),
                tzinfo=LOCAL_ZONE,
            ),
        )
        .order_by()
        .values("point__channel")
    )
    channels.update(
        latest_round_do_min=Subquery(day.annotate(v=Min("do_mg_l")).values("v")),
        latest_round_nh3n_max=Subquery(day.annotate(v=Max("nh3n_mg_l")).values("v")),
    )
    return count


def keep_channels(channel_ids, using="default"):
    ids = sorted({pk for pk in channel_ids if pk is not None})
    if ids:
        keep(Channel.objects.using(using).filter(pk__in=ids), Sample.objects.using(using))


def recompute(using="default"):
    """Every channel's latest round again from the samples; how many channels there are."""
    return keep(Channel.objects.using(using).all(), Sample.objects.using(using))


def _channel_of_point(using, point_id):
    return (
        SamplingPoint._base_manager.using(using)
        .filter(pk=point_id)
        .values_list("channel_id", flat=True)
        .first()
    )


def sample_before_save(sender, instance, raw, using, **kwargs):
    """The point the sample had, so that the channel it leaves is read again."""
    before = None if raw else stored_before_save(instance, using, "point_id")
    instance._round_point_before = before and before[0]


def sample_saved(sender, instance, raw, using, **kwargs):
    if raw:
        return
    points = {instance.point_id, getattr(instance, "_round_point_before", None)}
    keep_channels([_channel_of_point(using, pk) for pk in points if pk is not None], using)


class _Deletion(threading.local):
    """The deletion whose signals are being received (its ``origin``), the channels already
    read again for it and the points' channels looked up."""

    origin = None
    channels = None
    points = None

    def of(self, origin):
        if self.origin is None or self.origin() is not origin:
            self.origin = weakref.ref(origin)
            self.channels, self.points = set(), {}
        return self


_deletion = _Deletion()


def _keep_once(origin, channel_id, using):
    """Read ``channel_id`` again, once for the deletion ``origin`` (every row it removes is
    gone before its first signal)."""
    if channel_id is None:
        return
    if origin is None:
        keep_channels([channel_id], using)
        return
    deletion = _deletion.of(origin)
    if channel_id not in deletion.channels:
        deletion.channels.add(channel_id)
        keep_channels([channel_id], using)


def sample_deleted(sender, instance, using, origin=None, **kwargs):
    points = _deletion.of(origin).points if origin is not None else {}
    if instance.point_id not in points:
        points[instance.point_id] = _channel_of_point(using, instance.point_id)
    _keep_once(origin, points[instance.point_id], using)


def point_before_save(sender, instance, raw, using, **kwargs):
    before = None if raw else stored_before_save(instance, using, "channel_id")
    instance._round_channel_before = before and before[0]


def point_saved(sender, instance, raw, using, created, **kwargs):
    before = getattr(instance, "_round_channel_before", None)
    if raw or created or before == instance.channel_id:
        return
    # Moved to another channel with its samples: both channels' rounds change.
    keep_channels([before, instance.channel_id], using)


def point_deleted(sender, instance, using, origin=None, **kwargs):
    # Its samples went first and read its channel again while the point was there, unless
    # they went without signals.
    _keep_once(origin, instance.channel_id, using)


def channel_saved(sender, instance, raw, using, **kwargs):
    # Saved whole from a form or a history revert read before the latest samples came: the
    # kept figures it wrote are read again.
    if not raw:
        keep_channels([instance.pk], using)


def connect_signals():
    uid = "round_latest"
    pre_save.connect(sample_before_save, sender=Sample, dispatch_uid=uid)
    post_save.connect(sample_saved, sender=Sample, dispatch_uid=uid)
    post_delete.connect(sample_deleted, sender=Sample, dispatch_uid=uid)
    pre_save.connect(point_before_save, sender=SamplingPoint, dispatch_uid=uid)
    post_save.connect(point_saved, sender=SamplingPoint, dispatch_uid=uid)
    post_delete.connect(point_deleted, sender=SamplingPoint, dispatch_uid=uid)
    post_save.connect(channel_saved, sender=Channel, dispatch_uid=uid)
