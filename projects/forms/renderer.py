"""The site's form renderer: Django's, with its plain widgets — an ``<input>`` of any type, a
``<select>`` with its options, a ``<textarea>`` — written in Python, the same HTML byte for
byte, instead of through a template each (an input is three: its type's, input.html and
attrs.html). A plan's edit page holds some 470 widgets, and their templates cost more than the
rest of the page. Every other template (the form's own, a radio list, a file input…) is
Django's as before.

Each widget is written here only while Django's own template for it is the one this module
was written from (checked on loading, against the template files); a Django whose templates
differ keeps its templates for them. ``tests/test_form_renderer.py`` compares both renderers'
HTML over widgets of every kind handled."""

from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeData

WIDGETS = Path(django.forms.__file__).parent / "templates" / "django" / "forms" / "widgets"
INCLUDE_INPUT = '{% include "django/forms/widgets/input.html" %}\n'
# Django's templates as this module writes them.
SOURCES = {
    "attrs.html": (
        "{% for name, value in widget.attrs.items %}{% if value is not False %} {{ name }}"
        "{% if value is not True %}=\"{{ value|stringformat:'s' }}\"{% endif %}{% endif %}"
        "{% endfor %}"
    ),
    "input.html": (
        '<input type="{{ widget.type }}" name="{{ widget.name }}"{% if widget.value != None %}'
        " value=\"{{ widget.value|stringformat:'s' }}\"{% endif %}"
        '{% include "django/forms/widgets/attrs.html" %}>\n'
    ),
    "select.html": (
        '<select name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>'
        "{% for group_name, group_choices, group_index in widget.optgroups %}"
        '{% if group_name %}\n  <optgroup label="{{ group_name }}">{% endif %}'
        "{% for option in group_choices %}\n  {% include option.template_name with "
        "widget=option %}{% endfor %}{% if group_name %}\n  </optgroup>{% endif %}{% endfor %}"
        "\n</select>\n"
    ),
    "select_option.html": (
        "<option value=\"{{ widget.value|stringformat:'s' }}\""
        '{% include "django/forms/widgets/attrs.html" %}>{{ widget.label }}</option>\n'
    ),
    "textarea.html": (
        '<textarea name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>\n'
        "{% if widget.value %}{{ widget.value }}{% endif %}</textarea>\n"
    ),
}
INPUT_TYPES = [
    "text",
    "number",
    "email",
    "url",
    "password",
    "hidden",
    "date",
    "datetime",
    "time",
    "search",
    "tel",
    "color",
    "checkbox",
]
OPTION = "django/forms/widgets/select_option.html"


def _source(name):
    try:
        return (WIDGETS / name).read_text(encoding="utf-8")
    except OSError:
        return None


def _text(value):
    """``{{ value }}``: localised and escaped as a template shows it."""
    return render_value_in_context(value, Context())


def _formatted(value):
    """``{{ value|stringformat:'s' }}``: safe text stays as it is (the filter keeps it safe)."""
    text = str(value)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs):
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_text(name)}")
        if value is not True:
            parts.append(f'="{_formatted(value)}"')
    return "".join(parts)


def _input(widget):
    value = ""
    if widget["value"] is not None:
        value = f' value="{_formatted(widget["value"])}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        f"{value}{_attrs(widget['attrs'])}>\n"
    )


def _option(option):
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_text(option['label'])}</option>\n"
    )


def _select(widget):
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                return None  # an option of its own template: Django's template writes it all
            parts.append(f"\n  {_option(option)}")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _textarea(widget):
    value = _text(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>\n'
    )


def _writers():
    """{template name: function of the widget's context giving its HTML}, for the templates
    that are as this module was written from."""
    if any(_source(name) != source for name, source in SOURCES.items()):
        return {}
    writers = {
        "django/forms/widgets/input.html": _input,
        "django/forms/widgets/select.html": _select,
        "django/forms/widgets/textarea.html": _textarea,
    }
    for kind in INPUT_TYPES:
        if _source(f"{kind}.html") == INCLUDE_INPUT:
            writers[f"django/forms/widgets/{kind}.html"] = _input
    return writers


class FormRenderer(DjangoTemplates):
    @cached_property
    def writers(self):
        """The writers of the templates this renderer finds as Django's own files (none that
        an installed app overrides)."""
        return {
            name: writer
            for name, writer in _writers().items()
            if Path(self.engine.get_template(name).origin.name) == WIDGETS / Path(name).name
        }

    def render(self, template_name, context, request=None):
        writer = self.writers.get(template_name)
        html = writer(context["widget"]) if writer is not None else None
        if html is None:
            return super().render(template_name, context, request)
        return html.strip()  # as Django's renderer strips what its template gives
