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
from django.utils.translation import gettext as _
from django.views.generic import View

from projects.services import ledger, ledger_files


class MonthLedgerView(LoginRequiredMixin, View):
    """The month's 工作台账 as an XLSX file, built by a job."""

    def get(self, request):
        text = request.GET.get("month", "").strip()
        if text:
            try:
                month = ledger.parse_month(text)
            except ValueError:
                return HttpResponseBadRequest(
                    _("“%(month)s” is not a month: give it as year-month, e.g. 2018-06.")
                    % {"month": text},
                    content_type="text/plain; charset=utf-8",
                )
        else:
            month = ledger.default_month()
        job = ledger_files.ledger_job(request.user, month)
        return redirect("projects:job", pk=job.pk)
