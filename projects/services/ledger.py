"""The monthly progress report and the work ledger (工作台账) built from it.

``month_ledger(month)`` gathers, for one month, every project grouped by work stream — planned
and actual percent of that month's report, this month's and cumulative investment (the sum of
the project's reports up to and including the month), problems, next month's plan — with
stream subtotals and a grand total; every one-river-one-policy task as it stood at the end of
the month; and the complaints received and patrols done in the month (``month_status``). The
month page and the XLSX ledger (``ledger_workbook``) both show this one object, so their sums
cannot differ. A subtotal over values some of which are unknown is a ``totals.Total``: the
known sum and what is missing, never the unknowns taken as zero.

Everything is read with a fixed number of queries whatever the number of projects."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, F, Max, OuterRef, Prefetch, Subquery, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from projects.core.formatting import quantity
from projects.core.months import this_month
from projects.models import Channel, ProgressReport, Project, PumpingStation, Stream
from projects.services.month_status import complaints_received, patrols_done, tasks_as_of
from projects.services.queries import as_listed
from projects.services.totals import NOT_REPORTED, Total, blank_label, blank_reason


def parse_month(text):
    """``YYYY-MM`` → the first day of that month; ValueError otherwise."""
    if not text or len(text) != 7 or text[4] != "-":
        raise ValueError(text)
    month = datetime.datetime.strptime(text, "%Y-%m").date()
    if month.year < 2000:
        raise ValueError(text)
    return month


def latest_report_month():
    """The latest month with a progress report, or None."""
    return ProgressReport.objects.aggregate(latest=Max("month"))["latest"]


@dataclass
class ProjectLine:
    """One project in one month."""

    project: Project
    report: ProgressReport | None
    cumulative: Decimal | None

    @property
    def scale(self):
        """In the language active when it is read (the ledger file is always Chinese)."""
        return project_scale(self.project)

    @property
    def has_report(self):
        return self.report is not None

    @property
    def sourced(self):
        """The project cites the source article: its empty fields are “not given” there."""
        return self.project.source_id is not None

    @property
    def blank(self):
        """What an empty field of this project says: 原文未载明 or 未填写."""
        return blank_label(self.sourced)

    @property
    def planned_percent(self):
        return self.report.planned_percent if self.report else None

    @property
    def actual_percent(self):
        return self.report.percent_complete if self.report else None

    @property
    def this_month(self):
        return self.report.investment_this_month_wan if self.report else None

    @property
    def problems(self):
        return self.report.problems if self.report else ""

    @property
    def next_month_plan(self):
        return self.report.next_month_plan if self.report else ""

    @property
    def behind(self):
        """Actual progress below the planned percent of the month."""
        planned, actual = self.planned_percent, self.actual_percent
        return planned is not None and actual is not None and actual < planned

    @property
    def unit(self):
        return self.project.lead_unit or self.project.contractor

    @property
    def investment(self):
        return self.project.investment_wan

    @property
    def planned_end(self):
        return self.project.planned_end


class Titled:
    """A stream's group of projects (``stream``), by line or by database totals."""

    @property
    def title(self):
        """“查 管网普查”: the stream's character and name (also the ledger's sheet name)."""
        return f"{self.stream.character} {self.stream.label}"


class MonthTotals:
    """The month's grand totals over its stream groups (``groups``, each with ``investment``,
    ``this_month``, ``cumulative`` and ``reported``): the ledger's and the month page's."""

    @property
    def investment(self):
        return sum((group.investment for group in self.groups), Total())

    @property
    def this_month(self):
        return sum((group.this_month for group in self.groups), Total())

    @property
    def cumulative(self):
        return sum((group.cumulative for group in self.groups), Total())

    @property
    def reported(self):
        return sum(group.reported for group in self.groups)


@dataclass
class StreamGroup(Titled):
    stream: Stream
    lines: list = field(default_factory=list)

    @property
    def investment(self):
        return Total.of((line.investment, blank_reason(line.sourced)) for line in self.lines)

    @property
    def this_month(self):
        return Total.of((line.this_month, NOT_REPORTED) for line in self.lines)

    @property
    def cumulative(self):
        return Total.of((line.cumulative, NOT_REPORTED) for line in self.lines)

    @property
    def count(self):
        return len(self.lines)

    @property
    def reported(self):
        return sum(1 for line in self.lines if line.has_report)


