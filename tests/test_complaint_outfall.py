"""A complaint names the outfall it concerns: chosen on the complaint form among the chosen
channel's outfalls, shown on the case's page with a link, exported as plain text, and listed on
the outfall's page (the latest cases, each once whatever its number of reports, with how many
there are). Outfalls' and complaints' places are GeoJSON points, validated."""

import csv
import io

import openpyxl
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects.models import Complaint, ComplaintReport, Outfall
from projects.services.complaint_reports import add_report
from projects.services.complaints import open_complaint
from projects.views.outfalls import COMPLAINTS_SHOWN
from tests.test_complaint_reports import now_input
from tests.test_outfalls import OutfallTestCase

CREATE = reverse("projects:complaint-create")
LIST = reverse("projects:complaint-list")


class ComplaintOutfallTestCase(OutfallTestCase):
    def complaint_post(self, **extra):
        """The complaint form as the browser sends it."""
        return {
            "case": "",
            "source": "hotline",
            "inspecting_body": "",
            "case_number": "",
            "received_at": now_input(),
            "complainant": "张先生",
            "contact": "",
            "location": "利达花园旁溢流口",
            "longitude": "",
            "latitude": "",
            "channel": "",
            "outfall": "",
            "problem": "",
            "description": "溢流口发臭",
            **extra,
        }

    def case(self, outfall, n=0, reports=1):
        case = open_complaint(
            self.administrator,
            source=Complaint.Source.INSPECTION,
            inspecting_body="广东省第五环境保护督察组",
            case_number=f"粤督-{outfall.code}-{n}-1",
            location=f"排口旁{n}",
            outfall=outfall,
            description="排口发臭",
        )
        for r in range(2, reports + 1):
            add_report(
                case,
                self.administrator,
                source=Complaint.Source.INSPECTION,
                inspecting_body="广东省第五环境保护督察组",
                case_number=f"粤督-{outfall.code}-{n}-{r}",
                content="再次交办",
            )
        return case


class RecordingTests(ComplaintOutfallTestCase):
    def setUp(self):
        self.client.force_login(self.administrator)

    def test_the_outfall_chosen_gives_the_channel_and_the_case_page_links_to_it(self):
        response = self.client.post(CREATE, self.complaint_post(outfall=str(self.zb01.pk)))
        complaint = Complaint.objects.get()
        self.assertRedirects(response, complaint.get_absolute_url())
        self.assertEqual((complaint.outfall, complaint.channel), (self.zb01, self.zaobei))
        page = self.client.get(complaint.get_absolute_url())
        self.assertContains(page, f'<a href="{self.zb01.get_absolute_url()}">ZB-01</a> 利达花园旁')
        outfall_page = self.client.get(page.context["complaint"].outfall.get_absolute_url())
        self.assertContains(outfall_page, complaint.number)

    def test_an_outfall_of_another_channel_is_refused_next_to_the_field(self):
        response = self.client.post(
            CREATE,
            self.complaint_post(channel=str(self.g105.pk), outfall=str(self.zb01.pk)),
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("outfall", response.context["form"].errors)
        self.assertContains(response, "该排口位于造贝排洪渠")
        self.assertEqual((Complaint.objects.count(), ComplaintReport.objects.count()), (0, 0))

    def test_the_search_box_offers_the_chosen_channels_outfalls(self):
        lookup = reverse("projects:lookup", args=["outfalls"])
        mine = self.client.get(lookup, {"q": "", "channel": self.zaobei.pk}).json()
        self.assertEqual(mine, [{"id": self.zb01.pk, "text": "ZB-01 利达花园旁"}])
        every = self.client.get(lookup, {"q": "01"}).json()
        self.assertEqual(
            [row["text"] for row in every],
            [f"G105-01 · {self.g105.name}", "ZB-01 利达花园旁 · 造贝排洪渠"],
        )
        form = self.client.get(CREATE)
        self.assertContains(form, f'data-lookup="{lookup}"')
        self.assertContains(form, 'data-lookup-from="id_channel"', count=2)

    def test_the_export_names_the_outfall_in_plain_text(self):
        self.case(self.zb01)
        response = self.client.get(LIST, {"_export": "csv"})
        lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(dict(zip(lines[0], lines[1], strict=True))["排口"], "ZB-01")
        response = self.client.get(LIST, {"_export": "xlsx"})
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        header, row = [[cell.value for cell in line] for line in sheet.iter_rows(max_row=2)]
        self.assertEqual(dict(zip(header, row, strict=True))["排口"], "ZB-01")

    def test_a_deleted_outfall_leaves_the_complaint(self):
        complaint = self.case(self.g01)
        self.g01.delete()
        complaint.refresh_from_db()
        self.assertIsNone(complaint.outfall)
        self.assertEqual(complaint.channel, self.g105)


class OutfallPageTests(ComplaintOutfallTestCase):
    def test_a_case_of_three_referrals_is_listed_once_with_its_reports(self):
        case = self.case(self.zb01, reports=3)
        self.client.force_login(self.viewer)
        page = self.client.get(self.zb01.get_absolute_url())
        self.assertEqual([c.pk for c in page.context["complaints"]], [case.pk])
        self.assertEqual(page.context["complaints_total"], 1)
        self.assertContains(page, case.number, count=1)
        self.assertContains(page, "3 次反映")
        self.assertContains(page, f'href="{case.get_absolute_url()}"')
        self.assertNotContains(page, "条投诉案件中的最近")

    def test_the_page_lists_the_latest_cases_and_says_how_many_there_are(self):
        made = [self.case(self.zb01, n) for n in range(COMPLAINTS_SHOWN + 2)]
        self.case(self.g01, 99)
        self.client.force_login(self.viewer)
        page = self.client.get(self.zb01.get_absolute_url())
        shown = [c.pk for c in page.context["complaints"]]
        self.assertEqual(shown, [c.pk for c in reversed(made)][:COMPLAINTS_SHOWN])
        self.assertEqual(page.context["complaints_total"], COMPLAINTS_SHOWN + 2)
        self.assertContains(page, "共 12 条投诉案件中的最近 10 条")

    def test_no_complaint_says_so(self):
        self.client.force_login(self.viewer)
        self.assertContains(self.client.get(self.g01.get_absolute_url()), "没有涉及该排口的投诉")


class GeometryTests(ComplaintOutfallTestCase):
    LINE = {"type": "LineString", "coordinates": [[113.5, 22.2], [113.6, 22.3]]}

    def test_an_outfall_and_a_complaint_are_points(self):
        outfall = Outfall(code="X-1", channel=self.zaobei, kind="rain", geometry=self.LINE)
        with self.assertRaises(ValidationError) as refused:
            outfall.full_clean()
        self.assertIn("geometry", refused.exception.message_dict)
        complaint = Complaint(
            source="hotline", location="某处", description="发臭", geometry=self.LINE
        )
        with self.assertRaises(ValidationError) as refused:
            complaint.full_clean()
        self.assertIn("geometry", refused.exception.message_dict)
        complaint.geometry = {"type": "Point", "coordinates": [113.5, 22.2]}
        complaint.full_clean()
