"""The three roles of the bureau, as Django groups (created by migration 0003_roles).

- 查看 viewer: reads every page and export, changes nothing.
- 责任单位编辑 unit editor: linked to one responsible unit (``Profile.unit``); changes the status,
  progress, notes and evidence of the tasks that unit leads and files the monthly reports of the
  projects it is responsible for; records its patrols and their findings, opens work orders and
  handles the complaints dispatched to it.
- 管理员 administrator: edits everything, in the site and in the admin (give the account
  "staff status" too for the admin).
"""

VIEWER = "查看"
UNIT_EDITOR = "责任单位编辑"
ADMINISTRATOR = "管理员"

UNIT_EDITOR_PERMISSIONS = (
    "change_task",
    "add_progressreport",
    "change_progressreport",
    # Bulk import of samples and of inspections with their defects (issue: the import
    # permission is "add", never "view").
    "add_samplingpoint",
    "add_sample",
    "add_pipesegment",
    "change_pipesegment",
    "add_inspection",
    "add_defect",
    "add_importbatch",
    # Daily operations: a station records its patrols (with photos) and what they find, opens
    # work orders, and handles the complaints dispatched to it.
    "add_patrolrecord",
    "change_patrolrecord",
    "add_problem",
    "add_complaint",
    "change_complaint",
    "add_complaintstep",
    # A complaint received again (another call, a referral) joins its open case as a report.
    "add_complaintreport",
    "add_photo",
)
ADMINISTRATOR_AUTH_PERMISSIONS = ("view_user", "add_user", "change_user", "view_group")


def permission_codenames(role, projects_codenames):
    """The ``projects`` permissions a role holds, given every codename of the app. Nobody may
    add, change or delete the audit history."""
    projects_codenames = {
        c for c in projects_codenames if c.startswith("view_") or "_historical" not in c
    }
    views = {c for c in projects_codenames if c.startswith("view_")}
    if role == VIEWER:
        return views
    if role == UNIT_EDITOR:
        return views | set(UNIT_EDITOR_PERMISSIONS)
    if role == ADMINISTRATOR:
        return set(projects_codenames)
    raise ValueError(role)


def sync_groups(apps, schema_editor=None):
    """Create the three roles' groups, or bring their permissions up to date, with the models
    of ``apps`` (a migration's historical apps): viewers see every model; unit editors also
    hold ``UNIT_EDITOR_PERMISSIONS``; administrators hold every permission of the app (their
    history models only viewed) and ``ADMINISTRATOR_AUTH_PERMISSIONS``. The migrations that add
    models call it, so a new model's permissions reach the roles."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
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
