"""River chiefs (河长): the frequency each level must meet and the missed flag, the flag on the
dashboard's panel and in the alert digest, the register, a chief's page, the channel page and
recording an inspection."""

import csv
import datetime
import io
import re

from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from projects.models import (
    Channel,
    ChiefAssignment,
    ChiefInspection,
    Photo,
    RiverChief,
)
from projects.models.chiefs import Level
from projects.services.alerts import Kind, Severity, needs_attention

from .photos import photo_upload
from .test_editing import make_role_users

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def days(n):
    return datetime.timedelta(days=n)


def term(chief, channel, level, start, end=None):
    return ChiefAssignment.objects.create(
        chief=chief, channel=channel, level=level, term_start=start, term_end=end
    )


def inspect(chief, channel, day, minutes=60, problems=""):
    return ChiefInspection.objects.create(
        chief=chief,
        channel=channel,
        inspected_on=day,
        duration_minutes=minutes,
        problems_found=problems,
    )


class ChiefTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.today = timezone.localdate()
        make_role_users(cls)
        cls.ch_a = Channel.objects.create(name="甲河涌", maintaining_unit=cls.unit_a)
        cls.ch_b = Channel.objects.create(name="乙河涌", maintaining_unit=cls.unit_b)
        cls.chief = RiverChief.objects.create(
            name="张河长", position="镇党委书记", phone="0756-2123456"
        )

    def flag(self, assignment, today=None):
        """(missed, due on, last inspected on) of ``assignment`` as of ``today``."""
        row = ChiefAssignment.objects.with_inspection(today or self.today).get(pk=assignment.pk)
        return row.missed, row.due_on, row.last_inspected_on


class FrequencyRuleTests(ChiefTestCase):
    def test_each_level_is_in_time_on_the_last_day_of_its_interval_and_missed_the_day_after(
        self,
    ):
        for level, interval in [(Level.DISTRICT, 30), (Level.TOWN, 10), (Level.VILLAGE, 7)]:
            with self.subTest(level):
                ChiefInspection.objects.all().delete()
                ChiefAssignment.objects.all().delete()
                assignment = term(self.chief, self.ch_a, level, self.today - days(100))
                last = inspect(self.chief, self.ch_a, self.today - days(interval))
                self.assertEqual(self.flag(assignment), (False, self.today, last.inspected_on))
                last.inspected_on = self.today - days(interval + 1)
                last.save()
                self.assertEqual(
                    self.flag(assignment), (True, self.today - days(1), last.inspected_on)
                )

    def test_the_latest_inspection_counts(self):
        assignment = term(self.chief, self.ch_a, Level.TOWN, self.today - days(100))
        inspect(self.chief, self.ch_a, self.today - days(40))
        inspect(self.chief, self.ch_a, self.today - days(3))
        inspect(self.chief, self.ch_a, self.today - days(20))
        self.assertEqual(self.flag(assignment), (False, self.today + days(7), self.today - days(3)))

    def test_never_inspected_counts_from_the_terms_start(self):
        assignment = term(self.chief, self.ch_a, Level.VILLAGE, self.today - days(7))
        self.assertEqual(self.flag(assignment), (False, self.today, None))
        assignment.term_start = self.today - days(8)
        assignment.save()
        self.assertEqual(self.flag(assignment), (True, self.today - days(1), None))

    def test_an_inspection_before_the_term_or_by_another_chief_or_of_another_channel_does_not_count(
        self,
    ):
        other = RiverChief.objects.create(name="李河长")
        assignment = term(self.chief, self.ch_a, Level.VILLAGE, self.today - days(20))
        inspect(self.chief, self.ch_a, self.today - days(21))  # before the term
        inspect(other, self.ch_a, self.today - days(1))
        inspect(self.chief, self.ch_b, self.today - days(1))
        self.assertEqual(self.flag(assignment), (True, self.today - days(13), None))

    def test_a_term_that_has_ended_is_never_missed_and_one_ending_today_still_serves(self):
        assignment = term(
            self.chief, self.ch_a, Level.VILLAGE, self.today - days(60), self.today - days(1)
        )
        self.assertFalse(self.flag(assignment)[0])
        self.assertFalse(ChiefAssignment.objects.serving(self.today).exists())
        assignment.term_end = self.today
        assignment.save()
        self.assertTrue(self.flag(assignment)[0])
        self.assertEqual(list(ChiefAssignment.objects.missed(self.today)), [assignment])

    def test_a_term_not_begun_yet_is_not_missed(self):
        assignment = term(self.chief, self.ch_a, Level.VILLAGE, self.today + days(1))
        self.assertFalse(self.flag(assignment)[0])
        self.assertFalse(ChiefAssignment.objects.missed(self.today).exists())

    @override_settings(CHIEF_INSPECTION_DAYS={"district": 60, "town": 15, "village": 3})
    def test_the_office_sets_the_frequencies(self):
        assignment = term(self.chief, self.ch_a, Level.TOWN, self.today - days(100))
        inspect(self.chief, self.ch_a, self.today - days(12))
        missed, due, _ = self.flag(assignment)
        self.assertEqual((missed, due), (False, self.today + days(3)))

    def test_a_term_cannot_end_before_it_starts_and_a_phone_is_digits(self):
        bad = ChiefAssignment(
            chief=self.chief,
            channel=self.ch_a,
            level=Level.TOWN,
            term_start=datetime.date(2018, 6, 1),
            term_end=datetime.date(2018, 5, 31),
        )
        with self.assertRaisesMessage(ValidationError, "任期结束日期不能早于开始日期"):
            bad.full_clean()
        for phone in ("13800000000", "0756-2123456", "+86 138 0000 0000"):
            RiverChief(name="王", phone=phone).full_clean()
        for phone in ("电话", "12", "138-abc"):
            with self.subTest(phone), self.assertRaises(ValidationError):
                RiverChief(name="王", phone=phone).full_clean()


