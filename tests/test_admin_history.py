"""History, optimistic locking, bulk actions, roles and user profiles in the admin.

Changes made in the admin are in each record's history with the admin user; a save based on a
stale version of a task or monthly report is refused, says what changed in between and saves
nothing; bulk actions write one history row per record; administrators (管理员 with staff status)
use the admin, other roles do not.

The assertions on messages the admin adds (conflict lines, bulk counts) check their stable parts
(field names, values, user names, counts), which read the same before and after the catalogue
translates them."""

from datetime import date
from decimal import Decimal
from io import StringIO
from unittest import mock

from django import forms
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.test import Client, TestCase
from django.urls import reverse

from projects.core import roles
from projects.forms.edits import VersionedForm
from projects.models import (
    InterceptionBatch,
    Job,
    MapOutline,
    PipeConstructionBatch,
    Plan,
    Profile,
    ProgressReport,
    Project,
    ResponsibleUnit,
    Task,
)
from tests.factories import (
    add_chief_records,
    add_operations_records,
    add_outfall_records,
    add_sewer_records,
    add_water_records,
)
from tests.test_admin import admin_url, form_data, inline_prefix

# Already in the catalogue (projects/forms.py): the refusal every stale form shows.
STALE = "他人已在您打开后保存了这条记录"


def message_texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


class AdminHistoryTestCase(TestCase):
    fixtures = ["xiangzhou_2018"]

    @classmethod
    def setUpTestData(cls):
        # As ``make setup`` does: the fixture's records get their first history row.
        call_command("ensure_history", stdout=StringIO())
        cls.admin = User.objects.create_superuser("admin", "admin@example.com", "pw-admin-123")
        cls.other_admin = User.objects.create_user(
            "wangfang", "wang@example.com", "pw-wang-123", is_staff=True
        )
        cls.other_admin.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
        cls.unit = ResponsibleUnit.objects.order_by("pk").first()
        cls.other_unit = ResponsibleUnit.objects.order_by("pk").last()
        cls.task = Task.objects.get(pk=2)  # 推进中, from the fixture
        cls.pending = Task.objects.create(
            plan=cls.task.plan, content="清理渠内淤泥", lead_unit=cls.unit
        )
        cls.pending.supporting_units.add(cls.other_unit)
        cls.extension = Task.objects.create(
            plan=cls.task.plan,
            content="完善排口台账",
            status=Task.Status.EXTENSION_REQUESTED,
            extension_reason="雨季施工受阻",
        )
        cls.project = Project.objects.get(pk=8)  # 105国道排洪渠河道治理提升项目, a plain project
        cls.report = ProgressReport.objects.create(
            project=cls.project,
            month=date(2018, 5, 1),
            percent_complete=Decimal("40.0"),
            investment_this_month_wan=Decimal("30.00"),
        )
        cls.second_report = ProgressReport.objects.create(
            project=cls.project,
            month=date(2018, 6, 1),
            percent_complete=Decimal("55.0"),
            investment_this_month_wan=Decimal("20.00"),
        )

    def setUp(self):
        self.client.force_login(self.admin)

    def client_for(self, user):
        client = Client()
        client.force_login(user)
        return client


