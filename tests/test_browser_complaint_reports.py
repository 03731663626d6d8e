"""A real browser adds a second report to a complaint case from its page: station A's editor
opens a case the provincial inspection team referred, adds the team's second referral of the
same outlet, is told the case number they first typed is already the case's own, corrects it,
and sees the case with its two reports, one case on the board."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import Channel, Complaint, ComplaintReport
from projects.services import complaints as loop
from tests.browser import log_in, restore_migrated_data
from tests.test_editing import make_role_users

pytestmark = pytest.mark.django_db(transaction=True)

BODY = "广东省第五环境保护督察组"


def sync_roles_with_reports():
    """The roles as the migration that adds the reports leaves them (a transactional test
    empties the tables; the earlier migrations' roles know no reports)."""
    name = "0027_complaint_reports"
    migration = importlib.import_module(f"projects.migrations.{name}")
    state = MigrationExecutor(connection).loader.project_state(("projects", name))
    migration.sync_roles(state.apps, None)


@pytest.fixture
def case(transactional_db):
    restore_migrated_data()
    sync_roles_with_reports()
    world = SimpleNamespace()
    make_role_users(world)
    channel = Channel.objects.create(name="造贝测试排洪渠")
    world.case = loop.open_complaint(
        world.administrator,
        source=Complaint.Source.INSPECTION,
        inspecting_body=BODY,
        case_number="粤督-2018-001",
        received_at=timezone.now() - datetime.timedelta(days=1),
        location="利达花园旁溢流口",
        channel=channel,
        description="溢流口污水外溢，气味很大",
    )
    return world


def test_an_editor_adds_a_second_report_to_a_case_from_its_page(live_server, page, case):
    log_in(page, live_server, "editor_a", "editor_a-pass-1")
    page.goto(f"{live_server.url}{case.case.get_absolute_url()}")
    expect(page.locator(".report-count")).to_have_text("1 次反映")

    page.get_by_text("添加该问题的又一次反映").click()
    form = page.locator("form[action$='/reports/new/']")
    form.locator("#id_report-source").select_option("inspection")
    form.locator("#id_report-inspecting_body").fill(BODY)
    form.locator("#id_report-case_number").fill("粤督-2018-001")
    form.locator("#id_report-content").fill("再次交办：溢流口仍然发臭")
    form.get_by_role("button", name="添加反映").click()

    # The number is the case's first referral's: refused, next to the field, nothing added.
    error = page.locator("#row-case_number .field-error")
    expect(error).to_contain_text(f"已记录在投诉 {case.case.number}")
    assert ComplaintReport.objects.count() == 1
    form = page.locator("form[action$='/reports/new/']")
    expect(form.locator("#id_report-content")).to_have_value("再次交办：溢流口仍然发臭")
    form.locator("#id_report-case_number").fill("粤督-2018-002")
    form.get_by_role("button", name="添加反映").click()

    page.wait_for_url(f"{live_server.url}{case.case.get_absolute_url()}")
    expect(page.locator(".messages")).to_contain_text("现有 2 次反映")
    expect(page.locator(".report-count")).to_have_text("2 次反映")
    reports = page.locator("#reports li.report")
    expect(reports).to_have_count(2)
    expect(reports.nth(1)).to_contain_text("交办编号 粤督-2018-002")
    expect(reports.nth(1)).to_contain_text("再次交办：溢流口仍然发臭")

    # Still one case on the board, with its two reports.
    page.goto(f"{live_server.url}/complaints/")
    cards = page.locator(".complaint-card")
    expect(cards).to_have_count(1)
    expect(cards.first.locator(".card-reports")).to_have_text("2 次反映")
