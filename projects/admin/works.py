"""Projects with their monthly progress reports, and the project subclasses: interception
batches (with their villages), the pipe survey campaign and pipe-construction batches."""

from django.contrib import admin, messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from projects.admin.audit import (
    HistoryAdmin,
    VersionedAdminForm,
    VersionedFields,
    VersionedInlineForm,
    save_in_bulk,
)
from projects.admin.base import (
    EMPTY,
    SOURCE_FIELDSET,
    AdminForm,
    ConstraintMessageFormSet,
    OverdueFilter,
    TextareaSizes,
    admin_change_link,
    column,
    money_text,
    percent_text,
    year_month,
)
from projects.models import (
    InterceptionBatch,
    PipeConstructionBatch,
    PipeSurveyCampaign,
    ProgressReport,
    Project,
    Stream,
    VillageWork,
)
from projects.services.queries import count_of

cumulative_column = column(
    "cumulative_investment_wan", _("cumulative investment (10k yuan)"), money_text
)


def cumulative_investment():
    """Investment of a report's project up to and including the report's month.

    Not ``ProgressReport.objects.with_cumulative()``: a window sums only the rows the query
    keeps, so on a filtered list or a single report's page it would miss earlier months."""
    return Subquery(
        ProgressReport.objects.filter(project=OuterRef("project"), month__lte=OuterRef("month"))
        .order_by()
        .values("project")
        .annotate(total=Sum("investment_this_month_wan"))
        .values("total")[:1]
    )


def too_many_villages(named, declared):
    return ValidationError(
        _(
            "The batch names %(named)s interception works but declares only %(declared)s: "
            "raise the number of works or remove names."
        ),
        code="too_many_villages",
        params={"named": named, "declared": declared},
    )


# --- monthly progress reports --------------------------------------------------------------


class AnyDayOfTheMonth:
    """A report month is stored as the first day of the month: accept any day of it."""

    def clean_month(self):
        month = self.cleaned_data.get("month")
        return month.replace(day=1) if month else month


class ProgressReportForm(AnyDayOfTheMonth, VersionedAdminForm):
    """A report's own page: refused when someone saved the report after it was opened."""


class ProgressReportInlineForm(AnyDayOfTheMonth, VersionedInlineForm):
    """A report row on a project's page: refused when changed here after someone else saved
    it."""


def fill_reported_by(request, reports):
    for report in reports:
        if report.reported_by_id is None:
            report.reported_by = request.user


class ProgressReportInline(VersionedFields, TextareaSizes, admin.TabularInline):
    model = ProgressReport
    form = ProgressReportInlineForm
    formset = ConstraintMessageFormSet
    extra = 1
    ordering = ["-month"]
    fields = [
        "month",
        "planned_percent",
        "percent_complete",
        "investment_this_month_wan",
        "cumulative",
        "problems",
        "next_month_plan",
        "note",
        "reported_by",
    ]
    readonly_fields = ["cumulative", "reported_by"]
    textarea_sizes = {"note": (1, 30), "problems": (1, 30), "next_month_plan": (1, 30)}

    cumulative = cumulative_column

    def get_queryset(self, request):
        # The inline holds every report of one project, so the running total is the same.
        return super().get_queryset(request).select_related("reported_by").with_cumulative()


@admin.register(ProgressReport)
class ProgressReportAdmin(VersionedFields, HistoryAdmin):
    form = ProgressReportForm
    list_display = [
        "project",
        "month_text",
        "percent_complete",
        "investment_this_month_wan",
        "cumulative",
        "reported_by",
        "created_at",
    ]
    list_filter = ["project__stream", "project__status"]
    list_select_related = ["project", "reported_by"]
    search_fields = ["project__name", "note"]
    autocomplete_fields = ["project"]
    raw_id_fields = ["reported_by"]
    date_hierarchy = "month"
    readonly_fields = ["cumulative", "created_at"]
    fields = [
        "project",
        "month",
        "planned_percent",
        "percent_complete",
        "investment_this_month_wan",
        "cumulative",
        "problems",
        "next_month_plan",
        "note",
        "reported_by",
        "created_at",
    ]

    month_text = column("month", _("month"), year_month)
    cumulative = cumulative_column

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(cumulative_investment_wan=cumulative_investment())
        )

    def save_model(self, request, obj, form, change):
        fill_reported_by(request, [obj])
        super().save_model(request, obj, form, change)


# --- projects ------------------------------------------------------------------------------


PROJECT_SUBTYPES = [
    ("interceptionbatch", InterceptionBatch),
    ("pipesurveycampaign", PipeSurveyCampaign),
    ("pipeconstructionbatch", PipeConstructionBatch),
]


