"""Every CSV and XLSX download the site offers, opened as a user opens it: plain values, local
times, numbers as numbers, real date cells, no live formula, a BOM on CSV, a sheet named in
the interface language.

The pages are found by walking the site from every page without arguments (the dashboard and
the lists) along the links each page shows; the downloads are the export links each page
offers."""

import csv
import datetime
import io
import re
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import openpyxl
from django.conf import settings
from django.test import TestCase
from django.urls import (
    NoReverseMatch,
    Resolver404,
    URLPattern,
    URLResolver,
    get_resolver,
    resolve,
    reverse,
)
from django.utils import translation

from projects.models import (
    Channel,
    Complaint,
    PatrolRecord,
    ProgressReport,
    Project,
    PumpingStation,
    ResponsibleUnit,
    Task,
)
from projects.services.exports import CleanTableExport, Percent, plain
from projects.tables.works import ProjectTable
from projects.views.base import ListPage, TablesMixin
from tests.factories import (
    add_chief_records,
    add_operations_records,
    add_outfall_records,
    add_sewer_records,
    add_water_records,
    make_users,
)

UTC = datetime.UTC
# 2018-10-27 08:20:05.123456 UTC is 16:20:05 in Shanghai.
PATROLLED_AT = datetime.datetime(2018, 10, 27, 8, 20, 5, 123456, tzinfo=UTC)
PATROLLED_LOCAL = datetime.datetime(2018, 10, 27, 16, 20, 5)
RECEIVED_AT = datetime.datetime(2018, 10, 27, 17, 45, tzinfo=UTC)  # 01:45 the next day
RECEIVED_LOCAL = datetime.datetime(2018, 10, 28, 1, 45)
FORMULA = '=HYPERLINK("http://example.com","点此")'

TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
ISO_OFFSET = re.compile(r"\d{2}:\d{2}(:\d{2})?(\.\d+)?\s*([+-]\d{2}:?\d{2}|Z|UTC)\b")
MICROSECONDS = re.compile(r"\d{2}:\d{2}:\d{2}\.\d+")
DATE_TEXT = re.compile(r"^\d{4}(-\d{2}-\d{2}|年\d{1,2}月\d{1,2}日)")
NUMBER_TEXT = re.compile(r"^-?\d[\d,]*(\.\d+)?%?$")
CJK = re.compile(r"[\u4e00-\u9fff]")
# Text columns whose values may be all digits: a phone number keeps its leading zero.
TEXT_DIGITS_HEADERS = {"电话"}


# Downloads of the same table on other objects' pages (every project's history, say) add
# nothing once this many had rows.
ENOUGH = 2


