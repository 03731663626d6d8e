"""Water quality: judgements from the samples (projects.services.water_quality), the condition they
give
the dashboard, the channel list and the channel page, the page's charts and samples table.

Tests marked "(zh)" assert Chinese for strings added with this feature: they pass once the
catalogue translates them."""

import csv
import datetime
import importlib
import io
import zoneinfo
from decimal import Decimal

from django.apps import apps
from django.db import connection
from django.template import Context, Template
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from projects.models import Channel, Judgement, Sample, SamplingPoint
from projects.services.water_quality import (
    MEASURED,
    build_charts,
    channel_water_quality,
    configured_rules,
    regrade_channel,
    regrade_channels,
    rounds_text,
)

from .factories import make_users

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

# Readings (transparency cm, DO mg/L, ORP mV, NH3-N mg/L): DOMAIN.md §3.
CLEAR = (Decimal("40"), Decimal("5.0"), Decimal("120"), Decimal("1.0"))
LIGHT = (Decimal("40"), Decimal("5.0"), Decimal("120"), Decimal("10.0"))  # NH3-N 8–15
# DO and NH3-N severe: two indicators severe in one round of three (≥ 30 % each).
SEVERE = (Decimal("40"), Decimal("0.1"), Decimal("120"), Decimal("20.0"))
# NH3-N alone severe (> 15 mg/L) or clear (< 8 mg/L).
NH3_SEVERE = (Decimal("40"), Decimal("5.0"), Decimal("120"), Decimal("16"))
NH3_CLEAR = (Decimal("40"), Decimal("5.0"), Decimal("120"), Decimal("5"))
# The former point rule, kept as an option: a deviation from the guide.
BY_SHARES = override_settings(BLACK_ODOUR_OPTIONS=["light_by_shares"])


def at(day, hour=9, minute=30):
    """A local (Asia/Shanghai) time on ``day`` ("2018-05-02")."""
    return datetime.datetime.combine(
        datetime.date.fromisoformat(day), datetime.time(hour, minute), SHANGHAI
    )


def add_points(channel, count=3, start=0):
    """``count`` points on ``channel``, the i-th (from 0) named “…{i + 1}号点”, 300·i m from the
    upstream end; numbering from ``start``."""
    return [
        SamplingPoint.objects.create(
            channel=channel, name=f"{channel.name}{i + 1}号点", sequence=i, chainage_m=300 * i
        )
        for i in range(start, start + count)
    ]


def add_round(points, day, readings, hour=9):
    """One sampling round: a sample at each point, ``readings`` for all or one per point."""
    if not isinstance(readings, list):
        readings = [readings] * len(points)
    Sample.objects.bulk_create(
        Sample(
            point=point,
            sampled_at=at(day, hour, minute=10 * i),
            transparency_cm=values[0],
            do_mg_l=values[1],
            orp_mv=values[2],
            nh3n_mg_l=values[3],
            lab="区环境监测站",
        )
        for i, (point, values) in enumerate(zip(points, readings, strict=True))
    )


class WaterTestCase(TestCase):
    fixtures = ["xiangzhou_2018"]

    @classmethod
    def setUpTestData(cls):
        make_users(cls)
        cls.zaobei = Channel.objects.get(name="造贝排洪渠")
        cls.jinfeng = Channel.objects.get(name="金凤排洪渠")
        cls.points = add_points(cls.zaobei)

    def three_light_rounds(self):
        # Points 1 and 2 lightly black-odorous in every round, point 3 clear.
        for day in ("2018-05-02", "2018-05-05", "2018-05-08"):
            add_round(self.points, day, [LIGHT, LIGHT, CLEAR])

    def latest(self, channel):
        return channel.judgements.order_by("-computed_at", "-pk").first()


