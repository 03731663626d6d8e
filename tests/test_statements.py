"""Statements compiled once a process (``projects.core.statements``): the rows they give are
the ORM's, converted as it converts them; the needs-attention list keeps one for each choice of
day, look-ahead and selection, and changing a setting its rules read changes what it finds."""

import datetime

from django.db.models import DateField, ExpressionWrapper, F
from django.test import TestCase, override_settings
from django.utils import timezone

from projects.core import statements
from projects.core.statements import Statement, compiled
from projects.models import Channel, ChiefAssignment, Plan, RiverChief, Task
from projects.models.chiefs import Level
from projects.services.alerts import ItemRows, Kind, Severity

from .test_editing import make_role_users


class StatementTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_role_users(cls)
        cls.channel = Channel.objects.create(name="甲河涌", maintaining_unit=cls.unit_a)

    def setUp(self):
        statements.forget()

    def test_it_gives_the_rows_values_gives_converted_alike(self):
        queryset = (
            Channel.objects.filter(pk=self.channel.pk)
            .annotate(named=F("name"), unit=F("maintaining_unit__name"))
            .values("pk", "named", "unit")
        )
        self.assertEqual(Statement(queryset)(), list(queryset))
        # A date computed in the database comes back a date on every database.
        plan = Plan.objects.create(channel=self.channel)
        task = Task.objects.create(plan=plan, content="清淤", deadline=datetime.date(2018, 3, 5))
        dated = Task.objects.filter(pk=task.pk).annotate(
            due=ExpressionWrapper(F("deadline"), output_field=DateField())
        )
        rows = Statement(dated.values("due"))()
        self.assertEqual(rows, [{"due": datetime.date(2018, 3, 5)}])

    def test_it_keeps_one_statement_a_key_and_builds_another_for_another_key(self):
        built = []

        def build(name):
            def made():
                built.append(name)
                return Statement(Channel.objects.values("name"))

            return made

        first = compiled(("test", 1), build("a"))
        self.assertIs(compiled(("test", 1), build("b")), first)
        self.assertIsNot(compiled(("test", 2), build("c")), first)
        self.assertEqual(built, ["a", "c"])
        with override_settings(ALERT_DAYS_AHEAD=3):
            self.assertIsNot(compiled(("test", 1), build("d")), first)
        self.assertEqual(built, ["a", "c", "d"])


class KeptAttentionTests(TestCase):
    """The needs-attention list's kept statements find what the rules find today."""

    @classmethod
    def setUpTestData(cls):
        make_role_users(cls)
        cls.today = timezone.localdate()
        channel = Channel.objects.create(name="甲河涌", maintaining_unit=cls.unit_a)
        chief = RiverChief.objects.create(name="张河长")
        ChiefAssignment.objects.create(
            chief=chief,
            channel=channel,
            level=Level.TOWN,
            term_start=cls.today - datetime.timedelta(days=15),
        )

    def missed(self):
        rows = ItemRows(self.today, 7)
        return rows.counts.get((Kind.CHIEF_INSPECTION.value, Severity.OVERDUE.value), 0), [
            item.label for item in rows[:10]
        ]

    def test_a_changed_frequency_changes_what_is_found(self):
        self.assertEqual(self.missed(), (1, ["甲河涌 · 张河长"]))  # 10 days: missed
        with override_settings(CHIEF_INSPECTION_DAYS={"district": 30, "town": 20, "village": 7}):
            self.assertEqual(self.missed(), (0, []))
        self.assertEqual(self.missed(), (1, ["甲河涌 · 张河长"]))

    def test_another_unit_or_day_is_another_statement(self):
        self.assertEqual(ItemRows(self.today, 7, unit=self.unit_b).counts, {})
        self.assertEqual(len(ItemRows(self.today, 7, unit=self.unit_a)), 1)
        # Twenty days earlier the term had not begun.
        self.assertEqual(len(ItemRows(self.today - datetime.timedelta(days=20), 7)), 0)
