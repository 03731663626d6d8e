"""The change history of a record."""

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from projects.tables.columns import DateTimeColumn


class HistoryTable(tables.Table):
    """Changes from ``projects.services.history.changes``: newest first."""

    export_title = _("Change history")  # Excel reserves a sheet named “History”

    date = DateTimeColumn(verbose_name=_("Time"), format="Y-m-d H:i", orderable=False)
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
