"""Each channel's latest black-odour judgement is flagged (``Judgement.is_latest``) and follows
every way judgements come and go: grading (written in bulk), a judgement saved or deleted
(the admin's delete), a backup restored, the recompute command after a load in bulk. The
channel's current condition read through the flag is exactly what the old definition, a
search of the channel's judgements for the latest, gives, on random data."""

import datetime
import io
import random

from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.test import TestCase
from django.utils import timezone

from projects.models import Channel, Judgement
from projects.services.water_quality import regrade_channels
from tests.backups import back_up_and_restore
from tests.test_water_quality import CLEAR, LIGHT, SEVERE, WaterTestCase, add_round

GRADES = [Judgement.Grade.CLEAR, Judgement.Grade.LIGHT, Judgement.Grade.SEVERE]


def flagged():
    """{channel pk: pk of its flagged judgement}."""
    return dict(Judgement.objects.filter(is_latest=True).values_list("channel_id", "pk"))


def reference_latest():
    """The old definition: each judged channel's latest judgement, searched for."""
    latest = Judgement.objects.filter(channel=OuterRef("pk")).order_by("-computed_at", "-pk")
    return dict(
        Channel.objects.annotate(latest=Subquery(latest.values("pk")[:1]))
        .filter(latest__isnull=False)
        .values_list("pk", "latest")
    )


def reference_conditions():
    latest = Judgement.objects.filter(channel=OuterRef("pk")).order_by("-computed_at", "-pk")
    return dict(
        Channel.objects.annotate(
            current=Coalesce(Subquery(latest.values("grade")[:1]), "condition")
        ).values_list("pk", "current")
    )


def conditions():
    return dict(Channel.objects.with_condition().values_list("pk", "current_condition"))


class FlagTests(WaterTestCase):
    def assertFlagsRight(self):
        self.assertEqual(flagged(), reference_latest())
        self.assertEqual(conditions(), reference_conditions())

    def test_grading_flags_the_new_judgement_and_no_other(self):
        for day in ("2018-05-02", "2018-05-05", "2018-05-08"):
            add_round(self.points, day, LIGHT)
        regrade_channels()
        first = self.latest(self.zaobei)
        self.assertTrue(first.is_latest)
        add_round(self.points, "2018-05-11", SEVERE)
        add_round(self.points, "2018-05-14", SEVERE)
        add_round(self.points, "2018-05-17", SEVERE)
        self.assertEqual(regrade_channels(), 1)
        second = self.latest(self.zaobei)
        self.assertNotEqual(first.pk, second.pk)
        self.assertEqual(flagged()[self.zaobei.pk], second.pk)
        self.assertEqual(
            Channel.objects.with_condition().get(pk=self.zaobei.pk).current_condition,
            Judgement.Grade.SEVERE,
        )
        self.assertFlagsRight()

    def test_deleting_the_latest_flags_the_one_before(self):
        for day in ("2018-05-02", "2018-05-05", "2018-05-08"):
            add_round(self.points, day, CLEAR)
        regrade_channels()
        clear = self.latest(self.zaobei)
        add_round(self.points, "2018-05-11", SEVERE)
        add_round(self.points, "2018-05-14", SEVERE)
        regrade_channels()
        self.latest(self.zaobei).delete()
        self.assertEqual(flagged()[self.zaobei.pk], clear.pk)
        row = Channel.objects.with_condition().get(pk=self.zaobei.pk)
        self.assertEqual(row.current_condition, Judgement.Grade.CLEAR)
        self.assertTrue(row.condition_judged)
        clear.delete()
        row = Channel.objects.with_condition().get(pk=self.zaobei.pk)
        self.assertFalse(row.condition_judged)
        self.assertEqual(row.current_condition, self.zaobei.condition)
        self.assertFlagsRight()

    def test_a_channel_never_holds_two_flagged_judgements(self):
        Judgement.objects.create(channel=self.zaobei, grade=Judgement.Grade.LIGHT)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Judgement.objects.bulk_create(
                [Judgement(channel=self.zaobei, grade=Judgement.Grade.CLEAR, is_latest=True)]
            )

    def test_the_command_flags_judgements_loaded_in_bulk(self):
        # A load that sends no signals (as COPY): nothing flagged until recomputed.
        Judgement.objects.bulk_create(
            Judgement(channel=channel, grade=Judgement.Grade.SEVERE)
            for channel in (self.zaobei, self.jinfeng)
        )
        self.assertEqual(flagged(), {})
        out = io.StringIO()
        call_command("recompute_kept", stdout=out)
        self.assertIn("2 channels with a latest black-odour judgement", out.getvalue())
        self.assertFlagsRight()

    def test_a_backup_restored_holds_the_flags_the_judgements_give(self):
        Judgement.objects.create(channel=self.zaobei, grade=Judgement.Grade.LIGHT)
        Judgement.objects.create(channel=self.zaobei, grade=Judgement.Grade.SEVERE)
        before = flagged()
        # A backup holding no flags (made before they were kept) restores with them.
        Judgement.objects.update(is_latest=False)
        back_up_and_restore()
        self.assertEqual(flagged(), before)
        self.assertFlagsRight()


class RandomDataTests(TestCase):
    """Judgements written, dated and deleted at random over a few channels: the flags and the
    conditions read through them equal the old definition's after every step."""

    fixtures = ["xiangzhou_2018"]

    def test_the_flags_give_what_a_search_for_the_latest_gives(self):
        channels = list(Channel.objects.order_by("pk")[:6])
        start = timezone.now() - datetime.timedelta(days=400)
        for seed in range(3):
            with self.subTest(seed=seed):
                rng = random.Random(seed)
                Judgement.objects.all().delete()
                for _ in range(40):
                    action = rng.random()
                    if action < 0.6:
                        judgement = Judgement.objects.create(
                            channel=rng.choice(channels), grade=rng.choice(GRADES)
                        )
                        # Equal times too: the pk breaks the tie.
                        moment = start + datetime.timedelta(days=rng.randint(0, 5))
                        Judgement.objects.filter(pk=judgement.pk).update(computed_at=moment)
                        Judgement.objects.mark_latest([judgement.channel_id])
                    elif action < 0.8:
                        victim = Judgement.objects.order_by("?").first()
                        if victim is not None:
                            victim.delete()
                    else:
                        written = Judgement.objects.bulk_create(
                            Judgement(channel=channel, grade=rng.choice(GRADES))
                            for channel in rng.sample(channels, 2)
                        )
                        Judgement.objects.mark_latest(j.channel_id for j in written)
                    self.assertEqual(flagged(), reference_latest())
                    self.assertEqual(conditions(), reference_conditions())
