"""The ``xiangzhou_2018`` fixture against the water article, figure by figure.

The article is "一河一策“对症下药”整治“问题”水体——香洲水污染治理加快推进" in
``shared/sources/xiangzhou-articles.txt`` (a copy lives in ``fixtures/sources/``). Every figure
and every name must be there exactly, every row must cite the paragraph it comes from, and nothing
the article does not say may be added.
"""

import re
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.test import TestCase

from projects.models import (
    Channel,
    InterceptionBatch,
    Measure,
    PipeConstructionBatch,
    PipeSurveyCampaign,
    Plan,
    Policy,
    Problem,
    ProgressReport,
    Project,
    PumpingStation,
    Responsibility,
    ResponsibleUnit,
    SourceParagraph,
    Target,
    Task,
    Technique,
    VillageWork,
)
from projects.models.base import Sourced

REPO = Path(__file__).resolve().parents[1]
SHARED_SOURCE = REPO.parent / "shared" / "sources" / "xiangzhou-articles.txt"
COPIED_SOURCE = REPO / "fixtures" / "sources" / "xiangzhou-articles.txt"

WATER_ARTICLE = "一河一策“对症下药”整治“问题”水体——香洲水污染治理加快推进"
WATER_FIRST_LINE = "## 一河一策“对症下药”整治“问题”水体"
NEXT_ARTICLE_LINE = "## “互联网+”教育帮扶显实效"

BATCH_1_VILLAGES = ["翠微", "北山", "南溪", "红东", "广昌", "东坑", "福溪", "梅溪"]
BATCH_2_VILLAGES = ["广生五六队", "双石", "均昌", "石桓", "大湾", "山边", "南沙湾", "南联"]
BATCH_3_VILLAGES = ["其昌村", "东桓村", "永安村", "广生一至四队"]
BUILD_1_CHANNELS = ["金凤排洪渠", "东大排洪渠", "南屏东排洪渠", "南屏中排洪渠", "翠微东排洪渠"]

BUILD_1 = "全市污水管网建设工程(香洲区)第一批工程"
BUILD_2 = "全市污水管网建设工程(香洲区)第二批工程"


def source_text():
    """The source articles: the shared file when present, else the copy kept with the fixtures."""
    path = SHARED_SOURCE if SHARED_SOURCE.exists() else COPIED_SOURCE
    return path.read_text(encoding="utf-8")


def water_paragraphs():
    """Every non-empty line of the water article, in order, heading marks (#) removed."""
    lines = source_text().split("\n")
    start, end = lines.index(WATER_FIRST_LINE), lines.index(NEXT_ARTICLE_LINE)
    return [re.sub(r"^#+ ", "", line) for line in lines[start:end] if line.strip()]


def sourced_models():
    return [
        model
        for model in apps.get_app_config("projects").get_models()
        if issubclass(model, Sourced)
    ]


class FixtureTestCase(TestCase):
    fixtures = ["xiangzhou_2018"]

    def assertCites(self, row, *snippets):
        """``row`` cites a paragraph of the water article that contains every snippet."""
        self.assertIsNotNone(row.source, f"{row!r} cites no paragraph")
        self.assertEqual(row.source.article, WATER_ARTICLE)
        for snippet in snippets:
            self.assertIn(snippet, row.source.text, f"{row!r} cites {row.source.key}")


