from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from projects.forms.filters import PumpingStationFilter
from projects.models import Channel, PipeConstructionBatch, PipeSurveyCampaign, PumpingStation
from projects.services.queries import as_listed
from projects.services.sewer_condition import coverage_by_method
from projects.tables.pipes import ConstructionBatchTable, PumpingStationTable, SurveyCampaignTable
from projects.tables.sewers import CoverageTable
from projects.views.base import TablesMixin


class PipeNetworkView(LoginRequiredMixin, TablesMixin, TemplateView):
    """The survey campaign (with QV and CCTV shares), construction batches, pumping stations,
    and the length of sewer inspected by each method (from the inspection records)."""

    template_name = "projects/pipes/pipes.html"
    export_name = "pipe-network"

    def get_station_filter(self):
        if not hasattr(self, "_station_filter"):
            self._station_filter = PumpingStationFilter(
                self.request.GET or None,
                queryset=PumpingStation.objects.select_related(
                    "street", "maintaining_unit", "channel"
                ).prefetch_related("construction_batches"),
                request=self.request,
                prefix="stations",
            )
        return self._station_filter

    def build_tables(self):
        return {
            "survey": SurveyCampaignTable(PipeSurveyCampaign.objects.with_progress()),
            "construction": ConstructionBatchTable(
                PipeConstructionBatch.objects.for_table().prefetch_related(
                    as_listed("renovated_stations", PumpingStation),
                    as_listed("channels", Channel),
                )
            ),
            "stations": PumpingStationTable(self.get_station_filter().qs),
            "coverage": CoverageTable(self.get_coverage()),
        }

    def get_coverage(self):
        if not hasattr(self, "_coverage"):
            self._coverage = coverage_by_method()
        return self._coverage

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["station_filter"] = self.get_station_filter()
        # Without inspection records the coverage is 0 km beside the campaign's figures from
        # the source (e.g. 136 km by CCTV): the page says why instead of showing the zeros.
        # The campaigns are the survey table's own rows, already fetched for the page.
        context["coverage_empty"] = not self.get_coverage()[-1]["segments"]
        if context["coverage_empty"]:
            context["campaigns"] = [row.record for row in context["tables"]["survey"].page]
        return context
