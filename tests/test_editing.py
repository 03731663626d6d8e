"""Editing in the site: scoped to the user's unit, validated in Chinese, recorded in history,
and never overwriting someone else's newer save."""

import datetime
import io
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from projects.core import roles
from projects.models import Channel, Profile, ProgressReport, Project, ResponsibleUnit, Task

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def make_role_users(testcase):
    """Two stations A and B, a viewer, an editor of each station and an administrator."""
    User = get_user_model()
    testcase.unit_a = ResponsibleUnit.objects.create(name="甲市政站", kind="station")
    testcase.unit_b = ResponsibleUnit.objects.create(name="乙市政站", kind="station")

    def user(name, role, unit=None, **flags):
        account = User.objects.create_user(name, password=f"{name}-pass-1", **flags)
        account.groups.add(Group.objects.get(name=role))
        if unit is not None:
            Profile.objects.create(user=account, unit=unit)
        return account

    testcase.viewer = user("viewer", roles.VIEWER)
    testcase.editor_a = user("editor_a", roles.UNIT_EDITOR, testcase.unit_a)
    testcase.editor_b = user("editor_b", roles.UNIT_EDITOR, testcase.unit_b)
    testcase.colleague_a = user("colleague_a", roles.UNIT_EDITOR, testcase.unit_a)
    testcase.administrator = user("manager", roles.ADMINISTRATOR, is_staff=True)


class EditingTestCase(TestCase):
    fixtures = ["xiangzhou_2018"]

    @classmethod
    def setUpTestData(cls):
        call_command("ensure_history", stdout=io.StringIO())
        make_role_users(cls)
        cls.zaobei = Channel.objects.get(name="造贝排洪渠")
        cls.g105 = Channel.objects.get(name="105国道排洪渠")
        # The article names no lead units: these tests give station A the 105 task and B the
        # 造贝 task, and station A the 105 project.
        cls.task_a = Task.objects.get(plan__channel=cls.g105)
        cls.task_a.lead_unit = cls.unit_a
        cls.task_a.deadline = datetime.date(2030, 6, 30)
        cls.task_a.save()
        cls.task_b = Task.objects.get(plan__channel=cls.zaobei)
        cls.task_b.lead_unit = cls.unit_b
        cls.task_b.save()
        cls.project_a = Project.objects.get(name="105国道排洪渠河道治理提升项目")
        cls.project_a.lead_unit = cls.unit_a
        cls.project_a.save()

    def edit_url(self, task):
        return reverse("projects:task-update", args=[task.pk])

    def task_data(self, task, **changes):
        task.refresh_from_db()
        data = {
            "status": task.status,
            "percent_complete": task.percent_complete or "",
            "note": task.note,
            "completion_note": task.completion_note,
            "extension_reason": task.extension_reason,
            "extended_deadline": task.extended_deadline or "",
            "expected_version": task.version,
        }
        data.update(changes)
        return data


