"""Patrols: the stations with their coverage this month, patrol records, the channels gone
unpatrolled, and the channel page's measures with their status and photos."""

import django_tables2 as tables
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from projects.models import PatrolPost, PatrolRecord, ResponsibleUnit
from projects.tables.columns import BadgeColumn, DateTimeColumn, ShortListColumn
from projects.tables.plans import MeasureTable

NUM = {"td": {"class": "num"}, "th": {"class": "num"}}
NEVER = _("never")


def optional_url(obj):
    """The object's page, or None while the page does not exist (e.g. a work order's)."""
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return None


class CountColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUM)
        super().__init__(*args, **kwargs)


class StationTable(tables.Table):
    """Every municipal station with its posts and this month's patrols. Rows are stations
    carrying the annotations of ``views.patrols.stations_with_figures``."""

    name = tables.Column(
        verbose_name=_("Municipal station"),
        linkify=("projects:station-detail", [tables.A("pk")]),
        attrs={"td": {"class": "name"}},
    )
    posts_count = CountColumn(verbose_name=_("Posts"))
    channels_count = CountColumn(verbose_name=_("Channels covered"))
    patrols_count = CountColumn(verbose_name=_("Patrols this month"))
    findings_count = CountColumn(verbose_name=_("Findings this month"))
    unpatrolled_count = CountColumn(verbose_name=_("Unpatrolled channels"))

    class Meta:
        model = ResponsibleUnit
        fields = (
            "name",
            "posts_count",
            "channels_count",
            "patrols_count",
            "findings_count",
            "unpatrolled_count",
        )
        order_by = ("name",)

    def render_unpatrolled_count(self, value):
        if value:
            return format_html('<span class="badge badge-overdue">{}</span>', value)
        return value

    def value_unpatrolled_count(self, value):
        return value


class PatrolRecordTable(tables.Table):
    """Patrol records from ``views.patrols.patrol_records()`` (with ``photo_count``)."""

    patrolled_at = DateTimeColumn(
        verbose_name=_("Time"), linkify=True, attrs={"td": {"class": "time"}}
    )
    station = tables.Column(
        verbose_name=_("Municipal station"),
        accessor="post__station__name",
        linkify=("projects:station-detail", [tables.A("post__station_id")]),
    )
    post = tables.Column(verbose_name=_("Post"), accessor="post__name")
    place = tables.Column(
        verbose_name=_("Place"),
        empty_values=(),
        order_by=("channel__name", "pumping_station__name"),
    )
    kind = tables.Column(verbose_name=_("Work done"))
    patroller = tables.Column(default="")
    findings = tables.Column(default="", attrs={"td": {"class": "findings"}})
    photo_count = CountColumn(verbose_name=_("Photos"))
    opened = tables.Column(verbose_name=_("Opened"), empty_values=(), orderable=False)

    class Meta:
        model = PatrolRecord
        fields = (
            "patrolled_at",
            "station",
            "post",
            "place",
            "kind",
            "patroller",
            "findings",
            "photo_count",
            "opened",
        )
        order_by = ("-patrolled_at",)

    def render_place(self, record):
        if record.channel_id:
            return format_html(
                '<a href="{}">{}</a>', record.channel.get_absolute_url(), record.channel.name
            )
        return record.pumping_station.name if record.pumping_station_id else ""

    def value_place(self, record):
        place = record.channel or record.pumping_station
        return place.name if place else ""

    def render_findings(self, value):
        return format_html(
            '<span class="badge badge-warning">{}</span> {}',
            _("Finding"),
            Truncator(value).chars(80),
        )

    def value_findings(self, value):
        return value

    def render_opened(self, record):
        links = []
        if record.problem_id:
            url = reverse("projects:channel-detail", args=[record.problem.plan.channel_id])
            links.append((f"{url}#problems", _("Problem"), record.problem.title))
        if record.complaint_id:
            url = optional_url(record.complaint)
            links.append((url, _("Work order"), record.complaint.number))
        return format_html_join(
            " ",
            "{}",
            (
                (
                    format_html('<a href="{}">{} {}</a>', url, label, text)
                    if url
                    else format_html("{} {}", label, text),
                )
                for url, label, text in links
            ),
        )

    def value_opened(self, record):
        parts = []
        if record.problem_id:
            parts.append(f"{_('Problem')}: {record.problem.title}")
        if record.complaint_id:
            parts.append(f"{_('Work order')}: {record.complaint.number}")
        return "; ".join(parts)


