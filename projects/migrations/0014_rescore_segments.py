"""Rescore the stored segment scores under the standard's rules, now the defaults: F = max(S,
Smax) literally, defects within 1 m one composite defect whose scores add (at most 10), plus the
factors RI used (K, E, T) and the deviations, if the SEWER_SCORING_OPTIONS setting names any.

Each stored score is recomputed from the inspection it rests on, with the code table of its own
rule set, by the pure functions of ``projects.standards`` (which import no Django). Reads with
``values_list``, a thousand scores a round, and writes each round as an upsert on the segment,
as the service does (``bulk_update`` took minutes where this takes seconds: 20,000 segments in
about 9 s on SQLite). A score that can no longer be computed (its rule set's codes gone) is
removed, as a rescoring would. Reverse: nothing to undo (the former scores are not kept)."""

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db import migrations
from django.utils import timezone

from projects.standards import cjj181

BATCH = 1000  # scores read, computed and written per round
WRITE_BATCH = 1000  # scores per INSERT … ON CONFLICT statement (fewer on SQLite: its limit)
FIGURES = (
    "s",
    "s_max",
    "f",
    "sm",
    "y",
    "y_max",
    "g",
    "ym",
    "k",
    "e",
    "t",
    "k_used",
    "e_used",
    "t_used",
    "ri",
    "mi",
)
WORDS = (
    "structural_grade",
    "structural_extent",
    "functional_grade",
    "functional_extent",
    "repair_priority",
    "maintenance_priority",
)
FIELDS = [*FIGURES, *WORDS, "deviations", "computed_at"]


def rescore(apps, schema_editor):
    SegmentScore = apps.get_model("projects", "SegmentScore")
    PipeSegment = apps.get_model("projects", "PipeSegment")
    Defect = apps.get_model("projects", "Defect")
    DefectCode = apps.get_model("projects", "DefectCode")
    db = schema_editor.connection.alias

    options = getattr(settings, "SEWER_SCORING_OPTIONS", None) or ()
    if isinstance(options, str):
        options = options.split(",")
    rules = cjj181.rules_with_options(o.strip() for o in options if o.strip())

    scores = list(
        SegmentScore.objects.using(db)
        .order_by("pk")
        .values_list("pk", "segment_id", "inspection_id", "rule_set")
    )
    if not scores:
        return

    tables, letters = defaultdict(dict), {}
    for pk, rule_set, code, kind, s1, s2, s3, s4, scored in (
        DefectCode.objects.using(db)
        .order_by()
        .values_list(
            "pk", "rule_set", "code", "kind", "score_1", "score_2", "score_3", "score_4", "scored"
        )
    ):
        letters[pk] = code
        tables[rule_set][code] = cjj181.CodeScore(kind, (s1, s2, s3, s4), scored)

    now = timezone.now()
    failed = []
    for start in range(0, len(scores), BATCH):
        chunk = scores[start : start + BATCH]
        segments = {
            pk: rest
            for pk, *rest in PipeSegment.objects.using(db)
            .filter(pk__in=[segment_id for _pk, segment_id, _i, _r in chunk])
            .order_by()
            .values_list("pk", "length_m", "diameter_mm", "area_class", "soil")
        }
        defects = defaultdict(list)
        for inspection_id, code_id, grade, position_m, length_m in (
            Defect.objects.using(db)
            .filter(inspection_id__in=[inspection_id for _p, _s, inspection_id, _r in chunk])
            .order_by()
            .values_list("inspection_id", "code_id", "grade", "position_m", "length_m")
        ):
            defects[inspection_id].append(
                cjj181.Defect(letters[code_id], grade, position_m, length_m)
            )
        updated = []
        for pk, segment_id, inspection_id, rule_set in chunk:
            length_m, diameter_mm, area_class, soil = segments[segment_id]
            try:
                result = cjj181.score_segment(
                    length_m,
                    diameter_mm,
                    defects.get(inspection_id, ()),
                    area_class,
                    soil,
                    codes=tables.get(rule_set, {}),
                    rules=rules,
                )
            except ValueError:
                failed.append(pk)
                continue
            score = SegmentScore(
                segment_id=segment_id,
                inspection_id=inspection_id,
                rule_set=rule_set,
                computed_at=now,
                deviations=",".join(result.deviations),
            )
            for name in FIGURES:  # floats rounded to the fields' places, as decimals
                setattr(score, name, Decimal(repr(getattr(result, name))))
            for name in WORDS:
                setattr(score, name, getattr(result, name) or "")
            updated.append(score)
        # An upsert on the segment, as the service writes them: bulk_update's CASE per field
        # costs minutes for tens of thousands of rows, this a few seconds.
        SegmentScore.objects.using(db).bulk_create(
            updated,
            batch_size=WRITE_BATCH,
            update_conflicts=True,
            unique_fields=["segment"],
            update_fields=FIELDS,
        )
    for start in range(0, len(failed), BATCH):
        SegmentScore.objects.using(db).filter(pk__in=failed[start : start + BATCH]).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0013_standards_literal_and_article")]

    operations = [migrations.RunPython(rescore, migrations.RunPython.noop, elidable=True)]
