"""/healthz: 200 while the database answers, 503 when it does not; no login, no data."""

from unittest import mock

from django.db import OperationalError
from django.test import TestCase, override_settings
from django.urls import reverse


class HealthTests(TestCase):
    def test_it_answers_ok_without_a_login(self):
        response = self.client.get(reverse("healthz"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"ok\n")
        self.assertIn("no-cache", response["Cache-Control"])

    def test_it_answers_503_when_the_database_does_not(self):
        with mock.patch(
            "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
            side_effect=OperationalError("connection refused"),
        ):
            response = self.client.get(reverse("healthz"))
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.content, b"database unavailable\n")

    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_it_is_not_redirected_to_https(self):
        self.assertEqual(self.client.get("/healthz").status_code, 200)
        self.assertEqual(self.client.get("/").status_code, 301)
