from django.db import migrations, models


class Migration(migrations.Migration):
    """Each post's latest patrol of each of its channels read from the index alone: the
    stations' overdue channels (``projects.services.patrols``)."""

    dependencies = [
        ("projects", "0018_job_heartbeat_ledger_alerts"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="patrolrecord",
            index=models.Index(
                fields=["post", "channel", "-patrolled_at"], name="patrol_post_channel_latest"
            ),
        ),
    ]
