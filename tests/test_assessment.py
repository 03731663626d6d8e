"""The monthly maintenance assessment: scores with the items' monthly caps, deductions that
come from complaints, the fee by the default and by a configured rule, the table across
stations and months with its trend, the deduction form, and the query counts."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import (
    AssessmentItem,
    Channel,
    Complaint,
    Deduction,
    MonthlyAssessment,
    ResponsibleUnit,
)
from projects.services import assessment

from .test_editing import make_role_users

D = Decimal
MAY, JUNE, JULY = (datetime.date(2018, month, 1) for month in (5, 6, 7))


def deduct(assessment_, code, occurrences=1, **fields):
    item = AssessmentItem.objects.get(code=code)
    return Deduction.objects.create(
        assessment=assessment_, item=item, occurrences=occurrences, **fields
    )


class AssessmentTestCase(TestCase):
    """Station A: May 2018 scores 90; June 2018 has capped deductions and two from complaints
    and scores 67. Station B: June 2018 without deductions, 100."""

    @classmethod
    def setUpTestData(cls):
        make_role_users(cls)
        cls.may = MonthlyAssessment.objects.create(station=cls.unit_a, month=MAY)
        deduct(cls.may, "C2", occurrences=2, note="淤积")  # 2 × 3 = 6
        deduct(cls.may, "E3", occurrences=4)  # 4 × 1 = 4
        cls.june = MonthlyAssessment.objects.create(
            station=cls.unit_a, month=JUNE, assessed_by=cls.administrator, note="六月考核"
        )
        # A1: 2 points a time, at most 20 a month. Two deductions of 8 occurrences (16 each):
        # the first counts 16, the second only the 4 left under the cap.
        cls.a1_first = deduct(cls.june, "A1", occurrences=8, note="上旬漂浮物")
        cls.a1_second = deduct(cls.june, "A1", occurrences=8, note="下旬漂浮物")
        # A2 (cap 10): typed above the cap in the admin; counts 10.
        cls.a2 = Deduction.objects.create(
            assessment=cls.june,
            item=AssessmentItem.objects.get(code="A2"),
            occurrences=1,
            points=D("12.0"),
        )
        # Two complaints: one named on the deduction, one pointing at its deduction from the
        # complaint's 考核 (E1: 3 points each).
        cls.complaint_named = Complaint.objects.create(
            source=Complaint.Source.HOTLINE,
            location="甲渠桥下",
            description="渠内有垃圾",
            assigned_unit=cls.unit_a,
            stage=Complaint.Stage.ASSESSED,
        )
        cls.e1_named = deduct(cls.june, "E1", complaint=cls.complaint_named)
        cls.e1_reverse = deduct(cls.june, "E1", note="投诉超期")
        cls.complaint_reverse = Complaint.objects.create(
            source=Complaint.Source.PUBLIC,
            location="甲渠泵站旁",
            description="异味",
            assigned_unit=cls.unit_a,
            stage=Complaint.Stage.ASSESSED,
            assessment_deduction=cls.e1_reverse,
        )
        cls.june_b = MonthlyAssessment.objects.create(station=cls.unit_b, month=JUNE)

    def scored(self, *assessments):
        return assessment.attach_scores(list(assessments))


class ScoreTests(AssessmentTestCase):
    def test_it_takes_each_items_points_off_100_up_to_its_monthly_cap(self):
        may, june, june_b = self.scored(self.may, self.june, self.june_b)
        self.assertEqual(may.score, D("90"))  # 100 − 6 − 4
        # A1 16 + 16 → cap 20; A2 12 → cap 10; E1 3 + 3 = 6 (cap 15): 100 − 36
        self.assertEqual(june.score, D("64"))
        self.assertEqual(june.deducted, D("36"))
        self.assertEqual(june_b.score, D("100"))

    def test_it_never_scores_below_zero(self):
        worst = MonthlyAssessment.objects.create(station=self.unit_b, month=JULY)
        for item in AssessmentItem.objects.all():
            deduct(worst, item.code, occurrences=20)
        (scored,) = self.scored(worst)
        self.assertEqual(scored.score, 0)
        self.assertEqual(scored.fee_percent, 0)

    def test_it_counts_an_item_without_cap_in_full(self):
        item = AssessmentItem.objects.create(
            code="Z9", category="management", description="无上限", points_per_occurrence=7
        )
        july = MonthlyAssessment.objects.create(station=self.unit_b, month=JULY)
        Deduction.objects.create(assessment=july, item=item, occurrences=5)
        Deduction.objects.create(assessment=july, item=item, occurrences=5)
        (scored,) = self.scored(july)
        self.assertEqual(scored.score, D("30"))

    def test_it_scores_any_number_of_assessments_with_one_query(self):
        assessments = list(MonthlyAssessment.objects.all())
        with self.assertNumQueries(1):
            assessment.attach_scores(assessments)
        self.assertEqual(len(assessments), 3)

    def test_it_itemises_the_counted_points_in_order_until_the_cap(self):
        deductions = assessment.deductions_of(self.june)
        lines = {line.item.code: line for line in assessment.itemise(deductions)}
        counted = {d.pk: (d.counted, d.capped) for d in deductions}
        self.assertEqual(counted[self.a1_first.pk], (D("16"), False))
        self.assertEqual(counted[self.a1_second.pk], (D("4"), True))
        self.assertEqual(counted[self.a2.pk], (D("10"), True))
        self.assertEqual(lines["A1"].occurrences, 16)
        self.assertEqual((lines["A1"].points, lines["A1"].counted), (D("32"), D("20")))
        self.assertTrue(lines["A1"].capped)
        self.assertFalse(lines["E1"].capped)
        self.assertEqual(sum(d.counted for d in deductions), D("36"))

    def test_it_links_the_complaints_either_way_they_point(self):
        deductions = {d.pk: d for d in assessment.deductions_of(self.june)}
        self.assertEqual(deductions[self.e1_named.pk].linked_complaint, self.complaint_named)
        self.assertEqual(deductions[self.e1_reverse.pk].linked_complaint, self.complaint_reverse)
        self.assertIsNone(deductions[self.a2.pk].linked_complaint)

    def test_it_measures_the_change_on_the_previous_calendar_month(self):
        june = assessment.with_trend(MonthlyAssessment.objects.get(pk=self.june.pk))
        self.assertEqual(june.change, D("-26"))  # 64 − 90
        self.assertEqual(june.previous.pk, self.may.pk)
        june_b = assessment.with_trend(MonthlyAssessment.objects.get(pk=self.june_b.pk))
        self.assertIsNone(june_b.change)


class FeeTests(AssessmentTestCase):
    def test_it_pays_by_the_default_rule(self):
        may, june, june_b = self.scored(self.may, self.june, self.june_b)
        self.assertEqual(may.fee_percent, D("95"))  # 90: 5 points below 95
        self.assertEqual(june.fee_percent, D("48"))  # 64: 90 − 21 × 2
        self.assertEqual(june_b.fee_percent, D("100"))

    @override_settings(MAINTENANCE_FEE_RULE={"bands": [(80, "0.5"), (60, 1)], "floor_percent": 70})
    def test_it_pays_by_the_rule_in_the_settings(self):
        may, june = self.scored(self.may, self.june)
        self.assertEqual(may.fee_percent, D("100"))  # 90 ≥ 80
        self.assertEqual(june.fee_percent, D("92"))  # 64: 100 − 16 × 0.5
        self.client.force_login(self.viewer)
        page = self.client.get(reverse("projects:assessment-detail", args=[self.june.pk]))
        self.assertContains(page, "<b>92%</b>", html=True)

    @override_settings(MAINTENANCE_FEE_RULE=[(95, 1), (96, 2)])
    def test_it_refuses_a_rule_in_the_settings_that_makes_no_sense(self):
        with self.assertRaisesMessage(ValueError, "highest down"):
            assessment.fee_rule()


class ListPageTests(AssessmentTestCase):
    url = reverse("projects:assessment-list")

    def table_values(self, response):
        """The table as its export gives it: a header row, then one row per station."""
        header, *rows = response.context["tables"]["assessments"].as_values()
        return header, {row[0]: row[1:] for row in rows}

    def test_it_shows_stations_across_the_latest_months_with_their_score_fee_and_trend(self):
        self.client.force_login(self.viewer)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        header, rows = self.table_values(response)
        self.assertEqual(len(header), 4)  # station, May, June, trend
        self.assertEqual(rows["甲市政站"], ["90 (95%)", "64 (48%)", "−26"])
        self.assertEqual(rows["乙市政站"], ["", "100 (100%)", ""])
        self.assertEqual(response.context["months"], [MAY, JUNE])
        html = response.content.decode()
        self.assertIn('<span class="trend trend-down"', html)
        self.assertIn("↓ −26", html)
        self.assertIn(reverse("projects:assessment-detail", args=[self.june.pk]), html)
        self.assertIn('<svg class="sparkline"', html)

    def test_it_shows_the_twelve_months_of_a_chosen_year(self):
        self.client.force_login(self.viewer)
        response = self.client.get(self.url, {"year": "2018"})
        header, rows = self.table_values(response)
        self.assertEqual(len(header), 14)
        self.assertEqual(rows["甲市政站"][4:7], ["90 (95%)", "64 (48%)", ""])
        self.assertEqual(response.context["years"], [2018])
        response = self.client.get(self.url, {"year": "2017"})
        _header, rows = self.table_values(response)
        self.assertEqual(set(rows["甲市政站"]), {""})

    def test_it_says_so_when_the_year_is_not_one(self):
        self.client.force_login(self.viewer)
        response = self.client.get(self.url, {"year": "二〇一八"})
        self.assertEqual(response.status_code, 200)
        self.assertIsNotNone(response.context["year_error"])
        self.assertContains(response, 'class="field-error"')
        self.assertEqual(response.context["months"], [MAY, JUNE])

    def test_it_lists_a_station_not_yet_assessed(self):
        ResponsibleUnit.objects.create(name="丙市政站", kind="station")
        self.client.force_login(self.viewer)
        _header, rows = self.table_values(self.client.get(self.url))
        self.assertEqual(rows["丙市政站"], ["", "", ""])

    def test_it_costs_the_same_queries_for_more_stations_and_months(self):
        self.client.force_login(self.viewer)
        # session, user, 2 × permissions; years, months, assessments, their deductions, stations
        with self.assertNumQueries(9):
            self.client.get(self.url)
        for index in range(30):
            unit = ResponsibleUnit.objects.create(name=f"测试市政站{index:02d}", kind="station")
            for month in range(1, 13):
                monthly = MonthlyAssessment.objects.create(
                    station=unit, month=datetime.date(2017, month, 1)
                )
                deduct(monthly, "B1", occurrences=month % 4 + 1)
        with self.assertNumQueries(9):
            response = self.client.get(self.url)
        self.assertEqual(len(response.context["months"]), 12)
        with self.assertNumQueries(8):  # a chosen year needs no query for the months
            self.client.get(self.url, {"year": "2017"})

    def test_a_page_of_stations_reads_its_own_rows_in_order(self):
        for index in range(30):  # more than a page of 25
            unit = ResponsibleUnit.objects.create(name=f"测试市政站{index:02d}", kind="station")
            monthly = MonthlyAssessment.objects.create(station=unit, month=JUNE)
            deduct(monthly, "B1", occurrences=index % 4 + 1)
        self.client.force_login(self.viewer)
        _header, everything = self.table_values(self.client.get(self.url))  # the download's
        self.assertEqual(len(everything), 32)

        def page(**query):
            """{station: the values of its months and trend} of the page, in its order."""
            table = self.client.get(self.url, query).context["tables"]["assessments"]
            names = [column.name for column in table.columns]
            return {
                row.get_cell_value("station"): [row.get_cell_value(n) for n in names[1:]]
                for row in table.paginated_rows
            }

        first, second = page(), page(**{"assessments-page": 2})
        self.assertEqual(len(first), 25)
        # Every station once, by name, each with the download's figures.
        self.assertEqual(list(first) + list(second), list(everything))
        self.assertEqual({**first, **second}, everything)
        # Sorted by station, last first: the page holds the last 25 stations.
        last_first = page(**{"assessments-sort": "-station"})
        self.assertEqual(list(last_first), sorted(everything, reverse=True)[:25])

    def test_it_sends_anonymous_users_to_log_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"{reverse('login')}?next={self.url}")


class DetailPageTests(AssessmentTestCase):
    def url(self, monthly):
        return reverse("projects:assessment-detail", args=[monthly.pk])

    def test_it_itemises_the_deductions_with_the_caps_and_the_complaints(self):
        self.client.force_login(self.viewer)
        response = self.client.get(self.url(self.june))
        self.assertEqual(response.status_code, 200)
        found = response.context["assessment"]
        self.assertEqual((found.score, found.fee_percent, found.change), (D(64), D(48), D(-26)))
        header, *rows = response.context["tables"]["deductions"].as_values()
        # A1, A1 (capped at 20 together), A2 (capped at 10), E1, E1
        self.assertEqual([row[3] for row in rows], [D(16), D(4), D(10), D(3), D(3)])
        html = response.content.decode()
        for number in (self.complaint_named.number, self.complaint_reverse.number):
            self.assertIn(number, html)
            url = assessment.complaint_url(Complaint.objects.get(number=number))
            if url is not None:  # the complaints pages are installed
                self.assertIn(f'href="{url}"', html)
        self.assertIn("上旬漂浮物", html)
        self.assertIn("manager", html)  # assessed by
        self.assertIn('class="badge badge-warning"', html)  # a capped row

    def test_it_offers_the_deduction_form_only_to_administrators(self):
        create = reverse("projects:assessment-deduction-create", args=[self.june.pk])
        for user, shown in (
            (self.viewer, False),
            (self.editor_a, False),
            (self.administrator, True),
        ):
            self.client.force_login(user)
            response = self.client.get(self.url(self.june))
            self.assertEqual(create in response.content.decode(), shown, user.username)

    def test_it_costs_the_same_queries_for_more_deductions(self):
        self.client.force_login(self.viewer)
        # session, user, 2 × permissions; assessment; the month and the one before; their
        # deductions; the deductions with items, channels, complaints; complaints pointing at
        # them
        with self.assertNumQueries(9):
            self.client.get(self.url(self.june))
        for _index in range(40):
            deduct(self.june, "B2", note="记录不完整")
        with self.assertNumQueries(9):
            self.client.get(self.url(self.june))

    def test_it_404s_for_a_missing_assessment(self):
        self.client.force_login(self.viewer)
        self.assertEqual(self.client.get("/assessments/999999/").status_code, 404)


class ItemPageTests(AssessmentTestCase):
    def test_it_lists_the_items_with_their_points_caps_and_source(self):
        self.client.force_login(self.viewer)
        response = self.client.get(reverse("projects:assessment-items"))
        header, *rows = response.context["tables"]["items"].as_values()
        self.assertEqual(len(rows), 14)
        self.assertEqual(rows[0][:1] + rows[0][3:5], ["A1", Decimal("2"), Decimal("20")])
        self.assertContains(response, "香洲区河道排洪渠工程维修养护考核办法")
        self.assertContains(response, "并非该办法原文")
        ((note, codes),) = response.context["sources"]
        self.assertEqual(len(codes), 14)


class DeductionFormTests(AssessmentTestCase):
    def url(self, monthly):
        return reverse("projects:assessment-deduction-create", args=[monthly.pk])

    def data(self, **changes):
        data = {"item": AssessmentItem.objects.get(code="C1").pk, "occurrences": "3"}
        data.update(changes)
        return data

    def test_it_lets_an_administrator_deduct_and_works_out_the_points(self):
        self.client.force_login(self.administrator)
        response = self.client.post(
            self.url(self.june_b), self.data(complaint_number=self.complaint_named.number)
        )
        self.assertRedirects(response, self.june_b.get_absolute_url())
        deduction = Deduction.objects.get(assessment=self.june_b)
        self.assertEqual((deduction.points, deduction.complaint), (D("6.0"), self.complaint_named))
        self.assertEqual(deduction.history.latest().history_user, self.administrator)
        (scored,) = self.scored(self.june_b)
        self.assertEqual(scored.score, D(94))

    def test_it_refuses_unit_editors_and_viewers(self):
        for user in (self.viewer, self.editor_a, self.editor_b):
            self.client.force_login(user)
            self.assertEqual(self.client.post(self.url(self.june_b), self.data()).status_code, 403)
        self.assertFalse(Deduction.objects.filter(assessment=self.june_b).exists())

    def test_it_refuses_an_unknown_complaint_and_negative_points_and_writes_nothing(self):
        self.client.force_login(self.administrator)
        response = self.client.post(
            self.url(self.june_b), self.data(complaint_number="TS-1999-9999", points="-1")
        )
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertIn("complaint_number", form.errors)
        self.assertIn("points", form.errors)
        self.assertFalse(Deduction.objects.filter(assessment=self.june_b).exists())

    def test_it_refuses_a_deduction_on_a_final_assessment(self):
        self.june_b.status = MonthlyAssessment.Status.FINAL
        self.june_b.save()
        self.client.force_login(self.administrator)
        response = self.client.post(self.url(self.june_b), self.data())
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].non_field_errors())
        self.assertFalse(Deduction.objects.filter(assessment=self.june_b).exists())
        page = self.client.get(self.june_b.get_absolute_url())
        self.assertNotContains(page, self.url(self.june_b))


class AdminTests(AssessmentTestCase):
    def setUp(self):
        self.client.force_login(self.administrator)

    def queries(self, url):
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(captured)

    def test_it_shows_score_and_fee_on_the_changelist_with_a_fixed_number_of_queries(self):
        url = reverse("admin:projects_monthlyassessment_changelist")
        response = self.client.get(url)
        self.assertContains(response, '<td class="field-score">64</td>', html=True)
        self.assertContains(response, '<td class="field-fee">48%</td>', html=True)
        before = self.queries(url)
        for index in range(20):
            unit = ResponsibleUnit.objects.create(name=f"管理站{index}", kind="station")
            deduct(MonthlyAssessment.objects.create(station=unit, month=MAY), "A1")
        self.assertEqual(self.queries(url), before)

    def test_it_shows_score_and_fee_on_the_change_page(self):
        response = self.client.get(
            reverse("admin:projects_monthlyassessment_change", args=[self.june.pk])
        )
        self.assertContains(response, '<div class="readonly">64</div>', html=True)
        self.assertContains(response, '<div class="readonly">48%</div>', html=True)

    def test_it_proposes_the_administrator_as_assessor_of_a_new_assessment(self):
        response = self.client.get(reverse("admin:projects_monthlyassessment_add"))
        form = response.context["adminform"].form
        self.assertEqual(form.initial["assessed_by"], self.administrator.pk)
        self.assertEqual(
            set(form.fields["station"].queryset), {self.unit_a, self.unit_b}
        )  # municipal stations only


class DeductionFormSizeTests(AssessmentTestCase):
    """A city has thousands of channels: the deduction form's channel is a search box holding
    the chosen channel only, and a channel among many is saved as posted."""

    def test_the_channel_choice_does_not_grow_with_the_channels_and_a_far_one_is_saved(self):
        self.client.force_login(self.administrator)
        url = reverse("projects:assessment-deduction-create", args=[self.june_b.pk])
        before = self.client.get(url).content.decode().count("<option")
        channels = Channel.objects.bulk_create(
            Channel(name=f"测试排洪渠{i:03d}") for i in range(120)
        )
        page = self.client.get(url)
        self.assertLessEqual(page.content.decode().count("<option"), before)
        self.assertContains(page, reverse("projects:lookup", args=["channels"]))
        response = self.client.post(
            url,
            {
                "item": AssessmentItem.objects.get(code="C1").pk,
                "occurrences": "1",
                "channel": channels[117].pk,
            },
        )
        self.assertRedirects(response, self.june_b.get_absolute_url())
        self.assertEqual(Deduction.objects.get(assessment=self.june_b).channel, channels[117])
