"""The three roles as groups with their permissions (see projects/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEWER = "查看"
UNIT_EDITOR = "责任单位编辑"
ADMINISTRATOR = "管理员"
UNIT_EDITOR_PERMISSIONS = ("change_task", "add_progressreport", "change_progressreport")
ADMINISTRATOR_AUTH_PERMISSIONS = ("view_user", "add_user", "change_user", "view_group")


def sync_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # The audit history can be read, never edited, whatever the role.
    projects = Permission.objects.filter(content_type__app_label="projects").exclude(
        content_type__model__startswith="historical", codename__regex=r"^(add|change|delete)_"
    )
    views = projects.filter(codename__startswith="view_")
    roles = {
        VIEWER: views,
        UNIT_EDITOR: views | projects.filter(codename__in=UNIT_EDITOR_PERMISSIONS),
        ADMINISTRATOR: projects
        | Permission.objects.filter(
            content_type__app_label="auth", codename__in=ADMINISTRATOR_AUTH_PERMISSIONS
        ),
    }
    for name, permissions in roles.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions.distinct())


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0002_history_roles_and_versions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
