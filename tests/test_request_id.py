"""Every response carries a request id; an error is logged with it and mailed to ADMINS."""

from unittest import mock

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from projects.core.request_id import RequestIdFilter


class RequestIdTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_user("clerk", password="x")

    def test_it_gives_each_response_its_own_id(self):
        first = self.client.get(reverse("login"))["X-Request-ID"]
        second = self.client.get(reverse("login"))["X-Request-ID"]
        self.assertRegex(first, r"^[0-9a-f]{32}$")
        self.assertNotEqual(first, second)

    def test_it_keeps_a_proxys_id_and_replaces_a_strange_one(self):
        kept = self.client.get(reverse("login"), HTTP_X_REQUEST_ID="lb-0123456789abcdef")
        self.assertEqual(kept["X-Request-ID"], "lb-0123456789abcdef")
        odd = self.client.get(reverse("login"), HTTP_X_REQUEST_ID="<script>\n")
        self.assertRegex(odd["X-Request-ID"], r"^[0-9a-f]{32}$")

    @override_settings(DEBUG=False, ADMINS=[("运维", "ops@example.gov.cn")])
    def test_it_logs_an_error_with_the_request_id(self):
        client = Client(raise_request_exception=False)
        client.force_login(self.user)
        with (
            mock.patch(
                "projects.views.dashboard.DashboardView.get", side_effect=RuntimeError("boom")
            ),
            self.assertLogs("django.request", "ERROR") as logs,
        ):
            response = client.get(reverse("projects:dashboard"))
        self.assertEqual(response.status_code, 500)
        request_id = response["X-Request-ID"]
        record = logs.records[0]
        RequestIdFilter().filter(record)  # as the console and mail handlers do
        self.assertEqual(record.request_id, request_id)

    @override_settings(DEBUG=False, ADMINS=[("运维", "ops@example.gov.cn")])
    def test_it_mails_an_error_to_the_admins(self):
        client = Client(raise_request_exception=False)
        client.force_login(self.user)
        with mock.patch(
            "projects.views.dashboard.DashboardView.get", side_effect=RuntimeError("boom")
        ):
            response = client.get(reverse("projects:dashboard"))
        self.assertEqual(response.status_code, 500)
        # The error page gives the user the id to quote.
        self.assertContains(response, response["X-Request-ID"], status_code=500)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["ops@example.gov.cn"])
        self.assertIn("boom", mail.outbox[0].body)
