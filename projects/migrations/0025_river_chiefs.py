"""River chiefs (河长), their terms on the channels and their inspections (巡河)."""

import django.core.validators
import django.db.models.deletion
import projects.core.event_times
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from projects.core.roles import sync_groups as sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0024_outfalls"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RiverChief",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=50, verbose_name="name")),
                (
                    "position",
                    models.CharField(blank=True, max_length=100, verbose_name="official position"),
                ),
                (
                    "phone",
                    models.CharField(
                        blank=True,
                        max_length=30,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^\\+?(?=(?:\\D*\\d){5})[\\d -]{5,30}$",
                                "Enter a phone number: digits, spaces and hyphens, with a leading + if needed.",
                                code="phone",
                            )
                        ],
                        verbose_name="phone",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="note")),
            ],
            options={
                "verbose_name": "river chief",
                "verbose_name_plural": "river chiefs",
                "ordering": ["name", "pk"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalRiverChief",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=50, verbose_name="name")),
                (
                    "position",
                    models.CharField(blank=True, max_length=100, verbose_name="official position"),
                ),
                (
                    "phone",
                    models.CharField(
                        blank=True,
                        max_length=30,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^\\+?(?=(?:\\D*\\d){5})[\\d -]{5,30}$",
                                "Enter a phone number: digits, spaces and hyphens, with a leading + if needed.",
                                code="phone",
                            )
                        ],
                        verbose_name="phone",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="note")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical river chief",
                "verbose_name_plural": "historical river chiefs",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalChiefInspection",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "inspected_on",
                    models.DateField(
                        validators=[projects.core.event_times.validate_date_in_range],
                        verbose_name="inspected on",
                    ),
                ),
                (
                    "duration_minutes",
                    models.PositiveIntegerField(verbose_name="duration (minutes)"),
                ),
                (
                    "problems_found",
                    models.TextField(
                        blank=True,
                        help_text="Leave empty when nothing was wrong.",
                        verbose_name="problems found",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(blank=True, editable=False, verbose_name="created at"),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "channel",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.channel",
                        verbose_name="channel",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
                (
                    "chief",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.riverchief",
                        verbose_name="river chief",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical river chief's inspection",
                "verbose_name_plural": "historical river chiefs' inspections",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalChiefAssignment",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("district", "District level"),
                            ("town", "Town or street level"),
                            ("village", "Village level"),
                        ],
                        max_length=10,
                        verbose_name="chief level",
                    ),
                ),
                (
                    "term_start",
                    models.DateField(
                        validators=[projects.core.event_times.validate_date_in_range],
                        verbose_name="term start",
                    ),
                ),
                (
                    "term_end",
                    models.DateField(
                        blank=True,
                        help_text="Leave empty while the chief still serves.",
                        null=True,
                        validators=[projects.core.event_times.validate_date_in_range],
                        verbose_name="term end",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "channel",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.channel",
                        verbose_name="channel",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "chief",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="projects.riverchief",
                        verbose_name="river chief",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical river chief's term",
                "verbose_name_plural": "historical river chiefs' terms",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="ChiefInspection",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "inspected_on",
                    models.DateField(
                        validators=[projects.core.event_times.validate_date_in_range],
                        verbose_name="inspected on",
                    ),
                ),
                (
                    "duration_minutes",
                    models.PositiveIntegerField(verbose_name="duration (minutes)"),
                ),
                (
                    "problems_found",
                    models.TextField(
                        blank=True,
                        help_text="Leave empty when nothing was wrong.",
                        verbose_name="problems found",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                (
                    "channel",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="chief_inspections",
                        to="projects.channel",
                        verbose_name="channel",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
                (
                    "chief",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="inspections",
                        to="projects.riverchief",
                        verbose_name="river chief",
                    ),
                ),
            ],
            options={
                "verbose_name": "river chief's inspection",
                "verbose_name_plural": "river chiefs' inspections",
                "ordering": ["-inspected_on", "-pk"],
                "indexes": [
                    models.Index(
                        fields=["chief", "channel", "-inspected_on"], name="chiefinspection_latest"
                    ),
                    models.Index(
                        fields=["chief", "-inspected_on", "-id"], name="chiefinspection_chief"
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("duration_minutes__gt", 0)),
                        name="chiefinspection_duration_positive",
                        violation_error_message="The duration must be at least one minute.",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ChiefAssignment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("district", "District level"),
                            ("town", "Town or street level"),
                            ("village", "Village level"),
                        ],
                        max_length=10,
                        verbose_name="chief level",
                    ),
                ),
                (
                    "term_start",
                    models.DateField(
                        validators=[projects.core.event_times.validate_date_in_range],
                        verbose_name="term start",
                    ),
                ),
                (
                    "term_end",
                    models.DateField(
                        blank=True,
                        help_text="Leave empty while the chief still serves.",
                        null=True,
                        validators=[projects.core.event_times.validate_date_in_range],
                        verbose_name="term end",
                    ),
                ),
                (
                    "channel",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="chief_assignments",
                        to="projects.channel",
                        verbose_name="channel",
                    ),
                ),
                (
                    "chief",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assignments",
                        to="projects.riverchief",
                        verbose_name="river chief",
                    ),
                ),
            ],
            options={
                "verbose_name": "river chief's term",
                "verbose_name_plural": "river chiefs' terms",
                "ordering": ["chief_id", "-term_start", "pk"],
                "indexes": [models.Index(fields=["channel", "term_end"], name="chiefterm_channel")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("term_end__isnull", True),
                            ("term_end__gte", models.F("term_start")),
                            _connector="OR",
                        ),
                        name="chiefassignment_term_order",
                        violation_error_message="The term cannot end before it starts.",
                    )
                ],
            },
        ),
        # The roles' permissions on the new models.
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
