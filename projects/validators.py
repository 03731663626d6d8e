"""Upload checks: size and type, the type judged by the file's content, not its name."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024

# Leading bytes of the document types a completion record may carry.
SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
}


def validate_evidence(upload):
    """A PDF, image or Office document of at most 10 MB whose content matches its extension."""
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            _("The file is %(size)s; at most %(limit)s is accepted."),
            params={
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(MAX_EVIDENCE_BYTES),
            },
            code="too_large",
        )
    name = upload.name.lower()
    extension = name[name.rfind(".") :] if "." in name else ""
    if extension not in SIGNATURES:
        raise ValidationError(
            _("Only PDF, PNG, JPEG, DOCX and XLSX files are accepted."), code="type"
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    if not any(head.startswith(signature) for signature in SIGNATURES[extension]):
        raise ValidationError(
            _("The file's content is not the %(type)s its name claims."),
            params={"type": extension[1:].upper()},
            code="disguised",
        )


# Photos: the formats a phone or camera gives, judged by decoding the image, not by its name.
PHOTO_FORMATS = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",), "WEBP": (".webp",)}
PHOTO_MAX_PIXELS = 50_000_000  # beyond this a "photo" is a decompression bomb, not a picture


def validate_photo(upload):
    """A JPEG, PNG or WebP photo within ``PHOTO_MAX_BYTES`` whose content decodes as the
    format its name claims."""
    from django.conf import settings
    from PIL import Image, UnidentifiedImageError

    limit = settings.PHOTO_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The photo is %(size)s; at most %(limit)s is accepted."),
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    name = upload.name.lower()
    extension = name[name.rfind(".") :] if "." in name else ""
    if not any(extension in extensions for extensions in PHOTO_FORMATS.values()):
        raise ValidationError(_("Only JPEG, PNG and WebP photos are accepted."), code="type")
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        image_format = None
    finally:
        upload.seek(position)
    if image_format not in PHOTO_FORMATS:
        raise ValidationError(
            _("The file is not a photo: its content is not a JPEG, PNG or WebP image."),
            code="disguised",
        )
    if extension not in PHOTO_FORMATS[image_format]:
        raise ValidationError(
            _("The file's content is not the %(type)s its name claims."),
            params={"type": extension[1:].upper()},
            code="disguised",
        )
    if width * height > PHOTO_MAX_PIXELS:
        raise ValidationError(
            _("The photo is %(width)s × %(height)s pixels; at most 50 million are accepted."),
            params={"width": width, "height": height},
            code="too_many_pixels",
        )
