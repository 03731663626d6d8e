"""Sewer condition from the inspections: the CJJ 181-2012 scores of each pipe segment, stored in
``SegmentScore`` so the priority lists sort and filter in the database, and the length surveyed
by each inspection method.

**Which inspection counts.** A segment's condition is that of its latest inspection (by date).
Two inspections of a segment on the same day (by different methods: one per method and day is a
constraint) are ranked CCTV, sonar, QV, other: CCTV travels the whole segment and sees the wall
up close, so it records structural and functional defects alike; sonar profiles the part under
water; QV (the periscope) sees only as far as it reaches from the manhole; "other" is unknown.
Earlier inspections stay on record but no longer count.

**Which rule set.** Defects are scored with the ``DefectCode`` rows of the active rule set
(``active_rule_set()``), matched on the code letters: a defect recorded under one rule set's
code is scored with the active set's row of the same code. A second rule set such as
DB44/T 1025-2012 is rows of data, not code. The formulas (α, K, E, T, grade bounds) are those of
``projects.standards.cjj181``.

**The standard, literally, unless told otherwise.** Scores follow CJJ 181-2012 as published
(F = max(S, Smax), defects within 1 m one composite defect whose scores add). The setting
``SEWER_SCORING_OPTIONS`` (a list of ``cjj181.OPTIONS`` keys, empty by default) chooses named
deviations, such as ``monotone_f`` (F never above Smax); each score stores the deviations it
was computed with (``SegmentScore.deviations``, blank for the standard), and the pages and
exports label such scores (``deviation_wording``). Each score also stores what RI used of K, E
and T (``k_used``, ``e_used``, ``t_used``: 0 where the standard's gates close).

Everything here reads with ``values_list`` in a few queries and writes in bulk: no query per
segment (50,000 segments with 200,000 defects rescore in seconds).
"""

import logging
import multiprocessing
import os
import threading
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Case, Count, Exists, Max, OuterRef, Q, Sum, Value, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.core.formatting import key_labels
from projects.models import Defect, DefectCode, Inspection, PipeSegment, SegmentScore
from projects.standards import cjj181
from projects.standards.config import CJJ181

logger = logging.getLogger(__name__)

# Same-day inspections of a segment: the first method of this order counts.
METHOD_PREFERENCE = (
    Inspection.Method.CCTV,
    Inspection.Method.SONAR,
    Inspection.Method.QV,
    Inspection.Method.OTHER,
)
_METHOD_RANK = {method: rank for rank, method in enumerate(METHOD_PREFERENCE)}

EXTENT_LABELS = {
    "local": _("Local"),
    "partial": _("Partial"),
    "whole": _("Whole segment"),
    "": "",
}
REPAIR_LABELS = {
    "none": _("No repair needed"),
    "plan": _("Repair in the plan"),
    "soon": _("Repair soon"),
    "now": _("Repair at once"),
}
MAINTENANCE_LABELS = {
    "none": _("No maintenance needed"),
    "plan": _("Maintain in the plan"),
    "soon": _("Maintain soon"),
    "now": _("Maintain at once"),
}
# The named deviations from the standard (``cjj181.OPTIONS``), as the pages word them, and what
# separates them in a list.
DEVIATION_SEPARATOR = pgettext_lazy("between deviations", "; ")
DEVIATION_LABELS = {
    "monotone_f": _("F not above Smax"),
    "merge_max": _("defects within 1 m keep the higher score, not the sum"),
    "merge_none": _("defects within 1 m scored apart, not as one"),
}

# score_segment()'s results as SegmentScore stores them: figures (floats the standard has
# rounded to the fields' places) and words (grades, extents, priorities).
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
# ... and the deviations, comma-joined keys ("" for the standard).
RESULT_FIELDS = (*FIGURES, *WORDS, "deviations")
UPDATE_FIELDS = ["inspection", "rule_set", *RESULT_FIELDS, "computed_at"]

