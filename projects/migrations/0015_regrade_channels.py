"""Regrade each channel's latest black-odour judgement under the guide's point rule.

Until now a point was light only when 60 % of one indicator's readings, or 30 % of two
indicators', were light or worse; the guide makes a point that is not severe light as soon as
it is black-odorous at all (某检测点…为重度黑臭，否则可认定为轻度黑臭), and the former rule is
now the option ``light_by_shares`` (a deviation, off unless ``BLACK_ODOUR_OPTIONS`` names it).
A stored judgement graded by the former rule may therefore be wrong.

For each channel with a judgement, the latest one is recomputed from the samples of *its own*
rounds (the local dates it lists, so it is the same judgement under the rules in force, not a
judgement of newer data) with the pure functions of ``projects.standards`` and the rules the
``BLACK_ODOUR_OPTIONS`` setting gives. Where the grade, a point's grade or the deviations differ,
a new judgement is stored beside it — the old one stays, as the channel's history — exactly as
``projects.services.water_quality.regrade`` stores one. A channel whose rounds have no samples left is
left alone. Reverse: nothing (the judgements written are history like any other).
"""

import zoneinfo
from collections import defaultdict

from django.conf import settings
from django.db import migrations

READING_FIELDS = ("transparency_cm", "do_mg_l", "orp_mv", "nh3n_mg_l", "depth_cm")
BATCH = 500


def regrade_latest_judgements(apps, schema_editor):
    from projects.standards.black_odour import (
        deviations,
        grade_point,
        grade_reading,
        grade_water_body,
        with_options,
    )

    Judgement = apps.get_model("projects", "Judgement")
    Sample = apps.get_model("projects", "Sample")
    rules = with_options(getattr(settings, "BLACK_ODOUR_OPTIONS", ()))
    deviation_text = ",".join(deviations(rules))
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)

    latest = {}
    for judgement in Judgement.objects.order_by("channel_id", "-computed_at", "-pk").iterator():
        latest.setdefault(judgement.channel_id, judgement)

    channel_ids = sorted(latest)
    written = []
    for start in range(0, len(channel_ids), BATCH):
        batch = channel_ids[start : start + BATCH]
        readings = defaultdict(lambda: defaultdict(list))  # channel → point → graded readings
        samples = Sample.objects.filter(point__channel_id__in=batch).values_list(
            "point__channel_id", "point_id", "sampled_at", *READING_FIELDS
        )
        for channel_id, point_id, sampled_at, *values in samples.iterator():
            day = sampled_at.astimezone(zone).date().isoformat()
            if day not in latest[channel_id].rounds:
                continue
            *indicators, depth = values
            # A depth of 0 says nothing of the water, as in projects.services.water_quality.
            graded = grade_reading(*indicators, depth or None, rules=rules)
            readings[channel_id][point_id].append(graded)
        for channel_id, points in readings.items():
            point_grades = {pk: grade_point(graded, rules=rules) for pk, graded in points.items()}
            grade = grade_water_body(point_grades.values(), rules=rules).value_name
            stored = {str(pk): point_grade.value_name for pk, point_grade in point_grades.items()}
            judgement = latest[channel_id]
            if (judgement.grade, judgement.point_grades, judgement.deviations) == (
                grade,
                stored,
                deviation_text,
            ):
                continue
            written.append(
                Judgement(
                    channel_id=channel_id,
                    grade=grade,
                    rounds=judgement.rounds,
                    point_grades=stored,
                    sample_count=sum(len(graded) for graded in points.values()),
                    deviations=deviation_text,
                )
            )
    Judgement.objects.bulk_create(written, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("projects", "0014_rescore_segments")]

    operations = [
        migrations.RunPython(regrade_latest_judgements, migrations.RunPython.noop, elidable=True),
    ]
