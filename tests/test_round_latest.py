"""Each channel keeps its latest sampling round (``Channel.latest_round_at`` with the lowest DO
and highest NH3-N measured that local day) and follows every way samples and points come and
go: a sample saved, edited, moved or deleted, a bulk deletion, a point moved to another channel
or deleted with its samples, a lab's file imported, the recompute command after a load in bulk,
a backup restored. After every step of random writes the kept round equals one worked out
from all the samples in Python, and the target status read from it equals the class limits
applied to that round (``meets_class``)."""

import datetime
import io
import random
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import Channel, Sample, SamplingPoint
from projects.services.imports import SampleImporter
from projects.services.water_targets import TargetStatus, with_target_status
from projects.standards.surface_water import meets_class
from tests.backups import back_up_and_restore
from tests.test_imports import SAMPLE_HEADER, csv_file

LOCAL = zoneinfo.ZoneInfo(settings.TIME_ZONE)
CLASSES = [Channel.WaterTarget.CLASS_III, Channel.WaterTarget.CLASS_IV, Channel.WaterTarget.CLASS_V]
START = datetime.datetime(2018, 5, 1, 0, 0, tzinfo=datetime.UTC)


def kept():
    return {
        pk: (at, do, nh3n)
        for pk, at, do, nh3n in Channel.objects.values_list(
            "pk", "latest_round_at", "latest_round_do_min", "latest_round_nh3n_max"
        )
    }


def reference():
    """Each channel's latest round worked out from every sample: the latest measured sample's
    moment, and the lowest DO and highest NH3-N of the samples on its local day."""
    samples = {}
    for channel_id, at, do, nh3n in Sample.objects.values_list(
        "point__channel_id", "sampled_at", "do_mg_l", "nh3n_mg_l"
    ):
        samples.setdefault(channel_id, []).append((at, do, nh3n))
    rounds = {}
    for pk in Channel.objects.values_list("pk", flat=True):
        measured = [s for s in samples.get(pk, []) if s[1] is not None or s[2] is not None]
        if not measured:
            rounds[pk] = (None, None, None)
            continue
        latest = max(s[0] for s in measured)
        day = [
            s
            for s in samples[pk]
            if s[0].astimezone(LOCAL).date() == latest.astimezone(LOCAL).date()
        ]
        dos = [s[1] for s in day if s[1] is not None]
        nh3ns = [s[2] for s in day if s[2] is not None]
        rounds[pk] = (latest, min(dos, default=None), max(nh3ns, default=None))
    return rounds


def reference_statuses():
    statuses = {}
    rounds = reference()
    for pk, target in Channel.objects.filter(target__in=CLASSES).values_list("pk", "target"):
        at, do, nh3n = rounds[pk]
        if at is None:
            statuses[pk] = TargetStatus.NOT_MEASURED.value
        else:
            met = meets_class(target, do, nh3n)
            statuses[pk] = (TargetStatus.MET if met else TargetStatus.MISSED).value
    return statuses


def statuses():
    channels = Channel.objects.filter(target__in=CLASSES)
    return dict(with_target_status(channels).values_list("pk", "target_status"))


class KeptRoundTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.north = Channel.objects.create(name="北渠", target=Channel.WaterTarget.CLASS_IV)
        cls.south = Channel.objects.create(name="南渠", target=Channel.WaterTarget.CLASS_IV)
        cls.n1 = SamplingPoint.objects.create(channel=cls.north, name="1号点")
        cls.n2 = SamplingPoint.objects.create(channel=cls.north, name="2号点")
        cls.s1 = SamplingPoint.objects.create(channel=cls.south, name="1号点")

    def sample(self, point, hours, do=None, nh3n=None):
        return Sample.objects.create(
            point=point,
            sampled_at=START + datetime.timedelta(hours=hours),
            do_mg_l=None if do is None else Decimal(do),
            nh3n_mg_l=None if nh3n is None else Decimal(nh3n),
        )

    def assertKeptRight(self):
        self.assertEqual(kept(), reference())
        self.assertEqual(statuses(), reference_statuses())

    def test_a_round_is_its_latest_local_day_at_every_point(self):
        self.sample(self.n1, 1, do="1.0", nh3n="3.0")  # an earlier day: not in the round
        self.sample(self.n1, 48, do="4.0", nh3n="0.5")
        self.sample(self.n2, 50, do="3.5", nh3n="1.2")
        self.sample(self.n2, 51)  # measured nothing: not the round's moment
        self.north.refresh_from_db()
        self.assertEqual(self.north.latest_round_at, START + datetime.timedelta(hours=50))
        self.assertEqual(self.north.latest_round_do_min, Decimal("3.5"))
        self.assertEqual(self.north.latest_round_nh3n_max, Decimal("1.2"))
        self.assertEqual(statuses()[self.north.pk], TargetStatus.MET.value)
        self.assertKeptRight()

    def test_an_edited_sample_a_moved_one_and_a_deleted_one(self):
        first = self.sample(self.n1, 48, do="4.0", nh3n="0.5")
        second = self.sample(self.n2, 49, do="3.5", nh3n="1.2")
        second.nh3n_mg_l = Decimal("1.6")  # over class IV's 1.5
        second.save()
        self.assertEqual(statuses()[self.north.pk], TargetStatus.MISSED.value)
        second.point = self.s1  # entered at the wrong channel: both channels change
        second.save()
        self.assertEqual(statuses()[self.north.pk], TargetStatus.MET.value)
        self.assertEqual(statuses()[self.south.pk], TargetStatus.MISSED.value)
        self.assertKeptRight()
        first.delete()
        self.assertEqual(statuses()[self.north.pk], TargetStatus.NOT_MEASURED.value)
        self.assertKeptRight()

    def test_a_point_moved_or_deleted_takes_its_samples_with_it(self):
        self.sample(self.n1, 48, do="4.0", nh3n="0.5")
        self.sample(self.n2, 49, do="2.0", nh3n="0.5")  # under class IV's 3
        self.n2.channel = self.south
        self.n2.save()
        self.assertEqual(statuses()[self.north.pk], TargetStatus.MET.value)
        self.assertEqual(statuses()[self.south.pk], TargetStatus.MISSED.value)
        self.assertKeptRight()
        self.n1.delete()
        self.assertEqual(statuses()[self.north.pk], TargetStatus.NOT_MEASURED.value)
        self.assertKeptRight()

    def test_a_channel_saved_from_a_form_read_before_the_latest_sample(self):
        stale = Channel.objects.get(pk=self.north.pk)  # a form opened before the lab's sample
        self.sample(self.n1, 48, do="2.0", nh3n="0.5")  # under class IV's 3
        stale.name = "北渠（上游）"
        stale.save()  # writes every field, the round it read too
        self.assertEqual(statuses()[self.north.pk], TargetStatus.MISSED.value)
        self.assertKeptRight()
        # The figures kept are not the editor's changes: the channel's history shows the names
        # alone, though the second save was read after the round came and the first before.
        fresh = Channel.objects.get(pk=self.north.pk)
        fresh.name = "北渠（下游）"
        fresh.save()
        changes = self.history_texts(self.north)
        self.assertIn("北渠（上游）", changes)
        self.assertNotIn("最近一轮", changes)

    def history_texts(self, channel):
        from django.contrib.auth import get_user_model

        admin = get_user_model().objects.create_superuser("history-reader", password="x")
        self.client.force_login(admin)
        response = self.client.get(
            reverse("projects:channel-history", args=[channel.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_a_bulk_deletion_reads_each_channel_again_once(self):
        for hour in range(60):
            self.sample(self.n1 if hour % 2 else self.n2, hour, do="4.0", nh3n="0.5")
            self.sample(self.s1, hour, do="4.0", nh3n="0.5")
        with CaptureQueriesContext(connection) as queries:
            Sample.objects.filter(sampled_at__gte=START + datetime.timedelta(hours=30)).delete()
        kept_updates = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].startswith('UPDATE "projects_channel"')
        ]
        # Two statements a channel (its moment, then that day's figures), not two a sample.
        self.assertEqual(len(kept_updates), 4)
        self.assertKeptRight()
        self.assertEqual(kept()[self.north.pk][0], START + datetime.timedelta(hours=29))

    def test_a_labs_file_imported_in_bulk(self):
        zaobei = Channel.objects.create(name="造贝排洪渠", target=Channel.WaterTarget.CLASS_III)
        rows = [
            "造贝排洪渠,1号点,2018-06-01 09:00,80,35,6.0,120,0.8,区监测站",
            "造贝排洪渠,2号点,2018-06-02 09:00,80,35,5.5,120,0.9,区监测站",
            "造贝排洪渠,3号点,2018-06-02 10:00,80,35,4.8,120,0.7,区监测站",
        ]
        importer = SampleImporter()
        self.assertTrue(importer.check(csv_file(SAMPLE_HEADER, rows), "lab.csv").ok)
        importer.save(user=None)
        zaobei.refresh_from_db()
        self.assertEqual(zaobei.latest_round_do_min, Decimal("4.8"))  # under class III's 5
        self.assertEqual(statuses()[zaobei.pk], TargetStatus.MISSED.value)
        self.assertKeptRight()

    def test_the_command_and_a_restored_backup_read_rounds_loaded_in_bulk(self):
        Sample.objects.bulk_create(  # a load that sends no signals (as COPY)
            Sample(point=self.n1, sampled_at=START, do_mg_l=Decimal("2.5")) for _ in range(1)
        )
        self.assertEqual(kept()[self.north.pk], (None, None, None))
        out = io.StringIO()
        call_command("recompute_kept", stdout=out)
        self.assertIn("each with its latest sampling round", out.getvalue())
        self.assertKeptRight()
        Channel.objects.update(latest_round_at=None, latest_round_do_min=None)
        back_up_and_restore()
        self.assertKeptRight()


class RandomDataTests(TestCase):
    """Samples written, edited, moved and deleted at random over a few channels and points:
    the kept rounds and the target statuses read from them equal the reference after every
    step."""

    def test_the_kept_rounds_give_what_the_samples_give(self):
        channels = [Channel.objects.create(name=f"渠{i}", target=CLASSES[i % 3]) for i in range(4)]
        points = [
            SamplingPoint.objects.create(channel=channels[i % 4], name=f"{i}号点") for i in range(7)
        ]
        values = [None, "1.0", "2.0", "3.0", "5.0", "7.5"]
        for seed in range(3):
            with self.subTest(seed=seed):
                rng = random.Random(seed)
                Sample.objects.all().delete()
                for _ in range(60):
                    action = rng.random()
                    stored = Sample.objects.order_by("?").first()
                    # Hours apart over a few days, across local midnight; one a point and time.
                    point = rng.choice(points)
                    moment = START + datetime.timedelta(hours=rng.randint(0, 96))
                    free = not Sample.objects.filter(point=point, sampled_at=moment).exists()
                    if (action < 0.5 or stored is None) and free:
                        Sample.objects.create(
                            point=point,
                            sampled_at=moment,
                            do_mg_l=rng.choice(values),
                            nh3n_mg_l=rng.choice(values),
                        )
                    elif action < 0.7 and free:
                        stored.do_mg_l = rng.choice(values)
                        stored.sampled_at = moment
                        stored.point = point
                        stored.save()
                    elif action < 0.85 and stored is not None:
                        stored.delete()
                    elif action < 0.95 and stored is not None:
                        point.samples.filter(sampled_at__gte=stored.sampled_at).delete()
                    elif action >= 0.95:
                        point.channel = rng.choice(channels)
                        point.save()
                    self.assertEqual(kept(), reference())
                    self.assertEqual(statuses(), reference_statuses())
