"""Whether each channel meets its water-quality target (``Channel.target``), as one query over
any number of channels (``with_target_status``):

- 不黑不臭 (not black-odorous): the channel's latest black-odour judgement
  (``Judgement.is_latest``) is clear; no judgement yet → not measured;
- a surface-water class of GB 3838-2002 (Ⅲ, Ⅳ, Ⅴ): every sample of the latest round (the
  latest local day on which any of its points had dissolved oxygen or ammonia nitrogen
  measured) is within the class's limits (``projects.standards.surface_water``: DO at least,
  NH3-N at most; an indicator a sample did not measure is not held against it); no such day
  → not measured;
- no target set → none.

The limits are read from the standard into the query; nothing is read channel by channel."""

import datetime
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from projects.models import Channel, Judgement, Sample, SamplingPoint
from projects.standards.surface_water import CLASS_LIMITS

LOCAL_ZONE = zoneinfo.ZoneInfo(settings.TIME_ZONE)
Target = Channel.WaterTarget


class TargetStatus(models.TextChoices):
    MET = "met", _("Target met")
    MISSED = "missed", _("Target not met")
    NOT_MEASURED = "unmeasured", _("Not measured")
    NONE = "none", _("No target set")


def _limit(attribute):
    return Case(
        *[
            When(target=water_class, then=Value(getattr(limits, attribute)))
            for water_class, limits in CLASS_LIMITS.items()
        ],
        default=Value(None),
        output_field=DecimalField(max_digits=7, decimal_places=2),
    )


def with_target_status(channels):
    """``channels`` (a Channel queryset) with ``target_status`` (a ``TargetStatus`` value) and
    ``target_round`` (the latest round's day a class target is judged on, else None)."""
    measured = Q(do_mg_l__isnull=False) | Q(nh3n_mg_l__isnull=False)
    # Each point's latest measured sample (an index scan backwards on point and time), the
    # latest of the channel's points: the moment of the latest round.
    point_latest = (
        Sample.objects.filter(measured, point=OuterRef("pk"))
        .order_by("-sampled_at")
        .values("sampled_at")[:1]
    )
    latest_at = (
        SamplingPoint.objects.filter(channel=OuterRef("pk"))
        .annotate(latest_at=Subquery(point_latest))
        .order_by(F("latest_at").desc(nulls_last=True))
        .values("latest_at")[:1]
    )
    # The samples of that round's day (its local day; none measured is later), found in the day
    # before its moment on the index of point and time; one outside the class's limits misses
    # the target.
    outside = Sample.objects.annotate(day=TruncDate("sampled_at", tzinfo=LOCAL_ZONE)).filter(
        Q(do_mg_l__lt=OuterRef("target_do_min")) | Q(nh3n_mg_l__gt=OuterRef("target_nh3n_max")),
        point__channel=OuterRef("pk"),
        sampled_at__gt=ExpressionWrapper(
            OuterRef("target_latest_at") - Value(datetime.timedelta(days=1)),
            output_field=DateTimeField(),
        ),
        day=OuterRef("target_round"),
    )
    latest = Judgement.objects.filter(channel=OuterRef("pk"), is_latest=True)
    # A class target is judged on the samples of its points: only a channel with points has any
    # (read from one list of them, not a search a channel).
    is_class = Q(target__in=list(CLASS_LIMITS), pk__in=SamplingPoint.objects.values("channel"))
    return (
        channels.annotate(
            target_do_min=_limit("do_min"),
            target_nh3n_max=_limit("nh3n_max"),
            target_latest_at=Case(
                When(is_class, then=Subquery(latest_at)),
                default=Value(None),
                output_field=DateTimeField(),
            ),
        )
        .annotate(
            target_round=TruncDate("target_latest_at", tzinfo=LOCAL_ZONE),
        )
        .annotate(
            target_status=Case(
                When(target="", then=Value(TargetStatus.NONE.value)),
                When(
                    target=Target.NOT_BLACK_ODOROUS,
                    then=Case(
                        When(
                            Exists(latest.filter(grade=Judgement.Grade.CLEAR)),
                            then=Value(TargetStatus.MET.value),
                        ),
                        When(Exists(latest), then=Value(TargetStatus.MISSED.value)),
                        default=Value(TargetStatus.NOT_MEASURED.value),
                    ),
                ),
                When(target_round__isnull=True, then=Value(TargetStatus.NOT_MEASURED.value)),
                When(Exists(outside), then=Value(TargetStatus.MISSED.value)),
                default=Value(TargetStatus.MET.value),
                output_field=CharField(),
            )
        )
    )


def missing_target(channels=None):
    """The channels (of ``channels``, default all) whose latest data do not meet their
    target."""
    channels = Channel.objects.all() if channels is None else channels
    return with_target_status(channels).filter(target_status=TargetStatus.MISSED)


def target_status_of(channel):
    """``channel``'s ``TargetStatus`` (one query)."""
    row = (
        with_target_status(Channel.objects.filter(pk=channel.pk))
        .values("target_status", "target_round")
        .first()
    )
    return row or {"target_status": TargetStatus.NONE.value, "target_round": None}
