"""A real browser at a 1366×768 office screen and at a 390×844 phone: on every channel page an
administrator sees each 更新 button and every other action without scrolling sideways, and the
任务 column is wide enough to read; the month report keeps 计划完成时间 in view. Set
LAYOUT_SCREENSHOTS to a folder to keep the screenshots."""

import datetime
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from projects.models import Channel, ProgressReport, Project, Stream, Task
from tests import browser
from tests.test_browser_editing import ensure_role_groups
from tests.test_editing import make_role_users

pytestmark = pytest.mark.django_db(transaction=True)

OFFICE = {"width": 1366, "height": 768}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}

# Everything on the page a user clicks to act: table actions, buttons, the page's own links.
ACTIONS = "main td.actions a, main a.button, main button, main .page-actions a"

MEASURE = """(selector) => {
  const boxes = Array.from(document.querySelectorAll(selector)).map((el) => {
    const r = el.getBoundingClientRect();
    return {text: el.textContent.trim(), left: r.left, right: r.right, width: r.width};
  });
  const containers = Array.from(document.querySelectorAll('.table-container')).map((c) => ({
    heading: (c.previousElementSibling || {}).textContent || '',
    client: c.clientWidth,
    scroll: c.scrollWidth,
  }));
  return {page: document.documentElement.scrollWidth, boxes, containers};
}"""

TASK_COLUMN = """() => {
  const table = document.querySelector('section.progress-col table');
  const headers = Array.from(table.querySelectorAll('thead th'));
  const index = headers.findIndex((th) => th.textContent.trim() === '任务');
  return Array.from(table.querySelectorAll('tbody tr')).map((tr) => {
    const td = tr.children[index];
    return {width: td.getBoundingClientRect().width,
            em: parseFloat(getComputedStyle(td).fontSize)};
  });
}"""


@pytest.fixture
def people(transactional_db):
    call_command("loaddata", "xiangzhou_2018", verbosity=0)
    ensure_role_groups()
    people = SimpleNamespace()
    make_role_users(people)
    return people


def log_in(page, live_server, username):
    """The role users of tests.test_editing have the password ``<name>-pass-1``."""
    browser.log_in(page, live_server, username, f"{username}-pass-1")


def screenshot(page, name):
    folder = os.environ.get("LAYOUT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def assert_fits(page, width, where, actions=True):
    found = page.evaluate(MEASURE, ACTIONS)
    assert found["boxes"] or not actions, f"{where}: no actions found"
    outside = [b for b in found["boxes"] if b["left"] < 0 or b["right"] > width]
    assert not outside, f"{where}: actions beyond {width} px: {outside}"
    too_wide = [c for c in found["containers"] if c["scroll"] > c["client"]]
    assert not too_wide, f"{where}: tables wider than their box: {too_wide}"
    assert found["page"] <= width, f"{where}: the page scrolls sideways ({found['page']} px)"


def test_it_shows_every_action_of_every_channel_page_at_1366(live_server, page, people):
    page.set_viewport_size(OFFICE)
    log_in(page, live_server, "manager")
    channels = Channel.objects.filter(plan__isnull=False).order_by("pk")
    assert channels.count() >= 2
    for channel in channels:
        page.goto(live_server.url + reverse("projects:channel-detail", args=[channel.pk]))
        tasks = Task.objects.filter(plan__channel=channel).count()
        updates = page.locator("section.progress-col td.actions").get_by_role("link", name="更新")
        expect(updates).to_have_count(tasks)
        screenshot(page, f"channel-{channel.pk}-1366")
        assert_fits(page, OFFICE["width"], channel.name)
        for button in updates.all():
            button.scroll_into_view_if_needed()
            expect(button).to_be_in_viewport()
        # The task text reads as lines of words, not two or three characters a line.
        for cell in page.evaluate(TASK_COLUMN):
            assert cell["width"] >= 12 * cell["em"], (channel.name, cell)


def test_it_keeps_the_channel_page_actions_reachable_on_a_phone(live_server, browser, people):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    log_in(page, live_server, "manager")
    channel = Channel.objects.get(name="105国道排洪渠")
    task = Task.objects.get(plan__channel=channel)
    page.goto(live_server.url + reverse("projects:channel-detail", args=[channel.pk]))
    screenshot(page, "channel-105-390")
    assert_fits(page, PHONE["viewport"]["width"], channel.name)

    # The progress row stacks into a card that still says what each value is.
    row = page.locator("section.progress-col table tbody tr").filter(has_text=task.content)
    expect(row.locator("td[data-label='牵头单位']")).to_be_visible()
    update = row.get_by_role("link", name="更新")
    update.scroll_into_view_if_needed()
    expect(update).to_be_in_viewport()
    update.tap()
    page.wait_for_url(f"**{reverse('projects:task-update', args=[task.pk])}")
    context.close()


def test_it_shows_the_month_reports_planned_completion_at_1366(live_server, page, people):
    """A June 2018 with a report for every project, its problems and next steps written out,
    and every planned completion date given: 计划完成时间 stays on the screen."""
    month = datetime.date(2018, 6, 1)
    for project in Project.objects.all():
        project.planned_end = datetime.date(2018, 12, 31)
        project.save()
        ProgressReport.objects.create(
            project=project,
            month=month,
            planned_percent=60,
            percent_complete=55,
            investment_this_month_wan=120,
            problems="雨季施工受阻，部分管段需与沿线村居协调征地，清淤淤泥外运受限。",
            next_month_plan="完成剩余管段铺设和闭水试验，推进雨污分流改造，组织中期验收。",
        )
    page.set_viewport_size(OFFICE)
    log_in(page, live_server, "manager")
    page.goto(live_server.url + reverse("projects:month-report") + "?month=2018-06")
    screenshot(page, "month-report-2018-06-1366")
    assert_fits(page, OFFICE["width"], "month report", actions=False)
    headers = page.get_by_role("columnheader", name="计划完成时间")
    assert headers.count() >= 1
    for header in headers.all():
        box = header.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= OFFICE["width"], box
    # One stream's projects at a time: every stream's in turn.
    shown = 0
    for stream in Stream.values:
        page.goto(
            live_server.url + reverse("projects:month-report") + f"?month=2018-06&stream={stream}"
        )
        dates = page.locator("main td").filter(has_text="2018年12月31日")
        shown += dates.count()
        for cell in dates.all():
            box = cell.bounding_box()
            assert box["x"] + box["width"] <= OFFICE["width"], box
    assert shown == Project.objects.count()
