"""The outfall register, the channel page's outfalls and a treatment plant's outfalls and
problems. Links and badges render HTML; the downloads hold the plain values."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from projects.models import Outfall, Problem
from projects.tables.columns import BadgeColumn, BlankReasonColumn


def coordinates_text(record):
    """“113.5476, 22.2711” (longitude, latitude) or empty."""
    coordinates = record.coordinates
    return "" if coordinates is None else f"{coordinates[0]}, {coordinates[1]}"


class OutfallTable(tables.Table):
    """Outfalls from ``Outfall.objects.for_list()``."""

    code = tables.Column(linkify=True, attrs={"td": {"class": "name"}})
    channel = tables.Column(linkify=True, order_by=("channel__name", "code"))
    # Recorded by the office, never cited from the article: an empty field is not filled in.
    place = BlankReasonColumn()
    kind = tables.Column()
    size = BlankReasonColumn()
    status = BadgeColumn()
    plant = tables.Column(linkify=True, default="", order_by=("plant__name", "code"))
    coordinates = tables.Column(
        verbose_name=_("Coordinates"), empty_values=(), orderable=False, default=""
    )

    class Meta:
        model = Outfall
        fields = ("code", "channel", "place", "kind", "size", "status", "plant", "coordinates")
        order_by = ("code",)

    def render_coordinates(self, record):
        return coordinates_text(record) or "—"

    def value_coordinates(self, record):
        return coordinates_text(record)


class ChannelOutfallTable(OutfallTable):
    """A channel's outfalls: no channel column."""

    class Meta(OutfallTable.Meta):
        exclude = ("channel",)


class PlantOutfallTable(OutfallTable):
    """A plant's outfalls: no plant column."""

    class Meta(OutfallTable.Meta):
        exclude = ("plant",)


class PlantProblemTable(tables.Table):
    """Plan problems put down to a plant, with their channel."""

    title = tables.Column(
        verbose_name=_("Problem"),
        linkify=lambda record: f"{record.plan.channel.get_absolute_url()}#problems",
    )
    channel = tables.Column(
        verbose_name=_("Channel"),
        accessor="plan__channel",
        linkify=True,
        order_by=("plan__channel__name", "pk"),
    )
    category = tables.Column()
    severity = tables.Column(default="")
    cause = tables.Column(default="")

    class Meta:
        model = Problem
        fields = ("title", "channel", "category", "severity", "cause")
        order_by = ("channel",)
