"""Give every record that has no audit history a first ("created") history row.

Fixtures are loaded with raw saves, which django-simple-history does not record; run this after
``loaddata`` so each record's history starts from the data it was seeded with. Idempotent: a
record that already has history is left alone."""

from django.apps import apps
from django.core.management.base import BaseCommand
from simple_history.models import registered_models


class Command(BaseCommand):
    help = "Create a first history row for every record that has none."

    def handle(self, *args, **options):
        for model in apps.get_app_config("projects").get_models():
            if model not in registered_models.values():
                continue
            manager = model.history
            recorded = manager.values_list(manager.model.instance_type._meta.pk.attname, flat=True)
            missing = list(model.objects.exclude(pk__in=recorded))
            if missing:
                manager.bulk_history_create(missing, default_change_reason="initial data")
                self.stdout.write(f"{model._meta.label}: {len(missing)} first history rows")
