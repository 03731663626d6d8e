"""Each river chief's term keeps its last inspection (``ChiefAssignment.last_inspected_on``) and
follows every way inspections and terms change: the site's form, the admin's forms, deletes
and the chiefs' inline terms, a history revert, writes in bulk, a backup restored, the
recompute command, the migration that adds it. The missed flag, the needs-attention rule and
its first items read through it are exactly what the old definition, a search of the
inspections for each term, gives, on random data."""

import io
import random
from importlib import import_module
from types import SimpleNamespace

from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models import Exists, OuterRef, Q, Subquery
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from projects.models import Channel, ChiefAssignment, ChiefInspection, ResponsibleUnit, RiverChief
from projects.models.chiefs import Level, inspection_days
from projects.services import alert_rules
from tests.backups import back_up_and_restore

from .test_admin import admin_url, form_data
from .test_chiefs import days, inspect, term
from .test_editing import make_role_users

CHIEF = [alert_rules.Kind.CHIEF_INSPECTION]


def stored():
    """{term pk: last inspection} as stored."""
    return dict(ChiefAssignment.objects.values_list("pk", "last_inspected_on"))


def reference_latest():
    """The old definition: each term's chief's latest inspection of its channel on or after
    the term's start, searched among all the inspections."""
    last = ChiefInspection.objects.filter(
        chief=OuterRef("chief_id"),
        channel=OuterRef("channel_id"),
        inspected_on__gte=OuterRef("term_start"),
    ).order_by("-inspected_on")
    return dict(
        ChiefAssignment.objects.annotate(old=Subquery(last.values("inspected_on")[:1])).values_list(
            "pk", "old"
        )
    )


def reference_missed(today):
    """The old rule: serving, begun before today − the level's interval and no inspection of
    the channel by the chief since then."""
    late = Q()
    for level in Level.values:
        since = today - days(inspection_days(level))
        inspected = ChiefInspection.objects.filter(
            chief=OuterRef("chief_id"), channel=OuterRef("channel_id"), inspected_on__gte=since
        )
        late |= Q(level=level, term_start__lt=since) & ~Exists(inspected)
    serving = Q(term_start__lte=today) & (Q(term_end__isnull=True) | Q(term_end__gte=today))
    return set(ChiefAssignment.objects.filter(serving & late).values_list("pk", flat=True))


class LastInspectionTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.today = timezone.localdate()
        make_role_users(cls)
        cls.ch_a = Channel.objects.create(name="甲河涌", maintaining_unit=cls.unit_a)
        cls.ch_b = Channel.objects.create(name="乙河涌", maintaining_unit=cls.unit_b)
        cls.zhang = RiverChief.objects.create(name="张河长", position="镇党委书记")
        cls.li = RiverChief.objects.create(name="李河长", position="村书记")

    def last(self, assignment):
        return ChiefAssignment.objects.get(pk=assignment.pk).last_inspected_on

    def assertMatchesInspections(self):
        self.assertEqual(stored(), reference_latest())
        self.assertEqual(
            set(ChiefAssignment.objects.missed(self.today).values_list("pk", flat=True)),
            reference_missed(self.today),
        )


