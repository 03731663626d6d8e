"""The admin of the patrols models: the stations' fixed posts and the patrol records with their
photos."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from projects.admin.audit import HistoryAdmin
from projects.admin.base import column, excerpt
from projects.admin.photos import PhotoInline
from projects.admin.sewers import ReadOnlyAdmin
from projects.models import PatrolPost, PatrolRecord
from projects.models.patrols import PostChannelPatrol
from projects.services.queries import count_of, photos_of


@admin.register(PatrolPost)
class PatrolPostAdmin(HistoryAdmin):
    list_display = [
        "name",
        "station",
        "person_on_post",
        "phone",
        "interval_days",
        "active",
        "channel_count",
        "record_count",
    ]
    list_filter = ["active", ("station", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["station"]
    search_fields = ["name", "station__name", "person_on_post", "phone"]
    # The station list is limited to municipal stations by the model (limit_choices_to), in
    # the autocomplete too.
    autocomplete_fields = ["station", "channels", "pumping_stations"]
    fields = [
        "station",
        "name",
        "person_on_post",
        "phone",
        "channels",
        "pumping_stations",
        "interval_days",
        "active",
        "note",
    ]

    channel_count = column("channel_count", _("channels covered"))
    record_count = column("record_count", _("patrols"))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                channel_count=count_of(PatrolPost.channels.through.objects, "patrolpost"),
                record_count=count_of(PatrolRecord.objects.all(), "post"),
            )
        )


class PatrolPhotoInline(PhotoInline):
    extra = 0


class HasFindingFilter(admin.SimpleListFilter):
    title = _("has a finding")
    parameter_name = "finding"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(findings="")
        if self.value() == "no":
            return queryset.filter(findings="")
        return queryset


@admin.register(PatrolRecord)
class PatrolRecordAdmin(HistoryAdmin):
    list_display = [
        "patrolled_at",
        "post",
        "place",
        "kind",
        "patroller",
        "findings_excerpt",
        "photo_count",
        "problem",
        "complaint",
    ]
    list_filter = [
        "kind",
        HasFindingFilter,
        ("post__station", admin.RelatedOnlyFieldListFilter),
        ("post", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["post__station", "channel", "pumping_station", "problem", "complaint"]
    search_fields = [
        "findings",
        "action_taken",
        "patroller",
        "post__name",
        "post__station__name",
        "channel__name",
        "pumping_station__name",
    ]
    date_hierarchy = "patrolled_at"
    autocomplete_fields = ["post", "channel", "pumping_station", "problem"]
    raw_id_fields = ["complaint"]
    readonly_fields = ["recorded_by", "created_at"]
    fields = [
        "post",
        "channel",
        "pumping_station",
        "kind",
        "patrolled_at",
        "patroller",
        "findings",
        "action_taken",
        "problem",
        "complaint",
        "recorded_by",
        "created_at",
    ]
    inlines = [PatrolPhotoInline]

    photo_count = column("photo_total", _("photos"))

    def get_queryset(self, request):
        photos = count_of(photos_of(PatrolRecord), "object_id")
        return super().get_queryset(request).annotate(photo_total=photos)

    @admin.display(description=_("place"), ordering="channel__name")
    def place(self, record):
        return record.channel or record.pumping_station or "-"

    @admin.display(description=_("findings"))
    def findings_excerpt(self, record):
        return excerpt(record.findings)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PostChannelPatrol)
class PostChannelPatrolAdmin(ReadOnlyAdmin):
    """Each post's latest patrol of each channel: kept from the records, shown to check."""

    list_display = ["post", "channel", "last_patrolled_at"]
    list_filter = [("post__station", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["post__station", "channel"]
    search_fields = ["post__name", "post__station__name", "channel__name"]
    fields = ["post", "channel", "last_patrolled_at"]
