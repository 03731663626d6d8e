"""Background jobs with the embedded runner (no broker: a thread of this process): a large
import's confirmation starts a job and sends the user to its page, the job writes the file with
its progress told as it goes, a failing job writes nothing and says why in the user's
language, and nobody but the user who started it (or an administrator) sees it.

Transactional tests: the job runs in another thread, on another database connection, which
sees only what is committed."""

import datetime
import shutil
import tempfile
import time
from unittest import mock

from django.contrib.auth.models import Group
from django.db import OperationalError
from django.test import TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from projects.core import roles
from projects.models import (
    Channel,
    DefectCode,
    ImportBatch,
    Job,
    Judgement,
    PipeSegment,
    Sample,
    SamplingPoint,
    SegmentScore,
)
from projects.services import jobs, sewer_condition
from projects.services.imports import base
from tests.browser import restore_migrated_data
from tests.factories import add_sewer_records, add_water_records
from tests.test_editing import make_role_users
from tests.test_imports import SAMPLE_HEADER, csv_file, sample_rows


def wait_for(job, seconds=60):
    """The job once it has finished (the test fails if it has not within ``seconds``)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            job.refresh_from_db()
        except OperationalError:  # SQLite: the job's thread is writing the row
            continue
        if job.finished:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job.pk} still {job.status} after {seconds} s")


class JobTestCase(TransactionTestCase):
    fixtures = ["xiangzhou_2018"]
    serialized_rollback = True

    def setUp(self):
        if not (
            Group.objects.filter(name=roles.UNIT_EDITOR).exists() and DefectCode.objects.exists()
        ):
            # An earlier transactional test emptied the tables the migrations had filled.
            restore_migrated_data()
        media = tempfile.mkdtemp(prefix="waterworks-jobs-")
        self.addCleanup(shutil.rmtree, media, True)
        settings = override_settings(MEDIA_ROOT=media, IMPORT_JOB_ROWS=100, CELERY_BROKER_URL="")
        settings.enable()
        self.addCleanup(settings.disable)
        make_role_users(self)
        self.zaobei = Channel.objects.get(name="造贝排洪渠")

    def upload(self, rows, user=None):
        """Upload a samples CSV through the site as ``user``; returns the preview's URL."""
        self.client.force_login(user or self.editor_a)
        response = self.client.post(
            reverse("projects:import-upload", args=["samples"]),
            {"file": csv_file(SAMPLE_HEADER, rows)},
        )
        self.assertEqual(response.status_code, 302)
        return response.url

    def confirm(self, preview_url):
        return self.client.post(preview_url + "confirm/", {"confirm": "1"})