class SourceParagraphTests(FixtureTestCase):
    def test_it_keeps_a_copy_of_the_source_equal_to_the_shared_one(self):
        self.assertTrue(COPIED_SOURCE.exists())
        if SHARED_SOURCE.exists():
            self.assertEqual(
                COPIED_SOURCE.read_text(encoding="utf-8"),
                SHARED_SOURCE.read_text(encoding="utf-8"),
            )

    def test_it_quotes_every_paragraph_exactly(self):
        text = source_text()
        for paragraph in SourceParagraph.objects.all():
            with self.subTest(paragraph.key):
                self.assertTrue(paragraph.text)
                self.assertIn(paragraph.text, text)

    def test_it_holds_every_paragraph_of_the_water_article_in_order(self):
        rows = SourceParagraph.objects.filter(article=WATER_ARTICLE).order_by("number")
        expected = water_paragraphs()
        self.assertEqual(len(expected), 24)
        self.assertEqual([p.text for p in rows], expected)
        self.assertEqual([p.number for p in rows], list(range(1, 25)))
        self.assertEqual([p.key for p in rows], [f"water-{n:02d}" for n in range(1, 25)])

    def test_it_stores_broken_sentences_as_their_physical_pieces(self):
        texts = set(SourceParagraph.objects.values_list("text", flat=True))
        self.assertTrue(any(t.endswith("从源头上加强污") for t in texts))
        self.assertTrue(any(t.startswith("水管网的建设。”") for t in texts))
        self.assertTrue(any(t.endswith("该区制定了《香") for t in texts))
        self.assertTrue(any(t.startswith("洲区河道排洪渠工程维修养护考核办法》") for t in texts))

    def test_it_holds_the_two_photo_captions(self):
        for caption in [
            "105国道排洪渠河道治理提升项目运用了微孔曝气技术。",
            "造贝排洪渠河道治理提升项目运用了微孔曝气技术和生态浮岛净化技术。",
        ]:
            self.assertTrue(SourceParagraph.objects.filter(text=caption).exists(), caption)

    def test_it_holds_the_grid_paragraph_of_the_party_building_article(self):
        party = SourceParagraph.objects.exclude(article=WATER_ARTICLE)
        self.assertEqual(party.count(), 1)
        paragraph = party.get()
        self.assertTrue(paragraph.key.startswith("party-"))
        self.assertIn("发现、调配、处置、评价和考核", paragraph.text)

    def test_it_cites_a_source_on_every_sourced_row(self):
        for model in sourced_models():
            with self.subTest(model.__name__):
                self.assertFalse(model.objects.filter(source__isnull=True).exists())

    def test_it_cites_only_water_paragraphs_from_data_rows(self):
        for model in sourced_models():
            for row in model.objects.select_related("source"):
                with self.subTest(model=model.__name__, pk=row.pk):
                    self.assertEqual(row.source.article, WATER_ARTICLE)


class SurveyTests(FixtureTestCase):
    def test_it_stores_the_survey_figures(self):
        survey = PipeSurveyCampaign.objects.get()
        self.assertEqual(survey.name, "香洲区排水管网普查及检测")
        self.assertEqual(survey.stream, 1)
        self.assertEqual(survey.status, Project.Status.COMPLETED)
        self.assertEqual(survey.investment_wan, Decimal("3200"))
        self.assertEqual(survey.surveyed_km, Decimal("920"))
        self.assertEqual(survey.qv_km, Decimal("520"))
        self.assertEqual(survey.cctv_km, Decimal("136"))
        self.assertIn("资产核查登记", survey.outcome)
        self.assertIn("完善地下排水管网数据库", survey.outcome)

    def test_it_cites_the_survey_figures_from_their_paragraph(self):
        survey = PipeSurveyCampaign.objects.select_related("source").get()
        self.assertCites(
            survey,
            "3200万元",
            "香洲区排水管网普查及检测",
            "普查管线总长度920公里",
            "QV检测长度520公里",
            "CCTV检测长度136公里",
        )


