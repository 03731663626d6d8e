"""Water quality: judgements from the samples (projects.water_quality), the condition they give
the dashboard, the channel list and the channel page, the page's charts and samples table.

Tests marked "(zh)" assert Chinese for strings added with this feature: they pass once the
catalogue translates them."""

import csv
import datetime
import io
import zoneinfo
from decimal import Decimal

from django.db import connection
from django.template import Context, Template
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from projects.models import Channel, Judgement, Sample, SamplingPoint
from projects.water_quality import (
    MEASURED,
    build_charts,
    channel_water_quality,
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


def at(day, hour=9, minute=30):
    """A local (Asia/Shanghai) time on ``day`` ("2018-05-02")."""
    return datetime.datetime.combine(
        datetime.date.fromisoformat(day), datetime.time(hour, minute), SHANGHAI
    )


def add_points(channel, count=3):
    return [
        SamplingPoint.objects.create(
            channel=channel, name=f"{channel.name}{i + 1}号点", sequence=i, chainage_m=300 * i
        )
        for i in range(count)
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

    def test_it_lists_the_samples_sorted_and_exports_them(self):
        self.three_light_rounds()
        url = self.zaobei.get_absolute_url()
        response = self.client.get(url)
        table = response.context["tables"]["samples"]
        self.assertEqual(table.paginator.count, 9)
        first = [row.record.sampled_at for row in table.page]
        self.assertEqual(first, sorted(first, reverse=True))
        response = self.client.get(url, {"samples-sort": "sampled_at"})
        times = [row.record.sampled_at for row in response.context["tables"]["samples"].page]
        self.assertEqual(times, sorted(times))
        export = self.client.get(url, {"_export": "csv", "_table": "samples"})
        rows = list(csv.reader(io.StringIO(export.content.decode("utf-8"))))
        self.assertEqual(len(rows), 10)
        self.assertIn("2018-05-02 09:00", rows[-1] + rows[1] + [c for r in rows for c in r])

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
    """The pages cost the same with few samples as with many, judged or not; with none, the
    channel pages skip one query: Django fetches no page of an empty table."""

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
        self.assertEqual(few, [dashboard, channel_list, zaobei + 1, jinfeng + 1])
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
