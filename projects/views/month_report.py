"""The monthly progress report of every project and task, and its XLSX work ledger (工作台账)."""

from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from projects.core.months import next_month, previous_month, this_month
from projects.models import PatrolPost, Stream
from projects.services import ledger
from projects.services.access import scope_of
from projects.services.month_page import MonthPage
from projects.services.patrol_access import patrol_scope_of
from projects.tables.month_report import (
    MonthComplaintTable,
    MonthPatrolTable,
    MonthProjectTable,
    MonthTaskTable,
    StreamTotalsTable,
)
from projects.views.base import TablesMixin

# Rows of each table on the page: a city's month holds thousands of projects and tasks, and a
# page of them all would be megabytes. Each table pages on its own (?tasks-page=2); its footer
# totals are the whole month's, and its CSV/XLSX download and the 工作台账 hold every row.
MONTH_PER_PAGE = 10

# The month's records the page lists one at a time (``?records=``), the first by default.
RECORDS = ("tasks", "complaints", "patrols")


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


def next_steps(request):
    """What to do about a month with nothing recorded, as (text, link, link text) with a link
    only for a user who may follow it: file the projects' monthly reports, set up patrol posts
    (in the admin) or record patrols, record complaints. One query (are there patrol posts?),
    and the user's unit for a unit editor."""
    user = request.user
    steps = []
    if scope_of(request).can_add_reports:
        text = _(
            "File each project's progress report for the month: press “File monthly report” "
            "beside a project below that has none (each unit files for the projects it is "
            "responsible for)."
        )
    else:
        text = _(
            "Each project's responsible unit files the month's progress report on the "
            "project's page; an administrator may file for any project."
        )
    steps.append((text, None, None))
    if not PatrolPost.objects.filter(active=True).exists():
        link = None
        if user.is_staff and user.has_perm("projects.add_patrolpost"):
            link = reverse("admin:projects_patrolpost_add")
        steps.append(
            (
                _(
                    "Patrols are recorded on the municipal stations' patrol posts, and none is "
                    "set up yet: an administrator adds them in the administration."
                ),
                link,
                _("Add a patrol post"),
            )
        )
    else:
        link = reverse("projects:patrol-create") if patrol_scope_of(request).may_record else None
        steps.append(
            (
                _("Record the patrols done on the posts, with the day they were done."),
                link,
                _("Record a patrol"),
            )
        )
    link = reverse("projects:complaint-create") if user.has_perm("projects.add_complaint") else None
    steps.append(
        (
            _("Record the complaints received, with the time they were received."),
            link,
            _("Record a complaint"),
        )
    )
    return steps