class LargeImportTests(JobTestCase):
    def test_a_large_file_is_written_by_a_job_followed_on_its_page(self):
        preview = self.upload(sample_rows(120))
        told = []
        real_call = jobs.Progress.__call__

        def record(progress, done=None, total=None, step=None):
            told.append((progress.job.step if step is None else str(step), done, total))
            return real_call(progress, done=done, total=total, step=step)

        with (
            mock.patch.object(jobs.Progress, "__call__", record),
            mock.patch.object(base, "PROGRESS_ROWS", 25),
        ):
            response = self.confirm(preview)
            job = Job.objects.get()
            self.assertRedirects(
                response, reverse("projects:job", args=[job.pk]), fetch_redirect_response=False
            )
            wait_for(job)

        self.assertEqual(job.status, Job.Status.SUCCEEDED, job.message)
        batch = ImportBatch.objects.get()
        self.assertEqual(job.result, {"batch": batch.pk})
        self.assertEqual(job.user, self.editor_a)
        self.assertEqual(Sample.objects.filter(import_batch=batch).count(), 120)
        self.assertEqual(job.message, "已导入“samples.csv”的 120 行，新建 123 条记录。")
        self.assertEqual((job.done, job.total), (123, 123))
        # The steps, then the records written 25 at a time: 3 new points, then 120 samples.
        self.assertEqual(told[0], ("正在检查文件", 0, 120))
        self.assertEqual(told[1], ("正在写入记录", 0, 123))
        self.assertEqual([done for _step, done, _total in told[2:]], [3, 28, 53, 78, 103, 123])
        # The channel was graded again in the same job.
        self.assertTrue(Judgement.objects.filter(channel=self.zaobei).exists())

        page = self.client.get(response.url)
        self.assertContains(page, "已完成")
        self.assertContains(page, job.message)
        self.assertContains(page, reverse("projects:import-batch", args=[batch.pk]))
        self.assertContains(page, 'class="pct-100"')
        self.assertNotContains(page, "data-job-status-url")  # finished: nothing to poll
        status = self.client.get(reverse("projects:job-status", args=[job.pk])).json()
        self.assertEqual(
            (status["status"], status["percent"], status["done"], status["finished"]),
            ("succeeded", 100, 123, True),
        )
        self.assertEqual(status["result_url"], reverse("projects:import-batch", args=[batch.pk]))
        # The kept file is gone: confirming again finds nothing.
        self.assertEqual(self.confirm(preview).status_code, 404)
        self.assertEqual(Job.objects.count(), 1)

    def test_a_running_job_shows_its_bar_and_the_script_that_polls(self):
        job = Job.objects.create(
            kind=Job.Kind.IMPORT,
            user=self.editor_a,
            status=Job.Status.RUNNING,
            step="正在写入记录",
            done=30,
            total=120,
        )
        self.client.force_login(self.editor_a)
        page = self.client.get(reverse("projects:job", args=[job.pk]))
        self.assertContains(page, 'class="pct-25"')
        self.assertContains(page, "正在写入记录")
        self.assertContains(
            page, f'data-job-status-url="{reverse("projects:job-status", args=[job.pk])}"'
        )
        # Without JavaScript: a plain link to the same page.
        self.assertContains(page, f'href="{reverse("projects:job", args=[job.pk])}"')
        status = self.client.get(reverse("projects:job-status", args=[job.pk])).json()
        self.assertEqual((status["percent"], status["finished"]), (25, False))

    def test_a_small_file_is_still_written_in_the_request(self):
        preview = self.upload(sample_rows(99))
        response = self.confirm(preview)
        batch = ImportBatch.objects.get()
        self.assertRedirects(response, reverse("projects:import-batch", args=[batch.pk]))
        self.assertFalse(Job.objects.exists())

    def test_the_admins_import_starts_the_same_job(self):
        self.client.force_login(self.administrator)
        start = reverse("admin:projects_sample_import")
        response = self.client.post(start, {"file": csv_file(SAMPLE_HEADER, sample_rows(150))})
        self.assertEqual(response.status_code, 302)
        response = self.client.post(response.url + "confirm/", {"confirm": "1"})
        job = Job.objects.get()
        self.assertRedirects(
            response, reverse("projects:job", args=[job.pk]), fetch_redirect_response=False
        )
        wait_for(job)
        self.assertEqual(job.status, Job.Status.SUCCEEDED, job.message)
        self.assertEqual(Sample.objects.count(), 150)


class FailingJobTests(JobTestCase):
    def test_a_write_failing_midway_leaves_nothing_and_says_so(self):
        preview = self.upload(sample_rows(120))
        points_before = SamplingPoint.objects.count()
        real_insert = base.Writer.insert
        calls = []

        def insert_then_fail(writer, model, rows):
            calls.append(model)
            if model is Sample and len(calls) > 2:
                raise RuntimeError("disk full")
            return real_insert(writer, model, rows)

        with (
            mock.patch.object(base.Writer, "insert", insert_then_fail),
            mock.patch.object(base, "PROGRESS_ROWS", 25),
            self.assertLogs("projects.services.jobs", "ERROR") as logs,
        ):
            response = self.confirm(preview)
            job = wait_for(Job.objects.get())
        # The points and the first 25 samples had been written when it failed: all undone.
        self.assertEqual(calls, [SamplingPoint, Sample, Sample])
        self.assertEqual(job.status, Job.Status.FAILED)
        self.assertEqual(Sample.objects.count(), 0)
        self.assertEqual(SamplingPoint.objects.count(), points_before)
        self.assertFalse(ImportBatch.objects.exists())
        self.assertFalse(Judgement.objects.filter(channel=self.zaobei).exists())
        # The user reads why, in Chinese, without the traceback; the log has it.
        self.assertEqual(
            job.message,
            "处理因意外错误而中止，未写入任何数据。"
            f"管理员可在日志中按后台任务 #{job.pk} 查看详情。",
        )
        self.assertIn("disk full", "\n".join(logs.output))
        page = self.client.get(response.url)
        self.assertContains(page, "失败")
        self.assertContains(page, job.message)
        self.assertNotContains(page, "disk full")
        self.assertContains(page, f'href="{preview}"')  # back to the file's check

    def test_a_file_that_no_longer_passes_is_refused_by_the_job(self):
        preview = self.upload(sample_rows(120))
        # Between the dry run and the confirmation someone stores a sample at the same point
        # and time as the file's first row.
        point = SamplingPoint.objects.create(channel=self.zaobei, name="1号点", sequence=99)
        Sample.objects.create(point=point, sampled_at="2018-01-01T09:00+08:00", do_mg_l=3)
        self.confirm(preview)
        job = wait_for(Job.objects.get())
        self.assertEqual(job.status, Job.Status.FAILED)
        self.assertEqual(job.message, "该文件已无法通过检查，未写入任何数据。")
        self.assertEqual(Sample.objects.count(), 1)
        self.assertFalse(ImportBatch.objects.exists())
        # The preview shows the new error.
        preview_page = self.client.get(preview)
        self.assertContains(preview_page, "该采样点在该时间已有水样记录。")


