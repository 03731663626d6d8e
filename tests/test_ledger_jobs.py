"""The 工作台账 as a background job, with the embedded runner (a thread of this process): the
month report's link starts the job and sends the user to its page; the page follows the
progress (rows written) and then offers the file, which any logged-in user may download and
nobody else; the link hands out the same job again while the month's data is unchanged, a new
one once it has changed, and each new file deletes the month's older one; a file that cannot be
stored fails the job, saying why; a bad month is refused.

Transactional tests: the job runs in another thread, on another database connection."""

import datetime
import io
import os
from decimal import Decimal
from unittest import mock

import openpyxl
from django.conf import settings
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from projects.models import Job, ProgressReport, Project
from projects.services import jobs, ledger_sheet
from tests.test_jobs import JobTestCase, wait_for

JUNE = datetime.date(2018, 6, 1)


class LedgerJobTests(JobTestCase):
    def setUp(self):
        super().setUp()
        self.survey = Project.objects.get(name="香洲区排水管网普查及检测")
        ProgressReport.objects.create(
            project=self.survey,
            month=JUNE,
            percent_complete=Decimal("55"),
            investment_this_month_wan=Decimal("400.00"),
        )
        self.client.force_login(self.viewer)

    def click(self, month="2018-06"):
        """The month report's link: the job it sends the user to."""
        response = self.client.get(reverse("projects:month-ledger"), {"month": month})
        self.assertEqual(response.status_code, 302)
        job = Job.objects.get(pk=response.url.split("/")[-2])
        self.assertEqual(response.url, reverse("projects:job", args=[job.pk]))
        return wait_for(job)

    def download(self, job):
        response = self.client.get(reverse("projects:job-file", args=[job.pk]))
        self.assertEqual(response.status_code, 200)
        return response

    def test_the_link_starts_a_job_whose_page_offers_the_file(self):
        told = []
        real_call = jobs.Progress.__call__

        def record(progress, done=None, total=None, step=None):
            told.append((progress.job.step if step is None else str(step), done, total))
            return real_call(progress, done=done, total=total, step=step)

        with (
            mock.patch.object(jobs.Progress, "__call__", record),
            mock.patch.object(ledger_sheet.RowCounter, "EVERY", 10),
        ):
            job = self.click()
        self.assertEqual(job.status, Job.Status.SUCCEEDED, job.message)
        self.assertEqual(job.kind, Job.Kind.LEDGER)
        self.assertEqual(job.user, self.viewer)
        rows = job.result["rows"]
        self.assertEqual(job.message, f"2018-06 工作台账已生成，共 {rows} 行。")
        self.assertEqual((job.done, job.total), (rows, rows))
        # The steps, then the rows written ten at a time.
        steps = [step for step, _done, _total in told]
        self.assertEqual(steps[0], "正在读取本月记录")
        self.assertEqual(told[1], ("正在写入工作簿", 0, rows))
        written = [done for step, done, _total in told if step == "正在写入工作簿"][1:]
        self.assertEqual(written, [*range(10, rows, 10), rows])
        self.assertEqual(steps[-1], "正在保存文件")

        page = self.client.get(reverse("projects:job", args=[job.pk]))
        self.assertContains(page, "已完成")
        self.assertContains(page, job.message)
        url = reverse("projects:job-file", args=[job.pk])
        self.assertContains(page, f'href="{url}" download')
        status = self.client.get(reverse("projects:job-status", args=[job.pk])).json()
        self.assertEqual((status["status"], status["result_url"]), ("succeeded", url))

        response = self.download(job)
        self.assertEqual(
            response["Content-Type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertIn("2018-06.xlsx", response["Content-Disposition"])
        workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        sheet = workbook["查 管网普查"]
        self.assertEqual(sheet["B4"].value, self.survey.name)
        self.assertEqual(sheet["H4"].value, 400)
        # Stored in the uploads store, under no public address.
        self.assertTrue(job.result["file"].startswith("ledgers/2018-06/"))
        self.assertTrue(default_storage.exists(job.result["file"]))

    def test_any_logged_in_user_sees_it_and_nobody_else(self):
        job = self.click()
        for user in (self.editor_b, self.administrator):
            self.client.force_login(user)
            self.assertEqual(
                self.client.get(reverse("projects:job", args=[job.pk])).status_code, 200
            )
            self.download(job)
        self.client.logout()
        for name in ("projects:job", "projects:job-file", "projects:job-status"):
            response = self.client.get(reverse(name, args=[job.pk]))
            self.assertEqual(response.status_code, 302, name)
            self.assertTrue(response.url.startswith(reverse("login")))

    def test_the_same_file_is_handed_out_until_the_data_changes(self):
        first = self.click()
        self.client.force_login(self.editor_a)
        self.assertEqual(self.click(), first)  # nothing changed: the same job and file
        report = ProgressReport.objects.get(project=self.survey, month=JUNE)
        report.investment_this_month_wan = Decimal("450.00")
        report.save()
        second = self.click()
        self.assertNotEqual(second, first)
        workbook = openpyxl.load_workbook(
            io.BytesIO(b"".join(self.download(second).streaming_content))
        )
        self.assertEqual(workbook["查 管网普查"]["H4"].value, 450)
        # The month's older file is gone; its page says so and offers to build it again.
        first.refresh_from_db()
        self.assertEqual(first.result["file"], "")
        self.assertEqual(second.result["removed"], 1)
        self.assertEqual(
            self.client.get(reverse("projects:job-file", args=[first.pk])).status_code, 404
        )
        page = self.client.get(reverse("projects:job", args=[first.pk]))
        self.assertContains(page, "该文件已删除")
        self.assertContains(page, f"{reverse('projects:month-ledger')}?month=2018-06")

    def test_a_file_gone_from_the_store_is_built_anew(self):
        first = self.click()
        default_storage.delete(first.result["file"])  # e.g. the store was cleaned by hand
        second = self.click()
        self.assertNotEqual(second, first)
        self.download(second)

    @override_settings(LEDGER_REUSE_SECONDS=0)
    def test_an_old_file_is_built_anew_and_files_past_the_keeping_days_are_deleted(self):
        may = self.click("2018-05")
        june = self.click()
        self.assertTrue(default_storage.exists(may.result["file"]))  # another month: kept
        Job.objects.filter(pk=may.pk).update(
            finished_at=timezone.now() - datetime.timedelta(days=8)
        )
        again = self.click()
        self.assertNotEqual(again, june)  # older than LEDGER_REUSE_SECONDS: built anew
        self.assertEqual(again.result["removed"], 2)  # June's first, May's too old
        self.assertFalse(default_storage.exists(may.result["file"]))
        self.assertFalse(default_storage.exists(june.result["file"]))
        self.assertTrue(default_storage.exists(again.result["file"]))

    def test_a_file_that_cannot_be_stored_fails_the_job_saying_why(self):
        error = OSError(28, "No space left on device")
        with (
            mock.patch.object(default_storage, "save", side_effect=error),
            self.assertLogs("projects.services.ledger_files", "ERROR"),
        ):
            job = self.click()
        self.assertEqual(job.status, Job.Status.FAILED)
        self.assertEqual(job.message, "文件无法保存（No space left on device），没有可下载的文件。")
        page = self.client.get(reverse("projects:job", args=[job.pk]))
        self.assertContains(page, job.message)
        self.assertContains(page, "重新生成工作台账")
        self.assertEqual(os.listdir(settings.MEDIA_ROOT), [])
        # A failed job is not handed out again.
        self.assertNotEqual(self.click(), job)

    def test_a_month_that_is_not_one_is_refused_and_starts_nothing(self):
        response = self.client.get(reverse("projects:month-ledger"), {"month": "2018-6"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Job.objects.exists())

    def test_a_running_ledger_job_is_handed_out_again(self):
        running = Job.objects.create(
            kind=Job.Kind.LEDGER,
            status=Job.Status.RUNNING,
            params={"month": "2018-06"},
            started_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
        response = self.client.get(reverse("projects:month-ledger"), {"month": "2018-06"})
        self.assertRedirects(
            response, reverse("projects:job", args=[running.pk]), fetch_redirect_response=False
        )
        # …but not once it is interrupted.
        Job.objects.filter(pk=running.pk).update(
            heartbeat_at=timezone.now() - datetime.timedelta(hours=1)
        )
        self.assertNotEqual(self.click(), running)
