"""The sewer network's projects: the survey campaign and the pipe-construction batches."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from projects.admin.base import (
    EMPTY,
    AdminForm,
    column,
    percent_text,
)
from projects.admin.works import ProjectAdminBase
from projects.models import (
    PipeConstructionBatch,
    PipeSurveyCampaign,
    Project,
    Stream,
)
from projects.services.queries import count_of


@admin.register(PipeSurveyCampaign)
class PipeSurveyCampaignAdmin(ProjectAdminBase):
    list_display = [
        "name",
        "status",
        "surveyed_km",
        "qv_km",
        "cctv_km",
        "investment_wan",
        "percent",
        "overdue",
    ]
    readonly_fields = [*ProjectAdminBase.readonly_fields, "qv_share", "cctv_share"]
    default_stream = Stream.SURVEY
    detail_fieldsets = [
        (
            _("Survey"),
            {
                "fields": [
                    "surveyed_km",
                    ("qv_km", "qv_share"),
                    ("cctv_km", "cctv_share"),
                    "outcome",
                ]
            },
        )
    ]

    @admin.display(description=_("QV length ÷ surveyed length (derived)"))
    def qv_share(self, obj):
        return percent_text(obj.qv_share if obj else None)

    @admin.display(description=_("CCTV length ÷ surveyed length (derived)"))
    def cctv_share(self, obj):
        return percent_text(obj.cctv_share if obj else None)


class PipeConstructionBatchForm(AdminForm):
    def clean(self):
        cleaned = super().clean()
        declared = cleaned.get("stations_renovated")
        named = cleaned.get("renovated_stations")
        if declared is not None and named is not None and len(named) > declared:
            self.add_error(
                "renovated_stations",
                _(
                    "The batch names %(named)s pumping stations but declares only "
                    "%(declared)s renovated."
                )
                % {"named": len(named), "declared": declared},
            )
        return cleaned


@admin.register(PipeConstructionBatch)
class PipeConstructionBatchAdmin(ProjectAdminBase):
    form = PipeConstructionBatchForm
    list_display = [
        "batch_number",
        "name",
        "status",
        "new_pipe_km",
        "stations",
        "channel_count",
        "investment_wan",
        "percent",
        "overdue",
    ]
    list_display_links = ["batch_number", "name"]
    list_filter = [*ProjectAdminBase.list_filter, "channel_list_partial"]
    autocomplete_fields = [*ProjectAdminBase.autocomplete_fields, "renovated_stations"]
    readonly_fields = [*ProjectAdminBase.readonly_fields, "stations"]
    default_stream = Stream.BUILD
    detail_fieldsets = [
        (
            _("Construction batch"),
            {
                "fields": [
                    "batch_number",
                    "new_pipe_km",
                    "stations_renovated",
                    "renovated_stations",
                    "stations",
                    "channel_list_partial",
                ]
            },
        )
    ]

    channel_count = column("channel_count", _("channels"))

    def get_queryset(self, request):
        # The counts of ``for_table()``, without a GROUP BY (see ``count_of``).
        return (
            super()
            .get_queryset(request)
            .annotate(
                named_station_count=count_of(
                    PipeConstructionBatch.renovated_stations.through.objects,
                    "pipeconstructionbatch",
                ),
                channel_count=count_of(Project.channels.through.objects, "project"),
            )
        )

    @admin.display(description=_("named stations / declared"), ordering="named_station_count")
    def stations(self, obj):
        if obj is None or obj.pk is None:
            return EMPTY
        declared = EMPTY if obj.stations_renovated is None else obj.stations_renovated
        return f"{getattr(obj, 'named_station_count', 0)} / {declared}"