@override_settings(JOB_ACTION_ITEMS=2)
class AdminActionJobTests(JobTestCase):
    """The admin's regrade of many channels and rescore of many segments run as jobs."""

    def test_regrading_every_channel_is_a_job(self):
        add_water_records(self.zaobei)
        Judgement.objects.all().delete()
        self.client.force_login(self.administrator)
        response = self.client.post(
            reverse("admin:projects_channel_changelist"),
            {
                "action": "regrade_selected",
                "_selected_action": list(Channel.objects.values_list("pk", flat=True)),
            },
        )
        job = Job.objects.get()
        self.assertRedirects(
            response, reverse("projects:job", args=[job.pk]), fetch_redirect_response=False
        )
        self.assertEqual(job.params, {"channels": None})  # every channel
        wait_for(job)
        self.assertEqual(job.status, Job.Status.SUCCEEDED, job.message)
        self.assertEqual(job.message, "已写入 1 条新的黑臭评定。")
        self.assertEqual(Judgement.objects.get().channel, self.zaobei)
        self.assertEqual((job.done, job.total), (Channel.objects.count(),) * 2)
        self.assertContains(self.client.get(response.url), job.message)

    def test_a_small_selection_is_still_regraded_in_the_request(self):
        add_water_records(self.zaobei)
        Judgement.objects.all().delete()
        self.client.force_login(self.administrator)
        response = self.client.post(
            reverse("admin:projects_channel_changelist"),
            {"action": "regrade_selected", "_selected_action": [self.zaobei.pk]},
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Job.objects.exists())
        self.assertEqual(Judgement.objects.get().channel, self.zaobei)

    def test_rescoring_many_segments_is_a_job(self):
        segment = add_sewer_records()
        other = PipeSegment.objects.create(code="东YS002", diameter_mm=600, length_m=30)
        SegmentScore.objects.all().delete()
        self.client.force_login(self.administrator)
        response = self.client.post(
            reverse("admin:projects_pipesegment_changelist"),
            {"action": "rescore", "_selected_action": [segment.pk, other.pk]},
        )
        job = Job.objects.get()
        self.assertRedirects(
            response, reverse("projects:job", args=[job.pk]), fetch_redirect_response=False
        )
        wait_for(job)
        self.assertEqual(job.status, Job.Status.SUCCEEDED, job.message)
        self.assertIn("为 1 个管段评分", job.message)
        self.assertEqual(SegmentScore.objects.get().segment, segment)


class JobAccessTests(JobTestCase):
    def test_only_the_user_who_started_it_and_administrators_see_a_job(self):
        job = Job.objects.create(kind=Job.Kind.REGRADE, user=self.editor_a, message="完成")
        urls = [
            reverse("projects:job", args=[job.pk]),
            reverse("projects:job-status", args=[job.pk]),
        ]
        for user, expected in [
            (self.editor_a, 200),
            (self.administrator, 200),
            (self.editor_b, 404),
            (self.viewer, 404),
        ]:
            self.client.force_login(user)
            for url in urls:
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.client.get(url).status_code, expected)
        self.client.logout()
        for url in urls:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response.url.startswith(reverse("login")))


class UnreachableBrokerTests(JobTestCase):
    def test_a_job_that_cannot_be_queued_is_failed_with_the_reason(self):
        with (
            override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0"),
            mock.patch.object(jobs.run_job, "delay", side_effect=ConnectionError("refused")),
            self.assertLogs("projects.services.jobs", "ERROR"),
        ):
            job = jobs.start(Job.Kind.REGRADE, self.administrator)
        job.refresh_from_db()
        self.assertEqual(job.status, Job.Status.FAILED)
        self.assertEqual(job.message, "无法连接后台任务队列，未做任何处理。请稍后再试。")


def slow_work(job, progress):
    """A job's work that takes a moment (while its heartbeat beats)."""
    progress(step="正在等待", done=0, total=1)
    time.sleep(0.6)
    return jobs.Outcome("好了")


