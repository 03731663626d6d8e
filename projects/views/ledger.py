"""The month's 工作台账 (XLSX): built by a background job (``projects.services.ledger_files``)
rather than in the request — at 100× a month is about 100,000 rows.

``GET /reports/month/ledger.xlsx?month=YYYY-MM`` starts the job, or hands out the one already
building the month or built a moment ago from the same data, and sends the user to the job's
page, which shows the progress and then the download link. Without ``?month=`` it is the
month the report shows by default; a ``?month=`` that is not a month answers 400 rather than
build another month's ledger under the name the user asked for."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.views.generic import View

from projects.services import ledger_files
from projects.views.month_report import MonthMixin


class MonthLedgerView(LoginRequiredMixin, MonthMixin, View):
    """The month's 工作台账 as an XLSX file, built by a job."""

    def get(self, request):
        month = self.get_month()
        if self.month_error:
            return HttpResponseBadRequest(
                self.month_error, content_type="text/plain; charset=utf-8"
            )
        job = ledger_files.ledger_job(request.user, month)
        return redirect("projects:job", pk=job.pk)