class RegradeTests(WaterTestCase):
    def test_it_grades_three_rounds_at_three_points(self):
        self.three_light_rounds()
        self.assertEqual(regrade_channels(), 1)
        judgement = self.latest(self.zaobei)
        self.assertEqual(judgement.grade, Judgement.Grade.LIGHT)
        self.assertEqual(judgement.rounds, ["2018-05-02", "2018-05-05", "2018-05-08"])
        p1, p2, p3 = self.points
        self.assertEqual(
            judgement.point_grades,
            {str(p1.pk): "light", str(p2.pk): "light", str(p3.pk): "clear"},
        )
        self.assertEqual(judgement.sample_count, 9)

    def test_it_uses_only_the_latest_three_rounds(self):
        for day in ("2018-04-20", "2018-04-25"):
            add_round(self.points, day, SEVERE)
        for day in ("2018-05-02", "2018-05-05", "2018-05-08"):
            add_round(self.points, day, CLEAR)
        judgement = regrade_channel(self.zaobei)
        self.assertEqual(judgement.grade, Judgement.Grade.CLEAR)
        self.assertEqual(judgement.rounds, ["2018-05-02", "2018-05-05", "2018-05-08"])
        self.assertEqual(judgement.sample_count, 9)

    def test_it_counts_rounds_by_the_local_date(self):
        # 00:30 in Shanghai on 5 May is 16:30 UTC on 4 May: the round is the 5th.
        add_round(self.points, "2018-05-02", LIGHT)
        add_round(self.points, "2018-05-05", LIGHT, hour=0)
        judgement = regrade_channel(self.zaobei)
        self.assertEqual(judgement.rounds, ["2018-05-02", "2018-05-05"])

    def test_it_writes_no_judgement_when_nothing_changed(self):
        self.three_light_rounds()
        self.assertEqual(regrade_channels(), 1)
        self.assertEqual(regrade_channels(), 0)
        self.assertIsNone(regrade_channel(self.zaobei))
        self.assertEqual(self.zaobei.judgements.count(), 1)

    def test_it_writes_a_new_judgement_for_new_worse_data(self):
        self.three_light_rounds()
        regrade_channels()
        add_round(self.points, "2018-05-11", SEVERE)
        self.assertEqual(regrade_channels([self.zaobei.pk]), 1)
        judgement = self.latest(self.zaobei)
        self.assertEqual(judgement.grade, Judgement.Grade.SEVERE)
        self.assertEqual(judgement.rounds, ["2018-05-05", "2018-05-08", "2018-05-11"])
        self.assertEqual(self.zaobei.judgements.count(), 2)

    def test_it_writes_a_new_judgement_when_only_the_rounds_move(self):
        self.three_light_rounds()
        regrade_channels()
        add_round(self.points, "2018-05-11", [LIGHT, LIGHT, CLEAR])
        self.assertEqual(regrade_channels(), 1)
        self.assertEqual(self.latest(self.zaobei).grade, Judgement.Grade.LIGHT)

    def test_it_leaves_channels_without_samples_alone(self):
        self.three_light_rounds()
        regrade_channels()
        self.assertFalse(Judgement.objects.exclude(channel=self.zaobei).exists())

    def test_it_regrades_only_the_channels_asked_for(self):
        self.three_light_rounds()
        other = add_points(self.jinfeng, 1)
        add_round(other, "2018-05-02", SEVERE)
        self.assertEqual(regrade_channels([self.jinfeng.pk]), 1)
        self.assertFalse(self.zaobei.judgements.exists())
        self.assertEqual(self.latest(self.jinfeng).grade, Judgement.Grade.SEVERE)

    def test_it_grades_in_a_fixed_number_of_queries(self):
        self.three_light_rounds()
        for i in range(5):
            channel = Channel.objects.create(name=f"测试水质渠{i}")
            add_round(add_points(channel), "2018-05-02", SEVERE)
        # the samples of the latest rounds; the latest judgements; the insert (+ savepoint)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(regrade_channels(), 6)
        selects = [q for q in queries.captured_queries if q["sql"].startswith("SELECT")]
        self.assertEqual(len(selects), 2)

    def test_it_ignores_a_depth_of_zero(self):
        add_round(self.points, "2018-05-02", LIGHT)
        Sample.objects.update(depth_cm=0)
        self.assertEqual(regrade_channel(self.zaobei).grade, Judgement.Grade.LIGHT)


