"""Thumbnails of uploaded photos, made with Pillow (the photo model makes its own on save)."""

import io
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

THUMBNAIL_SIZE = (320, 320)


def make_thumbnail(photo):
    """Fill ``photo.thumbnail`` with a JPEG at most 320 px on a side, turned upright by the
    camera's orientation tag. The photo itself is not saved here. The image is reduced first
    (a JPEG is decoded at reduced scale) and turned after, so no full-size copy is made."""
    upload = photo.image
    upload.seek(0)
    with Image.open(upload) as image:
        image.thumbnail(THUMBNAIL_SIZE)
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=82, optimize=True)
    upload.seek(0)
    stem = PurePosixPath(upload.name).stem or "photo"
    photo.thumbnail.save(f"{stem}.jpg", ContentFile(buffer.getvalue()), save=False)
