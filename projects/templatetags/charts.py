"""Charts as inline SVG drawn on the server: no script, no library, nothing to fetch.

``{% trend_chart chart %}`` draws a ``projects.services.water_quality.Chart``: one line per sampling
point over the sampling dates, the light and severe limits as labelled dashed lines, a faint
band where the water is black-odorous. The SVG scales to its container (``viewBox``, width
100 %), so it stays readable at phone width. Every text in it is escaped (``format_html``).
"""

import datetime
import math
import re

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from projects.core import formatting
from projects.tables import cells

register = template.Library()

WIDTH, HEIGHT = 400, 230
LEFT, RIGHT, TOP, BOTTOM = 46, 12, 20, 38
GRID = "#d9e1e8"
INK = "#5b6b7c"
THRESHOLD_COLOURS = {"light": "#8a6d3b", "severe": "#3b2a20"}
MAX_DATE_TICKS = 6


def nice_step(span, count=5):
    """A round step (1, 2, 2.5 or 5 × 10ⁿ) giving about ``count`` intervals over ``span``."""
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


def value_ticks(low, high):
    """(low, high, ticks) widened to round numbers."""
    if high <= low:
        low, high = low - 1, high + 1
    step = nice_step(high - low)
    low = math.floor(low / step) * step
    high = math.ceil(high / step) * step
    count = round((high - low) / step)
    return low, high, [low + i * step for i in range(count + 1)]


def number(value):
    text = formatting.quantity(f"{value:.6g}" if isinstance(value, float) else value)
    return text.replace(",", "") if text else ""


def local_date(moment):
    if isinstance(moment, datetime.datetime):
        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment


def date_ticks(days):
    """At most ``MAX_DATE_TICKS`` of the sorted ``days``, evenly spread, first and last kept."""
    if len(days) <= MAX_DATE_TICKS:
        return days
    last = len(days) - 1
    return [days[round(i * last / (MAX_DATE_TICKS - 1))] for i in range(MAX_DATE_TICKS)]


class Frame:
    """Maps (day, value) to the SVG's coordinates."""

    def __init__(self, first_day, last_day, low, high):
        self.first = first_day.toordinal()
        self.days = max(last_day.toordinal() - self.first, 1)
        self.single = first_day == last_day
        self.low, self.high = low, high

    def x(self, day):
        if self.single:
            return LEFT + (WIDTH - LEFT - RIGHT) / 2
        # 3 % of the width kept free on either side so the first and last points show whole.
        width = WIDTH - LEFT - RIGHT
        share = (day.toordinal() - self.first) / self.days
        return LEFT + width * (0.03 + 0.94 * share)

    def y(self, value):
        span = self.high - self.low
        return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (float(value) - self.low) / span


def _coordinate(value):
    return f"{value:.1f}"


def _y_axis(frame, ticks, unit):
    parts = [format_html('<text x="4" y="12" fill="{}">{}</text>', INK, unit)]
    for tick in ticks:
        y = _coordinate(frame.y(tick))
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle" fill="{}">'
                "{}</text>",
                LEFT,
                WIDTH - RIGHT,
                y,
                y,
                GRID,
                LEFT - 4,
                y,
                INK,
                number(tick),
            )
        )
    return parts


def _x_axis(frame, days):
    bottom = HEIGHT - BOTTOM
    parts = [
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>',
            LEFT,
            WIDTH - RIGHT,
            bottom,
            bottom,
            INK,
        )
    ]
    year = None
    for day in date_ticks(days):
        x = _coordinate(frame.x(day))
        year_line = ""
        if day.year != year:
            year_line = format_html('<tspan x="{}" dy="13">{}</tspan>', x, day.year)
            year = day.year
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}{}</text>',
                x,
                x,
                bottom,
                bottom + 4,
                INK,
                x,
                bottom + 15,
                INK,
                f"{day:%m-%d}",
                year_line,
            )
        )
    return parts


def _band(frame, chart):
    """A faint band over the values that are black-odorous (light or worse)."""
    light = next((value for _label, value, grade in chart.thresholds if grade == "light"), None)
    if light is None:
        return []
    edge = frame.high if chart.higher_is_worse else frame.low
    top, bottom = sorted((frame.y(light), frame.y(edge)))
    return [
        format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" fill-opacity="0.07"/>',
            LEFT,
            _coordinate(top),
            WIDTH - LEFT - RIGHT,
            _coordinate(bottom - top),
            THRESHOLD_COLOURS["light"],
        )
    ]


