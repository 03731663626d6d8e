"""The admin shows a complaint's loop but does not move it: the stage, the handling and closing
times and the deduction change only through the site's steps, each recorded with its user."""

from django.contrib.auth.models import User
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from projects.models import Complaint, ComplaintStep
from projects.services.complaints import open_complaint
from tests.test_admin import form_data


class ComplaintAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = User.objects.create_superuser("admin", "admin@example.com", "pw-admin-123")
        cls.complaint = open_complaint(
            cls.admin, source="hotline", location="甲渠桥下", description="有异味"
        )

    def setUp(self):
        self.client.force_login(self.admin)

    def test_a_complaint_added_in_the_admin_gets_its_found_step(self):
        url = reverse("admin:projects_complaint_add")
        data = form_data(self.client.get(url))
        now = timezone.localtime()
        data.update(
            {
                "source": "public",
                "received_at_0": f"{now:%Y-%m-%d}",
                "received_at_1": f"{now:%H:%M:%S}",
                "location": "乙渠",
                "description": "水面漂浮垃圾",
            }
        )
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        added = Complaint.objects.get(location="乙渠")
        self.assertEqual(added.stage, Complaint.Stage.FOUND)
        self.assertEqual(
            list(added.steps.values_list("stage", "user")), [(Complaint.Stage.FOUND, self.admin.pk)]
        )

    def test_the_stage_cannot_be_moved_in_the_admin(self):
        url = reverse("admin:projects_complaint_change", args=[self.complaint.pk])
        data = form_data(self.client.get(url))
        data.update({"stage": Complaint.Stage.ASSESSED, "description": "有异味,傍晚明显"})
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        self.complaint.refresh_from_db()
        self.assertEqual(self.complaint.description, "有异味,傍晚明显")  # the text is corrected
        self.assertEqual(self.complaint.stage, Complaint.Stage.FOUND)  # the loop is not
        self.assertEqual(self.complaint.steps.count(), 1)

    def test_steps_are_not_added_or_rewritten_in_the_admin(self):
        step = ComplaintStep.objects.get(complaint=self.complaint)
        self.assertEqual(
            self.client.get(reverse("admin:projects_complaintstep_add")).status_code, 403
        )
        url = reverse("admin:projects_complaintstep_change", args=[step.pk])
        data = form_data(self.client.get(url))
        data.update({"stage": Complaint.Stage.HANDLED, "note": "电话受理"})
        self.assertEqual(self.client.post(url, data).status_code, 302)
        step.refresh_from_db()
        self.assertEqual((step.stage, step.note), (Complaint.Stage.FOUND, "电话受理"))
