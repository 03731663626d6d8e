"""Alerts: what needs attention by unit (projects.services.alerts), the daily digest e-mails
(``manage.py send_alerts``) and the dashboard's "needs attention" panel, which must list the
same items as the unit's digest."""

import contextlib
import datetime
import io
import re
import subprocess
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase, override_settings
from django.urls import include, path, reverse
from django.utils import formats, timezone, translation

from projects.models import (
    Channel,
    Complaint,
    Judgement,
    PatrolPost,
    PatrolRecord,
    Plan,
    Profile,
    ResponsibleUnit,
    Task,
)
from projects.services.alerts import Kind, Severity, needs_attention
from projects.views.channels import ChannelDetailView

from .test_editing import make_role_users

# For test_it_links_to_what_exists_while_other_pages_are_missing: a site with the channel page
# and none of the daily-operations pages.
urlpatterns = [
    path(
        "",
        include(
            (
                [path("channels/<int:pk>/", ChannelDetailView.as_view(), name="channel-detail")],
                "projects",
            )
        ),
    )
]

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"
SITE_URL = "https://water.example.gov.cn"
DAY = datetime.timedelta(days=1)


def days(n):
    return datetime.timedelta(days=n)


def at(day, hour=9):
    """An aware datetime on ``day`` (local time)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def make_channel(name, unit=None):
    channel = Channel.objects.create(name=name, maintaining_unit=unit)
    Plan.objects.create(channel=channel, title=f"{name}一河一策")
    return channel


def make_task(channel, content, deadline, unit=None, **fields):
    return Task.objects.create(
        plan=channel.plan, content=content, lead_unit=unit, deadline=deadline, **fields
    )


def make_complaint(location, stage, unit=None, deadline=None, received_at=None):
    complaint = Complaint(
        source=Complaint.Source.HOTLINE,
        location=location,
        description="渠内有异味",
        stage=stage,
        assigned_unit=unit,
        deadline=deadline,
    )
    if received_at is not None:
        complaint.received_at = received_at
    complaint.save()
    return complaint


def judge(channel, *grades_and_days, rounds=None):
    """Judgement rows for ``channel``: (grade, computed on) pairs, oldest first, each on the
    sampling day before it was computed (or on ``rounds``, the same for all)."""
    for grade, day in grades_and_days:
        judged_rounds = rounds if rounds is not None else [str(day - days(1))]
        judgement = Judgement.objects.create(channel=channel, grade=grade, rounds=judged_rounds)
        # computed_at is auto_now_add: set the day afterwards.
        Judgement.objects.filter(pk=judgement.pk).update(computed_at=at(day))


class AlertsWorld(TestCase):
    """Stations A (甲) and B (乙) each with overdue and due-soon tasks; an overdue complaint of
    A; a channel of B whose grade worsened; an unpatrolled channel of A's post and a channel
    of B's post patrolled too long ago; a task with no lead unit, a channel with no
    maintaining unit that worsened and a complaint never dispatched (administrators); station
    丙 with a user and nothing to report; and rows that must NOT show."""

    @classmethod
    def setUpTestData(cls):
        # "Today" is fixed for the whole class and passed to the command as --date; it is the
        # real date so that the dashboard (which always uses today) shows the same items.
        cls.today = today = timezone.localdate()
        make_role_users(cls)
        User = get_user_model()
        cls.unit_c = ResponsibleUnit.objects.create(name="丙市政站", kind="station")
        for user, email in [
            (cls.editor_a, "editor_a@example.gov.cn"),
            (cls.colleague_a, "colleague_a@example.gov.cn"),
            (cls.editor_b, "editor_b@example.gov.cn"),
            (cls.administrator, "manager@example.gov.cn"),
            (cls.viewer, "viewer@example.gov.cn"),
        ]:
            user.email = email
            user.save()
        # Members of A who must not receive anything: inactive, and without an address.
        retired = User.objects.create_user("retired_a", email="retired@example.gov.cn")
        retired.is_active = False
        retired.save()
        Profile.objects.create(user=retired, unit=cls.unit_a)
        Profile.objects.create(user=User.objects.create_user("no_mail_a"), unit=cls.unit_a)
        cls.user_c = User.objects.create_user("editor_c", email="editor_c@example.gov.cn")
        Profile.objects.create(user=cls.user_c, unit=cls.unit_c)

        cls.ch_a = make_channel("甲排洪渠", cls.unit_a)
        cls.ch_b = make_channel("乙排洪渠", cls.unit_b)
        cls.ch_b2 = make_channel("乙二排洪渠", cls.unit_b)
        cls.ch_none = make_channel("无主排洪渠")
        # Channel names must not be part of other labels: the tests look labels up in text.
        cls.ch_b_worse = make_channel("乙黑臭渠", cls.unit_b)
        cls.ch_a_better = make_channel("甲好转渠", cls.unit_a)
        cls.ch_none_worse = make_channel("无主黑臭渠")

        # Tasks.
        cls.task_a_overdue = make_task(cls.ch_a, "截污管道修复", today - days(3), cls.unit_a)
        cls.task_a_soon = make_task(cls.ch_a, "清淤", today + days(2), cls.unit_a)
        make_task(cls.ch_a, "远期任务", today + days(30), cls.unit_a)
        make_task(
            cls.ch_a,
            "已办结任务",
            today - days(10),
            cls.unit_a,
            status=Task.Status.DONE,
            completion_note="已验收",
        )
        make_task(
            cls.ch_a,
            "已延期任务",
            today - days(5),
            cls.unit_a,
            status=Task.Status.EXTENDED,
            extended_deadline=today + days(20),
        )
        cls.task_b_overdue = make_task(cls.ch_b, "生态修复", today - days(1), cls.unit_b)
        cls.task_b_soon = make_task(cls.ch_b, "曝气设备安装", today + days(7), cls.unit_b)
        make_task(cls.ch_b, "八天后任务", today + days(8), cls.unit_b)
        cls.task_none = make_task(cls.ch_none, "无牵头单位任务", today - days(2))

        # Complaints.
        cls.complaint_a = make_complaint(
            "甲排洪渠北段", Complaint.Stage.DISPATCHED, cls.unit_a, today - days(2)
        )
        make_complaint("甲排洪渠南段", Complaint.Stage.HANDLED, cls.unit_a, today - days(5))
        cls.complaint_found = make_complaint(
            "无主排洪渠桥下", Complaint.Stage.FOUND, received_at=at(today - days(3))
        )
        make_complaint("乙排洪渠刚收到", Complaint.Stage.FOUND, received_at=timezone.now())

        # Judgements: B's channel worsened, A's improved, the unit-less one worsened.
        judge(cls.ch_b_worse, ("light", today - days(20)), ("severe", today - days(3)))
        judge(cls.ch_a_better, ("severe", today - days(20)), ("light", today - days(3)))
        judge(cls.ch_none_worse, ("clear", today - days(20)), ("light", today - days(4)))

        # Patrols: A's post never patrolled its channel; B's post patrolled one channel
        # yesterday and the other ten days ago (interval 7: three days late).
        cls.post_a = PatrolPost.objects.create(station=cls.unit_a, name="甲一岗")
        cls.post_a.channels.add(cls.ch_a)
        cls.post_b = PatrolPost.objects.create(station=cls.unit_b, name="乙一岗", interval_days=7)
        cls.post_b.channels.add(cls.ch_b, cls.ch_b2)
        for channel, day in [(cls.ch_b, today - DAY), (cls.ch_b2, today - days(10))]:
            PatrolRecord.objects.create(
                post=cls.post_b,
                channel=channel,
                kind=PatrolRecord.Kind.INSPECTION,
                patrolled_at=at(day),
            )

        cls.labels_a = {
            "甲排洪渠 · 截污管道修复",
            "甲排洪渠 · 清淤",
            str(cls.complaint_a),
            "甲排洪渠 · 甲一岗",
        }
        cls.labels_b = {
            "乙排洪渠 · 生态修复",
            "乙排洪渠 · 曝气设备安装",
            "乙黑臭渠",
            "乙二排洪渠 · 乙一岗",
        }
        cls.labels_unassigned = {
            "无主排洪渠 · 无牵头单位任务",
            str(cls.complaint_found),
            "无主黑臭渠",
        }
        cls.labels_never = {
            "甲排洪渠 · 远期任务",
            "甲排洪渠 · 已办结任务",
            "甲排洪渠 · 已延期任务",
            "乙排洪渠 · 八天后任务",
            "甲排洪渠南段",
            "乙排洪渠刚收到",
            "乙排洪渠 · 乙一岗",
            "甲好转渠",
        }

    def send(self, *args, backend=LOCMEM):
        out, err = io.StringIO(), io.StringIO()
        with override_settings(EMAIL_BACKEND=backend, SITE_URL=SITE_URL):
            call_command(
                "send_alerts", "--date", self.today.isoformat(), *args, stdout=out, stderr=err
            )
        return out.getvalue()

    def messages_to(self, user):
        return [m for m in mail.outbox if user.email in m.to]

    def labels_in(self, text):
        """Which of every label of the world (listed or not) ``text`` shows."""
        universe = self.labels_a | self.labels_b | self.labels_unassigned | self.labels_never
        return {label for label in universe if label in text}


class NeedsAttentionTests(AlertsWorld):
    def test_it_groups_the_items_by_unit_with_the_unassigned_last(self):
        alerts = needs_attention(today=self.today)
        self.assertEqual(
            [group.unit for group in alerts.groups], [self.unit_b, self.unit_a, None]
        )  # by unit kind and name (乙 sorts before 甲), unassigned last
        self.assertEqual({i.label for i in alerts.group_for(self.unit_a).items}, self.labels_a)
        self.assertEqual({i.label for i in alerts.group_for(self.unit_b).items}, self.labels_b)
        self.assertEqual({i.label for i in alerts.unassigned.items}, self.labels_unassigned)
        self.assertIsNone(alerts.group_for(self.unit_c))
        self.assertEqual(len(alerts), 11)

    def test_a_regrade_of_the_same_sampling_days_is_not_a_worsening(self):
        # The rules changed (e.g. the guide's point rule replaced an option), not the water.
        channel = make_channel("同轮次重判渠", self.unit_a)
        same = [str(self.today - days(30)), str(self.today - days(29))]
        judge(
            channel, ("clear", self.today - days(5)), ("light", self.today - days(1)), rounds=same
        )
        labels = {i.label for i in needs_attention(today=self.today).group_for(self.unit_a).items}
        self.assertNotIn("同轮次重判渠", labels)
        # New sampling days judged worse: a worsening.
        judge(channel, ("severe", self.today), rounds=[str(self.today - days(1))])
        labels = {i.label for i in needs_attention(today=self.today).group_for(self.unit_a).items}
        self.assertIn("同轮次重判渠", labels)

    def test_it_says_how_late_or_how_soon_and_puts_overdue_first(self):
        items = needs_attention(today=self.today).group_for(self.unit_a).items
        facts = [(i.kind, i.label, i.severity, i.due, i.days_overdue, i.days_left) for i in items]
        self.assertEqual(
            facts,
            [
                # never patrolled: no due date, listed first among the overdue
                (Kind.PATROL, "甲排洪渠 · 甲一岗", Severity.OVERDUE, None, None, None),
                (
                    Kind.TASK,
                    "甲排洪渠 · 截污管道修复",
                    Severity.OVERDUE,
                    self.today - days(3),
                    3,
                    None,
                ),
                (
                    Kind.COMPLAINT,
                    str(self.complaint_a),
                    Severity.OVERDUE,
                    self.today - days(2),
                    2,
                    None,
                ),
                (Kind.TASK, "甲排洪渠 · 清淤", Severity.DUE_SOON, self.today + days(2), None, 2),
            ],
        )

    def test_it_links_each_item_to_the_page_that_shows_it(self):
        alerts = needs_attention(today=self.today)
        links = {i.label: i.link for g in alerts.groups for i in g.items}
        self.assertEqual(links["甲排洪渠 · 截污管道修复"], self.ch_a.get_absolute_url())
        self.assertEqual(links["乙黑臭渠"], f"{self.ch_b_worse.get_absolute_url()}#water-quality")
        self.assertEqual(
            links[str(self.complaint_a)],
            reverse("projects:complaint-detail", args=[self.complaint_a.pk]),
        )
        self.assertEqual(
            links["甲排洪渠 · 甲一岗"], reverse("projects:station-detail", args=[self.unit_a.pk])
        )

    @override_settings(ROOT_URLCONF="tests.test_alerts")
    def test_it_links_to_what_exists_while_other_pages_are_missing(self):
        # This module's urlpatterns: the channel page only, no complaint or station pages.
        alerts = needs_attention(today=self.today)
        links = {i.label: i.link for g in alerts.groups for i in g.items}
        self.assertIsNone(links[str(self.complaint_a)])
        self.assertEqual(links["甲排洪渠 · 甲一岗"], self.ch_a.get_absolute_url())
        self.assertEqual(links["甲排洪渠 · 清淤"], self.ch_a.get_absolute_url())

    def test_it_describes_each_kind_of_item(self):
        alerts = needs_attention(today=self.today)
        items = {i.label: i for g in alerts.groups for i in g.items}
        with translation.override("en"):
            self.assertEqual(items["甲排洪渠 · 截污管道修复"].status, "Overdue by 3 days")
            self.assertEqual(items["乙排洪渠 · 生态修复"].status, "Overdue by 1 day")
            self.assertEqual(items["乙排洪渠 · 曝气设备安装"].status, "Due in 7 days")
            self.assertEqual(items["甲排洪渠 · 甲一岗"].status, "Never patrolled")
            self.assertEqual(items["乙二排洪渠 · 乙一岗"].status, "Overdue by 3 days")
            received = formats.date_format(self.today - days(3))
            self.assertEqual(
                items[str(self.complaint_found)].detail,
                f"Received {received}, not dispatched yet",
            )
            self.assertTrue(
                items["乙黑臭渠"].detail.startswith(
                    "Lightly black-odorous → Severely black-odorous"
                )
            )
        with translation.override("zh-hans"):
            self.assertTrue(items["乙黑臭渠"].detail.startswith("轻度黑臭 → 重度黑臭"))

    def test_it_looks_as_far_ahead_as_asked(self):
        labels = {
            i.label for i in needs_attention(self.today, days_ahead=1).group_for(self.unit_a).items
        }
        self.assertEqual(labels, self.labels_a - {"甲排洪渠 · 清淤"})
        with self.settings(ALERT_DAYS_AHEAD=30):
            labels = {i.label for i in needs_attention(self.today).group_for(self.unit_a).items}
        # the extended task counts from its new deadline (in 20 days)
        self.assertEqual(labels, self.labels_a | {"甲排洪渠 · 远期任务", "甲排洪渠 · 已延期任务"})

    def test_it_counts_from_the_date_given(self):
        later = needs_attention(today=self.today + days(3))
        task = next(i for i in later.group_for(self.unit_a).items if i.label == "甲排洪渠 · 清淤")
        self.assertEqual((task.severity, task.days_overdue), (Severity.OVERDUE, 1))
        # B's second channel was patrolled ten days before today: six days late three days on.
        patrol = next(i for i in later.group_for(self.unit_b).items if i.kind == Kind.PATROL)
        self.assertEqual(patrol.days_overdue, 6)

    def test_it_lists_only_the_unit_asked_for_by_the_same_rules(self):
        everything = needs_attention(today=self.today)
        for unit in (self.unit_a, self.unit_b):
            only = needs_attention(today=self.today, unit=unit)
            self.assertEqual([g.unit for g in only.groups], [unit])
            self.assertEqual(only.groups[0].items, everything.group_for(unit).items)
        self.assertEqual(needs_attention(today=self.today, unit=self.unit_c).groups, [])

    def test_it_costs_one_query_whatever_the_number_of_rows(self):
        with self.assertNumQueries(1):
            small = needs_attention(today=self.today)
        add_more(self, 30)
        with self.assertNumQueries(1):
            large = needs_attention(today=self.today)
        self.assertEqual(len(large), len(small) + 30 * 5)


def add_more(world, n):
    """``n`` more of each kind of item for units A and B: overdue tasks, due-soon complaints,
    worsened channels and unpatrolled channels."""
    today = world.today
    for i in range(n):
        unit = world.unit_a if i % 2 else world.unit_b
        channel = make_channel(f"加测渠{i:03d}", unit)
        make_task(channel, f"加测任务{i:03d}", today - days(1 + i % 5), unit)
        make_complaint(f"加测地点{i:03d}", Complaint.Stage.DISPATCHED, unit, today + days(i % 7))
        judge(channel, ("clear", today - days(9)), ("severe", today - days(2)))
        post = PatrolPost.objects.create(station=unit, name=f"加测岗{i:03d}")
        post.channels.add(channel, world.ch_none)


class SendAlertsTests(AlertsWorld):
    def test_it_prints_one_digest_per_unit_with_the_console_backend(self):
        stdout = io.StringIO()
        with contextlib.redirect_stdout(stdout):
            summary = self.send(backend=CONSOLE)
        printed = stdout.getvalue()
        # The console backend prints each message followed by a line of 79 dashes.
        messages = printed.split("-" * 79)[:-1]
        self.assertEqual(len(messages), 3)
        for message, labels, absent in [
            (messages[0], self.labels_b, self.labels_a | self.labels_unassigned),
            (messages[1], self.labels_a, self.labels_b | self.labels_unassigned),
            (messages[2], self.labels_unassigned, self.labels_a | self.labels_b),
        ]:
            self.assertEqual(self.labels_in(message), labels)
            self.assertFalse(absent & self.labels_in(message))
        self.assertIn("To: colleague_a@example.gov.cn, editor_a@example.gov.cn", messages[1])
        self.assertIn("To: manager@example.gov.cn", messages[2])
        self.assertIn(f"{SITE_URL}{self.ch_a.get_absolute_url()}", messages[1])
        # Chinese, whatever language the process runs in: dates as 2018年6月30日.
        with translation.override("zh-hans"):
            chinese_date = formats.date_format(self.today)
        self.assertIn(chinese_date, messages[1])
        self.assertRegex(chinese_date, r"^\d{4}年\d{1,2}月\d{1,2}日$")
        self.assertIn("轻度黑臭 → 重度黑臭", messages[0])
        # One summary line per unit: items and recipients.
        lines = summary.splitlines()
        self.assertTrue(any(re.search(r"甲市政站\W+4\D+2\D", line) for line in lines), summary)
        self.assertTrue(any(re.search(r"乙市政站\W+4\D+1\D", line) for line in lines), summary)
        self.assertFalse(any("丙市政站" in line for line in lines))

    def test_it_sends_each_unit_one_digest_of_its_own_items(self):
        self.send()
        self.assertEqual(len(mail.outbox), 3)
        by_recipients = {tuple(m.to): m for m in mail.outbox}
        self.assertEqual(
            set(by_recipients),
            {
                ("colleague_a@example.gov.cn", "editor_a@example.gov.cn"),
                ("editor_b@example.gov.cn",),
                ("manager@example.gov.cn",),
            },
        )
        digest_a = by_recipients[("colleague_a@example.gov.cn", "editor_a@example.gov.cn")]
        digest_b = by_recipients[("editor_b@example.gov.cn",)]
        digest_admin = by_recipients[("manager@example.gov.cn",)]
        for message, labels in [
            (digest_a, self.labels_a),
            (digest_b, self.labels_b),
            (digest_admin, self.labels_unassigned),
        ]:
            self.assertEqual(self.labels_in(message.body), labels)
            html, mimetype = message.alternatives[0]
            self.assertEqual(mimetype, "text/html")
            self.assertEqual(self.labels_in(html), labels)
        self.assertIn("甲市政站", digest_a.subject)
        self.assertIn("乙市政站", digest_b.subject)
        self.assertIn(
            f'href="{SITE_URL}{self.ch_b_worse.get_absolute_url()}#water-quality"',
            digest_b.alternatives[0][0],
        )
        # Nobody else: not station C (nothing to report), not the viewer (no unit), not the
        # inactive member or the one without an address.
        for user in (self.user_c, self.viewer):
            self.assertEqual(self.messages_to(user), [])
        self.assertNotIn("retired@example.gov.cn", [a for m in mail.outbox for a in m.to])

    def test_it_sends_an_administrator_of_a_unit_one_message_with_both_lists(self):
        Profile.objects.create(user=self.administrator, unit=self.unit_a)
        self.send()
        received = self.messages_to(self.administrator)
        self.assertEqual(len(received), 1)
        self.assertEqual(received[0].to, ["manager@example.gov.cn"])
        self.assertEqual(self.labels_in(received[0].body), self.labels_a | self.labels_unassigned)
        # A's other members still get A's items alone.
        (digest_a,) = self.messages_to(self.editor_a)
        self.assertEqual(digest_a.to, ["colleague_a@example.gov.cn", "editor_a@example.gov.cn"])
        self.assertEqual(self.labels_in(digest_a.body), self.labels_a)
        # Everyone gets exactly one message.
        addresses = [a for m in mail.outbox for a in m.to]
        self.assertEqual(len(addresses), len(set(addresses)))

    def test_it_sends_the_unassigned_items_to_every_administrator_only(self):
        User = get_user_model()
        root = User.objects.create_superuser("root", email="root@example.gov.cn")
        self.send()
        admin_messages = [m for m in mail.outbox if "manager@example.gov.cn" in m.to]
        self.assertEqual(len(admin_messages), 1)
        self.assertEqual(admin_messages[0].to, ["manager@example.gov.cn", root.email])
        for message in mail.outbox:
            if message is not admin_messages[0]:
                self.assertFalse(self.labels_in(message.body) & self.labels_unassigned)

    def test_it_sends_nothing_on_a_dry_run_but_prints_the_digests(self):
        output = self.send("--dry-run")
        self.assertEqual(mail.outbox, [])
        self.assertIn("To: colleague_a@example.gov.cn, editor_a@example.gov.cn", output)
        self.assertEqual(
            self.labels_in(output), self.labels_a | self.labels_b | self.labels_unassigned
        )

    def test_it_sends_nothing_when_nothing_needs_attention(self):
        Task.objects.update(deadline=None, extended_deadline=None)
        Complaint.objects.all().delete()
        Judgement.objects.all().delete()
        PatrolPost.objects.update(active=False)
        self.send()
        self.assertEqual(mail.outbox, [])

    def test_it_looks_ahead_the_days_given(self):
        self.send("--days", "1")
        (digest_a,) = self.messages_to(self.editor_a)
        self.assertEqual(self.labels_in(digest_a.body), self.labels_a - {"甲排洪渠 · 清淤"})

    def test_it_refuses_a_bad_date_or_negative_days(self):
        for args in (
            ["--date", "2018-13-45"],
            ["--date", "30/06/2018"],
            ["--date", "20180630"],
            ["--days", "-1"],
        ):
            with self.subTest(args), self.assertRaises(CommandError):
                call_command("send_alerts", *args, stdout=io.StringIO())
        self.assertEqual(mail.outbox, [])

    def test_it_exits_non_zero_with_a_message_on_a_bad_date(self):
        # As cron runs it: a separate process (it stops before touching the database).
        result = subprocess.run(
            [sys.executable, "manage.py", "send_alerts", "--date", "2018-13-45"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertEqual(result.returncode, 1)
        self.assertIn("2018-13-45", result.stderr)
        self.assertIn("YYYY-MM-DD", result.stderr)
        self.assertEqual(result.stdout, "")

    @override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=1,
        EMAIL_TIMEOUT=5,
    )
    def test_it_fails_with_a_message_when_the_mail_server_cannot_be_reached(self):
        with self.assertRaises(CommandError) as error:
            call_command("send_alerts", stdout=io.StringIO(), stderr=io.StringIO())
        self.assertIn("Connection refused", str(error.exception))

    def test_it_costs_the_same_queries_whatever_the_number_of_items(self):
        # needs_attention (1), the units' members, the administrators
        with self.assertNumQueries(3):
            self.send()
        add_more(self, 20)
        mail.outbox = []
        with self.assertNumQueries(3):
            self.send()
        self.assertEqual(len(mail.outbox), 3)


class AttentionPanelTests(AlertsWorld):
    def panel(self, user):
        self.client.force_login(user)
        response = self.client.get(reverse("projects:dashboard"))
        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        match = re.search(r'<section class="panel attention".*?</section>', content, re.S)
        return match.group(0) if match else None

    def digest_labels(self, user):
        self.send()
        (digest,) = self.messages_to(user)
        return self.labels_in(digest.body)

    def test_it_shows_a_unit_editor_the_items_of_the_units_digest(self):
        for user, labels in [(self.editor_a, self.labels_a), (self.editor_b, self.labels_b)]:
            with self.subTest(user.username):
                mail.outbox = []
                panel = self.panel(user)
                self.assertEqual(self.labels_in(panel), self.digest_labels(user))
                self.assertEqual(self.labels_in(panel), labels)

    def test_it_shows_an_administrator_the_first_items_of_every_unit_and_the_unassigned(self):
        panel = self.panel(self.administrator)
        everything = self.labels_a | self.labels_b | self.labels_unassigned
        shown = self.labels_in(panel)
        # Eleven items: the first ten, overdue first, and the list of all eleven.
        self.assertEqual(len(shown), 10)
        self.assertLessEqual(shown, everything)
        self.assertEqual(everything - shown, {"乙排洪渠 · 曝气设备安装"})  # due in 7 days: last
        self.assertIn("甲市政站", panel)
        self.assertIn("乙市政站", panel)
        self.assertLess(panel.index("截污管道修复"), panel.index("清淤"))
        self.assertIn(f'href="{self.ch_a.get_absolute_url()}"', panel)
        self.assertIn(f'href="{reverse("projects:attention")}"', panel)
        self.client.force_login(self.administrator)
        page = self.client.get(reverse("projects:attention")).content.decode()
        self.assertEqual(self.labels_in(page), everything)

    def test_it_shows_no_panel_to_a_user_without_unit_or_administration(self):
        self.assertIsNone(self.panel(self.viewer))

    def test_it_says_when_a_unit_has_nothing(self):
        panel = self.panel(self.user_c)
        self.assertIsNotNone(panel)
        self.assertIn("attention-empty", panel)
        self.assertIn("丙市政站", panel)
        self.assertEqual(self.labels_in(panel), set())

    def test_it_costs_the_same_queries_with_more_items(self):
        # Session, user, the dashboard's own 9 (no projects here: no table page), its overview's
        # 7 (black-odorous names, overdue tasks and their count, projects and complaints,
        # complaint figures, water-quality targets), 2 permission queries, the profile (not
        # for an administrator: every unit) and the panel's 2 (the counts, the first items). An
        # administrator's panel counts every unit's overdue tasks: the overview takes their
        # number from it.
        expected = {self.editor_a: 23, self.administrator: 21}
        for user, count in expected.items():
            self.client.force_login(user)
            with self.subTest(user.username), self.assertNumQueries(count):
                self.client.get(reverse("projects:dashboard"))
        add_more(self, 20)
        for user, count in expected.items():
            self.client.force_login(user)
            with self.subTest(user.username), self.assertNumQueries(count):
                response = self.client.get(reverse("projects:dashboard"))
            panel = re.search(
                r'<section class="panel attention".*?</section>', response.content.decode(), re.S
            ).group(0)
            # Items of unit A have odd numbers, of unit B even ones; ten at most.
            numbers = {int(n) for n in re.findall(r"加测(?:渠|任务|地点)(\d{3})", panel)}
            parities = {n % 2 for n in numbers}
            self.assertEqual(parities, {0, 1} if user == self.administrator else {1})
            self.assertEqual(panel.count('class="attention-item"'), 10)
            self.assertIn("attention-more", panel)
