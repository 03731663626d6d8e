"""The pipe network: the survey, the construction batches and the pumping stations. An empty
field says 原文未载明 on a row citing the article, 未填写 on the office's own."""

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from projects.models import (
    PipeConstructionBatch,
    PipeSurveyCampaign,
    PumpingStation,
)
from projects.tables.cells import pct
from projects.tables.columns import (
    BadgeColumn,
    BlankReasonColumn,
    BlankReasonMoneyColumn,
    BlankReasonQuantityColumn,
    _names,
    linked,
    percent_value,
)


class SurveyCampaignTable(tables.Table):
    name = tables.Column(linkify=True, attrs={"td": {"class": "name"}})
    investment_wan = BlankReasonMoneyColumn(verbose_name=_("Investment (10k yuan)"))
    surveyed_km = BlankReasonQuantityColumn()
    qv_km = BlankReasonQuantityColumn()
    qv_share = tables.Column(
        verbose_name=_("QV ÷ surveyed (derived)"), orderable=False, empty_values=()
    )
    cctv_km = BlankReasonQuantityColumn()
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
    new_pipe_km = BlankReasonQuantityColumn(total=True)
    stations_renovated = BlankReasonQuantityColumn(total=True)
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
    street = BlankReasonColumn()
    maintaining_unit = BlankReasonColumn()
    channel = BlankReasonColumn(linkify=linked)
    construction_batches = tables.ManyToManyColumn(
        separator="、", orderable=False, linkify_item=True, verbose_name=_("Renovated in")
    )

    class Meta:
        model = PumpingStation
        fields = ("name", "street", "maintaining_unit", "channel", "construction_batches")
