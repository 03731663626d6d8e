"""A real browser under the Content Security Policy: the main pages still work — the charts,
progress bars and colour swatches of a channel page, the forms, the plan page, the admin's plan
page with its filter_horizontal widget, autocomplete and date picker, the language switch —
and the browser reports no violation of the policy on any of them."""

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from projects.models import Channel, PatrolPost, ProgressReport, Project, Task
from projects.services.water_quality import PALETTE
from tests.browser import log_in
from tests.factories import add_water_records
from tests.test_browser_editing import ensure_role_groups
from tests.test_editing import make_role_users

pytestmark = pytest.mark.django_db(transaction=True)

# Every securitypolicyviolation event of a page, kept where the test can read it.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def people(transactional_db):
    call_command("loaddata", "xiangzhou_2018", verbosity=0)
    ensure_role_groups()
    people = SimpleNamespace()
    make_role_users(people)
    people.g105 = Channel.objects.get(name="105国道排洪渠")
    add_water_records(people.g105)
    # A task part done: its bar should be 37 % of the track.
    task = Task.objects.filter(plan__channel=people.g105).first()
    Task.objects.filter(pk=task.pk).update(
        status=Task.Status.IN_PROGRESS,
        percent_complete=Decimal("37"),
        deadline=datetime.date(2030, 6, 30),
    )
    # A project with a monthly report: 62.5 % complete.
    people.project = Project.objects.exclude(status=Project.Status.COMPLETED).first()
    ProgressReport.objects.create(
        project=people.project, month=datetime.date(2018, 6, 1), percent_complete=Decimal("62.5")
    )
    post = PatrolPost.objects.create(station=people.unit_a, name="105渠岗")
    post.channels.add(people.g105)
    people.post = post
    return people


class PolicyWatch:
    """Collects what the browser says about the policy: violation events and console lines."""

    def __init__(self, page):
        self.page = page
        self.console = []
        self.errors = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self.on_console)
        page.on("response", self.on_response)
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))

    def on_console(self, message):
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            self.console.append(f"{self.page.url}: {message.type}: {text}")

    def on_response(self, response):
        # A stylesheet or script the page needs and does not get (the bars' classes, say).
        if "/static/" in response.url and response.status >= 400:
            self.errors.append(f"{response.url}: {response.status}")

    def check(self):
        """No violation on the page shown now, and none in the console so far."""
        violations = self.page.evaluate("window.__violations || []")
        assert violations == [], f"{self.page.url}: {violations}"
        assert self.console == []
        assert self.errors == []

    def visit(self, url):
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        self.check()


def assert_bars_match_their_percent(page):
    """Every progress bar's span is as wide, against its track, as its pct-N class says."""
    bars = page.evaluate(
        """() => [...document.querySelectorAll('.progress > span')].map((span) => ({
            cls: span.className,
            ratio: span.getBoundingClientRect().width
                / span.parentElement.getBoundingClientRect().width,
        }))"""
    )
    assert bars, "no progress bar on the page"
    for bar in bars:
        percent = int(re.fullmatch(r"pct-(\d+)", bar["cls"])[1])
        assert abs(bar["ratio"] - percent / 100) < 0.01, bar
    return bars


def rgb(colour):
    return "rgb({}, {}, {})".format(*(int(colour[i : i + 2], 16) for i in (1, 3, 5)))


