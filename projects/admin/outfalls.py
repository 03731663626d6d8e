"""Outfalls with their photos, and treatment plants with their outfall and problem counts."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from projects.admin.audit import HistoryAdmin
from projects.admin.base import column
from projects.admin.photos import PhotoInline
from projects.models import Outfall, Problem, TreatmentPlant
from projects.services.queries import count_of


class OutfallPhotoInline(PhotoInline):
    extra = 0


@admin.register(Outfall)
class OutfallAdmin(HistoryAdmin):
    list_display = ["code", "channel", "place", "kind", "size", "status", "plant"]
    list_filter = [
        "status",
        "kind",
        "dry_weather_discharge",
        ("plant", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["channel", "plant"]
    search_fields = ["code", "place", "channel__name"]
    autocomplete_fields = ["channel", "plant", "problems", "measures"]
    fieldsets = [
        (None, {"fields": ["code", "channel", "place", "geometry", "kind", "size"]}),
        (_("What flows"), {"fields": ["dry_weather_discharge", "colour", "smell"]}),
        (_("Remediation"), {"fields": ["status", "plant", "problems", "measures", "note"]}),
    ]
    inlines = [OutfallPhotoInline]


@admin.register(TreatmentPlant)
class TreatmentPlantAdmin(HistoryAdmin):
    list_display = ["name", "capacity_t_d", "current_load_t_d", "outfall_count", "problem_count"]
    search_fields = ["name", "note"]
    fields = ["name", "capacity_t_d", "current_load_t_d", "note"]

    outfall_count = column("outfall_count", _("outfalls"))
    problem_count = column("problem_count", _("problems"))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                outfall_count=count_of(Outfall.objects.all(), "plant"),
                problem_count=count_of(Problem.objects.all(), "plant"),
            )
        )
