"""Complaint cases and their reports: several reports of one problem (three inspection
referrals with their case numbers) gathered into one case, linked to its channel, outfall and plan
problem, handled once and counted once on the board, in the list, on the dashboard and in the
month report, with the number of reports shown; a case number already recorded for the same
inspecting body refused, naming its case; where the case is (place, coordinates) and its cause;
the pages' queries the same with one report a case as with many."""

import csv
import datetime
import importlib
import io
import shutil
import tempfile

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from projects.core.months import this_month
from projects.models import (
    Channel,
    Complaint,
    ComplaintReport,
    ComplaintStep,
    Outfall,
    Photo,
    Plan,
    Problem,
)
from projects.models.complaints import Stage
from projects.services import complaint_queries as queries
from projects.services import complaint_reports as reports
from projects.services import complaints as loop
from projects.services.ledger import month_ledger
from projects.services.month_page import MonthPage
from tests.photos import photo_upload
from tests.test_editing import make_role_users

BODY = "广东省第五环境保护督察组"
CREATE = reverse("projects:complaint-create")


def now_input(minutes_ago=0):
    moment = timezone.localtime() - datetime.timedelta(minutes=minutes_ago)
    return moment.strftime("%Y-%m-%dT%H:%M")


class ReportTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_role_users(cls)
        cls.channel = Channel.objects.create(name="东排洪渠")
        plan = Plan.objects.create(channel=cls.channel, title="东排洪渠一河一策方案")
        cls.problem = Problem.objects.create(plan=plan, title="溢流口污水直排", category="sewage")
        cls.outfall = Outfall.objects.create(
            code="DP-01", channel=cls.channel, place="利达花园旁", kind=Outfall.Kind.OVERFLOW
        )

    def setUp(self):
        ContentType.objects.get_for_model(ComplaintStep)

    def referral(self, case_number, **extra):
        """The complaint form as the browser sends an inspection referral."""
        return {
            "case": "",
            "source": "inspection",
            "inspecting_body": BODY,
            "case_number": case_number,
            "received_at": now_input(),
            "complainant": "",
            "contact": "",
            "location": "利达花园旁溢流口",
            "longitude": "",
            "latitude": "",
            "channel": str(self.channel.pk),
            "outfall": "",
            "problem": str(self.problem.pk),
            "description": "溢流口污水外溢，气味很大",
            **extra,
        }

    def report_post(self, case_number, **extra):
        return {
            "report-source": "inspection",
            "report-received_at": now_input(),
            "report-reporter": "",
            "report-contact": "",
            "report-inspecting_body": BODY,
            "report-case_number": case_number,
            "report-content": "再次交办：溢流口仍然发臭",
            **extra,
        }

    def add_url(self, complaint):
        return reverse("projects:complaint-add-report", args=[complaint.pk])

    def case(self, case_number="D-1", **fields):
        return loop.open_complaint(
            self.administrator,
            source=Complaint.Source.INSPECTION,
            inspecting_body=BODY,
            case_number=case_number,
            received_at=fields.pop("received_at", timezone.now()),
            location=fields.pop("location", "利达花园旁溢流口"),
            channel=self.channel,
            description="溢流口发臭",
            **fields,
        )

    def state(self):
        return (Complaint.objects.count(), ComplaintReport.objects.count())


