"""URL-walk rules for the photo views (see tests/test_urls.py, AREA_RULES)."""

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import reverse

from projects.models import Measure, Photo
from tests.photos import jpeg_bytes

SEEN = {"get": 200, "post": 405}


def setup(cls):
    measure = Measure.objects.order_by("pk").first()
    cls.photo = Photo(
        content_type=ContentType.objects.get_for_model(Measure),
        object_id=measure.pk,
        phase=Photo.Phase.BEFORE,
    )
    cls.photo.image.save("before.jpg", ContentFile(jpeg_bytes()), save=False)
    cls.photo.save()


def rules(t):
    from tests.test_urls import LOGIN, Case, table

    # Every logged-in user sees a photo; anonymous is sent to log in and gets no photo.
    read = table((LOGIN, LOGIN), (200, 405), (200, 405), (200, 405), (200, 405))
    return {
        "projects:photo": [Case("", reverse("projects:photo", args=[t.photo.pk]), read)],
        "projects:photo-thumbnail": [
            Case("", reverse("projects:photo-thumbnail", args=[t.photo.pk]), read)
        ],
    }
