"""Background jobs on a real broker: the site hands the job to Celery, a Celery worker (the
test worker, in a thread of this process, on the same broker and database) runs it.

- A 100,000-row samples file: uploaded, checked, confirmed; the page's status (the JSON the
  progress bar polls) is watched rising until the job succeeds with the batch;
- a job whose write fails midway: nothing written, the user told why;
- the alert digests queued by ``send_alerts --enqueue`` and by Celery beat's entry, sent by
  the worker;
- a job whose worker died (running, its heartbeat stale) taken over by the message the broker
  hands out again, after waiting while the heartbeat was fresh.

The broker is ``CELERY_TEST_BROKER_URL`` (default redis://127.0.0.1:6379/14; RabbitMQ works
too, e.g. amqp://guest:guest@127.0.0.1:5672//). When it cannot be reached the tests are
skipped, unless ``REQUIRE_BROKER=1`` (CI): then they fail."""

import datetime
import io
import os
import shutil
import tempfile
import time
import unittest
from unittest import mock

from celery.contrib.testing.worker import start_worker
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from kombu import Connection

from projects.core import roles
from projects.models import Channel, ImportBatch, Job, Plan, Sample, SamplingPoint, Task
from projects.services import jobs
from projects.services.imports import base
from tests.browser import restore_migrated_data
from tests.test_editing import make_role_users
from tests.test_imports import SAMPLE_HEADER, csv_file
from waterworks.celery import app, beat_schedule

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/14")
REQUIRED = os.environ.get("REQUIRE_BROKER") == "1"


def broker_is_up():
    try:
        with Connection(BROKER, connect_timeout=2) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        return True
    except Exception:
        return False


