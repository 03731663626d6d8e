"""A real browser through the complaints' closed loop: an administrator records a complaint
and dispatches it to station A with a deadline; station A's editor, in their own browser,
handles it with a photo taken after; the administrator evaluates it unsatisfactory and
assesses it, the suggested item deducted in station A's monthly assessment; the timeline shows
the five stages with their users; and an overdue complaint stands out on the board."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import AssessmentItem, Channel, Complaint, Deduction, Photo
from projects.services import complaints as loop
from tests.browser import restore_migrated_data
from tests.photos import jpeg_bytes
from tests.test_editing import make_role_users

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(transactional_db, settings, tmp_path):
    """The role users of tests.test_editing, a channel, and a complaint of station A whose
    deadline passed two days ago. Uploads go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    restore_migrated_data()
    people = SimpleNamespace()
    make_role_users(people)
    people.channel = Channel.objects.create(name="东排洪渠")
    overdue = loop.open_complaint(
        people.administrator,
        source=Complaint.Source.PATROL,
        received_at=timezone.now() - datetime.timedelta(days=10),
        location="东渠三号排口",
        channel=people.channel,
        description="排口周边垃圾堆积",
    )
    people.overdue = loop.dispatch(
        overdue,
        people.administrator,
        assigned_unit=people.unit_a,
        deadline=timezone.localdate() - datetime.timedelta(days=2),
    )
    return people


def log_in(browser, live_server, username):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(f"{username}-pass-1")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_a_complaint_goes_round_the_closed_loop(live_server, browser, people):
    manager = log_in(browser, live_server, "manager")

    # 发现: the administrator records a complaint from the board.
    manager.goto(f"{live_server.url}/complaints/")
    manager.locator("a[href='/complaints/new/']").first.click()
    manager.wait_for_url("**/complaints/new/")
    manager.locator("#id_source").select_option("hotline")
    manager.locator("#id_complainant").fill("陈女士")
    manager.locator("#id_location").fill("东渠二号桥下")
    box = manager.get_by_label("排洪渠", exact=True)
    box.fill("东排")
    manager.get_by_role("option", name="东排洪渠").click()
    manager.locator("#id_description").fill("桥下渠水发黑发臭，漂浮垃圾多")
    manager.locator("form.complaint-form button[type=submit]").click()
    manager.wait_for_url("**/complaints/*/")
    complaint = Complaint.objects.exclude(pk=people.overdue.pk).get()
    assert manager.url.endswith(complaint.get_absolute_url())
    expect(manager.locator("h1 .badge.stage")).to_have_class("badge stage stage-found")

    # 调配: to station A, due in three days.
    deadline = timezone.localdate() + datetime.timedelta(days=3)
    manager.locator("#id_assigned_unit").select_option(label="甲市政站")
    manager.locator("#id_deadline").fill(deadline.isoformat())
    manager.locator("button[name=dispatch]").click()
    manager.wait_for_url(f"**{complaint.get_absolute_url()}")
    expect(manager.locator("h1 .badge.stage")).to_have_class("badge stage stage-dispatched")

    # 处置: station A's editor, in their own browser, finds it on the board and handles it.
    editor = log_in(browser, live_server, "editor_a")
    editor.goto(f"{live_server.url}/complaints/")
    card = editor.locator(
        f".board-column[data-stage=dispatched] [data-number='{complaint.number}']"
    )
    expect(card).to_contain_text("东渠二号桥下")
    expect(card).to_contain_text("甲市政站")
    card.get_by_role("link", name=complaint.number).click()
    editor.wait_for_url(f"**{complaint.get_absolute_url()}")
    editor.locator("#id_action_taken").fill("已打捞漂浮垃圾，清洗桥下渠面")
    editor.locator("#id_photos").set_input_files(
        files=[{"name": "处置后.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    editor.locator("button[name=handle]").click()
    editor.wait_for_url(f"**{complaint.get_absolute_url()}")
    handled = editor.locator(".complaint-timeline > li[data-stage=handled]")
    expect(handled.locator(".photo img")).to_be_visible()
    expect(editor.locator("#next-step")).to_have_count(0)  # evaluating is not theirs

    # 评价: unsatisfactory; 考核: the suggested item (E2) is chosen, the complaint closed.
    manager.reload()
    manager.locator("input[name=satisfaction][value=unsatisfied]").check()
    manager.locator("#id_note").fill("回访：投诉人不满意")
    manager.locator("button[name=evaluate]").click()
    manager.wait_for_url(f"**{complaint.get_absolute_url()}")
    unsatisfied = AssessmentItem.objects.get(code="E2")
    expect(manager.locator("#id_item")).to_have_value(str(unsatisfied.pk))
    manager.locator("button[name=assess]").click()
    manager.wait_for_url(f"**{complaint.get_absolute_url()}")

    complaint.refresh_from_db()
    assert complaint.stage == Complaint.Stage.ASSESSED
    deduction = Deduction.objects.get()
    assert complaint.assessment_deduction == deduction
    assert (deduction.item, deduction.complaint) == (unsatisfied, complaint)
    assert deduction.assessment.station == people.unit_a
    assert deduction.assessment.month == timezone.localdate().replace(day=1)
    assert Photo.objects.filter(phase=Photo.Phase.AFTER).count() == 1

    # The timeline: five stages, each with who took it.
    steps = manager.locator(".complaint-timeline > li")
    expect(steps).to_have_count(5)
    stages = [steps.nth(i).get_attribute("data-stage") for i in range(5)]
    assert stages == ["found", "dispatched", "handled", "evaluated", "assessed"]
    users = manager.locator(".complaint-timeline .step-user")
    expect(users).to_have_text(["manager", "manager", "editor_a", "manager", "manager"])
    expect(manager.locator("#next-step")).to_have_count(0)

    # The board: the closed complaint is gone; the overdue one is flagged in red.
    manager.goto(f"{live_server.url}/complaints/")
    expect(manager.locator(f"[data-number='{complaint.number}']")).to_have_count(0)
    overdue = manager.locator(f".complaint-card[data-number='{people.overdue.number}']")
    expect(overdue).to_have_class("complaint-card overdue")
    expect(overdue.locator(".badge-overdue")).to_have_text("已超期")
    colour = overdue.locator(".badge-overdue").evaluate(
        "badge => getComputedStyle(badge).backgroundColor"
    )
    assert colour == "rgb(192, 57, 43)"  # --danger