class AdminChangeHistoryTests(AdminHistoryTestCase):
    def change_task(self, **values):
        url = admin_url(Task, "change", self.task.pk)
        data = form_data(self.client.get(url))
        data.update(values)
        response = self.client.post(url, data)
        self.assertRedirects(response, admin_url(Task, "changelist"))
        return response

    def test_it_records_an_admin_change_with_the_admin_user_and_the_field(self):
        before = self.task.history.count()
        self.change_task(responsible_person="李工")
        self.assertEqual(self.task.history.count(), before + 1)
        latest, previous = self.task.history.order_by("-history_date", "-history_id")[:2]
        self.assertEqual(latest.history_user, self.admin)
        self.assertEqual(latest.history_type, "~")
        delta = latest.diff_against(previous, excluded_fields=["version"])
        self.assertEqual(delta.changed_fields, ["responsible_person"])

    def test_it_shows_the_change_on_the_task_history_page(self):
        self.change_task(responsible_person="李工", percent_complete="60")
        response = self.client.get(admin_url(Task, "history", self.task.pk))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "责任人")  # the field, by its name
        self.assertContains(response, "李工")
        self.assertContains(response, "完成比例(%)")
        self.assertContains(response, "admin")  # who
        self.assertNotContains(response, "<strong>版本:</strong>")  # bookkeeping

    def test_it_shows_choices_by_their_label_on_the_history_page(self):
        self.change_task(status=Task.Status.EXTENSION_REQUESTED, extension_reason="汛期")
        response = self.client.get(admin_url(Task, "history", self.task.pk))
        self.assertContains(response, "推进中")
        self.assertContains(response, "申请延期")

    def test_it_records_a_report_changed_on_the_project_page(self):
        url = admin_url(Project, "change", self.project.pk)
        response = self.client.get(url)
        prefix = inline_prefix(response, ProgressReport)
        data = form_data(response)
        index = next(
            i
            for i in range(int(data[f"{prefix}-INITIAL_FORMS"]))
            if data[f"{prefix}-{i}-id"] == str(self.report.pk)
        )
        data[f"{prefix}-{index}-note"] = "补报"
        response = self.client.post(url, data)
        self.assertRedirects(response, admin_url(Project, "changelist"))
        latest = self.report.history.order_by("-history_date", "-history_id").first()
        self.assertEqual(latest.history_user, self.admin)
        self.assertEqual(latest.note, "补报")
        # The other report was not saved again.
        self.assertEqual(self.second_report.history.count(), 1)

    def test_it_reverts_a_task_to_an_earlier_version_from_its_history(self):
        first = self.task.history.order_by("history_date", "history_id").first()
        self.change_task(responsible_person="李工")
        url = admin_url(Task, "simple_history", self.task.pk, first.history_id)
        response = self.client.post(url, form_data(self.client.get(url)))
        self.assertRedirects(response, admin_url(Task, "changelist"))
        self.task.refresh_from_db()
        self.assertEqual(self.task.responsible_person, "")
        self.assertEqual(self.task.history.latest().history_user, self.admin)


class AdminTaskStatusTests(AdminHistoryTestCase):
    """The Task admin has the fields the status rules of ``Task.clean`` ask for."""

    def test_it_refuses_to_complete_a_task_without_a_completion_note(self):
        url = admin_url(Task, "change", self.task.pk)
        data = form_data(self.client.get(url))
        data["status"] = Task.Status.DONE
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "办结的任务须填写完成说明或上传佐证材料。")
        self.assertEqual(Task.objects.get(pk=self.task.pk).status, Task.Status.IN_PROGRESS)

    def test_it_completes_a_task_with_a_completion_note(self):
        url = admin_url(Task, "change", self.task.pk)
        data = form_data(self.client.get(url))
        data.update(status=Task.Status.DONE, completion_note="已验收")
        self.assertRedirects(self.client.post(url, data), admin_url(Task, "changelist"))
        self.assertEqual(Task.objects.get(pk=self.task.pk).status, Task.Status.DONE)

    def test_it_links_the_evidence_to_the_sites_evidence_view(self):
        Task.objects.filter(pk=self.task.pk).update(evidence="evidence/2018/05/验收报告.pdf")
        evidence_url = reverse("projects:task-evidence", args=[self.task.pk])
        for url in (
            admin_url(Task, "change", self.task.pk),
            admin_url(Plan, "change", self.task.plan_id),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, evidence_url)
                self.assertContains(response, "验收报告.pdf")
                self.assertNotContains(response, "/media/evidence/")

    def test_it_refuses_a_stale_task_on_the_plan_page(self):
        url = admin_url(Plan, "change", self.task.plan_id)
        response = self.client.get(url)
        prefix = inline_prefix(response, Task)
        data = form_data(response)
        index = next(
            i
            for i in range(int(data[f"{prefix}-INITIAL_FORMS"]))
            if data[f"{prefix}-{i}-id"] == str(self.task.pk)
        )
        other = Task.objects.get(pk=self.task.pk)
        other.responsible_person = "李工"
        other.save()
        data[f"{prefix}-{index}-quantity"] = "2 公里"
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, STALE)
        self.assertContains(response, "责任人")
        task = Task.objects.get(pk=self.task.pk)
        self.assertEqual((task.responsible_person, task.quantity), ("李工", ""))