class ConditionTests(WaterTestCase):
    def setUp(self):
        self.client.force_login(self.staff)

    def card(self, html, character="整"):
        n = "查截建整疏管".index(character) + 1
        return html.split(f'class="card stream-{n}"')[1].split("</article>")[0]

    def condition_item(self, card, value):
        return card.split(f'?condition={value}"')[1].split("</li>")[0]

    def test_it_counts_the_judged_condition_on_the_dashboard(self):
        before = self.card(self.client.get(reverse("projects:dashboard")).content.decode())
        self.assertIn("<b>1</b>", self.condition_item(before, "clear"))  # recorded
        self.three_light_rounds()
        regrade_channels()
        card = self.card(self.client.get(reverse("projects:dashboard")).content.decode())
        self.assertIn("<b>0</b>", self.condition_item(card, "clear"))
        light = self.condition_item(card, "light")
        self.assertIn("<b>1</b>", light)
        self.assertIn("condition-source measured", light)

    def test_it_shows_the_judgement_and_its_rounds_on_the_channel_page(self):
        self.three_light_rounds()
        regrade_channels()
        response = self.client.get(self.zaobei.get_absolute_url())
        self.assertEqual(response.context["channel"].current_condition, "light")
        self.assertTrue(response.context["channel"].condition_judged)
        self.assertContains(response, "2018-05-02、05-05、05-08")
        # the title, the basis, points 1 and 2, the channel's row (then the samples' grades)
        summary = response.content.decode().split('class="chart-grid"')[0]
        self.assertEqual(summary.count("badge badge-light"), 5)
        self.assertContains(response, "condition-source measured")
        self.assertNotContains(response, "judgement-warning")  # 3 points, 3 rounds: enough

    def test_it_says_on_which_rounds_it_rests_in_chinese(self):  # (zh)
        self.three_light_rounds()
        regrade_channels()
        response = self.client.get(self.zaobei.get_absolute_url())
        self.assertContains(response, "依据")
        self.assertContains(response, "实测")

    def test_it_warns_when_the_judgement_rests_on_too_few_points_or_rounds(self):
        add_round(self.points[:2], "2018-05-02", LIGHT)
        add_round(self.points[:2], "2018-05-05", LIGHT)
        regrade_channels()
        response = self.client.get(self.zaobei.get_absolute_url())
        self.assertFalse(response.context["water"]["sufficient"])
        self.assertContains(response, 'class="warnings judgement-warning"')

    def test_it_shows_a_channel_without_samples_with_its_recorded_condition(self):
        response = self.client.get(self.jinfeng.get_absolute_url())
        self.assertEqual(response.context["channel"].current_condition, "unknown")
        self.assertFalse(response.context["channel"].condition_judged)
        self.assertIsNone(response.context["water"]["judgement"])
        self.assertContains(response, "condition-source recorded")
        self.assertNotContains(response, "condition-source measured")
        self.assertNotContains(response, "<svg")

    def test_it_marks_a_recorded_condition_in_chinese(self):  # (zh)
        response = self.client.get(self.jinfeng.get_absolute_url())
        self.assertContains(response, "记录值")

    def test_it_filters_the_channel_list_by_the_judged_condition(self):
        url = reverse("projects:channel-list")

        def names(condition):
            response = self.client.get(url, {"condition": condition})
            return [row.record.name for row in response.context["table"].page]

        self.assertEqual(names("clear"), ["造贝排洪渠"])
        self.three_light_rounds()
        regrade_channels()
        self.assertEqual(names("clear"), [])
        self.assertEqual(names("light"), ["造贝排洪渠"])
        response = self.client.get(url, {"condition": "light"})
        self.assertContains(response, "condition-source measured")
        rows = list(csv.reader(io.StringIO(self.client.get(url, {"_export": "csv"}).text)))
        with translation.override("zh-hans"):
            measured = f"轻度黑臭 ({MEASURED})"
        self.assertIn(measured, {cell for row in rows for cell in row})

    def test_it_sorts_the_channel_list_by_current_condition(self):
        self.three_light_rounds()
        regrade_channels()
        response = self.client.get(reverse("projects:channel-list"), {"sort": "condition"})
        values = [row.record.current_condition for row in response.context["table"].page]
        self.assertEqual(values, sorted(values))