class OneCaseOfThreeReferralsTests(ReportTestCase):
    def test_three_referrals_are_one_case_handled_once_and_counted_once(self):
        self.client.force_login(self.administrator)
        # The first referral opens the case, where and why with it.
        response = self.client.post(
            CREATE,
            self.referral(
                "粤督-2018-001",
                longitude="113.5436",
                latitude="22.2710",
                outfall=str(self.outfall.pk),
            ),
        )
        complaint = Complaint.objects.get()
        self.assertRedirects(response, complaint.get_absolute_url())
        self.assertEqual(complaint.geometry, {"type": "Point", "coordinates": [113.5436, 22.271]})
        self.assertEqual(
            (complaint.channel, complaint.outfall, complaint.problem),
            (self.channel, self.outfall, self.problem),
        )
        # The second is received as a report of that case, chosen in the search box.
        lookup = self.client.get(
            reverse("projects:lookup", args=["open-complaints"]), {"q": complaint.number}
        )
        self.assertEqual(
            lookup.json(), [{"id": complaint.pk, "text": f"{complaint.number} 利达花园旁溢流口"}]
        )
        response = self.client.post(
            CREATE,
            self.referral("粤督-2018-002", case=str(complaint.pk), location="", problem=""),
        )
        self.assertRedirects(response, complaint.get_absolute_url())
        # The third is added from the case's page.
        response = self.client.post(self.add_url(complaint), self.report_post("粤督-2018-003"))
        self.assertRedirects(response, complaint.get_absolute_url())
        self.assertEqual(Complaint.objects.count(), 1)
        self.assertEqual(
            list(complaint.reports.values_list("case_number", flat=True)),
            ["粤督-2018-001", "粤督-2018-002", "粤督-2018-003"],
        )

        # Handled once through the loop, with the cause found.
        complaint = loop.dispatch(
            complaint,
            self.administrator,
            assigned_unit=self.unit_a,
            deadline=timezone.localdate() + datetime.timedelta(days=5),
        )
        complaint.refresh_from_db()
        self.client.force_login(self.editor_a)
        response = self.client.post(
            reverse("projects:complaint-handle", args=[complaint.pk]),
            {
                "expected_version": complaint.version,
                "at": now_input(),
                "action_taken": "溢流口截污，增设临时泵",
                "cause": "香洲污水处理厂满负荷运行，管网污水溢流",
            },
        )
        self.assertRedirects(response, complaint.get_absolute_url())
        complaint.refresh_from_db()
        self.assertEqual(complaint.stage, Stage.HANDLED)
        self.assertEqual(complaint.cause, "香洲污水处理厂满负荷运行，管网污水溢流")
        self.assertEqual(complaint.steps.filter(stage=Stage.FOUND).count(), 1)
        self.assertEqual(complaint.steps.filter(stage=Stage.HANDLED).count(), 1)

        # Its page: three reports with their case numbers, the place, channel, problem, cause.
        self.client.force_login(self.viewer)
        page = self.client.get(complaint.get_absolute_url())
        html = page.content.decode()
        self.assertIn("3 次反映", html)
        for number in ("粤督-2018-001", "粤督-2018-002", "粤督-2018-003"):
            self.assertIn(f"交办编号 {number}", html)
        self.assertIn("经度 113.5436，纬度 22.271", html)
        self.assertIn(f'href="{self.channel.get_absolute_url()}"', html)
        self.assertIn("溢流口污水直排", html)
        self.assertIn(f'<a href="{self.outfall.get_absolute_url()}">DP-01</a>', html)
        self.assertIn("香洲污水处理厂满负荷运行", html)

        # The board: one card, "3 reports".
        board = self.client.get(reverse("projects:complaint-board"))
        cards = [card for column in board.context["columns"] for card in column["cards"]]
        self.assertEqual([(card.pk, card.report_count) for card in cards], [(complaint.pk, 3)])
        self.assertContains(board, "3 次反映", count=1)
        units = board.context["tables"]["units"].data
        self.assertEqual(
            [(row.unit_name, row.count, row.handled) for row in units], [("甲市政站", 1, 1)]
        )

        # The list and its export: one row, three reports, where and why.
        listing = self.client.get(reverse("projects:complaint-list"))
        rows = list(listing.context["table"].rows)
        self.assertEqual(
            [(row.record.pk, row.record.report_count) for row in rows], [(complaint.pk, 3)]
        )
        export = self.client.get(reverse("projects:complaint-list"), {"_export": "csv"})
        lines = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
        self.assertEqual(len(lines), 2)
        row = dict(zip(lines[0], lines[1], strict=True))
        self.assertEqual(row["反映次数"], "3")
        self.assertEqual((row["经度"], row["纬度"]), ("113.5436", "22.271"))
        self.assertEqual(row["一河一策问题"], "溢流口污水直排")
        self.assertEqual(row["排口"], "DP-01")
        self.assertEqual(row["成因"], "香洲污水处理厂满负荷运行，管网污水溢流")
        self.assertNotIn("<", "".join(lines[1]))

        # The dashboard's figures and the month report count the case once.
        figures = self.client.get(reverse("projects:dashboard")).context["complaint_figures"]
        self.assertEqual((figures.open, figures.this_month), (1, 1))
        self.assertEqual(queries.unit_statistics()[0].count, 1)
        month = timezone.localtime(complaint.received_at).date().replace(day=1)
        self.assertEqual(MonthPage(month).complaint_counts["total"], 1)
        self.assertEqual(len(month_ledger(month).complaints), 1)
        self.assertEqual(month, this_month())


