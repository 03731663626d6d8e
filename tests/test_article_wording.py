"""The pages, exports and ledger say what the article says: the batches are interception works
counted in 条 (24条 / 12条 / 4条, 40 in all), not villages; the stations and channels the article
lists keep its order; the QV and CCTV lengths are not shown as shares of the 920 km; the plans'
untold title and status are shown as not given."""

import csv
import io
import re

from django.test import TestCase
from django.urls import reverse

from projects.models import Channel, InterceptionBatch, Plan, Project
from tests.ledger_job import ledger_workbook
from tests.test_editing import make_role_users
from tests.test_ledger import STREAM_SHEETS


class ArticleWordingTests(TestCase):
    fixtures = ["xiangzhou_2018"]

    @classmethod
    def setUpTestData(cls):
        make_role_users(cls)

    def setUp(self):
        self.client.force_login(self.viewer)

    def get(self, url, **query):
        response = self.client.get(url, query)
        self.assertEqual(response.status_code, 200)
        return response

    def assertSaysWorksNotVillages(self, text):
        for claim in ("村数", "个村"):
            self.assertNotIn(claim, text)
        # The article's own “24条旧村末端截污工程” may be quoted; our figures never say 村.
        self.assertIsNone(re.search(r"\d+ 条旧村", text))

    def test_the_dashboard_counts_interception_works_in_tiao(self):
        html = self.get(reverse("projects:dashboard")).content.decode()
        card = html.split('class="card stream-2"')[1].split("</article>")[0]
        self.assertIn("截污工程", card)
        self.assertIn("<b>40</b> 条", card)
        self.assertIn("截污工程 24 条", card)
        self.assertIn("已列名 8 条", card)
        self.assertSaysWorksNotVillages(card)

    def test_the_batch_pages_count_works(self):
        listing = self.get(reverse("projects:batch-list")).content.decode()
        self.assertIn("截污工程（条）", listing)
        self.assertIn("已列名 8 条，共 24 条", listing)
        self.assertSaysWorksNotVillages(listing)
        batch = InterceptionBatch.objects.get(batch_number=2)
        page = self.get(batch.get_absolute_url()).content.decode()
        self.assertIn("<b>12</b> 条", page)
        self.assertIn("原文列出本批 12 条截污工程中的 8 条", page)
        self.assertSaysWorksNotVillages(page)

    def test_the_batch_export_counts_works(self):
        response = self.get(reverse("projects:batch-list"), _export="csv")
        content = b"".join(response.streaming_content) if response.streaming else response.content
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        header = rows[0]
        self.assertIn("截污工程（条）", header)
        self.assertIn("已列名（条）", header)
        counts = [row[header.index("截污工程（条）")] for row in rows[1:4]]
        self.assertEqual(counts, ["24", "12", "4"])
        self.assertSaysWorksNotVillages(content.decode("utf-8-sig"))

    def test_the_ledger_counts_works(self):
        workbook = ledger_workbook(self, "2018-06", self.viewer)
        sheet = workbook[STREAM_SHEETS[1]]
        scales = [row[2] for row in sheet.iter_rows(min_row=4, values_only=True) if row[2]]
        self.assertTrue(any(text.startswith("截污工程 24 条") for text in scales), scales)
        self.assertTrue(any(text.startswith("截污工程 4 条") for text in scales), scales)
        for text in scales:
            self.assertSaysWorksNotVillages(text)

    def test_105_is_not_counted_black_odorous(self):
        html = self.get(reverse("projects:dashboard")).content.decode()
        card = html.split('id="black-odorous"')[1].split("</section>")[0]
        self.assertNotIn("105国道排洪渠", card)
        self.assertEqual(Channel.objects.get(name="105国道排洪渠").condition, "unknown")

    def test_stations_and_channels_keep_the_articles_order(self):
        html = self.get(reverse("projects:pipes")).content.decode()
        self.assertIn("岱山泵站、上冲泵站", html)
        text = re.sub(r"<[^>]+>", "", html)
        self.assertIn("金凤排洪渠、东大排洪渠、南屏东排洪渠、南屏中排洪渠、翠微东排洪渠等", text)
        project = Project.objects.get(name="全市污水管网建设工程(香洲区)第一批工程")
        page = self.get(project.get_absolute_url()).content.decode()
        names = ["金凤", "东大", "南屏东", "南屏中", "翠微东"]
        positions = [page.index(f">{name}排洪渠</a>") for name in names]
        self.assertEqual(positions, sorted(positions))

    def test_survey_lengths_have_no_underived_share(self):
        html = self.get(reverse("projects:dashboard")).content.decode()
        self.assertNotIn("56.5%", html)
        self.assertNotIn("14.8%", html)
        survey = Project.objects.get(name="香洲区排水管网普查及检测")
        page = self.get(survey.get_absolute_url()).content.decode()
        self.assertNotIn("56.5%", page)
        pipes = self.get(reverse("projects:pipes")).content.decode()
        # The table keeps the ratio, labelled as derived.
        self.assertIn("56.5%", pipes)
        self.assertIn("QV检测长度÷普查长度（推算）", pipes)

    def test_the_plans_title_and_status_show_as_not_given(self):
        plan = Plan.objects.get(channel__name="造贝排洪渠")
        html = self.get(plan.channel.get_absolute_url()).content.decode()
        section = html.split('class="column plan"')[1].split("</section>")[0]
        text = re.sub(r"<[^>]+>", "|", section)
        self.assertIn("|名称|原文未载明|", re.sub(r"\|+", "|", text))
        self.assertNotIn("实施中", section)
