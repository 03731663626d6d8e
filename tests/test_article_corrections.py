"""Migration 0016 corrects a database seeded with the data shipped before, and only rows that
still hold the shipped values: an office's edits stay as they are."""

import importlib

from django.apps import apps
from django.test import TestCase

from projects.models import (
    AssessmentItem,
    Channel,
    Plan,
    Project,
    Responsibility,
    ResponsibleUnit,
    SourceParagraph,
    Target,
    Task,
)

corrections = importlib.import_module("projects.migrations.0016_article_corrections")


class ArticleCorrectionTests(TestCase):
    fixtures = ["xiangzhou_2018"]

    def seed_as_shipped_before(self):
        """Put back what the shipped data said before the corrections."""
        source = SourceParagraph.objects.get
        qianshan = ResponsibleUnit.objects.create(
            name="前山", kind="street", source=source(key="water-08")
        )
        Channel.objects.filter(name="造贝排洪渠").update(
            street=qianshan, location="前山,利达花园附近"
        )
        Channel.objects.filter(name="105国道排洪渠").update(
            condition="black_odorous", condition_note=corrections.OLD_105_NOTE
        )
        for channel, title in corrections.OLD_PLAN_TITLES.items():
            Plan.objects.filter(channel__name=channel).update(title=title, status="in_force")
        road = Plan.objects.get(channel__name="105国道排洪渠")
        target = Target.objects.create(
            plan=road,
            source=source(key="water-09"),
            indicator="黑臭水体",
            target_value="不黑不臭",
        )
        Task.objects.get(plan=road).targets.add(target)
        stations = ResponsibleUnit.objects.get(name="各市政站")
        for plan in Plan.objects.all():
            Responsibility.objects.create(
                plan=plan, unit=stations, source=source(key="water-23"), duty=corrections.OLD_DUTY
            )
        ResponsibleUnit.objects.filter(name="香洲区城管局").update(source=source(key="water-14"))
        Project.objects.filter(name=corrections.QIANSHAN_RIVER).update(status="planned")
        AssessmentItem.objects.update(source_note=corrections.OLD_ITEMS_NOTE)

    def test_it_corrects_the_rows_still_as_shipped(self):
        self.seed_as_shipped_before()
        corrections.correct(apps, None)
        road = Channel.objects.get(name="105国道排洪渠")
        self.assertEqual(
            (road.condition, road.condition_note), ("unknown", corrections.NEW_105_NOTE)
        )
        zaobei = Channel.objects.get(name="造贝排洪渠")
        self.assertEqual((zaobei.street, zaobei.location), (None, "前山"))
        self.assertFalse(ResponsibleUnit.objects.filter(name="前山").exists())
        self.assertEqual(set(Plan.objects.values_list("title", "status")), {("", "")})
        self.assertFalse(Target.objects.filter(plan__channel=road).exists())
        self.assertFalse(Responsibility.objects.exists())
        self.assertEqual(ResponsibleUnit.objects.get(name="香洲区城管局").source.key, "water-17")
        self.assertEqual(Project.objects.get(name=corrections.QIANSHAN_RIVER).status, "in_progress")
        self.assertEqual(
            set(AssessmentItem.objects.values_list("source_note", flat=True)),
            {corrections.NEW_ITEMS_NOTE},
        )

    def test_it_leaves_what_an_office_changed(self):
        self.seed_as_shipped_before()
        Channel.objects.filter(name="105国道排洪渠").update(condition="severe")
        Plan.objects.filter(channel__name="造贝排洪渠").update(title="造贝排洪渠整治方案(2019版)")
        Responsibility.objects.filter(plan__channel__name="造贝排洪渠").update(
            duty="负责日常巡查", person="李工"
        )
        qianshan = ResponsibleUnit.objects.get(name="前山")
        Project.objects.filter(name="香洲区排水管网普查及检测").update(lead_unit=qianshan)

        corrections.correct(apps, None)

        self.assertEqual(Channel.objects.get(name="105国道排洪渠").condition, "severe")
        self.assertEqual(
            Plan.objects.get(channel__name="造贝排洪渠").title, "造贝排洪渠整治方案(2019版)"
        )
        self.assertEqual(
            list(Responsibility.objects.values_list("duty", flat=True)), ["负责日常巡查"]
        )
        # 前山 leads a project now: kept, as a unit of another kind rather than a street.
        qianshan.refresh_from_db()
        self.assertEqual(qianshan.kind, "other")

    def test_it_does_nothing_to_an_empty_database(self):
        for model in (Responsibility, Target, Task, Plan):
            model.objects.all().delete()
        corrections.correct(apps, None)  # no row to correct, no error
        self.assertFalse(Plan.objects.exists())
