"""What the shipped article data said that the article does not (issue: the standards and the
article, literally), corrected in databases seeded before: each row is changed only while it
still holds the value shipped, so nothing an office entered or edited is touched. New databases
get the corrected fixture. The patrol work types and assessment categories take the words of the
regulation as the article gives them (日常管护、工程检查、保养、维修); the named works of a batch
are villages or village teams."""

from django.db import migrations, models

OLD_105_NOTE = (
    "正在进行黑臭水体生态修复:“香洲区今年启动了105国道排洪渠的黑臭水体生态修复项目,"
    "目前不仅水质得到了提升,周边环境也得到了改善”;文章未说明是否已达到“不黑不臭”。"
)
NEW_105_NOTE = (
    "第3段称这条排洪渠“不久前”“还又脏又臭”,现在“俨然就是一个充满生机的小景点”;"
    "第9段:“目前不仅水质得到了提升,周边环境也得到了改善”。文章未说明其现在是否黑臭,故未评定。"
)
OLD_PLAN_TITLES = {
    "造贝排洪渠": "造贝排洪渠“一河一策”整治方案",
    "105国道排洪渠": "105国道排洪渠“一河一策”整治方案",
}
OLD_DUTY = (
    "河渠及泵站等城镇防洪设施的管养职能下放至各市政站:日常管护、工程检查、保养、维修,"
    "严格落实巡查定岗定责制度。原文:“将辖区内排洪渠、泵站等城镇防洪设施管养职能向各市政站下放,"
    "通过市政站严格落实巡查定岗定责制度。”"
)
OLD_ITEMS_NOTE = (
    "默认考核表:按《香洲区河道排洪渠工程维修养护考核办法》所列日常保洁、巡查、养护、维修四类职责"
    "及投诉闭环(发现、调配、处置、评价、考核)编制的结构,扣分值为常见河道维修养护考核评分表的"
    "量级,并非该办法原文;采用前请管理员按办法原文核定、修改。"
)
NEW_ITEMS_NOTE = (
    "默认考核表:前四类按文章所述《香洲区河道排洪渠工程维修养护考核办法》对河渠“日常管护、工程检查、"
    "保养、维修”的工作要求分类;“管理与投诉”一类(投诉闭环:发现、调配、处置、评价、考核)为本系统"
    "自设。各项内容与扣分值为常见河道维修养护考核评分表的量级,并非该办法原文;采用前请管理员按办法"
    "原文核定、修改。"
)
QIANSHAN_RIVER = "前山河沿线排洪渠整治及生态修复项目"
OLD_105_PROJECT_START = "图片说明中的项目名;正文称之为"


