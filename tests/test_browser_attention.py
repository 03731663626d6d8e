"""A real browser the size of a phone (390×844): the director follows the dashboard's "needs
attention" panel to the list of every item, narrows it to the overdue tasks with the filter
form, and reads it without sideways scrolling."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import Channel, Plan, Task
from tests.browser import log_in
from tests.test_browser_editing import ensure_role_groups
from tests.test_browser_patrols import PHONE, fits_the_screen
from tests.test_editing import make_role_users

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(transactional_db):
    """The article's data and, for unit A, 30 overdue tasks and 3 due within the week."""
    call_command("loaddata", "xiangzhou_2018", verbosity=0)
    ensure_role_groups()
    world = SimpleNamespace()
    make_role_users(world)
    channel = Channel.objects.create(name="测试排洪渠", maintaining_unit=world.unit_a)
    plan = Plan.objects.create(channel=channel)
    today = timezone.localdate()
    for i in range(33):
        days = -1 - i if i < 30 else i - 29
        Task.objects.create(
            plan=plan,
            content=f"{'超期' if i < 30 else '临期'}整治任务{i:02d}",
            lead_unit=world.unit_a,
            deadline=today + datetime.timedelta(days=days),
        )
    return world


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    yield context.new_page()
    context.close()


def test_the_director_opens_every_item_and_filters_the_overdue_tasks_on_a_phone(
    live_server, phone, world
):
    page = phone
    log_in(page, live_server, "manager", "manager-pass-1")

    panel = page.locator("section.attention")
    expect(panel.locator("li.attention-item")).to_have_count(10)
    assert fits_the_screen(page)
    panel.locator("a[href='/attention/']").click()
    page.wait_for_url("**/attention/")
    assert fits_the_screen(page)
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(25)  # a page; the rest on the next ones
    expect(page.locator(".pagination")).to_be_visible()

    # The filter form, as the director uses it.
    page.locator("form.filters select[name=kind]").select_option("task")
    page.locator("form.filters select[name=severity]").select_option("due_soon")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**/attention/?kind=task&severity=due_soon")
    expect(rows).to_have_count(3)
    listed = " ".join(rows.all_inner_texts())
    assert "临期整治任务30" in listed
    assert "超期" not in listed
    assert fits_the_screen(page)
    # Each cell labelled on the phone: the rows stack into cards.
    box = rows.first.bounding_box()
    assert box["width"] <= 390, box