def _thresholds(frame, chart):
    """Each limit as a dashed line under the data and its label over them (with a white
    halo); a label that would overlap the one above goes under its line."""
    lines, labels, placed = [], [], []
    for label, value, grade in sorted(chart.thresholds, key=lambda t: frame.y(t[1])):
        y = frame.y(value)
        text_y = y - 3
        if any(abs(text_y - other) < 11 for other in placed):
            text_y = y + 11
        placed.append(text_y)
        colour = THRESHOLD_COLOURS.get(grade, INK)
        lines.append(
            format_html(
                '<line class="threshold threshold-{}" x1="{}" x2="{}" y1="{}" y2="{}" '
                'stroke="{}" stroke-width="1.2" stroke-dasharray="5 3"/>',
                grade,
                LEFT,
                WIDTH - RIGHT,
                _coordinate(y),
                _coordinate(y),
                colour,
            )
        )
        labels.append(
            format_html(
                '<text class="threshold-label" x="{}" y="{}" text-anchor="end" fill="{}" '
                'stroke="#fff" stroke-width="3" paint-order="stroke">{} {}</text>',
                WIDTH - RIGHT - 2,
                _coordinate(text_y),
                colour,
                label,
                number(value),
            )
        )
    return lines, labels


def _series(frame, series, unit):
    parts = []
    coordinates = [
        (_coordinate(frame.x(local_date(moment))), _coordinate(frame.y(value)), moment, value)
        for moment, value in series.points
    ]
    if len(coordinates) > 1:
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2" '
                'stroke-linejoin="round"/>',
                " ".join(f"{x},{y}" for x, y, _moment, _value in coordinates),
                series.color,
            )
        )
    for x, y, moment, value in coordinates:
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="3" fill="{}"><title>{} {}: {} {}</title></circle>',
                x,
                y,
                series.color,
                series.name,
                f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"
                if isinstance(moment, datetime.datetime) and timezone.is_aware(moment)
                else moment,
                number(value),
                unit,
            )
        )
    return parts


register.filter("bar_class", cells.bar_class)


@register.simple_tag
def swatch(color):
    """A sampling point's colour square. Its colour is a class, ``swatch-0072b2`` for #0072b2,
    one per entry of projects.services.water_quality.PALETTE in progress.css: a style attribute
    would
    be refused by the Content Security Policy."""
    match = re.fullmatch(r"#([0-9a-fA-F]{6})", color or "")
    colour_class = f" swatch-{match[1].lower()}" if match else ""
    return format_html('<span class="swatch{}" aria-hidden="true"></span>', colour_class)


@register.simple_tag
def trend_chart(chart):
    """An indicator's trend as inline SVG (see the module's notes)."""
    title = _("%(indicator)s (%(unit)s) at each sampling point") % {
        "indicator": chart.label,
        "unit": chart.unit,
    }
    opening = format_html(
        '<svg class="chart" viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}" '
        'font-size="11" font-family="inherit">'
        "<title>{}</title>",
        WIDTH,
        HEIGHT,
        title,
        title,
    )
    values = [float(value) for s in chart.series for _moment, value in s.points]
    limits = [float(value) for _label, value, _grade in chart.thresholds]
    days = sorted({local_date(moment) for s in chart.series for moment, _value in s.points})
    if not days:
        empty = format_html(
            '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
            WIDTH / 2,
            HEIGHT / 2,
            INK,
            _("No readings"),
        )
        return format_html("{}{}</svg>", opening, empty)
    low = min(values + limits)
    high = max(values + limits)
    if low >= 0:
        low = 0  # transparency, DO and NH₃-N read from zero
    low, high, ticks = value_ticks(low, high)
    frame = Frame(days[0], days[-1], low, high)
    threshold_lines, threshold_labels = _thresholds(frame, chart)
    parts = [
        *_y_axis(frame, ticks, chart.unit),
        *_band(frame, chart),
        *threshold_lines,
        *_x_axis(frame, days),
    ]
    for series in chart.series:
        parts += _series(frame, series, chart.unit)
    parts += threshold_labels
    body = format_html_join("", "{}", ((part,) for part in parts))
    return format_html("{}{}</svg>", opening, body)