class AdminBulkActionTests(AdminHistoryTestCase):
    def run_action(self, model, action, objects, client=None):
        return (client or self.client).post(
            admin_url(model, "changelist"),
            {
                "action": action,
                admin.helpers.ACTION_CHECKBOX_NAME: [str(obj.pk) for obj in objects],
            },
            follow=True,
        )

    def test_it_marks_tasks_in_progress_with_one_history_row_each(self):
        done = Task.objects.get(pk=1)  # 已办结, from the fixture
        tasks = [done, self.task, self.pending, self.extension]
        counts = {task.pk: task.history.count() for task in tasks}
        versions = {task.pk: Task.objects.get(pk=task.pk).version for task in tasks}
        response = self.run_action(Task, "mark_in_progress", tasks)
        self.assertEqual(response.status_code, 200)

        for task in (self.pending, self.extension):
            with self.subTest(task=task.content):
                task.refresh_from_db()
                self.assertEqual(task.status, Task.Status.IN_PROGRESS)
                self.assertGreater(task.version, versions[task.pk])
                self.assertEqual(task.history.count(), counts[task.pk] + 1)
                latest = task.history.latest()
                self.assertEqual(latest.history_user, self.admin)
                self.assertEqual(latest.history_type, "~")
                self.assertEqual(latest.version, task.version)
        for task in (done, self.task):  # completed or already in progress: untouched
            with self.subTest(task=task.content):
                self.assertEqual(Task.objects.get(pk=task.pk).version, versions[task.pk])
                self.assertEqual(task.history.count(), counts[task.pk])
        self.assertEqual(Task.objects.get(pk=done.pk).status, Task.Status.DONE)

        texts = message_texts(response)
        self.assertEqual(len(texts), 2)
        self.assertIn("2", texts[0])  # changed
        self.assertIn("2", texts[1])  # left as they were

    def test_it_keeps_the_supporting_units_in_the_bulk_history_row(self):
        self.run_action(Task, "mark_in_progress", [self.pending])
        latest = self.pending.history.latest()
        self.assertEqual(
            [row.responsibleunit_id for row in latest.supporting_units.all()], [self.other_unit.pk]
        )
        delta = latest.diff_against(latest.prev_record, excluded_fields=["version"])
        self.assertEqual(delta.changed_fields, ["status"])  # supporting units unchanged

    def test_it_refuses_a_form_opened_before_a_bulk_action(self):
        url = admin_url(Task, "change", self.pending.pk)
        data = form_data(self.client.get(url))
        self.run_action(Task, "mark_in_progress", [self.pending])
        data["responsible_person"] = "李工"
        response = self.client.post(url, data)
        self.assertContains(response, STALE)
        self.assertEqual(Task.objects.get(pk=self.pending.pk).responsible_person, "")

    def test_it_marks_projects_completed_with_one_history_row_each(self):
        plain = self.project  # 推进中
        batch = PipeConstructionBatch.objects.get(pk=6)  # 计划中
        completed = Project.objects.get(pk=2)  # 已完成
        plain_rows = Project.history.filter(id=plain.pk).count()
        batch_rows = PipeConstructionBatch.history.filter(project_ptr_id=batch.pk).count()
        response = self.run_action(Project, "mark_completed", [plain, batch, completed])
        self.assertEqual(response.status_code, 200)

        self.assertEqual(
            set(Project.objects.filter(pk__in=[2, 6, 8]).values_list("status", flat=True)),
            {Project.Status.COMPLETED},
        )
        self.assertEqual(Project.history.filter(id=plain.pk).count(), plain_rows + 1)
        latest = Project.history.filter(id=plain.pk).latest()
        self.assertEqual(latest.history_user, self.admin)
        self.assertEqual(
            sorted(row.channel_id for row in latest.channels.all()),
            sorted(plain.channels.values_list("pk", flat=True)),
        )
        # A batch changes as itself: its history is the batch's.
        batch_history = PipeConstructionBatch.history.filter(project_ptr_id=batch.pk)
        self.assertEqual(batch_history.count(), batch_rows + 1)
        self.assertEqual(batch_history.latest().history_user, self.admin)
        self.assertFalse(Project.history.filter(id=batch.pk, history_user=self.admin).exists())
        # Nothing recorded for the project that was completed already.
        self.assertFalse(Project.history.filter(id=completed.pk, history_user=self.admin).exists())
        self.assertFalse(
            InterceptionBatch.history.filter(
                project_ptr_id=completed.pk, history_user=self.admin
            ).exists()
        )
        self.assertEqual(LogEntry.objects.filter(user=self.admin).count(), 2)

        texts = message_texts(response)
        self.assertEqual(len(texts), 2)
        self.assertIn("2", texts[0])
        self.assertIn("1", texts[1])

    def test_it_offers_the_bulk_actions_to_administrators_only(self):
        viewer = User.objects.create_user("viewer", password="pw-viewer-123", is_staff=True)
        viewer.groups.add(Group.objects.get(name=roles.VIEWER))
        client = self.client_for(viewer)
        response = client.get(admin_url(Task, "changelist"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "mark_in_progress")
        self.run_action(Task, "mark_in_progress", [self.pending], client=client)
        self.assertEqual(Task.objects.get(pk=self.pending.pk).status, Task.Status.PENDING)

        response = self.client_for(self.other_admin).get(admin_url(Task, "changelist"))
        self.assertContains(response, "mark_in_progress")
        response = self.client_for(self.other_admin).get(admin_url(Project, "changelist"))
        self.assertContains(response, "mark_completed")


class AdminConflictTests(AdminHistoryTestCase):
    """Two people open the same record; the first saves; the second's save is refused."""

    def assert_refused(self, response, *texts):
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'class="errornote"')
        self.assertContains(response, STALE)
        for text in texts:
            self.assertContains(response, text)

    def test_it_refuses_a_stale_task_and_lists_what_changed(self):
        url = admin_url(Task, "change", self.task.pk)
        second = self.client_for(self.other_admin)
        first_data = form_data(self.client.get(url))
        second_data = form_data(second.get(url))
        first_data["responsible_person"] = "李工"
        self.assertRedirects(self.client.post(url, first_data), admin_url(Task, "changelist"))
        rows = self.task.history.count()

        second_data["note"] = "另一人的备注"
        response = second.post(url, second_data)
        # What changed, by whom: “责任人: — → 李工 (admin, …)”.
        self.assert_refused(response, "责任人", "李工", "admin")
        self.task.refresh_from_db()
        self.assertEqual(self.task.responsible_person, "李工")
        self.assertNotEqual(self.task.note, "另一人的备注")
        self.assertEqual(self.task.history.count(), rows)

        # The refused form now carries the current version: saving it again is deliberate.
        data = form_data(response)
        self.assertEqual(data["note"], "另一人的备注")
        self.assertRedirects(second.post(url, data), admin_url(Task, "changelist"))
        self.task.refresh_from_db()
        self.assertEqual(self.task.note, "另一人的备注")

    def test_it_does_not_render_the_raw_version(self):
        response = self.client.get(admin_url(Task, "change", self.task.pk))
        form = response.context["adminform"].form
        self.assertNotIn("version", form.fields)
        self.assertTrue(form.fields["expected_version"].widget.is_hidden)
        self.assertContains(response, 'name="expected_version"')

    def test_it_refuses_a_stale_report_on_its_own_page(self):
        url = admin_url(ProgressReport, "change", self.report.pk)
        second = self.client_for(self.other_admin)
        first_data = form_data(self.client.get(url))
        second_data = form_data(second.get(url))
        first_data["percent_complete"] = "45.0"
        self.assertRedirects(
            self.client.post(url, first_data), admin_url(ProgressReport, "changelist")
        )

        second_data["investment_this_month_wan"] = "99.00"
        response = second.post(url, second_data)
        self.assert_refused(response, "完成比例(%)", "45.0", "admin")
        self.report.refresh_from_db()
        self.assertEqual(self.report.percent_complete, Decimal("45.0"))
        self.assertEqual(self.report.investment_this_month_wan, Decimal("30.00"))

    def report_row(self, response):
        prefix = inline_prefix(response, ProgressReport)
        data = form_data(response)
        for index in range(int(data[f"{prefix}-INITIAL_FORMS"])):
            if data[f"{prefix}-{index}-id"] == str(self.report.pk):
                return data, prefix, index
        raise AssertionError("The report is not on the project page.")

    def test_it_refuses_a_stale_report_on_the_project_page(self):
        url = admin_url(Project, "change", self.project.pk)
        second = self.client_for(self.other_admin)
        first_data, prefix, index = self.report_row(self.client.get(url))
        second_data, _prefix, _index = self.report_row(second.get(url))
        first_data[f"{prefix}-{index}-percent_complete"] = "45.0"
        self.assertRedirects(self.client.post(url, first_data), admin_url(Project, "changelist"))

        second_data[f"{prefix}-{index}-note"] = "另一人的备注"
        second_data["responsible_person"] = "张工"  # the project itself is not saved either
        response = second.post(url, second_data)
        self.assert_refused(response, "完成比例(%)", "45.0", "admin")
        self.report.refresh_from_db()
        self.assertEqual(self.report.percent_complete, Decimal("45.0"))
        self.assertEqual(self.report.note, "")
        self.assertEqual(Project.objects.get(pk=self.project.pk).responsible_person, "")

    def test_it_saves_a_project_page_whose_unchanged_rows_someone_else_saved(self):
        url = admin_url(Project, "change", self.project.pk)
        data, prefix, index = self.report_row(self.client.get(url))
        ProgressReport.objects.get(pk=self.report.pk).save()  # someone else, meanwhile
        data["responsible_person"] = "张工"
        response = self.client.post(url, data)
        self.assertRedirects(response, admin_url(Project, "changelist"))
        self.assertEqual(Project.objects.get(pk=self.project.pk).responsible_person, "张工")

    def test_it_refuses_a_save_that_loses_the_race_to_another(self):
        """The other save commits after this form was validated: the write itself fails
        (django-concurrency), nothing is saved and the form says what changed."""
        url = admin_url(Task, "change", self.task.pk)
        data = form_data(self.client.get(url))
        other = Task.objects.get(pk=self.task.pk)
        other.responsible_person = "李工"
        other.save()

        real_clean = VersionedForm.clean
        calls = []

        def validated_before_the_other_save(form):
            calls.append(form)
            if len(calls) == 1:  # as if the other save had not committed yet
                return forms.ModelForm.clean(form)
            return real_clean(form)

        data["note"] = "另一人的备注"
        with mock.patch.object(
            VersionedForm, "clean", autospec=True, side_effect=validated_before_the_other_save
        ):
            response = self.client.post(url, data)
        self.assertEqual(len(calls), 2)
        self.assert_refused(response, "责任人", "李工")
        self.task.refresh_from_db()
        self.assertNotEqual(self.task.note, "另一人的备注")

    def test_it_reports_a_race_it_cannot_explain_without_failing(self):
        url = admin_url(ProgressReport, "change", self.report.pk)
        data = form_data(self.client.get(url))
        ProgressReport.objects.get(pk=self.report.pk).save()
        data["note"] = "迟到的修改"
        with mock.patch.object(
            VersionedForm, "clean", autospec=True, side_effect=forms.ModelForm.clean
        ):
            response = self.client.post(url, data)
        self.assertRedirects(response, url)
        self.assertEqual(len(message_texts(response)), 1)
        self.assertEqual(ProgressReport.objects.get(pk=self.report.pk).note, "")


