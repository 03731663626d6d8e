"""The map's legend keys: a small SVG of a layer's line or marker in a legend entry's colour,
drawn as projects/static/projects/map.js draws the features (a line; a circle, square, diamond
or triangle with a white edge). The colour is an SVG attribute: a style attribute would be
refused by the Content Security Policy."""

import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# Each shape on a 14 × 14 box (the line on a wider one), as map.js draws the markers.
SHAPES = {
    "circle": '<circle cx="7" cy="7" r="5.5"',
    "square": '<rect x="2" y="2" width="10" height="10"',
    "diamond": '<polygon points="7,0.8 13.2,7 7,13.2 0.8,7"',
    "triangle": '<polygon points="7,1 13.2,12.4 0.8,12.4"',
}
MARKER_EDGE = ' stroke="#ffffff" stroke-width="1.5"'
LINE = (
    '<svg class="map-key map-key-line" viewBox="0 0 22 14" width="22" height="14" '
    'aria-hidden="true" focusable="false">'
    '<line x1="2" y1="7" x2="20" y2="7" stroke="{}" stroke-width="4" stroke-linecap="round"/>'
    "</svg>"
)


@register.simple_tag
def map_key(shape, colour):
    """``{% map_key "diamond" "#c0392b" %}``: the legend key of a layer drawn as ``shape``
    (``projects.services.map_layers.Layer.shape``) in ``colour`` (#rrggbb; grey otherwise)."""
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour or ""):
        colour = "#7f8c8d"
    if shape not in SHAPES:
        return format_html(LINE, colour)
    return format_html(
        '<svg class="map-key map-key-{}" viewBox="0 0 14 14" width="14" height="14" '
        'aria-hidden="true" focusable="false">{} fill="{}"{}/></svg>',
        shape,
        mark_safe(SHAPES[shape]),
        colour,
        mark_safe(MARKER_EDGE),
    )
