"""Each post's latest patrol of each of its channels is stored (``PostChannelPatrol``) and
follows every way a patrol record or a post's channels change: the site's form, the admin's
forms and delete, writes in bulk, a backup loaded, the recompute command. The channels left
unpatrolled too long (the needs-attention rule and the station pages) are exactly what the
old definition, the latest of all the records, gives, on random data."""

import datetime
import io
import random

from django.core.management import call_command
from django.db.models import Max, OuterRef, Subquery
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from projects.core.months import day_start
from projects.models import Channel, PatrolPost, PatrolRecord, ResponsibleUnit
from projects.models.patrols import PostChannelPatrol
from projects.services import alert_rules
from projects.services.patrols import unpatrolled_channels, unpatrolled_counts
from tests.backups import back_up_and_restore
from tests.test_patrols import PatrolTestCase

CREATE = reverse("projects:patrol-create")


def stored():
    """{(post pk, channel pk): latest patrol} as stored."""
    return {
        (row.post_id, row.channel_id): row.last_patrolled_at
        for row in PostChannelPatrol.objects.all()
    }


def reference_latest():
    """The old definition: every active or inactive post's channel, with the latest of the
    records of that post and channel, searched among all the records."""
    through = PatrolPost.channels.through
    latest = (
        PatrolRecord.objects.filter(post=OuterRef("patrolpost_id"), channel=OuterRef("channel_id"))
        .order_by()
        .values("post")
        .annotate(last=Max("patrolled_at"))
        .values("last")
    )
    return {
        (post_id, channel_id): last
        for post_id, channel_id, last in through.objects.annotate(
            last=Subquery(latest)
        ).values_list("patrolpost_id", "channel_id", "last")
    }


