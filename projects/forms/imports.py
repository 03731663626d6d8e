"""The upload form of the import pages (site and admin)."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from projects.services.imports.readers import file_format, max_file_bytes, max_rows, size_refusal


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV or XLSX, at most %(size)s and %(rows)s rows; the first row names the columns."
        ) % {"size": filesizeformat(max_file_bytes()), "rows": f"{max_rows():,}"}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if file_format(upload.name) is None:
            raise ValidationError(_("Choose a file ending in .csv or .xlsx."), code="type")
        if (message := size_refusal(upload.size)) is not None:
            raise ValidationError(message, code="too_large")
        return upload
