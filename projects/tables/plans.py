"""The five lists of a one-river-one-policy plan. Plans are the article's or the office's: an
empty field says 原文未载明 on a row citing the article, 未填写 on the office's own."""

import django_tables2 as tables
from django.utils.functional import cached_property
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from projects.core.links import path_maker
from projects.models import (
    Measure,
    Problem,
    Responsibility,
    Target,
    Task,
)
from projects.services.totals import blank_label, cites_the_article
from projects.tables.columns import (
    BadgeColumn,
    BlankReasonColumn,
    BlankReasonDateColumn,
    BlankReasonMoneyColumn,
    OverdueColumn,
    PercentBarColumn,
    ScopedTable,
    UnitsColumn,
    blank_cell,
    linked,
)


class ProblemTable(tables.Table):
    title = tables.Column()
    category = tables.Column()
    how_found = BlankReasonColumn()
    cause = BlankReasonColumn()
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
    target_date = BlankReasonDateColumn()
    achieved = tables.BooleanColumn(null=True, yesno=("✔", "—"))

    class Meta:
        model = Target
        fields = ("indicator", "baseline", "target_value", "target_date", "achieved")

    def render_achieved(self, value, record):
        if value is None:
            return blank_cell(record)
        return _("Achieved") if value else _("Not yet")

    def value_achieved(self, value, record):
        if value is None:
            return str(blank_label(cites_the_article(record)))
        return _("Achieved") if value else _("Not yet")


class TaskPlanTable(tables.Table):
    """The task list as the plan states it: what, how much, for which problems and targets."""

    problems = tables.ManyToManyColumn(separator="、", orderable=False, verbose_name=_("Problems"))
    targets = tables.ManyToManyColumn(separator="、", orderable=False, verbose_name=_("Targets"))
    quantity = BlankReasonColumn()

    class Meta:
        model = Task
        fields = ("content", "quantity", "problems", "targets")


class TaskProgressTable(ScopedTable):
    """Who answers for each task, by when, and how far it has got."""

    content = tables.Column()
    lead_unit = BlankReasonColumn()
    supporting_units = UnitsColumn()
    responsible_person = BlankReasonColumn()
    effective_deadline = BlankReasonDateColumn(verbose_name=_("Deadline"))
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

    @cached_property
    def _task_links(self):
        """A task's links by page, each a function of the task's pk: the page's path and its
        label worked out once a table, not once a row."""

        def link(name, label, css=""):
            path, label = path_maker(f"projects:task-{name}"), escape(label)
            return lambda pk: f'<a href="{path(pk)}" class="{css}">{label}</a>'

        return {
            "update": link("update", _("Update"), "button"),
            "evidence": link("evidence", _("Evidence")),
            "history": link("history", _("History")),
        }

    def render_actions(self, record):
        names = ["history"]
        if record.evidence:
            names.insert(0, "evidence")
        if self.scope is not None and self.scope.can_update_task(record):
            names.insert(0, "update")
        return mark_safe(" ".join(self._task_links[name](record.pk) for name in names))


class MeasureTable(tables.Table):
    technique = BlankReasonColumn()
    project = BlankReasonColumn(linkify=linked)
    scale = BlankReasonColumn()
    investment_wan = BlankReasonMoneyColumn(verbose_name=_("Investment (10k yuan)"))

    class Meta:
        model = Measure
        fields = ("name", "category", "technique", "project", "scale", "investment_wan")


class ResponsibilityTable(tables.Table):
    unit = BlankReasonColumn()
    person = BlankReasonColumn()

    class Meta:
        model = Responsibility
        fields = ("unit", "duty", "person")
