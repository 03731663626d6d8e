"""Downloads are streamed: the rows are read from the database a chunk at a time and written as
they are read, so a CSV starts at once and memory stays the same whatever the table's size; the
cells are the ones the table gives row by row (``table.rows``), as before."""

import csv
import datetime
import io
import tracemalloc
from decimal import Decimal
from unittest import mock

import django_tables2 as tables
import openpyxl
from django.db.models import QuerySet
from django.test import RequestFactory, TestCase
from django.urls import reverse
from django_tables2 import RequestConfig

from projects.models import Channel, PatrolPost, PatrolRecord, ResponsibleUnit
from projects.services.exports import CleanTableExport, Percent, plain
from projects.tables.patrols import PatrolRecordTable
from projects.views.patrols import patrol_records
from tests.factories import make_users

UTC = datetime.UTC
FIRST = datetime.datetime(2018, 10, 27, 8, 20, 5, 123456, tzinfo=UTC)


def body(response):
    return b"".join(response.streaming_content)


def old_rows(table):
    """The CSV cells as exports were built before streaming: every row of ``table.rows`` at
    once, each cell made plain."""
    exporter = CleanTableExport("csv", table)
    rows = [exporter.headers]
    for row in list(table.rows):
        values = [plain(row.get_cell_value(column.name)) for column in exporter.columns]
        rows.append(
            [exporter.text(v, f) for v, f in zip(values, exporter.date_formats, strict=True)]
        )
    return rows


class PatrolExportTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_users(cls)
        channel = Channel.objects.create(name="造贝排洪渠", code="ZB")
        cls.east = ResponsibleUnit.objects.create(name="东市政站", kind="station")
        west = ResponsibleUnit.objects.create(name="西市政站", kind="station")
        east_post = PatrolPost.objects.create(station=cls.east, name="东渠岗")
        west_post = PatrolPost.objects.create(station=west, name="西渠岗")
        findings = ["=1+1", "东渠水面有漂浮物", "", "+ 垃圾", "@造贝桥下", "正常"]
        for i, text in enumerate(findings):
            PatrolRecord.objects.create(
                post=east_post if i != 2 else west_post,
                channel=channel,
                kind=PatrolRecord.Kind.INSPECTION,
                patrolled_at=FIRST + datetime.timedelta(hours=i * 7, seconds=i),
                patroller=f"李工{i}",
                findings=text,
            )

    def setUp(self):
        self.client.force_login(self.admin)


class StreamedCsvTests(PatrolExportTestCase):
    def test_the_csv_streams_the_cells_the_table_gave_before(self):
        url = reverse("projects:patrol-list")
        query = {"station": self.east.pk, "sort": "findings"}
        response = self.client.get(url, {**query, "_export": "csv"})
        self.assertTrue(response.streaming)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertRegex(response["Content-Disposition"], r'^attachment; filename="patrols-\d+')
        content = body(response)
        self.assertTrue(content.startswith(b"\xef\xbb\xbf"))
        streamed = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))

        table = PatrolRecordTable(patrol_records().filter(post__station=self.east))
        RequestConfig(RequestFactory().get(url, query), paginate=False).configure(table)
        self.assertEqual(streamed, old_rows(table))
        self.assertEqual(len(streamed), 6)  # the header and the east station's five patrols
        findings = [row[streamed[0].index("发现问题")] for row in streamed[1:]]
        self.assertEqual(findings, ["'+ 垃圾", "'=1+1", "'@造贝桥下", "东渠水面有漂浮物", "正常"])

    def test_it_sends_the_header_before_reading_a_row_and_reads_the_rows_in_chunks(self):
        pulled, sizes = [], []
        iterator = QuerySet.iterator

        def counted(queryset, chunk_size=None):
            sizes.append(chunk_size)
            for record in iterator(queryset, chunk_size=chunk_size):
                pulled.append(record)
                yield record

        with (
            mock.patch.object(CleanTableExport, "chunk_size", 2),
            mock.patch.object(QuerySet, "iterator", counted),
        ):
            response = self.client.get(
                reverse("projects:patrol-list"), {"station": self.east.pk, "_export": "csv"}
            )
            parts = iter(response.streaming_content)
            header = next(parts)
            self.assertEqual(pulled, [])  # the header went before any record was read
            self.assertTrue(header.startswith("\ufeff时间,".encode()))
            first = next(parts)
            self.assertEqual(first.count(b"\r\n"), 2)
            self.assertLessEqual(len(pulled), 3)  # of five: the rest are not read yet
            rest = list(parts)
        self.assertEqual(sizes, [2])
        self.assertEqual(len(pulled), 5)
        self.assertEqual([part.count(b"\r\n") for part in rest], [2, 1])

    def test_it_reads_a_table_of_a_page_with_several_in_chunks_too(self):
        channel = Channel.objects.get()
        with mock.patch.object(CleanTableExport, "chunk_size", 2):
            response = self.client.get(
                channel.get_absolute_url(), {"_export": "csv", "_table": "patrols"}
            )
            self.assertTrue(response.streaming)
            rows = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))
        self.assertEqual(len(rows), 7)
        self.assertIn("'=1+1", [cell for row in rows for cell in row])