class ChannelWaterSectionTests(WaterTestCase):
    def setUp(self):
        self.client.force_login(self.staff)

    def test_it_lists_the_latest_samples_and_exports_them_all(self):
        self.three_light_rounds()
        add_round(self.points, "2018-05-09", LIGHT)  # 12 samples
        url = self.zaobei.get_absolute_url()
        response = self.client.get(url, {"samples-sort": "sampled_at"})  # not sortable here
        table = response.context["tables"]["samples"]
        first = [row.record.sampled_at for row in table.rows]
        self.assertEqual(len(first), 10)  # the latest 10 of 12
        self.assertEqual(first, sorted(first, reverse=True))
        latest = Sample.objects.filter(point__channel=self.zaobei).order_by("-sampled_at")
        self.assertEqual(first[0], latest[0].sampled_at)
        self.assertEqual(response.context["latest"]["samples"], {"shown": 10, "total": 12})
        self.assertContains(response, "最近 10 条，共 12 条")
        export = self.client.get(url, {"_export": "csv", "_table": "samples"})
        rows = list(csv.reader(io.StringIO(export.content.decode("utf-8"))))
        self.assertEqual(len(rows), 13)  # the header and every sample
        self.assertIn("2018-05-02 09:00", [c for r in rows for c in r])

    def test_it_draws_a_chart_per_indicator(self):
        self.three_light_rounds()
        response = self.client.get(self.zaobei.get_absolute_url())
        self.assertContains(response, "<svg", count=4)
        self.assertContains(response, 'class="threshold threshold-light"', count=4)
        self.assertContains(response, 'class="threshold threshold-severe"', count=4)

    def test_it_shows_each_points_latest_grade(self):
        self.three_light_rounds()
        regrade_channels()
        water = self.client.get(self.zaobei.get_absolute_url()).context["water"]
        self.assertEqual([row.grade for row in water["points"]], ["light", "light", "clear"])


class GuideRuleTests(WaterTestCase):
    """A point by the guide: severe by the 60 %/30 % rule, otherwise light when any reading is
    black-odorous; the former share rule for light only as the option light_by_shares."""

    def nh3_16_16_5_5_5(self):
        """NH3-N 16, 16, 5, 5, 5 mg/L at point 1 over three rounds (two readings on the first
        two days); points 2 and 3 clear."""
        p1, p2, p3 = self.points
        for day, hours in (("2018-05-02", (9, 15)), ("2018-05-05", (9, 15)), ("2018-05-08", (9,))):
            for hour in hours:
                add_round([p2, p3], day, NH3_CLEAR, hour=hour)
        add_round([p1], "2018-05-02", NH3_SEVERE, hour=9)
        add_round([p1], "2018-05-02", NH3_SEVERE, hour=15)
        add_round([p1], "2018-05-05", NH3_CLEAR, hour=9)
        add_round([p1], "2018-05-05", NH3_CLEAR, hour=15)
        add_round([p1], "2018-05-08", NH3_CLEAR, hour=9)

    def test_two_severe_readings_of_five_make_the_point_light(self):
        self.nh3_16_16_5_5_5()
        judgement = regrade_channel(self.zaobei)
        p1, p2, p3 = self.points
        self.assertEqual(judgement.point_grades[str(p1.pk)], "light")
        self.assertEqual(judgement.point_grades[str(p2.pk)], "clear")
        self.assertEqual(judgement.grade, Judgement.Grade.LIGHT)
        self.assertEqual(judgement.sample_count, 15)
        self.assertEqual(judgement.deviations, "")

    def test_the_option_grades_the_same_point_not_black_odorous_and_says_so(self):
        self.nh3_16_16_5_5_5()
        with BY_SHARES:
            judgement = regrade_channel(self.zaobei)
        self.assertEqual(judgement.point_grades[str(self.points[0].pk)], "clear")
        self.assertEqual(judgement.grade, Judgement.Grade.CLEAR)
        self.assertEqual(judgement.deviations, "light_by_shares")

    def test_one_severe_round_of_three_makes_a_point_light(self):
        # DO severe in one round of three at every point (33 %): not severe; light.
        do_severe = (Decimal("40"), Decimal("0.1"), Decimal("120"), Decimal("1.0"))
        add_round(self.points, "2018-05-02", do_severe)
        add_round(self.points, "2018-05-05", CLEAR)
        add_round(self.points, "2018-05-08", CLEAR)
        judgement = regrade_channel(self.zaobei)
        self.assertEqual(set(judgement.point_grades.values()), {"light"})
        self.assertEqual(judgement.grade, Judgement.Grade.LIGHT)
        with BY_SHARES:
            self.assertEqual(regrade_channel(self.zaobei).grade, Judgement.Grade.CLEAR)

    def test_all_readings_clear_is_not_black_odorous_by_either_rule(self):
        for day in ("2018-05-02", "2018-05-05", "2018-05-08"):
            add_round(self.points, day, CLEAR)
        self.assertEqual(regrade_channel(self.zaobei).grade, Judgement.Grade.CLEAR)
        with BY_SHARES:
            judgement = regrade_channel(self.zaobei)
        self.assertEqual(judgement.grade, Judgement.Grade.CLEAR)
        self.assertEqual(judgement.deviations, "light_by_shares")  # the rules changed

    def test_a_change_of_rules_writes_a_new_judgement_and_keeps_the_old(self):
        self.three_light_rounds()  # light in every round: light by both rules
        with BY_SHARES:
            first = regrade_channel(self.zaobei)
            self.assertIsNone(regrade_channel(self.zaobei))
        second = regrade_channel(self.zaobei)
        self.assertEqual((first.grade, second.grade), ("light", "light"))
        self.assertEqual((first.deviations, second.deviations), ("light_by_shares", ""))
        self.assertEqual(self.zaobei.judgements.count(), 2)
        self.assertIsNone(regrade_channel(self.zaobei))

    def test_a_changed_point_grade_writes_a_new_judgement(self):
        self.three_light_rounds()  # points 1 and 2 light, 3 clear: the channel light
        regrade_channels()
        add_round([self.points[2]], "2018-05-08", LIGHT, hour=16)  # same rounds
        judgement = regrade_channel(self.zaobei)
        self.assertEqual(judgement.grade, Judgement.Grade.LIGHT)
        self.assertEqual(judgement.point_grades[str(self.points[2].pk)], "light")
        self.assertEqual(self.zaobei.judgements.count(), 2)

    def test_it_refuses_an_unknown_option(self):
        add_round(self.points, "2018-05-02", LIGHT)
        unknown = override_settings(BLACK_ODOUR_OPTIONS=["light_by_share"])
        with unknown, self.assertRaisesMessage(ValueError, "light_by_shares"):
            regrade_channels()
        self.assertFalse(Judgement.objects.exists())

    def test_the_rules_are_the_guides_without_options(self):
        with override_settings(BLACK_ODOUR_OPTIONS=[]):
            self.assertFalse(configured_rules().point_light_by_shares)
        with BY_SHARES:
            self.assertTrue(configured_rules().point_light_by_shares)