# Segments per round when rescoring given segments: keeps every ``IN (…)`` list within
# SQLite's limit on query parameters.
CHUNK = 900
# Scores per INSERT … ON CONFLICT statement.
WRITE_BATCH = 2000
# From this many segments on, score_segment() runs in worker processes, one per CPU (it
# computes exactly, with fractions: about 0.15 ms a segment, most of a large rescoring).
PARALLEL_FROM = 10_000


def active_rule_set():
    """The rule set whose ``DefectCode`` rows score inspections: the ``SEWER_RULE_SET`` setting
    when given, else the standard's own (``projects.standards.config.CJJ181.rule_set``)."""
    return getattr(settings, "SEWER_RULE_SET", "") or CJJ181.rule_set


def scoring_options():
    """The named deviations chosen by the ``SEWER_SCORING_OPTIONS`` setting (a list, or a
    comma-separated text); none by default: the standard, literally."""
    options = getattr(settings, "SEWER_SCORING_OPTIONS", None) or ()
    if isinstance(options, str):
        options = options.split(",")
    return tuple(option.strip() for option in options if option.strip())


def scoring_rules():
    """The ``Cjj181Rules`` that score inspections: the standard's, with the options of
    ``scoring_options()``. Raises ImproperlyConfigured on an unknown or contradictory option."""
    try:
        return cjj181.rules_with_options(scoring_options())
    except ValueError as error:
        raise ImproperlyConfigured(f"SEWER_SCORING_OPTIONS: {error}") from None


def deviation_labels(deviations):
    """The words of stored deviations (comma-joined keys, or a sequence of keys): a list, empty
    for the standard. An unknown key is shown as it is."""
    return key_labels(deviations, DEVIATION_LABELS)


def deviation_wording(deviations):
    """ "Computed with options that deviate from the standard: …" for stored deviations; ""
    for the standard."""
    labels = deviation_labels(deviations)
    if not labels:
        return ""
    return _("Computed with options that deviate from the standard: %(options)s") % {
        "options": str(DEVIATION_SEPARATOR).join(str(label) for label in labels)
    }


def load_codes(rule_set=None):
    """``(codes, letters)``: ``codes`` the ``score_segment(codes=…)`` dict of the rule set
    (active by default) from its ``DefectCode`` rows; ``letters`` every code row's letters by
    primary key, whatever its rule set. One query."""
    rule_set = rule_set or active_rule_set()
    codes, letters = {}, {}
    rows = DefectCode.objects.order_by().values_list(
        "pk", "rule_set", "code", "kind", "score_1", "score_2", "score_3", "score_4", "scored"
    )
    for pk, row_rule_set, code, kind, s1, s2, s3, s4, scored in rows:
        letters[pk] = code
        if row_rule_set == rule_set:
            codes[code] = cjj181.CodeScore(kind, (s1, s2, s3, s4), scored)
    return codes, letters


def counted_inspection_key(method, inspected_on):
    """Sorts a segment's inspections so that the one that counts is the greatest."""
    return (inspected_on, -_METHOD_RANK.get(method, len(_METHOD_RANK)))


