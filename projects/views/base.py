"""Shared view pieces: list pages (filter + table + CSV/XLSX export) and pages with several
tables, each sortable, paginated and exportable on its own."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin
from django_tables2.export import ExportMixin

from projects.services.exports import CleanTableExport

EXPORT_FORMATS = tuple(CleanTableExport.FORMATS)
PER_PAGE = 25


def export_filename(name, export_format):
    return f"{name}-{timezone.localdate():%Y%m%d}.{export_format}"


class ListPage(LoginRequiredMixin, ExportMixin, SingleTableMixin, FilterView):
    """The canonical list page: a filter form, one sortable paginated table, exports."""

    export_class = CleanTableExport
    export_formats = EXPORT_FORMATS
    table_pagination = {"per_page": PER_PAGE}
    export_name = "export"

    def get_export_filename(self, export_format):
        return export_filename(self.export_name, export_format)

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        table.export_key = ""
        return table


class TablesMixin:
    """Several named tables on one page. ``build_tables()`` returns ``{name: table}``; each
    table gets the prefix ``<name>-`` for its sort and page parameters, and
    ``?_export=csv&_table=<name>`` downloads one of them whole (``projects.services.exports``)."""

    per_page = PER_PAGE  # None: every table shows all its rows
    export_name = "export"

    def build_tables(self):
        raise NotImplementedError

    def get_tables(self):
        if not hasattr(self, "_tables"):
            self._tables = {}
            paginate = {"per_page": self.per_page} if self.per_page else False
            for name, table in self.build_tables().items():
                table.prefix = f"{name}-"
                table.export_key = name
                RequestConfig(self.request, paginate=paginate).configure(table)
                self._tables[name] = table
        return self._tables

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tables"] = self.get_tables()
        return context

    def render_to_response(self, context, **kwargs):
        export_format = self.request.GET.get("_export")
        name = self.request.GET.get("_table")
        tables = self.get_tables()
        if export_format in EXPORT_FORMATS and name in tables:
            exporter = CleanTableExport(export_format, tables[name])
            return exporter.response(
                filename=export_filename(f"{self.export_name}-{name}", export_format)
            )
        return super().render_to_response(context, **kwargs)