class DeviationLabelTests(WaterTestCase):
    def setUp(self):
        self.client.force_login(self.staff)

    def test_it_labels_a_grade_from_the_option_as_a_deviation_in_chinese(self):  # (zh)
        self.three_light_rounds()
        with BY_SHARES:
            regrade_channels()
        response = self.client.get(self.zaobei.get_absolute_url())
        html = response.content.decode()
        heading = html.split("<h1>")[1].split("</h1>")[0]
        self.assertIn("condition-source deviation", heading)
        self.assertIn("偏离指南", heading)
        section = html.split('id="water-quality"')[1]
        self.assertIn("按偏离指南的选项判定", section)
        self.assertIn("轻度黑臭须达 60%/30% 频次", section)
        footer = section.split("<tfoot>")[1].split("</tfoot>")[0]
        self.assertIn("condition-source deviation", footer)

    def test_it_does_not_label_a_grade_by_the_guide(self):
        self.three_light_rounds()
        regrade_channels()
        response = self.client.get(self.zaobei.get_absolute_url())
        self.assertEqual(response.context["water"]["deviations"], [])
        self.assertNotContains(response, "condition-source deviation")
        self.assertNotContains(response, "judgement-deviation")

    def test_the_label_follows_the_latest_judgement(self):
        self.three_light_rounds()
        with BY_SHARES:
            regrade_channels()
        regrade_channels()  # back to the guide: a new judgement, no label
        response = self.client.get(self.zaobei.get_absolute_url())
        self.assertNotContains(response, "condition-source deviation")