@override_settings(EMAIL_BACKEND=LOCMEM, SITE_URL="https://water.example.gov.cn")
class MissedInspectionAlertTests(ChiefTestCase):
    """A chief who missed an inspection of 甲河涌 (maintained by station A) is on station A's
    panel and digest, linked to the chief's page; one in time is not."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.editor_a.email = "editor_a@example.gov.cn"
        cls.editor_a.save()
        cls.editor_b.email = "editor_b@example.gov.cn"
        cls.editor_b.save()
        cls.late = term(cls.chief, cls.ch_a, Level.TOWN, cls.today - days(100))
        inspect(cls.chief, cls.ch_a, cls.today - days(13))
        cls.in_time_chief = RiverChief.objects.create(name="赵河长")
        term(cls.in_time_chief, cls.ch_b, Level.VILLAGE, cls.today - days(100))
        inspect(cls.in_time_chief, cls.ch_b, cls.today - days(2))

    def test_needs_attention_lists_the_missed_inspection_for_the_channels_unit(self):
        alerts = needs_attention(self.today)
        (group,) = alerts.groups
        self.assertEqual(group.unit.pk, self.unit_a.pk)
        (item,) = group.items
        self.assertEqual(item.kind, Kind.CHIEF_INSPECTION)
        self.assertEqual(item.severity, Severity.OVERDUE)
        self.assertEqual(item.label, "甲河涌 · 张河长")
        self.assertEqual(item.link, self.chief.get_absolute_url())
        self.assertEqual(item.due, self.today - days(3))
        self.assertEqual(item.status, "已超期 3 天")
        self.assertIn("要求每 10 天巡河一次", item.detail)
        self.assertEqual(needs_attention(self.today, unit=self.unit_b).groups, [])

    def test_the_digest_of_the_channels_unit_names_the_chief_and_links_to_their_page(self):
        call_command("send_alerts", "--date", self.today.isoformat(), stdout=io.StringIO())
        (digest,) = mail.outbox
        self.assertEqual(digest.to, ["editor_a@example.gov.cn"])
        self.assertIn("甲河涌 · 张河长", digest.body)
        self.assertIn("河长巡河", digest.body)
        self.assertIn("已超期 3 天", digest.body)
        self.assertIn(
            f'href="https://water.example.gov.cn{self.chief.get_absolute_url()}"',
            digest.alternatives[0][0],
        )
        self.assertNotIn("赵河长", digest.body)

    def test_the_dashboard_panel_flags_the_chief(self):
        self.client.force_login(self.editor_a)
        content = self.client.get(reverse("projects:dashboard")).content.decode()
        panel = re.search(r'<section class="panel attention".*?</section>', content, re.S)
        self.assertIn("甲河涌 · 张河长", panel.group(0))
        self.assertIn(f'href="{self.chief.get_absolute_url()}"', panel.group(0))
        self.client.force_login(self.editor_b)
        content = self.client.get(reverse("projects:dashboard")).content.decode()
        self.assertNotIn(
            "河长",
            re.search(r'<section class="panel attention".*?</section>', content, re.S).group(0),
        )
        attention = self.client.get(reverse("projects:attention"), {"kind": "chief_inspection"})
        self.assertEqual(attention.status_code, 200)

    def test_the_rule_is_one_query_whatever_the_number_of_chiefs(self):
        with self.assertNumQueries(1):
            needs_attention(self.today)
        for i in range(30):
            chief = RiverChief.objects.create(name=f"加测河长{i:02d}")
            term(chief, self.ch_a if i % 2 else self.ch_b, Level.VILLAGE, self.today - days(30))
        with self.assertNumQueries(1):
            alerts = needs_attention(self.today)
        self.assertEqual(len(alerts), 31)


class PageTests(ChiefTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.missed_term = term(cls.chief, cls.ch_a, Level.TOWN, cls.today - days(100))
        inspect(cls.chief, cls.ch_a, cls.today - days(30), problems="河面漂浮垃圾")
        term(cls.chief, cls.ch_b, Level.DISTRICT, datetime.date(2018, 1, 1), cls.today - days(5))
        cls.in_time = RiverChief.objects.create(name="赵河长", position="村书记")
        term(cls.in_time, cls.ch_b, Level.VILLAGE, cls.today - days(3))
        cls.former = RiverChief.objects.create(name="钱河长")
        term(
            cls.former,
            cls.ch_a,
            Level.VILLAGE,
            datetime.date(2018, 1, 1),
            datetime.date(2019, 1, 1),
        )

    def listed(self, **query):
        self.client.force_login(self.viewer)
        response = self.client.get(reverse("projects:chief-list"), query)
        self.assertEqual(response.status_code, 200)
        return [row.record.name for row in response.context["table"].page.object_list]

    def test_an_untouched_filter_form_filters_nothing(self):
        sent = {"q": "", "level": "", "channel": "", "serving": "", "missed": ""}
        self.assertEqual(self.listed(**sent), ["张河长", "赵河长", "钱河长"])

    def test_the_filters(self):
        self.assertEqual(self.listed(missed="True"), ["张河长"])
        self.assertEqual(self.listed(missed="False"), ["赵河长", "钱河长"])
        self.assertEqual(self.listed(serving="True"), ["张河长", "赵河长"])
        self.assertEqual(self.listed(serving="False"), ["钱河长"])
        self.assertEqual(self.listed(level="village"), ["赵河长", "钱河长"])
        self.assertEqual(self.listed(channel=str(self.ch_a.pk)), ["张河长", "钱河长"])
        self.assertEqual(self.listed(q="村书记"), ["赵河长"])
        response = self.client.get(reverse("projects:chief-list"), {"level": "nonsense"})
        self.assertIn("level", response.context["filter"].form.errors)
        self.assertContains(response, "field-error")

    def test_the_list_shows_channels_and_the_missed_count_and_exports_plain_values(self):
        self.client.force_login(self.viewer)
        url = reverse("projects:chief-list")
        page = self.client.get(url)
        self.assertContains(page, "甲河涌</a>（镇街级）")
        self.assertContains(page, '<span class="badge badge-overdue">1</span>', html=True)
        response = self.client.get(url, {"_export": "csv"})
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(
            rows[1], ["张河长", "镇党委书记", "0756-2123456", "甲河涌（镇街级）", "1", "1"]
        )
        self.assertFalse(any("<" in cell for row in rows for cell in row))

    def test_a_chief_of_many_channels_is_named_with_the_first_few_and_exported_whole(self):
        district = RiverChief.objects.create(name="区河长")
        for i in range(8):
            channel = Channel.objects.create(name=f"区渠{i}", maintaining_unit=self.unit_a)
            term(district, channel, Level.DISTRICT, self.today - days(3))
        self.client.force_login(self.viewer)
        url = reverse("projects:chief-list")
        page = self.client.get(url, {"q": "区河长"}).content.decode()
        named = re.findall(r">(区渠\d)</a>（区级）", page)
        self.assertEqual(named, [f"区渠{i}" for i in range(5)])
        self.assertIn(f'<a href="{district.get_absolute_url()}">另有 3 条</a>', page)
        response = self.client.get(url, {"q": "区河长", "_export": "csv"})
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(rows[1][3], "、".join(f"区渠{i}（区级）" for i in range(8)))

    def test_the_registers_channel_links_lead_to_each_channel_and_escape_its_name(self):
        hostile = Channel.objects.create(name='<b>乙&"渠</b>', maintaining_unit=self.unit_a)
        term(self.in_time, hostile, Level.VILLAGE, self.today - days(3))
        self.client.force_login(self.viewer)
        url = reverse("projects:chief-list")
        page = self.client.get(url, {"q": "赵河长"}).content.decode()
        links = re.findall(r'<a href="([^"]+)">([^<]+)</a>（村居级）', page)
        self.assertCountEqual(
            links,
            [
                (hostile.get_absolute_url(), "&lt;b&gt;乙&amp;&quot;渠&lt;/b&gt;"),
                (self.ch_b.get_absolute_url(), "乙河涌"),
            ],
        )
        self.assertNotIn("<b>乙", page)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        english = self.client.get(url, {"q": "赵河长"})
        self.assertContains(english, "乙河涌</a>（Village level）")

    def test_the_chiefs_page_shows_each_term_with_its_frequency_and_flag(self):
        self.client.force_login(self.viewer)
        page = self.client.get(self.chief.get_absolute_url())
        terms = {row.record.channel.name: row for row in page.context["tables"]["terms"].rows}
        self.assertEqual(
            terms["甲河涌"].get_cell("missed"),
            '<span class="badge badge-overdue">未按时巡河</span>',
        )
        self.assertEqual(terms["甲河涌"].get_cell("frequency"), "每 10 天")
        self.assertEqual(terms["乙河涌"].get_cell("missed"), "不在任")
        self.assertContains(page, "河面漂浮垃圾")
        self.assertNotContains(
            page, reverse("projects:chief-inspection-create", args=[self.chief.pk])
        )
        response = self.client.get(
            self.chief.get_absolute_url(), {"_export": "csv", "_table": "terms"}
        )
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertIn("未按时巡河", rows[1])
        self.assertIn("10", rows[1])

    def test_the_channel_page_shows_its_serving_chiefs(self):
        self.client.force_login(self.viewer)
        page = self.client.get(self.ch_a.get_absolute_url())
        section = re.search(
            r'<section class="panel" id="chiefs">.*?</section>', page.content.decode(), re.S
        ).group(0)
        self.assertIn("张河长", section)
        self.assertIn("镇党委书记", section)
        self.assertIn("0756-2123456", section)
        self.assertIn("未按时巡河", section)
        self.assertNotIn("钱河长", section)  # term ended in 2019

    def test_query_counts_do_not_grow_with_rows(self):
        self.client.force_login(self.viewer)
        urls = [
            reverse("projects:chief-list"),
            self.chief.get_absolute_url(),
            self.ch_a.get_absolute_url(),
        ]
        # Session, user; list: count, page, terms prefetch; the chief's page: chief, terms
        # count + page, inspections count + page; plus the permission queries.
        counts = {}
        for url in urls:
            self.client.get(url)
            with self.assertNumQueries(self.count_of(url)) as captured:
                self.client.get(url)
            counts[url] = len(captured.captured_queries)
        channels = Channel.objects.bulk_create(Channel(name=f"加测渠{i:02d}") for i in range(30))
        chiefs = RiverChief.objects.bulk_create(
            RiverChief(name=f"加测河长{i:02d}") for i in range(40)
        )
        ChiefAssignment.objects.bulk_create(
            ChiefAssignment(
                chief=c, channel=self.ch_a, level=Level.VILLAGE, term_start=self.today - days(20)
            )
            for c in chiefs
        )
        ChiefAssignment.objects.bulk_create(
            ChiefAssignment(
                chief=self.chief, channel=ch, level=Level.VILLAGE, term_start=self.today - days(20)
            )
            for ch in channels
        )
        ChiefInspection.objects.bulk_create(
            ChiefInspection(
                chief=self.chief,
                channel=ch,
                inspected_on=self.today - days(i % 5),
                duration_minutes=30,
            )
            for i, ch in enumerate(channels)
        )
        for url in urls:
            with self.subTest(url), self.assertNumQueries(counts[url]):
                self.client.get(url)

    def count_of(self, url):
        # session, user, 2 permission queries (navigation, edit buttons), then the page's own.
        if url == reverse("projects:chief-list"):
            return 4 + 3  # count, page, the serving terms with their channels
        if url == self.chief.get_absolute_url():
            return 4 + 5  # chief; terms count + page; inspections count + page
        return 15  # tests/test_pages.py's count for a channel without plan


class RecordInspectionTests(ChiefTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.assignment = term(cls.chief, cls.ch_a, Level.TOWN, datetime.date(2018, 1, 1))
        cls.url = reverse("projects:chief-inspection-create", args=[cls.chief.pk])

    def data(self, **changes):
        return {
            "channel": self.ch_a.pk,
            "inspected_on": "2018-06-02",
            "duration_minutes": "90",
            "problems_found": "  排口有污水直排  ",
            **changes,
        }

    def test_the_form_costs_the_same_queries_with_more_channels(self):
        self.client.force_login(self.administrator)
        self.client.get(self.url)
        # Session, user, 2 permission queries, the chief, whether they hold a channel, the
        # channel options.
        with self.assertNumQueries(7):
            page = self.client.get(self.url)
        self.assertContains(page, 'type="date"')
        channels = Channel.objects.bulk_create(Channel(name=f"加测渠{i:02d}") for i in range(30))
        ChiefAssignment.objects.bulk_create(
            ChiefAssignment(chief=self.chief, channel=c, level=Level.VILLAGE, term_start=self.today)
            for c in channels
        )
        with self.assertNumQueries(7):
            page = self.client.get(self.url)
        self.assertContains(page, "加测渠29")

    def test_only_those_allowed_to_add_inspections_may_record(self):
        for user in (self.viewer, self.editor_a):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)
            self.assertEqual(self.client.post(self.url, self.data()).status_code, 403)
        self.assertFalse(ChiefInspection.objects.exists())

    def test_an_administrator_records_an_inspection_of_2018_with_photos_and_the_flag_moves(self):
        self.client.force_login(self.administrator)
        self.assertTrue(self.flag(self.assignment)[0])
        data = self.data(inspected_on=str(self.today - days(2)), photos=[photo_upload("a.jpg")])
        response = self.client.post(self.url, data)
        self.assertRedirects(response, self.chief.get_absolute_url())
        inspection = ChiefInspection.objects.get()
        self.assertEqual(inspection.problems_found, "排口有污水直排")
        self.assertEqual(inspection.recorded_by, self.administrator)
        self.assertEqual(Photo.objects.get().subject, inspection)
        self.assertFalse(self.flag(self.assignment)[0])
        response = self.client.post(self.url, self.data())
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            ChiefInspection.objects.order_by("inspected_on").first().inspected_on,
            datetime.date(2018, 6, 2),
        )

    def test_bad_input_is_refused_beside_its_field_and_nothing_is_written(self):
        self.client.force_login(self.administrator)
        before_term = ChiefAssignment.objects.filter(pk=self.assignment.pk)
        before_term.update(term_start=datetime.date(2018, 7, 1))
        for changes, field, message in [
            ({"duration_minutes": "0"}, "duration_minutes", "巡河时长至少为 1 分钟。"),
            (
                {"inspected_on": "1989-12-31"},
                "inspected_on",
                "请输入 1990 年 1 月 1 日及以后的日期。",
            ),
            (
                {"inspected_on": str(self.today + days(3))},
                "inspected_on",
                "该日期晚于明天：请填写实际发生的日期。",
            ),
            ({"inspected_on": "2018-06-02"}, "inspected_on", "张河长在当天不是甲河涌的河长。"),
            ({"channel": str(self.ch_b.pk)}, "channel", "请选择该河长负责的河渠。"),
        ]:
            with self.subTest(field=field, changes=changes):
                response = self.client.post(
                    self.url, self.data(**{"inspected_on": "2018-07-02", **changes})
                )
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["form"].errors[field], [message])
        self.assertFalse(ChiefInspection.objects.exists())


class FirstMissedTests(ChiefTestCase):
    """The first items of the list, read a level at a time in the order of the last
    inspection or start (``alert_rules.FIRST_BY_PARTS``), are the first of the whole list:
    levels whose intervals differ interleave by the day each inspection was due."""

    def test_every_first_few_of_many_missed_terms_across_levels_are_the_whole_lists(self):
        import random

        from projects.services.alerts import ItemRows

        rng = random.Random(2018)
        channels = [
            Channel.objects.create(name=f"测渠{i:02d}", maintaining_unit=self.unit_a)
            for i in range(8)
        ]
        chiefs = [RiverChief.objects.create(name=f"河长{i:02d}") for i in range(5)]
        for chief in chiefs:
            for channel in rng.sample(channels, 4):
                level = rng.choice(Level.values)
                started = self.today - days(rng.randint(40, 200))
                made = term(chief, channel, level, started)
                if rng.random() < 0.6:
                    inspect(chief, channel, started + days(rng.randint(0, 30)))
                made.refresh_from_db()
        for unit in (None, self.unit_a):
            rows = ItemRows(self.today, 7, kinds=[Kind.CHIEF_INSPECTION], unit=unit)
            whole = [(item.label, item.due) for item in rows[:]]
            self.assertGreater(len(whole), 12)
            self.assertEqual(whole, sorted(whole, key=lambda row: (row[1], row[0])))
            for stop in (1, 3, 10, 12):
                with self.subTest(unit=unit, stop=stop):
                    self.assertEqual([(i.label, i.due) for i in rows[:stop]], whole[:stop])