class Rescore:
    """One rescoring run. ``scored`` counts the segments scored; ``failures`` maps the code of
    each segment that could not be scored (a code the rule set lacks, a grade it does not
    score) to the reason; such a segment's stored score is removed rather than left stale."""

    def __init__(self, rule_set=None):
        self.rule_set = rule_set or active_rule_set()
        self.rules = scoring_rules()
        self.codes, self.letters = load_codes(self.rule_set)
        self.scored = 0
        self.failures = {}
        self.progress = None  # run(progress=…)
        self.handled = self.total = 0

    def run(self, segment_ids=None, progress=None):
        """Score ``segment_ids`` (every segment when None) in one transaction.
        ``progress(done=, total=)``, when given, is told the segments handled as it goes: per
        ``WRITE_BATCH`` of every segment, per ``CHUNK`` of given ones (it changes no result)."""
        self.progress = progress
        self.handled = 0
        with transaction.atomic():
            if segment_ids is None:
                self.rescore(PipeSegment.objects.all(), Inspection.objects.all(), None)
                # Scores of segments left without any inspection (normally removed with it).
                SegmentScore.objects.exclude(
                    Exists(Inspection.objects.filter(segment=OuterRef("segment")))
                ).delete()
            else:
                ids = sorted(set(segment_ids))
                self.total = len(ids)
                for start in range(0, len(ids), CHUNK):
                    chunk = ids[start : start + CHUNK]
                    self.rescore(
                        PipeSegment.objects.filter(pk__in=chunk),
                        Inspection.objects.filter(segment_id__in=chunk),
                        chunk,
                    )
        return self

    def rescore(self, segments, inspections, chunk):
        """Score ``segments`` (a queryset) from ``inspections`` (theirs): three queries, then
        one upsert per ``WRITE_BATCH`` scores, whatever their number."""
        work = self.gather(segments, inspections, chunk)
        if chunk is None:
            self.total = len(work)  # every inspected segment
        pending, unscored = [], []
        if chunk is not None:  # given segments no longer inspected keep no score
            unscored = sorted(set(chunk) - {pk for pk, *_rest in work})
        for (pk, code, inspection_id, _arguments), result in zip(
            work, score_all(work, self.codes, self.rules), strict=True
        ):
            if chunk is None:
                self.handled += 1
            if isinstance(result, str):
                self.failures[code] = result
                unscored.append(pk)
                continue
            pending.append(
                SegmentScore(
                    segment_id=pk,
                    inspection_id=inspection_id,
                    rule_set=self.rule_set,
                    **dict(zip(RESULT_FIELDS, result, strict=True)),
                )
            )
            if len(pending) == WRITE_BATCH:  # written while the workers score on
                self.write(pending)
                pending = []
                self.tell()
        self.write(pending)
        if self.failures:
            logger.warning(
                "%s segment(s) could not be scored with %s: %s",
                len(self.failures),
                self.rule_set,
                "; ".join(f"{code}: {why}" for code, why in list(self.failures.items())[:20]),
            )
        if unscored:
            for start in range(0, len(unscored), CHUNK):
                SegmentScore.objects.filter(segment_id__in=unscored[start : start + CHUNK]).delete()
        if chunk is not None:
            self.handled += len(chunk)
        self.tell()

    def tell(self):
        if self.progress:
            self.progress(done=self.handled, total=self.total)

    def gather(self, segments, inspections, chunk):
        """``[(segment id, segment code, counted inspection id, score_segment's positional
        arguments)]`` for the inspected ``segments``. Three queries."""
        counted = {}  # segment id → (key, inspection id)
        rows = inspections.order_by().values_list("pk", "segment_id", "method", "inspected_on")
        for pk, segment_id, method, inspected_on in rows:
            key = counted_inspection_key(method, inspected_on)
            best = counted.get(segment_id)
            if best is None or key > best[0]:
                counted[segment_id] = (key, pk)
        counted_ids = {pk for _key, pk in counted.values()}

        defects = defaultdict(list)
        defect_rows = Defect.objects.order_by()
        if chunk is not None:
            defect_rows = defect_rows.filter(inspection_id__in=counted_ids)
        letters = self.letters
        for inspection_id, code_id, grade, position_m, length_m in defect_rows.values_list(
            "inspection_id", "code_id", "grade", "position_m", "length_m"
        ):
            if inspection_id in counted_ids:  # older inspections no longer count
                # Decimals as stored: the standard computes with them exactly.
                defects[inspection_id].append(
                    cjj181.Defect(letters[code_id], grade, position_m, length_m)
                )

        work = []
        segment_rows = segments.order_by().values_list(
            "pk", "code", "length_m", "diameter_mm", "area_class", "soil"
        )
        for pk, code, length_m, diameter_mm, area_class, soil in segment_rows:
            if pk in counted:
                inspection_id = counted[pk][1]
                found = defects.get(inspection_id, ())
                arguments = (length_m, diameter_mm, found, area_class, soil)
                work.append((pk, code, inspection_id, arguments))
        return work

    def write(self, scores):
        SegmentScore.objects.bulk_create(
            scores,
            update_conflicts=True,
            unique_fields=["segment"],
            update_fields=UPDATE_FIELDS,
        )
        self.scored += len(scores)