class StreamedXlsxTests(PatrolExportTestCase):
    def test_the_xlsx_is_sent_from_a_file_and_holds_the_csvs_cells(self):
        url = reverse("projects:patrol-list")
        with mock.patch.object(CleanTableExport, "chunk_size", 2):
            response = self.client.get(url, {"_export": "xlsx", "sort": "-patrolled_at"})
            self.assertTrue(response.streaming)
            self.assertEqual(
                response["Content-Type"],
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            self.assertRegex(response["Content-Disposition"], r'^attachment; filename="patrols-')
            book = openpyxl.load_workbook(io.BytesIO(body(response)))
            response = self.client.get(url, {"_export": "csv", "sort": "-patrolled_at"})
            streamed = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))
        sheet = book.active
        self.assertEqual(sheet.title, "巡查记录")
        self.assertEqual(sheet.freeze_panes, "A2")
        header, *rows = list(sheet.iter_rows())
        self.assertEqual([c.value for c in header], streamed[0])
        self.assertTrue(all(cell.font.bold for cell in header))
        self.assertEqual(len(rows), 6)
        times = [row[0] for row in rows]
        self.assertEqual(
            [c.value for c in times],
            [
                datetime.datetime(2018, 10, 27, 16, 20, 5)
                + datetime.timedelta(hours=i * 7, seconds=i)
                for i in reversed(range(6))
            ],
        )
        self.assertEqual({c.number_format for c in times}, {"yyyy-mm-dd hh:mm:ss"})
        findings = streamed[0].index("发现问题")
        self.assertEqual(
            [row[findings].value or "" for row in rows], [r[findings] for r in streamed[1:]]
        )
        formula = next(row[findings] for row in rows if row[findings].value == "'=1+1")
        self.assertEqual(formula.data_type, "s")
        # The widths fit the header and the first rows, as before.
        self.assertEqual(sheet.column_dimensions["A"].width, len("2018-10-28 23:20:05") + 2)


class Generated:
    """``n`` records made as they are asked for: a table's data that holds nothing."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        return self.record(index)

    def __iter__(self):
        return (self.record(i) for i in range(self.n))

    @staticmethod
    def record(i):
        return {
            "name": f"=测试渠{i:06d}",
            "at": FIRST + datetime.timedelta(minutes=i),
            "share": Percent(i % 1000) / 10,
            "amount": Decimal(i) / 100,
        }


class GeneratedTable(tables.Table):
    name = tables.Column(verbose_name="名称")
    at = tables.DateTimeColumn(verbose_name="时间")
    share = tables.Column(verbose_name="比例")
    amount = tables.Column(verbose_name="金额")
    export_title = "测试"


def peak(n, export_format):
    """Peak Python allocation while a table of ``n`` generated rows is exported and sent, read
    40 rows at a time, an XLSX written to disk from 64 KiB on; and the file's size."""
    exporter = CleanTableExport(export_format, GeneratedTable(Generated(n)))
    with (
        mock.patch.object(CleanTableExport, "chunk_size", 40),
        mock.patch.object(CleanTableExport, "memory_size", 2**16),
    ):
        tracemalloc.start()
        try:
            response = exporter.response(filename=f"test.{export_format}")
            size = sum(len(part) for part in response.streaming_content)
            return tracemalloc.get_traced_memory()[1], size
        finally:
            tracemalloc.stop()
            response.close()


class BoundedMemoryTests(TestCase):
    """Ten times the rows, the same memory (rows built whole took ten times as much)."""

    def test_a_csv_of_ten_times_the_rows_takes_no_more_memory(self):
        small, small_size = peak(400, "csv")
        large, large_size = peak(4_000, "csv")
        self.assertGreater(large_size, 9 * small_size)
        self.assertLess(large, 1.5 * small)

    def test_an_xlsx_of_ten_times_the_rows_takes_no_more_memory(self):
        small, small_size = peak(400, "xlsx")
        large, large_size = peak(4_000, "xlsx")
        self.assertGreater(large_size, 5 * small_size)
        self.assertLess(large, 1.5 * small)