class SevereStretchPageTests(WaterTestCase):
    """The guide's reach rule on the channel page: three or more consecutive severe points
    (ordered by their distance from the upstream end) make the stretch between them severe."""

    def setUp(self):
        self.client.force_login(self.staff)

    def severe_rounds(self, points, readings):
        for day in ("2018-05-02", "2018-05-05", "2018-05-08"):
            add_round(points, day, readings)
        regrade_channels()

    def page(self):
        return self.client.get(self.zaobei.get_absolute_url())

    def test_it_shows_the_stretch_between_three_consecutive_severe_points(self):  # (zh)
        SamplingPoint.objects.filter(pk=self.points[0].pk).update(chainage_m=Decimal("120.000"))
        SamplingPoint.objects.filter(pk=self.points[2].pk).update(chainage_m=Decimal("860.500"))
        self.severe_rounds(self.points, SEVERE)
        response = self.page()
        (stretch,) = response.context["water"]["reach"].stretches
        self.assertEqual((stretch.start, stretch.end), ("120", "860.5"))
        self.assertContains(
            response,
            "重度黑臭河段：120–860.5 m（检测点 造贝排洪渠1号点、造贝排洪渠2号点、造贝排洪渠3号点）",
        )
        self.assertContains(response, "<td>300</td>")  # the distance column
        self.assertNotContains(response, "unplaced-points")

    def test_it_orders_the_points_by_distance_not_by_their_order_number(self):
        p1, p2, p3 = self.points
        more = add_points(self.zaobei, 2, start=3)  # 4号点 at 900 m, 5号点 at 1200 m
        # By their order number 1, 2, 3 are severe in a row; along the channel 4 and 5 lie
        # between them: 1 (0 m), 4 (900), 2 (1000), 5 (1200), 3 (1500).
        SamplingPoint.objects.filter(pk=p2.pk).update(chainage_m=1000)
        SamplingPoint.objects.filter(pk=p3.pk).update(chainage_m=1500)
        points = [p1, p2, p3, *more]
        self.severe_rounds(points, [SEVERE, SEVERE, SEVERE, CLEAR, CLEAR])
        self.assertEqual(self.page().context["water"]["reach"].stretches, [])
        # 5号点 severe too (DO and NH3-N in 2 of its 5 readings): 2, 5, 3 in a row.
        add_round(more[1:], "2018-05-08", SEVERE, hour=18)
        add_round(more[1:], "2018-05-05", SEVERE, hour=18)
        regrade_channels()
        self.assertEqual(self.latest(self.zaobei).point_grades[str(more[1].pk)], "severe")
        (stretch,) = self.page().context["water"]["reach"].stretches
        self.assertEqual((stretch.start, stretch.end), ("1000", "1500"))
        self.assertEqual(stretch.points, "造贝排洪渠2号点、造贝排洪渠5号点、造贝排洪渠3号点")

    def test_two_severe_points_make_no_stretch(self):
        self.severe_rounds(self.points, [SEVERE, SEVERE, LIGHT])
        response = self.page()
        self.assertEqual(response.context["water"]["reach"].stretches, [])
        self.assertNotContains(response, "重度黑臭河段")
        self.assertNotContains(response, 'class="severe-stretch"')

    def test_it_names_a_severe_point_without_a_distance_as_not_placed(self):  # (zh)
        SamplingPoint.objects.filter(pk=self.points[1].pk).update(chainage_m=None)
        self.severe_rounds(self.points, SEVERE)
        response = self.page()
        reach = response.context["water"]["reach"]
        # Only two points are placed: no run of three can be shown.
        self.assertEqual(reach.stretches, [])
        self.assertEqual(reach.unplaced, "造贝排洪渠2号点")
        self.assertFalse(reach.undetermined)
        self.assertContains(response, "未定位：检测点 造贝排洪渠2号点 未录入距上游起点距离")

    def test_a_point_without_a_distance_that_is_not_severe_leaves_the_stretches_undetermined(
        self,
    ):  # (zh)
        (extra,) = add_points(self.zaobei, 1, start=3)
        SamplingPoint.objects.filter(pk=extra.pk).update(chainage_m=None)
        self.severe_rounds([*self.points, extra], [SEVERE, SEVERE, SEVERE, CLEAR])
        response = self.page()
        reach = response.context["water"]["reach"]
        self.assertEqual(reach.stretches, [])  # 0–600 m, unless 4号点 lies between
        self.assertTrue(reach.undetermined)
        self.assertContains(
            response, "未判定重度黑臭河段：检测点 造贝排洪渠4号点 未录入距上游起点距离"
        )
        self.assertNotContains(response, 'class="severe-stretch"')
        # Given its distance, the stretch is there.
        SamplingPoint.objects.filter(pk=extra.pk).update(chainage_m=2000)
        (stretch,) = self.page().context["water"]["reach"].stretches
        self.assertEqual((stretch.start, stretch.end), ("0", "600"))

    def test_points_without_a_reading_in_the_judged_rounds_take_no_part(self):
        (extra,) = add_points(self.zaobei, 1, start=3)
        SamplingPoint.objects.filter(pk=extra.pk).update(chainage_m=None)
        self.severe_rounds(self.points, SEVERE)
        reach = self.page().context["water"]["reach"]
        self.assertEqual(len(reach.stretches), 1)
        self.assertEqual(reach.unplaced, "")


