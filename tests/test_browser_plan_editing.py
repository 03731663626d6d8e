"""A real browser: an administrator creates a channel from the channel list, then its
one-river-one-policy plan with one item in each of the five lists (adding and removing a row
with the page's "add a row" button, picking the measure's project in its search box), and sees
them on the channel page. With more units than a list shows, a task row added with the button
gets its search boxes: its lead unit and two supporting units are found by typing."""

from types import SimpleNamespace

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from projects.models import Channel, Plan, ResponsibleUnit
from tests.browser import log_in
from tests.test_browser_editing import ensure_role_groups
from tests.test_editing import make_role_users

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(transactional_db):
    call_command("loaddata", "xiangzhou_2018", verbosity=0)
    ensure_role_groups()
    people = SimpleNamespace()
    make_role_users(people)
    return people


def test_an_administrator_creates_a_channel_and_its_plan(live_server, page, people):
    log_in(page, live_server, "manager", "manager-pass-1")

    page.get_by_role("link", name="排洪渠", exact=True).first.click()
    page.get_by_role("link", name="新建排洪渠").click()
    page.wait_for_url("**/channels/new/")
    page.locator("#id_name").fill("前山河支渠")
    page.get_by_label("位置").fill("前山河沿线")
    page.get_by_label("长度(公里)").fill("1.25")
    page.get_by_role("button", name="保存").click()

    channel = Channel.objects.get(name="前山河支渠")
    page.wait_for_url(f"**/channels/{channel.pk}/")
    expect(page.locator(".messages .message.success")).to_have_text("排洪渠“前山河支渠”已创建。")

    page.get_by_role("link", name="编制方案").click()
    page.wait_for_url(f"**/channels/{channel.pk}/plan/")
    expect(page.get_by_role("heading", name="编制一河一策方案")).to_be_visible()
    expect(page.locator("#id_plan-title")).to_have_value("前山河支渠“一河一策”方案")

    page.locator("#id_problems-0-title").fill("渠内淤积")
    page.locator("#id_problems-0-category").select_option(label="淤积")

    # The target goes in a row added with the button; the empty row shown first is removed.
    targets = page.locator("#list-targets")
    targets.get_by_role("button", name="添加一行：目标").click()
    expect(targets.locator("fieldset.plan-row")).to_have_count(2)
    expect(page.locator("#id_targets-TOTAL_FORMS")).to_have_value("2")
    page.locator("#id_targets-1-indicator").fill("黑臭水体")
    page.locator("#id_targets-1-target_value").fill("不黑不臭")
    targets.locator("fieldset.plan-row").first.get_by_role("button", name="移除此行").click()
    expect(targets.locator("fieldset.plan-row")).to_have_count(1)

    page.locator("#id_tasks-0-content").fill("清淤并截污")
    page.locator("#id_tasks-0-lead_unit").select_option(label="各市政站")
    page.locator("#id_tasks-0-responsible_person").fill("王工")
    page.locator("#id_tasks-0-deadline").fill("2018-12-31")

    page.locator("#id_measures-0-name").fill("渠道清淤疏浚")
    page.locator("#id_measures-0-category").select_option(value="internal")
    page.locator("#id_measures-0-investment_wan").fill("120")
    project = page.locator("#id_measures-0-project_search")
    expect(project).to_have_attribute("placeholder", "输入名称的一部分进行搜索")
    project.fill("前山河沿线")
    page.get_by_role("option", name="前山河沿线排洪渠整治及生态修复项目").click()
    expect(project).to_have_value("前山河沿线排洪渠整治及生态修复项目")

    page.locator("#id_responsibilities-0-unit").select_option(label="香洲区城管局")
    page.locator("#id_responsibilities-0-duty").fill("统筹督办整治工作")

    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_url(f"**/channels/{channel.pk}/")
    expect(page.locator(".messages .message.success")).to_have_text(
        "前山河支渠的“一河一策”方案已创建。"
    )
    plan_section = page.locator("section.plan")
    for text in (
        "渠内淤积",
        "黑臭水体",
        "不黑不臭",
        "清淤并截污",
        "渠道清淤疏浚",
        "统筹督办整治工作",
    ):
        expect(plan_section).to_contain_text(text)
    expect(page.locator("section.progress-col")).to_contain_text("王工")

    plan = Plan.objects.get(channel=channel)
    assert [t.indicator for t in plan.targets.all()] == ["黑臭水体"]
    counts = [
        getattr(plan, name).count()
        for name in ("problems", "targets", "tasks", "measures", "responsibilities")
    ]
    assert counts == [1, 1, 1, 1, 1]
    assert plan.measures.get().project.name == "前山河沿线排洪渠整治及生态修复项目"
    assert plan.history.get().history_user.username == "manager"


def pick(page, box_id, typed, name):
    box = page.locator(f"#{box_id}")
    box.fill(typed)
    page.get_by_role("option", name=name, exact=True).click()
    return box


def test_a_task_row_added_on_the_page_finds_its_units_by_typing(live_server, page, people):
    ResponsibleUnit.objects.bulk_create(
        ResponsibleUnit(name=f"测试街道{i:02d}", kind="street") for i in range(60)
    )
    channel = Channel.objects.get(name="105国道排洪渠")
    log_in(page, live_server, "manager", "manager-pass-1")
    page.goto(f"{live_server.url}/channels/{channel.pk}/plan/")

    tasks = page.locator("#list-tasks")
    tasks.get_by_role("button", name="添加一行：任务").click()
    index = int(page.locator("#id_tasks-TOTAL_FORMS").input_value()) - 1
    row = f"tasks-{index}"
    page.locator(f"#id_{row}-content").fill("沿渠排口溯源")
    lead = pick(page, f"id_{row}-lead_unit_search", "市政", "各市政站")
    expect(lead).to_have_value("各市政站")
    pick(page, f"id_{row}-supporting_units_add_search", "测试街道07", "测试街道07")
    pick(page, f"id_{row}-supporting_units_add_search", "测试街道42", "测试街道42")
    supporting = page.locator(f"#id_{row}-supporting_units option:checked")
    expect(supporting).to_have_text(["测试街道07", "测试街道42"])

    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_url(f"**/channels/{channel.pk}/")
    task = channel.plan.tasks.get(content="沿渠排口溯源")
    assert task.lead_unit.name == "各市政站"
    assert sorted(u.name for u in task.supporting_units.all()) == ["测试街道07", "测试街道42"]
