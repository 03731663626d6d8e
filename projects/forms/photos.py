"""A form field for several photos at once (a phone's gallery or camera), each checked by
``validate_photo``; views save them with ``projects.services.photos.attach_photos``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.core.validators import validate_photo

MAX_PHOTOS_PER_UPLOAD = 10


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True

    def __init__(self, attrs=None):
        super().__init__({"accept": "image/jpeg,image/png,image/webp", **(attrs or {})})


class MultiplePhotoField(forms.FileField):
    """Zero or more photos; ``cleaned_data`` is a list of uploads."""

    widget = MultiplePhotoInput
    default_error_messages = {
        "too_many": _("At most %(limit)s photos can be uploaded at once."),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("JPEG, PNG or WebP photos of at most 8 MB each."))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        uploads = data if isinstance(data, (list, tuple)) else [data]
        if len(uploads) > MAX_PHOTOS_PER_UPLOAD:
            raise forms.ValidationError(
                self.error_messages["too_many"],
                code="too_many",
                params={"limit": MAX_PHOTOS_PER_UPLOAD},
            )
        errors = []
        cleaned = []
        for upload in uploads:
            single = super().clean(upload, initial)
            try:
                validate_photo(single)
            except forms.ValidationError as error:
                for message in error.messages:
                    errors.append(f"{upload.name}: {message}")
                continue
            cleaned.append(single)
        if errors:
            raise forms.ValidationError(errors)
        return cleaned
