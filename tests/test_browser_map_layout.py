"""A real browser at a 1366×768 office screen and at a 390×844 phone, an administrator on
/map/ with one record of each layer placed: the panel of layers stands beside the map (under
it on the phone, with no sideways scroll), each box on the line of its layer's name, each
legend key on the line of its label; outfalls are drawn as diamonds and complaint cases as
triangles, as their legend keys show, though both are red; the form sent untouched shows every
layer, and a layer unticked leaves the map. Set LAYOUT_SCREENSHOTS to a folder to keep the
screenshots."""

import re

import pytest
from playwright.sync_api import expect

from projects.models import Channel, Complaint, Outfall, PumpingStation, SamplingPoint
from projects.services.map_layers import RED
from tests.browser import watch_csp
from tests.test_browser_layout import OFFICE, PHONE, log_in, people, screenshot  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def point(lng, lat):
    return {"type": "Point", "coordinates": [lng, lat]}


@pytest.fixture
def placed(people):  # noqa: F811 (the fixture imported above)
    """造贝排洪渠 drawn, with a sampling point, a pumping station, an outfall to be remediated
    and a case just found on it: one feature a layer, the last two both red."""
    channel = Channel.objects.get(name="造贝排洪渠")
    channel.geometry = {"type": "LineString", "coordinates": [[113.54, 22.26], [113.56, 22.28]]}
    channel.save()
    SamplingPoint.objects.create(
        channel=channel, name="利达花园点", geometry=point(113.545, 22.265)
    )
    PumpingStation.objects.filter(pk=PumpingStation.objects.order_by("pk")[0].pk).update(
        geometry=point(113.552, 22.262)
    )
    Outfall.objects.create(
        code="ZB-01",
        channel=channel,
        kind=Outfall.Kind.OVERFLOW,
        status=Outfall.Status.TO_FIX,
        geometry=point(113.55, 22.27),
    )
    Complaint.objects.create(source="hotline", location="利达花园", geometry=point(113.555, 22.275))
    return channel


# Where each part of the page is, and each box and legend key against its text.
MEASURE = """() => {
  const box = (el) => { const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  const text = (el) => { const range = document.createRange(); range.selectNodeContents(el);
    const r = range.getBoundingClientRect(); return {left: r.left, top: r.top, bottom: r.bottom}; };
  return {
    page: document.documentElement.scrollWidth,
    map: box(document.querySelector('#map')),
    panel: box(document.querySelector('form.map-filters')),
    boxes: Array.from(document.querySelectorAll('.map-layer-name')).map((label) => ({
      name: label.querySelector('span').textContent,
      box: box(label.querySelector('input[type=checkbox]')),
      text: text(label.querySelector('span')),
    })),
    keys: Array.from(document.querySelectorAll('.map-legend-entries li')).map((li) => ({
      name: li.textContent.trim(),
      key: box(li.querySelector('svg')),
      text: text(li.lastChild),
    })),
  };
}"""


def middle(box):
    return (box["top"] + box["bottom"]) / 2


def assert_inline(found, where):
    """Each box left of its layer's name and on its line; each legend key left of its label
    and on its line."""
    assert len(found["boxes"]) == 5, where
    for row in found["boxes"]:
        assert row["box"]["right"] <= row["text"]["left"], (where, row)
        assert row["text"]["top"] <= middle(row["box"]) <= row["text"]["bottom"], (where, row)
    assert len(found["keys"]) == 5 + 4 + 1 + 5 + 5, where
    for row in found["keys"]:
        assert row["key"]["right"] <= row["text"]["left"], (where, row)
        assert row["text"]["top"] <= middle(row["key"]) <= row["text"]["bottom"], (where, row)


def open_map(page, live_server, query=""):
    page.goto(f"{live_server.url}/map/{query}")
    expect(page.locator("#map")).to_have_attribute("data-loaded", re.compile(r"\d+"))
    # Leaflet zooms to the features with an animation: measure and shoot once it is over.
    page.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim')")


def test_the_panel_stands_beside_the_map_at_1366(live_server, browser, placed):
    page = browser.new_page(viewport=OFFICE)
    refused = watch_csp(page)
    log_in(page, live_server, "manager")
    open_map(page, live_server)
    expect(page.locator("#map")).to_have_attribute("data-loaded", "5")
    screenshot(page, "map-1366")
    found = page.evaluate(MEASURE)
    assert found["page"] <= OFFICE["width"], found["page"]
    # Beside the map, level with it, and the map keeps most of the width.
    assert found["panel"]["left"] >= found["map"]["right"], found
    assert found["panel"]["top"] < found["map"]["bottom"], found
    assert found["map"]["top"] < found["panel"]["bottom"], found
    assert found["map"]["right"] - found["map"]["left"] >= 0.6 * OFFICE["width"], found
    assert_inline(found, "1366")
    # Each layer's count, from the features drawn.
    expect(page.locator("[data-layer-count=outfalls]")).to_have_text("1")
    assert refused == []


