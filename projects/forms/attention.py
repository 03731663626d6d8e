"""The filter of the "needs attention" list: by kind and by severity, 全部 by default."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from projects.services.alert_rules import Kind, Severity


class AttentionFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", settings.FILTERS_EMPTY_CHOICE_LABEL), *Kind.choices],
        required=False,
    )
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=[("", settings.FILTERS_EMPTY_CHOICE_LABEL), *Severity.choices],
        required=False,
    )

    def choice(self, name):
        """The value chosen for ``name``, or None for 全部 or a value not offered."""
        if not self.is_valid():
            return None
        return self.cleaned_data.get(name) or None
