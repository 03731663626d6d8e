"""A channel or project the office entered itself says 未填写 (not filled in) where a field is
empty, while a row citing the source article keeps 原文未载明 (the article gives no value): on
the channel and project lists, the dashboard's projects, the channel page's tables and facts,
the project page, and the CSV and XLSX downloads — as the outfalls and the month report say it.
A project with no monthly report yet says 未填报 (not reported) of its investment to date."""

import csv
import datetime
import io

import openpyxl
from django.urls import reverse

from projects.models import Channel, Project, Responsibility, RiverChief, Stream
from tests.test_editing import EditingTestCase

NOT_FILLED = '<span class="na">未填写</span>'
NOT_GIVEN = '<span class="na">原文未载明</span>'
NOT_REPORTED = '<span class="na">未填报</span>'
CHANNELS = reverse("projects:channel-list")
PROJECTS = reverse("projects:project-list")


def cells(table, column):
    return {row.record.name: str(row.get_cell(column)) for row in table.rows}


def facts(response):
    """The page's facts panel (the first one)."""
    return response.content.decode().split('class="panel facts"')[1].split("</section>")[0]


def download(client, url, export_format, **query):
    response = client.get(url, {**query, "_export": export_format})
    content = b"".join(response.streaming_content)
    if export_format == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    headers = rows[0]
    return {row[0]: dict(zip(headers, row, strict=True)) for row in rows[1:]}


