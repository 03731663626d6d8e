"""The dashboard's figures say how much of a sum is known: the known sum and, beside it, a
``Total`` counting the records that give no value (the article's “not given”, the office's
“not filled in”); no sum is made of unknowns taken as zero."""

from decimal import Decimal

from django.test import TestCase

from projects.models import InterceptionBatch, Project, Stream
from projects.services import summary


class SummaryTotalsTests(TestCase):
    fixtures = ["xiangzhou_2018"]

    def test_the_new_pipes_of_the_two_batches_are_partly_known(self):
        construction = summary.construction_batches()
        total = construction["new_pipe_km_total"]
        self.assertEqual((total.known, total.given, total.not_given), (Decimal("36"), 1, 1))
        self.assertTrue(total.is_partial)
        self.assertEqual(construction["new_pipe_km"], Decimal("36"))
        self.assertEqual(construction["stations_renovated"], 4)

    def test_a_streams_investment_counts_the_unknown_ones_by_why(self):
        Project.objects.create(name="前山片区雨污分流工程", stream=Stream.BUILD, investment_wan=12)
        Project.objects.create(name="南屏片区管网修复工程", stream=Stream.BUILD)
        stats = summary.stream_stats()
        build = stats[Stream.BUILD]["investment_wan_total"]
        self.assertEqual(
            (build.known, build.given, build.not_given, build.not_filled),
            (Decimal("12"), 1, 2, 1),
        )
        intercept = stats[Stream.INTERCEPT]["investment_wan_total"]
        self.assertTrue(intercept.is_complete)
        self.assertEqual(intercept.value, Decimal("4798"))
        self.assertTrue(stats[Stream.DREDGE]["investment_wan_total"].is_empty)

    def test_batches_giving_no_investment_do_not_add_up_to_zero(self):
        InterceptionBatch.objects.update(investment_wan=None)
        interception = summary.interception_batches()
        self.assertIsNone(interception["investment_wan"])
        self.assertEqual(interception["investment_wan_total"].not_given, 3)
