"""The channel list and its condition column."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from projects.models import (
    Channel,
)
from projects.services.water_quality import (
    MEASURED,
    MEASURED_TITLE,
    RECORDED,
    RECORDED_TITLE,
    condition_label,
    deviation_labels,
    rounds_text,
)
from projects.tables.columns import BlankReasonColumn, BlankReasonQuantityColumn

DEVIATES = _("deviates from the guide")
DEVIATES_TITLE = _("Graded with options that deviate from the guide:")


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
    # An empty field: 原文未载明 on a channel citing the article, 未填写 on the office's own.
    code = BlankReasonColumn()
    street = BlankReasonColumn()
    condition = ConditionColumn()
    maintaining_unit = BlankReasonColumn()
    length_km = BlankReasonQuantityColumn()
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
