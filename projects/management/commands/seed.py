"""Load the Xiangzhou 2018 article data into a database that holds none of it yet.

``loaddata`` writes rows with fixed primary keys: run again, it overwrites whatever the office
changed since (and django-concurrency refuses it once a row's version moved on). ``seed`` never
overwrites: when any table the article data goes into already has a row, it changes nothing and
says so; only into empty tables does it load the article, in one transaction."""

from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

FIXTURE = "xiangzhou_2018"


def fixture_path(name=FIXTURE):
    return Path(settings.BASE_DIR) / "fixtures" / f"{name}.json"


def fixture_models(path):
    """{model: number of rows} of the fixture at ``path``."""
    with path.open(encoding="utf-8") as stream:
        return Counter(
            type(item.object)
            for item in serializers.deserialize("json", stream, ignorenonexistent=True)
        )


class Command(BaseCommand):
    help = (
        "Load the article's data (fixtures/xiangzhou_2018.json) into an empty database. If any "
        "of its tables already holds rows, change nothing: the data is the office's now."
    )

    def handle(self, *args, **options):
        path = fixture_path()
        models = fixture_models(path)
        present = {
            model: model._base_manager.count()
            for model in sorted(models, key=lambda m: m._meta.label)
        }
        occupied = {model: count for model, count in present.items() if count}
        if occupied:
            self.stdout.write(
                f"The database already holds {sum(occupied.values())} rows in "
                f"{len(occupied)} of the article data's {len(models)} tables: nothing was "
                "loaded and no row was changed."
            )
            return
        with transaction.atomic():
            call_command("loaddata", str(path), verbosity=0)
        self.stdout.write(
            f"Loaded the article data into the empty database: {sum(models.values())} rows "
            f"in {len(models)} tables."
        )
