from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from projects.forms.filters import BatchFilter
from projects.models import InterceptionBatch, ProgressReport
from projects.services.access import scope_of
from projects.tables.interception import BatchTable, VillageTable
from projects.tables.works import ProgressReportTable
from projects.views.base import ListPage, TablesMixin


class BatchListView(ListPage):
    """Old-village interception batches with a totals row."""

    model = InterceptionBatch
    table_class = BatchTable
    filterset_class = BatchFilter
    template_name = "projects/interception/batch_list.html"
    export_name = "interception-batches"

    def get_queryset(self):
        return InterceptionBatch.objects.for_table()


class BatchDetailView(LoginRequiredMixin, TablesMixin, TemplateView):
    template_name = "projects/interception/batch_detail.html"

    @property
    def export_name(self):
        return f"interception-batch-{self.kwargs['pk']}"

    def get_batch(self):
        if not hasattr(self, "_batch"):
            self._batch = get_object_or_404(
                InterceptionBatch.objects.with_progress()
                .select_related("lead_unit", "contractor", "source")
                .annotate(
                    named_count=Count("villages", distinct=True),
                    known_pipe_length_m=Sum("villages__pipe_length_m"),
                ),
                pk=self.kwargs["pk"],
            )
        return self._batch

    def build_tables(self):
        batch = self.get_batch()
        return {
            "villages": VillageTable(batch.villages.select_related("source")),
            "reports": ProgressReportTable(
                ProgressReport.objects.filter(project=batch)
                .with_cumulative()
                .select_related("reported_by"),
                scope=scope_of(self.request),
                project=batch,
            ),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["batch"] = self.get_batch()
        context["can_report"] = scope_of(self.request).can_report_on(context["batch"])
        return context