class MonthReportView(LoginRequiredMixin, MonthMixin, TablesMixin, TemplateView):
    """Every project by work stream in the month — planned and actual percent, this month's
    and cumulative investment, problems, next month's plan — with subtotals (a sum over
    unknown values labelled partial) and a grand total; every one-river-one-policy task as it
    stood at the month's end; the complaints received and the patrols done in the month; the
    ledger XLSX for download. A month with nothing recorded says what to do next.

    The streams' totals are all shown; the projects of one stream at a time (``?stream=N``,
    by default the first with projects); and one list of the month's records at a time
    (``?records=``: tasks, complaints or patrols), each list's count shown whichever is.
    Each table reads only the page of rows it shows, and the totals are the database's sums
    over the whole month (``services.month_page``): the page costs the same whatever the
    month holds. The 工作台账 (``MonthLedgerView``) reads the whole month."""

    template_name = "projects/assessment/month_report.html"
    per_page = MONTH_PER_PAGE

    @property
    def export_name(self):
        return f"month-report-{self.get_month():%Y-%m}"

    def get_month_page(self):
        """The month's totals and the rows of its tables, read a page at a time."""
        if not hasattr(self, "_month_page"):
            self._month_page = MonthPage(self.get_month())
        return self._month_page

    def get_stream(self):
        """The stream whose projects the page shows: ``?stream=N``, else the first stream with
        projects in the month (else the first stream)."""
        if not hasattr(self, "_stream"):
            groups = self.get_month_page().groups
            chosen = self.stream_asked(self.request.GET.get("stream"))
            if chosen is None:
                chosen = next((group for group in groups if group.count), groups[0]).stream
            self._stream = chosen
        return self._stream

    def stream_asked(self, text):
        try:
            return Stream(int(text or ""))
        except ValueError:
            return None

    def get_records(self):
        """Which of the month's records the page lists: ``?records=`` tasks (the default),
        complaints or patrols."""
        records = self.request.GET.get("records")
        return records if records in RECORDS else RECORDS[0]

    def page_url(self, anchor, **chosen):
        """This page with the month, the stream and the records shown (as chosen here, else as
        now), scrolled to ``anchor``; a table's page and order are left behind."""
        state = {"month": f"{self.get_month():%Y-%m}"}
        for key in ("stream", "records"):
            if key in self.request.GET:
                state[key] = self.request.GET[key]
        state.update(chosen)
        return f"?{urlencode(state)}#{anchor}"

    def stream_url(self, stream):
        """The page showing ``stream``'s projects, scrolled to them."""
        return self.page_url(f"stream-{stream.value}", stream=stream.value)

    def build_tables(self):
        month_page = self.get_month_page()
        scope = scope_of(self.request)
        tables = {
            "streams": StreamTotalsTable(
                month_page.groups, totals=month_page, stream_url=self.stream_url
            )
        }
        # The projects of one stream at a time; a download of another stream's table
        # (``?_export=csv&_table=stream5``) builds that one too, whatever the page shows.
        shown = {self.get_stream()}
        table = self.request.GET.get("_table", "")
        if self.request.GET.get("_export") and table.startswith("stream"):
            exported = self.stream_asked(table.removeprefix("stream"))
            if exported is not None:
                shown.add(exported)
        for group in month_page.groups:
            if group.count and group.stream in shown:
                tables[f"stream{group.stream.value}"] = MonthProjectTable(
                    month_page.project_rows(group), totals=group, can_report=scope.can_report_on
                )
        # The month's tasks, complaints or patrols, one list at a time, likewise.
        records = {self.get_records()}
        if self.request.GET.get("_export") and table in RECORDS:
            records.add(table)
        if "tasks" in records:
            tables["tasks"] = MonthTaskTable(month_page.task_rows())
        if "complaints" in records:
            tables["complaints"] = MonthComplaintTable(month_page.complaint_rows())
        if "patrols" in records:
            tables["patrols"] = MonthPatrolTable(month_page.patrol_rows())
        return tables

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        month = self.get_month()
        following = next_month(month)
        tables = context["tables"]
        month_page = self.get_month_page()
        stream = self.get_stream()
        group = next(group for group in month_page.groups if group.stream == stream)
        shown = self.get_records()
        context.update(
            month=month,
            month_error=self.month_error,
            ledger=month_page,
            next_steps=next_steps(self.request) if month_page.is_empty else None,
            # The stream picker: each stream with its projects' count and its page.
            streams=[
                (each, self.stream_url(each.stream), each.stream == stream)
                for each in month_page.groups
            ],
            group=group,
            group_table=tables.get(f"stream{stream.value}"),
            # The records' picker: each list with its count (the month's, all shown whichever
            # list is) and its page; the list shown and its table.
            records=[
                (name, label, count, self.page_url(name, records=name), name == shown)
                for name, label, count in (
                    ("tasks", _("One-river-one-policy tasks"), month_page.task_counts["total"]),
                    (
                        "complaints",
                        _("Complaints received in the month"),
                        month_page.complaint_counts["total"],
                    ),
                    ("patrols", _("Patrols done in the month"), month_page.patrol_count),
                )
            ],
            shown_records=shown,
            records_table=tables.get(shown),
            previous=previous_month(month),
            following=following if following <= this_month() else None,
        )
        return context
