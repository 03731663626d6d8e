"""The admin of the river chiefs: the chiefs with their terms on the channels, and their
inspections with photos."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.admin.audit import HistoryAdmin
from projects.admin.base import AdminForm, column, excerpt
from projects.admin.photos import PhotoInline
from projects.models import ChiefAssignment, ChiefInspection, RiverChief
from projects.models.base import count_of
from projects.services.queries import photos_of


class ChiefAssignmentInline(admin.TabularInline):
    model = ChiefAssignment
    form = AdminForm
    extra = 1
    fields = ["channel", "level", "term_start", "term_end"]
    autocomplete_fields = ["channel"]


@admin.register(RiverChief)
class RiverChiefAdmin(HistoryAdmin):
    list_display = ["name", "position", "phone", "term_count", "inspection_count"]
    search_fields = ["name", "position", "phone"]
    fields = ["name", "position", "phone", "note"]
    inlines = [ChiefAssignmentInline]

    term_count = column("term_count", _("terms"))
    inspection_count = column("inspection_count", pgettext_lazy("river chief", "inspections"))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                term_count=count_of(ChiefAssignment.objects.all(), "chief"),
                inspection_count=count_of(ChiefInspection.objects.all(), "chief"),
            )
        )


@admin.register(ChiefAssignment)
class ChiefAssignmentAdmin(HistoryAdmin):
    list_display = ["chief", "channel", "level", "term_start", "term_end"]
    list_filter = ["level"]
    list_select_related = ["chief", "channel"]
    search_fields = ["chief__name", "channel__name"]
    autocomplete_fields = ["chief", "channel"]
    fields = ["chief", "channel", "level", "term_start", "term_end"]


class InspectionPhotoInline(PhotoInline):
    extra = 0


@admin.register(ChiefInspection)
class ChiefInspectionAdmin(HistoryAdmin):
    list_display = [
        "inspected_on",
        "chief",
        "channel",
        "duration_minutes",
        "problems_excerpt",
        "photo_count",
    ]
    list_select_related = ["chief", "channel"]
    search_fields = ["chief__name", "channel__name", "problems_found"]
    date_hierarchy = "inspected_on"
    autocomplete_fields = ["chief", "channel"]
    readonly_fields = ["recorded_by", "created_at"]
    fields = [
        "chief",
        "channel",
        "inspected_on",
        "duration_minutes",
        "problems_found",
        "recorded_by",
        "created_at",
    ]
    inlines = [InspectionPhotoInline]

    photo_count = column("photo_total", _("photos"))

    def get_queryset(self, request):
        photos = count_of(photos_of(ChiefInspection), "object_id")
        return super().get_queryset(request).annotate(photo_total=photos)

    @admin.display(description=_("problems found"))
    def problems_excerpt(self, inspection):
        return excerpt(inspection.problems_found)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
