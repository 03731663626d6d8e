"""django-tables2 tables. Columns that render HTML give clean export values through
``value_<column>`` or the column's ``value``: the number, date or words themselves, which
``projects.services.exports`` writes into CSV and XLSX cells."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from projects.core import formatting
from projects.models import (
    Channel,
    InterceptionBatch,
    Measure,
    PipeConstructionBatch,
    PipeSurveyCampaign,
    Problem,
    ProgressReport,
    Project,
    PumpingStation,
    Responsibility,
    Target,
    Task,
    VillageWork,
)
from projects.services.exports import Percent
from projects.services.water_quality import (
    MEASURED,
    MEASURED_TITLE,
    RECORDED,
    RECORDED_TITLE,
    condition_label,
    deviation_labels,
    rounds_text,
)
from projects.tables.cells import bar_class, pct, progress, qty, wan

DEVIATES = _("deviates from the guide")
DEVIATES_TITLE = _("Graded with options that deviate from the guide:")

NOT_GIVEN = _("not given")


def percent_value(value):
    """A percentage for the export: a percent cell in XLSX, “45.5%” in CSV."""
    return None if value is None else Percent(value)


def not_given():
    return format_html('<span class="na">{}</span>', NOT_GIVEN)


class MoneyColumn(tables.Column):
    """万元 with two decimals; empty cells say the source gives no value."""

    export_number_format = "#,##0.00"

    def __init__(self, *args, total=False, **kwargs):
        kwargs.setdefault(
            "attrs", {"td": {"class": "num"}, "th": {"class": "num"}, "tf": {"class": "num"}}
        )
        if total:
            kwargs["footer"] = self.total
        kwargs.setdefault("empty_values", ())
        super().__init__(*args, **kwargs)

    def total(self, table):
        values = [getattr(row, self.accessor or "", None) for row in table.data]
        return wan(sum(v for v in values if v is not None))

    def render(self, value):
        return wan(value)

    def value(self, value):
        return value


class QuantityColumn(MoneyColumn):
    export_number_format = None

    def render(self, value):
        return qty(value)

    def total(self, table):
        values = [getattr(row, self.accessor or "", None) for row in table.data]
        return qty(sum(v for v in values if v is not None))


class PercentBarColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("attrs", {"td": {"class": "bar"}})
        super().__init__(*args, **kwargs)

    def render(self, value, record):
        if value is None:
            return format_html('<span class="na">{}</span>', _("not reported"))
        context = progress(value, getattr(record, "is_overdue", False))
        return format_html(
            '<div class="progress{}" title="{}"><span class="{}"></span></div>'
            '<span class="progress-label">{}</span>',
            " overdue" if context["overdue"] else "",
            formatting.percent(value),
            bar_class(context["width"]),
            formatting.percent(value),
        )

    def value(self, value):
        return percent_value(value)


class BadgeColumn(tables.Column):
    """A choice rendered as a coloured badge: ``badge-<value>`` in the stylesheet."""

    def render(self, value, record, bound_column):
        raw = getattr(record, bound_column.accessor, "")
        return format_html('<span class="badge badge-{}">{}</span>', raw, value)

    def value(self, value):
        return value


NO_DEADLINE = _("No deadline is given: whether it is overdue cannot be told.")


class OverdueColumn(tables.Column):
    """已超期 as a badge, otherwise said plainly — never a blank cell: 否, or — when the record's
    ``deadline`` (an accessor such as ``"planned_end"`` or ``"complaint__deadline"``, if given)
    is empty, so nobody can tell."""

    def __init__(self, *args, deadline=None, **kwargs):
        kwargs.setdefault("verbose_name", _("Overdue"))
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("accessor", "is_overdue")
        self.deadline = deadline
        super().__init__(*args, **kwargs)

    def unknown(self, record):
        if self.deadline is None:
            return False
        return tables.A(self.deadline).resolve(record, quiet=True) is None

    def render(self, value, record):
        if value:
            return format_html('<span class="badge badge-overdue">{}</span>', _("Overdue"))
        if self.unknown(record):
            return format_html('<span class="na" title="{}">—</span>', NO_DEADLINE)
        return format_html('<span class="not-overdue">{}</span>', _("No"))

    def value(self, value, record):
        if value:
            return _("Overdue")
        return "—" if self.unknown(record) else _("No")


class NotGivenColumn(tables.Column):
    """A plain column that says “not given” instead of a dash."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", not_given)
        super().__init__(*args, **kwargs)


