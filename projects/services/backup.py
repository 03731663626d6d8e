"""Back up and restore the database and the uploaded files together, as one archive.

``manage.py backup FILE`` writes a gzipped tar with:

- ``manifest.json``: when, the applied migrations, the number of rows per model, and the
  SHA-256 of every file under ``MEDIA_ROOT``;
- ``data.json``: every row of every model (Django's ``dumpdata`` with natural keys, so content
  types and permissions match on another database; audit history included; sessions and login
  attempts left out);
- ``media/…``: the evidence files, photos and thumbnails.

``manage.py restore FILE`` loads such an archive into a migrated database that holds no data
(or, with ``--replace``, empties it first), in one transaction, then writes the files and
checks every row count and file checksum against the manifest. Nothing is half-restored: a
failure in the data rolls the database back before any file is written.

The archive is database-neutral: a backup of SQLite restores into PostgreSQL and back."""

import contextlib
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from projects.services import chief_latest, judgement_latest, patrol_latest, round_latest

FORMAT = 1
EXCLUDED = ("contenttypes", "auth.permission", "sessions", "axes", "admin.logentry")


class BackupError(Exception):
    pass


def media_root():
    return Path(settings.MEDIA_ROOT)


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def media_files():
    root = media_root()
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): sha256(path)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def counted_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in ("contenttypes", "sessions", "axes")
        and model._meta.label_lower not in ("auth.permission", "admin.logentry")
        and not model._meta.proxy
        and model._meta.managed
    ]


def row_counts():
    return {model._meta.label: model._base_manager.count() for model in counted_models()}


def applied_migrations():
    return sorted(
        f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
    )


def write_backup(target):
    """Write the archive to ``target`` (a path); returns the manifest."""
    data = io.StringIO()
    call_command(
        "dumpdata",
        exclude=list(EXCLUDED),
        natural_foreign=True,
        natural_primary=True,
        stdout=data,
        verbosity=0,
    )
    payload = data.getvalue().encode("utf-8")
    files = media_files()
    manifest = {
        "format": FORMAT,
        "created": timezone.now().isoformat(),
        "migrations": applied_migrations(),
        "rows": row_counts(),
        "files": files,
    }
    with tarfile.open(target, "w:gz") as archive:
        for name, content in (
            ("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode()),
            ("data.json", payload),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            info.mtime = int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(content))
        for name in files:
            archive.add(media_root() / name, arcname=f"media/{name}", recursive=False)
    return manifest


def read_manifest(archive):
    try:
        member = archive.getmember("manifest.json")
    except KeyError:
        raise BackupError("This is not a Waterworks backup: it has no manifest.json.") from None
    manifest = json.load(archive.extractfile(member))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


# What the migrations themselves write into a new database: not the office's data.
SEEDED_BY_MIGRATIONS = ("auth.Group", "projects.DefectCode", "projects.AssessmentItem")


@contextlib.contextmanager
def history_off():
    """django-simple-history records nothing while this lasts (SIMPLE_HISTORY_ENABLED)."""
    from django.test.utils import override_settings

    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        yield


def holds_data():
    return any(
        model._base_manager.exists()
        for model in counted_models()
        if model._meta.label not in SEEDED_BY_MIGRATIONS
    )


def restore_backup(source, replace=False):
    """Restore the archive at ``source``; returns the manifest. Raises ``BackupError``."""
    with tarfile.open(source, "r:gz") as archive:
        manifest = read_manifest(archive)
        missing = sorted(set(manifest["migrations"]) - set(applied_migrations()))
        if missing:
            raise BackupError(
                "The database lacks migrations the backup was made with; run `manage.py "
                f"migrate` first (missing: {', '.join(missing[:5])}…)."
            )
        with tempfile.TemporaryDirectory() as folder:
            data_path = Path(folder) / "data.json"
            with open(data_path, "wb") as out:
                shutil.copyfileobj(archive.extractfile("data.json"), out)
            with transaction.atomic():
                if holds_data() and not replace:
                    raise BackupError(
                        "The database already holds data: restore into an empty, migrated "
                        "database, or pass --replace to empty this one first."
                    )
                if connection.vendor == "postgresql":
                    # Deferred foreign-key checks still pending in this transaction would make
                    # PostgreSQL refuse the TRUNCATE of the flush below: run them now.
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                # The backup carries the rows the migrations wrote too (roles, codes, items).
                call_command("flush", interactive=False, verbosity=0)
                if connection.vendor == "postgresql":
                    # Back to checking at commit: loaddata inserts rows before their targets.
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                # The history rows come from the backup: loading must not add its own (setting
                # many-to-many fields would record a change of every project and post).
                with history_off():
                    call_command("loaddata", str(data_path), verbosity=0)
                counts = row_counts()
                wrong = {
                    label: (count, counts.get(label))
                    for label, count in manifest["rows"].items()
                    if counts.get(label) != count
                }
                if wrong:
                    raise BackupError(f"Row counts differ after loading: {wrong}")
                # Each post channel's latest patrol, each channel's latest judgement and
                # sampling round, each river chief's term's last inspection are derived from
                # the records: worked out again, so a backup made before they were kept (or
                # edited by hand) restores right.
                patrol_latest.recompute()
                judgement_latest.recompute()
                chief_latest.recompute()
                round_latest.recompute()
        restore_files(archive, manifest, replace)
    # Content types were recreated: drop the ids this process remembers of them.
    ContentType.objects.clear_cache()
    return manifest


def restore_files(archive, manifest, replace):
    root = media_root()
    if replace and root.exists():  # the files of the replaced database
        for path in root.iterdir():
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    root.mkdir(parents=True, exist_ok=True)
    for name, digest in manifest["files"].items():
        target = (root / name).resolve()
        if root.resolve() not in target.parents:
            raise BackupError(f"Refusing a file outside the media folder: {name}")
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as out:
            shutil.copyfileobj(archive.extractfile(f"media/{name}"), out)
        if sha256(target) != digest:
            raise BackupError(f"Checksum mismatch for {name}")
        os.chmod(target, 0o640)
