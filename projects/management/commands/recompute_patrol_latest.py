"""``manage.py recompute_patrol_latest``: each post's latest patrol of each of its channels read
again from the patrol records (after loading them in bulk, e.g. with COPY)."""

from django.core.management.base import BaseCommand

from projects.services.patrol_latest import recompute


class Command(BaseCommand):
    help = (
        "Recompute each patrol post's latest patrol of each channel it covers from the patrol "
        "records (run after loading records or posts' channels in bulk)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        rows = recompute(using=database)
        self.stdout.write(f"{rows} channels of patrol posts, each with its latest patrol.")
