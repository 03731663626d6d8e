"""Give every record that has no audit history a first ("created") history row.

Fixtures are loaded with raw saves, which django-simple-history does not record, and records
made before their model kept history (user accounts, user profiles, complaint steps, source
paragraphs before migration 0012) have none either; run this after ``loaddata`` or ``migrate``
so each record's history starts from the data it holds. The first row carries the record's
many-to-many values too (a user's groups, a task's supporting units), so that the next change
shows only what changed. Idempotent: a record that already has history is left alone."""

from django.apps import apps
from django.core.management.base import BaseCommand
from simple_history.models import HistoricalRecords


class Command(BaseCommand):
    help = "Create a first history row for every record that has none."

    def handle(self, *args, **options):
        for model in apps.get_models():
            manager_name = getattr(model._meta, "simple_history_manager_attribute", None)
            if manager_name is None:
                continue
            manager = getattr(model, manager_name)
            pk_name = manager.model.instance_type._meta.pk.attname
            recorded = manager.values_list(pk_name, flat=True)
            missing = list(model._default_manager.exclude(pk__in=recorded))
            if missing:
                manager.bulk_history_create(missing, default_change_reason="initial data")
                copy_m2m_values(manager, pk_name, [obj.pk for obj in missing])
                self.stdout.write(f"{model._meta.label}: {len(missing)} first history rows")


def copy_m2m_values(manager, pk_name, pks):
    """Copy the current many-to-many rows of the records ``pks`` into their (only) history
    rows: ``bulk_history_create`` leaves them out. One query per field and a batch of
    inserts."""
    history_model = manager.model
    if not history_model._history_m2m_fields:
        return
    records = {
        getattr(record, pk_name): record
        for record in history_model.objects.filter(**{f"{pk_name}__in": pks})
    }
    for field in history_model._history_m2m_fields:
        through = field.remote_field.through
        source = through._meta.get_field(field.m2m_field_name()).attname
        attnames = [f.attname for f in through._meta.concrete_fields]
        HistoricalRecords.m2m_models[field].objects.bulk_create(
            HistoricalRecords.m2m_models[field](
                history=records[getattr(row, source)],
                **{attname: getattr(row, attname) for attname in attnames},
            )
            for row in through.objects.filter(**{f"{source}__in": pks})
        )