class InterruptedJobTests(JobTestCase):
    """A job cut short (its web process restarted, its worker died) stays marked running:
    once its heartbeat is older than JOB_STALE_SECONDS it is shown as failed, interrupted,
    with a button that starts it again."""

    def stale_job(self, **fields):
        long_ago = timezone.now() - datetime.timedelta(seconds=301)
        return Job.objects.create(
            kind=Job.Kind.REGRADE,
            user=self.administrator,
            status=Job.Status.RUNNING,
            step="正在重新评定",
            done=10,
            total=40,
            params={"channels": None},
            started_at=long_ago,
            heartbeat_at=long_ago,
            **fields,
        )

    def test_a_silent_running_job_shows_as_interrupted_and_is_started_again(self):
        add_water_records(self.zaobei)
        Judgement.objects.all().delete()
        job = self.stale_job()
        self.client.force_login(self.administrator)
        page = self.client.get(reverse("projects:job", args=[job.pk]))
        interrupted = "任务未完成即被中断（运行它的进程已停止），未写入任何数据。请重新开始。"
        self.assertContains(page, "<b data-job-status>失败</b>", html=False)
        self.assertContains(page, interrupted)
        self.assertNotContains(page, "data-job-status-url")  # nothing to poll
        restart = reverse("projects:job-restart", args=[job.pk])
        self.assertContains(page, f'action="{restart}"')
        status = self.client.get(reverse("projects:job-status", args=[job.pk])).json()
        self.assertEqual(
            (status["status"], status["status_label"], status["finished"], status["interrupted"]),
            ("failed", "失败", True, True),
        )
        self.assertEqual(status["message"], interrupted)
        # In the reader's language.
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        status = self.client.get(reverse("projects:job-status", args=[job.pk])).json()
        self.assertTrue(status["message"].startswith("The work was cut short"), status)

        response = self.client.post(restart)
        self.assertRedirects(response, reverse("projects:job", args=[job.pk]))
        wait_for(job)
        self.assertEqual(job.status, Job.Status.SUCCEEDED, job.message)
        self.assertEqual(job.message, "已写入 1 条新的黑臭评定。")
        self.assertEqual(Judgement.objects.get().channel, self.zaobei)
        # Not interrupted any more: nothing to restart.
        self.client.post(restart)
        self.assertEqual(Judgement.objects.count(), 1)

    def test_a_running_job_with_a_recent_heartbeat_is_not_interrupted(self):
        job = self.stale_job()
        Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
        self.client.force_login(self.administrator)
        status = self.client.get(reverse("projects:job-status", args=[job.pk])).json()
        self.assertEqual((status["status"], status["finished"]), ("running", False))
        self.client.post(reverse("projects:job-restart", args=[job.pk]))
        job.refresh_from_db()
        self.assertEqual(job.status, Job.Status.RUNNING)

    @override_settings(JOB_HEARTBEAT_SECONDS=0.1)
    def test_a_running_job_beats(self):
        with mock.patch.dict(jobs.WORKS, {Job.Kind.REGRADE: "tests.test_jobs.slow_work"}):
            job = jobs.start(Job.Kind.REGRADE, self.administrator)
            wait_for(job)
        self.assertEqual(job.status, Job.Status.SUCCEEDED, job.message)
        self.assertGreater(job.heartbeat_at, job.started_at)

    def test_only_those_who_see_a_job_restart_it(self):
        job = self.stale_job()
        self.client.force_login(self.editor_b)
        response = self.client.post(reverse("projects:job-restart", args=[job.pk]))
        self.assertEqual(response.status_code, 404)
        job.refresh_from_db()
        self.assertEqual(job.status, Job.Status.RUNNING)


@override_settings(JOB_ACTION_ITEMS=2)
class RescoreProgressTests(JobTestCase):
    def test_the_rescore_job_tells_its_progress_per_chunk_of_segments(self):
        segments = [add_sewer_records()]
        for number in range(2, 6):
            segments.append(
                PipeSegment.objects.create(code=f"东YS00{number}", diameter_mm=600, length_m=30)
            )
        told = []
        real_call = jobs.Progress.__call__

        def record(progress, done=None, total=None, step=None):
            told.append((done, total))
            return real_call(progress, done=done, total=total, step=step)

        self.client.force_login(self.administrator)
        with (
            mock.patch.object(jobs.Progress, "__call__", record),
            mock.patch.object(sewer_condition, "CHUNK", 2),
        ):
            self.client.post(
                reverse("admin:projects_pipesegment_changelist"),
                {"action": "rescore", "_selected_action": [s.pk for s in segments[:4]]},
            )
            job = wait_for(Job.objects.get())
        self.assertEqual(job.status, Job.Status.SUCCEEDED, job.message)
        self.assertEqual(told, [(0, 0), (2, 4), (4, 4)])
        self.assertEqual((job.done, job.total), (4, 4))
        self.assertEqual(SegmentScore.objects.get().segment, segments[0])
