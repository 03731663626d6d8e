"""The one-river-one-policy plan with its five lists inline, and each list on its own page."""

from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html, format_html_join
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
    OverdueFilter,
    TextareaSizes,
    column,
    excerpt,
)
from projects.admin.photos import PhotoFormSet, PhotoInline
from projects.models import Measure, Photo, Plan, Problem, Responsibility, Target, Task
from projects.services.photos import check_measure_acceptance
from projects.services.queries import count_of, photos_of

# What a task's status needs (see ``Task.clean``): a completion note or evidence to be completed,
# a reason to ask for an extension.
COMPLETION_FIELDS = ["completion_note", "evidence", "extension_reason"]


class LinkedFile:
    """A stored file as the file input shows it, linked to ``url``."""

    def __init__(self, file, url):
        self.file, self.url = file, url

    def __str__(self):
        return str(self.file)


class EvidenceInput(AdminFileWidget):
    """The evidence is never served from a public media URL: link the current file to the
    site's evidence view (logged-in users only) instead."""

    def __init__(self, url, attrs=None):
        super().__init__(attrs)
        self.url = url

    def format_value(self, value):
        value = super().format_value(value)
        return LinkedFile(value, self.url) if value else value


class TaskEvidence:
    """For the task forms: the evidence link goes through the site's evidence view."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "evidence" in self.fields:
            field = self.fields["evidence"]
            field.widget = EvidenceInput(reverse("projects:task-evidence", args=[self.instance.pk]))
            field.widget.is_required = field.required


class PlanListInline:
    """Shared set-up of the five plan lists."""

    form = AdminForm
    extra = 0
    show_change_link = True


class ProblemInline(PlanListInline, TextareaSizes, admin.StackedInline):
    """Stacked: a problem's description and cause are paragraphs, too long for a table cell."""

    model = Problem
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("title", "category"),
                    ("how_found", "severity"),
                    "location",
                    "description",
                    "cause",
                ]
            },
        )
    ]
    textarea_sizes = {"description": (3, 60), "cause": (2, 60)}


class TargetInline(PlanListInline, admin.TabularInline):
    model = Target
    fields = ["indicator", "baseline", "target_value", "target_date", "achieved"]


class TaskInlineForm(TaskEvidence, VersionedInlineForm):
    pass


class TaskInline(VersionedFields, PlanListInline, admin.StackedInline):
    """Tasks link to the problems and targets of the same plan only. A task someone else saved
    after the page was opened is refused if changed here (see ``audit``)."""

    model = Task
    form = TaskInlineForm
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
        (None, {"fields": COMPLETION_FIELDS}),
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


