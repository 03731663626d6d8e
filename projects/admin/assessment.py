"""The admin of the monthly maintenance assessment: the items (what is checked, what each
failure costs, the monthly cap and where it comes from), each station's monthly assessment with
its deductions inline, and the deductions on their own. Scores and fees are worked out by
``projects.services.assessment`` (one query for a whole changelist page), never typed."""

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.urls import NoReverseMatch
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from projects.admin.audit import HistoryAdmin
from projects.admin.base import EMPTY, AdminForm, admin_change_link, column, excerpt, year_month
from projects.models import AssessmentItem, Deduction, MonthlyAssessment, ResponsibleUnit
from projects.services import assessment
from projects.services.queries import count_of
from projects.tables.assessment import fee_text, score_text


@admin.register(AssessmentItem)
class AssessmentItemAdmin(HistoryAdmin):
    list_display = [
        "code",
        "category",
        "description",
        "points_per_occurrence",
        "max_points",
        "active",
    ]
    list_display_links = ["code", "description"]
    list_filter = ["category", "active"]
    search_fields = ["code", "description", "source_note"]
    fields = [
        "code",
        "category",
        "description",
        "points_per_occurrence",
        "max_points",
        "active",
        "source_note",
    ]


class DeductionInline(admin.TabularInline):
    model = Deduction
    form = AdminForm
    extra = 1
    fields = ["item", "occurrences", "points", "note", "channel", "complaint"]
    autocomplete_fields = ["item", "channel"]
    raw_id_fields = ["complaint"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item", "channel", "complaint")


class ScoredChangeList(ChangeList):
    """The changelist's page of assessments, scored with one query."""

    def get_results(self, request):
        super().get_results(request)
        assessment.attach_scores(self.result_list)


@admin.register(MonthlyAssessment)
class MonthlyAssessmentAdmin(HistoryAdmin):
    list_display = [
        "station",
        "month_text",
        "status",
        "score",
        "fee",
        "deduction_count",
        "assessed_by",
    ]
    list_filter = ["status", ("station", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["station", "assessed_by"]
    search_fields = ["station__name", "note"]
    autocomplete_fields = ["station"]
    raw_id_fields = ["assessed_by"]
    date_hierarchy = "month"
    readonly_fields = ["score", "fee", "site_link"]
    fields = ["station", "month", "status", "assessed_by", "note", "score", "fee", "site_link"]
    inlines = [DeductionInline]

    month_text = column("month", _("month"), year_month)

    def get_changelist(self, request, **kwargs):
        return ScoredChangeList

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(deductions_total=count_of(Deduction.objects.all(), "assessment"))
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "station":
            kwargs["queryset"] = ResponsibleUnit.objects.filter(kind=ResponsibleUnit.Kind.STATION)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def scored(self, obj):
        if obj is None or obj.pk is None:
            return None
        if not hasattr(obj, "score"):
            assessment.attach_scores([obj])
        return obj

    @admin.display(description=_("score"))
    def score(self, obj):
        scored = self.scored(obj)
        return EMPTY if scored is None else score_text(scored.score)

    @admin.display(description=_("fee earned"))
    def fee(self, obj):
        scored = self.scored(obj)
        return EMPTY if scored is None else fee_text(scored.fee_percent)

    @admin.display(description=_("deductions"), ordering="deductions_total")
    def deduction_count(self, obj):
        return getattr(obj, "deductions_total", EMPTY)

    @admin.display(description=_("page in the site"))
    def site_link(self, obj):
        if obj is None or obj.pk is None:
            return EMPTY
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("View on the site"))

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("assessed_by", request.user.pk)
        return initial

    def save_model(self, request, obj, form, change):
        if obj.assessed_by_id is None:
            obj.assessed_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Deduction)
class DeductionAdmin(HistoryAdmin):
    list_display = ["assessment", "item", "occurrences", "points", "note_text", "complaint_link"]
    list_filter = ["item__category", ("assessment__station", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["assessment__station", "item", "complaint"]
    search_fields = [
        "note",
        "item__code",
        "item__description",
        "assessment__station__name",
        "complaint__number",
    ]
    autocomplete_fields = ["assessment", "item", "channel"]
    raw_id_fields = ["complaint"]
    fields = ["assessment", "item", "occurrences", "points", "note", "channel", "complaint"]

    @admin.display(description=_("note"))
    def note_text(self, obj):
        return excerpt(obj.note)

    @admin.display(description=_("complaint"), ordering="complaint__number")
    def complaint_link(self, obj):
        if obj.complaint is None:
            return EMPTY
        try:
            return admin_change_link(obj.complaint, obj.complaint.number)
        except NoReverseMatch:  # the complaints admin not installed
            return obj.complaint.number
