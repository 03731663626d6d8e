"""The five lists of a one-river-one-policy plan."""

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
from projects.tables.columns import (
    BadgeColumn,
    DateColumn,
    MoneyColumn,
    NotGivenColumn,
    OverdueColumn,
    PercentBarColumn,
    ScopedTable,
    UnitsColumn,
    not_given,
)


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
    target_date = DateColumn(default=not_given)
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


class TaskProgressTable(ScopedTable):
    """Who answers for each task, by when, and how far it has got."""

    content = tables.Column()
    lead_unit = NotGivenColumn()
    supporting_units = UnitsColumn()
    responsible_person = NotGivenColumn()
    effective_deadline = DateColumn(verbose_name=_("Deadline"), default=not_given)
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
