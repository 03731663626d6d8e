"""A real browser: an administrator draws 造贝排洪渠 on the map and places one of its sampling
points, sees both coloured on /map/ (the channel by its condition, the point by its latest
grade: none yet), and clicks through to their pages. No script or style is refused by the
Content Security Policy on the way."""

from types import SimpleNamespace

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from projects.models import Channel, SamplingPoint
from projects.services.map_layers import CONDITION_COLOURS, GREY
from tests.browser import log_in, watch_csp
from tests.test_browser_editing import ensure_role_groups
from tests.test_editing import make_role_users

pytestmark = pytest.mark.django_db(transaction=True)


def open_popup_link(page):
    """Follow the open popup's link once the popup has stopped moving: Leaflet pans the map to
    show a popup, and a click aimed while it moves (a slow machine) lands on the map instead."""
    link = page.locator(".leaflet-popup .map-popup a")
    expect(link).to_be_visible()
    page.wait_for_function(
        "() => !document.querySelector('.leaflet-pane.leaflet-map-pane')"
        "?.classList.contains('leaflet-pan-anim')"
    )
    link.evaluate("a => a.click()")


@pytest.fixture
def world(transactional_db):
    """The article's data (its channels have no coordinates), the role users, and a sampling
    point of the test's own on 造贝排洪渠."""
    call_command("loaddata", "xiangzhou_2018", verbosity=0)
    ensure_role_groups()
    world = SimpleNamespace()
    make_role_users(world)
    world.channel = Channel.objects.get(name="造贝排洪渠")
    world.point = SamplingPoint.objects.create(channel=world.channel, name="利达花园点")
    return world


def click_map(page, x, y):
    """A click at (x, y) pixels from the map's top left corner, at a person's pace
    (Leaflet.draw ignores a click within 50 ms of the last point)."""
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_timeout(200)


def test_an_administrator_draws_a_channel_and_a_point_and_finds_them_on_the_map(
    live_server, page, world
):
    refused = watch_csp(page)
    log_in(page, live_server, "manager", "manager-pass-1")
    assert world.channel.geometry is None

    # The channel page: no map yet; the administrator chooses to draw it.
    page.goto(f"{live_server.url}{world.channel.get_absolute_url()}")
    expect(page.locator("#map")).to_have_count(0)
    page.get_by_role("link", name="在地图上绘制").click()
    page.wait_for_url(f"**/map/channel/{world.channel.pk}/")

    # A line of two points, finished with the toolbar's "finish" button (in Chinese).
    expect(page.locator("a.leaflet-draw-draw-polyline")).to_have_attribute("title", "画线")
    page.locator("a.leaflet-draw-draw-polyline").click()
    click_map(page, 150, 300)
    click_map(page, 450, 120)
    page.locator(".leaflet-draw-actions a", has_text="完成").click()
    expect(page.locator("#map")).to_have_attribute("data-drawn", "1")
    drawn = page.locator("#id_geometry").input_value()
    assert '"LineString"' in drawn
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"**{world.channel.get_absolute_url()}")
    expect(page.locator(".messages")).to_contain_text("已保存")
    expect(page.locator("#map path.leaflet-interactive, #map path")).not_to_have_count(0)
    world.channel.refresh_from_db()
    assert world.channel.geometry["type"] == "LineString"
    assert len(world.channel.geometry["coordinates"]) == 2

    # The point, placed from the channel's drawing page, beside the line.
    page.get_by_role("link", name="在地图上绘制").click()
    page.get_by_role("link", name="在地图上标注 利达花园点").click()
    page.wait_for_url(f"**/map/sampling-point/{world.point.pk}/")
    page.locator("a.leaflet-draw-draw-marker").click()
    click_map(page, 200, 120)
    expect(page.locator("#map")).to_have_attribute("data-drawn", "1")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"**{world.channel.get_absolute_url()}")
    world.point.refresh_from_db()
    assert world.point.geometry["type"] == "Point"

    # The map: both, coloured, with the legend.
    page.goto(f"{live_server.url}/map/")
    expect(page.locator("#map")).to_have_attribute("data-loaded", "2")
    line = page.locator("#map path[data-layer=channels]")
    point = page.locator("#map path[data-layer=sampling_points]")
    expect(line).to_have_attribute("stroke", CONDITION_COLOURS[world.channel.condition])
    expect(point).to_have_attribute("fill", GREY)
    expect(page.locator("#map-legend")).to_contain_text("不黑不臭")
    expect(page.locator("#map-legend")).to_contain_text("尚未判定")

    # Click through: the line's popup leads to the channel's page, so does the point's.
    line.click()
    open_popup_link(page)
    page.wait_for_url(f"**{world.channel.get_absolute_url()}")
    expect(page.locator("h1")).to_contain_text("造贝排洪渠")
    page.go_back()
    expect(page.locator("#map")).to_have_attribute("data-loaded", "2")
    page.locator("#map path[data-layer=sampling_points]").click()
    expect(page.locator(".leaflet-popup")).to_contain_text("造贝排洪渠 · 利达花园点")
    open_popup_link(page)
    page.wait_for_url(f"**{world.channel.get_absolute_url()}")

    # The filters narrow the map as they narrow the lists.
    page.goto(f"{live_server.url}/map/?condition=severe")
    expect(page.locator("#map")).to_have_attribute("data-loaded", "1")  # the point only
    expect(page.locator("#map-status")).to_be_empty()
    assert refused == []