class AdminRoleTests(AdminHistoryTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        add_sewer_records()  # a row of each sewer-condition model, for their pages
        add_water_records(cls.task.plan.channel)  # and of each water-quality model
        add_operations_records(cls.task.plan.channel)  # and of each daily-operations model
        add_outfall_records(cls.task.plan.channel)  # and of each outfall model
        add_chief_records(cls.task.plan.channel)  # and of each river-chief model
        ring = [[113.4, 22.1], [113.7, 22.1], [113.7, 22.4], [113.4, 22.1]]
        MapOutline.objects.create(  # and a map outline
            name="香洲区", geometry={"type": "Polygon", "coordinates": [ring]}
        )
        Job.objects.create(kind="regrade")  # and a background job
        # The article gives the plans no 责任清单 row: one of the test's own.
        cls.task.plan.responsibilities.create(unit=cls.unit, duty="日常管护")

    def test_it_lets_an_administrator_use_every_page_of_the_projects_admin(self):
        client = self.client_for(self.other_admin)
        self.assertEqual(client.get(reverse("admin:index")).status_code, 200)
        Profile.objects.create(user=self.other_admin, unit=self.unit)
        for model, model_admin in admin.site._registry.items():
            if model._meta.app_label != "projects":
                continue
            with self.subTest(model=model._meta.label):
                self.assertEqual(client.get(admin_url(model, "changelist")).status_code, 200)
                obj = model._default_manager.first()
                self.assertIsNotNone(obj)
                self.assertEqual(client.get(admin_url(model, "change", obj.pk)).status_code, 200)
                if hasattr(model_admin, "history_view"):
                    response = client.get(admin_url(model, "history", obj.pk))
                    self.assertEqual(response.status_code, 200)

    def test_it_sends_unit_editors_and_viewers_to_the_admin_login(self):
        for username, role in (("editor", roles.UNIT_EDITOR), ("viewer", roles.VIEWER)):
            user = User.objects.create_user(username, password="pw-user-123")
            user.groups.add(Group.objects.get(name=role))
            client = self.client_for(user)
            for url in ("/admin/", admin_url(Task, "changelist"), admin_url(Project, "changelist")):
                with self.subTest(role=role, url=url):
                    response = client.get(url)
                    self.assertRedirects(response, f"/admin/login/?next={url}")


class AdminRevertPermissionTests(AdminHistoryTestCase):
    def test_it_refuses_a_revert_from_a_staff_user_who_may_only_view(self):
        looker = User.objects.create_user("looker", password="pw-look-123", is_staff=True)
        looker.groups.add(Group.objects.get(name=roles.VIEWER))
        record = self.task.history.earliest()
        url = reverse("admin:projects_task_simple_history", args=[self.task.pk, record.history_id])
        client = self.client_for(looker)
        self.assertEqual(client.get(url).status_code, 200)
        before = Task.objects.get(pk=self.task.pk)
        response = client.post(url, {"content": "被查看者改写", "status": "pending"})
        self.assertEqual(response.status_code, 403)
        after = Task.objects.get(pk=self.task.pk)
        self.assertEqual((after.content, after.version), (before.content, before.version))


class AdminProfileTests(AdminHistoryTestCase):
    def test_it_saves_a_users_unit_from_the_user_page(self):
        user = User.objects.create_user("editor", password="pw-editor-123")
        url = admin_url(User, "change", user.pk)
        response = self.client.get(url)
        data = form_data(response)
        prefix = inline_prefix(response, Profile)
        data[f"{prefix}-0-unit"] = str(self.unit.pk)
        response = self.client.post(url, data)
        self.assertRedirects(response, admin_url(User, "changelist"))
        self.assertEqual(Profile.objects.get(user=user).unit, self.unit)

        # And changes it.
        response = self.client.get(url)
        data = form_data(response)
        data[f"{prefix}-0-unit"] = str(self.other_unit.pk)
        self.assertRedirects(self.client.post(url, data), admin_url(User, "changelist"))
        self.assertEqual(Profile.objects.get(user=user).unit, self.other_unit)

    def test_it_asks_for_the_name_and_password_before_the_unit(self):
        response = self.client.get(admin_url(User, "add"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["inline_admin_formsets"], [])

    def test_it_lists_and_searches_profiles_by_user_and_unit(self):
        Profile.objects.create(user=self.other_admin, unit=self.unit)
        url = admin_url(Profile, "changelist")
        response = self.client.get(url, {"q": self.unit.name})
        self.assertContains(response, "wangfang")
        response = self.client.get(url, {"q": "wangfang"})
        self.assertContains(response, self.unit.name)
        response = self.client.get(url, {"q": "nobody"})
        self.assertNotContains(response, "wangfang")

    def test_it_lets_only_a_superuser_make_a_superuser(self):
        user = User.objects.create_user("editor", password="pw-editor-123")
        url = admin_url(User, "change", user.pk)
        client = self.client_for(self.other_admin)
        data = form_data(client.get(url))
        data["is_superuser"] = "on"
        data["first_name"] = "小明"
        self.assertRedirects(client.post(url, data), admin_url(User, "changelist"))
        user.refresh_from_db()
        self.assertEqual(user.first_name, "小明")
        self.assertFalse(user.is_superuser)
