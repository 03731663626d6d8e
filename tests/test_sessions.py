"""How long a login lasts, and what browsers may keep: a login ends after SESSION_IDLE_HOURS
without a request and SESSION_MAX_HOURS after logging in, however busy, and the user is then
sent to the login page with a message in Chinese; the session is written again at most every
few minutes, not on every request. Pages of a logged-in user are never cached; static files
are.

Time is moved by ageing the times the session stores (the login and the last activity), or by
expiring its row as Django's own expiry would."""

import datetime
import os
import subprocess
import sys

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from projects.web import session_limits
from tests.test_editing import make_role_users

HOUR = 3600
EXPIRED = "登录已过期（超过 8 小时未操作，或登录已满 24 小时），请重新登录。"


class SessionTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_role_users(cls)

    def log_in(self, user=None):
        """Through the login form, as a browser does."""
        user = user or self.viewer
        response = self.client.post(
            reverse("login"), {"username": user.username, "password": f"{user.username}-pass-1"}
        )
        self.assertRedirects(response, reverse("projects:dashboard"), fetch_redirect_response=False)

    def age(self, logged_in=0, active=0):
        """Move the session's stored login and activity times this many seconds back."""
        session = self.client.session
        session[session_limits.LOGGED_IN_AT] -= logged_in
        session[session_limits.ACTIVE_AT] -= active
        session.save()

    def stored(self, key):
        return self.client.session[key]

    def session_row(self):
        return Session.objects.get(
            session_key=self.client.cookies[settings.SESSION_COOKIE_NAME].value
        )

    def assertSentToLoginWithMessage(self, url, message=EXPIRED):
        response = self.client.get(url)
        self.assertRedirects(
            response, f"{reverse('login')}?next={url}", fetch_redirect_response=False
        )
        page = self.client.get(response["Location"])
        self.assertContains(page, f'<li class="message warning">{message}</li>', html=True)
        return page


class IdleLimitTests(SessionTestCase):
    def test_it_stamps_the_login_through_the_form(self):
        before = session_limits.now()
        self.log_in()
        self.assertGreaterEqual(self.stored(session_limits.LOGGED_IN_AT), before)
        self.assertEqual(
            self.stored(session_limits.ACTIVE_AT), self.stored(session_limits.LOGGED_IN_AT)
        )
        self.assertEqual(self.client.get(reverse("projects:channel-list")).status_code, 200)

    def test_it_ends_a_login_idle_for_the_idle_time(self):
        self.log_in()
        self.age(logged_in=8 * HOUR, active=8 * HOUR)
        page = self.assertSentToLoginWithMessage(reverse("projects:channel-list"))
        self.assertContains(page, "<h1>登录</h1>", html=True)
        # Logged out for good, and told once.
        response = self.client.get(reverse("projects:dashboard"))
        self.assertRedirects(response, f"{reverse('login')}?next=/", fetch_redirect_response=False)
        self.assertNotContains(self.client.get(response["Location"]), "登录已过期")

    def test_it_keeps_a_login_active_just_within_the_idle_time(self):
        self.log_in()
        self.age(logged_in=8 * HOUR - 60, active=8 * HOUR - 60)
        response = self.client.get(reverse("projects:channel-list"))
        self.assertEqual(response.status_code, 200)
        # The activity was recorded, and Django's own expiry moved on with it.
        self.assertGreaterEqual(self.stored(session_limits.ACTIVE_AT), session_limits.now() - 5)
        self.assertGreater(
            self.session_row().expire_date, timezone.now() + datetime.timedelta(hours=7, minutes=59)
        )

    def test_it_tells_a_user_whose_session_ran_out_on_the_server(self):
        """Django's own expiry: the session row's date has passed."""
        self.log_in()
        Session.objects.filter(pk=self.session_row().pk).update(
            expire_date=timezone.now() - datetime.timedelta(seconds=1)
        )
        self.assertSentToLoginWithMessage(reverse("projects:project-list"))

    def test_it_tells_a_user_whose_browser_dropped_the_expired_cookie(self):
        """The session cookie lasts as long as the idle time: after it the browser no longer
        sends it, and the marker cookie is what says the login ran out."""
        self.log_in()
        self.assertEqual(self.client.cookies[settings.SESSION_COOKIE_NAME]["max-age"], 8 * HOUR)
        marker = self.client.cookies[session_limits.MARKER_COOKIE]
        self.assertEqual(marker.value, "1")
        self.assertTrue(marker["httponly"])
        del self.client.cookies[settings.SESSION_COOKIE_NAME]
        self.assertSentToLoginWithMessage(reverse("projects:dashboard"))

    def test_it_says_nothing_of_expiry_after_logging_out(self):
        self.log_in()
        response = self.client.post(reverse("logout"))
        self.assertContains(response, "您已退出登录")
        self.assertNotContains(response, "登录已过期")
        self.assertEqual(self.client.cookies[session_limits.MARKER_COOKIE].value, "")
        response = self.client.get(reverse("projects:dashboard"), follow=True)
        self.assertContains(response, "<h1>登录</h1>", html=True)
        self.assertNotContains(response, "登录已过期")

    @override_settings(SESSION_COOKIE_AGE=HOUR, SESSION_MAX_HOURS=2)
    def test_it_follows_the_configured_limits(self):
        self.log_in()
        self.age(logged_in=30 * 60, active=30 * 60)
        self.assertEqual(self.client.get(reverse("projects:dashboard")).status_code, 200)
        self.age(active=HOUR)
        self.assertSentToLoginWithMessage(
            reverse("projects:dashboard"),
            "登录已过期（超过 1 小时未操作，或登录已满 2 小时），请重新登录。",
        )


