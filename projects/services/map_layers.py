"""What the map (/map/) shows: one entry a layer, read by ``/map/features/``.

A layer names its records (a queryset of those with a geometry, reduced to the values the map
needs: one query a layer, whatever the number of records), how a record is coloured (a key of
its legend), its label and the page a click leads to, and which of the map's filters apply to
it (filter name → lookup). Adding a layer is adding an entry to ``LAYERS``.

Each layer sends at most ``settings.MAP_FEATURE_LIMIT`` features (one more is read to know
that there were more, and the answer says so).
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import FilteredRelation, Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from projects.core.links import first_path, path_of
from projects.models import (
    Channel,
    Complaint,
    MapOutline,
    Outfall,
    PumpingStation,
    SamplingPoint,
)

GREY = "#7f8c8d"
RED = "#c0392b"
ORANGE = "#e67e22"
PURPLE = "#8e44ad"
GREEN = "#27ae60"
NAVY = "#1f4e79"
BLUE = "#2e86de"
TEAL = "#16a085"

CONDITION_COLOURS = {
    Channel.Condition.SEVERE: RED,
    Channel.Condition.LIGHT: ORANGE,
    Channel.Condition.BLACK_ODOROUS: PURPLE,
    Channel.Condition.CLEAR: GREEN,
    Channel.Condition.UNKNOWN: GREY,
}
NOT_GRADED = "none"
POINT_GRADES = (
    ("severe", _("Severely black-odorous"), RED),
    ("light", _("Lightly black-odorous"), ORANGE),
    ("clear", _("Not black-odorous"), GREEN),
    (NOT_GRADED, _("Not graded yet"), GREY),
)

# As the outfall register's status badges: to be remediated red, being remediated blue,
# intercepted or sealed green, kept grey.
OUTFALL_COLOURS = {
    Outfall.Status.TO_FIX: RED,
    Outfall.Status.FIXING: BLUE,
    Outfall.Status.INTERCEPTED: GREEN,
    Outfall.Status.SEALED: GREEN,
    Outfall.Status.KEPT: GREY,
}
# A complaint case by how far its loop has come: just found red, dispatched orange, handled
# blue, evaluated teal, assessed (closed) green.
STAGE_COLOURS = {
    Complaint.Stage.FOUND: RED,
    Complaint.Stage.DISPATCHED: ORANGE,
    Complaint.Stage.HANDLED: BLUE,
    Complaint.Stage.EVALUATED: TEAL,
    Complaint.Stage.ASSESSED: GREEN,
}


# A point layer's marker: its shape tells the layers apart where their colours are alike (an
# outfall to be remediated and a case just found are both red), on the map and in the legend.
MARKER_SHAPES = ("circle", "square", "diamond", "triangle")


@dataclass(frozen=True)
class Layer:
    key: str
    label: str
    rows: Callable  # () -> queryset of dicts (``values()``), records with a geometry only
    legend: tuple  # ((key, label, colour), ...)
    colour_key: Callable  # row -> a key of ``legend``
    name: Callable  # row -> the feature's label
    link: Callable  # row -> the URL a click leads to
    shape: str  # how a feature is drawn: "line", or a point's marker (one of MARKER_SHAPES)
    filters: dict = field(default_factory=dict)  # the map's filter name -> lookup

    def legend_key(self, key):
        """``key`` when the legend has it, else the legend's last (its "other")."""
        if any(value == key for value, _label, _colour in self.legend):
            return key
        return self.legend[-1][0]


def channel_rows():
    return (
        Channel.objects.filter(geometry__isnull=False)
        .with_condition()
        .values("pk", "name", "current_condition")
    )


def sampling_point_rows():
    # The point's grade in its channel's latest judgement: one join, no query a point.
    return (
        SamplingPoint.objects.filter(geometry__isnull=False)
        .annotate(
            latest=FilteredRelation(
                "channel__judgements", condition=Q(channel__judgements__is_latest=True)
            )
        )
        .values("pk", "name", "channel_id", "channel__name", "latest__point_grades")
    )


def point_grade(row):
    grades = row["latest__point_grades"] or {}
    return grades.get(str(row["pk"]), NOT_GRADED)


def station_rows():
    return PumpingStation.objects.filter(geometry__isnull=False).values("pk", "name", "channel_id")


def outfall_rows():
    return Outfall.objects.filter(geometry__isnull=False).values("pk", "code", "place", "status")


def complaint_rows():
    # The cases (a case's reports share its one place): one feature a case.
    return Complaint.objects.filter(geometry__isnull=False).values(
        "pk", "number", "location", "stage"
    )


def labelled(code, place):
    return f"{code} · {place}" if place else code


def channel_url(pk):
    return path_of("projects:channel-detail", pk)


