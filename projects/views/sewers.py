"""Sewer condition pages: the repair and the maintenance priority lists (segments by RI, by
MI) and a segment's page with its scores, inspections and defects. Scores computed with
deviations from the standard are labelled as such; the segment's page shows what RI used of
K, E and T."""

from collections import defaultdict

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from projects.forms.filters import SegmentScoreFilter
from projects.models import Defect, PipeSegment, SegmentScore
from projects.services.sewer_condition import (
    EXTENT_LABELS,
    MAINTENANCE_LABELS,
    REPAIR_LABELS,
    active_rule_set,
    deviation_wording,
    load_codes,
    scoring_rules,
)
from projects.standards.cjj181 import GRADE_WORDING_BY_KIND, PRIORITY_WORDING, deviations
from projects.tables.sewers import (
    PRIORITY_BADGES,
    DefectTable,
    InspectionTable,
    MaintenancePriorityTable,
    RepairPriorityTable,
)
from projects.views.base import ListPage, TablesMixin


class SegmentPriorityView(ListPage):
    """Scored segments, the most urgent repair first (RI descending)."""

    model = SegmentScore
    table_class = RepairPriorityTable
    filterset_class = SegmentScoreFilter
    template_name = "projects/sewers/segment_priority.html"
    export_name = "segment-repair-priority"
    kind = "repair"

    def get_queryset(self):
        return SegmentScore.objects.select_related("segment__street", "inspection")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kind"] = self.kind
        context["rule_set"] = active_rule_set()
        # The options scores are computed with now; each row says what its own score used.
        context["active_deviations"] = deviation_wording(deviations(scoring_rules()))
        # An empty page says why: nothing scored at all (one more query, only then), or
        # nothing matching the filters.
        empty = not context["table"].paginator.count
        context["nothing_scored"] = empty and not SegmentScore.objects.exists()
        return context


class SegmentMaintenanceView(SegmentPriorityView):
    """Scored segments, the most urgent maintenance first (MI descending)."""

    table_class = MaintenancePriorityTable
    export_name = "segment-maintenance-priority"
    kind = "maintenance"


class SegmentDetailView(LoginRequiredMixin, TablesMixin, TemplateView):
    """A pipe segment: its scores, its inspections (the counted one marked) and the defects of
    each inspection."""

    template_name = "projects/sewers/segment_detail.html"

    @property
    def export_name(self):
        return f"segment-{self.kwargs['pk']}"

    def get_segment(self):
        if not hasattr(self, "_segment"):
            self._segment = get_object_or_404(
                PipeSegment.objects.select_related("street", "score__inspection"),
                pk=self.kwargs["pk"],
            )
        return self._segment

    def get_score(self):
        try:
            return self.get_segment().score
        except SegmentScore.DoesNotExist:
            return None

    def get_inspections(self):
        """The segment's inspections, newest first, each with ``defect_list``: two queries."""
        if not hasattr(self, "_inspections"):
            inspections = list(
                self.get_segment()
                .inspections.select_related("import_batch")
                .order_by("-inspected_on", "pk")
            )
            defects = defaultdict(list)
            rows = (
                Defect.objects.filter(inspection__segment=self.get_segment())
                .select_related("code")
                .order_by("position_m", "pk")
            )
            for defect in rows:
                defects[defect.inspection_id].append(defect)
            for inspection in inspections:
                inspection.defect_list = defects[inspection.pk]
                inspection.defect_count = len(inspection.defect_list)
            self._inspections = inspections
        return self._inspections

    def build_tables(self):
        score = self.get_score()
        codes, _letters = load_codes()
        tables = {
            "inspections": InspectionTable(
                self.get_inspections(), counted_id=score.inspection_id if score else None
            )
        }
        for inspection in self.get_inspections():
            tables[f"defects{inspection.pk}"] = DefectTable(inspection.defect_list, scores=codes)
        return tables

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        segment, score = self.get_segment(), self.get_score()
        context.update(
            segment=segment,
            score=score,
            rule_set=active_rule_set(),
            inspections=[
                (inspection, context["tables"][f"defects{inspection.pk}"])
                for inspection in self.get_inspections()
            ],
        )
        if score is not None:
            active = ",".join(deviations(scoring_rules()))
            context.update(
                deviation_wording=deviation_wording(score.deviations),
                other_options=score.deviations != active,
                structural_extent=EXTENT_LABELS.get(score.structural_extent, ""),
                functional_extent=EXTENT_LABELS.get(score.functional_extent, ""),
                repair=REPAIR_LABELS.get(score.repair_priority, score.repair_priority),
                repair_badge=PRIORITY_BADGES.get(score.repair_priority, ""),
                maintenance_badge=PRIORITY_BADGES.get(score.maintenance_priority, ""),
                maintenance=MAINTENANCE_LABELS.get(
                    score.maintenance_priority, score.maintenance_priority
                ),
                repair_wording=PRIORITY_WORDING["repair"].get(score.repair_priority, ""),
                maintenance_wording=PRIORITY_WORDING["maintenance"].get(
                    score.maintenance_priority, ""
                ),
                structural_wording=GRADE_WORDING_BY_KIND["structural"].get(
                    score.structural_grade, ""
                ),
                functional_wording=GRADE_WORDING_BY_KIND["functional"].get(
                    score.functional_grade, ""
                ),
            )
        return context
