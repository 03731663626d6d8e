"""A real browser the size of a phone (390×844): a unit editor of a municipal station records a
patrol with a finding and a photo, opening a work order, then sees it on the station page, on
the record's page with its photo, and in the channel's history."""

from types import SimpleNamespace

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from projects.models import Channel, Complaint, PatrolPost, PatrolRecord, Photo
from tests.photos import jpeg_bytes
from tests.test_browser_editing import ensure_role_groups
from tests.test_editing import make_role_users

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}


@pytest.fixture
def station(transactional_db, settings, tmp_path):
    """The fixture data, the role users, and station A's post on the 105 channel. Uploads go
    to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("loaddata", "xiangzhou_2018", verbosity=0)
    ensure_role_groups()
    people = SimpleNamespace()
    make_role_users(people)
    people.g105 = Channel.objects.get(name="105国道排洪渠")
    people.post = PatrolPost.objects.create(
        station=people.unit_a, name="105渠岗", person_on_post="张工"
    )
    people.post.channels.add(people.g105)
    return people


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    yield context.new_page()
    context.close()


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_unit_editor_records_a_patrol_with_a_finding_from_a_phone(live_server, phone, station):
    page = phone
    page.goto(f"{live_server.url}/")
    page.get_by_label("用户名").fill("editor_a")
    page.get_by_label("密码").fill("editor_a-pass-1")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")

    page.get_by_role("link", name="巡查", exact=True).first.click()
    page.wait_for_url("**/stations/")
    # The page's own button (the empty month offers the same link again).
    page.locator(".page-head").get_by_role("link", name="填报巡查").click()
    page.wait_for_url("**/patrols/new/")

    # One column that fits the phone, with big touch targets; the station's only post and
    # its only channel are already chosen.
    assert fits_the_screen(page)
    channel = page.get_by_label("排洪渠", exact=True)
    expect(channel).to_have_value(str(station.g105.pk))
    expect(page.get_by_label("岗位")).to_have_value(str(station.post.pk))
    width = channel.bounding_box()["width"]
    assert width > 300, width
    save = page.get_by_role("button", name="保存巡查记录")
    assert save.bounding_box()["height"] >= 44

    page.locator(".choices label", has_text="日常管护").click()
    page.get_by_label("发现问题", exact=True).fill("渠边有一处污水直排口，水面漂浮垃圾")
    page.get_by_label("处理措施").fill("已打捞垃圾，直排口待处置")
    page.get_by_label("处理前照片").set_input_files(
        files=[{"name": "直排口.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    page.get_by_text("新建工单", exact=True).click()
    save.click()

    page.wait_for_url(f"**/stations/{station.unit_a.pk}/?month=*")
    record = PatrolRecord.objects.get()
    complaint = Complaint.objects.get()
    expect(page.locator(".messages .message.success")).to_have_text(
        ["105国道排洪渠的巡查记录已保存。", f"已新建工单{complaint.number}。"]
    )
    assert fits_the_screen(page)
    row = page.locator("#patrols table tbody tr").filter(has_text="污水直排口")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("日常管护")
    expect(row).to_contain_text(complaint.number)
    expect(row.locator("td.num")).to_have_text("1")

    assert (record.kind, record.channel, record.recorded_by) == (
        PatrolRecord.Kind.DAILY_CARE,
        station.g105,
        station.editor_a,
    )
    assert record.complaint == complaint
    assert list(record.photos.values_list("phase", flat=True)) == [Photo.Phase.BEFORE]

    # The record's page shows the photo (served to a logged-in user only).
    row.get_by_role("link").first.click()
    page.wait_for_url(f"**/patrols/{record.pk}/")
    thumbnail = page.locator("ul.photos img")
    expect(thumbnail).to_have_count(1)
    # Thumbnails load lazily: bring it on screen, then it must load.
    thumbnail.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )

    # The channel's history shows the patrol and its finding.
    page.get_by_role("link", name="105国道排洪渠").first.click()
    page.wait_for_url(f"**/channels/{station.g105.pk}/")
    expect(page.locator("#patrols")).to_contain_text("污水直排口")
    page.get_by_role("link", name="变更记录").first.click()
    page.wait_for_url(f"**/channels/{station.g105.pk}/history/")
    latest = page.locator("main table tbody tr").filter(has_text="巡查记录").first
    expect(latest).to_contain_text("editor_a")
    expect(latest).to_contain_text("污水直排口")