def many_sample_rows(n, points=50, start=datetime.datetime(2018, 1, 1, 0, 0)):
    """``n`` good rows of 造贝排洪渠 at ``points`` points, each point sampled every hour."""
    for i in range(n):
        moment = start + datetime.timedelta(hours=i // points)
        yield f"造贝排洪渠,{i % points + 1}号点,{moment:%Y-%m-%d %H:%M},80,35,3.2,120,4.5,区监测站"


@unittest.skipUnless(
    REQUIRED or broker_is_up(),
    f"no broker at {BROKER} (CI sets REQUIRE_BROKER=1 and starts Redis)",
)
class BrokerJobTests(TransactionTestCase):
    fixtures = ["xiangzhou_2018"]
    serialized_rollback = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not broker_is_up():
            raise AssertionError(f"REQUIRE_BROKER=1 but no broker answers at {BROKER}")
        previous = app.conf.broker_url
        app.conf.broker_url = BROKER
        cls.addClassCleanup(setattr, app.conf, "broker_url", previous)
        app.control.purge()  # nothing left over from an earlier run
        worker = start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30)
        cls.enterClassContext(worker)

    def setUp(self):
        if not Group.objects.filter(name=roles.UNIT_EDITOR).exists():
            # An earlier transactional test emptied the tables the migrations had filled.
            restore_migrated_data()
        media = tempfile.mkdtemp(prefix="waterworks-broker-")
        self.addCleanup(shutil.rmtree, media, True)
        settings = override_settings(MEDIA_ROOT=media, CELERY_BROKER_URL=BROKER)
        settings.enable()
        self.addCleanup(settings.disable)
        make_role_users(self)
        self.client.force_login(self.editor_a)

    def upload_and_confirm(self, rows):
        """Upload a samples CSV, then confirm it; returns the job the confirmation started."""
        response = self.client.post(
            reverse("projects:import-upload", args=["samples"]),
            {"file": csv_file(SAMPLE_HEADER, rows)},
        )
        self.assertEqual(response.status_code, 302)
        preview = response.url
        self.assertContains(self.client.get(preview), 'name="confirm"')
        response = self.client.post(preview + "confirm/", {"confirm": "1"})
        job = Job.objects.get()
        self.assertRedirects(
            response, reverse("projects:job", args=[job.pk]), fetch_redirect_response=False
        )
        return job

    def watch(self, job, seconds=300):
        """The job's status as its page polls it, until it has finished: every answer seen."""
        url = reverse("projects:job-status", args=[job.pk])
        seen = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                status = self.client.get(url).json()
            except OperationalError:  # SQLite's shared cache: the worker is writing the row
                continue
            seen.append(status)
            if status["finished"]:
                return seen
            time.sleep(0.05)
        raise AssertionError(f"job {job.pk} not finished after {seconds} s: {seen[-1]}")

    def test_a_100000_row_import_runs_on_a_worker_with_its_progress_rising(self):
        job = self.upload_and_confirm(many_sample_rows(100_000))
        seen = self.watch(job)
        last = seen[-1]
        self.assertEqual(last["status"], "succeeded", last["message"])
        batch = ImportBatch.objects.get()
        self.assertEqual((batch.rows, batch.created), (100_000, 100_050))
        self.assertEqual(Sample.objects.filter(import_batch=batch).count(), 100_000)
        self.assertEqual(last["message"], "已导入“samples.csv”的 100000 行，新建 100050 条记录。")
        self.assertEqual(last["result_url"], reverse("projects:import-batch", args=[batch.pk]))
        self.assertEqual((last["percent"], last["done"], last["total"]), (100, 100_050, 100_050))
        # Progress only rises, and the worker was seen at work before it had finished.
        percents = [status["percent"] for status in seen]
        self.assertEqual(percents, sorted(percents))
        self.assertIn("running", [status["status"] for status in seen])
        steps = [status["step"] for status in seen if status["status"] == "running"]
        self.assertIn("正在检查文件", steps)
        if connection.vendor != "sqlite":
            # Inside the write's transaction the progress is written from another connection
            # (SQLite has one writer at a time: there it is seen at the end).
            self.assertTrue(
                any(0 < status["percent"] < 100 for status in seen),
                [(s["step"], s["done"], s["total"]) for s in seen],
            )
        page = self.client.get(reverse("projects:job", args=[job.pk]))
        self.assertContains(page, last["message"])
        self.assertContains(page, last["result_url"])

    def test_a_job_failing_on_the_worker_writes_nothing_and_says_why(self):
        channel = Channel.objects.get(name="造贝排洪渠")
        points_before = SamplingPoint.objects.filter(channel=channel).count()
        real_insert = base.Writer.insert
        calls = []

        def insert_then_fail(writer, model, rows):
            calls.append(model)
            if model is Sample and len(calls) > 2:
                raise RuntimeError("the database server went away")
            return real_insert(writer, model, rows)

        with (
            override_settings(IMPORT_JOB_ROWS=100),
            mock.patch.object(base, "PROGRESS_ROWS", 500),
            mock.patch.object(base.Writer, "insert", insert_then_fail),
            self.assertLogs("projects.services.jobs", "ERROR") as logs,
        ):
            job = self.upload_and_confirm(many_sample_rows(2000))
            last = self.watch(job, seconds=120)[-1]
        self.assertEqual(calls, [SamplingPoint, Sample, Sample])  # 50 points, 500 samples, then
        self.assertEqual(last["status"], "failed")
        self.assertEqual(
            last["message"],
            "处理因意外错误而中止，未写入任何数据。"
            f"管理员可在日志中按后台任务 #{job.pk} 查看详情。",
        )
        self.assertIn("the database server went away", "\n".join(logs.output))
        self.assertEqual(Sample.objects.count(), 0)
        self.assertEqual(SamplingPoint.objects.filter(channel=channel).count(), points_before)
        self.assertFalse(ImportBatch.objects.exists())
        page = self.client.get(reverse("projects:job", args=[job.pk]))
        self.assertContains(page, last["message"])
        self.assertNotContains(page, "went away")

    def wait_for_job(self, seconds=120, **filters):
        """The job matching ``filters`` once it has finished."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                job = Job.objects.filter(**filters).first()
            except OperationalError:
                continue
            if job is not None and job.status in (Job.Status.SUCCEEDED, Job.Status.FAILED):
                return job
            time.sleep(0.05)
        raise AssertionError(f"no finished job {filters} after {seconds} s")

    def overdue_task(self):
        """A task of unit A past its deadline: unit A's editor gets a digest."""
        self.editor_a.email = "editor_a@example.gov.cn"
        self.editor_a.save()
        channel = Channel.objects.get(name="造贝排洪渠")
        plan = Plan.objects.filter(channel=channel).first() or Plan.objects.create(
            channel=channel, title="造贝排洪渠一河一策"
        )
        Task.objects.create(
            plan=plan,
            content="清理造贝排洪渠淤泥",
            lead_unit=self.unit_a,
            deadline=datetime.date(2018, 6, 1),
        )

    def test_send_alerts_enqueue_has_a_worker_send_the_digests(self):
        self.overdue_task()
        mail.outbox = []
        out = io.StringIO()
        call_command("send_alerts", "--enqueue", "--date", "2018-06-30", stdout=out)
        job = self.wait_for_job(kind=Job.Kind.ALERTS)
        self.assertEqual(out.getvalue().strip(), f"已作为后台任务 #{job.pk} 排队。")
        self.assertEqual(job.status, Job.Status.SUCCEEDED, job.message)
        self.assertEqual(job.params, {"days": None, "date": "2018-06-30"})
        self.assertIsNone(job.user)
        self.assertEqual(job.message, "甲市政站：1 项，1 位收件人 已发送 1 封邮件。")
        self.assertEqual(job.result, {"sent": 1, "messages": 1})
        [message] = [m for m in mail.outbox if "editor_a@example.gov.cn" in m.to]
        self.assertIn("清理造贝排洪渠淤泥", message.body)

    def test_celery_beat_queues_the_digests_daily_when_a_time_is_set(self):
        self.assertEqual(beat_schedule(""), {})
        entry = beat_schedule("07:30")["send-alerts"]
        self.assertEqual(entry["task"], "projects.send_alerts")
        self.assertEqual((entry["schedule"].hour, entry["schedule"].minute), ({7}, {30}))
        with self.assertRaises(ValueError):
            beat_schedule("7h30")
        # What beat sends at that time, through the broker.
        self.overdue_task()
        mail.outbox = []
        app.send_task(entry["task"])
        job = self.wait_for_job(kind=Job.Kind.ALERTS)
        self.assertEqual(job.status, Job.Status.SUCCEEDED, job.message)
        self.assertTrue([m for m in mail.outbox if "editor_a@example.gov.cn" in m.to])

    @override_settings(JOB_STALE_SECONDS=1, JOB_HEARTBEAT_SECONDS=1)
    def test_a_job_whose_worker_died_is_taken_over_by_the_message_handed_out_again(self):
        # The first worker claimed it, then died: running, a heartbeat that stops. The broker
        # hands its message out again (acks_late, reject_on_worker_lost): the task finds the
        # heartbeat fresh, waits, and takes the job over once it has gone stale.
        job = Job.objects.create(
            kind=Job.Kind.REGRADE,
            user=self.editor_a,
            status=Job.Status.RUNNING,
            params={"channels": []},
            started_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
        self.assertTrue(jobs.run_job.acks_late)
        self.assertTrue(jobs.run_job.reject_on_worker_lost)
        jobs.run_job.delay(job.pk)
        job = self.wait_for_job(pk=job.pk, seconds=60)
        self.assertEqual(job.status, Job.Status.SUCCEEDED, job.message)
        self.assertGreater(job.started_at, job.created_at)