class CaseNumberTests(ReportTestCase):
    def test_a_case_number_of_the_same_body_is_refused_naming_its_case(self):
        holder = self.case("粤督-2018-007", location="金凤排口")
        other = self.case("粤督-2018-008", location="南屏排口")
        before = self.state()
        self.client.force_login(self.administrator)
        # As a new case …
        response = self.client.post(CREATE, self.referral("粤督-2018-007"))
        self.assertEqual(response.status_code, 200)
        errors = response.context["form"].errors["case_number"]
        self.assertEqual(
            errors,
            [
                f"{BODY}的交办编号 粤督-2018-007 已记录在投诉 {holder.number}（金凤排口）中。"
                "未保存任何内容。"
            ],
        )
        # … as a report of another case, from the form or from that case's page.
        response = self.client.post(CREATE, self.referral("粤督-2018-007", case=str(other.pk)))
        self.assertIn(holder.number, response.context["form"].errors["case_number"][0])
        response = self.client.post(self.add_url(other), self.report_post("粤督-2018-007"))
        self.assertEqual(response.status_code, 200)
        self.assertIn(holder.number, response.context["report_form"].errors["case_number"][0])
        self.assertContains(response, holder.number)
        self.assertEqual(self.state(), before)

    def test_the_same_number_of_another_body_and_a_new_number_are_accepted(self):
        case = self.case("粤督-2018-007")
        reports.add_report(
            case,
            self.administrator,
            source=Complaint.Source.INSPECTION,
            received_at=timezone.now(),
            inspecting_body="市生态环境局",
            case_number="粤督-2018-007",
            content="市局转办",
        )
        self.assertEqual(case.reports.count(), 2)

    def test_an_inspection_referral_needs_its_body_and_case_number(self):
        self.client.force_login(self.administrator)
        before = self.state()
        response = self.client.post(CREATE, self.referral("", inspecting_body=""))
        errors = response.context["form"].errors
        self.assertEqual(errors["inspecting_body"], ["请填写交办此案的督察机构。"])
        self.assertEqual(errors["case_number"], ["请填写督察机构的交办编号。"])
        self.assertEqual(self.state(), before)

    def test_a_case_number_needs_the_body_that_gave_it(self):
        self.client.force_login(self.administrator)
        response = self.client.post(
            CREATE, self.referral("12345-001", source="hotline", inspecting_body="")
        )
        self.assertEqual(
            response.context["form"].errors["inspecting_body"], ["请填写给出该编号的机构。"]
        )


class PlaceTests(ReportTestCase):
    def test_coordinates_both_or_neither_and_in_range(self):
        self.client.force_login(self.administrator)
        response = self.client.post(CREATE, self.referral("D-1", longitude="113.54"))
        self.assertEqual(
            response.context["form"].errors["latitude"], ["请同时填写纬度，或经纬度都不填。"]
        )
        response = self.client.post(CREATE, self.referral("D-1", latitude="22.27"))
        self.assertEqual(
            response.context["form"].errors["longitude"], ["请同时填写经度，或经纬度都不填。"]
        )
        response = self.client.post(
            CREATE, self.referral("D-1", longitude="213.5", latitude="22.27")
        )
        self.assertIn("longitude", response.context["form"].errors)
        response = self.client.post(CREATE, self.referral("D-1", longitude="113.5", latitude="-91"))
        self.assertIn("latitude", response.context["form"].errors)
        self.assertEqual(Complaint.objects.count(), 0)
        self.client.post(CREATE, self.referral("D-1"))
        self.assertIsNone(Complaint.objects.get().geometry)

    def test_a_new_case_needs_a_place_a_report_of_a_case_does_not(self):
        self.client.force_login(self.administrator)
        response = self.client.post(CREATE, self.referral("D-1", location=""))
        self.assertEqual(response.context["form"].errors["location"], ["请说明问题所在位置。"])
        self.assertEqual(self.state(), (0, 0))


class PhotoTests(ReportTestCase):
    def test_a_reports_photos_join_the_cases_before_photos(self):
        case = self.case()
        self.client.force_login(self.editor_a)
        media = tempfile.mkdtemp(prefix="waterworks-reports-")
        self.addCleanup(shutil.rmtree, media, True)
        with override_settings(MEDIA_ROOT=media):
            response = self.client.post(
                CREATE,
                self.referral("D-2", case=str(case.pk), photos=[photo_upload("outlet.jpg")]),
            )
        self.assertRedirects(response, case.get_absolute_url())
        found = case.steps.get(stage=Stage.FOUND)
        self.assertEqual(list(found.photos.values_list("phase", flat=True)), [Photo.Phase.BEFORE])
        self.assertEqual(Complaint.objects.count(), 1)