class TaskUpdateTests(EditingTestCase):
    def test_it_shows_the_update_button_only_on_the_editors_own_tasks(self):
        self.client.force_login(self.editor_a)
        page = self.client.get(self.g105.get_absolute_url())
        self.assertContains(page, self.edit_url(self.task_a))
        page = self.client.get(self.zaobei.get_absolute_url())
        self.assertNotContains(page, self.edit_url(self.task_b))

    def test_it_shows_no_edit_button_to_a_viewer(self):
        self.client.force_login(self.viewer)
        for channel in (self.g105, self.zaobei):
            page = self.client.get(channel.get_absolute_url())
            self.assertNotContains(page, "/edit/")
        page = self.client.get(self.project_a.get_absolute_url())
        self.assertNotContains(page, reverse("projects:report-create", args=[self.project_a.pk]))

    def test_it_lets_an_editor_complete_their_task_with_evidence_and_records_it(self):
        self.client.force_login(self.editor_a)
        self.assertEqual(self.client.get(self.edit_url(self.task_a)).status_code, 200)
        data = self.task_data(self.task_a, status="done", percent_complete=100)
        data["evidence"] = SimpleUploadedFile("验收报告.pdf", PDF, "application/pdf")
        with self.settings(MEDIA_ROOT=self.tmp_media()):
            response = self.client.post(self.edit_url(self.task_a), data)
            self.assertRedirects(response, self.g105.get_absolute_url())
            self.task_a.refresh_from_db()
            self.assertEqual(self.task_a.status, Task.Status.DONE)
            self.assertTrue(self.task_a.evidence.name.endswith(".pdf"))
            record = self.task_a.history.latest()
            self.assertEqual(record.history_user, self.editor_a)
            history = self.client.get(reverse("projects:task-history", args=[self.task_a.pk]))
            self.assertContains(history, "editor_a")
            self.assertContains(history, "已办结")
            evidence = self.client.get(reverse("projects:task-evidence", args=[self.task_a.pk]))
            self.assertEqual(b"".join(evidence.streaming_content), PDF)
            # The task's row on the channel page: update, evidence and history, in that order.
            page = self.client.get(self.g105.get_absolute_url()).content.decode()
            pk = self.task_a.pk
            self.assertIn(
                f'<a href="/tasks/{pk}/edit/" class="button">更新</a> '
                f'<a href="/tasks/{pk}/evidence/" class="">佐证材料</a> '
                f'<a href="/tasks/{pk}/history/" class="">变更记录</a>',
                page,
            )
            self.client.logout()
            evidence = self.client.get(reverse("projects:task-evidence", args=[self.task_a.pk]))
            self.assertEqual(evidence.status_code, 302)

    def tmp_media(self):
        import tempfile

        path = tempfile.mkdtemp(prefix="waterworks-media-")
        self.addCleanup(__import__("shutil").rmtree, path, True)
        return path

    def test_it_refuses_another_units_task_by_form_and_by_direct_post(self):
        self.client.force_login(self.editor_a)
        self.assertEqual(self.client.get(self.edit_url(self.task_b)).status_code, 403)
        before = Task.objects.get(pk=self.task_b.pk)
        response = self.client.post(
            self.edit_url(self.task_b),
            self.task_data(self.task_b, status="in_progress", note="不是我的"),
        )
        self.assertEqual(response.status_code, 403)
        after = Task.objects.get(pk=self.task_b.pk)
        self.assertEqual(
            (after.status, after.note, after.version), (before.status, before.note, before.version)
        )

    def test_it_refuses_every_post_from_a_viewer(self):
        self.client.force_login(self.viewer)
        report = ProgressReport.objects.create(
            project=self.project_a, month=datetime.date(2018, 5, 1), percent_complete=10
        )
        for url in (
            self.edit_url(self.task_a),
            reverse("projects:report-create", args=[self.project_a.pk]),
            reverse("projects:report-update", args=[report.pk]),
        ):
            with self.subTest(url):
                self.assertEqual(self.client.post(url, {"status": "done"}).status_code, 403)
                self.assertEqual(self.client.get(url).status_code, 403)

    def test_it_404s_for_a_task_that_does_not_exist(self):
        self.client.force_login(self.editor_a)
        self.assertEqual(
            self.client.get(reverse("projects:task-update", args=[999999])).status_code, 404
        )

    def test_it_needs_a_completion_note_or_evidence_to_complete(self):
        self.client.force_login(self.editor_a)
        response = self.client.post(
            self.edit_url(self.task_a),
            self.task_data(self.task_a, status="done", note="我写的备注"),
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "办结的任务须填写完成说明或上传佐证材料。")
        self.assertContains(response, "我写的备注")  # what the user typed is kept
        self.assertEqual(Task.objects.get(pk=self.task_a.pk).status, Task.Status.IN_PROGRESS)

    def test_it_needs_a_reason_to_request_an_extension_and_a_later_deadline_to_extend(self):
        self.client.force_login(self.editor_a)
        response = self.client.post(
            self.edit_url(self.task_a), self.task_data(self.task_a, status="extension_requested")
        )
        self.assertContains(response, "请填写申请延期的理由。")
        response = self.client.post(
            self.edit_url(self.task_a), self.task_data(self.task_a, status="extended")
        )
        self.assertContains(response, "已延期的任务须填写新的完成时限。")
        response = self.client.post(
            self.edit_url(self.task_a),
            self.task_data(self.task_a, status="extended", extended_deadline="2030-01-01"),
        )
        self.assertContains(response, "新的完成时限须晚于原定时限。")
        response = self.client.post(
            self.edit_url(self.task_a),
            self.task_data(self.task_a, status="extended", extended_deadline="2031-01-01"),
        )
        self.assertEqual(response.status_code, 302)
        self.task_a.refresh_from_db()
        self.assertEqual(self.task_a.extended_deadline, datetime.date(2031, 1, 1))

    def test_it_refuses_a_disguised_or_oversized_upload(self):
        self.client.force_login(self.editor_a)
        disguised = self.task_data(self.task_a, status="done")
        disguised["evidence"] = SimpleUploadedFile("报告.pdf", PNG, "application/pdf")
        response = self.client.post(self.edit_url(self.task_a), disguised)
        self.assertContains(response, "文件内容与其扩展名所示的 PDF 不符。")
        big = self.task_data(self.task_a, status="done")
        big["evidence"] = SimpleUploadedFile(
            "大.pdf", PDF + b"0" * (10 * 1024 * 1024), "application/pdf"
        )
        response = self.client.post(self.edit_url(self.task_a), big)
        self.assertContains(response, "最大允许")
        self.assertEqual(Task.objects.get(pk=self.task_a.pk).status, Task.Status.IN_PROGRESS)

    def test_it_lets_an_administrator_set_who_answers_for_any_task(self):
        self.client.force_login(self.administrator)
        response = self.client.post(
            self.edit_url(self.task_b),
            {
                **self.task_data(self.task_b, completion_note="见验收记录"),
                "lead_unit": self.unit_a.pk,
                "responsible_person": "王工",
                "deadline": "2018-12-31",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.task_b.refresh_from_db()
        self.assertEqual(
            (self.task_b.lead_unit, self.task_b.responsible_person), (self.unit_a, "王工")
        )


class ConflictTests(EditingTestCase):
    def test_it_refuses_the_second_of_two_saves_and_shows_what_changed(self):
        # Two people open the form at version v.
        first = self.task_data(self.task_a, percent_complete=40, note="甲的进度")
        second = self.task_data(self.task_a, percent_complete=55, note="乙的进度")
        self.client.force_login(self.colleague_a)
        self.assertEqual(self.client.post(self.edit_url(self.task_a), first).status_code, 302)

        self.client.force_login(self.editor_a)
        response = self.client.post(self.edit_url(self.task_a), second)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "他人已在您打开后保存了这条记录")
        self.assertContains(response, "colleague_a")
        self.assertContains(response, "<del>—</del> → <ins>40</ins>", html=False)
        self.assertContains(response, "乙的进度")  # the second user's entry is not lost
        task = Task.objects.get(pk=self.task_a.pk)
        self.assertEqual((task.percent_complete, task.note), (40, "甲的进度"))

        # Having seen the changes, saving again is a deliberate replacement.
        version = re.search(r'name="expected_version" value="(\d+)"', response.content.decode())
        self.assertEqual(int(version.group(1)), task.version)
        second["expected_version"] = version.group(1)
        self.assertEqual(self.client.post(self.edit_url(self.task_a), second).status_code, 302)
        self.assertEqual(Task.objects.get(pk=self.task_a.pk).note, "乙的进度")


class ReportTests(EditingTestCase):
    def create_url(self, project=None):
        return reverse("projects:report-create", args=[(project or self.project_a).pk])

    def test_it_lets_the_responsible_unit_file_a_report(self):
        self.client.force_login(self.editor_a)
        page = self.client.get(self.project_a.get_absolute_url())
        self.assertContains(page, self.create_url())
        response = self.client.post(
            self.create_url(),
            {
                "month": "2018-05",
                "percent_complete": "30",
                "investment_this_month_wan": "12.50",
                "note": "完成曝气设备安装",
            },
        )
        self.assertRedirects(response, self.project_a.get_absolute_url())
        report = ProgressReport.objects.get(project=self.project_a)
        self.assertEqual(
            (report.month, report.reported_by), (datetime.date(2018, 5, 1), self.editor_a)
        )
        self.assertEqual(report.history.latest().history_user, self.editor_a)

    def test_it_refuses_bad_reports_with_chinese_messages_and_saves_nothing(self):
        ProgressReport.objects.create(
            project=self.project_a, month=datetime.date(2018, 5, 1), percent_complete=10
        )
        self.client.force_login(self.editor_a)
        future = datetime.date.today().replace(day=1) + datetime.timedelta(days=40)
        cases = [
            ({"month": "2018-05"}, "该项目在该月份已有进度报告。"),
            ({"month": f"{future:%Y-%m}"}, "不能填报未来月份的进度。"),
            ({"percent_complete": "120"}, "百分比必须在 0 到 100 之间。"),
            ({"investment_this_month_wan": "-1"}, "金额和长度不能为负数。"),
            ({"month": "五月"}, "输入一个有效的日期。"),
        ]
        for change, message in cases:
            with self.subTest(message):
                data = {
                    "month": "2018-06",
                    "percent_complete": "20",
                    "investment_this_month_wan": "1.00",
                    "note": "保留的说明",
                    **change,
                }
                response = self.client.post(self.create_url(), data)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, message)
                self.assertContains(response, "保留的说明")
                self.assertEqual(ProgressReport.objects.filter(project=self.project_a).count(), 1)

    def test_it_lets_the_unit_correct_a_report_and_refuses_other_units(self):
        report = ProgressReport.objects.create(
            project=self.project_a, month=datetime.date(2018, 5, 1), percent_complete=10
        )
        url = reverse("projects:report-update", args=[report.pk])
        self.client.force_login(self.editor_b)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(self.client.get(self.create_url()).status_code, 403)
        self.client.force_login(self.editor_a)
        response = self.client.post(
            url,
            {
                "month": "2018-05",
                "percent_complete": "15",
                "investment_this_month_wan": "3",
                "note": "",
                "expected_version": report.version,
            },
        )
        self.assertEqual(response.status_code, 302)
        report.refresh_from_db()
        self.assertEqual(report.percent_complete, 15)

    def test_it_refuses_a_stale_correction(self):
        report = ProgressReport.objects.create(
            project=self.project_a, month=datetime.date(2018, 5, 1), percent_complete=10
        )
        url = reverse("projects:report-update", args=[report.pk])
        stale = {
            "month": "2018-05",
            "percent_complete": "12",
            "investment_this_month_wan": "0",
            "note": "",
            "expected_version": report.version,
        }
        report.percent_complete = 50
        report.save()
        self.client.force_login(self.editor_a)
        response = self.client.post(url, stale)
        self.assertContains(response, "他人已在您打开后保存了这条记录")
        report.refresh_from_db()
        self.assertEqual(report.percent_complete, 50)