LAYERS = (
    Layer(
        key="channels",
        label=_("Channels, by current condition"),
        rows=channel_rows,
        legend=tuple(
            (value, label, CONDITION_COLOURS[value]) for value, label in Channel.Condition.choices
        ),
        colour_key=lambda row: row["current_condition"],
        name=lambda row: row["name"],
        link=lambda row: channel_url(row["pk"]),
        shape="line",
        filters={"street": "street", "condition": "current_condition"},
    ),
    Layer(
        key="sampling_points",
        label=_("Sampling points, by latest grade"),
        rows=sampling_point_rows,
        legend=POINT_GRADES,
        colour_key=point_grade,
        name=lambda row: f"{row['channel__name']} · {row['name']}",
        link=lambda row: channel_url(row["channel_id"]),
        shape="circle",
        filters={"street": "channel__street"},
    ),
    Layer(
        key="pumping_stations",
        label=_("Pumping stations"),
        rows=station_rows,
        legend=(("station", _("Pumping station"), NAVY),),
        colour_key=lambda row: "station",
        name=lambda row: row["name"],
        link=lambda row: (
            channel_url(row["channel_id"])
            if row["channel_id"]
            else first_path(("projects:pipes", []))
        ),
        shape="square",
        filters={"street": "street"},
    ),
    Layer(
        key="outfalls",
        label=_("Outfalls, by status"),
        rows=outfall_rows,
        legend=tuple(
            (value, label, OUTFALL_COLOURS[value]) for value, label in Outfall.Status.choices
        ),
        colour_key=lambda row: row["status"],
        name=lambda row: labelled(row["code"], row["place"]),
        link=lambda row: path_of("projects:outfall-detail", row["pk"]),
        shape="diamond",
        filters={"street": "channel__street", "outfall_status": "status"},
    ),
    Layer(
        key="complaints",
        label=_("Complaint cases, by stage"),
        rows=complaint_rows,
        legend=tuple(
            (value, label, STAGE_COLOURS[value]) for value, label in Complaint.Stage.choices
        ),
        colour_key=lambda row: row["stage"],
        name=lambda row: labelled(row["number"], row["location"]),
        link=lambda row: path_of("projects:complaint-detail", row["pk"]),
        shape="triangle",
        filters={"street": "channel__street", "stage": "stage"},
    ),
)
LAYER_CHOICES = [(layer.key, layer.label) for layer in LAYERS]


def layer_features(layer, chosen, limit):
    """(features, truncated) of ``layer``, narrowed by the filters ``chosen`` (name → value;
    empty values ignored) that apply to it."""
    rows = layer.rows()
    for name, lookup in layer.filters.items():
        value = chosen.get(name)
        if value not in (None, ""):
            rows = rows.filter(**{lookup: value})
    rows = list(
        rows.annotate(geometry_text=Cast("geometry", TextField())).order_by("pk")[: limit + 1]
    )
    features = []
    layer_key = _json(layer.key)
    for row in rows[:limit]:
        features.append(
            FEATURE.format(
                geometry=row["geometry_text"],
                layer=layer_key,
                name=_json(layer.name(row)),
                status=_json(layer.legend_key(layer.colour_key(row))),
                url=_json(layer.link(row)),
            )
        )
    return features, len(rows) > limit


# A feature as the answer's text: the stored geometry (GeoJSON the database gives as text) as it
# is, not parsed and written again; each property a JSON value of its own.
FEATURE = (
    '{{"type":"Feature","geometry":{geometry},"properties":'
    '{{"layer":{layer},"name":{name},"status_key":{status},"url":{url}}}}}'
)
# The answer: the features' texts, each layer's legend, the limit and the outlines.
COLLECTION = (
    '{{"type":"FeatureCollection","features":[{features}],'
    '"layers":{layers},"limit":{limit},"outlines":{outlines}}}'
)


def _json(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def map_features(chosen, layer_keys=None, limit=None):
    """The map's answer, as JSON text: a GeoJSON FeatureCollection of the layers
    ``layer_keys`` (all when empty) narrowed by ``chosen``; and each layer's legend (status
    key → label and colour), marker shape and whether it was cut at ``limit`` features, which
    its features name by key alone; and the outlines. One query a layer, one for the
    outlines."""
    limit = limit or settings.MAP_FEATURE_LIMIT
    features, layers = [], []
    for layer in LAYERS:
        if layer_keys and layer.key not in layer_keys:
            continue
        shown, truncated = layer_features(layer, chosen, limit)
        features.extend(shown)
        layers.append(
            {
                "key": layer.key,
                "label": str(layer.label),
                "shape": layer.shape,
                "shown": len(shown),
                "truncated": truncated,
                "legend": [
                    {"key": key, "label": str(label), "colour": colour}
                    for key, label, colour in layer.legend
                ],
            }
        )
    outlines = [
        {"type": "Feature", "geometry": geometry, "properties": {"name": name}}
        for name, geometry in MapOutline.objects.values_list("name", "geometry")
    ]
    return COLLECTION.format(
        features=",".join(features),
        layers=_json(layers),
        limit=limit,
        outlines=_json(outlines),
    )


def channel_map(channel):
    """What the channel page's own map draws (``channel`` annotated by ``with_condition()``):
    its line coloured by its current condition; None when it has no place."""
    if not channel.geometry:
        return None
    condition = Channel.Condition(channel.current_condition)
    return {
        "geometry": channel.geometry,
        "colour": CONDITION_COLOURS[condition],
        "status": str(condition.label),
        "tiles": tile_settings(),
    }


def tile_settings():
    """The tile layer under the map (``MAP_TILE_URL``; empty: a plain background)."""
    return {
        "url": settings.MAP_TILE_URL,
        "subdomains": settings.MAP_TILE_SUBDOMAINS,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
    }