class RegradeMigrationTests(WaterTestCase):
    """Migration 0015 regrades each channel's latest judgement under the rules in force."""

    def migrate(self):
        migration = importlib.import_module("projects.migrations.0015_regrade_channels")
        migration.regrade_latest_judgements(apps, None)

    def test_it_regrades_a_judgement_of_the_former_rule_and_keeps_it(self):
        p1, p2, p3 = self.points
        do_severe = (Decimal("40"), Decimal("0.1"), Decimal("120"), Decimal("1.0"))
        add_round(self.points, "2018-05-02", do_severe)
        add_round(self.points, "2018-05-05", CLEAR)
        add_round(self.points, "2018-05-08", CLEAR)
        with BY_SHARES:
            old = regrade_channel(self.zaobei)
        # as the former rule stored it, before deviations were recorded
        Judgement.objects.filter(pk=old.pk).update(deviations="")
        self.assertEqual(old.grade, "clear")
        add_round(self.points, "2018-05-11", SEVERE)  # newer data: not the migration's business
        self.migrate()
        self.assertEqual(self.zaobei.judgements.count(), 2)
        new = self.latest(self.zaobei)
        self.assertEqual(new.grade, "light")
        self.assertEqual(new.rounds, ["2018-05-02", "2018-05-05", "2018-05-08"])
        self.assertEqual(new.point_grades, {str(p.pk): "light" for p in self.points})
        self.assertEqual((new.sample_count, new.deviations), (9, ""))
        self.assertTrue(Judgement.objects.filter(pk=old.pk, grade="clear").exists())
        self.migrate()  # nothing left to change
        self.assertEqual(self.zaobei.judgements.count(), 2)

    def test_it_leaves_a_judgement_that_the_guide_gives_alone(self):
        self.three_light_rounds()
        regrade_channels()
        other = add_points(self.jinfeng, 1)
        add_round(other, "2018-05-02", SEVERE)  # no judgement yet: left alone
        self.migrate()
        self.assertEqual(Judgement.objects.count(), 1)

    def test_it_uses_the_configured_options(self):
        self.three_light_rounds()
        regrade_channels()
        with BY_SHARES:
            self.migrate()
        self.assertEqual(self.latest(self.zaobei).deviations, "light_by_shares")


