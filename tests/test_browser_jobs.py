"""A background job's page in a real browser: the bar moves as the job reports its progress
(the page's script polls the job's status), and when the job has finished the page shows its
result without the user doing anything — under the Content Security Policy, without errors."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import Job
from tests.browser import log_in
from tests.test_browser_editing import ensure_role_groups
from tests.test_editing import make_role_users

pytestmark = pytest.mark.django_db(transaction=True)


class People:
    pass


def test_the_bar_follows_the_job_and_the_result_appears(page, live_server):
    ensure_role_groups()
    people = People()
    make_role_users(people)
    job = Job.objects.create(
        kind=Job.Kind.REGRADE,
        user=people.editor_a,
        status=Job.Status.RUNNING,
        step="正在重新评定排洪渠",
        done=10,
        total=40,
    )
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if "Refused to" in message.text else None,
    )
    log_in(page, live_server, "editor_a", "editor_a-pass-1")
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    bar = page.locator("[data-job-bar]")
    expect(bar).to_have_class("pct-25")

    Job.objects.filter(pk=job.pk).update(done=30)
    expect(bar).to_have_class("pct-75", timeout=10_000)
    expect(page.locator("[data-job-done]")).to_have_text("30")

    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.SUCCEEDED,
        done=40,
        message="已写入 3 条新的黑臭评定。",
        finished_at=timezone.now(),
    )
    expect(page.get_by_text("已写入 3 条新的黑臭评定。")).to_be_visible(timeout=10_000)
    expect(page.locator("[data-job-status]")).to_have_text("已完成")
    expect(bar).to_have_class("pct-100")
    assert errors == []
