"""The default maintenance assessment items, and the roles' permissions brought up to date for
the daily-operations models (patrols, complaints, assessments, photos)."""

from django.db import migrations

from projects.core.roles import sync_groups as sync_roles

SOURCE_NOTE = (
    "默认考核表:按《香洲区河道排洪渠工程维修养护考核办法》所列日常保洁、巡查、养护、维修四类职责"
    "及投诉闭环(发现、调配、处置、评价、考核)编制的结构,扣分值为常见河道维修养护考核评分表的"
    "量级,并非该办法原文;采用前请管理员按办法原文核定、修改。"
)

# (code, category, item, points per occurrence, monthly cap)
DEFAULT_ITEMS = [
    ("A1", "daily_care", "水面漂浮物、垃圾未及时清理(每处)", "2.0", "20.0"),
    ("A2", "daily_care", "岸坡、堤顶杂草杂物未清理(每处)", "1.0", "10.0"),
    ("A3", "daily_care", "排口、闸口周边垃圾堆积(每处)", "2.0", "10.0"),
    ("B1", "inspection", "未按规定频次巡查(每少一次)", "2.0", "20.0"),
    ("B2", "inspection", "巡查记录不完整或未附照片(每次)", "1.0", "10.0"),
    ("B3", "inspection", "巡查发现问题未及时上报(每次)", "3.0", "15.0"),
    ("C1", "upkeep", "护栏、警示牌等设施缺损未养护(每处)", "2.0", "10.0"),
    ("C2", "upkeep", "渠道淤积、排水不畅未及时清疏(每处)", "3.0", "15.0"),
    ("C3", "upkeep", "泵站设备未按规程保养(每次)", "3.0", "15.0"),
    ("D1", "repair", "堤岸、挡墙破损未按期维修(每处)", "3.0", "15.0"),
    ("D2", "repair", "泵站故障未按期修复(每次)", "5.0", "20.0"),
    ("E1", "management", "投诉未按期处置(每件)", "3.0", "15.0"),
    ("E2", "management", "投诉处置评价为不满意(每件)", "2.0", "10.0"),
    ("E3", "management", "维修养护台账资料不齐全(每项)", "1.0", "5.0"),
]


def load_items(apps, schema_editor):
    AssessmentItem = apps.get_model("projects", "AssessmentItem")
    for code, category, description, points, cap in DEFAULT_ITEMS:
        AssessmentItem.objects.get_or_create(
            code=code,
            defaults={
                "category": category,
                "description": description,
                "points_per_occurrence": points,
                "max_points": cap,
                "source_note": SOURCE_NOTE,
            },
        )


def unload_items(apps, schema_editor):
    AssessmentItem = apps.get_model("projects", "AssessmentItem")
    AssessmentItem.objects.filter(code__in=[row[0] for row in DEFAULT_ITEMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0007_daily_operations")]

    operations = [
        migrations.RunPython(load_items, unload_items),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