class BlankTestCase(EditingTestCase):
    """办公室渠 and 办公室项目 (on it) are the office's, every optional field empty; 105国道排洪渠
    and 造贝排洪渠河道治理提升项目 cite the article, which gives no code, street, maintaining
    unit, length, investment, lead unit or planned end."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.office_channel = Channel.objects.create(name="办公室渠")
        cls.office_project = Project.objects.create(
            name="办公室项目", stream=Stream.REMEDIATE, status=Project.Status.IN_PROGRESS
        )
        cls.office_project.channels.add(cls.office_channel)
        cls.article_project = Project.objects.get(name="造贝排洪渠河道治理提升项目")

    def setUp(self):
        self.client.force_login(self.viewer)


class ChannelBlankTests(BlankTestCase):
    COLUMNS = ("code", "street", "maintaining_unit", "length_km")

    def test_the_channel_list_says_not_filled_in_only_of_the_offices_channel(self):
        self.assertIsNotNone(self.g105.source_id)
        self.assertEqual((self.g105.code, self.g105.length_km), (None, None))
        table = self.client.get(CHANNELS).context["table"]
        for column in self.COLUMNS:
            with self.subTest(column):
                self.assertEqual(cells(table, column)["办公室渠"], NOT_FILLED)
                self.assertEqual(cells(table, column)["105国道排洪渠"], NOT_GIVEN)

    def test_the_channel_downloads_say_why_a_cell_is_empty(self):
        headers = ("编号", "镇街", "管养单位", "长度(公里)")
        for export_format in ("csv", "xlsx"):
            with self.subTest(export_format):
                rows = download(self.client, CHANNELS, export_format)
                self.assertEqual([rows["办公室渠"][h] for h in headers], ["未填写"] * 4)
                self.assertEqual([rows["105国道排洪渠"][h] for h in headers], ["原文未载明"] * 4)

    def test_the_channel_page_says_not_filled_in_of_the_offices_channel(self):
        page = facts(self.client.get(self.office_channel.get_absolute_url()))
        # code, street, location, length, receiving water, maintaining unit
        self.assertEqual(page.count(NOT_FILLED), 6)
        self.assertNotIn("原文未载明", page)
        page = facts(self.client.get(self.g105.get_absolute_url()))
        self.assertIn("原文未载明", page)  # 105国道 gives a location, nothing else
        self.assertNotIn("未填写", page)

    def test_the_channel_pages_projects_say_not_filled_in(self):
        page = self.client.get(self.office_channel.get_absolute_url())
        table = page.context["tables"]["projects"]
        self.assertEqual(cells(table, "investment_wan")["办公室项目"], NOT_FILLED)
        self.assertEqual(cells(table, "lead_unit")["办公室项目"], NOT_FILLED)
        self.assertEqual(cells(table, "cumulative_investment_wan")["办公室项目"], NOT_REPORTED)
        url = self.office_channel.get_absolute_url()
        rows = download(self.client, url, "csv", _table="projects")
        self.assertEqual(rows["办公室项目"]["投资(万元)"], "未填写")
        self.assertEqual(rows["办公室项目"]["累计投资(万元)"], "未填报")

    def test_a_plan_row_the_office_added_says_not_filled_in(self):
        plan = self.g105.plan
        Responsibility.objects.create(plan=plan, duty="办公室加的职责")
        Responsibility.objects.create(plan=plan, duty="原文的职责", source_id=plan.source_id)
        page = self.client.get(self.g105.get_absolute_url())
        table = page.context["tables"]["responsibilities"]
        by_duty = {row.record.duty: str(row.get_cell("person")) for row in table.rows}
        self.assertEqual(by_duty["办公室加的职责"], NOT_FILLED)
        self.assertEqual(by_duty["原文的职责"], NOT_GIVEN)


class ProjectBlankTests(BlankTestCase):
    COLUMNS = ("investment_wan", "lead_unit", "planned_end")

    def assert_blanks(self, table):
        for column in self.COLUMNS:
            with self.subTest(column):
                self.assertEqual(cells(table, column)["办公室项目"], NOT_FILLED)
                self.assertEqual(cells(table, column)[self.article_project.name], NOT_GIVEN)
        for name in ("办公室项目", self.article_project.name):  # no monthly report yet
            self.assertEqual(cells(table, "cumulative_investment_wan")[name], NOT_REPORTED)

    def test_the_project_list_says_not_filled_in_only_of_the_offices_project(self):
        project = self.article_project
        self.assertIsNotNone(project.source_id)
        self.assertEqual(
            (project.investment_wan, project.lead_unit, project.planned_end), (None,) * 3
        )
        self.assert_blanks(self.client.get(PROJECTS).context["table"])

    def test_the_dashboards_projects_say_not_filled_in_only_of_the_offices_project(self):
        page = self.client.get(reverse("projects:dashboard"))
        self.assert_blanks(page.context["tables"]["projects"])

    def test_the_project_downloads_say_why_a_cell_is_empty(self):
        headers = ("投资(万元)", "累计投资(万元)", "责任单位", "计划完工")
        for export_format in ("csv", "xlsx"):
            with self.subTest(export_format):
                rows = download(self.client, PROJECTS, export_format)
                office = [rows["办公室项目"][h] for h in headers]
                self.assertEqual(office, ["未填写", "未填报", "未填写", "未填写"])
                article = [rows[self.article_project.name][h] for h in headers]
                self.assertEqual(article, ["原文未载明", "未填报", "原文未载明", "原文未载明"])
        # A planned end that is given is still a date cell.
        given = Project.objects.get(name="105国道排洪渠河道治理提升项目")
        given.planned_end = datetime.date(2030, 6, 30)
        given.save()
        rows = download(self.client, PROJECTS, "xlsx")
        self.assertEqual(rows[given.name]["计划完工"], datetime.datetime(2030, 6, 30))

    def test_the_project_page_says_not_filled_in_of_the_offices_project(self):
        page = facts(self.client.get(self.office_project.get_absolute_url()))
        # investment, planned start, planned end, actual end, unit, person, contractor
        self.assertEqual(page.count(NOT_FILLED), 7)
        self.assertNotIn("原文未载明", page)
        page = facts(self.client.get(self.article_project.get_absolute_url()))
        self.assertIn("原文未载明", page)
        self.assertNotIn("未填写", page)


class ChiefBlankTests(BlankTestCase):
    def test_a_chief_is_the_offices_record(self):
        chief = RiverChief.objects.create(name="张河长")
        page = facts(self.client.get(chief.get_absolute_url()))
        self.assertEqual(page.count(NOT_FILLED), 2)  # position, phone
        self.assertNotIn("原文未载明", page)
