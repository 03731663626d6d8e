"""Times as they happened: a complaint step keeps when it was entered (``recorded_at``) beside
when it happened (``at``), and times before 1990 or in the future are refused. A complaint can
name the plan problem it concerns.

Existing steps were stamped when they were entered: that becomes their ``recorded_at``. A
complaint's 发现 step happened when the complaint was received, so its ``at`` becomes the
complaint's ``received_at`` (a case received in 2018 and entered later was found in 2018)."""

import django.db.models.deletion
import django.utils.timezone
import projects.core.event_times
from django.db import migrations, models


def keep_entry_times(apps, schema_editor):
    ComplaintStep = apps.get_model("projects", "ComplaintStep")
    steps = ComplaintStep.objects.select_related("complaint").order_by("complaint", "at", "pk")
    found_seen = set()
    changed = []
    for step in steps.iterator(chunk_size=2000):
        step.recorded_at = step.at
        if step.stage == "found" and step.complaint_id not in found_seen:
            found_seen.add(step.complaint_id)
            step.at = step.complaint.received_at
        changed.append(step)
        if len(changed) >= 2000:
            ComplaintStep.objects.bulk_update(changed, ["at", "recorded_at"])
            changed = []
    if changed:
        ComplaintStep.objects.bulk_update(changed, ["at", "recorded_at"])


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0008_daily_operations_data'),
    ]

    operations = [
        migrations.AddField(
            model_name='complaint',
            name='problem',
            field=models.ForeignKey(blank=True, help_text="The problem of the channel's one-river-one-policy plan it concerns, if any.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='complaints', to='projects.problem', verbose_name='plan problem'),
        ),
        migrations.AddField(
            model_name='complaintstep',
            name='recorded_at',
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now, verbose_name='entered at'),
            preserve_default=False,
        ),
        migrations.RunPython(keep_entry_times, migrations.RunPython.noop),
        migrations.AddField(
            model_name='historicalcomplaint',
            name='problem',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text="The problem of the channel's one-river-one-policy plan it concerns, if any.", null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='projects.problem', verbose_name='plan problem'),
        ),
        migrations.AlterField(
            model_name='complaint',
            name='received_at',
            field=models.DateTimeField(default=django.utils.timezone.now, validators=[projects.core.event_times.validate_event_time], verbose_name='received at'),
        ),
        migrations.AlterField(
            model_name='complaintstep',
            name='at',
            field=models.DateTimeField(default=django.utils.timezone.now, validators=[projects.core.event_times.validate_event_time], verbose_name='time'),
        ),
        migrations.AlterField(
            model_name='historicalcomplaint',
            name='received_at',
            field=models.DateTimeField(default=django.utils.timezone.now, validators=[projects.core.event_times.validate_event_time], verbose_name='received at'),
        ),
        migrations.AlterField(
            model_name='historicalpatrolrecord',
            name='patrolled_at',
            field=models.DateTimeField(validators=[projects.core.event_times.validate_event_time], verbose_name='patrolled at'),
        ),
        migrations.AlterField(
            model_name='patrolrecord',
            name='patrolled_at',
            field=models.DateTimeField(validators=[projects.core.event_times.validate_event_time], verbose_name='patrolled at'),
        ),
    ]
