"""A real browser uses each list's filter form as a person does: types or picks one thing,
leaves every other field as the page shows it, presses 筛选, and reads the rows."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from projects.models import Channel, Complaint, Project, Stream
from tests.browser import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def viewer(transactional_db):
    call_command("loaddata", "xiangzhou_2018", verbosity=0)
    channel = Channel.objects.get(name="造贝排洪渠")
    Complaint.objects.create(
        source=Complaint.Source.PATROL,
        location="造贝渠闸口",
        channel=channel,
        description="巡查发现排口冒水",
        received_at=timezone.now(),
    )
    Complaint.objects.create(
        source=Complaint.Source.HOTLINE,
        location="造贝渠桥下",
        channel=channel,
        description="市民来电反映异味",
        received_at=timezone.now(),
    )
    return get_user_model().objects.create_user("viewer", password="viewer-pass-1")


@pytest.fixture
def signed_in(live_server, page, viewer):
    log_in(page, live_server, "viewer", "viewer-pass-1")
    return page


def press_filter(page):
    page.locator("form.filters").get_by_role("button", name="筛选").click()
    page.wait_for_load_state()


def first_column(page):
    return page.locator("main table").first.locator("tbody tr td:first-child").all_inner_texts()


def test_it_finds_the_nanping_channels_by_typing(live_server, signed_in):
    page = signed_in
    page.goto(f"{live_server.url}/channels/")
    page.locator("form.filters input[name=q]").fill("南屏")
    press_filter(page)
    names = first_column(page)
    assert len(names) == 3, names
    assert "has_plan=&" in page.url or page.url.endswith("has_plan=")


def test_it_finds_the_remediation_projects_by_picking_the_stream(live_server, signed_in):
    page = signed_in
    page.goto(f"{live_server.url}/projects/")
    page.locator("form.filters select[name=stream]").select_option(label="黑臭水体整治")
    press_filter(page)
    expected = sorted(
        Project.objects.filter(stream=Stream.REMEDIATE).values_list("name", flat=True)
    )
    assert expected
    assert sorted(first_column(page)) == expected


@pytest.mark.parametrize("path", ["/complaints/", "/complaints/all/"])
def test_it_finds_the_patrol_complaints_by_picking_the_source(live_server, signed_in, path):
    page = signed_in
    page.goto(f"{live_server.url}{path}")
    page.locator("form.filters select[name=source]").select_option(label="巡查")
    press_filter(page)
    results = page.locator("main form.filters ~ *")
    assert results.get_by_text("造贝渠闸口").count() == 1
    assert results.get_by_text("造贝渠桥下").count() == 0
