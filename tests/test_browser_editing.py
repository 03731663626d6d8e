"""A real browser: a unit editor logs in, completes their unit's task with a completion note
and a PDF as evidence, sees it on the channel page and in the task's history, and finds no
update button on another unit's task."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from playwright.sync_api import expect

from projects.core import roles
from projects.models import Channel, Task
from tests.test_editing import PDF, make_role_users

pytestmark = pytest.mark.django_db(transaction=True)


def ensure_role_groups():
    """The role groups come from the data migrations (latest: 0008_daily_operations_data). A
    transactional test empties every table when it ends, and the post_migrate signal then
    restores content types and permissions but not the groups: run the latest roles
    migration's logic again, on its own historical models, when they are gone."""
    if Group.objects.filter(name=roles.UNIT_EDITOR).exists():
        return
    name = "0008_daily_operations_data"
    migration = importlib.import_module(f"projects.migrations.{name}")
    state = MigrationExecutor(connection).loader.project_state(("projects", name))
    migration.sync_roles(state.apps, None)


@pytest.fixture
def people(transactional_db, settings, tmp_path):
    """The fixture data, the role users of tests.test_editing, and the assignments its tests
    make: unit A leads the 105 task, unit B the 造贝 task. Uploads go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("loaddata", "xiangzhou_2018", verbosity=0)
    ensure_role_groups()
    people = SimpleNamespace()
    make_role_users(people)
    people.g105 = Channel.objects.get(name="105国道排洪渠")
    people.zaobei = Channel.objects.get(name="造贝排洪渠")
    people.task_a = Task.objects.get(plan__channel=people.g105)
    people.task_a.lead_unit = people.unit_a
    people.task_a.deadline = datetime.date(2030, 6, 30)
    people.task_a.save()
    people.task_b = Task.objects.get(plan__channel=people.zaobei)
    people.task_b.lead_unit = people.unit_b
    people.task_b.save()
    return people


def progress_row(page, task):
    """The task's row in the channel page's progress table (任务落实)."""
    return page.locator("section.progress-col table tbody tr").filter(has_text=task.content)


def test_a_unit_editor_completes_their_task_with_evidence(live_server, page, people):
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.get_by_label("用户名").fill("editor_a")
    page.get_by_label("密码").fill("editor_a-pass-1")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")

    # Unit B's task: no update button for an editor of unit A.
    page.get_by_role("link", name="排洪渠", exact=True).first.click()
    page.get_by_role("link", name="造贝排洪渠", exact=True).click()
    row_b = progress_row(page, people.task_b)
    expect(row_b).to_have_count(1)
    expect(row_b.get_by_role("link", name="变更记录")).to_be_visible()
    expect(row_b.get_by_role("link", name="更新")).to_have_count(0)
    expect(page.locator("a", has_text="更新")).to_have_count(0)

    # Their own unit's task, on 105国道排洪渠.
    page.get_by_role("link", name="排洪渠", exact=True).first.click()
    page.get_by_role("link", name="105国道排洪渠", exact=True).click()
    channel_url = page.url
    row = progress_row(page, people.task_a)
    expect(row).to_have_count(1)
    row.get_by_role("link", name="更新").click()
    page.wait_for_url(f"**/tasks/{people.task_a.pk}/edit/")

    page.get_by_label("状态").select_option(label="已办结")
    page.get_by_label("完成说明").fill("排洪渠清淤已完成，经现场验收合格。")
    page.get_by_label("佐证材料").set_input_files(
        files=[{"name": "验收报告.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="保存").click()

    page.wait_for_url(channel_url)
    expect(page.locator(".messages .message.success")).to_have_text(
        f"任务“{people.task_a.content}”已更新。"
    )
    row = progress_row(page, people.task_a)
    expect(row).to_contain_text("已办结")
    expect(row.get_by_role("link", name="佐证材料")).to_be_visible()

    task = Task.objects.get(pk=people.task_a.pk)
    assert task.status == Task.Status.DONE
    assert task.evidence.name.endswith(".pdf")
    assert task.evidence.read() == PDF

    row.get_by_role("link", name="变更记录").click()
    page.wait_for_url(f"**/tasks/{people.task_a.pk}/history/")
    changes = page.locator("main table")
    latest = changes.locator("tbody tr").first
    expect(latest).to_contain_text("editor_a")
    expect(latest).to_contain_text("已办结")
    expect(latest).to_contain_text("完成说明")