class StationPatrolTable(PatrolRecordTable):
    class Meta(PatrolRecordTable.Meta):
        exclude = ("station",)


class ChannelPatrolTable(PatrolRecordTable):
    class Meta(PatrolRecordTable.Meta):
        exclude = ("place",)


class UnpatrolledTable(tables.Table):
    """``projects.services.patrols.Unpatrolled`` rows: a channel not patrolled by its post within
    the
    post's interval."""

    post = tables.Column(verbose_name=_("Post"), accessor="post__name")
    channel = tables.Column(
        verbose_name=_("Channel"),
        accessor="channel__name",
        linkify=lambda record: record.channel.get_absolute_url(),
    )
    last_patrolled_at = DateTimeColumn(verbose_name=_("Last patrolled"), default=NEVER)
    days_since = CountColumn(verbose_name=_("Days since"), default="—")
    interval_days = CountColumn(verbose_name=_("Interval (days)"))

    export_title = _("Unpatrolled channels")

    class Meta:
        order_by = ("post", "channel")


class PostTable(tables.Table):
    """A station's posts with what each covers (channels and pumping stations prefetched)."""

    name = tables.Column(verbose_name=_("Post"), attrs={"td": {"class": "name"}})
    person_on_post = tables.Column(default="—")
    phone = tables.Column(default="—")
    channels = ShortListColumn(linkify_item=True, verbose_name=_("Channels covered"))
    pumping_stations = tables.ManyToManyColumn(
        separator="、", orderable=False, verbose_name=_("Pumping stations covered")
    )
    interval = tables.Column(
        verbose_name=_("Interval (days)"),
        accessor="effective_interval_days",
        orderable=False,
        attrs=NUM,
    )
    actions = tables.Column(
        verbose_name="",
        empty_values=(),
        orderable=False,
        exclude_from_export=True,
        attrs={"td": {"class": "actions"}},
    )

    class Meta:
        model = PatrolPost
        fields = (
            "name",
            "person_on_post",
            "phone",
            "channels",
            "pumping_stations",
            "interval",
            "active",
            "actions",
        )
        order_by = ("name",)

    def __init__(self, *args, may_record=False, **kwargs):
        self.may_record = may_record
        super().__init__(*args, **kwargs)

    def render_active(self, value):
        return _("Yes") if value else _("No")

    def value_active(self, value):
        return self.render_active(value)

    def render_interval(self, record):
        if record.interval_days:
            return record.interval_days
        return format_html(
            '{} <small class="note">{}</small>', record.effective_interval_days, _("default")
        )

    def value_interval(self, record):
        return record.effective_interval_days

    def render_actions(self, record):
        if not self.may_record or not record.active:
            return ""
        return format_html(
            '<a class="button" href="{}?post={}">{}</a>',
            reverse("projects:patrol-create"),
            record.pk,
            _("Record a patrol"),
        )


class ChannelMeasureTable(MeasureTable):
    """The plan's measures with their status and photos (``photos``: measure pk → photos,
    loaded in one query by the view)."""

    status = BadgeColumn(default="—")
    photos = tables.Column(
        verbose_name=_("Photos"),
        empty_values=(),
        orderable=False,
        attrs={"td": {"class": "thumbs"}},
    )

    class Meta(MeasureTable.Meta):
        fields = (*MeasureTable.Meta.fields, "status", "photos")

    def __init__(self, *args, photos=None, **kwargs):
        self.photo_map = photos or {}
        super().__init__(*args, **kwargs)

    def render_photos(self, record):
        photos = self.photo_map.get(record.pk, [])
        return format_html_join(
            "",
            '<a href="{}" target="_blank" rel="noopener" class="thumb thumb-{}" title="{}">'
            '<img src="{}" alt="{}" loading="lazy" width="48" height="48"></a>',
            (
                (
                    photo.get_absolute_url(),
                    photo.phase,
                    photo.get_phase_display(),
                    photo.get_thumbnail_url(),
                    photo.caption or photo.get_phase_display(),
                )
                for photo in photos
            ),
        )

    def value_photos(self, record):
        return len(self.photo_map.get(record.pk, []))