def rescore_segments(segment_ids=None):
    """Score the segments ``segment_ids`` (all when None) on their counted inspection and store
    the scores; segments without an inspection are skipped. Returns how many were scored."""
    return Rescore().run(segment_ids).scored


# --- scoring, in parallel when there is much of it -------------------------------------------

_work = None  # what forked workers score: (work, codes, rules), set just before they are forked


def _score(arguments, codes, rules=None):
    """score_segment()'s results in ``RESULT_FIELDS`` order, or why it refused (a text)."""
    try:
        result = cjj181.score_segment(*arguments, codes=codes, rules=rules)
    except ValueError as error:
        return str(error)
    return (
        *(getattr(result, name) for name in FIGURES),
        *(getattr(result, name) or "" for name in WORDS),
        ",".join(result.deviations),
    )


def _score_slice(bounds):
    work, codes, rules = _work
    return [_score(item[3], codes, rules) for item in work[bounds[0] : bounds[1]]]


def score_all(work, codes, rules=None):
    """``_score`` of each item of ``work`` (whose last element holds the arguments), with
    ``rules`` (default: the standard's), in order, as an iterator.

    From ``PARALLEL_FROM`` items on, forked worker processes (one per CPU) do the scoring: they
    inherit ``work`` when they are forked, so nothing is sent to them but slice bounds, and
    they send back plain tuples, slice by slice in order, so the caller writes the first
    scores while the workers compute the rest. They only compute: no database access. For
    fewer items, where fork is unavailable, or in a process running several threads (a
    threaded web server: a forked child could inherit a lock another thread holds), in this
    process."""
    global _work
    processes = min(os.cpu_count() or 1, 8)
    if (
        len(work) < PARALLEL_FROM
        or processes < 2
        or threading.active_count() > 1
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        yield from (_score(item[3], codes, rules) for item in work)
        return
    slices = [(start, start + WRITE_BATCH) for start in range(0, len(work), WRITE_BATCH)]
    _work = (work, codes, rules)
    try:
        pool = multiprocessing.get_context("fork").Pool(processes)
    finally:
        _work = None
    with pool:
        for part in pool.imap(_score_slice, slices):
            yield from part


# --- survey coverage ---------------------------------------------------------------------------


def coverage_by_method():
    """Kilometres of pipe surveyed by each inspection method and in all: the length of the
    distinct segments inspected (by that method), so a segment inspected twice, or by two
    methods, counts once in each method's row and once in the total. One query.

    The inspected segments are grouped by segment, each with a flag per method (1 when any of
    its inspections used it), and the flags summed over them: one pass over the inspections
    joined to their segments, where a ``pk IN (subquery)`` per method read the inspections
    once per method and per figure (100× district: 70 → 35 ms).

    A list of rows ``{"method", "label", "segments", "km"}``, one per method then the total
    (``method`` empty)."""
    methods = list(enumerate(Inspection.Method.values))
    flags = {
        f"by_{i}": Max(Case(When(inspections__method=method, then=Value(1)), default=Value(0)))
        for i, method in methods
    }
    inspected = (
        PipeSegment.objects.order_by()
        .filter(inspections__isnull=False)
        .values("pk", "length_m")
        .annotate(**flags)
    )
    figures = {}
    for i, method in methods:
        figures[f"{method}_segments"] = Sum(f"by_{i}")
        figures[f"{method}_m"] = Sum("length_m", filter=Q(**{f"by_{i}": 1}))
    figures["all_segments"] = Count("pk")
    figures["all_m"] = Sum("length_m")
    totals = inspected.aggregate(**figures)

    def km(metres):
        return (Decimal(metres or 0) / 1000).quantize(Decimal("0.001"))

    rows = [
        {
            "method": method,
            "label": label,
            "segments": totals[f"{method}_segments"] or 0,  # a sum of flags: None over none
            "km": km(totals[f"{method}_m"]),
        }
        for method, label in Inspection.Method.choices
    ]
    rows.append(
        {
            "method": "",
            "label": _("All methods"),
            "segments": totals["all_segments"],
            "km": km(totals["all_m"]),
        }
    )
    return rows
