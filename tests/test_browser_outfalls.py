"""A real browser: an administrator records an outfall of 造贝排洪渠 from the channel page, with
its longitude and latitude (a latitude out of range is first refused beside its field), finds it
in the outfall register filtered by status and on the channel page, and downloads the register
as CSV: plain text, no HTML. No page breaks the Content Security Policy."""

from types import SimpleNamespace

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from projects.models import Channel, Outfall
from tests.browser import log_in
from tests.test_browser_csp import RECORD_VIOLATIONS
from tests.test_browser_editing import ensure_role_groups
from tests.test_editing import make_role_users

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(transactional_db):
    call_command("loaddata", "xiangzhou_2018", verbosity=0)
    ensure_role_groups()
    people = SimpleNamespace()
    make_role_users(people)
    # Another channel's outfall, already intercepted: the status filter leaves it out.
    Outfall.objects.create(
        code="G105-01",
        channel=Channel.objects.get(name="105国道排洪渠"),
        kind=Outfall.Kind.SEWAGE,
        status=Outfall.Status.INTERCEPTED,
    )
    return people


def test_an_administrator_records_an_outfall_and_finds_it_everywhere(live_server, page, people):
    zaobei = Channel.objects.get(name="造贝排洪渠")
    page.add_init_script(RECORD_VIOLATIONS)
    violations = []
    log_in(page, live_server, "manager", "manager-pass-1")

    page.goto(f"{live_server.url}{zaobei.get_absolute_url()}")
    section = page.locator("section#outfalls")
    expect(section).to_contain_text("本渠尚未登记排口。")
    section.get_by_role("link", name="新增排口").click()
    page.wait_for_url(f"**/outfalls/new/?channel={zaobei.pk}")
    violations += page.evaluate("window.__violations")
    expect(page.locator("#id_channel")).to_have_value(str(zaobei.pk))

    page.get_by_label("编号").fill("ZB-01")
    page.get_by_label("地点").fill("利达花园旁")
    page.get_by_label("经度").fill("113.5476")
    page.get_by_label("纬度").fill("122.2711")  # a typo: out of range
    page.get_by_label("类型").select_option(label="溢流")
    page.get_by_label("尺寸").fill("DN800")
    page.get_by_label("旱天排水").select_option(label="有")
    page.get_by_label("状态").select_option(label="整治中")
    page.get_by_role("button", name="保存").click()

    row = page.locator("#row-latitude")
    expect(row.locator(".field-error")).to_have_text("纬度必须在 -90 到 90 度之间（北纬为正）。")
    assert not Outfall.objects.filter(code="ZB-01").exists()
    expect(page.get_by_label("编号")).to_have_value("ZB-01")  # what was typed is kept
    page.get_by_label("纬度").fill("22.2711")
    page.get_by_role("button", name="保存").click()

    outfall = Outfall.objects.get(code="ZB-01")
    page.wait_for_url(f"**/outfalls/{outfall.pk}/")
    expect(page.locator(".messages .message.success")).to_have_text("排口“ZB-01”已登记。")
    assert outfall.geometry == {"type": "Point", "coordinates": [113.5476, 22.2711]}
    expect(page.locator("main")).to_contain_text("113.5476, 22.2711")
    violations += page.evaluate("window.__violations")

    # The register, filtered by status with its form.
    page.locator("nav.mainnav").get_by_role("link", name="排口").click()
    page.wait_for_url("**/outfalls/")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    page.locator("form.filters select[name=status]").select_option(label="整治中")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**/outfalls/?*status=fixing*")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("ZB-01")
    expect(rows.first).to_contain_text("造贝排洪渠")
    expect(rows.first.locator(".badge-fixing")).to_have_text("整治中")
    violations += page.evaluate("window.__violations")

    # The download of the filtered register: plain text.
    with page.expect_download() as download:
        page.locator(".table-footer .export").get_by_role("link", name="CSV").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert "ZB-01,造贝排洪渠,利达花园旁,溢流,DN800,整治中" in text
    assert "G105-01" not in text
    assert "<" not in text

    # The channel page lists it, with the link to the register filtered by channel.
    page.goto(f"{live_server.url}{zaobei.get_absolute_url()}")
    expect(section.locator("tbody tr")).to_have_count(1)
    expect(section).to_contain_text("ZB-01")
    section.get_by_role("link", name="本渠全部 1 个排口 →").click()
    page.wait_for_url(f"**/outfalls/?channel={zaobei.pk}")
    expect(rows).to_have_count(1)
    violations += page.evaluate("window.__violations")
    assert violations == [], "the pages break the Content Security Policy"
