"""Patrol coverage: which channels of which posts have gone unpatrolled for longer than their
post's interval (``PatrolPost.interval_days``, else the ``PATROL_INTERVAL_DAYS`` setting)."""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Value,
)
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
    days = ExpressionWrapper(
        F("interval") * Value(datetime.timedelta(days=1)), output_field=DurationField()
    )
    due = ExpressionWrapper(Value(now) - days, output_field=DateTimeField())
    return (
        PostChannelPatrol.objects.filter(post__active=True)
        .with_interval()
        .filter(Q(last_patrolled_at__isnull=True) | Q(last_patrolled_at__lt=due))
    )


def unpatrolled_counts(now=None):
    """{station pk: how many distinct channels its posts have left unpatrolled too long}.
    One query, each latest patrol stored with the post's channel."""
    rows = (
        _latest_patrols(now or timezone.now())
        .order_by()
        .values("post__station_id")
        .annotate(n=Count("channel_id", distinct=True))
    )
    return {row["post__station_id"]: row["n"] for row in rows}


def unpatrolled_channels(station=None, now=None):
    """[Unpatrolled] for every active post's channel whose latest patrol *by that post* is
    older than the post's interval (or missing), optionally for one station (a
    ResponsibleUnit or its pk). One query, whatever the number of posts."""
    now = now or timezone.now()
    rows = (
        _latest_patrols(now)
        .select_related("post__station", "channel")
        .order_by("post__station__name", "post__name", "channel__name")
    )
    if station is not None:
        rows = rows.filter(post__station=station)
    return [Unpatrolled(row.post, row.channel, row.last_patrolled_at, row.interval) for row in rows]
