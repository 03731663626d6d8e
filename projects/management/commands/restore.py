"""``manage.py restore FILE``: load a backup archive into an empty, migrated database and
write its files (projects.services.backup)."""

from django.core.management.base import BaseCommand, CommandError

from projects.services.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty, migrated database (or, "
        "with --replace, into this one after emptying it) and write its media files."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="empty the database and the media folder first (their data is lost)",
        )

    def handle(self, *args, archive, replace, **options):
        try:
            manifest = restore_backup(archive, replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored {archive}: {sum(manifest['rows'].values())} rows, "
            f"{len(manifest['files'])} files, counts and checksums checked."
        )
