"""Each patrol post's latest patrol of each channel it covers, stored (PostChannelPatrol) so the
channels left unpatrolled too long are a plain filter over the posts' channels instead of a
search for the latest of all the patrol records; filled from the records."""

import django.db.models.deletion
from django.db import migrations, models

from projects.core.roles import sync_groups as sync_roles


def fill(apps, schema_editor):
    table = apps.get_model("projects", "PostChannelPatrol")._meta.db_table
    through = apps.get_model("projects", "PatrolPost").channels.through._meta.db_table
    records = apps.get_model("projects", "PatrolRecord")._meta.db_table
    schema_editor.execute(
        f'INSERT INTO "{table}" (post_id, channel_id, last_patrolled_at) '
        "SELECT t.patrolpost_id, t.channel_id, MAX(r.patrolled_at) "
        f'FROM "{through}" t LEFT JOIN "{records}" r '
        "ON r.post_id = t.patrolpost_id AND r.channel_id = t.channel_id "
        "GROUP BY t.patrolpost_id, t.channel_id"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0020_list_and_deadline_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="PostChannelPatrol",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "last_patrolled_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="last patrolled at"),
                ),
                (
                    "channel",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="projects.channel",
                        verbose_name="channel",
                    ),
                ),
                (
                    "post",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="channel_patrols",
                        to="projects.patrolpost",
                        verbose_name="post",
                    ),
                ),
            ],
            options={
                "verbose_name": "latest patrol of a post's channel",
                "verbose_name_plural": "latest patrols of the posts' channels",
                "ordering": ["post", "channel"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("post", "channel"), name="postchannelpatrol_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        # The roles' permissions on the new model (viewers see it; administrators may delete
        # its rows, so that deleting a post or a channel in the admin takes them along).
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
