"""The scale benchmark's places, as plain tuples and GeoJSON texts (see ``generate_rows``): every
channel a line of five positions on a grid over the district (WGS-84, around 香洲), every
sampling point and every other complaint a point beside its channel, ``OUTFALLS_PER_CHANNEL``
outfalls a channel with a point each, and a treatment plant for every ``PLANT_CHANNELS``
channels that a third of the outfalls drain to. Invented for timing only: the shipped data has
no coordinates (the article gives none)."""

import json

OUTFALLS_PER_CHANNEL = 2
PLANT_CHANNELS = 300
# The grid's south-west corner and spacing (degrees): 100 channels a row.
WEST, SOUTH, STEP, ROW = 113.40, 22.10, 0.003, 100
KINDS = ["rain", "sewage", "combined", "overflow", "industrial", "other"]
STATUSES = ["to_fix", "fixing", "intercepted", "sealed", "kept"]
DRY_WEATHER = ["yes", "no", "unchecked", ""]


def sizes(channels):
    return {
        "plants": -(-channels // PLANT_CHANNELS),
        "outfalls": OUTFALLS_PER_CHANNEL * channels,
    }


def _corner(channel):
    row, column = divmod(channel - 1, ROW)
    return WEST + column * STEP, SOUTH + row * STEP


def _text(kind, coordinates):
    return json.dumps({"type": kind, "coordinates": coordinates}, separators=(",", ":"))


def channel_line(channel):
    """Channel ``channel``'s line: five positions running north-east across its grid cell."""
    x, y = _corner(channel)
    return _text(
        "LineString",
        [[round(x + k * STEP / 5, 7), round(y + (k % 2) * STEP / 4, 7)] for k in range(5)],
    )


def point_beside(channel, k):
    """The ``k``-th point beside channel ``channel``'s line (within its grid cell)."""
    x, y = _corner(channel)
    return _text("Point", [round(x + (k % 9 + 0.5) * STEP / 10, 7), round(y + STEP / 8, 7)])


def tables(channels, rng):
    """Yield ``(table, columns, rows)`` for the treatment plants and the outfalls."""
    n = sizes(channels)
    yield (
        "projects_treatmentplant",
        ["id", "name", "capacity_t_d", "current_load_t_d", "note"],
        ((i, f"基准污水处理厂{i:03d}", "100000", "98000", "") for i in range(1, n["plants"] + 1)),
    )
    r = rng("outfall")

    def outfalls():
        for i in range(1, n["outfalls"] + 1):
            channel = (i - 1) // OUTFALLS_PER_CHANNEL + 1
            plant = (channel - 1) // PLANT_CHANNELS + 1 if i % 3 == 0 else None
            yield (
                i,
                f"PK-{i:06d}",
                channel,
                f"基准渠{channel:05d}旁",
                point_beside(channel, i),
                r.choice(KINDS),
                f"DN{r.choice((300, 600, 800, 1200))}",
                r.choice(DRY_WEATHER),
                "",
                "",
                r.choice(STATUSES),
                plant,
                "",
            )

    yield (
        "projects_outfall",
        ["id", "code", "channel_id", "place", "geometry", "kind", "size"]
        + ["dry_weather_discharge", "colour", "smell", "status", "plant_id", "note"],
        outfalls(),
    )
