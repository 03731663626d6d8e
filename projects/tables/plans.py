"""The five lists of a one-river-one-policy plan. Plans are the article's or the office's: an
empty field says 原文未载明 on a row citing the article, 未填写 on the office's own."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

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
