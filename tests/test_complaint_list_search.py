"""The complaint list (/complaints/all/): its outfall filter offers only the outfalls cases name
(a search box over them once they are many) and its search finds a case by its reports — a
reporter's name or phone, a 督察交办 case number — listing each case once however many of its
reports match, at a number of queries that does not grow with the cases or their reports."""

import csv
import io
import re

from django.urls import reverse

from projects.models import Complaint, ComplaintReport, Outfall
from projects.services.complaint_reports import add_report
from projects.services.complaints import open_complaint
from tests.browser_forms import form_data
from tests.test_complaint_outfall import LIST, ComplaintOutfallTestCase
from tests.test_outfalls import sent

LOOKUP = reverse("projects:lookup", args=["complaint-outfalls"])


class ComplaintListTestCase(ComplaintOutfallTestCase):
    """Two cases on ZB-01 (one of three inspection referrals), none on G105-01, and a hotline
    case whose second and third reports come from 王女士 (13800001111)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.referred = cls.case(cls, cls.zb01, n=0, reports=3)
        cls.other = cls.case(cls, cls.zb01, n=1)
        cls.hotline = open_complaint(
            cls.administrator,
            source=Complaint.Source.HOTLINE,
            complainant="李先生",
            contact="13900002222",
            location="凤凰路口",
            description="路口井盖冒黑水",
        )
        for _n in range(2):
            add_report(
                cls.hotline,
                cls.administrator,
                source=Complaint.Source.HOTLINE,
                reporter="王女士",
                contact="13800001111",
                content="又来电反映",
            )

    def setUp(self):
        self.client.force_login(self.viewer)

    def listed(self, response):
        return [row.record.number for row in response.context["table"].page.object_list]

    def submit(self, **changed):
        """The list's filter form as the browser sends it, with ``changed`` typed or picked."""
        data = form_data(self.client.get(LIST).content, "filters")
        data.update({name: [value] for name, value in changed.items()})
        return self.client.get(LIST, sent(data))


class OutfallFilterTests(ComplaintListTestCase):
    def test_it_offers_only_the_outfalls_cases_name(self):
        page = self.client.get(LIST)
        field = page.context["filter"].form["outfall"]
        self.assertEqual([str(label) for _v, label in field.field.widget.choices][1:], ["ZB-01"])
        self.assertNotContains(page, "G105-01")

    def test_the_untouched_form_filters_nothing_and_an_outfall_picked_narrows_it(self):
        everything = self.submit()
        self.assertEqual(everything.context["table"].paginator.count, 3)
        page = self.submit(outfall=str(self.zb01.pk))
        self.assertEqual(
            sorted(self.listed(page)), sorted([self.referred.number, self.other.number])
        )
        self.assertEqual(page.context["table"].paginator.count, 2)
        export = self.client.get(LIST, {"outfall": self.zb01.pk, "_export": "csv"})
        rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
        self.assertEqual(len(rows), 1 + 2)

    def test_an_outfall_no_case_names_is_refused_beside_the_field(self):
        page = self.submit(outfall=str(self.g01.pk))
        self.assertEqual(self.listed(page), [])
        self.assertTrue(page.context["filter"].form.errors["outfall"])

    def test_many_outfalls_make_it_a_search_box_over_those_cases_name(self):
        outfalls = self.add_outfalls(self.zaobei, 45)
        Complaint.objects.bulk_create(
            Complaint(
                number=f"TS-2018-9{i:03d}",
                source=Complaint.Source.HOTLINE,
                location="某排口",
                outfall=outfall,
            )
            for i, outfall in enumerate(outfalls)
        )
        page = self.client.get(LIST)
        self.assertContains(page, f'data-lookup="{LOOKUP}"')
        select = re.search(r'<select name="outfall".*?</select>', page.content.decode(), re.S)
        self.assertEqual(select[0].count("<option"), 1)  # the empty choice only
        # Picked from the search box: listed, and the only option the page holds.
        page = self.submit(outfall=str(outfalls[7].pk))
        self.assertEqual(self.listed(page), ["TS-2018-9007"])
        self.assertContains(page, f'<option value="{outfalls[7].pk}" selected>ZBX-009</option>')
        # The search box's matches: outfalls cases name, never G105-01.
        found = self.client.get(LOOKUP, {"q": "0"}).json()
        self.assertEqual(len(found), 20)
        self.assertTrue(all(row["text"].startswith(("ZB-01", "ZBX-")) for row in found))
        self.assertEqual(self.client.get(LOOKUP, {"q": "G105"}).json(), [])
        self.assertEqual(
            self.client.get(reverse("projects:lookup", args=["outfalls"]), {"q": "G105"}).json()[0][
                "id"
            ],
            self.g01.pk,
        )


