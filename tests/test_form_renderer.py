"""The site's form renderer writes the plain widgets in Python: the same HTML as Django's
templates, byte for byte, for inputs of every type handled, selects (single, multiple, with
groups, with a choice selected), textareas, attributes true, false and with values to escape,
values safe and not; every other widget is Django's template as before; and the forms of the
site's pages are written by it."""

import datetime
from decimal import Decimal

from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.test import SimpleTestCase
from django.utils.safestring import mark_safe

from projects.forms.renderer import FormRenderer

HOSTILE = '"><script>alert(1)</script>&'


class Everything(forms.Form):
    text = forms.CharField(
        initial=HOSTILE,
        widget=forms.TextInput(
            attrs={
                "placeholder": "名称 & “引号”",
                "autofocus": True,
                "data-safe": mark_safe("已转义 &amp; 不再转义"),
            }
        ),
    )
    blank = forms.CharField(required=False)
    number = forms.DecimalField(initial=Decimal("12.50"), widget=forms.NumberInput)
    when = forms.DateField(initial=datetime.date(2018, 5, 2), widget=forms.DateInput)
    at = forms.DateTimeField(
        initial=datetime.datetime(2018, 5, 2, 9, 30),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    hidden = forms.CharField(initial="7", widget=forms.HiddenInput)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), initial="x<y")
    mail = forms.EmailField(initial="a@b.cn")
    site = forms.URLField(initial="https://example.gov.cn/?a=1&b=2", assume_scheme="https")
    phone = forms.CharField(widget=forms.TextInput(attrs={"type": "tel", "disabled": False}))
    agreed = forms.BooleanField(initial=True, required=False)
    refused = forms.BooleanField(initial=False, required=False)
    kind = forms.ChoiceField(
        choices=[("", "---------"), ("a", "甲 & 乙"), ("b", mark_safe("<b>乙</b>"))],
        initial="a",
    )
    grouped = forms.ChoiceField(
        choices=[("水体", [("1", "黑臭"), ("2", "不黑不臭")]), ("其他", [("3", "未评定")])],
        initial="2",
    )
    many = forms.MultipleChoiceField(
        choices=[(1, "一"), (2, "二"), (3, "三")], initial=[1, 3], required=False
    )
    note = forms.CharField(widget=forms.Textarea, initial="第一行\n<第二行>")
    empty_note = forms.CharField(widget=forms.Textarea, required=False)
    choice = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect)
    upload = forms.FileField(required=False)


class RendererTests(SimpleTestCase):
    def test_every_widget_is_written_as_djangos_templates_write_it(self):
        fast, django = FormRenderer(), DjangoTemplates()
        for data in (None, {"text": HOSTILE, "many": ["2"], "kind": "b", "grouped": "3"}):
            for name in Everything.base_fields:
                with self.subTest(field=name, bound=data is not None):
                    field = Everything(data=data)[name]
                    widget, html_name, value = field.field.widget, field.html_name, field.value()
                    self.assertEqual(
                        widget.render(html_name, value, renderer=fast),
                        widget.render(html_name, value, renderer=django),
                    )

    def test_it_writes_the_plain_widgets_itself_and_leaves_the_others_to_django(self):
        written = FormRenderer().writers
        for kind in ("text", "number", "date", "hidden", "checkbox", "select", "textarea"):
            self.assertIn(f"django/forms/widgets/{kind}.html", written)
        for kind in ("radio", "clearable_file_input", "multiwidget", "checkbox_select"):
            self.assertNotIn(f"django/forms/widgets/{kind}.html", written)

    def test_the_site_renders_its_forms_with_it(self):
        self.assertIsInstance(get_default_renderer(), FormRenderer)
