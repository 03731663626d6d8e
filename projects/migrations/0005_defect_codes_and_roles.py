"""The CJJ 181-2012 defect code table (as data, so another rule set is added the same way),
and the roles' permissions brought up to date for the water-quality and sewer models."""

from decimal import Decimal

from django.contrib.auth.management import create_permissions
from django.db import migrations

RULE_SET = "CJJ181-2012"

# code: (name, kind, scores for grades 1–4; None where the grade does not exist), from the
# published implementations of CJJ 181-2012 (see ../shared/DOMAIN.md §4).
CODES = {
    "PL": ("破裂", "structural", (0.5, 2, 5, 10)),
    "BX": ("变形", "structural", (1, 2, 5, 10)),
    "FS": ("腐蚀", "structural", (0.5, 2, 5, None)),
    "CK": ("错口", "structural", (0.5, 2, 5, 10)),
    "QF": ("起伏", "structural", (0.5, 2, 5, 10)),
    "TJ": ("脱节", "structural", (1, 3, 5, 10)),
    "TL": ("接口材料脱落", "structural", (1, 3, None, None)),
    "AJ": ("支管暗接", "structural", (0.5, 2, 5, None)),
    "CR": ("异物穿入", "structural", (0.5, 2, 5, None)),
    "SL": ("渗漏", "structural", (0.5, 2, 5, 10)),
    "CJ": ("沉积", "functional", (0.5, 2, 5, 10)),
    "JG": ("结垢", "functional", (0.5, 2, 5, 10)),
    "ZW": ("障碍物", "functional", (0.1, 2, 5, 10)),
    "CQ": ("残墙、坝根", "functional", (1, 3, 5, 10)),
    "SG": ("树根", "functional", (0.5, 2, 5, 10)),
    "FZ": ("浮渣", "functional", (None, None, None, None)),
}

VIEWER = "查看"
UNIT_EDITOR = "责任单位编辑"
ADMINISTRATOR = "管理员"
UNIT_EDITOR_PERMISSIONS = (
    "change_task", "add_progressreport", "change_progressreport", "add_samplingpoint",
    "add_sample", "add_pipesegment", "change_pipesegment", "add_inspection", "add_defect",
    "add_importbatch",
)
ADMINISTRATOR_AUTH_PERMISSIONS = ("view_user", "add_user", "change_user", "view_group")


def load_codes(apps, schema_editor):
    DefectCode = apps.get_model("projects", "DefectCode")
    for code, (name, kind, scores) in CODES.items():
        values = {
            f"score_{grade}": None if score is None else Decimal(str(score))
            for grade, score in enumerate(scores, start=1)
        }
        DefectCode.objects.update_or_create(
            rule_set=RULE_SET, code=code,
            defaults={"name": name, "kind": kind, "scored": any(scores), **values},
        )


def unload_codes(apps, schema_editor):
    apps.get_model("projects", "DefectCode").objects.filter(rule_set=RULE_SET).delete()


def sync_roles(apps, schema_editor):
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


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_water_and_sewers")]

    operations = [
        migrations.RunPython(load_codes, unload_codes),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
