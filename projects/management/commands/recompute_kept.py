"""``manage.py recompute_kept``: the figures kept beside the records read again from them (after
loading records in bulk, e.g. with COPY): each patrol post's latest patrol of each of its
channels, each channel's latest black-odour judgement and latest sampling round, and each river
chief's term's last inspection."""

from django.core.management.base import BaseCommand

from projects.services import chief_latest, judgement_latest, patrol_latest, round_latest


class Command(BaseCommand):
    help = (
        "Recompute the figures kept beside the records: each patrol post's latest patrol of "
        "each channel it covers, each channel's latest black-odour judgement and sampling "
        "round, each river chief's term's last inspection (run after loading records in bulk)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        rows = patrol_latest.recompute(using=database)
        self.stdout.write(f"{rows} channels of patrol posts, each with its latest patrol.")
        channels = judgement_latest.recompute(using=database)
        self.stdout.write(f"{channels} channels with a latest black-odour judgement.")
        terms = chief_latest.recompute(using=database)
        self.stdout.write(f"{terms} river chiefs' terms, each with its last inspection.")
        channels = round_latest.recompute(using=database)
        self.stdout.write(f"{channels} channels, each with its latest sampling round.")
