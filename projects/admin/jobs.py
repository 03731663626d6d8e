"""Background jobs (``projects.services.jobs``), read-only: what ran, for whom, how it ended,
with a link to the job's page."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from projects.admin.sewers import ReadOnlyAdmin
from projects.models import Job


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "status", "user", "created_at", "finished_at", "progress"]
    list_filter = ["kind", "status"]
    list_select_related = ["user"]
    search_fields = ["message", "user__username"]
    date_hierarchy = "created_at"
    fields = [
        "kind",
        "status",
        "step",
        ("done", "total"),
        "message",
        "user",
        ("created_at", "started_at", "finished_at"),
        "params",
        "result",
        "page",
    ]
    readonly_fields = [
        name for entry in fields for name in (entry if isinstance(entry, tuple) else (entry,))
    ]

    @admin.display(description=_("progress"))
    def progress(self, obj):
        return f"{obj.done} / {obj.total}" if obj.total else "—"

    @admin.display(description=_("job page"))
    def page(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("projects:job", args=[obj.pk]), obj)
