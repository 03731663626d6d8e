"""Photos in the admin: a generic inline for every record that carries photos (measures,
patrol records, complaint steps), with thumbnails, and a read-mostly list of all photos."""

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.forms import BaseGenericInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import Photo
from .audit import HistoryAdmin


def thumbnail(photo):
    if not photo.pk or not photo.thumbnail:
        return "-"
    return format_html(
        '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="" width="96"></a>',
        photo.get_absolute_url(),
        photo.get_thumbnail_url(),
    )


thumbnail.short_description = _("thumbnail")


class PhotoFormSet(BaseGenericInlineFormSet):
    def phases(self):
        """The phases of the photos the record will have once this formset is saved."""
        kept = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            if form.cleaned_data.get("image") or form.instance.pk:
                kept.append(form.cleaned_data.get("phase") or form.instance.phase)
        return kept


class PhotoInline(GenericTabularInline):
    model = Photo
    formset = PhotoFormSet
    extra = 1
    fields = ["phase", "image", "preview", "caption", "taken_at"]
    readonly_fields = ["preview"]

    @admin.display(description=_("thumbnail"))
    def preview(self, photo):
        return thumbnail(photo)


@admin.register(Photo)
class PhotoAdmin(HistoryAdmin):
    list_display = ["preview", "subject_text", "phase", "caption", "uploaded_by", "uploaded_at"]
    list_filter = ["phase", "content_type"]
    list_select_related = ["content_type", "uploaded_by"]
    search_fields = ["caption"]
    fields = ["content_type", "object_id", "phase", "image", "preview", "caption", "taken_at"]
    readonly_fields = ["preview"]

    @admin.display(description=_("thumbnail"))
    def preview(self, photo):
        return thumbnail(photo)

    @admin.display(description=_("attached to"))
    def subject_text(self, photo):
        return f"{photo.content_type.name} #{photo.object_id}"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
