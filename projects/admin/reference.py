"""Reference data: source paragraphs, responsible units, techniques and policies."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from projects.admin.audit import HistoryAdmin
from projects.admin.base import column, excerpt
from projects.models import Policy, Project, ResponsibleUnit, SourceParagraph, Task, Technique
from projects.services.queries import count_of


@admin.register(SourceParagraph)
class SourceParagraphAdmin(HistoryAdmin):
    list_display = ["key", "article", "number", "text_excerpt"]
    list_filter = ["article"]
    search_fields = ["key", "article", "text"]
    ordering = ["article", "number"]

    @admin.display(description=_("text"))
    def text_excerpt(self, obj):
        return excerpt(obj.text, 80)


@admin.register(ResponsibleUnit)
class ResponsibleUnitAdmin(HistoryAdmin):
    list_display = ["name", "kind", "led_project_count", "led_task_count"]
    list_filter = ["kind"]
    search_fields = ["name", "note"]
    autocomplete_fields = ["source"]
    fields = ["name", "kind", "note", "source"]

    led_project_count = column("led_project_count", _("projects led"))
    led_task_count = column("led_task_count", _("tasks led"))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                led_project_count=count_of(Project.objects.all(), "lead_unit"),
                led_task_count=count_of(Task.objects.all(), "lead_unit"),
            )
        )


@admin.register(Technique)
class TechniqueAdmin(HistoryAdmin):
    list_display = ["name", "description_excerpt", "project_count"]
    search_fields = ["name", "description"]

    project_count = column("project_count", _("projects"))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(project_count=count_of(Project.techniques.through.objects, "technique"))
        )

    @admin.display(description=_("description"))
    def description_excerpt(self, obj):
        return excerpt(obj.description)


@admin.register(Policy)
class PolicyAdmin(HistoryAdmin):
    list_display = ["title", "kind", "stream", "issued_by"]
    list_filter = ["kind", "stream"]
    list_select_related = ["issued_by"]
    search_fields = ["title", "summary", "issued_by__name"]
    autocomplete_fields = ["issued_by", "source"]
    fields = ["title", "kind", "stream", "issued_by", "summary", "source"]
