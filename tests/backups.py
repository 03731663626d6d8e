"""What the tests of kept figures share: the database written to a backup and restored from it
(``projects.services.backup``), in a folder of its own that goes when done."""

import tempfile
from pathlib import Path

from django.test import override_settings

from projects.services.backup import restore_backup, write_backup


def back_up_and_restore():
    """Write a backup of the database and restore it in place of what is there."""
    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder) / "backup.tar.gz"
        with override_settings(MEDIA_ROOT=folder + "/media"):
            write_backup(archive)
            restore_backup(archive, replace=True)
