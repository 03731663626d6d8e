"""Patrol coverage: which channels of which posts have gone unpatrolled for longer than their
post's interval (``PatrolPost.interval_days``, else the ``PATROL_INTERVAL_DAYS`` setting)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from projects.models.patrols import PostChannelPatrol


@dataclass
class Unpatrolled:
    post: object
    channel: object
    last_patrolled_at: datetime.datetime | None  # None: never patrolled
    interval_days: int

    @property
    def days_since(self):
        """Whole days since the last patrol, or None when never patrolled."""
        if self.last_patrolled_at is None:
            return None
        return (timezone.localdate() - timezone.localtime(self.last_patrolled_at).date()).days


def _latest_patrols(now):
    """The active posts' channels each with its latest patrol by that post (stored:
    ``PostChannelPatrol``), only those whose latest patrol is older than the post's interval
    before ``now`` (or missing): a filter over the posts' channels."""
    interval = Coalesce(
        NullIf("post__interval_days", Value(0)),
        Value(settings.PATROL_INTERVAL_DAYS),
        output_field=IntegerField(),
    )
    days = ExpressionWrapper(
        F("interval") * Value(datetime.timedelta(days=1)), output_field=DurationField()
    )
    due = ExpressionWrapper(Value(now) - days, output_field=DateTimeField())
    return (
        PostChannelPatrol.objects.filter(post__active=True)
        .annotate(interval=interval)
        .filter(Q(last_patrolled_at__isnull=True) | Q(last_patrolled_at__lt=due))
    )


def _overdue(last, interval_days, now):
    interval = interval_days or settings.PATROL_INTERVAL_DAYS
    return last is None or last < now - datetime.timedelta(days=interval)


def unpatrolled_counts(now=None):
    """{station pk: how many distinct channels its posts have left unpatrolled too long}, read
    as plain rows (a city's thousands of post channels, no model instance each). One query,
    each latest patrol stored with the post's channel."""
    now = now or timezone.now()
    rows = _latest_patrols(now).values_list(
        "post__station_id", "channel_id", "post__interval_days", "last_patrolled_at"
    )
    channels = {}
    due = {}  # {interval_days: the time before which a patrol is overdue}
    for station_id, channel_id, interval_days, last in rows:
        if interval_days not in due:
            interval = interval_days or settings.PATROL_INTERVAL_DAYS
            due[interval_days] = now - datetime.timedelta(days=interval)
        if last is None or last < due[interval_days]:
            channels.setdefault(station_id, set()).add(channel_id)
    return {station_id: len(ids) for station_id, ids in channels.items()}


def unpatrolled_channels(station=None, now=None):
    """[Unpatrolled] for every active post's channel whose latest patrol *by that post* is
    older than the post's interval (or missing), optionally for one station (a
    ResponsibleUnit or its pk). Two queries, whatever the number of posts."""
    now = now or timezone.now()
    rows = (
        _latest_patrols(now)
        .select_related("post__station", "channel")
        .order_by("post__station__name", "post__name", "channel__name")
    )
    if station is not None:
        rows = rows.filter(post__station=station)
    result = []
    for row in rows:
        post = row.post
        if _overdue(row.last_patrolled_at, post.interval_days, now):
            interval = post.interval_days or settings.PATROL_INTERVAL_DAYS
            result.append(Unpatrolled(post, row.channel, row.last_patrolled_at, interval))
    return result
