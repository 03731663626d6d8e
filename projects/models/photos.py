"""Before/after photos attached to measures, patrol records, complaint steps and outfalls."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.core.images import make_thumbnail
from projects.core.validators import validate_photo


class Photo(models.Model):
    """One photo of something on site. The file lives under ``MEDIA_ROOT/photos/`` and is only
    ever served through the login-protected photo views, never as a public media URL."""

    class Phase(models.TextChoices):
        BEFORE = "before", _("Before")
        AFTER = "after", _("After")
        OTHER = "other", _("On site")

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("attached to (type)")
    )
    object_id = models.PositiveBigIntegerField(_("attached to (id)"))
    subject = GenericForeignKey("content_type", "object_id")
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices, default=Phase.OTHER)
    image = models.ImageField(
        _("photo"),
        upload_to="photos/%Y/%m/",
        validators=[validate_photo],
        help_text=_("A JPEG, PNG or WebP photo of at most 8 MB."),
    )
    thumbnail = models.ImageField(_("thumbnail"), upload_to="photos/thumbs/%Y/%m/", blank=True)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["content_type", "object_id", "phase", "pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        indexes = [models.Index(fields=["content_type", "object_id"], name="photo_subject")]

    def __str__(self):
        return self.caption or f"{self.get_phase_display()} #{self.pk}"

    def save(self, *args, **kwargs):

        # A new upload (a photo added, or its image replaced) gets its own thumbnail.
        if self.image and (not self.thumbnail or not self.image._committed):
            make_thumbnail(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("projects:photo", args=[self.pk])

    def get_thumbnail_url(self):
        return reverse("projects:photo-thumbnail", args=[self.pk])
