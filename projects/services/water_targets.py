"""Whether each channel meets its water-quality target (``Channel.target``), as one query over
any number of channels (``with_target_status``):

- 不黑不臭 (not black-odorous): the channel's latest black-odour judgement
  (``Judgement.is_latest``) is clear; no judgement yet → not measured;
- a surface-water class of GB 3838-2002 (Ⅲ, Ⅳ, Ⅴ): every sample of the latest round (the
  latest local day on which any of its points had dissolved oxygen or ammonia nitrogen
  measured, kept on the channel as its lowest DO and highest NH3-N) is within the class's
  limits (``projects.standards.surface_water``: DO at least,
  NH3-N at most; an indicator a sample did not measure is not held against it); no such day
  → not measured;
- no target set → none.

The limits are read from the standard into the query; nothing is read channel by channel."""

import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import (
    Case,
    CharField,
    DateField,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from projects.models import Channel, Judgement
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
    ``target_round`` (the latest round's day a class target is judged on, else None). Read
    from the channel's kept latest round (``Channel.latest_round_at``, its lowest DO and
    highest NH3-N; ``projects.services.round_latest``) and its flagged latest judgement: no
    search of the samples."""
    latest = Judgement.objects.filter(channel=OuterRef("pk"), is_latest=True)
    is_class = Q(target__in=list(CLASS_LIMITS))
    return channels.annotate(
        target_do_min=_limit("do_min"),
        target_nh3n_max=_limit("nh3n_max"),
        target_round=Case(
            When(is_class, then=TruncDate("latest_round_at", tzinfo=LOCAL_ZONE)),
            default=Value(None),
            output_field=DateField(),
        ),
    ).annotate(
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
            When(
                Q(latest_round_do_min__lt=F("target_do_min"))
                | Q(latest_round_nh3n_max__gt=F("target_nh3n_max")),
                then=Value(TargetStatus.MISSED.value),
            ),
            default=Value(TargetStatus.MET.value),
            output_field=CharField(),
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
