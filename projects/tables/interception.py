"""Old-village interception batches and their named works."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from projects.models import (
    InterceptionBatch,
    VillageWork,
)
from projects.tables.columns import (
    BadgeColumn,
    BlankReasonMoneyColumn,
    BlankReasonQuantityColumn,
    PercentBarColumn,
)


class BatchTable(tables.Table):
    batch_number = tables.Column(footer=_("Total"))
    name = tables.Column(linkify=True, attrs={"td": {"class": "name"}})
    investment_wan = BlankReasonMoneyColumn(verbose_name=_("Investment (10k yuan)"), total=True)
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
    pipe_length_m = BlankReasonQuantityColumn()
    note = tables.Column(default="")

    class Meta:
        model = VillageWork
        fields = ("sequence", "name", "pipe_length_m", "note")
