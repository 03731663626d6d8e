"""The month report on a 1366 px screen, as an office's laptop shows it: every table fits the
page, so the last column (计划完成时间) is seen without scrolling sideways."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from projects.models import ProgressReport, Project, Stream

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def viewer(transactional_db):
    call_command("loaddata", "xiangzhou_2018", verbosity=0)
    for project in Project.objects.all():
        ProgressReport.objects.create(
            project=project,
            month=datetime.date(2018, 11, 1),
            planned_percent=Decimal("60"),
            percent_complete=Decimal("55.5"),
            investment_this_month_wan=Decimal("1234.56"),
            problems="雨季影响施工进度，部分管段积水无法检测，需协调交通部门配合封闭道路",
            next_month_plan="完成剩余管段的CCTV检测并提交阶段成果报告，组织专家评审",
        )
    return get_user_model().objects.create_user("viewer", password="viewer-pass-1")


def test_every_table_fits_a_1366_px_screen(live_server, page, viewer):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("viewer")
    page.get_by_label("密码").fill("viewer-pass-1")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/reports/month/?month=2018-11")
    containers = page.locator(".table-container")
    assert containers.count() >= 3  # the streams' totals, one stream's projects, the tasks
    for index in range(containers.count()):
        width, visible = containers.nth(index).evaluate("c => [c.scrollWidth, c.clientWidth]")
        assert width <= visible, f"table {index} is {width} px wide in {visible} px"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    headers = page.locator("table.month-projects th", has_text="计划完成时间")
    assert headers.count() == 1  # one stream's projects at a time
    box = headers.first.bounding_box()
    assert box["x"] + box["width"] <= 1366


def test_the_office_picks_another_stream_and_sees_its_projects(live_server, page, viewer):
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("viewer")
    page.get_by_label("密码").fill("viewer-pass-1")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/reports/month/?month=2018-11")
    survey = Project.objects.filter(stream=Stream.SURVEY).first().name
    build = Project.objects.filter(stream=Stream.BUILD).first().name
    projects = page.locator("table.month-projects")
    assert survey in projects.inner_text()
    assert build not in projects.inner_text()
    picker = page.get_by_role("navigation", name="工作板块")
    assert picker.locator('[aria-current="page"]').inner_text().startswith("查")
    # By keyboard: the picker's links are in the tab order; Enter follows the focused one.
    link = picker.get_by_role("link", name=re.compile("^建"))
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**stream=3#stream-3")
    assert build in projects.inner_text()
    assert survey not in projects.inner_text()
    assert picker.locator('[aria-current="page"]').inner_text().startswith("建")
    # The streams' totals stay, every stream's row linking to its projects.
    totals = page.locator("table.month-totals-table")
    assert totals.locator("tbody tr").count() == 6
    totals.get_by_role("link", name=re.compile("^整")).click()
    page.wait_for_url("**stream=4#stream-4")
    remediate = Project.objects.filter(stream=Stream.REMEDIATE).first().name
    assert remediate in projects.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The month's records, one list at a time, each with its count; the stream stays.
    records = page.get_by_role("navigation", name="本月记录")
    assert records.locator('[aria-current="page"]').inner_text().startswith("一河一策任务")
    records.get_by_role("link", name=re.compile("^本月巡查")).click()
    page.wait_for_url("**records=patrols#patrols")
    assert "stream=4" in page.url
    assert page.locator("#patrols").get_by_text("本月没有巡查记录。").is_visible()
    assert page.locator("table.month-tasks").count() == 0
    assert remediate in projects.inner_text()