def correct(apps, schema_editor):
    Channel = apps.get_model("projects", "Channel")
    Plan = apps.get_model("projects", "Plan")
    Target = apps.get_model("projects", "Target")
    Responsibility = apps.get_model("projects", "Responsibility")
    ResponsibleUnit = apps.get_model("projects", "ResponsibleUnit")
    SourceParagraph = apps.get_model("projects", "SourceParagraph")
    Project = apps.get_model("projects", "Project")
    AssessmentItem = apps.get_model("projects", "AssessmentItem")

    # 105国道排洪渠: dirty 不久前, now a lively small sight; its condition is not stated.
    Channel.objects.filter(
        name="105国道排洪渠", condition="black_odorous", condition_note=OLD_105_NOTE
    ).update(condition="unknown", condition_note=NEW_105_NOTE)

    # ¶8 places 造贝 at 前山; 利达花园 is where a resident lives (¶7), not said to be near it.
    Channel.objects.filter(name="造贝排洪渠", location="前山,利达花园附近").update(location="前山")
    # The 105 project's description quotes ¶9 under its caption's citation (¶13): say so.
    for project in Project.objects.filter(
        name="105国道排洪渠河道治理提升项目", description__startswith=OLD_105_PROJECT_START
    ):
        project.description = project.description.replace("正文称之为", "正文第9段称之为", 1)
        project.save(update_fields=["description"])

    # The plans' titles and status are not in the article.
    for channel, title in OLD_PLAN_TITLES.items():
        Plan.objects.filter(channel__name=channel, title=title, status="in_force").update(
            title="", status=""
        )

    # ¶9 does not say 不黑不臭 of 105国道 (only ¶8 says it, of 造贝).
    Target.objects.filter(
        plan__channel__name="105国道排洪渠",
        source__key="water-09",
        indicator="黑臭水体",
        target_value="不黑不臭",
        achieved=None,
    ).delete()

    # ¶23 is the district-wide handover to the stations, not a duty in these two plans.
    Responsibility.objects.filter(
        source__key="water-23", unit__name="各市政站", duty=OLD_DUTY
    ).delete()

    # 香洲区城管局's note quotes ¶17.
    water_17 = SourceParagraph.objects.filter(key="water-17").first()
    if water_17 is not None:
        ResponsibleUnit.objects.filter(name="香洲区城管局", source__key="water-14").update(
            source=water_17
        )

    # 前山河: 加快推进 (being pushed on), not planned.
    Project.objects.filter(name=QIANSHAN_RIVER, status="planned", source__key="water-24").update(
        status="in_progress"
    )

    # 前山 is where 造贝排洪渠 lies (¶8), not a street-level unit the article names.
    qianshan = ResponsibleUnit.objects.filter(name="前山", kind="street", source__key="water-08")
    for unit in qianshan:
        Channel.objects.filter(name="造贝排洪渠", street=unit).update(street=None)
        if _referenced(unit):
            unit.kind = "other"
            unit.save(update_fields=["kind"])
        else:
            unit.delete()

    AssessmentItem.objects.filter(source_note=OLD_ITEMS_NOTE).update(source_note=NEW_ITEMS_NOTE)


def _referenced(unit):
    """Whether any row other than history points to ``unit``."""
    for relation in unit._meta.related_objects:
        model = relation.related_model
        if model._meta.model_name.startswith("historical"):
            continue
        if relation.many_to_many:
            if getattr(unit, relation.get_accessor_name()).exists():
                return True
        elif model._default_manager.filter(**{relation.field.name: unit}).exists():
            return True
    return False


class Migration(migrations.Migration):
    dependencies = [("projects", "0015_regrade_channels")]

    operations = [
        migrations.AlterField(
            model_name="assessmentitem",
            name="category",
            field=models.CharField(
                choices=[
                    ("daily_care", "Daily care"),
                    ("inspection", "Works inspection"),
                    ("upkeep", "Upkeep"),
                    ("repair", "Repair"),
                    ("management", "Management and complaints (this product's category)"),
                ],
                max_length=20,
                verbose_name="category",
            ),
        ),
        migrations.AlterField(
            model_name="historicalassessmentitem",
            name="category",
            field=models.CharField(
                choices=[
                    ("daily_care", "Daily care"),
                    ("inspection", "Works inspection"),
                    ("upkeep", "Upkeep"),
                    ("repair", "Repair"),
                    ("management", "Management and complaints (this product's category)"),
                ],
                max_length=20,
                verbose_name="category",
            ),
        ),
        migrations.AlterField(
            model_name="historicalpatrolrecord",
            name="kind",
            field=models.CharField(
                choices=[
                    ("daily_care", "Daily care"),
                    ("inspection", "Works inspection"),
                    ("upkeep", "Upkeep"),
                    ("repair", "Repair"),
                ],
                max_length=20,
                verbose_name="work done",
            ),
        ),
        migrations.AlterField(
            model_name="patrolrecord",
            name="kind",
            field=models.CharField(
                choices=[
                    ("daily_care", "Daily care"),
                    ("inspection", "Works inspection"),
                    ("upkeep", "Upkeep"),
                    ("repair", "Repair"),
                ],
                max_length=20,
                verbose_name="work done",
            ),
        ),
        migrations.AlterField(
            model_name="historicalvillagework",
            name="name",
            field=models.CharField(max_length=100, verbose_name="village or village team"),
        ),
        migrations.AlterField(
            model_name="villagework",
            name="name",
            field=models.CharField(max_length=100, verbose_name="village or village team"),
        ),
        migrations.RunPython(correct, migrations.RunPython.noop),
    ]