class InterceptionTests(FixtureTestCase):
    def batch(self, number):
        return InterceptionBatch.objects.select_related("source").get(batch_number=number)

    def named(self, number):
        return list(
            VillageWork.objects.filter(batch__batch_number=number)
            .order_by("sequence")
            .values_list("name", flat=True)
        )

    def test_it_stores_batch_1(self):
        batch = self.batch(1)
        self.assertEqual(batch.name, "第一批旧村末端截污工程")
        self.assertEqual(batch.investment_wan, Decimal("1800"))
        self.assertEqual(batch.works_count, 24)
        self.assertEqual(self.named(1), BATCH_1_VILLAGES)
        self.assertCites(batch, "1800万元", "24条旧村末端截污工程", "第一批")

    def test_it_stores_batch_2(self):
        batch = self.batch(2)
        self.assertEqual(batch.name, "第二批旧村截污纳管工程")
        self.assertEqual(batch.investment_wan, Decimal("2168"))
        self.assertEqual(batch.works_count, 12)
        self.assertEqual(self.named(2), BATCH_2_VILLAGES)
        self.assertCites(batch, "2168万元", "12条旧村截污纳管工程", "第二批")

    def test_it_stores_batch_3(self):
        batch = self.batch(3)
        self.assertEqual(batch.name, "第三批旧村截污工程")
        self.assertEqual(batch.investment_wan, Decimal("830"))
        self.assertEqual(batch.works_count, 4)
        self.assertEqual(self.named(3), BATCH_3_VILLAGES)
        self.assertCites(batch, "830万元", "4条旧村截污工程", "第三批")

    def test_it_marks_every_batch_completed_in_the_intercept_stream(self):
        for batch in InterceptionBatch.objects.all():
            with self.subTest(batch.batch_number):
                self.assertEqual(batch.stream, 2)
                self.assertEqual(batch.status, Project.Status.COMPLETED)

    def test_it_computes_the_totals_from_the_rows(self):
        batches = InterceptionBatch.objects.all()
        self.assertEqual(batches.count(), 3)
        self.assertEqual(sum(b.investment_wan for b in batches), Decimal("4798"))
        self.assertEqual(sum(b.works_count for b in batches), 40)
        self.assertEqual(VillageWork.objects.count(), 20)

    def test_it_cites_each_village_from_a_paragraph_naming_it(self):
        for village in VillageWork.objects.select_related("source", "batch"):
            with self.subTest(village.name):
                self.assertCites(village, village.name)
                self.assertIsNone(village.pipe_length_m)

    def test_it_names_only_the_villages_of_the_article(self):
        self.assertEqual(
            sorted(VillageWork.objects.values_list("name", flat=True)),
            sorted(BATCH_1_VILLAGES + BATCH_2_VILLAGES + BATCH_3_VILLAGES),
        )
        self.assertFalse(InterceptionBatch.objects.filter(pipe_length_m__isnull=False).exists())


class ConstructionTests(FixtureTestCase):
    def test_it_stores_construction_batch_1(self):
        batch = PipeConstructionBatch.objects.select_related("source").get(batch_number=1)
        self.assertEqual(batch.name, BUILD_1)
        self.assertEqual(batch.stream, 3)
        self.assertEqual(batch.status, Project.Status.COMPLETED)
        self.assertIsNone(batch.investment_wan)
        self.assertEqual(batch.new_pipe_km, Decimal("36"))
        self.assertEqual(batch.stations_renovated, 4)
        self.assertEqual(
            sorted(batch.renovated_stations.values_list("name", flat=True)),
            sorted(["岱山泵站", "上冲泵站"]),
        )
        self.assertCites(batch, BUILD_1, "新建雨、污水管网36公里", "岱山、上冲等4个泵站")

    def test_it_lists_the_five_channels_of_batch_1_as_partial(self):
        batch = PipeConstructionBatch.objects.select_related("source").get(batch_number=1)
        self.assertEqual(
            sorted(batch.channels.values_list("name", flat=True)), sorted(BUILD_1_CHANNELS)
        )
        self.assertTrue(batch.channel_list_partial)
        names = "、".join(name.removesuffix("排洪渠") for name in BUILD_1_CHANNELS)
        self.assertCites(batch, names + "等多条排洪渠")

    def test_it_cites_the_named_pumping_stations(self):
        for station in PumpingStation.objects.select_related("source"):
            with self.subTest(station.name):
                self.assertCites(station, station.name.removesuffix("泵站"), "4个泵站")
        self.assertEqual(PumpingStation.objects.count(), 2)

    def test_it_stores_construction_batch_2_as_planned_without_figures(self):
        batch = PipeConstructionBatch.objects.select_related("source").get(batch_number=2)
        self.assertEqual(batch.name, BUILD_2)
        self.assertEqual(batch.stream, 3)
        self.assertEqual(batch.status, Project.Status.PLANNED)
        self.assertEqual(batch.approval, "报区政府常务会议研究通过")
        self.assertIn("分期实施", batch.description)
        self.assertIsNone(batch.investment_wan)
        self.assertIsNone(batch.new_pipe_km)
        self.assertIsNone(batch.stations_renovated)
        self.assertFalse(batch.renovated_stations.exists())
        self.assertCites(batch, BUILD_2, "重新调整", "报区政府常务会议研究通过")


