"""River chiefs: the register, a chief's terms with the missed flag, a chief's inspections."""

import django_tables2 as tables
from django.utils.functional import cached_property
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from projects.core.links import path_maker, path_of
from projects.models import ChiefAssignment, ChiefInspection, RiverChief
from projects.tables.columns import DateColumn

NUM = {"td": {"class": "num"}, "th": {"class": "num"}}
# The channels a chief holds named in the register's row; the chief's page lists them all.
CHANNELS_SHOWN = 5
NEVER = _("never")
MISSED = _("Missed")
IN_TIME = _("In time")
NOT_SERVING = _("Not serving")
LEVEL_FIELD = ChiefAssignment._meta.get_field("level")


def every(days):
    return ngettext("every %(days)d day", "every %(days)d days", days) % {"days": days}


def missed_badge(missed):
    if missed:
        return format_html('<span class="badge badge-overdue">{}</span>', MISSED)
    return IN_TIME


class RiverChiefTable(tables.Table):
    """Chiefs from ``services.chiefs.chiefs_for_list`` (counts and ``serving_terms``)."""

    name = tables.Column(verbose_name=_("Name"), linkify=True, attrs={"td": {"class": "name"}})
    position = tables.Column(verbose_name=_("Official position"), default="—")
    phone = tables.Column(verbose_name=_("Phone"), default="—")
    channels = tables.Column(verbose_name=_("Channels held now"), empty_values=(), orderable=False)
    serving_count = tables.Column(verbose_name=_("Channels"), attrs=NUM)
    missed_count = tables.Column(verbose_name=_("Missed inspections"), attrs=NUM)

    class Meta:
        model = RiverChief
        fields = ("name", "position", "phone", "channels", "serving_count", "missed_count")
        order_by = ("name",)

    @cached_property
    def _channel_link(self):
        """How a term is named in the row: its channel's link and its level, the level's
        labels in the page's language and the channel's path worked out once a page."""
        levels = {value: escape(label) for value, label in LEVEL_FIELD.choices}
        channel_path = path_maker("projects:channel-detail")
        return lambda t: (
            f'<a href="{channel_path(t.channel_id)}">{escape(t.channel.name)}</a>'
            f"（{levels[t.level]}）"
        )

    def render_channels(self, record):
        shown = record.serving_terms[:CHANNELS_SHOWN]
        if not shown:
            return "—"
        names = mark_safe("、".join(map(self._channel_link, shown)))
        more = record.serving_count - len(shown)
        if more <= 0:
            return names
        return format_html(
            '{} <a href="{}">{}</a>',
            names,
            path_of("projects:chief-detail", record.pk),
            ngettext("and %(n)d more", "and %(n)d more", more) % {"n": more},
        )

    def value_channels(self, record):
        return "、".join(
            f"{t.channel.name}（{t.get_level_display()}）" for t in record.serving_terms
        )

    def render_missed_count(self, value):
        if value:
            return format_html('<span class="badge badge-overdue">{}</span>', value)
        return value

    def value_missed_count(self, value):
        return value


class ChiefTermTable(tables.Table):
    """A chief's terms from ``services.chiefs.chief_terms``: each channel with its level and
    term, the frequency required, the last inspection and whether one was missed."""

    channel = tables.Column(
        verbose_name=_("Channel"),
        accessor="channel__name",
        linkify=lambda record: record.channel.get_absolute_url(),
    )
    level = tables.Column(verbose_name=_("Chief level"))
    term_start = DateColumn(verbose_name=_("Term start"))
    term_end = DateColumn(verbose_name=_("Term end"), default=_("serving"))
    frequency = tables.Column(
        verbose_name=_("Required frequency"), accessor="interval_days", orderable=False
    )
    last_inspected_on = DateColumn(verbose_name=_("Last inspection"), default=NEVER)
    due_on = DateColumn(verbose_name=_("Next due"))
    missed = tables.Column(
        verbose_name=pgettext_lazy("river chief", "Inspection"), empty_values=(), orderable=False
    )

    class Meta:
        model = ChiefAssignment
        fields = (
            "channel",
            "level",
            "term_start",
            "term_end",
            "frequency",
            "last_inspected_on",
            "due_on",
            "missed",
        )

    def __init__(self, *args, today, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def serving(self, record):
        return record.term_start <= self.today and (
            record.term_end is None or record.term_end >= self.today
        )

    def render_frequency(self, value):
        return every(value)

    def value_frequency(self, value):
        return value

    def render_due_on(self, record, value):
        return DateColumn().render(value) if self.serving(record) else "—"

    def value_due_on(self, record, value):
        return value if self.serving(record) else None

    def render_missed(self, record):
        if not self.serving(record):
            return NOT_SERVING
        return missed_badge(record.missed)

    def value_missed(self, record):
        if not self.serving(record):
            return str(NOT_SERVING)
        return str(MISSED if record.missed else IN_TIME)


class ChiefInspectionTable(tables.Table):
    """A chief's inspections from ``services.chiefs.chief_inspections`` (with
    ``photo_count``)."""

    inspected_on = DateColumn(verbose_name=_("Date"))
    channel = tables.Column(
        verbose_name=_("Channel"),
        accessor="channel__name",
        linkify=lambda record: record.channel.get_absolute_url(),
    )
    duration_minutes = tables.Column(verbose_name=_("Duration (minutes)"), attrs=NUM)
    problems_found = tables.Column(verbose_name=_("Problems found"), default="")
    photo_count = tables.Column(verbose_name=_("Photos"), attrs=NUM)

    class Meta:
        model = ChiefInspection
        fields = ("inspected_on", "channel", "duration_minutes", "problems_found", "photo_count")
        order_by = ("-inspected_on",)

    def render_problems_found(self, value):
        return Truncator(value).chars(120)

    def value_problems_found(self, value):
        return value
