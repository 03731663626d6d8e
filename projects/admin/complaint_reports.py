"""The reports of the complaint cases: each kept with its reporter, source and, for an
inspection referral, its inspecting body and case number."""

from django.contrib import admin

from projects.admin.audit import HistoryAdmin
from projects.models import ComplaintReport


@admin.register(ComplaintReport)
class ComplaintReportAdmin(HistoryAdmin):
    list_display = [
        "complaint",
        "source",
        "received_at",
        "reporter",
        "inspecting_body",
        "case_number",
    ]
    list_filter = ["source"]
    list_select_related = ["complaint"]
    search_fields = [
        "complaint__number",
        "complaint__location",
        "reporter",
        "contact",
        "inspecting_body",
        "case_number",
        "content",
    ]
    autocomplete_fields = ["complaint"]
    readonly_fields = ["created_by", "recorded_at"]
    date_hierarchy = "received_at"
    fields = [
        "complaint",
        "source",
        "received_at",
        ("reporter", "contact"),
        ("inspecting_body", "case_number"),
        "content",
        "created_by",
        "recorded_at",
    ]