class RemediationTests(FixtureTestCase):
    def test_it_stores_zaobei_as_clear_in_qianshan(self):
        channel = Channel.objects.select_related("street", "source").get(name="造贝排洪渠")
        self.assertEqual(channel.condition, Channel.Condition.CLEAR)
        # ¶8 places it 位于前山; it does not say 前山 is a street-level unit, nor that the
        # channel is near 利达花园 (¶7: where 张大爷 lives).
        self.assertIsNone(channel.street)
        self.assertEqual(channel.location, "前山")
        self.assertIn("不黑不臭", channel.condition_note)
        self.assertCites(channel, "位于前山的造贝排洪渠", "“不黑不臭”的目标")

    def test_it_stores_the_zaobei_project_as_completed(self):
        project = Project.objects.select_related("source").get(name="造贝排洪渠河道治理提升项目")
        self.assertEqual(project.stream, 4)
        self.assertEqual(project.status, Project.Status.COMPLETED)
        self.assertEqual(list(project.channels.values_list("name", flat=True)), ["造贝排洪渠"])
        self.assertEqual(
            set(project.techniques.values_list("name", flat=True)),
            {"微孔曝气", "生态浮岛", "生物修复"},
        )
        self.assertCites(project, project.name, "微孔曝气", "生态浮岛")

    def test_it_stores_the_105_project_as_in_progress(self):
        project = Project.objects.select_related("source").get(name="105国道排洪渠河道治理提升项目")
        self.assertEqual(project.stream, 4)
        self.assertEqual(project.status, Project.Status.IN_PROGRESS)
        self.assertEqual(list(project.channels.values_list("name", flat=True)), ["105国道排洪渠"])
        self.assertEqual(
            set(project.techniques.values_list("name", flat=True)), {"微孔曝气", "增氧景观喷泉"}
        )
        self.assertIn("黑臭水体生态修复项目", project.description)
        self.assertCites(project, project.name, "微孔曝气")
        channel = Channel.objects.select_related("source").get(name="105国道排洪渠")
        # Dirty 不久前 (¶3), now a lively small sight: the article does not grade it.
        self.assertEqual(channel.condition, Channel.Condition.UNKNOWN)
        self.assertIn("不久前", channel.condition_note)
        self.assertCites(channel, "黑臭水体生态修复项目", "水质得到了提升")

    def test_it_stores_nanpingxi_and_cuipinglu_in_progress(self):
        project = Project.objects.select_related("source").get(
            name="南屏西、翠屏路排洪渠黑臭水体生态修复项目"
        )
        self.assertEqual(project.stream, 4)
        self.assertEqual(project.status, Project.Status.IN_PROGRESS)
        self.assertEqual(
            sorted(project.channels.values_list("name", flat=True)),
            sorted(["南屏西排洪渠", "翠屏路排洪渠"]),
        )
        self.assertCites(project, "南屏西、翠屏路排洪渠的黑臭水体生态修复项目正在有序推进")
        for channel in project.channels.select_related("source"):
            with self.subTest(channel.name):
                self.assertEqual(channel.condition, Channel.Condition.BLACK_ODOROUS)
                self.assertCites(channel, channel.name.removesuffix("排洪渠"))

    def test_it_stores_the_district_work_plan_without_naming_the_body(self):
        project = Project.objects.select_related("source").get(name="全区“一河一策”工作方案编制")
        self.assertEqual(project.stream, 4)
        self.assertEqual(project.status, Project.Status.IN_PROGRESS)
        self.assertIsNone(project.lead_unit)
        self.assertIsNone(project.contractor)
        self.assertIn("专业机构", project.description)
        self.assertIn("工作台账", project.description)
        self.assertCites(project, "委托专业机构编制全区“一河一策”工作方案", "工作台账")

    def test_it_stores_the_qianshan_river_project_as_being_pushed_on(self):
        project = Project.objects.select_related("source").get(
            name="前山河沿线排洪渠整治及生态修复项目"
        )
        self.assertEqual(project.stream, 4)
        # 加快推进: being pushed on, not merely planned.
        self.assertEqual(project.status, Project.Status.IN_PROGRESS)
        self.assertCites(project, "下一步", "加快推进前山河沿线排洪渠整治及生态修复项目")

    def test_it_stores_the_channels_without_a_stated_condition_as_unknown(self):
        for name in BUILD_1_CHANNELS:
            channel = Channel.objects.select_related("source").get(name=name)
            with self.subTest(name):
                self.assertEqual(channel.condition, Channel.Condition.UNKNOWN)
                self.assertCites(channel, name.removesuffix("排洪渠"))

    def test_it_stores_the_four_techniques(self):
        self.assertEqual(
            set(Technique.objects.values_list("name", flat=True)),
            {"微孔曝气", "生态浮岛", "增氧景观喷泉", "生物修复"},
        )


