"""A real browser: an administrator draws 造贝排洪渠 on the map, then places one of its outfalls
from the outfall's page (在地图上标注), sees both coloured on /map/ (the channel by its
condition, the outfall by its status: to be remediated, red) with their legends, and clicks
through to the channel's and the outfall's pages. No script or style is refused by the Content
Security Policy on the way."""

import pytest
from playwright.sync_api import expect

from projects.models import Outfall
from projects.services.map_layers import CONDITION_COLOURS, RED
from tests.browser import log_in, watch_csp
from tests.test_browser_map import click_map, open_popup_link, world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def outfall(world):  # noqa: F811 (the fixture imported above)
    return Outfall.objects.create(
        code="ZB-01",
        channel=world.channel,
        place="利达花园旁",
        kind=Outfall.Kind.OVERFLOW,
        status=Outfall.Status.TO_FIX,
    )


def test_an_administrator_draws_a_channel_and_places_an_outfall_and_finds_them_on_the_map(
    live_server,
    page,
    world,  # noqa: F811
    outfall,
):
    refused = watch_csp(page)
    log_in(page, live_server, "manager", "manager-pass-1")

    # The channel's line, drawn from its page.
    page.goto(f"{live_server.url}{world.channel.get_absolute_url()}")
    page.get_by_role("link", name="在地图上绘制").click()
    page.wait_for_url(f"**/map/channel/{world.channel.pk}/")
    expect(page.locator(".map-places")).to_contain_text("排口 ZB-01")
    page.locator("a.leaflet-draw-draw-polyline").click()
    click_map(page, 150, 300)
    click_map(page, 450, 120)
    page.locator(".leaflet-draw-actions a", has_text="完成").click()
    expect(page.locator("#map")).to_have_attribute("data-drawn", "1")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"**{world.channel.get_absolute_url()}")
    world.channel.refresh_from_db()
    assert world.channel.geometry["type"] == "LineString"

    # The outfall, placed from its own page, beside the line.
    page.goto(f"{live_server.url}{outfall.get_absolute_url()}")
    page.get_by_role("link", name="在地图上标注").click()
    page.wait_for_url(f"**/map/outfall/{outfall.pk}/")
    expect(page.locator("h1")).to_contain_text("在地图上标注点位")
    page.locator("a.leaflet-draw-draw-marker").click()
    click_map(page, 300, 200)
    expect(page.locator("#map")).to_have_attribute("data-drawn", "1")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"**{outfall.get_absolute_url()}")
    expect(page.locator(".messages")).to_contain_text("已保存")
    outfall.refresh_from_db()
    assert outfall.geometry["type"] == "Point"
    lng, lat = outfall.coordinates
    expect(page.locator(".facts")).to_contain_text(f"{lng}, {lat}")

    # The map: both, coloured, with their legends.
    page.goto(f"{live_server.url}/map/")
    expect(page.locator("#map")).to_have_attribute("data-loaded", "2")
    line = page.locator("#map path[data-layer=channels]")
    marker = page.locator("#map path[data-layer=outfalls]")
    expect(line).to_have_attribute("stroke", CONDITION_COLOURS[world.channel.condition])
    expect(marker).to_have_attribute("fill", RED)
    expect(marker).to_have_attribute("data-status", "to_fix")
    legend = page.locator("#map-legend")
    expect(legend).to_contain_text("排口（按整治状态）")
    expect(legend).to_contain_text("待整治")
    expect(legend).to_contain_text("投诉案件（按办理环节）")

    # Click through: the outfall's popup leads to its page, the line's to the channel's.
    marker.click()
    expect(page.locator(".leaflet-popup")).to_contain_text("ZB-01 · 利达花园旁")
    expect(page.locator(".leaflet-popup")).to_contain_text("待整治")
    open_popup_link(page)
    page.wait_for_url(f"**{outfall.get_absolute_url()}")
    expect(page.locator("h1")).to_contain_text("ZB-01")
    page.go_back()
    expect(page.locator("#map")).to_have_attribute("data-loaded", "2")
    page.locator("#map path[data-layer=channels]").click()
    open_popup_link(page)
    page.wait_for_url(f"**{world.channel.get_absolute_url()}")
    expect(page.locator("h1")).to_contain_text("造贝排洪渠")

    # The outfall status filter keeps the channel and leaves out a status the outfall lacks.
    page.goto(f"{live_server.url}/map/?outfall_status=sealed")
    expect(page.locator("#map")).to_have_attribute("data-loaded", "1")
    expect(page.locator("#map path[data-layer=outfalls]")).to_have_count(0)
    assert refused == []
