"""The scale benchmark's river chiefs, as plain tuples (see ``generate_rows``): each channel
has a village chief of its own, a town chief for every five channels and a district chief for
every thirty, all serving since two years before the anchor day, and ``CHIEF_INSPECTIONS``
inspections per channel at factor 1 spread over the last year (so some terms are missed)."""

import datetime

TOWN_CHANNELS = 5
DISTRICT_CHANNELS = 30
INSPECTIONS_PER_CHANNEL = 10


def sizes(channels):
    towns = -(-channels // TOWN_CHANNELS)
    districts = -(-channels // DISTRICT_CHANNELS)
    return {
        "chiefs": channels + towns + districts,
        "chief_terms": 3 * channels,
        "chief_inspections": INSPECTIONS_PER_CHANNEL * channels,
    }


def tables(channels, rng, anchor, stamp):
    """Yield ``(table, columns, rows)`` for the chiefs, their terms and their inspections."""
    towns = -(-channels // TOWN_CHANNELS)
    districts = -(-channels // DISTRICT_CHANNELS)
    chiefs = (
        [(i, f"基准河长{i:05d}", "村书记") for i in range(1, channels + 1)]
        + [(channels + i, f"基准镇河长{i:04d}", "镇党委书记") for i in range(1, towns + 1)]
        + [
            (channels + towns + i, f"基准区河长{i:03d}", "区委常委")
            for i in range(1, districts + 1)
        ]
    )
    yield (
        "projects_riverchief",
        ["id", "name", "position", "phone", "note"],
        ((i, name, position, f"138{i:08d}", "") for i, name, position in chiefs),
    )

    def chief_of(channel, level):
        if level == "village":
            return channel
        if level == "town":
            return channels + (channel - 1) // TOWN_CHANNELS + 1
        return channels + towns + (channel - 1) // DISTRICT_CHANNELS + 1

    levels = ("village", "town", "district")
    start = anchor - datetime.timedelta(days=730)
    yield (
        "projects_chiefassignment",
        ["id", "chief_id", "channel_id", "level", "term_start", "term_end"],
        (
            (3 * (c - 1) + k + 1, chief_of(c, level), c, level, start.isoformat(), None)
            for c in range(1, channels + 1)
            for k, level in enumerate(levels)
        ),
    )
    r = rng("chief_inspection")

    def inspections():
        for i in range(1, INSPECTIONS_PER_CHANNEL * channels + 1):
            channel = r.randint(1, channels)
            level = r.choice(levels)
            day = anchor - datetime.timedelta(days=r.randrange(365))
            problems = "河面有漂浮物" if r.random() < 0.2 else ""
            moment = datetime.datetime(day.year, day.month, day.day, 9)
            chief = chief_of(channel, level)
            yield (i, chief, channel, day.isoformat(), r.randint(20, 180), problems, stamp(moment))

    yield (
        "projects_chiefinspection",
        ["id", "chief_id", "channel_id", "inspected_on", "duration_minutes", "problems_found"]
        + ["created_at"],
        inspections(),
    )