class PolicyAndUnitTests(FixtureTestCase):
    def test_it_stores_the_campaign(self):
        policy = Policy.objects.select_related("source").get(title="九整治六提升攻坚行动")
        self.assertEqual(policy.kind, Policy.Kind.CAMPAIGN)
        self.assertIn("水清、堤固、生态、景美", policy.summary)
        self.assertIn("查、截、建、整、疏、管", policy.summary)
        self.assertCites(policy, "“九整治六提升”攻坚行动", "水清、堤固、生态、景美")

    def test_it_stores_the_maintenance_regulation(self):
        policy = Policy.objects.select_related("source").get(
            title="《香洲区河道排洪渠工程维修养护考核办法》"
        )
        self.assertEqual(policy.kind, Policy.Kind.REGULATION)
        self.assertEqual(policy.stream, 6)
        for phrase in ["日常管护", "工程检查", "保养", "维修", "各市政站", "巡查定岗定责"]:
            self.assertIn(phrase, policy.summary)
        self.assertCites(policy, "维修养护考核办法》", "向各市政站下放")

    def test_it_stores_only_the_units_the_article_names(self):
        units = dict(ResponsibleUnit.objects.values_list("name", "kind"))
        self.assertEqual(
            units,
            {
                "香洲区城管局": "district",
                "香洲区政府": "district",
                "各市政站": "station",
            },
        )
        texts = {u.name: u.source.text for u in ResponsibleUnit.objects.select_related("source")}
        self.assertIn("香洲区城管局", texts["香洲区城管局"])
        bureau = ResponsibleUnit.objects.get(name="香洲区城管局")
        self.assertIn(bureau.note, texts["香洲区城管局"])  # it quotes the paragraph it cites
        self.assertIn("区政府常务会议", texts["香洲区政府"])
        self.assertIn("管养职能向各市政站下放", texts["各市政站"])


