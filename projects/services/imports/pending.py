"""An uploaded file between the dry run and the confirmation.

The file is stored under ``imports/`` of the default storage (``MEDIA_ROOT/imports/``) with a
random name; the session remembers the token with the kind, the original name and the user,
so only the session and user that uploaded it can see its preview or confirm it. Beside the
file, ``<token>.json`` keeps the dry run's result, so the preview pages (errors paginated) do
not read the file again. Both are deleted after the confirmation; files left behind by
sessions that never confirmed are deleted a day later, at the next upload.
"""

import datetime
import json
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.utils import timezone

from projects.services.imports.base import ImportResult

FOLDER = "imports"
SESSION_KEY = "pending_imports"
MAX_AGE = datetime.timedelta(days=1)


@dataclass
class PendingUpload:
    token: str
    kind: str
    name: str
    extension: str

    @property
    def path(self):
        return f"{FOLDER}/{self.token}.{self.extension}"

    @property
    def result_path(self):
        return f"{FOLDER}/{self.token}.json"

    def open(self):
        return default_storage.open(self.path, "rb")

    def save_result(self, result):
        content = json.dumps(result.to_dict(), ensure_ascii=False).encode()
        default_storage.delete(self.result_path)
        default_storage.save(self.result_path, ContentFile(content))

    def load_result(self):
        try:
            with default_storage.open(self.result_path, "rb") as file:
                return ImportResult.from_dict(json.loads(file.read()))
        except (FileNotFoundError, ValueError, KeyError):
            return None


def store(request, kind, upload):
    """Keep ``upload`` for the user's session; returns the ``PendingUpload``."""
    remove_stale()
    extension = upload.name.rsplit(".", 1)[-1].lower()
    pending = PendingUpload(secrets.token_hex(16), kind, upload.name, extension)
    upload.seek(0)
    saved = default_storage.save(pending.path, upload)
    if saved != pending.path:  # a random name never collides; be sure all the same
        default_storage.delete(saved)
        raise RuntimeError("import token collision")
    entries = request.session.get(SESSION_KEY, {})
    entries[pending.token] = {
        "kind": kind,
        "name": upload.name,
        "extension": extension,
        "user": request.user.pk,
    }
    request.session[SESSION_KEY] = entries
    return pending


def find(request, kind, token):
    """The pending upload of this session and user, of this kind, or 404."""
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if entry is None or entry["kind"] != kind or entry["user"] != request.user.pk:
        raise Http404
    pending = PendingUpload(token, kind, entry["name"], entry["extension"])
    if not default_storage.exists(pending.path):
        forget(request, pending)
        raise Http404
    return pending


def discard(request, pending):
    default_storage.delete(pending.path)
    default_storage.delete(pending.result_path)
    forget(request, pending)


def forget(request, pending):
    entries = request.session.get(SESSION_KEY, {})
    if entries.pop(pending.token, None) is not None:
        request.session[SESSION_KEY] = entries


def remove_stale():
    try:
        _folders, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    limit = timezone.now() - MAX_AGE
    for name in names:
        path = f"{FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
        except FileNotFoundError:
            continue
