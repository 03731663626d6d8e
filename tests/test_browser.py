"""A real browser: log in through the form, open 造贝排洪渠, sort a table."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff_user(transactional_db):
    call_command("loaddata", "xiangzhou_2018", verbosity=0)
    return get_user_model().objects.create_user("staff", password="staff-pass-1")


def test_it_logs_in_opens_a_channel_and_sorts_a_table(live_server, page, staff_user):
    page.goto(f"{live_server.url}/")
    # Anonymous: the login page, in Chinese.
    assert "/accounts/login/" in page.url
    page.get_by_label("用户名").fill("staff")
    page.get_by_label("密码").fill("staff-pass-1")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").first.inner_text() == "水污染治理工作总览"

    page.get_by_role("link", name="排洪渠", exact=True).first.click()
    page.get_by_role("link", name="造贝排洪渠", exact=True).click()
    assert page.locator("h1").first.inner_text().startswith("造贝排洪渠")
    assert page.get_by_text("问题清单").is_visible()

    measures = page.locator("h3:has-text('措施清单') + .table-container table")
    first = measures.locator("tbody tr td:first-child")
    before = first.all_inner_texts()
    measures.get_by_role("link", name="措施").click()
    page.wait_for_url("**measures-sort=name**")
    measures = page.locator("h3:has-text('措施清单') + .table-container table")
    ascending = measures.locator("tbody tr td:first-child").all_inner_texts()
    assert ascending == sorted(before)
    measures.get_by_role("link", name="措施").click()
    page.wait_for_url("**measures-sort=-name**")
    measures = page.locator("h3:has-text('措施清单') + .table-container table")
    descending = measures.locator("tbody tr td:first-child").all_inner_texts()
    assert descending == sorted(before, reverse=True)
    assert measures.locator("th.desc").count() == 1