class PlanTests(FixtureTestCase):
    def plan(self, channel):
        return Plan.objects.select_related("source", "channel").get(channel__name=channel)

    def test_it_has_plans_for_zaobei_and_105_only(self):
        self.assertEqual(
            sorted(Plan.objects.values_list("channel__name", flat=True)),
            sorted(["造贝排洪渠", "105国道排洪渠"]),
        )
        for plan in Plan.objects.select_related("source", "channel"):
            with self.subTest(plan.channel.name):
                # The article gives the plans neither a title nor a status.
                self.assertEqual((plan.title, plan.status), ("", ""))
                self.assertIsNone(plan.period_start)
                self.assertIsNone(plan.period_end)
                self.assertIsNone(plan.approved_on)
                self.assertIn("“一河一策”要求", plan.summary)
                self.assertCites(plan, "按照“一河一策”要求", "制定了有针对性的整治方案")

    def test_it_lists_the_zaobei_problems(self):
        plan = self.plan("造贝排洪渠")
        problems = list(plan.problems.select_related("source").order_by("id"))
        self.assertEqual(
            [(p.title, p.category) for p in problems],
            [("淤积", "silt"), ("杂草遍布", "weeds"), ("夏天臭气熏天", "odour")],
        )
        for problem in problems:
            with self.subTest(problem.title):
                self.assertEqual(problem.cause, "受多种因素影响")
                self.assertCites(problem, "受多种因素影响", "淤积杂草遍布", "一到夏天更是臭气熏天")

    def test_it_lists_the_105_problem_as_found_by_the_public(self):
        problem = self.plan("105国道排洪渠").problems.select_related("source").get()
        self.assertEqual(problem.title, "又脏又臭")
        self.assertEqual(problem.category, Problem.Category.BLACK_ODOROUS)
        self.assertEqual(problem.how_found, Problem.Found.PUBLIC)
        self.assertIn("针对群众反映强烈的问题", problem.description)
        self.assertCites(problem, "又脏又臭")

    def test_it_lists_the_target_only_where_the_article_states_it(self):
        zaobei = self.plan("造贝排洪渠").targets.select_related("source").get()
        self.assertEqual((zaobei.indicator, zaobei.target_value), ("黑臭水体", "不黑不臭"))
        self.assertIsNone(zaobei.target_date)
        self.assertIs(zaobei.achieved, True)
        self.assertCites(zaobei, "达到了“不黑不臭”的目标")
        # ¶9 says the 105 channel's water improved, not that 不黑不臭 is its target.
        self.assertFalse(self.plan("105国道排洪渠").targets.exists())

    def test_it_lists_the_tasks_linked_to_problems_and_targets(self):
        for channel, status in [("造贝排洪渠", Task.Status.DONE), ("105国道排洪渠", "in_progress")]:
            plan = self.plan(channel)
            task = plan.tasks.get()
            with self.subTest(channel):
                self.assertEqual(task.status, status)
                self.assertEqual(set(task.problems.all()), set(plan.problems.all()))
                self.assertEqual(set(task.targets.all()), set(plan.targets.all()))

    def test_it_leaves_the_task_fields_the_article_does_not_give_empty(self):
        for task in Task.objects.all():
            with self.subTest(task.content):
                self.assertIsNone(task.lead_unit)
                self.assertEqual(task.responsible_person, "")
                self.assertIsNone(task.deadline)
                self.assertIsNone(task.extended_deadline)
                self.assertFalse(task.supporting_units.exists())
                self.assertEqual(len(task.missing_fields()), 3)

    def test_it_lists_the_measures(self):
        expected = {
            "造贝排洪渠": [("微孔曝气", "微孔曝气"), ("生态浮岛", "生态浮岛")],
            "105国道排洪渠": [("微孔曝气", "微孔曝气"), ("增氧景观喷泉", "增氧景观喷泉")],
        }
        for channel, measures in expected.items():
            plan = self.plan(channel)
            rows = list(plan.measures.select_related("technique", "project", "source"))
            with self.subTest(channel):
                self.assertEqual([(m.name, m.technique.name) for m in rows], measures)
                for measure in rows:
                    self.assertEqual(measure.category, Measure.Category.ECOLOGICAL)
                    self.assertIsNone(measure.investment_wan)
                    self.assertIn(plan.channel, measure.project.channels.all())
                    self.assertCites(measure)

    def test_it_cites_each_measure_technique_from_its_paragraph(self):
        wording = {
            "微孔曝气": "微孔曝气",
            "生态浮岛": "生态浮岛",
            "增氧景观喷泉": "增氧功能的景观喷泉",
        }
        for measure in Measure.objects.select_related("source"):
            with self.subTest(measure.pk):
                self.assertCites(measure, wording[measure.name])

    def test_it_gives_the_plans_no_responsibility_the_article_does_not(self):
        # ¶23 hands the district's channels to the municipal stations; it does not name them in
        # either plan's 责任清单.
        self.assertEqual(Responsibility.objects.count(), 0)
        self.assertTrue(ResponsibleUnit.objects.filter(name="各市政站").exists())