def natural(export):
    """Paths in numeric order: /projects/2/ before /projects/10/."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", str(export))]


def export_views():
    """{url name: view class} of every projects page that offers downloads."""
    found = {}

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "view_class", None)
                if view is not None and issubclass(view, (ListPage, TablesMixin)):
                    found[pattern.name] = view

    walk(get_resolver("projects.urls").url_patterns)
    return found


def start_paths():
    """The pages offering downloads that take no arguments."""
    paths = []
    for name in export_views():
        try:
            paths.append(reverse(f"projects:{name}"))
        except NoReverseMatch:
            continue  # a page of one object: reached by a link
    return paths


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links(page_path, content):
    parser = Links()
    parser.feed(content)
    for href in parser.hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith("#"):
            continue
        path = parts.path or page_path
        yield path, parse_qs(parts.query)


def project_url_name(path):
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.url_name if match.namespace == "projects" else None


def offers_downloads(path):
    return project_url_name(path) in export_views()


class ExportTestCase(TestCase):
    fixtures = ["xiangzhou_2018"]

    @classmethod
    def setUpTestData(cls):
        make_users(cls)
        zaobei = Channel.objects.get(name="造贝排洪渠")
        station = ResponsibleUnit.objects.create(name="东市政站", kind="station")
        records = add_operations_records(
            zaobei, station_unit=station, pumping_station=PumpingStation.objects.first()
        )
        add_sewer_records()
        add_water_records(zaobei)
        add_chief_records(zaobei)
        outfall = add_outfall_records(zaobei)
        # A sampling point at the outfall: the outfall page's samples table and its downloads.
        zaobei.sampling_points.filter(name="东1号点").update(outfall=outfall)
        post = records["post"]
        post.phone = "07562212345"
        post.save()
        # A patrol at a time with seconds and microseconds, whose findings a spreadsheet
        # would take for a formula.
        cls.patrol = PatrolRecord.objects.create(
            post=post,
            channel=zaobei,
            kind=PatrolRecord.Kind.INSPECTION,
            patrolled_at=PATROLLED_AT,
            patroller="-李工",
            findings=FORMULA,
        )
        cls.complaint = Complaint.objects.create(
            source=Complaint.Source.HOTLINE,
            received_at=RECEIVED_AT,
            location="@造贝桥下",
            channel=zaobei,
            description="有异味",
            stage=Complaint.Stage.EVALUATED,
            assigned_unit=station,
            deadline=datetime.date(2018, 10, 30),
            handled_at=RECEIVED_AT + datetime.timedelta(days=1),
            satisfaction=Complaint.Satisfaction.SATISFIED,
        )
        for task in Task.objects.all():  # the fixture's rows have no history of their own
            task.responsible_person = "王工"
            task.save()
        project = Project.objects.filter(channels=zaobei).first()
        ProgressReport.objects.create(
            project=project,
            month=datetime.date(2018, 10, 1),
            planned_percent=Decimal("50.0"),
            percent_complete=Decimal("42.5"),
            investment_this_month_wan=Decimal("12.30"),
            problems="+ 征地未完成",
            reported_by=cls.admin,
        )

    def setUp(self):
        self.client.force_login(self.admin)


class EveryExportTests(ExportTestCase):
    def crawl(self):
        """Every page offering downloads reachable from the argument-free ones along links, and
        the export links they offer: ({url name: paths visited}, {(path, table, format)})."""
        queue = list(dict.fromkeys(start_paths()))
        seen = set(queue)
        visited, exports = {}, set()
        while queue:
            path = queue.pop(0)
            name = project_url_name(path)
            response = self.client.get(path)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            visited.setdefault(name, []).append(path)
            for link_path, query in links(path, response.content.decode()):
                if "_export" in query:
                    table = query.get("_table", [""])[0]
                    exports.add((link_path, table, query["_export"][0]))
                elif link_path not in seen and offers_downloads(link_path):
                    seen.add(link_path)
                    queue.append(link_path)
        return visited, exports

    def check_csv(self, label, response):
        self.assertTrue(response.content.startswith(b"\xef\xbb\xbf"), f"{label}: no BOM")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertTrue(rows, label)
        for row in rows:
            for cell in row:
                self.check_text(label, cell)
        return rows

    def check_text(self, label, text):
        self.assertIsNone(TAG.search(text), f"{label}: HTML in {text!r}")
        self.assertIsNone(ISO_OFFSET.search(text), f"{label}: a time with its offset {text!r}")
        self.assertIsNone(MICROSECONDS.search(text), f"{label}: microseconds in {text!r}")
        self.assertFalse(text.startswith(("=", "+", "-", "@", "\t", "\r")), f"{label}: {text!r}")

    def check_xlsx(self, label, response):
        self.assertTrue(response.content.startswith(b"PK"), label)
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        sheet = book.active
        self.assertRegex(sheet.title, CJK, f"{label}: sheet {sheet.title!r} is not in Chinese")
        rows = list(sheet.iter_rows())
        headers = [cell.value for cell in rows[0]]
        for row in rows:
            for header, cell in zip(headers, row, strict=False):
                value = cell.value
                self.assertNotEqual(cell.data_type, "f", f"{label}: formula {value!r}")
                if isinstance(value, datetime.datetime):
                    self.assertIsNone(value.tzinfo, label)
                    self.assertEqual(value.microsecond, 0, label)
                    self.assertTrue(cell.is_date, label)
                elif isinstance(value, str):
                    self.check_text(label, value)
                    self.assertIsNone(DATE_TEXT.match(value), f"{label}: date as text {value!r}")
                    if header not in TEXT_DIGITS_HEADERS and cell.row > 1:
                        self.assertIsNone(
                            NUMBER_TEXT.match(value), f"{label}: number as text {value!r}"
                        )
        return headers, [[cell.value for cell in row] for row in rows[1:]]

    def test_it_downloads_every_table_of_every_page_with_plain_values(self):
        visited, exports = self.crawl()
        expected = set(export_views())
        self.assertEqual(expected - set(visited), set(), "pages offering downloads not reached")
        exported = {project_url_name(path) for path, _table, _format in exports}
        self.assertEqual(expected - exported, set(), "pages whose downloads were not offered")

        cells, rows_by_page, filled = [], {}, {}
        for path, table, export_format in sorted(exports, key=natural):
            key = (project_url_name(path), table, export_format)
            if filled.get(key, 0) >= ENOUGH:
                continue  # the same table of another object: already seen with rows
            query = {"_export": export_format, **({"_table": table} if table else {})}
            label = f"{path}?{'&'.join(f'{k}={v}' for k, v in query.items())}"
            with self.subTest(label):
                response = self.client.get(path, query)
                self.assertEqual(response.status_code, 200, label)
                self.assertIn("attachment", response["Content-Disposition"], label)
                if export_format == "csv":
                    self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
                    rows = self.check_csv(label, response)[1:]
                else:
                    _headers, rows = self.check_xlsx(label, response)
                    cells += [value for row in rows for value in row]
                rows_by_page[key[:2]] = rows_by_page.get(key[:2], 0) + len(rows)
                filled[key] = filled.get(key, 0) + bool(rows)

        # The walk reached data: every page offering downloads gave rows in one of them.
        for name in expected:
            total = sum(n for (page, _t), n in rows_by_page.items() if page == name)
            self.assertGreater(total, 0, f"{name}: every download was empty")
        # Times are local, real date cells; numbers are numbers; formulas are text.
        self.assertIn(PATROLLED_LOCAL, cells)
        self.assertIn(RECEIVED_LOCAL, cells)
        self.assertIn(datetime.datetime(2018, 10, 30), cells)  # a date cell reads as midnight
        self.assertIn(f"'{FORMULA}", cells)
        self.assertIn("'-李工", cells)
        self.assertIn("'@造贝桥下", cells)
        self.assertIn(12.3, [c for c in cells if isinstance(c, (int, float))])  # 本月投资


class ListExportTests(ExportTestCase):
    def test_it_exports_the_projects_status_as_words_and_money_as_numbers(self):
        url = reverse("projects:project-list")
        response = self.client.get(url, {"stream": 2, "_export": "xlsx"})
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        self.assertEqual(sheet.title, "项目")
        headers = [cell.value for cell in sheet[1]]
        rows = [
            dict(zip(headers, (c.value for c in row), strict=True)) for row in sheet.iter_rows(2)
        ]
        self.assertEqual(len(rows), 3)
        by_name = {row["名称"]: row for row in rows}
        batch = Project.objects.get(pk=Project.objects.filter(stream=2).order_by("pk")[0].pk)
        row = by_name[batch.name]
        self.assertEqual(row["状态"], batch.get_status_display())
        self.assertEqual(row["投资(万元)"], float(batch.investment_wan))
        money = sheet.cell(row=2, column=headers.index("投资(万元)") + 1)
        self.assertEqual(money.number_format, "#,##0.00")
        response = self.client.get(url, {"stream": 2, "_export": "csv"})
        text = response.content.decode("utf-8-sig")
        self.assertNotIn("badge", text)
        self.assertIn(f"{batch.investment_wan}", text)

    def test_it_exports_a_patrol_time_in_local_time_with_its_formula_made_text(self):
        response = self.client.get(reverse("projects:patrol-list"), {"_export": "csv"})
        header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
        row = next(r for r in rows if r[header.index("发现问题")] == f"'{FORMULA}")
        self.assertEqual(row[header.index("时间")], "2018-10-27 16:20:05")
        response = self.client.get(reverse("projects:patrol-list"), {"_export": "xlsx"})
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        self.assertEqual(sheet.title, "巡查记录")
        headers = [cell.value for cell in sheet[1]]
        column = headers.index("时间")
        cell = next(
            row[column] for row in sheet.iter_rows(2) if row[column].value == PATROLLED_LOCAL
        )
        self.assertEqual(cell.number_format, "yyyy-mm-dd hh:mm:ss")
        findings = [row[headers.index("发现问题")] for row in sheet.iter_rows(2)]
        formula = next(c for c in findings if c.value and FORMULA in c.value)
        self.assertEqual((formula.value, formula.data_type), (f"'{FORMULA}", "s"))

    def test_it_offers_csv_and_xlsx_only(self):
        response = self.client.get(reverse("projects:project-list"), {"_export": "json"})
        self.assertEqual(response["Content-Type"], "text/html; charset=utf-8")
        response = self.client.get(
            reverse("projects:pipes"), {"_export": "json", "_table": "survey"}
        )
        self.assertEqual(response["Content-Type"], "text/html; charset=utf-8")

    def test_it_names_the_sheet_in_the_users_language(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = self.client.get(reverse("projects:project-list"), {"_export": "xlsx"})
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        self.assertEqual(sheet.title, "projects")
        self.assertEqual(sheet["C1"].value, "Status")
        self.assertNotRegex(str(sheet["C2"].value), CJK)

    def test_it_exports_a_tables_month_as_a_month_and_percentages_as_percentages(self):
        project = ProgressReport.objects.get(month=datetime.date(2018, 10, 1)).project
        response = self.client.get(
            project.get_absolute_url(), {"_export": "xlsx", "_table": "reports"}
        )
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        headers = [cell.value for cell in sheet[1]]
        row = next(r for r in sheet.iter_rows(2) if r[0].value == datetime.datetime(2018, 10, 1))
        self.assertEqual(row[0].number_format, "yyyy-mm")
        progress = row[headers.index("完成比例(%)")]
        self.assertEqual((progress.value, progress.number_format), (0.425, "0.0#%"))
        response = self.client.get(
            project.get_absolute_url(), {"_export": "csv", "_table": "reports"}
        )
        header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
        row = next(r for r in rows if r[0] == "2018-10")
        self.assertEqual(row[header.index("完成比例(%)")], "42.5%")
        self.assertEqual(row[header.index("存在问题")], "'+ 征地未完成")


class PlainValueTests(TestCase):
    def test_it_makes_each_kind_of_value_plain(self):
        from django.utils.html import format_html

        aware = datetime.datetime(2018, 10, 27, 8, 20, 0, 999, tzinfo=UTC)
        cases = [
            (None, None),
            ("", None),
            (True, "是"),
            (False, "否"),
            (3, 3),
            (Decimal("1800.00"), Decimal("1800.00")),
            (aware, datetime.datetime(2018, 10, 27, 16, 20)),
            (datetime.date(2018, 10, 27), datetime.date(2018, 10, 27)),
            (format_html('<span class="badge">{}</span>', "A & B"), "A & B"),
            ("<b>typed</b>", "<b>typed</b>"),  # typed text is not HTML: kept as typed
            ("=1+1", "'=1+1"),
            ("-3", "'-3"),
            ("\tx", "'\tx"),
        ]
        with translation.override("zh-hans"):
            for value, expected in cases:
                with self.subTest(value=value):
                    self.assertEqual(plain(value), expected)
        self.assertIsInstance(plain(Percent("12.5")), Percent)

    def test_it_refuses_formats_other_than_csv_and_xlsx(self):
        with self.assertRaises(TypeError):
            CleanTableExport("json", ProjectTable(Project.objects.none()))