class AbsoluteLimitTests(SessionTestCase):
    def test_it_ends_a_login_at_its_absolute_limit_however_active(self):
        self.log_in()
        # Busy all day: active a minute ago, logged in 24 hours ago.
        self.age(logged_in=24 * HOUR, active=60)
        self.assertSentToLoginWithMessage(reverse("projects:complaint-board"))

    def test_it_keeps_a_busy_login_until_then(self):
        self.log_in()
        self.age(logged_in=24 * HOUR - 60, active=60)
        self.assertEqual(self.client.get(reverse("projects:complaint-board")).status_code, 200)

    def test_it_keeps_the_login_time_when_the_session_is_refreshed(self):
        self.log_in()
        self.age(logged_in=10 * HOUR, active=10 * 60)
        logged_in_at = self.stored(session_limits.LOGGED_IN_AT)
        self.assertEqual(self.client.get(reverse("projects:dashboard")).status_code, 200)
        self.assertEqual(self.stored(session_limits.LOGGED_IN_AT), logged_in_at)
        self.assertGreater(self.stored(session_limits.ACTIVE_AT), logged_in_at)

    def test_it_stamps_a_login_to_the_admin_too(self):
        response = self.client.post(
            reverse("admin:login"),
            {"username": "manager", "password": "manager-pass-1", "next": reverse("admin:index")},
        )
        self.assertRedirects(response, reverse("admin:index"), fetch_redirect_response=False)
        self.age(logged_in=24 * HOUR)
        response = self.client.get(reverse("admin:index"))
        self.assertRedirects(
            response,
            f"{reverse('admin:login')}?next={reverse('admin:index')}",
            fetch_redirect_response=False,
        )
        self.assertContains(self.client.get(response["Location"]), EXPIRED)


class RefreshTests(SessionTestCase):
    def test_it_writes_the_session_at_most_every_few_minutes(self):
        self.log_in()
        # Within five minutes of the last write: no write, no new cookie.
        self.age(active=4 * 60)
        row = self.session_row()
        for name in ("projects:dashboard", "projects:channel-list", "projects:project-list"):
            response = self.client.get(reverse(name))
            self.assertEqual(response.status_code, 200)
            self.assertNotIn(settings.SESSION_COOKIE_NAME, response.cookies, name)
        self.assertEqual(self.session_row().expire_date, row.expire_date)
        # Five minutes on: one write, and the cookie's life starts again.
        self.age(active=60)
        response = self.client.get(reverse("projects:dashboard"))
        self.assertEqual(response.cookies[settings.SESSION_COOKIE_NAME]["max-age"], 8 * HOUR)
        self.assertGreater(self.session_row().expire_date, row.expire_date)
        response = self.client.get(reverse("projects:dashboard"))
        self.assertNotIn(settings.SESSION_COOKIE_NAME, response.cookies)


class ConfigurationTests(TestCase):
    def settings_from(self, **environment):
        """SESSION_COOKIE_AGE and SESSION_MAX_HOURS as a fresh process reads them."""
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("SESSION_IDLE_HOURS", "SESSION_MAX_HOURS")
        }
        env.update(DEBUG="1", DJANGO_SETTINGS_MODULE="waterworks.settings", **environment)
        code = (
            "from django.conf import settings; "
            "print(settings.SESSION_COOKIE_AGE, settings.SESSION_MAX_HOURS)"
        )
        output = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        return int(output[0]), float(output[1])

    def test_it_defaults_to_8_hours_idle_and_24_in_all(self):
        self.assertEqual(self.settings_from(), (8 * HOUR, 24.0))

    def test_it_reads_the_limits_from_the_environment(self):
        self.assertEqual(
            self.settings_from(SESSION_IDLE_HOURS="0.5", SESSION_MAX_HOURS="12"), (1800, 12.0)
        )


class PrivatePagesTests(SessionTestCase):
    def assertNotStored(self, response, where=""):
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        self.assertTrue({"no-store", "private"} <= cache_control, f"{where}: {cache_control}")

    def test_it_keeps_the_pages_of_a_logged_in_user_out_of_caches(self):
        self.log_in(self.administrator)
        for url in (
            reverse("projects:dashboard"),
            reverse("projects:channel-list"),
            reverse("projects:channel-list") + "?_export=csv",
            reverse("password_change"),
            reverse("admin:index"),
            "/no-such-page/",
        ):
            with self.subTest(url):
                self.assertNotStored(self.client.get(url), url)

    def test_it_keeps_the_login_redirect_out_of_caches(self):
        response = self.client.post(
            reverse("login"), {"username": "viewer", "password": "viewer-pass-1"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertNotStored(response)

    @override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
    def test_it_leaves_static_files_cacheable(self):
        self.log_in()
        response = self.client.get("/static/projects/progress.css")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("no-store", response["Cache-Control"])
        self.assertNotIn("private", response["Cache-Control"])
        self.assertIn("max-age", response["Cache-Control"])