@dataclass
class MonthLedger(MonthTotals):
    """One month: the projects by stream; the tasks, complaints and patrols as of ``as_of``
    (the month's last day, or today while it is not over); ``tasks_from_history`` says the
    tasks were read from the audit history rather than as they stand."""

    month: datetime.date
    groups: list
    tasks: list
    as_of: datetime.date
    tasks_from_history: bool = False
    complaints: list = field(default_factory=list)
    patrols: list = field(default_factory=list)

    @property
    def lines(self):
        return [line for group in self.groups for line in group.lines]

    @property
    def unrecorded_tasks(self):
        """Tasks with no record in the audit history by ``as_of``."""
        return sum(1 for task in self.tasks if not task.recorded)

    @property
    def is_empty(self):
        """Nothing was recorded for the month: no report, complaint or patrol."""
        return not (self.reported or self.complaints or self.patrols)


def project_scale(project):
    """What the project is, with the source's figures: the survey's lengths, a batch's villages
    (the declared total and the named ones), a construction batch's pipes and pumping stations;
    otherwise the channels it works on."""
    parts = []
    campaign = getattr(project, "pipesurveycampaign", None)
    if campaign is not None:
        for label, value in (
            (_("surveyed %(km)s km"), campaign.surveyed_km),
            (_("QV inspection %(km)s km"), campaign.qv_km),
            (_("CCTV inspection %(km)s km"), campaign.cctv_km),
        ):
            if value is not None:
                parts.append(label % {"km": quantity(value)})
    batch = getattr(project, "interceptionbatch", None)
    if batch is not None:
        names = [village.name for village in batch.villages.all()]
        count = batch.works_count
        text = ngettext("%(count)s interception work", "%(count)s interception works", count) % {
            "count": count
        }
        if names:
            text += _(" (%(named)s named: %(names)s)") % {
                "named": len(names),
                "names": "、".join(names),
            }
        parts.append(text)
    construction = getattr(project, "pipeconstructionbatch", None)
    if construction is not None:
        if construction.new_pipe_km is not None:
            parts.append(_("new pipes %(km)s km") % {"km": quantity(construction.new_pipe_km)})
        if construction.stations_renovated is not None:
            count = construction.stations_renovated
            text = ngettext(
                "%(count)s pumping station renovated", "%(count)s pumping stations renovated", count
            ) % {"count": count}
            named = [station.name for station in construction.renovated_stations.all()]
            if named:
                text += f"({'、'.join(named)})"
            parts.append(text)
    channels = [channel.name for channel in project.channels.all()]
    if channels:
        text = _("channels: %(names)s") % {"names": "、".join(channels)}
        if construction is not None and construction.channel_list_partial:
            text += _(" and others")
        parts.append(text)
    return _("; ").join(parts)


def cumulative_of(month):
    """A project's cumulative investment: the sum of its reports up to and including
    ``month`` (None when none gives an amount)."""
    return Subquery(
        ProgressReport.objects.filter(project=OuterRef("pk"), month__lte=month)
        .order_by()
        .values("project")
        .annotate(total=Sum("investment_this_month_wan"))
        .values("total")[:1],
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def quantized(value):
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


# What a project line shows of its project besides the fields: its units, its kind's record,
# the channels, villages and pumping stations its scale names.
PROJECT_RELATED = (
    "lead_unit",
    "contractor",
    "interceptionbatch",
    "pipesurveycampaign",
    "pipeconstructionbatch",
)


def project_prefetches():
    return (
        as_listed("channels", Channel),
        "interceptionbatch__villages",
        as_listed("pipeconstructionbatch__renovated_stations", PumpingStation),
    )


# The article's order: by stream, batches by number, then as entered.
ARTICLE_ORDER = (
    "stream",
    F("interceptionbatch__batch_number").asc(nulls_last=True),
    F("pipeconstructionbatch__batch_number").asc(nulls_last=True),
    "pk",
)


def month_projects(month):
    """Every project with this month's report (``month_reports``) and ``cumulative_wan`` (its
    reports up to and including ``month``): six queries."""
    return (
        Project.objects.select_related(*PROJECT_RELATED)
        .annotate(cumulative_wan=cumulative_of(month))
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=ProgressReport.objects.filter(month=month),
                to_attr="month_reports",
            ),
            *project_prefetches(),
        )
        .order_by(*ARTICLE_ORDER)
    )


def month_ledger(month, today=None):
    """The month's projects by stream (every stream, even one without projects); the tasks as
    they stood at its end; the complaints received and the patrols done in it."""
    groups = {stream: StreamGroup(Stream(stream)) for stream in Stream.values}
    for project in month_projects(month):
        reports = project.month_reports
        groups[project.stream].lines.append(
            ProjectLine(project, reports[0] if reports else None, quantized(project.cumulative_wan))
        )
    tasks, as_of, from_history = tasks_as_of(month, today)
    return MonthLedger(
        month,
        list(groups.values()),
        tasks,
        as_of,
        tasks_from_history=from_history,
        complaints=complaints_received(month, today),
        patrols=patrols_done(month),
    )


def default_month():
    """The latest month with reports, or this month when there is none."""
    return latest_report_month() or this_month()
