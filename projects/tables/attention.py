"""The "needs attention" list: one row per item (``projects.services.alerts.Item``), read a page
at a time from the database (``ItemRows``), in the order of every list: overdue first."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from projects.tables.paged import SequenceData


class AttentionTable(tables.Table):
    status = tables.Column(verbose_name=_("Status"), empty_values=())
    kind = tables.Column(accessor="kind_label", verbose_name=_("Kind"))
    label = tables.Column(verbose_name=_("Item"), attrs={"td": {"class": "name"}})
    detail = tables.Column(verbose_name=_("Detail"), empty_values=())
    unit = tables.Column(verbose_name=_("Responsible unit"), empty_values=())

    class Meta:
        orderable = False
        attrs = {"class": "attention-table"}

    def __init__(self, data, *args, all_units=True, **kwargs):
        super().__init__(SequenceData(data), *args, **kwargs)
        if not all_units:
            self.columns.hide("unit")

    def render_status(self, record):
        return format_html('<span class="badge badge-{}">{}</span>', record.severity, record.status)

    def render_label(self, value, record):
        if record.link:
            return format_html('<a href="{}">{}</a>', record.link, value)
        return value

    def render_unit(self, record):
        if record.unit is None:
            return _("No responsible unit (administrators)")
        return record.unit.name
