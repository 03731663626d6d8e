"""The 工作台账 as a user gets it: the month report's link starts a background job and sends
the user to its page; the job (run here, in the test's thread and transaction, as a worker
would) stores the file; the page's download link serves it. For tests of the workbook's
content (``TestCase``: the job must see the test's uncommitted data)."""

import io
import tempfile

import openpyxl
from django.test import override_settings
from django.urls import reverse

from projects.models import Job
from projects.services import jobs


def ledger_job(test, month, user=None):
    """GET the ledger link for ``month`` ("2018-06") as ``user`` (logged in already when None)
    and run the job it started; returns the job, finished."""
    if user is not None:
        test.client.force_login(user)
    response = test.client.get(reverse("projects:month-ledger"), {"month": month})
    test.assertEqual(response.status_code, 302, response.content[:200])
    job = Job.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
    test.assertEqual(response.url, reverse("projects:job", args=[job.pk]))
    jobs.run(job.pk)
    job.refresh_from_db()
    test.assertEqual(job.status, Job.Status.SUCCEEDED, job.message)
    return job


def ledger_download(test, job):
    """The file the finished job's page links to, as the browser downloads it."""
    page = test.client.get(reverse("projects:job", args=[job.pk]))
    url = reverse("projects:job-file", args=[job.pk])
    test.assertContains(page, f'href="{url}"')
    response = test.client.get(url)
    test.assertEqual(response.status_code, 200)
    return response


def ledger_workbook(test, month, user=None):
    """The month's workbook as the user downloads it, opened with openpyxl; the file is stored
    in a temporary MEDIA_ROOT, removed afterwards."""
    with (
        tempfile.TemporaryDirectory(prefix="waterworks-ledger-") as media,
        override_settings(MEDIA_ROOT=media),
    ):
        response = ledger_download(test, ledger_job(test, month, user))
        return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
