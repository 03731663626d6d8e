"""Set-up never harms what the office entered: the article data goes into an empty database
only; re-running set-up after a user edited a seeded row keeps the edit and exits 0."""

import io
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from projects.core import roles
from projects.models import Channel, Task


def seed():
    out = io.StringIO()
    call_command("seed", stdout=out)
    return out.getvalue()


class SeedTests(TestCase):
    def test_it_loads_the_article_into_an_empty_database_and_says_so(self):
        self.assertIn("Loaded the article data", seed())
        self.assertEqual(Channel.objects.count(), 9)
        self.assertIn("nothing was loaded", seed())
        self.assertEqual(Channel.objects.count(), 9)

    def test_it_keeps_a_task_edited_in_the_site_and_a_renamed_channel(self):
        seed()
        call_command("ensure_history", stdout=io.StringIO())
        manager = get_user_model().objects.create_user("manager", password="x", is_staff=True)
        manager.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
        self.client.force_login(manager)
        task = Task.objects.get(plan__channel__name="105国道排洪渠")
        response = self.client.post(
            reverse("projects:task-update", args=[task.pk]),
            {
                "lead_unit": "",
                "responsible_person": "王工",
                "deadline": "",
                "status": Task.Status.DONE,
                "percent_complete": "100",
                "note": "",
                "completion_note": "河道清淤完成，已验收",
                "extension_reason": "",
                "extended_deadline": "",
                "expected_version": task.version,
            },
        )
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        channel = Channel.objects.get(name="造贝排洪渠")
        channel.location = "南屏镇造贝村（office 更正）"
        channel.save()

        for _ in range(2):
            self.assertIn("no row was changed", seed())
            call_command("ensure_history", stdout=io.StringIO())

        task.refresh_from_db()
        self.assertEqual(task.status, Task.Status.DONE)
        self.assertEqual(task.completion_note, "河道清淤完成，已验收")
        channel.refresh_from_db()
        self.assertEqual(channel.location, "南屏镇造贝村（office 更正）")

    def test_it_does_not_load_over_rows_the_office_entered_before_seeding(self):
        Channel.objects.create(name="前山河支渠")
        self.assertIn("nothing was loaded", seed())
        self.assertEqual(list(Channel.objects.values_list("name", flat=True)), ["前山河支渠"])


EDIT = """
from projects.models import Channel, Task
task = Task.objects.get(plan__channel__name="105国道排洪渠")
task.status = Task.Status.DONE
task.completion_note = "已办结（办公室录入）"
task.save()
channel = Channel.objects.get(name="造贝排洪渠")
channel.location = "办公室更正的位置"
channel.save()
"""

READ = """
from projects.models import Channel, Task
task = Task.objects.get(plan__channel__name="105国道排洪渠")
print(task.status, task.completion_note, Channel.objects.get(name="造贝排洪渠").location)
"""


def test_it_reruns_make_setup_after_an_edit_without_harm(tmp_path):
    """The real `make setup`, twice, on its own SQLite file, with a user's edit in between
    that moves the task's version on (what made loaddata raise RecordModifiedError)."""
    base = Path(settings.BASE_DIR)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "DEBUG": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage = [sys.executable, "manage.py"]

    def run(*command):
        done = subprocess.run(command, cwd=base, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    first = run("make", "--no-print-directory", "setup", f"PYTHON={sys.executable}")
    assert "Loaded the article data" in first
    run(*manage, "shell", "--no-imports", "-c", EDIT)
    for _ in range(2):
        again = run("make", "--no-print-directory", "setup", f"PYTHON={sys.executable}")
        assert "no row was changed" in again
    assert run(*manage, "shell", "--no-imports", "-c", READ).split() == [
        Task.Status.DONE,
        "已办结（办公室录入）",
        "办公室更正的位置",
    ]
