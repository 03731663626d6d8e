"""A real browser: the director (an administrator) logs in, reads the black-odorous channels on
the dashboard by name, worst first, opens one, and follows the overdue counts to the filtered
project and complaint lists, which hold exactly the overdue rows."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from projects.models import Channel, Complaint, Project
from tests.browser import log_in
from tests.test_browser_editing import ensure_role_groups
from tests.test_editing import make_role_users

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(transactional_db):
    """The article's data (three channels recorded black-odorous, not graded), a channel
    recorded severely black-odorous, two projects past their planned end, one in time, and
    one complaint past its deadline beside one within it."""
    call_command("loaddata", "xiangzhou_2018", verbosity=0)
    ensure_role_groups()
    world = SimpleNamespace()
    make_role_users(world)
    world.severe = Channel.objects.create(name="前山河重度渠", condition=Channel.Condition.SEVERE)
    world.late_projects = []
    for name, end in [
        ("105国道排洪渠河道治理提升项目", datetime.date(2018, 12, 31)),
        ("南屏西、翠屏路排洪渠黑臭水体生态修复项目", datetime.date(2018, 10, 31)),
    ]:
        project = Project.objects.get(name=name)
        project.planned_end = end
        project.save()
        world.late_projects.append(project)
    in_time = Project.objects.get(name="全区“一河一策”工作方案编制")
    in_time.planned_end = datetime.date(2099, 12, 31)
    in_time.save()
    received = datetime.datetime(2018, 6, 20, 9, tzinfo=datetime.UTC)
    world.late_complaint, _in_time = (
        Complaint.objects.create(
            source=Complaint.Source.HOTLINE,
            location=location,
            description="渠内有异味",
            stage=Complaint.Stage.DISPATCHED,
            received_at=received,
            assigned_unit=world.unit_a,
            deadline=deadline,
        )
        for location, deadline in [
            ("105国道桥下", datetime.date(2018, 7, 1)),
            ("造贝渠口", datetime.date(2099, 7, 1)),
        ]
    )
    return world


def test_the_director_reads_black_odorous_names_and_opens_the_overdue_lists(
    live_server, page, world
):
    log_in(page, live_server, "manager", "manager-pass-1")

    # The black-odorous channels by name, the severe one first.
    card = page.locator("#black-odorous")
    names = card.locator("ol.names li a").all_inner_texts()
    assert names == ["前山河重度渠", "南屏西排洪渠", "翠屏路排洪渠"]
    expect(card.locator("ol.names li").first).to_contain_text("重度黑臭")
    card.get_by_role("link", name="前山河重度渠").click()
    page.wait_for_url(f"**{world.severe.get_absolute_url()}")
    assert page.locator("h1").first.inner_text().startswith("前山河重度渠")
    page.go_back()

    # Two projects are overdue: the count opens the project list filtered to them.
    overdue = page.locator("#overdue")
    expect(overdue.locator("[data-overdue=projects] b")).to_have_text("2")
    overdue.locator("[data-overdue=projects]").click()
    page.wait_for_url("**/projects/?overdue=True")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    listed = " ".join(rows.all_inner_texts())
    for project in world.late_projects:
        assert project.name in listed
    assert "全区“一河一策”工作方案编制" not in listed
    expect(page.locator("form.filters select[name=overdue]")).to_have_value("True")
    page.go_back()

    # One complaint is overdue: the count opens the complaint list filtered to it.
    expect(overdue.locator("[data-overdue=complaints] b")).to_have_text("1")
    overdue.locator("[data-overdue=complaints]").click()
    page.wait_for_url("**/complaints/all/?overdue=True")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(world.late_complaint.number)
    expect(rows.first).to_contain_text("105国道桥下")
