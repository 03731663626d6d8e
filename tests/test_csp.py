"""The Content Security Policy: every page of the site and of the admin carries a policy that
lets scripts and styles come from the site only — no 'unsafe-inline', no 'unsafe-eval' — and
no page relies on what that policy refuses: no inline script, no event-handler attribute, no
<style> block, no style attribute. Progress bars take their width from a class instead."""

import base64
import hashlib
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.db import transaction
from django.test import Client, TestCase
from django.urls import reverse

from projects.models import Task
from projects.services.water_quality import PALETTE
from projects.tables.cells import bar_class
from projects.templatetags.charts import swatch
from projects.views.dashboard import DashboardView
from tests.test_editing import make_role_users
from tests.test_urls import UrlWalkCase

HEADER = "Content-Security-Policy"


def directives(response):
    """The response's policy as {directive: [sources]}."""
    policy = {}
    for part in response[HEADER].split(";"):
        if part.strip():
            name, *sources = part.split()
            policy[name] = sources
    return policy


class InlineCode(HTMLParser):
    """What a page carries that a policy without 'unsafe-inline' refuses."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.style_attributes = []
        self.in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attributes.items():
            if name == "style":
                self.style_attributes.append(value or "")
            elif name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f'<{tag} {name}="{value}">')
        if tag == "style":
            self.found.append("<style> block")
        # A script without src runs inline unless it is data (json_script).
        self.in_inline_script = (
            tag == "script"
            and "src" not in attributes
            and attributes.get("type") != "application/json"
        )

    def handle_data(self, data):
        if self.in_inline_script and data.strip():
            self.found.append(f"inline <script>: {data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_inline_script = False


def inline_code(html, policy=None):
    """What ``html`` carries that ``policy`` refuses: every inline script, handler and <style>,
    and the style attributes whose hash the policy does not list."""
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    allowed = (policy or {}).get("style-src-attr", [])
    for value in parser.style_attributes:
        digest = base64.b64encode(hashlib.sha256(value.encode()).digest()).decode()
        if "'unsafe-hashes'" not in allowed or f"'sha256-{digest}'" not in allowed:
            parser.found.append(f'style="{value}"')
    return parser.found


class PolicyAssertions:
    def assertStrictPolicy(self, response, where=""):
        self.assertIn(HEADER, response, where)
        policy = directives(response)
        self.assertEqual(policy.get("default-src"), ["'self'"], where)
        for source in ("script-src", "style-src"):
            self.assertEqual(policy.get(source), ["'self'"], f"{where}: {source}")
        self.assertEqual(policy.get("object-src"), ["'none'"], where)
        self.assertEqual(policy.get("frame-ancestors"), ["'none'"], where)
        self.assertNotIn("'unsafe-inline'", response[HEADER], where)
        self.assertNotIn("'unsafe-eval'", response[HEADER], where)

    def assertNoInlineCode(self, response, where=""):
        self.assertEqual(inline_code(response.content.decode(), directives(response)), [], where)


class PolicyWalkTests(PolicyAssertions, UrlWalkCase):
    """Every URL of the site and of the admin (the walk of tests/test_urls.py), opened by a
    logged-in administrator."""

    def test_it_sends_the_policy_with_every_page_an_administrator_opens(self):
        self.client.force_login(self.administrator)
        html_pages = set()
        for pattern, cases in self.walk():
            for case in cases or ():
                where = f"{pattern.key} {case.label}: GET {case.url}"
                with self.subTest(pattern.key, case=case.label), transaction.atomic():
                    response = self.client.get(case.url, case.query)
                    transaction.set_rollback(True)
                    self.assertStrictPolicy(response, where)
                    if response["Content-Type"].startswith("text/html"):
                        html_pages.add(pattern.key)
                        self.assertNoInlineCode(response, where)
        # The site's pages and the admin's, with the plan page's filter_horizontal widget,
        # autocompletes and date pickers among them; the audit-history pages are the ones
        # whose one style attribute the policy allows by its hash.
        self.assertGreater(len(html_pages), 100)
        for name in (
            "projects:dashboard",
            "projects:channel-detail",
            "projects:plan-edit",
            "projects:patrol-create",
            "projects:complaint-board",
            "password_change",
            "admin:projects_plan_change",
            "admin:projects_plan_changelist",
            "admin:projects_plan_history",
        ):
            self.assertIn(name, html_pages)


class PolicyOnEveryResponseTests(PolicyAssertions, TestCase):
    """Pages nobody logged in sees, and the site's refusals and failures."""

    @classmethod
    def setUpTestData(cls):
        make_role_users(cls)

    def test_it_sends_the_policy_with_the_login_pages(self):
        for url in (reverse("login"), reverse("admin:login")):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertStrictPolicy(response, url)
                self.assertNoInlineCode(response, url)

    def test_it_sends_the_policy_with_the_error_pages(self):
        response = self.client.get("/no-such-page/")
        self.assertEqual(response.status_code, 404)
        self.assertStrictPolicy(response)
        self.assertNoInlineCode(response)

        response = self.client.get("/", HTTP_HOST="water.example.com")
        self.assertEqual(response.status_code, 400)
        self.assertStrictPolicy(response)

        self.client.force_login(self.viewer)
        response = self.client.get(reverse("projects:channel-create"))
        self.assertEqual(response.status_code, 403)
        self.assertStrictPolicy(response)
        self.assertNoInlineCode(response)

        browser = Client(enforce_csrf_checks=True)
        browser.force_login(self.viewer)
        response = browser.post(reverse("logout"))
        self.assertEqual(response.status_code, 403)  # the refused form's page
        self.assertStrictPolicy(response)
        self.assertNoInlineCode(response)

    def test_it_sends_the_policy_with_the_500_page(self):
        browser = Client(raise_request_exception=False)
        browser.force_login(self.viewer)
        with mock.patch.object(DashboardView, "get_context_data", side_effect=ZeroDivisionError):
            response = browser.get(reverse("projects:dashboard"))
        self.assertEqual(response.status_code, 500)
        self.assertStrictPolicy(response)
        self.assertNoInlineCode(response)

    def test_it_sends_the_policy_with_the_logged_out_page(self):
        self.client.force_login(self.viewer)
        response = self.client.post(reverse("logout"))
        self.assertContains(response, "您已退出登录")
        self.assertStrictPolicy(response)
        self.assertNoInlineCode(response)

    def test_it_switches_the_language_with_a_script_file_not_an_inline_handler(self):
        response = self.client.get(reverse("login"))
        self.assertContains(
            response, '<select name="language" id="language" data-submit-on-change>'
        )
        self.assertContains(response, '<script src="/static/projects/site.js" defer></script>')
        script = Path(finders.find("projects/site.js")).read_text()
        self.assertIn("select[data-submit-on-change]", script)
        self.assertIn(".form.submit()", script)


