"""Projects with their monthly progress reports; the admin base the project subclasses share
(``ProjectAdminBase``: interception batches in ``interception``, the survey campaign and the
construction batches in ``pipes``)."""

from django.contrib import admin, messages
from django.core.exceptions import ObjectDoesNotExist
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
)

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