class StoredLatestTests(PatrolTestCase):
    """Station A's post covers 105 and 金凤; station B's post covers 造贝."""

    def at(self, days_ago, hour=9):
        moment = timezone.localtime() - datetime.timedelta(days=days_ago)
        return moment.replace(hour=hour, minute=0, second=0, microsecond=0)

    def latest(self, post, channel):
        return PostChannelPatrol.objects.get(post=post, channel=channel).last_patrolled_at

    def assertMatchesRecords(self):
        self.assertEqual(stored(), reference_latest())

    def admin_record_data(self, channel, moment, post=None):
        prefix = "projects-photo-content_type-object_id"
        local = timezone.localtime(moment)
        return {
            "post": (post or self.post_a).pk,
            "channel": channel.pk,
            "pumping_station": "",
            "kind": PatrolRecord.Kind.INSPECTION,
            "patrolled_at_0": f"{local:%Y-%m-%d}",
            "patrolled_at_1": f"{local:%H:%M:%S}",
            "patroller": "李工",
            "findings": "",
            "action_taken": "",
            "problem": "",
            "complaint": "",
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }

    def post_admin_data(self, post, channels):
        return {
            "station": post.station_id,
            "name": post.name,
            "person_on_post": post.person_on_post,
            "phone": post.phone,
            "channels": [c.pk for c in channels],
            "pumping_stations": [s.pk for s in post.pumping_stations.all()],
            "interval_days": post.interval_days or "",
            "active": "on" if post.active else "",
            "note": post.note,
        }

    def test_the_posts_channels_start_never_patrolled(self):
        self.assertEqual(
            stored(),
            {
                (self.post_a.pk, self.g105.pk): None,
                (self.post_a.pk, self.jinfeng.pk): None,
                (self.post_b.pk, self.zaobei.pk): None,
            },
        )

    def test_a_patrol_recorded_on_the_site_is_the_channels_latest(self):
        self.client.force_login(self.editor_a)
        moment = self.at(days_ago=2)
        response = self.client.post(
            CREATE,
            self.patrol_data(channel=self.jinfeng, patrolled_at=f"{moment:%Y-%m-%dT%H:%M}"),
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.latest(self.post_a, self.jinfeng), moment)
        self.assertIsNone(self.latest(self.post_a, self.g105))
        # An earlier one recorded afterwards is not the latest.
        self.client.post(
            CREATE,
            self.patrol_data(
                channel=self.jinfeng, patrolled_at=f"{self.at(days_ago=5):%Y-%m-%dT%H:%M}"
            ),
        )
        self.assertEqual(PatrolRecord.objects.count(), 2)
        self.assertEqual(self.latest(self.post_a, self.jinfeng), moment)
        self.assertMatchesRecords()

    def test_a_patrol_of_a_pumping_station_changes_no_channel(self):
        self.client.force_login(self.editor_a)
        data = self.patrol_data(pumping_station=self.daishan.pk)
        data["channel"] = ""
        response = self.client.post(CREATE, data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(set(stored().values()), {None})

    def test_an_edit_in_the_admin_moves_the_latest_to_the_other_channel_and_time(self):
        self.client.force_login(self.administrator)
        early, late = self.at(days_ago=9), self.at(days_ago=3)
        older = PatrolRecord.objects.create(
            post=self.post_a, channel=self.g105, kind="inspection", patrolled_at=early
        )
        record = PatrolRecord.objects.create(
            post=self.post_a, channel=self.g105, kind="inspection", patrolled_at=late
        )
        self.assertEqual(self.latest(self.post_a, self.g105), late)
        url = reverse("admin:projects_patrolrecord_change", args=[record.pk])
        # Moved to 金凤: 105's latest falls back to the older patrol.
        response = self.client.post(url, self.admin_record_data(self.jinfeng, late))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.latest(self.post_a, self.g105), early)
        self.assertEqual(self.latest(self.post_a, self.jinfeng), late)
        # Moved back in time on 金凤.
        earlier = self.at(days_ago=20)
        self.client.post(url, self.admin_record_data(self.jinfeng, earlier))
        self.assertEqual(self.latest(self.post_a, self.jinfeng), earlier)
        # The older 105 patrol moved later.
        self.client.post(
            reverse("admin:projects_patrolrecord_change", args=[older.pk]),
            self.admin_record_data(self.g105, self.at(days_ago=1)),
        )
        self.assertEqual(self.latest(self.post_a, self.g105), self.at(days_ago=1))
        self.assertMatchesRecords()

    def test_an_edit_moving_a_patrol_to_another_post_moves_its_latest(self):
        self.post_b.channels.add(self.g105)
        moment = self.at(days_ago=4)
        record = PatrolRecord.objects.create(
            post=self.post_a, channel=self.g105, kind="inspection", patrolled_at=moment
        )
        self.client.force_login(self.administrator)
        response = self.client.post(
            reverse("admin:projects_patrolrecord_change", args=[record.pk]),
            self.admin_record_data(self.g105, moment, post=self.post_b),
        )
        self.assertEqual(response.status_code, 302)
        self.assertIsNone(self.latest(self.post_a, self.g105))
        self.assertEqual(self.latest(self.post_b, self.g105), moment)
        self.assertMatchesRecords()

    def test_deleting_the_latest_in_the_admin_falls_back_to_the_one_before(self):
        early, late = self.at(days_ago=12), self.at(days_ago=2)
        PatrolRecord.objects.create(
            post=self.post_a, channel=self.g105, kind="inspection", patrolled_at=early
        )
        latest = PatrolRecord.objects.create(
            post=self.post_a, channel=self.g105, kind="inspection", patrolled_at=late
        )
        self.client.force_login(self.administrator)
        response = self.client.post(
            reverse("admin:projects_patrolrecord_delete", args=[latest.pk]), {"post": "yes"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.latest(self.post_a, self.g105), early)
        # The last one deleted with the changelist's action: never patrolled again.
        response = self.client.post(
            reverse("admin:projects_patrolrecord_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": list(PatrolRecord.objects.values_list("pk", flat=True)),
                "post": "yes",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(PatrolRecord.objects.count(), 0)
        self.assertIsNone(self.latest(self.post_a, self.g105))

    def test_a_channel_removed_from_and_added_back_to_a_post_in_the_admin(self):
        moment = self.at(days_ago=6)
        PatrolRecord.objects.create(
            post=self.post_a, channel=self.jinfeng, kind="inspection", patrolled_at=moment
        )
        # A patrol of 造贝 by post A before it covered it (a record kept from earlier).
        PatrolRecord.objects.create(
            post=self.post_a, channel=self.zaobei, kind="inspection", patrolled_at=moment
        )
        self.client.force_login(self.administrator)
        url = reverse("admin:projects_patrolpost_change", args=[self.post_a.pk])
        response = self.client.post(url, self.post_admin_data(self.post_a, [self.g105]))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            set(PostChannelPatrol.objects.filter(post=self.post_a).values_list("channel_id")),
            {(self.g105.pk,)},
        )
        self.assertNotIn(self.jinfeng, [row.channel for row in unpatrolled_channels(self.unit_a)])
        response = self.client.post(
            url, self.post_admin_data(self.post_a, [self.g105, self.jinfeng, self.zaobei])
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.latest(self.post_a, self.jinfeng), moment)
        self.assertEqual(self.latest(self.post_a, self.zaobei), moment)
        self.assertIsNone(self.latest(self.post_a, self.g105))
        self.assertMatchesRecords()

    def test_a_post_covered_from_the_channels_side_and_cleared(self):
        moment = self.at(days_ago=3)
        PatrolRecord.objects.create(
            post=self.post_b, channel=self.zaobei, kind="inspection", patrolled_at=moment
        )
        self.jinfeng.patrol_posts.add(self.post_b)
        self.assertIsNone(self.latest(self.post_b, self.jinfeng))
        self.zaobei.patrol_posts.remove(self.post_b)
        self.zaobei.patrol_posts.add(self.post_b)
        self.assertEqual(self.latest(self.post_b, self.zaobei), moment)
        self.jinfeng.patrol_posts.clear()
        self.assertFalse(PostChannelPatrol.objects.filter(channel=self.jinfeng).exists())
        self.post_b.channels.clear()
        self.assertFalse(PostChannelPatrol.objects.filter(post=self.post_b).exists())
        self.post_b.channels.set([self.zaobei, self.g105])
        self.assertMatchesRecords()
        self.assertEqual(self.latest(self.post_b, self.zaobei), moment)

    def test_a_deleted_post_takes_its_rows_along(self):
        post = PatrolPost.objects.create(station=self.unit_a, name="临时岗")
        post.channels.add(self.g105)
        self.client.force_login(self.administrator)
        response = self.client.post(
            reverse("admin:projects_patrolpost_delete", args=[post.pk]), {"post": "yes"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(PostChannelPatrol.objects.filter(post_id=post.pk).exists())
        self.assertMatchesRecords()

    def test_writes_in_bulk_keep_it(self):
        moment = self.at(days_ago=7)
        records = PatrolRecord.objects.bulk_create(
            PatrolRecord(post=self.post_a, channel=channel, kind="inspection", patrolled_at=moment)
            for channel in (self.g105, self.jinfeng)
        )
        self.assertEqual(self.latest(self.post_a, self.g105), moment)
        self.assertEqual(self.latest(self.post_a, self.jinfeng), moment)
        records[0].channel = self.jinfeng
        PatrolRecord.objects.bulk_update(records[:1], ["channel"])
        self.assertIsNone(self.latest(self.post_a, self.g105))
        later = self.at(days_ago=1)
        PatrolRecord.objects.filter(pk=records[1].pk).update(patrolled_at=later)
        self.assertEqual(self.latest(self.post_a, self.jinfeng), later)
        PatrolRecord.objects.filter(pk=records[1].pk).update(channel=self.g105)
        self.assertEqual(self.latest(self.post_a, self.g105), later)
        self.assertEqual(self.latest(self.post_a, self.jinfeng), moment)
        PatrolRecord.objects.filter(channel=self.g105).delete()
        self.assertIsNone(self.latest(self.post_a, self.g105))
        self.assertMatchesRecords()

    def test_the_recompute_command_rebuilds_it_after_a_load_that_skipped_it(self):
        moment = self.at(days_ago=5)
        record = PatrolRecord.objects.create(
            post=self.post_a, channel=self.g105, kind="inspection", patrolled_at=moment
        )
        # As a COPY would leave it: rows missing, rows wrong, rows of no pair.
        PostChannelPatrol.objects.filter(post=self.post_a).delete()
        PostChannelPatrol.objects.filter(post=self.post_b).update(last_patrolled_at=moment)
        PostChannelPatrol.objects.create(post=self.post_b, channel=self.g105)
        out = io.StringIO()
        call_command("recompute_kept", stdout=out)
        self.assertIn("3 channels of patrol posts", out.getvalue())
        self.assertEqual(
            stored(),
            {
                (self.post_a.pk, self.g105.pk): record.patrolled_at,
                (self.post_a.pk, self.jinfeng.pk): None,
                (self.post_b.pk, self.zaobei.pk): None,
            },
        )

    def test_a_backup_restored_holds_the_same_rows(self):
        PatrolRecord.objects.create(
            post=self.post_a, channel=self.g105, kind="inspection", patrolled_at=self.at(3)
        )
        PatrolRecord.objects.create(
            post=self.post_b, channel=self.zaobei, kind="inspection", patrolled_at=self.at(30)
        )
        before = stored()
        # A backup holding stale times (made before they were kept, or edited by hand) is
        # restored with the times the records give.
        PostChannelPatrol.objects.update(last_patrolled_at=None)
        back_up_and_restore()
        self.assertEqual(stored(), before)
        self.assertMatchesRecords()

    def test_the_admin_lists_the_rows_read_only(self):
        PatrolRecord.objects.create(
            post=self.post_a, channel=self.g105, kind="inspection", patrolled_at=self.at(3)
        )
        self.client.force_login(self.administrator)
        page = self.client.get(reverse("admin:projects_postchannelpatrol_changelist"))
        self.assertContains(page, "105渠岗")
        self.assertEqual(
            self.client.get(reverse("admin:projects_postchannelpatrol_add")).status_code, 403
        )


class RandomDataTests(TestCase):
    """The rules over the stored latest patrols give what the old definition gives, the latest
    of all the records, on random posts, channels, coverage, records and changes to them."""

    def setUp(self):
        self.stations = [
            ResponsibleUnit.objects.create(name=f"随机站{i}", kind="station") for i in range(3)
        ]
        self.channels = [Channel.objects.create(name=f"随机渠{i:02d}") for i in range(12)]

    def build(self, rng):
        now = timezone.now()
        posts = []
        for i in range(8):
            post = PatrolPost.objects.create(
                station=rng.choice(self.stations),
                name=f"岗{i}",
                interval_days=rng.choice([None, 1, 3, 7, 30]),
                active=rng.random() > 0.2,
            )
            post.channels.set(rng.sample(self.channels, rng.randint(0, 6)))
            posts.append(post)
        today = timezone.localdate()
        for _ in range(120):
            post = rng.choice(posts)
            covered = list(post.channels.all())
            channel = rng.choice(covered + [rng.choice(self.channels)]) if covered else None
            if channel is None:
                channel = rng.choice(self.channels)
            if rng.random() < 0.3:
                # On a day boundary, exactly the interval or a second off it.
                days = rng.choice([1, 3, 7, 30])
                moment = day_start(today - datetime.timedelta(days=days))
                moment += datetime.timedelta(seconds=rng.choice([-1, 0, 1]))
            else:
                moment = now - datetime.timedelta(minutes=rng.randint(0, 60 * 24 * 40))
            PatrolRecord.objects.create(
                post=post, channel=channel, kind="inspection", patrolled_at=moment
            )
        return posts

    def change(self, rng, posts):
        records = list(PatrolRecord.objects.all())
        for record in rng.sample(records, 15):
            record.patrolled_at -= datetime.timedelta(days=rng.randint(-5, 20))
            record.channel = rng.choice(self.channels)
            record.post = rng.choice(posts)
            record.save()
        for record in rng.sample(list(PatrolRecord.objects.all()), 15):
            record.delete()
        for post in rng.sample(posts, 4):
            post.channels.remove(*rng.sample(self.channels, 2))
            post.channels.add(*rng.sample(self.channels, 3))
            post.active = not post.active
            post.save()

    def reference_alerts(self, today):
        """The needs-attention rule by the old definition."""
        start = day_start(today)
        rows = set()
        posts = {post.pk: post for post in PatrolPost.objects.select_related("station")}
        names = dict(Channel.objects.values_list("pk", "name"))
        for (post_id, channel_id), last in reference_latest().items():
            post = posts[post_id]
            if not post.active:
                continue
            interval = post.interval_days or 7
            if last is not None and last >= start - datetime.timedelta(days=interval):
                continue
            due = last and timezone.localtime(last + datetime.timedelta(days=interval)).date()
            since = last and timezone.localtime(last).date()
            label = f"{names[channel_id]} · {post.name}"
            rows.add((post.station_id, channel_id, label, since, due, interval))
        return rows

    def rule_alerts(self, today):
        rows = alert_rules.by_kind(today, 7, kinds=[alert_rules.Kind.PATROL])["patrols"]
        return {
            (
                row["item_station"],
                row["item_channel"],
                row["item_label"],
                row["item_since"],
                row["item_due"],
                row["item_interval_days"],
            )
            for row in rows
        }

    def reference_unpatrolled(self, now):
        posts = {post.pk: post for post in PatrolPost.objects.all()}
        rows = set()
        for (post_id, channel_id), last in reference_latest().items():
            post = posts[post_id]
            interval = post.interval_days or 7
            if post.active and (last is None or last < now - datetime.timedelta(days=interval)):
                rows.add((post.station_id, post_id, channel_id, last, interval))
        return rows

    def assertSameAsOldDefinition(self):
        self.assertEqual(stored(), reference_latest())
        today = timezone.localdate()
        for day in (today, today - datetime.timedelta(days=3)):
            self.assertEqual(self.rule_alerts(day), self.reference_alerts(day))
        now = timezone.now()
        expected = self.reference_unpatrolled(now)
        got = {
            (
                row.post.station_id,
                row.post.pk,
                row.channel.pk,
                row.last_patrolled_at,
                row.interval_days,
            )
            for row in unpatrolled_channels(now=now)
        }
        self.assertEqual(got, expected)
        counts = {}
        for station_id, _, channel_id, _, _ in expected:
            counts.setdefault(station_id, set()).add(channel_id)
        self.assertEqual(
            unpatrolled_counts(now=now), {key: len(ids) for key, ids in counts.items()}
        )
        return expected

    @override_settings(PATROL_INTERVAL_DAYS=7)
    def test_the_rules_give_what_the_latest_of_all_records_gives(self):
        overdue = 0
        for seed in range(4):
            with self.subTest(seed=seed):
                rng = random.Random(seed)
                PatrolRecord.objects.all().delete()
                PatrolPost.objects.all().delete()
                posts = self.build(rng)
                overdue += len(self.assertSameAsOldDefinition())
                self.change(rng, posts)
                self.assertSameAsOldDefinition()
                call_command("recompute_kept", stdout=io.StringIO())
                self.assertSameAsOldDefinition()
        # The data put both sides of the rule to the test.
        self.assertGreater(overdue, 10)
        self.assertGreater(PostChannelPatrol.objects.exclude(last_patrolled_at=None).count(), 5)
