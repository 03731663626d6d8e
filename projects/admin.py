"""The Django admin for every model of the programme.

Lists stay fast: foreign keys to units, channels, projects and source paragraphs are
autocomplete widgets, list pages use ``list_select_related`` and derived figures (percent
complete, cumulative investment, counts) come from correlated subqueries in ``get_queryset``
rather than per-row queries. Validation lives in the models (constraints with translated
messages); the admin adds the rules that span a form and its inlines.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Count, OuterRef, Subquery, Sum, UniqueConstraint
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .models import (
    Channel,
    InterceptionBatch,
    Measure,
    PipeConstructionBatch,
    PipeSurveyCampaign,
    Plan,
    Policy,
    Problem,
    ProgressReport,
    Project,
    PumpingStation,
    Responsibility,
    ResponsibleUnit,
    SourceParagraph,
    Stream,
    Target,
    Task,
    Technique,
    VillageWork,
)

admin.site.site_header = _("Waterworks administration")
admin.site.site_title = _("Waterworks admin")
admin.site.index_title = _("Remediation programme data")

EMPTY = "-"  # as the admin shows an empty value


# --- helpers -------------------------------------------------------------------------------


def count_of(queryset, outer_field):
    """A correlated ``COUNT`` subquery: rows of ``queryset`` whose ``outer_field`` is the outer
    row's pk (0 when none). Unlike ``Count()`` it needs no GROUP BY over the outer query."""
    return Coalesce(
        Subquery(
            queryset.filter(**{outer_field: OuterRef("pk")})
            .order_by()
            .values(outer_field)
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        0,
    )


def cumulative_investment():
    """Investment of a report's project up to and including the report's month."""
    return Subquery(
        ProgressReport.objects.filter(project=OuterRef("project"), month__lte=OuterRef("month"))
        .order_by()
        .values("project")
        .annotate(total=Sum("investment_this_month_wan"))
        .values("total")[:1]
    )


def excerpt(text, length=60):
    return Truncator(text).chars(length) if text else EMPTY


def percent_text(value):
    return EMPTY if value is None else f"{value:.1f}%"


def money_text(value):
    """万元 with two decimals on every database (SQLite returns sums as plain numbers)."""
    return EMPTY if value is None else number_format(value, 2)


def admin_change_link(obj, text=None):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, text if text is not None else obj)


class OverdueFilter(admin.SimpleListFilter):
    """Filter on the ``is_overdue`` annotation (projects and tasks)."""

    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(is_overdue=True)
        if self.value() == "no":
            return queryset.filter(is_overdue=False)
        return queryset


SOURCE_FIELDSET = (_("Source"), {"fields": ["source"], "classes": ["collapse"]})


# --- source paragraphs, units, techniques, policies ----------------------------------------


@admin.register(SourceParagraph)
class SourceParagraphAdmin(admin.ModelAdmin):
    list_display = ["key", "article", "number", "text_excerpt"]
    list_filter = ["article"]
    search_fields = ["key", "article", "text"]
    ordering = ["article", "number"]

    @admin.display(description=_("text"))
    def text_excerpt(self, obj):
        return excerpt(obj.text, 80)


@admin.register(ResponsibleUnit)
class ResponsibleUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "led_project_count", "led_task_count"]
    list_filter = ["kind"]
    search_fields = ["name", "note"]
    autocomplete_fields = ["source"]
    fields = ["name", "kind", "note", "source"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                led_project_count=count_of(Project.objects.all(), "lead_unit"),
                led_task_count=count_of(Task.objects.all(), "lead_unit"),
            )
        )

    @admin.display(description=_("projects led"), ordering="led_project_count")
    def led_project_count(self, obj):
        return obj.led_project_count

    @admin.display(description=_("tasks led"), ordering="led_task_count")
    def led_task_count(self, obj):
        return obj.led_task_count


@admin.register(Technique)
class TechniqueAdmin(admin.ModelAdmin):
    list_display = ["name", "description_excerpt", "project_count"]
    search_fields = ["name", "description"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(project_count=count_of(Project.techniques.through.objects, "technique"))
        )

    @admin.display(description=_("description"))
    def description_excerpt(self, obj):
        return excerpt(obj.description)

    @admin.display(description=_("projects"), ordering="project_count")
    def project_count(self, obj):
        return obj.project_count


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "stream", "issued_by"]
    list_filter = ["kind", "stream"]
    list_select_related = ["issued_by"]
    search_fields = ["title", "summary", "issued_by__name"]
    autocomplete_fields = ["issued_by", "source"]
    fields = ["title", "kind", "stream", "issued_by", "summary", "source"]


