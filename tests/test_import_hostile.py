"""Hostile and odd files cost what their content costs: a workbook whose <dimension> claims a
million rows by 16,384 columns, a sheet of tens of thousands of blank rows, a cell far out to
the right; a number like 1e27 is a row error, never a 500."""

import io
import re
import resource
import time
import zipfile

from django.test import TestCase

from projects.services.imports import InspectionImporter, SampleImporter
from tests.test_imports import INSPECTION_HEADER, SAMPLE_HEADER, csv_file, sample_rows, xlsx_file


def workbook_bytes(header, rows):
    return xlsx_file(header, rows).read()


def rewrite_sheet(data, change):
    """The workbook ``data`` with its first sheet's XML passed through ``change``."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as original,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy,
    ):
        for item in original.infolist():
            content = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            copy.writestr(item.filename, content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class HostileWorkbookTests(TestCase):
    fixtures = ["xiangzhou_2018"]

    def check(self, data, name="lab.xlsx"):
        before = peak_rss_mib()
        started = time.monotonic()
        result = SampleImporter().check(io.BytesIO(data), name)
        elapsed = time.monotonic() - started
        return result, elapsed, peak_rss_mib() - before

    def test_it_reads_a_dimension_bomb_in_seconds_without_padding(self):
        good = workbook_bytes(SAMPLE_HEADER, [row.split(",") for row in sample_rows(3)])

        def claim_everything(xml):
            # The sheet says it spans A1:XFD1048576, and a last cell there makes it true.
            xml = re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:XFD1048576"/>', xml)
            self.assertIn(b"XFD1048576", xml)
            return xml.replace(
                b"</sheetData>",
                b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>',
            )

        bomb = rewrite_sheet(good, claim_everything)
        self.assertLess(len(bomb), 10_000)
        result, elapsed, grown = self.check(bomb)
        self.assertLess(elapsed, 5)
        self.assertLess(grown, 100)
        self.assertEqual(result.rows, 3)
        self.assertFalse(result.refused)

    def test_it_skips_a_sea_of_blank_rows_below_the_data(self):
        good = workbook_bytes(SAMPLE_HEADER, [row.split(",") for row in sample_rows(2)])
        blanks = b"".join(
            b'<row r="%d"><c r="A%d" s="0"/><c r="XFD%d" s="0"/></row>' % (n, n, n)
            for n in range(4, 60_004)
        )
        sea = rewrite_sheet(
            good, lambda xml: xml.replace(b"</sheetData>", blanks + b"</sheetData>")
        )
        result, elapsed, grown = self.check(sea)
        self.assertLess(elapsed, 20)
        self.assertLess(grown, 100)
        self.assertEqual(result.rows, 2)
        self.assertFalse(result.refused)

    def test_it_ignores_a_cell_at_the_last_column(self):
        good = workbook_bytes(SAMPLE_HEADER, [row.split(",") for row in sample_rows(1)])
        far = rewrite_sheet(
            good,
            lambda xml: xml.replace(
                b"</row></sheetData>",
                b'<c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
            ),
        )
        result, elapsed, _grown = self.check(far)
        self.assertLess(elapsed, 5)
        self.assertEqual(result.rows, 1)


class HugeNumberTests(TestCase):
    fixtures = ["xiangzhou_2018"]

    def test_it_makes_1e27_a_row_error_in_a_sample(self):
        rows = [row.replace(",4.5,", ",1e27,") for row in sample_rows(2)]
        result = SampleImporter().check(csv_file(SAMPLE_HEADER, rows), "lab.csv")
        self.assertFalse(result.ok)
        self.assertEqual({error.line for error in result.errors}, {2, 3})
        self.assertTrue(all("1e27" in error.message for error in result.errors))

    def test_it_makes_huge_numbers_row_errors_in_an_inspection(self):
        row = "YS-001,W1,W2,1e27,混凝土管,40,C,一般土层,CCTV,2018-05-01,检测公司,V1,PL,2,3.5,1,"
        result = InspectionImporter().check(csv_file(INSPECTION_HEADER, [row]), "cctv.csv")
        self.assertFalse(result.ok)
        self.assertIn("1e27", " ".join(error.message for error in result.errors))


class OldDateTests(TestCase):
    fixtures = ["xiangzhou_2018"]

    def test_it_refuses_a_sample_from_year_one_or_1989_as_a_row_error(self):
        rows = list(sample_rows(3))
        rows[0] = rows[0].replace("2018-01-01 09:00", "0001-01-01 09:00")
        rows[1] = rows[1].replace("2018-01-01 10:00", "1989-12-31 23:59")
        result = SampleImporter().check(csv_file(SAMPLE_HEADER, rows), "lab.csv")
        self.assertEqual({error.line for error in result.errors}, {2, 3})
        self.assertTrue(all("1990" in error.message for error in result.errors))

    def test_it_refuses_an_inspection_dated_1989(self):
        row = "YS-001,W1,W2,400,混凝土管,40,C,一般土层,CCTV,1989-05-01,检测公司,V1,PL,2,3.5,1,"
        result = InspectionImporter().check(csv_file(INSPECTION_HEADER, [row]), "cctv.csv")
        self.assertIn("1990", " ".join(error.message for error in result.errors))
