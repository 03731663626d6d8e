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
