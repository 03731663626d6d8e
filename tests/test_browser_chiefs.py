"""A real browser: the director sees on the dashboard that a river chief missed their
inspections, follows the item to the chief's page, records an inspection of 2018 (the flag
still shows: it is long past) and then today's (the flag clears, on the chief's page and on
the dashboard)."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import Channel, ChiefAssignment, ChiefInspection, RiverChief
from tests.browser import log_in
from tests.test_browser_editing import ensure_role_groups
from tests.test_editing import make_role_users

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(transactional_db):
    ensure_role_groups()
    world = SimpleNamespace()
    make_role_users(world)
    world.channel = Channel.objects.create(name="测试河涌", maintaining_unit=world.unit_a)
    world.chief = RiverChief.objects.create(name="张河长", position="镇党委书记")
    ChiefAssignment.objects.create(
        chief=world.chief,
        channel=world.channel,
        level="town",
        term_start=datetime.date(2018, 1, 1),
    )
    return world


def test_the_director_records_inspections_and_the_missed_flag_clears(live_server, page, world):
    log_in(page, live_server, "manager", "manager-pass-1")
    panel = page.locator("section.attention")
    item = panel.locator("li.attention-item", has_text="测试河涌 · 张河长")
    expect(item).to_contain_text("河长巡河")
    item.get_by_role("link", name="测试河涌 · 张河长").click()
    page.wait_for_url(f"**{world.chief.get_absolute_url()}")
    terms = page.locator("#channels table tbody tr")
    expect(terms).to_have_count(1)
    expect(terms.first).to_contain_text("未按时巡河")
    expect(terms.first).to_contain_text("每 10 天")

    def record(day, minutes, problems=""):
        page.get_by_role("link", name="记录巡河").click()
        page.wait_for_url("**/inspections/new/")
        page.get_by_label("排洪渠").select_option(label="测试河涌")
        page.get_by_label("巡河日期").fill(day)
        page.get_by_label("巡河时长（分钟）").fill(str(minutes))
        page.get_by_label("发现问题").fill(problems)
        page.get_by_role("button", name="保存巡河记录").click()
        page.wait_for_url(f"**{world.chief.get_absolute_url()}")

    # A duration of 0 is refused beside its field, nothing written.
    page.get_by_role("link", name="记录巡河").click()
    page.get_by_label("排洪渠").select_option(label="测试河涌")
    page.get_by_label("巡河日期").fill("2018-06-02")
    page.get_by_label("巡河时长（分钟）").fill("0")
    page.get_by_role("button", name="保存巡河记录").click()
    expect(page.locator("#row-duration_minutes .field-error")).to_have_text(
        "巡河时长至少为 1 分钟。"
    )
    assert not ChiefInspection.objects.exists()
    page.get_by_role("link", name="张河长", exact=True).click()
    page.wait_for_url(f"**{world.chief.get_absolute_url()}")

    record("2018-06-02", 90, "排口有污水直排")
    expect(page.locator("ul.messages")).to_contain_text("已保存")
    expect(page.locator("#inspections table tbody tr")).to_have_count(1)
    expect(page.locator("#inspections")).to_contain_text("排口有污水直排")
    expect(terms.first).to_contain_text("未按时巡河")  # June 2018 is long past

    record(timezone.localdate().isoformat(), 45)
    expect(page.locator("#inspections table tbody tr")).to_have_count(2)
    expect(terms.first).to_contain_text("按时巡河")
    expect(terms.first).not_to_contain_text("未按时巡河")

    page.goto(f"{live_server.url}/")
    expect(page.locator("section.attention")).not_to_contain_text("张河长")