def test_the_panel_stacks_under_the_map_on_a_phone(live_server, browser, placed):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    refused = watch_csp(page)
    log_in(page, live_server, "manager")
    open_map(page, live_server)
    expect(page.locator("#map")).to_have_attribute("data-loaded", "5")
    screenshot(page, "map-390")
    found = page.evaluate(MEASURE)
    assert found["page"] <= PHONE["viewport"]["width"], f"scrolls sideways: {found['page']} px"
    assert found["panel"]["top"] >= found["map"]["bottom"], found
    assert found["panel"]["right"] <= PHONE["viewport"]["width"], found
    assert found["map"]["bottom"] - found["map"]["top"] >= 300, found
    assert_inline(found, "390")
    assert refused == []
    context.close()


def shape_of(d):
    """What a marker's path draws: a circle (arcs), or by its corners and edges a square
    (edges along the axes: "H", "V"), a diamond (four slanted edges) or a triangle."""
    if re.search(r"[aA]", d):
        return "circle"
    assert re.fullmatch(r"M[-\d.,]+([LHV][-\d.,]+)+Z", d), d
    corners = len(re.findall(r"[MLHV]", d))
    if corners == 3:
        return "triangle"
    if corners == 4:
        return "square" if re.search(r"[HV]", d) else "diamond"
    return d


def test_outfalls_and_cases_differ_by_shape_on_the_map_and_in_the_legend(
    live_server, browser, placed
):
    page = browser.new_page(viewport=OFFICE)
    log_in(page, live_server, "manager")
    open_map(page, live_server)
    expect(page.locator("#map")).to_have_attribute("data-loaded", "5")
    outfall = page.locator("#map path[data-layer=outfalls]")
    case = page.locator("#map path[data-layer=complaints]")
    expect(outfall).to_have_attribute("fill", RED)
    expect(case).to_have_attribute("fill", RED)
    shapes = {
        layer: shape_of(page.locator(f"#map path[data-layer={layer}]").get_attribute("d"))
        for layer in ("outfalls", "complaints", "pumping_stations", "sampling_points")
    }
    assert shapes == {
        "outfalls": "diamond",
        "complaints": "triangle",
        "pumping_stations": "square",
        "sampling_points": "circle",
    }
    # The diamond stands on a corner: as wide as high, its top point over its middle.
    box = outfall.bounding_box()
    assert abs(box["width"] - box["height"]) <= 1.5, box
    # Each still opens its popup.
    outfall.click()
    expect(page.locator(".leaflet-popup")).to_contain_text("ZB-01")
    # The legend draws the same shapes.
    legend = page.locator("#map-legend")
    expect(legend.locator("[data-layer=outfalls] li svg.map-key-diamond")).to_have_count(5)
    expect(legend.locator("[data-layer=complaints] li svg.map-key-triangle")).to_have_count(5)
    expect(legend.locator("[data-layer=channels] li svg.map-key-line")).to_have_count(5)


def test_the_panel_sent_untouched_shows_everything_and_an_unticked_layer_goes(
    live_server, browser, placed
):
    page = browser.new_page(viewport=OFFICE)
    log_in(page, live_server, "manager")
    open_map(page, live_server)
    boxes = page.locator(".map-layer-name input[type=checkbox]")
    expect(boxes).to_have_count(5)
    for index in range(5):
        expect(boxes.nth(index)).to_be_checked()

    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**/map/?*")
    expect(page.locator("#map")).to_have_attribute("data-loaded", "5")

    # Clicking a layer's name unticks its box; filtered, the layer leaves the map and its
    # legend fades, its box still unticked.
    page.locator(".map-layer-name", has_text="投诉案件").click()
    expect(page.locator("[data-layer=complaints] input[type=checkbox]")).not_to_be_checked()
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#map")).to_have_attribute("data-loaded", "4")
    expect(page.locator("#map path[data-layer=complaints]")).to_have_count(0)
    expect(page.locator("[data-layer=complaints] input[type=checkbox]")).not_to_be_checked()
    expect(page.locator(".map-layer.map-layer-off")).to_have_count(1)
    expect(page.locator("[data-layer-count=complaints]")).to_have_text("")
    expect(page.locator("[data-layer-count=outfalls]")).to_have_text("1")