class ChartTests(WaterTestCase):
    def render(self, chart):
        with translation.override("en"):
            return Template("{% load charts %}{% trend_chart chart %}").render(
                Context({"chart": chart})
            )

    def charts(self):
        samples = Sample.objects.order_by("sampled_at").values_list(
            "point_id", "sampled_at", "transparency_cm", "do_mg_l", "orp_mv", "nh3n_mg_l"
        )
        return build_charts(self.points, samples)

    def test_it_renders_svg_with_labelled_threshold_lines(self):
        self.three_light_rounds()
        transparency, oxygen, orp, ammonia = self.charts()
        svg = self.render(ammonia)
        self.assertTrue(svg.startswith("<svg"))
        self.assertTrue(svg.endswith("</svg>"))
        self.assertIn('viewBox="0 0 400 230" width="100%"', svg)
        self.assertIn('<line class="threshold threshold-light"', svg)
        self.assertIn('<line class="threshold threshold-severe"', svg)
        self.assertIn("light 8</text>", svg)
        self.assertIn("severe 15</text>", svg)
        self.assertEqual(svg.count("<polyline"), 3)  # one line per point
        self.assertEqual(svg.count("<circle"), 9)
        self.assertIn("05-02", svg)
        self.assertIn("05-08", svg)
        self.assertIn("2018", svg)
        self.assertIn("light 50</text>", self.render(orp))
        self.assertIn("severe -200</text>", self.render(orp))
        self.assertIn("severe 10</text>", self.render(transparency))
        self.assertIn("light 2</text>", self.render(oxygen))

    def test_it_escapes_every_label(self):
        point = self.points[0]
        point.name = '<script>alert("x")</script>'
        add_round([point], "2018-05-02", LIGHT)
        svg = self.render(self.charts()[3])
        self.assertNotIn("<script>", svg)
        self.assertIn("&lt;script&gt;", svg)

    def test_it_draws_an_empty_chart_when_there_are_no_readings(self):
        svg = self.render(self.charts()[0])
        self.assertIn("<svg", svg)
        self.assertNotIn("<polyline", svg)

    def test_it_writes_the_rounds_with_the_year_once(self):
        self.assertEqual(
            rounds_text(["2018-12-28", "2018-12-31", "2019-01-03"]),
            "2018-12-28、12-31、2019-01-03",
        )


class QueryCountTests(WaterTestCase):
    """The pages cost the same with no samples, few or many, judged or not (the channel page
    reads its latest samples in one query whether there are any or not)."""

    def setUp(self):
        self.client.force_login(self.staff)

    def count(self, url):
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(queries)

    def counts(self):
        urls = [
            reverse("projects:dashboard"),
            reverse("projects:channel-list"),
            self.zaobei.get_absolute_url(),
            self.jinfeng.get_absolute_url(),
        ]
        return [self.count(url) for url in urls]

    def test_it_costs_as_many_queries_with_many_samples(self):
        dashboard, channel_list, zaobei, jinfeng = self.counts()
        days = [datetime.date(2018, 1, 1) + datetime.timedelta(days=3 * i) for i in range(40)]
        add_round(self.points, days[0].isoformat(), LIGHT)
        other = add_points(self.jinfeng, 5)
        add_round(other, days[0].isoformat(), SEVERE)
        few = self.counts()
        self.assertEqual(few, [dashboard, channel_list, zaobei, jinfeng])
        for day in days[1:]:
            add_round(self.points, day.isoformat(), [LIGHT, SEVERE, CLEAR])
        for day in days[1:10]:
            add_round(other, day.isoformat(), SEVERE)
        regrade_channels()
        self.assertEqual(self.counts(), few)
        context = channel_water_quality(Channel.objects.with_condition().get(pk=self.zaobei.pk))
        self.assertEqual(len(context["charts"][0].series[0].points), 20)  # latest 20 rounds


class AdminTests(WaterTestCase):
    def setUp(self):
        self.client.force_login(self.admin)

    def test_it_regrades_the_selected_channels_from_the_channel_admin(self):
        self.three_light_rounds()
        url = reverse("admin:projects_channel_changelist")
        data = {"action": "regrade_selected", "_selected_action": [self.zaobei.pk]}
        response = self.client.post(url, data, follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.latest(self.zaobei).grade, Judgement.Grade.LIGHT)
        response = self.client.post(url, data, follow=True)
        self.assertEqual(self.zaobei.judgements.count(), 1)

    def test_it_lists_samples_with_their_indicators_and_grade(self):
        self.three_light_rounds()
        response = self.client.get(
            reverse("admin:projects_sample_changelist"),
            {"point__channel__id__exact": self.zaobei.pk},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "造贝排洪渠1号点")
        self.assertContains(response, "轻度黑臭")

    def test_it_shows_judgements_read_only(self):
        self.three_light_rounds()
        judgement = regrade_channel(self.zaobei)
        change = reverse("admin:projects_judgement_change", args=[judgement.pk])
        response = self.client.get(change)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "2018-05-02、05-05、05-08")
        self.assertContains(response, "造贝排洪渠1号点")
        self.assertNotContains(response, 'name="_save"')
        self.assertEqual(self.client.get(reverse("admin:projects_judgement_add")).status_code, 403)