def test_the_main_pages_work_under_the_policy(live_server, page, people):
    watch = PolicyWatch(page)
    log_in(page, live_server, "manager", "manager-pass-1")
    watch.check()

    # The overview and the channel list, with their progress bars.
    watch.visit(f"{live_server.url}/")
    expect(page.locator("h1").first).to_have_text("水污染治理工作总览")
    watch.visit(f"{live_server.url}/channels/")
    expect(page.get_by_role("link", name="105国道排洪渠", exact=True)).to_be_visible()

    # A channel page: charts, swatches in their colours, bars at their width.
    watch.visit(f"{live_server.url}{people.g105.get_absolute_url()}")
    bars = assert_bars_match_their_percent(page)
    assert "pct-37" in [bar["cls"] for bar in bars]
    charts = page.locator("svg.chart")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 3
    chart_box = charts.first.bounding_box()
    figure_box = page.locator(".chart-figure").first.bounding_box()
    assert 0 < chart_box["width"] <= figure_box["width"] + 0.5
    swatches = page.locator("table.points .swatch")
    expect(swatches).to_have_count(3)
    for index in range(3):
        swatch = swatches.nth(index)
        box = swatch.bounding_box()
        assert box["width"] > 8 and box["height"] > 8
        background = swatch.evaluate("(span) => getComputedStyle(span).backgroundColor")
        assert background == rgb(PALETTE[index])
    legend = page.locator(".chart-legend .swatch")
    assert [
        legend.nth(i).evaluate("(span) => getComputedStyle(span).backgroundColor") for i in range(3)
    ] == [rgb(colour) for colour in PALETTE[:3]]
    watch.check()

    # A project's page: its progress bar is the include's, not a table's.
    watch.visit(f"{live_server.url}{people.project.get_absolute_url()}")
    assert [bar["cls"] for bar in assert_bars_match_their_percent(page)][0] == "pct-62"

    # The complaints board, the patrol form, the plan page.
    watch.visit(f"{live_server.url}/complaints/")
    expect(page.locator("h1").first).to_be_visible()
    watch.visit(f"{live_server.url}/patrols/new/?post={people.post.pk}")
    expect(page.locator("form.panel, form").first).to_be_visible()
    watch.visit(f"{live_server.url}/channels/{people.g105.pk}/plan/")
    targets = page.locator("#list-targets")
    rows = targets.locator("fieldset.plan-row").count()
    targets.get_by_role("button", name="添加一行：目标").click()
    expect(targets.locator("fieldset.plan-row")).to_have_count(rows + 1)
    watch.check()

    # The password page.
    page.get_by_role("link", name="修改密码").click()
    page.wait_for_url("**/accounts/password/")
    expect(page.locator("h1")).to_have_text("修改密码")
    watch.check()


def test_the_admins_plan_page_works_under_the_policy(live_server, page, people):
    watch = PolicyWatch(page)
    log_in(page, live_server, "manager", "manager-pass-1")
    plan = people.g105.plan
    watch.visit(f"{live_server.url}/admin/projects/plan/{plan.pk}/change/")

    # filter_horizontal: SelectFilter2 turned each task's problems into two lists.
    available = page.locator("#id_tasks-0-problems_from")
    chosen = page.locator("#id_tasks-0-problems_to")
    expect(available).to_be_visible()
    expect(chosen).to_be_visible()
    # The task is linked to its plan's problems: move one back and choose it again.
    linked = chosen.locator("option").count()
    free = available.locator("option").count()
    assert linked > 0
    chosen.select_option(index=0)
    page.locator("#id_tasks-0-problems_remove").click()
    expect(available.locator("option")).to_have_count(free + 1)
    expect(chosen.locator("option")).to_have_count(linked - 1)
    available.select_option(index=0)
    page.locator("#id_tasks-0-problems_add").click()
    expect(chosen.locator("option")).to_have_count(linked)

    # An autocomplete (select2, asking the admin for its choices).
    container = page.locator("#id_channel + .select2-container")
    expect(container).to_be_visible()
    container.click()
    search = page.locator(".select2-dropdown .select2-search__field")
    search.fill("造贝")
    expect(page.locator(".select2-results__option", has_text="造贝排洪渠")).to_be_visible()
    page.keyboard.press("Escape")

    # A date picker.
    page.locator("#id_period_start").locator("xpath=..").locator(".date-icon").click()
    expect(page.locator(".calendarbox").first).to_be_visible()
    page.keyboard.press("Escape")
    watch.check()

    # The admin's lists and its history pages.
    watch.visit(f"{live_server.url}/admin/projects/plan/")
    watch.visit(f"{live_server.url}/admin/projects/plan/{plan.pk}/history/")


def test_the_language_switch_still_submits_on_change(live_server, page, people):
    watch = PolicyWatch(page)
    log_in(page, live_server, "viewer", "viewer-pass-1")
    watch.visit(f"{live_server.url}/channels/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    with page.expect_navigation():
        page.locator("#language").select_option("en")
    page.wait_for_url("**/channels/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Channels", exact=True).first).to_be_visible()
    watch.check()

    with page.expect_navigation():
        page.locator("#language").select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    watch.check()
