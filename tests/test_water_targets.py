"""Water-quality targets: each channel's target (不黑不臭, or a GB 3838-2002 class) and whether
its latest data meet it — the latest judgement for 不黑不臭, the latest round's DO and NH3-N
against the class limits at their boundaries — "not measured" without data; shown on the
channel page, counted on the dashboard with a link to the channel list filtered that way, and
in the alerts of the channel's maintaining unit."""

import datetime
import io
from decimal import Decimal

from django.core import mail
from django.core.management import call_command
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from projects.models import Channel, Judgement, Sample, SamplingPoint
from projects.services.alerts import Kind, needs_attention
from projects.services.water_targets import TargetStatus, with_target_status
from projects.standards.surface_water import meets_class
from tests.test_editing import make_role_users

UTC = datetime.UTC
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
Target = Channel.WaterTarget
MET, MISSED = TargetStatus.MET.value, TargetStatus.MISSED.value
UNMEASURED, NONE = TargetStatus.NOT_MEASURED.value, TargetStatus.NONE.value


class StandardTests(SimpleTestCase):
    def test_the_class_limits_at_their_boundaries(self):
        cases = [
            ("III", "5.0", "1.0", True),
            ("III", "4.99", "1.0", False),
            ("III", "5.0", "1.01", False),
            ("IV", "3", "1.5", True),
            ("IV", "2.99", "1.5", False),
            ("IV", "3", "1.51", False),
            ("V", "2", "2.0", True),
            ("V", "1.99", "2.0", False),
            ("V", "2", "2.01", False),
            ("III", None, "0.5", True),  # DO not measured: not held against it
        ]
        for water_class, do, nh3n, meets in cases:
            with self.subTest(water_class=water_class, do=do, nh3n=nh3n):
                self.assertIs(meets_class(water_class, do, nh3n), meets)


class TargetStatusTests(TestCase):
    def channel(self, name, target):
        channel = Channel.objects.create(name=name, target=target)
        channel.point = SamplingPoint.objects.create(channel=channel, name="1号点")
        return channel

    def sample(self, channel, when, do=None, nh3n=None, point=None, **extra):
        return Sample.objects.create(
            point=point or channel.point, sampled_at=when, do_mg_l=do, nh3n_mg_l=nh3n, **extra
        )

    def statuses(self):
        return dict(with_target_status(Channel.objects.all()).values_list("name", "target_status"))

    def test_a_class_target_at_the_limits_of_each_class(self):
        day = datetime.datetime(2025, 3, 10, 2, 0, tzinfo=UTC)
        expected = {}
        for water_class, do_min, nh3n_max in (
            (Target.CLASS_III, "5.00", "1.00"),
            (Target.CLASS_IV, "3.00", "1.50"),
            (Target.CLASS_V, "2.00", "2.00"),
        ):
            below = Decimal(do_min) - Decimal("0.01")
            above = Decimal(nh3n_max) + Decimal("0.01")
            for label, do, nh3n, status in (
                ("at", do_min, nh3n_max, MET),
                ("DO low", below, nh3n_max, MISSED),
                ("NH3-N high", do_min, above, MISSED),
            ):
                channel = self.channel(f"{water_class} {label}", water_class)
                self.sample(channel, day, Decimal(do), Decimal(nh3n))
                expected[channel.name] = status
        self.assertEqual(self.statuses(), expected)

    def test_only_the_latest_round_counts_every_sample_of_it(self):
        improved = self.channel("improved", Target.CLASS_IV)
        worsened = self.channel("worsened", Target.CLASS_IV)
        one_bad_point = self.channel("one bad point", Target.CLASS_IV)
        other = SamplingPoint.objects.create(channel=one_bad_point, name="2号点")
        old = datetime.datetime(2025, 3, 1, 2, 0, tzinfo=UTC)
        new = datetime.datetime(2025, 3, 10, 2, 0, tzinfo=UTC)
        self.sample(improved, old, Decimal("1"), Decimal("9"))
        self.sample(improved, new, Decimal("6"), Decimal("0.5"))
        self.sample(worsened, old, Decimal("6"), Decimal("0.5"))
        self.sample(worsened, new, Decimal("6"), Decimal("1.6"))
        # Local day 2025-03-10 (Asia/Shanghai) begins at 16:00 UTC the day before: both
        # samples are of that round.
        self.sample(one_bad_point, new, Decimal("6"), Decimal("0.5"))
        self.sample(
            one_bad_point,
            datetime.datetime(2025, 3, 9, 17, 0, tzinfo=UTC),
            Decimal("2.5"),
            Decimal("0.5"),
            point=other,
        )
        self.assertEqual(
            self.statuses(), {"improved": MET, "worsened": MISSED, "one bad point": MISSED}
        )
        row = with_target_status(Channel.objects.filter(pk=improved.pk)).get()
        self.assertEqual(row.target_round, datetime.date(2025, 3, 10))

    def test_no_data_is_not_measured_and_no_target_is_none(self):
        self.channel("class, no samples", Target.CLASS_III)
        only_transparency = self.channel("class, no DO or NH3-N", Target.CLASS_III)
        self.sample(
            only_transparency,
            datetime.datetime(2025, 3, 10, 2, tzinfo=UTC),
            transparency_cm=Decimal("30"),
        )
        self.channel("not black-odorous, never judged", Target.NOT_BLACK_ODOROUS)
        no_target = self.channel("no target", "")
        self.sample(no_target, datetime.datetime(2025, 3, 10, 2, tzinfo=UTC), Decimal("0.1"))
        self.assertEqual(
            self.statuses(),
            {
                "class, no samples": UNMEASURED,
                "class, no DO or NH3-N": UNMEASURED,
                "not black-odorous, never judged": UNMEASURED,
                "no target": NONE,
            },
        )

    def test_not_black_odorous_is_the_latest_judgement_clear(self):
        for name, grades in (("clear now", ["light", "clear"]), ("light now", ["clear", "light"])):
            channel = self.channel(name, Target.NOT_BLACK_ODOROUS)
            for grade in grades:
                Judgement.objects.create(channel=channel, grade=grade)
        Judgement.objects.mark_latest()
        self.assertEqual(self.statuses(), {"clear now": MET, "light now": MISSED})


class TargetPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_role_users(cls)
        cls.missed = Channel.objects.create(
            name="金湾排洪渠", target=Target.CLASS_III, maintaining_unit=cls.unit_a
        )
        point = SamplingPoint.objects.create(channel=cls.missed, name="1号点")
        Sample.objects.create(
            point=point,
            sampled_at=datetime.datetime(2025, 3, 10, 2, tzinfo=UTC),
            do_mg_l=Decimal("4.2"),
            nh3n_mg_l=Decimal("0.8"),
        )
        cls.met = Channel.objects.create(name="银坑排洪渠", target=Target.NOT_BLACK_ODOROUS)
        Judgement.objects.create(channel=cls.met, grade="clear")
        Judgement.objects.mark_latest()
        cls.unmeasured = Channel.objects.create(name="铜鼓排洪渠", target=Target.CLASS_V)
        cls.none = Channel.objects.create(name="铁岭排洪渠")

    def test_the_channel_page_shows_its_target_and_whether_it_is_met(self):
        self.client.force_login(self.viewer)
        page = self.client.get(self.missed.get_absolute_url())
        self.assertContains(page, "地表水Ⅲ类")
        self.assertContains(page, 'data-target-status="missed">未达标</span>', html=False)
        self.assertContains(page, "最近一轮 2025年3月10日")
        page = self.client.get(self.unmeasured.get_absolute_url())
        self.assertContains(page, 'data-target-status="unmeasured">未监测</span>', html=False)
        self.assertContains(self.client.get(self.none.get_absolute_url()), "未设定目标")

    def test_the_dashboard_counts_them_and_links_to_the_list_filtered_that_way(self):
        self.client.force_login(self.viewer)
        dashboard = self.client.get(reverse("projects:dashboard"))
        self.assertEqual(
            dashboard.context["target_counts"],
            {MET: 1, MISSED: 1, UNMEASURED: 1, NONE: 1},
        )
        link = f"{reverse('projects:channel-list')}?target_status=missed"
        self.assertContains(dashboard, f'href="{link}">1 条渠道未达水质目标')
        listing = self.client.get(link)
        self.assertEqual([row.record for row in listing.context["table"].rows], [self.missed])

    def test_every_units_panel_takes_the_dashboards_count_and_a_units_counts_its_own(self):
        # The administrator's panel (every unit) counts the missed target once, with the
        # dashboard's figure; a unit's panel counts its own by the rule; both list the item.
        for user in (self.administrator, self.editor_a):
            self.client.force_login(user)
            panel = self.client.get(reverse("projects:dashboard")).context["attention"]
            with self.subTest(user.username):
                self.assertEqual(panel["numbers"], {(Kind.TARGET.value, "worsened"): 1})
                self.assertEqual([item.label for item in panel["items"]], ["金湾排洪渠"])
        self.client.force_login(self.editor_b)
        panel = self.client.get(reverse("projects:dashboard")).context["attention"]
        self.assertEqual((panel["numbers"], panel["items"]), ({}, []))

    def test_an_untouched_channel_filter_lists_every_channel(self):
        self.client.force_login(self.viewer)
        form = {
            "q": "",
            "street": "",
            "condition": "",
            "maintaining_unit": "",
            "has_plan": "",
            "target_status": "",
        }
        listing = self.client.get(reverse("projects:channel-list"), form)
        self.assertEqual(len(listing.context["table"].rows), 4)
        self.assertContains(listing, '<option value="" selected>', html=False)

    def test_the_alerts_tell_the_maintaining_unit(self):
        today = timezone.localdate()
        items = list(needs_attention(today=today).group_for(self.unit_a).items)
        self.assertEqual([(i.kind, i.label) for i in items], [(Kind.TARGET, "金湾排洪渠")])
        item = items[0]
        self.assertEqual(item.link, f"{self.missed.get_absolute_url()}#water-quality")
        with translation.override("zh-hans"):
            self.assertEqual(item.status, "未达标")
            self.assertEqual(item.kind_label, "水质目标")
            self.assertIn("目标 地表水Ⅲ类；最近数据 2025年3月10日", item.detail)
        # The other channels are nobody's item: met, not measured, none set.
        everything = needs_attention(today=today)
        self.assertEqual(
            [i.label for group in everything.groups for i in group.items if i.kind == Kind.TARGET],
            ["金湾排洪渠"],
        )

    def test_the_daily_digest_sends_it_to_the_maintaining_unit(self):
        self.editor_a.email = "editor_a@example.gov.cn"
        self.editor_a.save()
        with override_settings(EMAIL_BACKEND=LOCMEM, SITE_URL="https://waterworks.example"):
            call_command("send_alerts", stdout=io.StringIO(), stderr=io.StringIO())
        [message] = [m for m in mail.outbox if self.editor_a.email in m.to]
        self.assertIn("金湾排洪渠", message.body)
        self.assertIn("未达标", message.body)
