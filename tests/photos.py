"""Small real images for upload tests, made with Pillow."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(image_format="JPEG", size=(64, 48), colour=(30, 120, 200)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=image_format)
    return buffer.getvalue()


def jpeg_bytes(**kwargs):
    return image_bytes("JPEG", **kwargs)


def photo_upload(name="photo.jpg", image_format="JPEG", **kwargs):
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[image_format]
    return SimpleUploadedFile(name, image_bytes(image_format, **kwargs), content_type=content_type)


def disguised_upload(name="photo.jpg"):
    """A PDF renamed to .jpg: the name says photo, the content does not."""
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "image/jpeg"
    )
