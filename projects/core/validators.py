"""Upload checks: size and type, the type judged by the file's content, not its name."""

import struct

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
# The most pixels a photo may have (a 40-megapixel camera's frame), read from the file's header
# before anything is decoded: a small file of more is a decompression bomb, not a picture. A
# PNG or WebP decodes at full size (3 or 4 bytes a pixel), a JPEG at an eighth of each side.
# ``settings.PHOTO_MAX_PIXELS`` overrides it.
PHOTO_MAX_PIXELS = 40_000_000


def photo_max_pixels():
    from django.conf import settings

    return getattr(settings, "PHOTO_MAX_PIXELS", PHOTO_MAX_PIXELS)


def validate_photo(upload):
    """A JPEG, PNG or WebP photo within ``PHOTO_MAX_BYTES`` and ``photo_max_pixels()`` whose
    content decodes, whole, as the format its name claims. The pixels are counted from the
    header before any decoding; then the image is decoded (a JPEG at reduced scale), so a file
    cut short or damaged is refused here, not when its thumbnail is made."""
    from django.conf import settings
    from django.db.models.fields.files import FieldFile
    from PIL import Image, UnidentifiedImageError

    if isinstance(upload, FieldFile) and upload._committed:
        return  # a stored photo, checked when it was uploaded (a record saved again)
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
    max_pixels = photo_max_pixels()
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    try:
        with Image.open(upload, formats=list(PHOTO_FORMATS)) as image:
            _check_photo(image, extension, max_pixels)
            # Decode it all: a truncated or damaged file fails here. A JPEG decodes at an
            # eighth of each side, enough to read every byte of it.
            image.draft(None, (1, 1))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard, beyond twice its limit (or once, when warnings are errors).
        raise ValidationError(
            _("The photo has more than %(limit)s pixels: reduce it and upload it again."),
            params={"limit": f"{max_pixels:,}"},
            code="too_many_pixels",
        ) from None
    except (UnidentifiedImageError, SyntaxError) as error:
        raise _not_a_photo() from error
    except (OSError, ValueError, EOFError, struct.error) as error:
        raise ValidationError(
            _(
                "The photo is damaged or incomplete (it may not have been copied or uploaded "
                "whole): choose it again."
            ),
            code="damaged",
        ) from error
    finally:
        upload.seek(position)


def _not_a_photo():
    return ValidationError(
        _("The file is not a photo: its content is not a JPEG, PNG or WebP image."),
        code="disguised",
    )


def _check_photo(image, extension, max_pixels):
    """The format and size an opened (not yet decoded) image declares."""
    if image.format not in PHOTO_FORMATS:
        raise _not_a_photo()
    if extension not in PHOTO_FORMATS[image.format]:
        raise ValidationError(
            _("The file's content is not the %(type)s its name claims."),
            params={"type": extension[1:].upper()},
            code="disguised",
        )
    width, height = image.size
    if width * height > max_pixels:
        raise ValidationError(
            _(
                "The photo is %(width)s × %(height)s pixels; at most %(limit)s pixels are "
                "accepted: reduce it and upload it again."
            ),
            params={
                "width": width,
                "height": height,
                "limit": f"{max_pixels:,}",
            },
            code="too_many_pixels",
        )
