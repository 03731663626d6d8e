"""Water quality: sampling points with their samples, the samples on their own, and the
black-odour judgements computed from them (read-only), with the action that recomputes them."""

from django.conf import settings
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from projects.admin.audit import HistoryAdmin
from projects.admin.base import EMPTY, AdminForm, admin_change_link, column
from projects.admin.map import place_on_map
from projects.models import Job, Judgement, Sample, SamplingPoint
from projects.services import jobs
from projects.services.queries import count_of
from projects.services.water_quality import (
    deviation_labels,
    grade_sample,
    regrade_channels,
    rounds_text,
)

READINGS = ["transparency_cm", "do_mg_l", "orp_mv", "nh3n_mg_l"]


def grade_label(value):
    return Judgement.Grade(value).label if value else EMPTY


@admin.action(
    description=_("Regrade the black-odour condition from the samples"), permissions=["change"]
)
def regrade_selected(modeladmin, request, queryset):
    """For ChannelAdmin: judge the selected channels from their latest sampling rounds; a
    selection of ``JOB_ACTION_ITEMS`` channels or more (setting) in a background job."""
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    if len(ids) >= settings.JOB_ACTION_ITEMS:
        every = len(ids) == queryset.model._default_manager.count()
        job = jobs.start(Job.Kind.REGRADE, request.user, channels=None if every else ids)
        return redirect("projects:job", pk=job.pk)
    written = regrade_channels(ids)
    modeladmin.message_user(
        request,
        ngettext("%(count)d new judgement written.", "%(count)d new judgements written.", written)
        % {"count": written}
        if written
        else _("No judgement changed: no channel has new samples that change its grade."),
        messages.SUCCESS if written else messages.INFO,
    )


class SampleInline(admin.TabularInline):
    model = Sample
    form = AdminForm
    extra = 1
    ordering = ["-sampled_at"]
    fields = ["sampled_at", *READINGS, "depth_cm", "lab"]
    show_change_link = True


@admin.register(SamplingPoint)
class SamplingPointAdmin(HistoryAdmin):
    list_display = ["name", "channel", "position", "chainage_m", "sequence", "sample_count"]
    list_filter = [("channel", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["channel"]
    search_fields = ["name", "position", "channel__name"]
    autocomplete_fields = ["channel", "outfall"]
    fields = ["channel", "name", "position", "chainage_m", "sequence", "outfall", "place_on_map"]
    readonly_fields = ["place_on_map"]
    place_on_map = place_on_map
    inlines = [SampleInline]

    sample_count = column("sample_count", _("samples"))

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(sample_count=count_of(Sample.objects, "point"))
        )


@admin.register(Sample)
class SampleAdmin(HistoryAdmin):
    list_display = [
        "sampled_at",
        "point_name",
        "channel",
        *READINGS,
        "depth_cm",
        "reading_grade",
        "lab",
    ]
    list_filter = ["point__channel", "lab"]
    list_select_related = ["point__channel"]
    date_hierarchy = "sampled_at"
    search_fields = ["point__name", "point__channel__name", "lab"]
    autocomplete_fields = ["point"]
    raw_id_fields = ["import_batch"]
    readonly_fields = ["reading_grade"]
    fields = ["point", "sampled_at", *READINGS, "depth_cm", "reading_grade", "lab", "import_batch"]

    @admin.display(description=_("sampling point"), ordering="point__name")
    def point_name(self, obj):
        return obj.point.name

    @admin.display(description=_("channel"), ordering="point__channel__name")
    def channel(self, obj):
        return obj.point.channel

    @admin.display(description=_("reading grade"))
    def reading_grade(self, obj):
        if obj is None or obj.pk is None:
            return EMPTY
        graded = grade_sample(
            obj.transparency_cm, obj.do_mg_l, obj.orp_mv, obj.nh3n_mg_l, obj.depth_cm
        )
        return grade_label(graded.overall.value_name)


@admin.register(Judgement)
class JudgementAdmin(admin.ModelAdmin):
    """Computed by ``projects.services.water_quality``: shown, never edited (a new one replaces
    it)."""

    list_display = [
        "channel",
        "grade",
        "rounds_list",
        "point_count",
        "sample_count",
        "deviation_list",
        "computed_at",
    ]
    list_filter = ["grade", ("channel", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["channel"]
    date_hierarchy = "computed_at"
    search_fields = ["channel__name"]
    fields = [
        "channel",
        "grade",
        "rounds_list",
        "points",
        "sample_count",
        "deviation_list",
        "computed_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("deviations from the guide"))
    def deviation_list(self, obj):
        return "；".join(str(label) for label in deviation_labels(obj.deviations)) or EMPTY

    @admin.display(description=_("rounds"))
    def rounds_list(self, obj):
        return rounds_text(obj.rounds) or EMPTY

    @admin.display(description=_("points"))
    def point_count(self, obj):
        return len(obj.point_grades)

    @admin.display(description=_("grade of each point"))
    def points(self, obj):
        ids = [int(pk) for pk in obj.point_grades if pk.isdigit()]
        named = {str(p.pk): p for p in SamplingPoint.objects.filter(pk__in=ids)}
        rows = [
            (admin_change_link(named[pk], named[pk].name) if pk in named else pk, grade_label(g))
            for pk, g in obj.point_grades.items()
        ]
        return format_html_join(", ", "{}: {}", rows) if rows else EMPTY

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