class ProjectAdminBase(HistoryAdmin):
    """What every project page shares: the project fields, progress derived from the monthly
    reports, the reports inline, and the bulk action that completes projects."""

    list_filter = [
        "stream",
        "status",
        OverdueFilter,
        ("lead_unit", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["lead_unit"]
    search_fields = ["name", "description", "responsible_person", "lead_unit__name"]
    autocomplete_fields = ["channels", "techniques", "lead_unit", "contractor", "source"]
    readonly_fields = ["percent", "cumulative_investment", "last_report_month", "overdue"]
    inlines = [ProgressReportInline]
    actions = ["mark_completed"]
    default_stream = None
    project_fieldsets = [
        (None, {"fields": ["name", "stream", "status", "description"]}),
        (
            _("Units and people"),
            {"fields": ["lead_unit", "contractor", "responsible_person"]},
        ),
        (_("Channels and techniques"), {"fields": ["channels", "techniques"]}),
        (
            _("Schedule and investment"),
            {
                "fields": [
                    "investment_wan",
                    ("planned_start", "planned_end"),
                    "actual_end",
                    "approval",
                ]
            },
        ),
        (
            _("Progress from the monthly reports"),
            {"fields": ["percent", "cumulative_investment", "last_report_month", "overdue"]},
        ),
    ]
    detail_fieldsets = []

    percent = column("percent", _("percent complete"), percent_text)
    cumulative_investment = cumulative_column
    last_report_month = column("last_report_month", _("last report"), year_month)
    overdue = column("is_overdue", _("overdue"), boolean=True)

    def get_fieldsets(self, request, obj=None):
        return [
            *self.project_fieldsets[:1],
            *self.detail_fieldsets,
            *self.project_fieldsets[1:],
            SOURCE_FIELDSET,
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_progress()

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if self.default_stream is not None:
            initial.setdefault("stream", self.default_stream)
        return initial

    def save_formset(self, request, form, formset, change):
        if formset.model is ProgressReport:
            fill_reported_by(request, (f.instance for f in formset.forms if f.has_changed()))
        super().save_formset(request, form, formset, change)

    @admin.action(description=_("Mark selected projects completed"), permissions=["change"])
    def mark_completed(self, request, queryset):
        """已完成, for the selected projects not completed yet. A batch or campaign is changed
        as its own model, where its history lives (as when it is saved on its own page)."""
        selected = list(queryset.values_list("pk", flat=True))
        changed = 0
        with transaction.atomic():
            remaining = set(selected)
            for model in [*(model for _name, model in PROJECT_SUBTYPES), Project]:
                rows = model.objects.select_for_update().filter(pk__in=remaining).order_by("pk")
                rows = list(rows)
                remaining -= {row.pk for row in rows}
                projects = [row for row in rows if row.status != Project.Status.COMPLETED]
                for project in projects:
                    project.status = Project.Status.COMPLETED
                save_in_bulk(request, model, projects, ["status"], _("Marked completed in bulk"))
                changed += len(projects)
        unchanged = len(selected) - changed
        self.message_user(
            request,
            ngettext(
                "%(count)d project marked completed.",
                "%(count)d projects marked completed.",
                changed,
            )
            % {"count": changed},
            messages.SUCCESS if changed else messages.WARNING,
        )
        if unchanged:
            self.message_user(
                request,
                ngettext(
                    "%(count)d project was already completed.",
                    "%(count)d projects were already completed.",
                    unchanged,
                )
                % {"count": unchanged},
                messages.INFO,
            )


@admin.register(Project)
class ProjectAdmin(ProjectAdminBase):
    """Every project, including batches and campaigns; those have their own page for their
    extra detail, linked from the ``type`` column."""

    list_display = [
        "name",
        "stream",
        "status",
        "lead_unit",
        "investment_wan",
        "percent",
        "cumulative_investment",
        "planned_end",
        "overdue",
        "subtype",
    ]
    list_select_related = ["lead_unit", *(name for name, _model in PROJECT_SUBTYPES)]
    readonly_fields = [*ProjectAdminBase.readonly_fields, "subtype"]
    detail_fieldsets = [(None, {"fields": ["subtype"]})]

    @admin.display(description=_("type"))
    def subtype(self, obj):
        if obj is None or obj.pk is None:
            return EMPTY
        for name, model in PROJECT_SUBTYPES:
            try:
                child = getattr(obj, name)
            except ObjectDoesNotExist:
                continue
            return admin_change_link(child, model._meta.verbose_name)
        return EMPTY


# --- interception batches and their villages -----------------------------------------------


class VillageWorkFormSet(ConstraintMessageFormSet):
    """A batch cannot name more villages than the number it declares."""

    def clean(self):
        super().clean()
        declared = getattr(self.instance, "works_count", None)
        if declared is None:
            return
        named = sum(
            1
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not self._should_delete_form(form)
        )
        if named > declared:
            raise too_many_villages(named, declared)


class VillageWorkInline(TextareaSizes, admin.TabularInline):
    model = VillageWork
    form = AdminForm
    formset = VillageWorkFormSet
    extra = 0
    fields = ["sequence", "name", "pipe_length_m", "note"]
    textarea_sizes = {"note": (1, 40)}


@admin.register(InterceptionBatch)
class InterceptionBatchAdmin(ProjectAdminBase):
    list_display = [
        "batch_number",
        "name",
        "status",
        "named_villages",
        "pipe_length_m",
        "investment_wan",
        "percent",
        "cumulative_investment",
        "overdue",
    ]
    list_display_links = ["batch_number", "name"]
    readonly_fields = [*ProjectAdminBase.readonly_fields, "named_villages"]
    default_stream = Stream.INTERCEPT
    detail_fieldsets = [
        (
            _("Interception batch"),
            {"fields": ["batch_number", "works_count", "named_villages", "pipe_length_m"]},
        )
    ]
    inlines = [VillageWorkInline, ProgressReportInline]

    def get_queryset(self, request):
        # The count of ``for_table()``, without a GROUP BY (see ``count_of``).
        return (
            super()
            .get_queryset(request)
            .annotate(named_count=count_of(VillageWork.objects.all(), "batch"))
        )

    @admin.display(description=_("named works / declared"), ordering="named_count")
    def named_villages(self, obj):
        if obj is None or obj.pk is None:
            return EMPTY
        return f"{getattr(obj, 'named_count', 0)} / {obj.works_count}"


class VillageWorkAdminForm(AdminForm):
    def clean(self):
        cleaned = super().clean()
        batch = cleaned.get("batch")
        if batch is not None:
            others = batch.villages.exclude(pk=self.instance.pk).count()
            if others + 1 > batch.works_count:
                self.add_error("batch", too_many_villages(others + 1, batch.works_count))
        return cleaned


@admin.register(VillageWork)
class VillageWorkAdmin(HistoryAdmin):
    form = VillageWorkAdminForm
    list_display = ["name", "batch", "sequence", "pipe_length_m"]
    list_filter = [("batch", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["batch"]
    search_fields = ["name", "note", "batch__name"]
    autocomplete_fields = ["batch", "source"]
    fields = ["batch", "sequence", "name", "pipe_length_m", "note", "source"]


# --- the sewer network: survey campaign and construction batches ---------------------------


@admin.register(PipeSurveyCampaign)
class PipeSurveyCampaignAdmin(ProjectAdminBase):
    list_display = [
        "name",
        "status",
        "surveyed_km",
        "qv_km",
        "cctv_km",
        "investment_wan",
        "percent",
        "overdue",
    ]
    readonly_fields = [*ProjectAdminBase.readonly_fields, "qv_share", "cctv_share"]
    default_stream = Stream.SURVEY
    detail_fieldsets = [
        (
            _("Survey"),
            {
                "fields": [
                    "surveyed_km",
                    ("qv_km", "qv_share"),
                    ("cctv_km", "cctv_share"),
                    "outcome",
                ]
            },
        )
    ]

    @admin.display(description=_("QV length ÷ surveyed length (derived)"))
    def qv_share(self, obj):
        return percent_text(obj.qv_share if obj else None)

    @admin.display(description=_("CCTV length ÷ surveyed length (derived)"))
    def cctv_share(self, obj):
        return percent_text(obj.cctv_share if obj else None)


class PipeConstructionBatchForm(AdminForm):
    def clean(self):
        cleaned = super().clean()
        declared = cleaned.get("stations_renovated")
        named = cleaned.get("renovated_stations")
        if declared is not None and named is not None and len(named) > declared:
            self.add_error(
                "renovated_stations",
                _(
                    "The batch names %(named)s pumping stations but declares only "
                    "%(declared)s renovated."
                )
                % {"named": len(named), "declared": declared},
            )
        return cleaned


@admin.register(PipeConstructionBatch)
class PipeConstructionBatchAdmin(ProjectAdminBase):
    form = PipeConstructionBatchForm
    list_display = [
        "batch_number",
        "name",
        "status",
        "new_pipe_km",
        "stations",
        "channel_count",
        "investment_wan",
        "percent",
        "overdue",
    ]
    list_display_links = ["batch_number", "name"]
    list_filter = [*ProjectAdminBase.list_filter, "channel_list_partial"]
    autocomplete_fields = [*ProjectAdminBase.autocomplete_fields, "renovated_stations"]
    readonly_fields = [*ProjectAdminBase.readonly_fields, "stations"]
    default_stream = Stream.BUILD
    detail_fieldsets = [
        (
            _("Construction batch"),
            {
                "fields": [
                    "batch_number",
                    "new_pipe_km",
                    "stations_renovated",
                    "renovated_stations",
                    "stations",
                    "channel_list_partial",
                ]
            },
        )
    ]

    channel_count = column("channel_count", _("channels"))

    def get_queryset(self, request):
        # The counts of ``for_table()``, without a GROUP BY (see ``count_of``).
        return (
            super()
            .get_queryset(request)
            .annotate(
                named_station_count=count_of(
                    PipeConstructionBatch.renovated_stations.through.objects,
                    "pipeconstructionbatch",
                ),
                channel_count=count_of(Project.channels.through.objects, "project"),
            )
        )

    @admin.display(description=_("named stations / declared"), ordering="named_station_count")
    def stations(self, obj):
        if obj is None or obj.pk is None:
            return EMPTY
        declared = EMPTY if obj.stations_renovated is None else obj.stations_renovated
        return f"{getattr(obj, 'named_station_count', 0)} / {declared}"