# --- channels and pumping stations ---------------------------------------------------------


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "street",
        "condition",
        "length_km",
        "maintaining_unit",
        "has_plan",
        "project_count",
    ]
    list_filter = [
        "condition",
        ("street", admin.RelatedOnlyFieldListFilter),
        ("maintaining_unit", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["street", "maintaining_unit"]
    search_fields = ["name", "code", "location", "receiving_water", "street__name"]
    autocomplete_fields = ["street", "maintaining_unit", "source"]
    fieldsets = [
        (None, {"fields": ["name", "code", "street", "location", "receiving_water"]}),
        (_("Condition"), {"fields": ["length_km", "condition", "condition_note"]}),
        (_("Maintenance"), {"fields": ["maintaining_unit"]}),
        SOURCE_FIELDSET,
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_plan_flag()
            .annotate(project_count=count_of(Project.channels.through.objects, "channel"))
        )

    @admin.display(description=_("has a plan"), boolean=True, ordering="has_plan")
    def has_plan(self, obj):
        return obj.has_plan

    @admin.display(description=_("projects"), ordering="project_count")
    def project_count(self, obj):
        return obj.project_count


@admin.register(PumpingStation)
class PumpingStationAdmin(admin.ModelAdmin):
    list_display = ["name", "street", "maintaining_unit", "channel"]
    list_filter = [
        ("street", admin.RelatedOnlyFieldListFilter),
        ("maintaining_unit", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["street", "maintaining_unit", "channel"]
    search_fields = ["name", "channel__name", "street__name"]
    autocomplete_fields = ["street", "maintaining_unit", "channel", "source"]
    fields = ["name", "street", "maintaining_unit", "channel", "note", "source"]


# --- the one-river-one-policy plan and its five lists --------------------------------------


class PlanListInline:
    """Shared set-up of the five plan lists."""

    extra = 0
    show_change_link = True


class ProblemInline(PlanListInline, admin.TabularInline):
    model = Problem
    fields = ["title", "category", "location", "how_found", "severity", "description", "cause"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("description", "cause"):
            field.widget.attrs.update(rows=2, cols=30)
        return field


class TargetInline(PlanListInline, admin.TabularInline):
    model = Target
    fields = ["indicator", "baseline", "target_value", "target_date", "achieved"]


class TaskInline(PlanListInline, admin.StackedInline):
    """Tasks link to the problems and targets of the same plan only."""

    model = Task
    autocomplete_fields = ["lead_unit", "supporting_units"]
    filter_horizontal = ["problems", "targets"]
    fieldsets = [
        (None, {"fields": [("content", "quantity"), ("status", "percent_complete")]}),
        (None, {"fields": ["problems", "targets"]}),
        (
            None,
            {
                "fields": [
                    ("lead_unit", "responsible_person"),
                    "supporting_units",
                    ("deadline", "extended_deadline"),
                    "note",
                ]
            },
        ),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("problems", "targets"):
            plan_id = request.resolver_match.kwargs.get("object_id") if request else None
            related = db_field.related_model._default_manager
            if plan_id and str(plan_id).isdigit():
                kwargs["queryset"] = related.filter(plan_id=plan_id)
            else:
                kwargs["queryset"] = related.none()
                kwargs["help_text"] = _(
                    "Save the plan first: a task links to the problems and targets of its plan."
                )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class MeasureInline(PlanListInline, admin.TabularInline):
    model = Measure
    fields = ["name", "category", "technique", "project", "scale", "investment_wan", "funding"]
    autocomplete_fields = ["technique", "project"]


class ResponsibilityInline(PlanListInline, admin.TabularInline):
    model = Responsibility
    fields = ["unit", "duty", "person"]
    autocomplete_fields = ["unit"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "duty":
            field.widget.attrs.update(rows=2, cols=50)
        return field


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "channel",
        "status",
        "period_start",
        "period_end",
        "approved_on",
        "problem_count",
        "task_count",
        "open_task_count",
    ]
    list_filter = ["status", ("channel__street", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["channel"]
    search_fields = ["title", "channel__name", "summary"]
    autocomplete_fields = ["channel", "compiled_by", "approved_by", "source"]
    readonly_fields = ["completeness"]
    date_hierarchy = "approved_on"
    fieldsets = [
        (None, {"fields": ["channel", "title", "status", "summary"]}),
        (
            _("Period and approval"),
            {
                "fields": [
                    ("period_start", "period_end"),
                    "compiled_by",
                    "approved_by",
                    "approved_on",
                ]
            },
        ),
        (_("Completeness"), {"fields": ["completeness"]}),
        SOURCE_FIELDSET,
    ]
    inlines = [ProblemInline, TargetInline, TaskInline, MeasureInline, ResponsibilityInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                problem_count=count_of(Problem.objects.all(), "plan"),
                task_count=count_of(Task.objects.all(), "plan"),
                open_task_count=count_of(Task.objects.exclude(status=Task.Status.DONE), "plan"),
            )
        )

    @admin.display(description=_("problems"), ordering="problem_count")
    def problem_count(self, obj):
        return obj.problem_count

    @admin.display(description=_("tasks"), ordering="task_count")
    def task_count(self, obj):
        return obj.task_count

    @admin.display(description=_("open tasks"), ordering="open_task_count")
    def open_task_count(self, obj):
        return obj.open_task_count

    @admin.display(description=_("completeness"))
    def completeness(self, obj):
        if obj is None or obj.pk is None:
            return EMPTY
        problems = Problem.objects.with_task_count().filter(plan=obj)
        tasks = obj.tasks.all()
        warnings = obj.completeness_warnings(problems, tasks)
        if not warnings:
            return _(
                "Every problem is addressed by a task and every task has a lead unit, a "
                "responsible person and a deadline."
            )
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((w,) for w in warnings))
        )


class PlanChildAdmin(admin.ModelAdmin):
    """The five lists on their own pages: for searching across plans."""

    list_select_related = ["plan__channel"]
    autocomplete_fields = ["plan", "source"]

    @admin.display(description=_("channel"), ordering="plan__channel__name")
    def channel(self, obj):
        return obj.plan.channel


@admin.register(Problem)
class ProblemAdmin(PlanChildAdmin):
    list_display = ["title", "channel", "category", "severity", "how_found", "task_count"]
    list_filter = ["category", "severity", "how_found"]
    search_fields = ["title", "location", "description", "plan__title", "plan__channel__name"]
    fields = [
        "plan",
        "title",
        "category",
        "location",
        "how_found",
        "severity",
        "description",
        "cause",
        "source",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(task_count=count_of(Task.problems.through.objects, "problem"))
        )

    @admin.display(description=_("tasks"), ordering="task_count")
    def task_count(self, obj):
        return obj.task_count


@admin.register(Target)
class TargetAdmin(PlanChildAdmin):
    list_display = ["indicator", "channel", "baseline", "target_value", "target_date", "achieved"]
    list_filter = ["achieved"]
    search_fields = ["indicator", "target_value", "plan__title", "plan__channel__name"]
    fields = ["plan", "indicator", "baseline", "target_value", "target_date", "achieved", "source"]


class TaskAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        plan = cleaned.get("plan")
        if plan is not None:
            for name in ("problems", "targets"):
                others = [item for item in cleaned.get(name) or [] if item.plan_id != plan.pk]
                if others:
                    self.add_error(
                        name,
                        _("“%(item)s” belongs to another plan.") % {"item": others[0]},
                    )
        return cleaned


@admin.register(Task)
class TaskAdmin(PlanChildAdmin):
    form = TaskAdminForm
    list_display = [
        "content",
        "channel",
        "lead_unit",
        "responsible_person",
        "effective_deadline",
        "status",
        "percent_complete",
        "is_overdue",
    ]
    list_filter = ["status", OverdueFilter, ("lead_unit", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["plan__channel", "lead_unit"]
    search_fields = ["content", "responsible_person", "plan__title", "plan__channel__name"]
    autocomplete_fields = [
        "plan",
        "problems",
        "targets",
        "lead_unit",
        "supporting_units",
        "source",
    ]
    fieldsets = [
        (None, {"fields": ["plan", "content", "quantity", "status", "percent_complete"]}),
        (_("Problems and targets"), {"fields": ["problems", "targets"]}),
        (
            _("Responsibility"),
            {
                "fields": [
                    "lead_unit",
                    "supporting_units",
                    "responsible_person",
                    ("deadline", "extended_deadline"),
                ]
            },
        ),
        (None, {"fields": ["note"]}),
        SOURCE_FIELDSET,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_overdue()

    @admin.display(description=_("deadline"), ordering="effective_deadline")
    def effective_deadline(self, obj):
        return obj.effective_deadline

    @admin.display(description=_("overdue"), boolean=True, ordering="is_overdue")
    def is_overdue(self, obj):
        return obj.is_overdue


@admin.register(Measure)
class MeasureAdmin(PlanChildAdmin):
    list_display = ["name", "channel", "category", "technique", "project", "investment_wan"]
    list_filter = ["category", ("technique", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["plan__channel", "technique", "project"]
    search_fields = ["name", "scale", "funding", "plan__title", "plan__channel__name"]
    autocomplete_fields = ["plan", "technique", "project", "source"]
    fields = [
        "plan",
        "name",
        "category",
        "technique",
        "project",
        "scale",
        "investment_wan",
        "funding",
        "source",
    ]


@admin.register(Responsibility)
class ResponsibilityAdmin(PlanChildAdmin):
    list_display = ["unit", "channel", "duty_excerpt", "person"]
    list_filter = [("unit", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["plan__channel", "unit"]
    search_fields = ["duty", "person", "unit__name", "plan__title", "plan__channel__name"]
    autocomplete_fields = ["plan", "unit", "source"]
    fields = ["plan", "unit", "duty", "person", "source"]

    @admin.display(description=_("duty"))
    def duty_excerpt(self, obj):
        return excerpt(obj.duty)


# --- projects and their monthly progress ---------------------------------------------------


class ProgressReportForm(forms.ModelForm):
    """A report month is stored as the first day of the month: accept any day of it."""

    def clean_month(self):
        month = self.cleaned_data.get("month")
        return month.replace(day=1) if month else month


def fill_reported_by(request, reports):
    for report in reports:
        if report.reported_by_id is None:
            report.reported_by = request.user


class ConstraintMessageFormSet(BaseInlineFormSet):
    """Two rows of one inline that break a unique constraint: say so in the constraint's words
    rather than Django's generic "duplicate data for month" (which names the raw field)."""

    def get_unique_error_message(self, unique_check):
        for constraint in self.model._meta.constraints:
            if (
                isinstance(constraint, UniqueConstraint)
                and set(constraint.fields) == set(unique_check)
                and constraint.violation_error_message != constraint.default_violation_error_message
            ):
                return constraint.get_violation_error_message()
        return super().get_unique_error_message(unique_check)


class ProgressReportInline(admin.TabularInline):
    model = ProgressReport
    form = ProgressReportForm
    formset = ConstraintMessageFormSet
    extra = 1
    ordering = ["-month"]
    fields = [
        "month",
        "percent_complete",
        "investment_this_month_wan",
        "cumulative",
        "note",
        "reported_by",
    ]
    readonly_fields = ["cumulative", "reported_by"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("reported_by")
            .annotate(cumulative_investment_wan=cumulative_investment())
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "note":
            field.widget.attrs.update(rows=1, cols=40)
        return field

    @admin.display(description=_("cumulative investment (10k yuan)"))
    def cumulative(self, obj):
        return money_text(getattr(obj, "cumulative_investment_wan", None))


PROJECT_SUBTYPES = [
    ("interceptionbatch", InterceptionBatch),
    ("pipesurveycampaign", PipeSurveyCampaign),
    ("pipeconstructionbatch", PipeConstructionBatch),
]


class ProjectAdminBase(admin.ModelAdmin):
    """What every project page shares: the project fields, progress derived from the monthly
    reports, and the reports inline."""

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

    @admin.display(description=_("percent complete"), ordering="percent")
    def percent(self, obj):
        return percent_text(getattr(obj, "percent", None))

    @admin.display(
        description=_("cumulative investment (10k yuan)"), ordering="cumulative_investment_wan"
    )
    def cumulative_investment(self, obj):
        return money_text(getattr(obj, "cumulative_investment_wan", None))

    @admin.display(description=_("last report"), ordering="last_report_month")
    def last_report_month(self, obj):
        month = getattr(obj, "last_report_month", None)
        return f"{month:%Y-%m}" if month else EMPTY

    @admin.display(description=_("overdue"), boolean=True, ordering="is_overdue")
    def overdue(self, obj):
        return getattr(obj, "is_overdue", None)


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


class VillageWorkFormSet(ConstraintMessageFormSet):
    """A batch cannot name more villages than the number it declares."""

    def clean(self):
        super().clean()
        declared = getattr(self.instance, "village_count", None)
        if declared is None:
            return
        named = sum(
            1
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not self._should_delete_form(form)
        )
        if named > declared:
            raise ValidationError(
                _(
                    "The batch names %(named)s villages but declares only %(declared)s: "
                    "raise the number of villages or remove names."
                ),
                code="too_many_villages",
                params={"named": named, "declared": declared},
            )


class VillageWorkInline(admin.TabularInline):
    model = VillageWork
    formset = VillageWorkFormSet
    extra = 0
    fields = ["sequence", "name", "pipe_length_m", "note"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "note":
            field.widget.attrs.update(rows=1, cols=40)
        return field


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
            {"fields": ["batch_number", "village_count", "named_villages", "pipe_length_m"]},
        )
    ]
    inlines = [VillageWorkInline, ProgressReportInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(named_count=count_of(VillageWork.objects.all(), "batch"))
        )

    @admin.display(description=_("named villages / declared"), ordering="named_count")
    def named_villages(self, obj):
        if obj is None or obj.pk is None:
            return EMPTY
        return f"{getattr(obj, 'named_count', 0)} / {obj.village_count}"


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

    @admin.display(description=_("share QV-inspected"))
    def qv_share(self, obj):
        return percent_text(obj.qv_share if obj else None)

    @admin.display(description=_("share CCTV-inspected"))
    def cctv_share(self, obj):
        return percent_text(obj.cctv_share if obj else None)


class PipeConstructionBatchForm(forms.ModelForm):
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

    def get_queryset(self, request):
        through = PipeConstructionBatch.renovated_stations.through.objects
        channels = Project.channels.through.objects
        return (
            super()
            .get_queryset(request)
            .annotate(
                named_station_count=count_of(through, "pipeconstructionbatch"),
                channel_count=count_of(channels, "project"),
            )
        )

    @admin.display(description=_("named stations / declared"), ordering="named_station_count")
    def stations(self, obj):
        if obj is None or obj.pk is None:
            return EMPTY
        declared = EMPTY if obj.stations_renovated is None else obj.stations_renovated
        return f"{getattr(obj, 'named_station_count', 0)} / {declared}"

    @admin.display(description=_("channels"), ordering="channel_count")
    def channel_count(self, obj):
        return obj.channel_count


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
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
        "percent_complete",
        "investment_this_month_wan",
        "cumulative",
        "note",
        "reported_by",
        "created_at",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(cumulative_investment_wan=cumulative_investment())
        )

    def save_model(self, request, obj, form, change):
        fill_reported_by(request, [obj])
        super().save_model(request, obj, form, change)

    @admin.display(description=_("month"), ordering="month")
    def month_text(self, obj):
        return f"{obj.month:%Y-%m}"

    @admin.display(
        description=_("cumulative investment (10k yuan)"), ordering="cumulative_investment_wan"
    )
    def cumulative(self, obj):
        return money_text(getattr(obj, "cumulative_investment_wan", None))


class VillageWorkAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        batch = cleaned.get("batch")
        if batch is not None:
            others = batch.villages.exclude(pk=self.instance.pk).count()
            if others + 1 > batch.village_count:
                raise ValidationError(
                    _(
                        "The batch names %(named)s villages but declares only %(declared)s: "
                        "raise the number of villages or remove names."
                    ),
                    code="too_many_villages",
                    params={"named": others + 1, "declared": batch.village_count},
                )
        return cleaned


@admin.register(VillageWork)
class VillageWorkAdmin(admin.ModelAdmin):
    form = VillageWorkAdminForm
    list_display = ["name", "batch", "sequence", "pipe_length_m"]
    list_filter = [("batch", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["batch"]
    search_fields = ["name", "note", "batch__name"]
    autocomplete_fields = ["batch", "source"]
    fields = ["batch", "sequence", "name", "pipe_length_m", "note", "source"]
