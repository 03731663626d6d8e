"""A real browser: an administrator records a complaint about an outfall of 造贝排洪渠, choosing
the channel and then the outfall in their search boxes (only the channel's outfalls are
offered), sees the outfall linked on the case's page and follows the link to the outfall's page,
which lists the case."""

import pytest
from playwright.sync_api import expect

from projects.models import Channel, Complaint, Outfall
from tests.browser import log_in
from tests.test_browser_map import world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_complaint_names_its_outfall_found_among_its_channels(
    live_server,
    page,
    world,  # noqa: F811 (the fixture imported above)
):
    mine = Outfall.objects.create(
        code="ZB-01", channel=world.channel, place="利达花园旁", kind=Outfall.Kind.OVERFLOW
    )
    Outfall.objects.create(
        code="G105-01",
        channel=Channel.objects.get(name="105国道排洪渠"),
        kind=Outfall.Kind.SEWAGE,
    )
    log_in(page, live_server, "manager", "manager-pass-1")
    page.goto(f"{live_server.url}/complaints/new/")
    page.locator("#id_source").select_option("hotline")
    page.locator("#id_location").fill("利达花园旁溢流口")
    page.get_by_label("排洪渠", exact=True).fill("造贝")
    page.get_by_role("option", name="造贝排洪渠").click()
    outfall = page.locator("#id_outfall_search")
    outfall.fill("01")
    expect(page.get_by_role("option", name="ZB-01 利达花园旁", exact=True)).to_be_visible()
    expect(page.get_by_role("option", name="G105-01", exact=False)).to_have_count(0)
    page.get_by_role("option", name="ZB-01 利达花园旁", exact=True).click()
    page.locator("#id_description").fill("溢流口污水外溢，气味很大")
    page.locator("form.complaint-form button[type=submit]").click()
    page.wait_for_url("**/complaints/*/")

    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.outfall) == (world.channel, mine)
    link = page.locator(".complaint-outfall a")
    expect(link).to_have_text("ZB-01")
    link.click()
    page.wait_for_url(f"**{mine.get_absolute_url()}")
    expect(page.locator("#complaints")).to_contain_text(complaint.number)
