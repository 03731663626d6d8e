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


def _latest_patrols(now):
    """The active posts' channels with each one's latest patrol by that post."""
    Through = PatrolPost.channels.through
    latest = (
        PatrolRecord.objects.filter(post=OuterRef("patrolpost_id"), channel=OuterRef("channel_id"))
        .order_by()
        .values("post")
        .annotate(last=Max("patrolled_at"))
        .values("last")
    )
    return Through.objects.filter(patrolpost__active=True).annotate(
        last_patrolled_at=Subquery(latest)
    )


def _overdue(last, interval_days, now):
    interval = interval_days or settings.PATROL_INTERVAL_DAYS
    return last is None or last < now - datetime.timedelta(days=interval)


def unpatrolled_counts(now=None):
    """{station pk: how many distinct channels its posts have left unpatrolled too long}, read
    as plain rows (a city's thousands of post channels, no model instance each). One query,
    each latest patrol read from the index on (post, channel, patrolled_at)."""
    now = now or timezone.now()
    rows = _latest_patrols(now).values_list(
        "patrolpost__station_id", "channel_id", "patrolpost__interval_days", "last_patrolled_at"
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
        .select_related("patrolpost__station", "channel")
        .order_by("patrolpost__station__name", "patrolpost__name", "channel__name")
    )
    if station is not None:
        rows = rows.filter(patrolpost__station=station)
    result = []
    for row in rows:
        post = row.patrolpost
        if _overdue(row.last_patrolled_at, post.interval_days, now):
            interval = post.interval_days or settings.PATROL_INTERVAL_DAYS
            result.append(Unpatrolled(post, row.channel, row.last_patrolled_at, interval))
    return result