class ProgressBarTests(TestCase):
    """A progress bar's width is one of 101 classes, pct-0 … pct-100, in progress.css."""

    fixtures = ["xiangzhou_2018"]

    def test_it_has_a_class_for_every_whole_percent(self):
        css = Path(finders.find("projects/progress.css")).read_text()
        widths = dict(re.findall(r"\.pct-(\d+) \{ width: (\d+)%; \}", css))
        self.assertEqual(widths, {str(i): str(i) for i in range(101)})

    def test_it_rounds_and_clamps_the_percent_to_a_class(self):
        for percent, expected in (
            (None, "pct-0"),
            (0, "pct-0"),
            (Decimal("37.4"), "pct-37"),
            (Decimal("37.6"), "pct-38"),
            (100, "pct-100"),
            (-5, "pct-0"),
            (Decimal("180"), "pct-100"),
            ("", "pct-0"),
        ):
            with self.subTest(percent):
                self.assertEqual(bar_class(percent), expected)

    def test_it_draws_a_tasks_progress_with_its_class(self):
        user = get_user_model().objects.create_user("staff", password="staff-pass-1")
        task = Task.objects.filter(plan__channel__name="造贝排洪渠").first()
        Task.objects.filter(pk=task.pk).update(
            status=Task.Status.IN_PROGRESS, percent_complete=Decimal("37")
        )
        self.client.force_login(user)
        response = self.client.get(task.plan.channel.get_absolute_url())
        bars = re.findall(
            r'<div class="progress[^"]*" title="([^"]*)"><span class="([^"]*)">', response.text
        )
        self.assertIn(("37%", "pct-37"), bars)
        self.assertNotIn("style=", response.text)


class SwatchTests(TestCase):
    """A sampling point's colour is a class per colour of the charts' palette."""

    def test_it_has_a_class_for_every_colour_of_the_palette(self):
        css = Path(finders.find("projects/progress.css")).read_text()
        rules = dict(re.findall(r"\.swatch-([0-9a-f]{6}) \{ background: (#[0-9a-f]{6}); \}", css))
        self.assertEqual(rules, {colour[1:]: colour for colour in PALETTE})

    def test_it_colours_the_swatch_with_its_class(self):
        for colour in PALETTE:
            with self.subTest(colour):
                html = swatch(colour)
                self.assertEqual(
                    html, f'<span class="swatch swatch-{colour[1:]}" aria-hidden="true"></span>'
                )
                self.assertEqual(inline_code(html), [])
        # Not a colour of the form #rrggbb: a plain square, nothing of the value in the page.
        self.assertEqual(
            swatch('red" onload="alert(1)'), '<span class="swatch" aria-hidden="true"></span>'
        )


class AllowanceTests(PolicyAssertions, TestCase):
    def test_it_allows_only_the_hashed_style_attribute_of_the_history_pages(self):
        response = self.client.get(reverse("login"))
        policy = directives(response)
        self.assertEqual(inline_code('<p class="paginator" style="border-top: 0">', policy), [])
        self.assertEqual(
            inline_code('<p style="border-top: 1px">', policy), ['style="border-top: 1px"']
        )
        self.assertEqual(inline_code('<p style="border-top: 0">'), ['style="border-top: 0"'])