def _names(items):
    return "、".join(str(item) for item in items)


class UnitsColumn(tables.ManyToManyColumn):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("separator", "、")
        kwargs.setdefault("orderable", False)
        super().__init__(*args, **kwargs)


# --- channels -------------------------------------------------------------------------------


class ConditionColumn(tables.Column):
    """A channel's current condition (``Channel.objects.with_condition()``) as a badge, with a
    small marker saying whether the sampling data gave it or it is the recorded one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("accessor", "current_condition")
        kwargs.setdefault("verbose_name", _("Condition"))
        super().__init__(*args, **kwargs)

    def render(self, value, record):
        if record.condition_judged:
            source, text = "measured", MEASURED
            title = format_html("{} {}", MEASURED_TITLE, rounds_text(record.judged_rounds))
        else:
            source, text, title = "recorded", RECORDED, RECORDED_TITLE
        html = format_html(
            '<span class="badge badge-{}">{}</span> '
            '<small class="condition-source {}" title="{}">{}</small>',
            value,
            condition_label(value),
            source,
            title,
            text,
        )
        deviations = record.condition_judged and getattr(record, "judged_deviations", "")
        if deviations:
            html += format_html(
                ' <small class="condition-source deviation" title="{} {}">{}</small>',
                DEVIATES_TITLE,
                " / ".join(str(label) for label in deviation_labels(deviations)),
                DEVIATES,
            )
        return html

    def value(self, value, record):
        source = MEASURED if record.condition_judged else RECORDED
        if record.condition_judged and getattr(record, "judged_deviations", ""):
            return f"{condition_label(value)} ({source}, {DEVIATES})"
        return f"{condition_label(value)} ({source})"


class ChannelTable(tables.Table):
    name = tables.Column(linkify=True, attrs={"td": {"class": "name"}})
    code = NotGivenColumn()
    street = NotGivenColumn()
    condition = ConditionColumn()
    maintaining_unit = NotGivenColumn()
    length_km = QuantityColumn()
    has_plan = tables.BooleanColumn(verbose_name=_("Has plan"), yesno=("✔", "✘"))
    project_count = tables.Column(verbose_name=_("Projects"), attrs={"td": {"class": "num"}})

    class Meta:
        model = Channel
        fields = (
            "name",
            "code",
            "street",
            "condition",
            "has_plan",
            "maintaining_unit",
            "length_km",
            "project_count",
        )
        order_by = ("name",)

    def value_has_plan(self, value):
        return _("Yes") if value else _("No")


# --- projects ------------------------------------------------------------------------------


class ProjectTable(tables.Table):
    name = tables.Column(linkify=True, attrs={"td": {"class": "name"}})
    stream = tables.Column()
    status = BadgeColumn()
    percent = PercentBarColumn(verbose_name=_("Progress"))
    is_overdue = OverdueColumn(deadline="planned_end")
    investment_wan = MoneyColumn(verbose_name=_("Investment (10k yuan)"))
    cumulative_investment_wan = MoneyColumn(verbose_name=_("Invested to date (10k yuan)"))
    lead_unit = NotGivenColumn()
    planned_end = tables.DateColumn(default=not_given)
    channels = tables.ManyToManyColumn(separator="、", orderable=False, linkify_item=True)

    class Meta:
        model = Project
        fields = (
            "name",
            "stream",
            "status",
            "percent",
            "is_overdue",
            "investment_wan",
            "cumulative_investment_wan",
            "lead_unit",
            "planned_end",
            "channels",
        )

    def render_stream(self, record, value):
        return format_html(
            '<span class="stream stream-{}" title="{}">{}</span>',
            record.stream,
            value,
            record.stream_character,
        )

    def value_stream(self, record, value):
        return f"{record.stream_character} {value}"


class ChannelProjectTable(ProjectTable):
    class Meta(ProjectTable.Meta):
        exclude = ("channels", "planned_end")


# --- plan lists ---------------------------------------------------------------------------


class ProblemTable(tables.Table):
    title = tables.Column()
    category = tables.Column()
    how_found = NotGivenColumn()
    cause = NotGivenColumn()
    task_count = tables.Column(verbose_name=_("Task count"), attrs={"td": {"class": "num"}})

    class Meta:
        model = Problem
        fields = ("title", "category", "description", "cause", "how_found", "task_count")

    def render_task_count(self, value):
        if not value:
            return format_html('<span class="badge badge-warning">{}</span>', _("No task"))
        return value

    def value_task_count(self, value):
        return value


class TargetTable(tables.Table):
    target_date = tables.DateColumn(default=not_given)
    achieved = tables.BooleanColumn(null=True, yesno=("✔", "—"))

    class Meta:
        model = Target
        fields = ("indicator", "baseline", "target_value", "target_date", "achieved")

    def render_achieved(self, value):
        return _("Achieved") if value else (_("Not yet") if value is False else not_given())

    def value_achieved(self, value):
        return self.render_achieved(value)


class TaskPlanTable(tables.Table):
    """The task list as the plan states it: what, how much, for which problems and targets."""

    problems = tables.ManyToManyColumn(separator="、", orderable=False, verbose_name=_("Problems"))
    targets = tables.ManyToManyColumn(separator="、", orderable=False, verbose_name=_("Targets"))
    quantity = NotGivenColumn()

    class Meta:
        model = Task
        fields = ("content", "quantity", "problems", "targets")


class ScopedTable(tables.Table):
    """A table whose rows offer the actions the user may take (``scope``:
    projects.services.access)."""

    actions = tables.Column(
        verbose_name="",
        empty_values=(),
        orderable=False,
        exclude_from_export=True,
        attrs={"td": {"class": "actions"}},
    )

    def __init__(self, *args, scope=None, **kwargs):
        self.scope = scope
        super().__init__(*args, **kwargs)


class TaskProgressTable(ScopedTable):
    """Who answers for each task, by when, and how far it has got."""

    content = tables.Column()
    lead_unit = NotGivenColumn()
    supporting_units = UnitsColumn()
    responsible_person = NotGivenColumn()
    effective_deadline = tables.DateColumn(verbose_name=_("Deadline"), default=not_given)
    status = BadgeColumn()
    is_overdue = OverdueColumn(deadline="effective_deadline")
    progress = PercentBarColumn(verbose_name=_("Progress"))

    class Meta:
        model = Task
        fields = (
            "content",
            "lead_unit",
            "supporting_units",
            "responsible_person",
            "effective_deadline",
            "status",
            "is_overdue",
            "progress",
            "actions",
        )

    def render_actions(self, record):
        links = [(reverse("projects:task-history", args=[record.pk]), _("History"), "")]
        if record.evidence:
            links.insert(
                0, (reverse("projects:task-evidence", args=[record.pk]), _("Evidence"), "")
            )
        if self.scope is not None and self.scope.can_update_task(record):
            links.insert(
                0, (reverse("projects:task-update", args=[record.pk]), _("Update"), "button")
            )
        return format_html_join(
            " ", '<a href="{}" class="{}">{}</a>', ((u, c, t) for u, t, c in links)
        )


class MeasureTable(tables.Table):
    technique = NotGivenColumn()
    project = tables.Column(linkify=True, default=not_given)
    scale = NotGivenColumn()
    investment_wan = MoneyColumn(verbose_name=_("Investment (10k yuan)"))

    class Meta:
        model = Measure
        fields = ("name", "category", "technique", "project", "scale", "investment_wan")


class ResponsibilityTable(tables.Table):
    unit = NotGivenColumn()
    person = NotGivenColumn()

    class Meta:
        model = Responsibility
        fields = ("unit", "duty", "person")


# --- monthly progress ------------------------------------------------------------------------


class ProgressReportTable(ScopedTable):
    month = tables.DateColumn(format="Y-m")
    planned_percent = tables.Column(attrs={"td": {"class": "num"}}, default="—")
    percent_complete = PercentBarColumn()
    investment_this_month_wan = MoneyColumn(total=True)
    cumulative_investment_wan = MoneyColumn(verbose_name=_("Cumulative investment (10k yuan)"))
    reported_by = tables.Column(default="")

    class Meta:
        model = ProgressReport
        fields = (
            "month",
            "planned_percent",
            "percent_complete",
            "investment_this_month_wan",
            "cumulative_investment_wan",
            "problems",
            "next_month_plan",
            "note",
            "reported_by",
            "actions",
        )
        order_by = ("month",)

    def __init__(self, *args, project=None, **kwargs):
        self.project = project
        super().__init__(*args, **kwargs)

    def render_planned_percent(self, value):
        return formatting.percent(value)

    def value_planned_percent(self, value):
        return percent_value(value)

    def render_actions(self, record):
        if self.scope is None or not self.scope.can_correct_report(record, self.project):
            return ""
        return format_html(
            '<a href="{}" class="button">{}</a>',
            reverse("projects:report-update", args=[record.pk]),
            _("Correct"),
        )


# --- interception --------------------------------------------------------------------------


class BatchTable(tables.Table):
    batch_number = tables.Column(footer=_("Total"))
    name = tables.Column(linkify=True, attrs={"td": {"class": "name"}})
    investment_wan = MoneyColumn(verbose_name=_("Investment (10k yuan)"), total=True)
    works_count = tables.Column(
        verbose_name=_("Interception works (条)"),
        footer=lambda table: sum(row.works_count for row in table.data),
        attrs={"td": {"class": "num"}, "tf": {"class": "num"}},
    )
    named_count = tables.Column(verbose_name=_("Named works"), attrs={"td": {"class": "num"}})
    status = BadgeColumn()
    percent = PercentBarColumn(verbose_name=_("Progress"))

    class Meta:
        model = InterceptionBatch
        fields = (
            "batch_number",
            "name",
            "investment_wan",
            "works_count",
            "named_count",
            "status",
            "percent",
        )
        order_by = ("batch_number",)

    def render_named_count(self, value, record):
        return _("%(named)s of %(total)s works named") % {
            "named": value,
            "total": record.works_count,
        }

    def value_named_count(self, value):
        return value


class VillageTable(tables.Table):
    pipe_length_m = QuantityColumn()
    note = tables.Column(default="")

    class Meta:
        model = VillageWork
        fields = ("sequence", "name", "pipe_length_m", "note")


# --- pipe network --------------------------------------------------------------------------


class SurveyCampaignTable(tables.Table):
    name = tables.Column(linkify=True, attrs={"td": {"class": "name"}})
    investment_wan = MoneyColumn(verbose_name=_("Investment (10k yuan)"))
    surveyed_km = QuantityColumn()
    qv_km = QuantityColumn()
    qv_share = tables.Column(
        verbose_name=_("QV ÷ surveyed (derived)"), orderable=False, empty_values=()
    )
    cctv_km = QuantityColumn()
    cctv_share = tables.Column(
        verbose_name=_("CCTV ÷ surveyed (derived)"), orderable=False, empty_values=()
    )
    status = BadgeColumn()

    class Meta:
        model = PipeSurveyCampaign
        fields = (
            "name",
            "investment_wan",
            "surveyed_km",
            "qv_km",
            "qv_share",
            "cctv_km",
            "cctv_share",
            "status",
        )

    def render_qv_share(self, value):
        return pct(value)

    def render_cctv_share(self, value):
        return pct(value)

    def value_qv_share(self, value):
        return percent_value(value)

    def value_cctv_share(self, value):
        return percent_value(value)


class ConstructionBatchTable(tables.Table):
    batch_number = tables.Column()
    name = tables.Column(linkify=True, attrs={"td": {"class": "name"}})
    new_pipe_km = QuantityColumn(total=True)
    stations_renovated = QuantityColumn(total=True)
    renovated_stations = tables.ManyToManyColumn(separator="、", orderable=False)
    channels = tables.ManyToManyColumn(
        separator="、",
        orderable=False,
        linkify_item=True,
        verbose_name=_("Channels whose interception it includes"),
    )
    status = BadgeColumn()
    approval = tables.Column(default="")

    class Meta:
        model = PipeConstructionBatch
        fields = (
            "batch_number",
            "name",
            "new_pipe_km",
            "stations_renovated",
            "renovated_stations",
            "channels",
            "status",
            "approval",
        )
        order_by = ("batch_number",)

    def render_channels(self, record, value):
        names = format_html_join(
            "、", '<a href="{}">{}</a>', ((c.get_absolute_url(), c.name) for c in value.all())
        )
        if record.channel_list_partial:
            return format_html("{}{}", names, _(" and others"))
        return names

    def value_channels(self, record, value):
        text = _names(value.all())
        return f"{text}{_(' and others')}" if record.channel_list_partial else text

    def render_renovated_stations(self, record, value):
        named = list(value.all())
        text = _names(named)
        if record.stations_renovated and len(named) < record.stations_renovated:
            return _("%(names)s (%(named)s of %(total)s named)") % {
                "names": text,
                "named": len(named),
                "total": record.stations_renovated,
            }
        return text


class PumpingStationTable(tables.Table):
    name = tables.Column()
    street = NotGivenColumn()
    maintaining_unit = NotGivenColumn()
    channel = tables.Column(linkify=True, default=not_given)
    construction_batches = tables.ManyToManyColumn(
        separator="、", orderable=False, linkify_item=True, verbose_name=_("Renovated in")
    )

    class Meta:
        model = PumpingStation
        fields = ("name", "street", "maintaining_unit", "channel", "construction_batches")


# --- history -----------------------------------------------------------------------------


class HistoryTable(tables.Table):
    """Changes from ``projects.services.history.changes``: newest first."""

    export_title = _("Change history")  # Excel reserves a sheet named “History”

    date = tables.DateTimeColumn(verbose_name=_("Time"), format="Y-m-d H:i", orderable=False)
    user = tables.Column(verbose_name=_("User"), default=_("system"), orderable=False)
    kind_label = tables.Column(verbose_name=_("Action"), orderable=False)
    record = tables.Column(verbose_name=_("Record"), empty_values=(), orderable=False)
    fields = tables.Column(verbose_name=_("Changes"), orderable=False, empty_values=())

    def render_record(self, record):
        return format_html("{} · {}", record.model_name, record.label)

    def value_record(self, record):
        return f"{record.model_name} · {record.label}"

    def render_fields(self, value):
        return format_html(
            '<ul class="diff">{}</ul>',
            format_html_join(
                "",
                "<li><b>{}</b>: <del>{}</del> → <ins>{}</ins></li>",
                ((name, old or "—", new or "—") for name, old, new in value),
            ),
        )

    def value_fields(self, value):
        return "; ".join(f"{name}: {old or '—'} → {new or '—'}" for name, old, new in value)
