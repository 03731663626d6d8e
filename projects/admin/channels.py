"""Drainage channels and pumping stations."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from projects.admin.audit import HistoryAdmin
from projects.admin.base import SOURCE_FIELDSET, column
from projects.admin.map import place_on_map
from projects.admin.water import regrade_selected
from projects.models import Channel, Project, PumpingStation
from projects.services.queries import count_of


@admin.register(Channel)
class ChannelAdmin(HistoryAdmin):
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
    actions = [regrade_selected]
    fieldsets = [
        (None, {"fields": ["name", "code", "street", "location", "receiving_water"]}),
        (_("Condition"), {"fields": ["length_km", "condition", "condition_note", "target"]}),
        (_("Maintenance"), {"fields": ["maintaining_unit"]}),
        (_("Map"), {"fields": ["place_on_map"]}),
        SOURCE_FIELDSET,
    ]

    readonly_fields = ["place_on_map"]
    has_plan = column("has_plan", _("has a plan"), boolean=True)
    place_on_map = place_on_map
    project_count = column("project_count", _("projects"))

    def get_queryset(self, request):
        # The figures of ``for_list()``, counted without a GROUP BY (see ``count_of``).
        return (
            super()
            .get_queryset(request)
            .with_plan_flag()
            .annotate(project_count=count_of(Project.channels.through.objects, "channel"))
        )


@admin.register(PumpingStation)
class PumpingStationAdmin(HistoryAdmin):
    list_display = ["name", "street", "maintaining_unit", "channel"]
    list_filter = [
        ("street", admin.RelatedOnlyFieldListFilter),
        ("maintaining_unit", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["street", "maintaining_unit", "channel"]
    search_fields = ["name", "channel__name", "street__name"]
    autocomplete_fields = ["street", "maintaining_unit", "channel", "source"]
    fields = ["name", "street", "maintaining_unit", "channel", "note", "place_on_map", "source"]
    readonly_fields = ["place_on_map"]
    place_on_map = place_on_map