class HistoryPageTests(EditingTestCase):
    def test_it_lists_changes_to_a_channels_plan_with_user_and_old_and_new_values(self):
        self.client.force_login(self.editor_a)
        self.client.post(
            self.edit_url(self.task_a), self.task_data(self.task_a, percent_complete=60)
        )
        self.client.force_login(self.viewer)
        response = self.client.get(reverse("projects:channel-history", args=[self.g105.pk]))
        self.assertContains(response, "editor_a")
        self.assertContains(response, "<ins>60</ins>", html=False)

    def test_it_lists_a_projects_reports_in_its_history(self):
        self.client.force_login(self.editor_a)
        self.client.post(
            reverse("projects:report-create", args=[self.project_a.pk]),
            {"month": "2018-07", "percent_complete": "35", "investment_this_month_wan": "8"},
        )
        response = self.client.get(reverse("projects:project-history", args=[self.project_a.pk]))
        self.assertContains(response, "2018-07")
        self.assertContains(response, "editor_a")

    @override_settings()
    def test_it_shows_a_batchs_own_history(self):
        from projects.models import InterceptionBatch

        batch = InterceptionBatch.objects.get(batch_number=2)
        batch.works_count = 13
        batch.save()
        self.client.force_login(self.viewer)
        response = self.client.get(reverse("projects:project-history", args=[batch.pk]))
        self.assertContains(response, "<del>12</del> → <ins>13</ins>", html=False)
