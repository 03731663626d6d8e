"""Patrol coverage: which channels of which posts have gone unpatrolled for longer than their
post's interval (``PatrolPost.interval_days``, else the ``PATROL_INTERVAL_DAYS`` setting)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from projects.models import PatrolPost, PatrolRecord


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


def unpatrolled_channels(station=None, now=None):
    """[Unpatrolled] for every active post's channel whose latest patrol *by that post* is
    older than the post's interval (or missing), optionally for one station (a
    ResponsibleUnit or its pk). Two queries, whatever the number of posts."""
    now = now or timezone.now()
    Through = PatrolPost.channels.through
    latest = (
        PatrolRecord.objects.filter(post=OuterRef("patrolpost_id"), channel=OuterRef("channel_id"))
        .order_by()
        .values("post")
        .annotate(last=Max("patrolled_at"))
        .values("last")
    )
    rows = (
        Through.objects.filter(patrolpost__active=True)
        .select_related("patrolpost__station", "channel")
        .annotate(last_patrolled_at=Subquery(latest))
        .order_by("patrolpost__station__name", "patrolpost__name", "channel__name")
    )
    if station is not None:
        rows = rows.filter(patrolpost__station=station)
    result = []
    for row in rows:
        post = row.patrolpost
        interval = post.interval_days or settings.PATROL_INTERVAL_DAYS
        last = row.last_patrolled_at
        if last is None or last < now - datetime.timedelta(days=interval):
            result.append(Unpatrolled(post, row.channel, last, interval))
    return result
