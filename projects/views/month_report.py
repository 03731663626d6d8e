"""The monthly progress report of every project and task, and its XLSX work ledger (工作台账)."""

import io

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from projects import ledger
from projects.ledger_xlsx import ledger_bytes, ledger_filename
from projects.months import next_month, previous_month, this_month
from projects.tables.month_report import MonthProjectTable, MonthTaskTable, StreamTotalsTable

from .assessment import AllRowsTablesMixin

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MonthMixin:
    """``?month=YYYY-MM``; without it (or with a bad one, which is said on the page) the latest
    month with reports, or this month."""

    def get_month(self):
        if not hasattr(self, "_month"):
            self.month_error = None
            text = self.request.GET.get("month", "").strip()
            month = None
            if text:
                try:
                    month = ledger.parse_month(text)
                except ValueError:
                    self.month_error = _(
                        "“%(month)s” is not a month: give it as year-month, e.g. 2018-06."
                    ) % {"month": text}
            self._month = month or ledger.default_month()
        return self._month

    def get_ledger(self):
        if not hasattr(self, "_ledger"):
            self._ledger = ledger.month_ledger(self.get_month())
        return self._ledger


class MonthReportView(LoginRequiredMixin, MonthMixin, AllRowsTablesMixin, TemplateView):
    """Every project by work stream in the month — planned and actual percent, this month's
    and cumulative investment, problems, next month's plan — with subtotals, a grand total and
    every one-river-one-policy task; the ledger XLSX for download."""

    template_name = "projects/assessment/month_report.html"

    @property
    def export_name(self):
        return f"month-report-{self.get_month():%Y-%m}"

    def build_tables(self):
        month_ledger = self.get_ledger()
        tables = {"streams": StreamTotalsTable(month_ledger.groups)}
        for group in month_ledger.groups:
            if group.lines:
                tables[f"stream{group.stream.value}"] = MonthProjectTable(group.lines)
        tables["tasks"] = MonthTaskTable(month_ledger.tasks)
        return tables

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        month = self.get_month()
        following = next_month(month)
        tables = context["tables"]
        context.update(
            month=month,
            month_error=self.month_error,
            ledger=self.get_ledger(),
            groups=[
                (group, tables.get(f"stream{group.stream.value}"))
                for group in self.get_ledger().groups
            ],
            previous=previous_month(month),
            following=following if following <= this_month() else None,
        )
        return context


class MonthLedgerView(LoginRequiredMixin, MonthMixin, View):
    """The month's 工作台账 as an XLSX file."""

    def get(self, request):
        month = self.get_month()
        if self.month_error:
            # Not another month's ledger under the name the user asked for.
            return HttpResponseBadRequest(
                self.month_error, content_type="text/plain; charset=utf-8"
            )
        return FileResponse(
            io.BytesIO(ledger_bytes(self.get_ledger())),
            as_attachment=True,
            filename=ledger_filename(month),
            content_type=XLSX,
        )