class MeasurePhotoFormSet(PhotoFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        check_measure_acceptance(self.instance, self.phases())


class MeasurePhotoInline(PhotoInline):
    formset = MeasurePhotoFormSet


class MeasureInlineForm(AdminForm):
    """On the plan's page a measure's photos cannot be added: accepting one needs the photos
    it already has."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Measure.Status.ACCEPTED and not self.errors:
            # The instance is updated from the form only after clean(): judge a copy.
            measure = Measure(
                name=cleaned.get("name", self.instance.name),
                technique=cleaned.get("technique"),
                status=cleaned["status"],
            )
            existing = self.instance.photos.all() if self.instance.pk else Photo.objects.none()
            try:
                check_measure_acceptance(measure, list(existing.values_list("phase", flat=True)))
            except ValidationError as error:
                self.add_error("status", error)
        return cleaned


class MeasureInline(PlanListInline, admin.TabularInline):
    model = Measure
    form = MeasureInlineForm
    fields = [
        "name",
        "category",
        "technique",
        "project",
        "scale",
        "investment_wan",
        "funding",
        "status",
    ]
    autocomplete_fields = ["technique", "project"]


class ResponsibilityInline(PlanListInline, TextareaSizes, admin.TabularInline):
    model = Responsibility
    fields = ["unit", "duty", "person"]
    autocomplete_fields = ["unit"]
    textarea_sizes = {"duty": (2, 50)}


@admin.register(Plan)
class PlanAdmin(HistoryAdmin):
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

    problem_count = column("problem_count", _("problems"))
    task_count = column("task_count", _("tasks"))
    open_task_count = column("open_task_count", _("open tasks"))

    def get_queryset(self, request):
        # The channel too: a plan the article gives no title is named after its channel
        # (Plan.__str__), in the changelist and in the plan autocomplete of the five lists.
        return (
            super()
            .get_queryset(request)
            .select_related("channel")
            .annotate(
                problem_count=count_of(Problem.objects.all(), "plan"),
                task_count=count_of(Task.objects.all(), "plan"),
                open_task_count=count_of(Task.objects.exclude(status=Task.Status.DONE), "plan"),
            )
        )

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


class PlanChildAdmin(HistoryAdmin):
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
        "plant",
        "source",
    ]
    autocomplete_fields = [*PlanChildAdmin.autocomplete_fields, "plant"]

    task_count = column("task_count", _("tasks"))

    def get_queryset(self, request):
        # ``Problem.objects.with_task_count()``, counted without a GROUP BY (see ``count_of``).
        return (
            super()
            .get_queryset(request)
            .annotate(task_count=count_of(Task.problems.through.objects, "problem"))
        )


@admin.register(Target)
class TargetAdmin(PlanChildAdmin):
    list_display = ["indicator", "channel", "baseline", "target_value", "target_date", "achieved"]
    list_filter = ["achieved"]
    search_fields = ["indicator", "target_value", "plan__title", "plan__channel__name"]
    fields = ["plan", "indicator", "baseline", "target_value", "target_date", "achieved", "source"]


class TaskAdminForm(TaskEvidence, VersionedAdminForm):
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
class TaskAdmin(VersionedFields, PlanChildAdmin):
    form = TaskAdminForm
    actions = ["mark_in_progress"]
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
        (_("Completion and extension"), {"fields": COMPLETION_FIELDS}),
        SOURCE_FIELDSET,
    ]

    effective_deadline = column("effective_deadline", _("deadline"))
    is_overdue = column("is_overdue", _("overdue"), boolean=True)

    def get_queryset(self, request):
        return super().get_queryset(request).with_overdue()

    @admin.action(description=_("Mark selected tasks in progress"), permissions=["change"])
    def mark_in_progress(self, request, queryset):
        """推进中, for the selected tasks not completed (nor already in progress)."""
        selected = list(queryset.values_list("pk", flat=True))
        with transaction.atomic():
            tasks = list(
                Task.objects.select_for_update()
                .filter(pk__in=selected)
                .exclude(status__in=[Task.Status.DONE, Task.Status.IN_PROGRESS])
                .order_by("pk")
            )
            for task in tasks:
                task.status = Task.Status.IN_PROGRESS
            save_in_bulk(request, Task, tasks, ["status"], _("Marked in progress in bulk"))
        changed, unchanged = len(tasks), len(selected) - len(tasks)
        self.message_user(
            request,
            ngettext(
                "%(count)d task marked in progress.", "%(count)d tasks marked in progress.", changed
            )
            % {"count": changed},
            messages.SUCCESS if changed else messages.WARNING,
        )
        if unchanged:
            self.message_user(
                request,
                ngettext(
                    "%(count)d task left as it was: already completed or in progress.",
                    "%(count)d tasks left as they were: already completed or in progress.",
                    unchanged,
                )
                % {"count": unchanged},
                messages.INFO,
            )


@admin.register(Measure)
class MeasureAdmin(PlanChildAdmin):
    """A measure with its before/after photos: a 微孔曝气 or 生态浮岛 measure is accepted only
    with both (checked by the photo inline, so photos added in the same save count)."""

    list_display = [
        "name",
        "channel",
        "category",
        "technique",
        "project",
        "investment_wan",
        "status",
        "photo_count",
    ]
    list_filter = ["category", "status", ("technique", admin.RelatedOnlyFieldListFilter)]
    inlines = [MeasurePhotoInline]
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
        "status",
        "source",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(photo_total=count_of(photos_of(Measure), "object_id"))
        )

    @admin.display(description=_("photos"), ordering="photo_total")
    def photo_count(self, measure):
        return measure.photo_total


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
