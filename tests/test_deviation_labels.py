"""A grade computed with options that deviate from the guide says so wherever it is shown: the
channel list (and its export) and the dashboard, not only the channel page."""

import csv
import io

from django.test import TestCase
from django.urls import reverse

from projects.models import Channel, Judgement
from tests.test_editing import make_role_users


class DeviationLabelTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_role_users(cls)
        cls.option = Channel.objects.create(name="按选项判定渠")
        Judgement.objects.create(
            channel=cls.option, grade="light", rounds=["2018-06-01"], deviations="light_by_shares"
        )
        cls.guide = Channel.objects.create(name="按指南判定渠")
        Judgement.objects.create(channel=cls.guide, grade="light", rounds=["2018-06-01"])

    def setUp(self):
        self.client.force_login(self.viewer)

    def row(self, html, name):
        return html.split(f">{name}</a>")[1].split("</tr>")[0]

    def test_the_channel_list_marks_a_grade_that_deviates(self):
        html = self.client.get(reverse("projects:channel-list")).content.decode()
        self.assertIn("偏离指南", self.row(html, "按选项判定渠"))
        self.assertNotIn("偏离指南", self.row(html, "按指南判定渠"))

    def test_the_export_says_so_too(self):
        response = self.client.get(reverse("projects:channel-list"), {"_export": "csv"})
        content = b"".join(response.streaming_content) if response.streaming else response.content
        rows = {row[0]: row for row in csv.reader(io.StringIO(content.decode("utf-8-sig")))}
        self.assertTrue(any("偏离指南" in cell for cell in rows["按选项判定渠"]))
        self.assertFalse(any("偏离指南" in cell for cell in rows["按指南判定渠"]))

    def test_the_dashboard_marks_it(self):
        html = self.client.get(reverse("projects:dashboard")).content.decode()
        card = html.split('id="black-odorous"')[1].split("</section>")[0]
        item = card.split("按选项判定渠")[1].split("</li>")[0]
        self.assertIn("偏离指南", item)
        self.assertNotIn("偏离指南", card.split("按指南判定渠")[1].split("</li>")[0])

    def test_the_admin_shows_the_deviations_of_a_judgement(self):
        self.client.force_login(self.administrator)
        judgement = Judgement.objects.get(channel=self.option)
        url = reverse("admin:projects_judgement_change", args=[judgement.pk])
        self.assertContains(self.client.get(url), "轻度黑臭须达 60%/30% 频次")
        listing = self.client.get(reverse("admin:projects_judgement_changelist"))
        self.assertContains(listing, "轻度黑臭须达 60%/30% 频次", count=1)