class ReportSearchTests(ComplaintListTestCase):
    def test_a_case_is_found_once_by_the_reporter_of_several_of_its_reports(self):
        for q in ("王女士", "13800001111", "0000111"):
            with self.subTest(q):
                page = self.submit(q=q)
                self.assertEqual(self.listed(page), [self.hotline.number])
                self.assertEqual(page.context["table"].paginator.count, 1)

    def test_a_case_of_three_matching_referrals_is_listed_once(self):
        self.assertEqual(
            ComplaintReport.objects.filter(
                complaint=self.referred, case_number__icontains="粤督-ZB-01-0"
            ).count(),
            3,
        )
        page = self.submit(q="粤督-ZB-01-0")
        self.assertEqual(self.listed(page), [self.referred.number])
        self.assertEqual(page.context["table"].paginator.count, 1)
        # Its report count is its own, not multiplied by the matches.
        self.assertEqual(page.context["table"].page.object_list[0].record.report_count, 3)
        export = self.client.get(LIST, {"q": "粤督-ZB-01-0", "_export": "csv"})
        rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
        self.assertEqual([row[0] for row in rows[1:]], [self.referred.number])
        # A later referral's number alone finds it too.
        self.assertEqual(self.listed(self.submit(q="粤督-ZB-01-0-3")), [self.referred.number])

    def test_the_case_fields_are_still_searched_and_other_text_finds_nothing(self):
        self.assertEqual(self.listed(self.submit(q="李先生")), [self.hotline.number])
        self.assertEqual(self.listed(self.submit(q="13900002222")), [self.hotline.number])
        self.assertEqual(self.listed(self.submit(q="井盖")), [self.hotline.number])
        self.assertEqual(self.listed(self.submit(q="又来电反映")), [])  # a report's text: no
        self.assertEqual(self.listed(self.submit(q="无此人")), [])


class QueryCountTests(ComplaintListTestCase):
    # session, user; the unit, channel and outfall filters' options; the count; the user's own
    # and their groups' permissions (the new-complaint button); the page's rows with their
    # report counts. An outfall chosen: + that outfall, checked.
    PAGES = (({}, 9), ({"q": "王女士"}, 9), ({"q": "粤督", "outfall": "ZB-01"}, 10))

    def assert_pinned(self):
        for query, expected in self.PAGES:
            if "outfall" in query:
                query = {**query, "outfall": self.zb01.pk}
            with self.subTest(query), self.assertNumQueries(expected):
                self.assertEqual(self.client.get(LIST, query).status_code, 200)

    def test_the_searched_list_costs_the_same_with_more_cases_and_reports(self):
        self.assert_pinned()
        more = Outfall.objects.bulk_create(
            Outfall(code=f"QC-{i}", channel=self.zaobei, kind="rain") for i in range(5)
        )
        for i in range(30):
            case = self.case(more[i % 5], n=i, reports=3)
            add_report(
                case,
                self.administrator,
                source=Complaint.Source.PUBLIC,
                reporter="王女士",
                contact="13800001111",
                content="再次反映",
            )
        self.assertEqual(
            self.client.get(LIST, {"q": "王女士"}).context["table"].paginator.count, 31
        )
        self.assert_pinned()


class SearchHintTests(ComplaintListTestCase):
    def test_the_search_box_says_it_finds_reporters_phones_and_case_numbers(self):
        page = self.client.get(LIST).content.decode()
        box = re.search(r'<input type="text" name="q"[^>]*>', page)[0]
        self.assertIn('placeholder="编号、地点、人名、电话或交办编号"', box)
        self.assertIn("反映人、联系电话或督察交办编号", box)
