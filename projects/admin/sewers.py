"""Sewer condition: the defect codes of each rule set, pipe segments with their inspections and
defects, the computed scores (read-only) and the import batches (read-only)."""

from django.conf import settings
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from projects.admin.audit import HistoryAdmin
from projects.admin.base import EMPTY, AdminForm, admin_change_link, column
from projects.models import (
    Defect,
    DefectCode,
    ImportBatch,
    Inspection,
    Job,
    PipeSegment,
    SegmentScore,
)
from projects.services import jobs
from projects.services.queries import count_of
from projects.services.sewer_condition import Rescore, deviation_labels


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the application, never by hand: listed and shown, not added or changed.
    Deleting follows the permissions, so they go with the rows they belong to (a segment's
    score with the segment)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DefectCode)
class DefectCodeAdmin(HistoryAdmin):
    list_display = [
        "code",
        "name",
        "rule_set",
        "kind",
        "score_1",
        "score_2",
        "score_3",
        "score_4",
        "scored",
    ]
    list_display_links = ["code", "name"]
    list_editable = ["score_1", "score_2", "score_3", "score_4", "scored"]
    list_filter = ["rule_set", "kind", "scored"]
    search_fields = ["code", "name", "rule_set"]
    fields = [
        "rule_set",
        "code",
        "name",
        "kind",
        ("score_1", "score_2", "score_3", "score_4"),
        "scored",
    ]


class InspectionInline(admin.TabularInline):
    model = Inspection
    form = AdminForm
    extra = 0
    fields = ["method", "inspected_on", "contractor", "video_ref", "import_batch"]
    raw_id_fields = ["import_batch"]
    show_change_link = True
    ordering = ["-inspected_on"]


@admin.register(PipeSegment)
class PipeSegmentAdmin(HistoryAdmin):
    list_display = [
        "code",
        "from_manhole",
        "to_manhole",
        "diameter_mm",
        "length_m",
        "street",
        "area_class",
        "soil",
        "ri",
        "mi",
    ]
    list_filter = ["area_class", "soil", ("street", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["street", "score"]
    search_fields = ["code", "from_manhole", "to_manhole"]
    autocomplete_fields = ["street"]
    fieldsets = [
        (None, {"fields": ["code", ("from_manhole", "to_manhole"), "street"]}),
        (_("Pipe"), {"fields": ["diameter_mm", "length_m", "material"]}),
        (_("Surroundings"), {"fields": ["area_class", "soil"]}),
    ]
    inlines = [InspectionInline]
    actions = ["rescore"]

    @admin.display(description="RI", ordering="score__ri")
    def ri(self, obj):
        score = getattr(obj, "score", None)
        return score.ri if score else None

    @admin.display(description="MI", ordering="score__mi")
    def mi(self, obj):
        score = getattr(obj, "score", None)
        return score.mi if score else None

    @admin.action(description=_("Rescore selected segments"), permissions=["change"])
    def rescore(self, request, queryset):
        """A selection of ``JOB_ACTION_ITEMS`` segments or more (setting) in a background
        job."""
        ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        if len(ids) >= settings.JOB_ACTION_ITEMS:
            every = len(ids) == PipeSegment.objects.count()
            job = jobs.start(Job.Kind.RESCORE, request.user, segments=None if every else ids)
            return redirect("projects:job", pk=job.pk)
        run = Rescore().run(ids)
        self.message_user(
            request,
            ngettext(
                "%(count)d segment scored with %(rule_set)s.",
                "%(count)d segments scored with %(rule_set)s.",
                run.scored,
            )
            % {"count": run.scored, "rule_set": run.rule_set},
            messages.SUCCESS,
        )
        for code, reason in run.failures.items():
            self.message_user(
                request,
                _("%(segment)s could not be scored: %(reason)s")
                % {"segment": code, "reason": reason},
                messages.WARNING,
            )


class DefectInline(admin.TabularInline):
    model = Defect
    form = AdminForm
    extra = 0
    fields = ["position_m", "code", "grade", "length_m", "clock"]
    ordering = ["position_m", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("code")


@admin.register(Inspection)
class InspectionAdmin(HistoryAdmin):
    list_display = [
        "segment",
        "method",
        "inspected_on",
        "contractor",
        "defect_count",
        "import_batch",
    ]
    list_filter = ["method", "inspected_on"]
    list_select_related = ["segment", "import_batch"]
    search_fields = ["segment__code", "contractor", "video_ref"]
    autocomplete_fields = ["segment"]
    raw_id_fields = ["import_batch"]
    date_hierarchy = "inspected_on"
    fields = ["segment", "method", "inspected_on", "contractor", "video_ref", "import_batch"]
    inlines = [DefectInline]

    defect_count = column("defect_count", _("defects"))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(defect_count=count_of(Defect.objects.all(), "inspection"))
        )


@admin.register(Defect)
class DefectAdmin(HistoryAdmin):
    list_display = ["inspection", "code", "grade", "position_m", "length_m", "clock"]
    list_filter = ["code__kind", "grade", "inspection__method"]
    list_select_related = ["inspection__segment", "code"]
    search_fields = ["inspection__segment__code", "code__code", "code__name"]
    autocomplete_fields = ["inspection", "code"]
    fields = ["inspection", "code", "grade", "position_m", "length_m", "clock"]


@admin.register(SegmentScore)
class SegmentScoreAdmin(ReadOnlyAdmin):
    list_display = [
        "segment",
        "ri",
        "repair_priority",
        "structural_grade",
        "f",
        "mi",
        "maintenance_priority",
        "functional_grade",
        "g",
        "inspection_link",
        "rule_set",
        "deviation_list",
        "computed_at",
    ]
    list_filter = ["structural_grade", "functional_grade", "repair_priority", "rule_set"]
    list_select_related = ["segment", "inspection__segment"]
    search_fields = ["segment__code"]
    fieldsets = [
        (
            None,
            {"fields": ["segment", "inspection", "rule_set", "deviation_list", "computed_at"]},
        ),
        (
            _("Structural condition"),
            {
                "fields": [
                    ("s", "s_max", "f", "sm"),
                    ("structural_grade", "structural_extent"),
                    ("ri", "repair_priority"),
                ]
            },
        ),
        (
            _("Functional condition"),
            {
                "fields": [
                    ("y", "y_max", "g", "ym"),
                    ("functional_grade", "functional_extent"),
                    ("mi", "maintenance_priority"),
                ]
            },
        ),
        (_("Weights"), {"fields": [("k", "e", "t"), ("k_used", "e_used", "t_used")]}),
    ]

    @admin.display(description=_("deviations from the standard"))
    def deviation_list(self, obj):
        return "；".join(str(label) for label in deviation_labels(obj.deviations)) or EMPTY

    @admin.display(description=_("inspection"), ordering="inspection__inspected_on")
    def inspection_link(self, obj):
        return admin_change_link(obj.inspection)


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    """Who loaded which file, when: kept as the record of the import (its inspections and
    samples protect it)."""

    list_display = ["kind", "file_name", "rows", "created", "uploaded_by", "created_at"]
    list_filter = ["kind", "created_at"]
    list_select_related = ["uploaded_by"]
    search_fields = ["file_name"]
    date_hierarchy = "created_at"
    fields = ["kind", "file_name", "rows", "created", "uploaded_by", "created_at"]

    def has_delete_permission(self, request, obj=None):
        return False