class MaintenanceTests(LastInspectionTestCase):
    def test_an_inspection_recorded_on_the_site_is_the_terms_last(self):
        a = term(self.zhang, self.ch_a, Level.TOWN, self.today - days(100))
        self.assertIsNone(self.last(a))
        self.client.force_login(self.administrator)
        url = reverse("projects:chief-inspection-create", args=[self.zhang.pk])
        day = self.today - days(2)
        data = {"channel": self.ch_a.pk, "inspected_on": str(day), "duration_minutes": "60"}
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertEqual(self.last(a), day)
        # An earlier one recorded afterwards is not the last.
        data["inspected_on"] = str(self.today - days(9))
        self.client.post(url, data)
        self.assertEqual(ChiefInspection.objects.count(), 2)
        self.assertEqual(self.last(a), day)
        self.assertMatchesInspections()

    def test_an_inspection_before_the_term_or_of_another_pair_is_not_the_terms(self):
        a = term(self.zhang, self.ch_a, Level.VILLAGE, self.today - days(20))
        inspect(self.zhang, self.ch_a, self.today - days(21))
        inspect(self.li, self.ch_a, self.today - days(1))
        inspect(self.zhang, self.ch_b, self.today - days(1))
        self.assertIsNone(self.last(a))
        # The term's start moved back: the earlier inspection is now in it.
        a.term_start = self.today - days(30)
        a.save()
        self.assertEqual(self.last(a), self.today - days(21))
        self.assertMatchesInspections()

    def test_an_edit_in_the_admin_moves_the_last_to_the_other_day_channel_and_chief(self):
        zhang_a = term(self.zhang, self.ch_a, Level.TOWN, self.today - days(100))
        zhang_b = term(self.zhang, self.ch_b, Level.TOWN, self.today - days(100))
        li_a = term(self.li, self.ch_a, Level.VILLAGE, self.today - days(100))
        older = inspect(self.zhang, self.ch_a, self.today - days(30))
        latest = inspect(self.zhang, self.ch_a, self.today - days(3))
        self.assertEqual(self.last(zhang_a), self.today - days(3))
        self.client.force_login(self.administrator)
        url = admin_url(ChiefInspection, "change", latest.pk)

        def edit(**changes):
            data = form_data(self.client.get(url))
            data.update(changes)
            response = self.client.post(url, data)
            self.assertRedirects(response, admin_url(ChiefInspection, "changelist"))

        # Another day: earlier than the older one.
        edit(inspected_on=str(self.today - days(40)))
        self.assertEqual(self.last(zhang_a), self.today - days(30))
        # Another channel: 甲河涌's falls back to the older one, 乙河涌's is this one.
        edit(channel=str(self.ch_b.pk), inspected_on=str(self.today - days(5)))
        self.assertEqual(self.last(zhang_a), self.today - days(30))
        self.assertEqual(self.last(zhang_b), self.today - days(5))
        # Another chief: 乙河涌's term of 张 has none left; 李 inspected 甲河涌.
        edit(chief=str(self.li.pk), channel=str(self.ch_a.pk))
        self.assertIsNone(self.last(zhang_b))
        self.assertEqual(self.last(li_a), self.today - days(5))
        self.assertEqual(self.last(zhang_a), older.inspected_on)
        self.assertMatchesInspections()

    def test_deleting_in_the_admin_falls_back_to_the_one_before_then_to_none(self):
        a = term(self.zhang, self.ch_a, Level.TOWN, self.today - days(100))
        inspect(self.zhang, self.ch_a, self.today - days(12))
        latest = inspect(self.zhang, self.ch_a, self.today - days(2))
        self.client.force_login(self.administrator)
        response = self.client.post(
            admin_url(ChiefInspection, "delete", latest.pk), {"post": "yes"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.last(a), self.today - days(12))
        response = self.client.post(
            admin_url(ChiefInspection, "changelist"),
            {
                "action": "delete_selected",
                "_selected_action": list(ChiefInspection.objects.values_list("pk", flat=True)),
                "post": "yes",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(ChiefInspection.objects.exists())
        self.assertIsNone(self.last(a))
        self.assertEqual(self.last(a), reference_latest()[a.pk])

    def test_a_terms_start_changed_in_the_admin_reads_it_again_and_its_end_does_not(self):
        a = term(self.zhang, self.ch_a, Level.VILLAGE, self.today - days(100))
        inspect(self.zhang, self.ch_a, self.today - days(50))
        self.assertEqual(self.last(a), self.today - days(50))
        self.client.force_login(self.administrator)
        url = admin_url(ChiefAssignment, "change", a.pk)

        def edit(**changes):
            data = form_data(self.client.get(url))
            data.update(changes)
            response = self.client.post(url, data)
            self.assertRedirects(response, admin_url(ChiefAssignment, "changelist"))

        edit(term_start=str(self.today - days(40)))
        self.assertIsNone(self.last(a))
        self.assertIn(a.pk, ChiefAssignment.objects.missed(self.today).values_list("pk", flat=True))
        edit(term_start=str(self.today - days(60)))
        self.assertEqual(self.last(a), self.today - days(50))
        # The term ended: not missed any more, the last inspection of the term the same.
        edit(term_end=str(self.today - days(1)))
        self.assertEqual(self.last(a), self.today - days(50))
        self.assertFalse(ChiefAssignment.objects.missed(self.today).exists())
        self.assertMatchesInspections()

    def test_a_term_saved_with_only_its_start_writes_its_last_inspection_too(self):
        a = term(self.zhang, self.ch_a, Level.VILLAGE, self.today - days(100))
        inspect(self.zhang, self.ch_a, self.today - days(50))
        a.term_start = self.today - days(40)
        a.save(update_fields=["term_start"])
        self.assertIsNone(self.last(a))
        # A save of other fields leaves it alone, even from a copy read before it changed.
        stale = ChiefAssignment.objects.get(pk=a.pk)
        inspect(self.zhang, self.ch_a, self.today - days(1))
        stale.level = Level.TOWN
        stale.save(update_fields=["level"])
        self.assertEqual(self.last(a), self.today - days(1))
        self.assertMatchesInspections()

    def test_a_term_added_on_the_chiefs_admin_page_starts_with_its_last_inspection(self):
        inspect(self.zhang, self.ch_b, self.today - days(4))
        self.client.force_login(self.administrator)
        url = admin_url(RiverChief, "change", self.zhang.pk)
        data = form_data(self.client.get(url))
        data.update(
            {
                "assignments-0-channel": str(self.ch_b.pk),
                "assignments-0-level": Level.TOWN,
                "assignments-0-term_start": str(self.today - days(10)),
                "assignments-0-term_end": "",
            }
        )
        response = self.client.post(url, data)
        self.assertRedirects(response, admin_url(RiverChief, "changelist"))
        added = ChiefAssignment.objects.get(chief=self.zhang, channel=self.ch_b)
        self.assertEqual(added.last_inspected_on, self.today - days(4))

    def test_a_history_revert_reads_it_again_and_the_history_does_not_hold_it(self):
        history_fields = {f.name for f in ChiefAssignment.history.model._meta.fields}
        self.assertNotIn("last_inspected_on", history_fields)
        self.assertIn("term_start", history_fields)
        a = term(self.zhang, self.ch_a, Level.VILLAGE, self.today - days(100))
        inspect(self.zhang, self.ch_a, self.today - days(50))
        first = a.history.order_by("history_date", "history_id").first()
        a.term_start = self.today - days(20)
        a.save()
        self.assertIsNone(self.last(a))
        self.client.force_login(self.administrator)
        url = admin_url(ChiefAssignment, "simple_history", a.pk, first.history_id)
        response = self.client.post(url, form_data(self.client.get(url)))
        self.assertRedirects(response, admin_url(ChiefAssignment, "changelist"))
        self.assertEqual(self.last(a), self.today - days(50))
        self.assertMatchesInspections()

    def test_writes_of_inspections_in_bulk_keep_it(self):
        a = term(self.zhang, self.ch_a, Level.TOWN, self.today - days(100))
        b = term(self.zhang, self.ch_b, Level.TOWN, self.today - days(100))
        made = ChiefInspection.objects.bulk_create(
            ChiefInspection(
                chief=self.zhang, channel=channel, inspected_on=day, duration_minutes=30
            )
            for channel, day in [(self.ch_a, self.today - days(7)), (self.ch_b, self.today)]
        )
        self.assertEqual((self.last(a), self.last(b)), (self.today - days(7), self.today))
        made[1].channel = self.ch_a
        ChiefInspection.objects.bulk_update(made[1:], ["channel"])
        self.assertEqual((self.last(a), self.last(b)), (self.today, None))
        ChiefInspection.objects.filter(pk=made[1].pk).update(inspected_on=self.today - days(9))
        self.assertEqual(self.last(a), self.today - days(7))
        ChiefInspection.objects.filter(pk=made[0].pk).update(channel=self.ch_b)
        self.assertEqual((self.last(a), self.last(b)), (self.today - days(9), self.today - days(7)))
        ChiefInspection.objects.filter(channel=self.ch_a).delete()
        self.assertIsNone(self.last(a))
        self.assertMatchesInspections()

    def test_writes_of_terms_in_bulk_keep_it(self):
        inspect(self.zhang, self.ch_a, self.today - days(15))
        inspect(self.li, self.ch_a, self.today - days(3))
        made = ChiefAssignment.objects.bulk_create(
            ChiefAssignment(
                chief=chief,
                channel=self.ch_a,
                level=Level.VILLAGE,
                term_start=self.today - days(20),
            )
            for chief in (self.zhang, self.li)
        )
        self.assertEqual(
            (self.last(made[0]), self.last(made[1])), (self.today - days(15), self.today - days(3))
        )
        ChiefAssignment.objects.filter(chief=self.zhang).update(term_start=self.today - days(10))
        self.assertIsNone(self.last(made[0]))
        made[1].term_start = self.today - days(2)
        ChiefAssignment.objects.bulk_update(made[1:], ["term_start"])
        self.assertIsNone(self.last(made[1]))
        made[1].chief = self.zhang
        made[1].term_start = self.today - days(30)
        ChiefAssignment.objects.bulk_update(made[1:], ["chief", "term_start"])
        self.assertEqual(self.last(made[1]), self.today - days(15))
        self.assertMatchesInspections()

    def test_the_recompute_command_rebuilds_it_after_a_load_that_skipped_it(self):
        a = term(self.zhang, self.ch_a, Level.TOWN, self.today - days(100))
        b = term(self.li, self.ch_b, Level.TOWN, self.today - days(100))
        inspect(self.zhang, self.ch_a, self.today - days(5))
        # As a COPY would leave it: values missing or wrong, the models' writes not run.
        ChiefAssignment._base_manager.filter(pk=a.pk).update(last_inspected_on=None)
        ChiefAssignment._base_manager.filter(pk=b.pk).update(last_inspected_on=self.today)
        out = io.StringIO()
        call_command("recompute_kept", stdout=out)
        self.assertIn("2 river chiefs' terms, each with its last inspection.", out.getvalue())
        self.assertEqual(stored(), {a.pk: self.today - days(5), b.pk: None})

    def test_a_backup_restored_holds_the_values_the_inspections_give(self):
        a = term(self.zhang, self.ch_a, Level.TOWN, self.today - days(100))
        b = term(self.li, self.ch_b, Level.VILLAGE, self.today - days(100))
        inspect(self.zhang, self.ch_a, self.today - days(3))
        inspect(self.li, self.ch_b, self.today - days(30))
        before = stored()
        self.assertEqual(before, {a.pk: self.today - days(3), b.pk: self.today - days(30)})
        # A backup holding stale values (made before they were kept, or edited by hand) is
        # restored with the values the inspections give.
        ChiefAssignment._base_manager.update(last_inspected_on=self.today - days(1))
        back_up_and_restore()
        self.assertEqual(stored(), before)
        self.assertMatchesInspections()

    def test_the_migration_fills_it_from_the_inspections(self):
        a = term(self.zhang, self.ch_a, Level.TOWN, self.today - days(100))
        inspect(self.zhang, self.ch_a, self.today - days(6))
        inspect(self.zhang, self.ch_a, self.today - days(106))
        ChiefAssignment._base_manager.update(last_inspected_on=None)
        migration = import_module("projects.migrations.0029_chief_last_inspection")
        migration.fill_last_inspections(apps, SimpleNamespace(connection=connection))
        self.assertEqual(stored(), {a.pk: self.today - days(6)})


class RandomDataTests(TestCase):
    """Random chiefs, channels, terms (begun, ended, not begun) and inspections (in and before
    the terms, of other chiefs and channels), then random changes to them by every kind of
    write: the stored values, the missed flag, the needs-attention rows and the first of them
    are what the old definition gives."""

    def setUp(self):
        self.units = [
            ResponsibleUnit.objects.create(name=f"随机站{i}", kind="station") for i in range(2)
        ]
        self.channels = [
            Channel.objects.create(name=f"随机渠{i}", maintaining_unit=self.units[i % 2])
            for i in range(5)
        ]
        self.chiefs = [RiverChief.objects.create(name=f"河长{i}") for i in range(4)]
        self.today = timezone.localdate()

    def day(self, rng, back=120, ahead=0):
        return self.today - days(rng.randint(-ahead, back))

    def build(self, rng):
        for _ in range(24):
            start = self.day(rng, back=150, ahead=5)
            end = None
            if rng.random() < 0.3:
                end = start + days(rng.randint(0, 200))
            term(
                rng.choice(self.chiefs),
                rng.choice(self.channels),
                rng.choice(Level.values),
                start,
                end,
            )
        for _ in range(70):
            inspect(rng.choice(self.chiefs), rng.choice(self.channels), self.day(rng, back=170))

    def change(self, rng):
        inspections = list(ChiefInspection.objects.all())
        for inspection in rng.sample(inspections, 10):
            inspection.inspected_on = self.day(rng, back=170)
            if rng.random() < 0.5:
                inspection.channel = rng.choice(self.channels)
            if rng.random() < 0.5:
                inspection.chief = rng.choice(self.chiefs)
            inspection.save()
        for inspection in rng.sample(list(ChiefInspection.objects.all()), 6):
            inspection.delete()
        pks = rng.sample(list(ChiefInspection.objects.values_list("pk", flat=True)), 4)
        ChiefInspection.objects.filter(pk__in=pks).update(chief=rng.choice(self.chiefs))
        ChiefInspection.objects.filter(pk__in=pks[:2]).delete()
        ChiefInspection.objects.bulk_create(
            ChiefInspection(
                chief=rng.choice(self.chiefs),
                channel=rng.choice(self.channels),
                inspected_on=self.day(rng),
                duration_minutes=10,
            )
            for _ in range(5)
        )
        for assignment in rng.sample(list(ChiefAssignment.objects.all()), 6):
            assignment.term_start = self.day(rng, back=150, ahead=3)
            assignment.term_end = rng.choice([None, assignment.term_start + days(40)])
            if rng.random() < 0.3:
                assignment.chief = rng.choice(self.chiefs)
            assignment.save()
        open_ended = ChiefAssignment.objects.filter(term_end=None)
        pks = rng.sample(list(open_ended.values_list("pk", flat=True)), 3)
        ChiefAssignment.objects.filter(pk__in=pks).update(term_start=self.day(rng, back=90))

    def reference_rows(self, today):
        """The needs-attention rows of the river chiefs by the old definition."""
        latest = reference_latest()
        names = dict(Channel.objects.values_list("pk", "name"))
        units = dict(Channel.objects.values_list("pk", "maintaining_unit_id"))
        rows = set()
        for a in ChiefAssignment.objects.filter(pk__in=reference_missed(today)).select_related(
            "chief"
        ):
            interval = inspection_days(a.level)
            due = (latest[a.pk] or a.term_start) + days(interval)
            label = f"{names[a.channel_id]} · {a.chief.name}"
            rows.add((a.pk, due, latest[a.pk], label, units[a.channel_id], interval))
        return rows

    def rule_rows(self, today, **selection):
        rows = alert_rules.by_kind(today, 7, kinds=CHIEF, **selection)["chief_inspections"]
        return {
            (
                row["item_key"],
                row["item_due"],
                row["item_since"],
                row["item_label"],
                row["item_unit"],
                row["item_interval_days"],
            )
            for row in rows
        }

    def first_rows(self, today, first, **selection):
        """The first ``first`` rows of the list as read for a page or the dashboard."""
        querysets = alert_rules.by_kind(today, 7, kinds=CHIEF, first=first, **selection)
        return list(alert_rules.combined(querysets, first=first))

    def assertSameAsOldDefinition(self):
        self.assertEqual(stored(), reference_latest())
        latest = reference_latest()
        missed = 0
        for today in (self.today, self.today - days(6)):
            expected = self.reference_rows(today)
            self.assertEqual(self.rule_rows(today), expected)
            missed += len(expected)
            flags = {
                a.pk: (a.missed, a.due_on, a.interval_days)
                for a in ChiefAssignment.objects.with_inspection(today)
            }
            for a in ChiefAssignment.objects.all():
                interval = inspection_days(a.level)
                due = (latest[a.pk] or a.term_start) + days(interval)
                self.assertEqual(
                    flags[a.pk], (a.pk in reference_missed(today), due, interval), a.pk
                )
            # The first rows, cut by the day of the last of them, are those the whole list
            # sorted gives: for every unit, and on a day shared by several rows.
            for selection in ({}, {"unit": self.units[0]}, {"severity": "overdue"}):
                whole = list(
                    alert_rules.combined(alert_rules.by_kind(today, 7, kinds=CHIEF, **selection))
                )
                for first in (1, 2, 3, 5, 8, len(whole) + 1):
                    self.assertEqual(
                        self.first_rows(today, first, **selection), whole[:first], first
                    )
        return missed

    def test_the_rule_gives_what_the_search_of_the_inspections_gives(self):
        missed = 0
        for seed in range(4):
            with self.subTest(seed=seed):
                rng = random.Random(seed)
                ChiefInspection.objects.all().delete()
                ChiefAssignment.objects.all().delete()
                self.build(rng)
                missed += self.assertSameAsOldDefinition()
                self.change(rng)
                missed += self.assertSameAsOldDefinition()
                ChiefAssignment._base_manager.update(last_inspected_on=None)
                call_command("recompute_kept", stdout=io.StringIO())
                self.assertSameAsOldDefinition()
        # The data put both sides of the rule to the test.
        self.assertGreater(missed, 20)
        self.assertGreater(ChiefAssignment.objects.exclude(last_inspected_on=None).count(), 5)
        self.assertGreater(ChiefAssignment.objects.filter(last_inspected_on=None).count(), 1)
