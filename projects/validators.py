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