class NothingInventedTests(FixtureTestCase):
    def test_it_gives_no_project_a_date(self):
        self.assertFalse(
            Project.objects.filter(planned_start__isnull=False).exists()
            or Project.objects.filter(planned_end__isnull=False).exists()
            or Project.objects.filter(actual_end__isnull=False).exists()
        )

    def test_it_gives_no_project_a_unit_or_person(self):
        self.assertFalse(Project.objects.filter(lead_unit__isnull=False).exists())
        self.assertFalse(Project.objects.filter(contractor__isnull=False).exists())
        self.assertFalse(Project.objects.exclude(responsible_person="").exists())

    def test_it_gives_investment_only_where_the_article_does(self):
        self.assertEqual(
            dict(
                Project.objects.filter(investment_wan__isnull=False).values_list(
                    "name", "investment_wan"
                )
            ),
            {
                "香洲区排水管网普查及检测": Decimal("3200"),
                "第一批旧村末端截污工程": Decimal("1800"),
                "第二批旧村截污纳管工程": Decimal("2168"),
                "第三批旧村截污工程": Decimal("830"),
            },
        )
        self.assertFalse(Measure.objects.filter(investment_wan__isnull=False).exists())

    def test_it_cites_every_investment_from_its_paragraph(self):
        for project in Project.objects.filter(investment_wan__isnull=False).select_related(
            "source"
        ):
            with self.subTest(project.name):
                self.assertCites(project, f"{project.investment_wan.normalize():f}万元")

    def test_it_gives_no_channel_a_code_length_receiving_water_or_maintainer(self):
        self.assertEqual(Channel.objects.count(), 9)
        for channel in Channel.objects.all():
            with self.subTest(channel.name):
                self.assertIsNone(channel.code)
                self.assertIsNone(channel.length_km)
                self.assertEqual(channel.receiving_water, "")
                self.assertIsNone(channel.maintaining_unit)

    def test_it_names_only_channels_the_article_names(self):
        text = "".join(water_paragraphs())
        for channel in Channel.objects.all():
            with self.subTest(channel.name):
                self.assertIn(channel.name.removesuffix("排洪渠"), text)

    def test_it_has_no_progress_reports(self):
        self.assertFalse(ProgressReport.objects.exists())

    def test_it_has_exactly_the_article_projects(self):
        self.assertEqual(
            sorted(Project.objects.values_list("stream", "name")),
            sorted(
                [
                    (1, "香洲区排水管网普查及检测"),
                    (2, "第一批旧村末端截污工程"),
                    (2, "第二批旧村截污纳管工程"),
                    (2, "第三批旧村截污工程"),
                    (3, BUILD_1),
                    (3, BUILD_2),
                    (4, "造贝排洪渠河道治理提升项目"),
                    (4, "105国道排洪渠河道治理提升项目"),
                    (4, "南屏西、翠屏路排洪渠黑臭水体生态修复项目"),
                    (4, "全区“一河一策”工作方案编制"),
                    (4, "前山河沿线排洪渠整治及生态修复项目"),
                ]
            ),
        )

    def test_it_has_no_target_dates_or_baselines(self):
        self.assertFalse(Target.objects.filter(target_date__isnull=False).exists())
        self.assertFalse(Target.objects.exclude(baseline="").exists())
