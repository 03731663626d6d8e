"""``manage.py backup FILE``: the database and the uploaded files in one archive
(projects.services.backup)."""

from django.core.management.base import BaseCommand

from projects.services.backup import write_backup


class Command(BaseCommand):
    help = "Write the database and the media files to one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the file to write, e.g. waterworks-20261204.tar.gz")

    def handle(self, *args, archive, **options):
        manifest = write_backup(archive)
        self.stdout.write(
            f"Wrote {archive}: {sum(manifest['rows'].values())} rows, "
            f"{len(manifest['files'])} files."
        )
