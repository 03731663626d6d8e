"""The admin of the complaints models: complaints with their steps (read-only: the site's
closed loop records them), and each step with its photos."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from projects.admin.audit import HistoryAdmin, ReadOnlyHistory, VersionedAdminForm, VersionedFields
from projects.admin.base import OverdueFilter, admin_change_link, excerpt
from projects.admin.photos import PhotoInline
from projects.models import Complaint, ComplaintReport, ComplaintStep, Problem
from projects.services.complaint_queries import with_overdue
from projects.services.complaint_reports import first_report_fields
from projects.services.queries import count_of, photos_of


class ComplaintStepInline(admin.TabularInline):
    """The loop's steps as recorded: who took which step when. Read-only here; a step's
    photos are on its own page."""

    model = ComplaintStep
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["stage", "user", "at", "recorded_at", "note"]
    readonly_fields = fields
    ordering = ["at", "pk"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


class ComplaintAdminForm(VersionedAdminForm):
    """Refused when someone saved the complaint (or took a step) after it was opened. The plan
    problem is chosen among the plans' problems, each shown with its channel (the model
    refuses one of another channel); the time received cannot move after the next step."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "problem" in self.fields:
            field = self.fields["problem"]
            field.queryset = Problem.objects.select_related("plan__channel").order_by(
                "plan__channel__name", "pk"
            )
            field.label_from_instance = lambda problem: (
                f"{problem.plan.channel.name} · {problem.title}"
            )

    def clean_received_at(self):
        received_at = self.cleaned_data.get("received_at")
        if received_at is None or self.instance.pk is None:
            return received_at
        later = (
            self.instance.steps.exclude(stage=Complaint.Stage.FOUND).order_by("at", "pk").first()
        )
        if later is not None and received_at > later.at:
            raise forms.ValidationError(
                _("It cannot have been received after its step %(step)s (%(time)s).")
                % {
                    "step": later.get_stage_display(),
                    "time": date_format(timezone.localtime(later.at), "DATETIME_FORMAT"),
                }
            )
        return received_at


@admin.register(Complaint)
class ComplaintAdmin(VersionedFields, HistoryAdmin):
    form = ComplaintAdminForm
    list_display = [
        "number",
        "received_at",
        "source",
        "location",
        "assigned_unit",
        "deadline",
        "stage",
        "overdue",
        "handled_at",
        "satisfaction",
        "closed_at",
    ]
    list_filter = [
        "stage",
        "source",
        OverdueFilter,
        ("assigned_unit", admin.RelatedOnlyFieldListFilter),
        "satisfaction",
    ]
    list_select_related = ["assigned_unit"]
    search_fields = ["number", "location", "description", "complainant", "contact"]
    autocomplete_fields = ["channel", "outfall", "assigned_unit"]
    # The loop's own fields move only through the site's steps (发现 → … → 考核), each recorded
    # with its user and time; here they are shown, not edited.
    readonly_fields = [
        "number",
        "stage",
        "handled_at",
        "closed_at",
        "assessment_deduction",
        "created_by",
    ]
    date_hierarchy = "received_at"
    inlines = [ComplaintStepInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "source",
                    "received_at",
                    ("complainant", "contact"),
                    "location",
                    "geometry",
                    "channel",
                    "outfall",
                    "problem",
                    "description",
                    "stage",
                ]
            },
        ),
        (_("Dispatch"), {"fields": ["assigned_unit", "deadline"]}),
        (_("Handling"), {"fields": ["action_taken", "cause", "handled_at"]}),
        (_("Evaluation and assessment"), {"fields": ["satisfaction", "assessment_deduction"]}),
        (None, {"fields": ["closed_at", "created_by"]}),
    ]

    def get_queryset(self, request):
        return with_overdue(super().get_queryset(request))

    @admin.display(description=_("overdue"), boolean=True, ordering="is_overdue")
    def overdue(self, complaint):
        return complaint.is_overdue

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            # Recorded here, it was found here: its first step, like the site's, when received.
            ComplaintStep.objects.create(
                complaint=obj, stage=Complaint.Stage.FOUND, user=request.user, at=obj.received_at
            )
            # And its first report, from its own fields (every case has one at least).
            ComplaintReport.objects.create(
                complaint=obj, created_by=request.user, **first_report_fields(obj)
            )
        elif "received_at" in form.changed_data:
            # The 发现 step happened when the complaint was received.
            obj.steps.filter(stage=Complaint.Stage.FOUND).update(at=obj.received_at)


@admin.register(ComplaintStep)
class ComplaintStepAdmin(ReadOnlyHistory, HistoryAdmin):
    list_display = [
        "complaint_link",
        "stage",
        "user",
        "at",
        "recorded_at",
        "note_excerpt",
        "photo_count",
    ]
    list_filter = ["stage"]
    list_select_related = ["complaint", "user"]
    search_fields = ["complaint__number", "complaint__location", "note"]
    date_hierarchy = "at"
    fields = ["complaint", "stage", "user", "at", "recorded_at", "note"]
    # A step is the record of who moved a complaint on, when: made by the site's loop only;
    # here its note can be corrected and photos added.
    readonly_fields = ["complaint", "stage", "user", "at", "recorded_at"]
    inlines = [PhotoInline]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        photos = count_of(photos_of(ComplaintStep), "object_id")
        return super().get_queryset(request).annotate(photo_total=photos)

    @admin.display(description=_("complaint"), ordering="complaint__number")
    def complaint_link(self, step):
        return admin_change_link(step.complaint, step.complaint.number)

    @admin.display(description=_("note"))
    def note_excerpt(self, step):
        return excerpt(step.note)

    @admin.display(description=_("photos"), ordering="photo_total")
    def photo_count(self, step):
        return step.photo_total
