"""An outfall is the office's own record, never cited from the article: a field left empty
says 未填写 (not filled in), not 原文未载明 (the article gives no value), on the register, the
channel page's outfalls, a plant's outfalls, the CSV and XLSX downloads, and the outfall's and
the plant's pages — as the month report says it of the office's own projects."""

import csv
import io

import openpyxl

from projects.models import TreatmentPlant
from projects.tables.columns import BlankReasonColumn
from tests.test_outfalls import REGISTER, OutfallTestCase

NOT_FILLED = '<span class="na">未填写</span>'


def cells(table, column):
    return {row.record.code: str(row.get_cell(column)) for row in table.rows}


class OutfallBlankTests(OutfallTestCase):
    """G105-01 has neither place nor size; ZB-01 has both."""

    def setUp(self):
        self.client.force_login(self.viewer)

    def assert_blanks(self, table):
        self.assertEqual(cells(table, "place")["G105-01"], NOT_FILLED)
        self.assertEqual(cells(table, "size")["G105-01"], NOT_FILLED)

    def test_the_register_says_not_filled_in(self):
        table = self.client.get(REGISTER).context["table"]
        self.assert_blanks(table)
        self.assertEqual(cells(table, "place")["ZB-01"], "利达花园旁")
        self.assertEqual(cells(table, "size")["ZB-01"], "DN800")

    def test_the_channel_page_and_the_plant_page_say_not_filled_in(self):
        page = self.client.get(self.g105.get_absolute_url())
        self.assert_blanks(page.context["tables"]["outfalls"])
        self.g01.plant = self.plant
        self.g01.save()
        page = self.client.get(self.plant.get_absolute_url())
        self.assert_blanks(page.context["tables"]["outfalls"])

    def test_the_downloads_say_not_filled_in(self):
        response = self.client.get(REGISTER, {"channel": self.g105.pk, "_export": "csv"})
        content = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(content)))
        self.assertEqual(rows[1][:5], ["G105-01", "105国道排洪渠", "未填写", "污水", "未填写"])
        self.assertNotIn("原文未载明", content)
        response = self.client.get(REGISTER, {"channel": self.g105.pk, "_export": "xlsx"})
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        row = [cell.value for cell in sheet[2]]
        self.assertEqual(row[:5], ["G105-01", "105国道排洪渠", "未填写", "污水", "未填写"])

    def test_the_outfall_and_plant_pages_say_not_filled_in(self):
        page = self.client.get(self.g01.get_absolute_url())
        facts = page.content.decode().split('class="panel facts"')[1].split("</section>")[0]
        # place, coordinates, size, dry-weather discharge, colour, smell, plant
        self.assertEqual(facts.count(NOT_FILLED), 7)
        self.assertNotIn("原文未载明", facts)
        plant = TreatmentPlant.objects.create(name="未报负荷的厂", capacity_t_d=1000)
        page = self.client.get(plant.get_absolute_url())
        facts = page.content.decode().split('class="panel facts"')[1].split("</section>")[0]
        self.assertIn(NOT_FILLED, facts)
        self.assertNotIn("原文未载明", facts)

    def test_a_row_citing_the_article_still_says_not_given(self):
        # The same words as the month report's (projects.services.totals.blank_label).
        class Cited:
            source_id = 1

        column = BlankReasonColumn()
        self.assertEqual(str(column.render("", Cited())), '<span class="na">原文未载明</span>')
        self.assertEqual(column.value("", Cited()), "原文未载明")
        self.assertEqual(column.value("", self.g01), "未填写")
