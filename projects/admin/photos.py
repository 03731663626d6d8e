"""Photos in the admin: a generic inline for every record that carries photos (measures,
patrol records, complaint steps), with thumbnails, and a read-mostly list of all photos. A photo
added on its own is attached to one of those records, which must exist."""

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.forms import BaseGenericInlineFormSet
from django.contrib.contenttypes.models import ContentType
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from projects.admin.audit import HistoryAdmin
from projects.admin.base import AdminForm
from projects.models import Photo
from projects.services.photos import photo_subject_models


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
    form = AdminForm
    formset = PhotoFormSet
    extra = 1
    fields = ["phase", "image", "preview", "caption", "taken_at"]
    readonly_fields = ["preview"]

    @admin.display(description=_("thumbnail"))
    def preview(self, photo):
        return thumbnail(photo)


class PhotoAdminForm(AdminForm):
    """A photo attached to an existing measure, patrol record or complaint step; anything
    else is refused beside its field."""

    class Meta:
        model = Photo
        fields = ["content_type", "object_id", "phase", "image", "caption", "taken_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "content_type" not in self.fields:
            return
        models = photo_subject_models()
        types = ContentType.objects.get_for_models(*models)
        field = self.fields["content_type"]
        field.queryset = ContentType.objects.filter(pk__in=[t.pk for t in types.values()])
        field.error_messages["invalid_choice"] = _("Photos can be attached only to: %(types)s.") % {
            "types": "、".join(str(model._meta.verbose_name) for model in models)
        }

    def clean(self):
        cleaned = super().clean()
        content_type = cleaned.get("content_type")
        object_id = cleaned.get("object_id")
        if content_type is None or object_id is None:
            return cleaned
        model = content_type.model_class()
        if model is None or not model._default_manager.filter(pk=object_id).exists():
            self.add_error(
                "object_id",
                _("There is no %(type)s with the id %(id)s.")
                % {"type": content_type.name, "id": object_id},
            )
        return cleaned


@admin.register(Photo)
class PhotoAdmin(HistoryAdmin):
    form = PhotoAdminForm
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
