"""A real browser entering a 2018 case today: the administrator records a complaint received
on 27 October 2018 and dispatches it the next day; station A's editor records its handling on
5 November 2018; the page shows 9 days' handling time, and the 考核 deduction goes to station
A's November 2018 assessment. A year 0001 typed into the time is refused under the field."""

import datetime

import pytest
from playwright.sync_api import expect

from projects.models import AssessmentItem, Complaint, Deduction
from tests.test_browser_complaints import log_in, people  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_2018_case_is_entered_with_its_2018_times(live_server, browser, people):  # noqa: F811
    manager = log_in(browser, live_server, "manager")
    manager.goto(f"{live_server.url}/complaints/new/")

    # A typo first: year 0001. Refused under the field, what was typed kept.
    manager.locator("#id_source").select_option("hotline")
    manager.locator("#id_received_at").fill("0001-01-01T00:00")
    manager.locator("#id_location").fill("东渠二号桥下")
    box = manager.get_by_label("排洪渠", exact=True)
    box.fill("东排")
    manager.get_by_role("option", name="东排洪渠").click()
    manager.locator("#id_description").fill("桥下渠水发黑发臭")
    manager.locator("form.complaint-form button[type=submit]").click()
    expect(manager.locator("#row-received_at .field-error")).to_have_text(
        "请填写1990年1月1日及以后的时间。"
    )
    expect(manager.locator("#id_location")).to_have_value("东渠二号桥下")
    assert not Complaint.objects.exclude(pk=people.overdue.pk).exists()

    manager.locator("#id_received_at").fill("2018-10-27T09:00")
    manager.locator("form.complaint-form button[type=submit]").click()
    manager.wait_for_url("**/complaints/*/")
    complaint = Complaint.objects.exclude(pk=people.overdue.pk).get()
    assert complaint.number == "TS-2018-0001"

    # 调配 on the next day, due on 2 November.
    manager.locator("#id_at").fill("2018-10-28T10:00")
    manager.locator("#id_assigned_unit").select_option(label="甲市政站")
    manager.locator("#id_deadline").fill("2018-11-02")
    manager.locator("button[name=dispatch]").click()
    manager.wait_for_url(f"**{complaint.get_absolute_url()}")

    # 处置 by station A on 5 November 2018.
    editor = log_in(browser, live_server, "editor_a")
    editor.goto(f"{live_server.url}{complaint.get_absolute_url()}")
    editor.locator("#id_at").fill("2018-11-05T09:00")
    editor.locator("#id_action_taken").fill("已清淤除臭")
    editor.locator("button[name=handle]").click()
    editor.wait_for_url(f"**{complaint.get_absolute_url()}")
    expect(editor.locator("dd.handling-time")).to_have_text("9 天")

    # 评价 and 考核 in November 2018: late, so E1 is suggested, for November 2018.
    manager.reload()
    manager.locator("#id_at").fill("2018-11-06T15:30")
    manager.locator("input[name=satisfaction][value=satisfied]").check()
    manager.locator("button[name=evaluate]").click()
    manager.wait_for_url(f"**{complaint.get_absolute_url()}")
    late = AssessmentItem.objects.get(code="E1")
    expect(manager.locator("#id_item")).to_have_value(str(late.pk))
    expect(manager.locator(".assess-hints")).to_contain_text("2018年11月")
    manager.locator("#id_at").fill("2018-11-10T10:00")
    manager.locator("button[name=assess]").click()
    manager.wait_for_url(f"**{complaint.get_absolute_url()}")

    deduction = Deduction.objects.get()
    assert deduction.assessment.station == people.unit_a
    assert deduction.assessment.month == datetime.date(2018, 11, 1)
    steps = manager.locator(".complaint-timeline > li time")
    expect(steps).to_have_count(5)
    expect(manager.locator(".complaint-timeline .step-entered")).to_have_count(5)