class WhoAndWhenTests(ReportTestCase):
    def test_a_unit_editor_adds_a_report_and_a_viewer_may_not(self):
        case = self.case()
        self.client.force_login(self.viewer)
        self.assertEqual(
            self.client.post(self.add_url(case), self.report_post("D-2")).status_code, 403
        )
        self.assertNotContains(self.client.get(case.get_absolute_url()), 'id="id_report-source"')
        self.client.force_login(self.editor_b)
        page = self.client.get(case.get_absolute_url())
        self.assertContains(page, 'id="id_report-source"')
        self.client.post(
            self.add_url(case), self.report_post("D-2", **{"report-reporter": "张先生"})
        )
        report = case.reports.get(case_number="D-2")
        self.assertEqual((report.reporter, report.created_by), ("张先生", self.editor_b))

    def test_a_closed_case_takes_no_report(self):
        case = self.case()
        case = loop.dispatch(
            case, self.administrator, assigned_unit=self.unit_a, deadline=timezone.localdate()
        )
        case = loop.handle(case, self.administrator, action_taken="已截污")
        case = loop.evaluate(case, self.administrator, satisfaction="satisfied")
        case = loop.assess(case, self.administrator)
        self.client.force_login(self.administrator)
        response = self.client.post(self.add_url(case), self.report_post("D-9"), follow=True)
        self.assertRedirects(response, case.get_absolute_url())
        self.assertIn(
            f"投诉 {case.number} 已办结", [str(m) for m in response.context["messages"]][0]
        )
        self.assertNotContains(response, 'id="id_report-source"')
        self.assertEqual(case.reports.count(), 1)
        # Nor is it offered in the search box.
        lookup = self.client.get(
            reverse("projects:lookup", args=["open-complaints"]), {"q": case.number}
        )
        self.assertEqual(lookup.json(), [])


class QueryCountTests(ReportTestCase):
    """The board, the list, a case's page and its add-report page cost the same with one
    report a case as with several."""

    EXPECTED = {
        # unit and channel filter options; counts per stage; each stage's first cards with
        # their report counts (four); counts per unit
        "board": 12,
        # count, page (with the report counts), unit, channel and outfall filter options
        "list": 9,
        # session, user, 2 permissions; the case; steps; their photos; reports; patrols
        "detail": 9,
        # the same for a unit editor, + their unit (may they take the next step?)
        "add report": 10,
    }

    def make(self, reports_each):
        made = [self.case(f"Q-{i}", location=f"排口{i}") for i in range(6)]
        for complaint in made:
            for n in range(1, reports_each):
                reports.add_report(
                    complaint,
                    self.administrator,
                    source=Complaint.Source.PUBLIC,
                    received_at=timezone.now(),
                    reporter=f"市民{n}",
                    content="又来电反映",
                )
        return made

    def assert_counts(self, made):
        pages = {
            "board": (self.viewer, reverse("projects:complaint-board")),
            "list": (self.viewer, reverse("projects:complaint-list")),
            "detail": (self.viewer, made[0].get_absolute_url()),
            "add report": (self.editor_a, self.add_url(made[0])),
        }
        for label, (user, url) in pages.items():
            self.client.force_login(user)
            with self.subTest(label), self.assertNumQueries(self.EXPECTED[label]):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_one_report_a_case(self):
        self.assert_counts(self.make(1))

    def test_five_reports_a_case(self):
        made = self.make(5)
        self.assertEqual(ComplaintReport.objects.count(), 30)
        self.assert_counts(made)


class MigrationTests(ReportTestCase):
    migration = importlib.import_module("projects.migrations.0027_complaint_reports")

    def test_each_complaint_becomes_a_case_of_one_report_from_its_own_fields(self):
        received = timezone.now() - datetime.timedelta(days=400)
        first = Complaint.objects.create(
            source="wechat",
            received_at=received,
            complainant="李女士",
            contact="139",
            location="南屏桥",
            description="渠水发黑",
            created_by=self.administrator,
        )
        second = Complaint.objects.create(
            source="hotline", location="翠屏路", description="有异味", received_at=received
        )
        self.migration.wechat_is_public(apps, None)
        self.migration.one_report_each(apps, None)
        first.refresh_from_db()
        self.assertEqual(first.source, Complaint.Source.PUBLIC)
        report = first.reports.get()
        self.assertEqual(
            (report.source, report.received_at, report.reporter, report.contact, report.content),
            ("public", received, "李女士", "139", "渠水发黑"),
        )
        self.assertEqual(report.created_by, self.administrator)
        self.assertEqual(second.reports.get().source, Complaint.Source.HOTLINE)
        self.assertEqual((first.location, first.description), ("南屏桥", "渠水发黑"))
