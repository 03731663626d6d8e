"""Channels and their one-river-one-policy plans written in the site by administrators: the
forms are posted as the browser sends them (read from the page, management forms included),
a page is saved whole or not at all, errors stand beside their field in Chinese, every write
is in the audit history, and nobody's newer save is overwritten unseen."""

import datetime
import io
import re
import tempfile
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db.models import F
from django.test import TestCase
from django.urls import reverse

from projects.forms.plan_edits import PlanForm
from projects.models import (
    Channel,
    Measure,
    Photo,
    Plan,
    Problem,
    ResponsibleUnit,
    Target,
    Task,
)
from tests.browser_forms import add_row, form_data
from tests.photos import jpeg_bytes
from tests.test_editing import make_role_users

REQUIRED = "这个字段是必填项。"
COMPLETION_NOTE_NEEDED = "办结的任务须填写完成说明或上传佐证材料。"


def errors_beside(html, field_id):
    """The error messages shown in the same form row as the field with id ``field_id``."""
    if isinstance(html, bytes):
        html = html.decode()
    match = re.search(
        r'<div class="form-row[^"]*"[^>]*>\s*<label for="' + re.escape(field_id) + r'">(.*?)</div>',
        html,
        re.S,
    )
    assert match, f"no form row for {field_id}"
    return re.findall(r'<span class="field-error">(.*?)</span>', match.group(1), re.S)


def row_errors(html, field_id):
    """The messages at the top of the plan-list row holding the field ``field_id``."""
    if isinstance(html, bytes):
        html = html.decode()
    rows = re.findall(r'<fieldset class="plan-row[^"]*" data-row>(.*?)</fieldset>', html, re.S)
    (row,) = [r for r in rows if f'id="{field_id}"' in r]
    block = re.search(r'<div class="form-errors" role="alert">(.*?)</div>', row, re.S)
    return re.findall(r"<p>(.*?)</p>", block.group(1), re.S) if block else []


class PlanEditingTestCase(TestCase):
    fixtures = ["xiangzhou_2018"]

    @classmethod
    def setUpTestData(cls):
        call_command("ensure_history", stdout=io.StringIO())
        make_role_users(cls)
        cls.g105 = Channel.objects.get(name="105国道排洪渠")
        cls.jinfeng = Channel.objects.get(name="金凤排洪渠")  # no plan in the article
        cls.plan = cls.g105.plan
        cls.task = Task.objects.get(plan=cls.plan)
        cls.problem = Problem.objects.get(plan=cls.plan)
        # The article states no target for 105国道 (its plan has none): one of the test's own.
        cls.target = cls.plan.targets.create(indicator="黑臭水体", target_value="不黑不臭")
        cls.task.targets.add(cls.target)
        cls.station = ResponsibleUnit.objects.get(name="各市政站")

    def setUp(self):
        self.client.force_login(self.administrator)

    def plan_url(self, channel):
        return reverse("projects:plan-edit", args=[channel.pk])

    def open_plan(self, channel):
        page = self.client.get(self.plan_url(channel))
        self.assertEqual(page.status_code, 200)
        return page, form_data(page.content, "plan-form")


class ChannelFormTests(PlanEditingTestCase):
    def test_it_creates_a_channel_from_the_list_and_records_who(self):
        listing = self.client.get(reverse("projects:channel-list"))
        create_url = reverse("projects:channel-create")
        self.assertContains(listing, f'href="{create_url}"')
        self.assertContains(listing, "新建排洪渠")
        page = self.client.get(create_url)
        data = form_data(page.content, "edit-form")
        data.update(
            {
                "name": ["前山河支渠"],
                "code": ["XZ-QS-01"],
                "location": ["前山河沿线"],
                "length_km": ["1.250"],
                "condition": ["light"],
            }
        )
        response = self.client.post(create_url, data, follow=True)
        channel = Channel.objects.get(name="前山河支渠")
        self.assertRedirects(response, channel.get_absolute_url())
        self.assertEqual(channel.code, "XZ-QS-01")
        self.assertEqual(str(channel.length_km), "1.250")
        self.assertIsNone(channel.source_id)
        record = channel.history.get()
        self.assertEqual((record.history_type, record.history_user), ("+", self.administrator))
        self.assertContains(response, "排洪渠“前山河支渠”已创建。")
        self.assertContains(response, reverse("projects:plan-edit", args=[channel.pk]))

    def test_it_shows_bad_channel_entries_beside_their_fields_and_keeps_the_rest(self):
        create_url = reverse("projects:channel-create")
        data = form_data(self.client.get(create_url).content, "edit-form")
        data.update({"name": ["105国道排洪渠"], "length_km": ["-2"], "location": ["北岭"]})
        count = Channel.objects.count()
        response = self.client.post(create_url, data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(errors_beside(response.content, "id_name"), ["已有同名的排洪渠。"])
        self.assertEqual(errors_beside(response.content, "id_length_km"), ["确保该值大于或等于0。"])
        kept = form_data(response.content, "edit-form")
        self.assertEqual(kept["location"], ["北岭"])
        self.assertEqual(kept["length_km"], ["-2"])
        self.assertEqual(Channel.objects.count(), count)

    def test_it_edits_a_channel_keeping_its_source_and_records_who(self):
        url = reverse("projects:channel-update", args=[self.g105.pk])
        detail = self.client.get(self.g105.get_absolute_url())
        self.assertContains(detail, f'href="{url}"')
        data = form_data(self.client.get(url).content, "edit-form")
        self.assertEqual(data["name"], ["105国道排洪渠"])
        data["location"] = ["105国道旁"]
        response = self.client.post(url, data)
        self.assertRedirects(response, self.g105.get_absolute_url())
        channel = Channel.objects.get(pk=self.g105.pk)
        self.assertEqual(channel.location, "105国道旁")
        self.assertEqual(channel.source_id, self.g105.source_id)
        self.assertIsNotNone(channel.source_id)
        record = channel.history.latest()
        self.assertEqual((record.history_type, record.history_user), ("~", self.administrator))

    def test_it_refuses_a_stale_channel_edit_showing_what_changed(self):
        url = reverse("projects:channel-update", args=[self.g105.pk])
        data = form_data(self.client.get(url).content, "edit-form")
        # Meanwhile, in the admin, someone else records the receiving water.
        other = Channel.objects.get(pk=self.g105.pk)
        other.receiving_water = "前山河"
        other._history_user = self.colleague_a
        other.save()
        data["location"] = ["105国道旁"]
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "他人已在您打开后保存了这条记录")
        self.assertContains(response, "colleague_a")
        self.assertContains(response, "<ins>前山河</ins>", html=False)
        channel = Channel.objects.get(pk=self.g105.pk)
        self.assertEqual((channel.location, channel.receiving_water), ("105国道", "前山河"))
        # What the user typed is kept; saving again, deliberately, replaces it.
        again = form_data(response.content, "edit-form")
        self.assertEqual(again["location"], ["105国道旁"])
        self.assertRedirects(self.client.post(url, again), self.g105.get_absolute_url())
        channel.refresh_from_db()
        self.assertEqual(channel.location, "105国道旁")


class PlanCreationTests(PlanEditingTestCase):
    def test_it_creates_a_plan_with_two_problems_and_a_task_then_links_them(self):
        detail = self.client.get(self.jinfeng.get_absolute_url())
        self.assertContains(detail, f'href="{self.plan_url(self.jinfeng)}"')
        page, data = self.open_plan(self.jinfeng)
        self.assertContains(page, "编制一河一策方案")
        self.assertEqual(data["plan-title"], ["金凤排洪渠“一河一策”方案"])
        self.assertEqual(data["problems-TOTAL_FORMS"], ["1"])
        data["plan-period_start"] = ["2018-06-01"]
        data["plan-period_end"] = ["2020-12-31"]
        data.update(
            {
                "problems-0-title": ["渠内淤积"],
                "problems-0-category": ["silt"],
                "problems-0-location": ["金凤路段"],
            }
        )
        index = add_row(data, page.content, "problems")
        self.assertEqual(index, 1)
        data.update({"problems-1-title": ["雨天污水溢流"], "problems-1-category": ["sewage"]})
        data.update(
            {
                "tasks-0-content": ["清淤并截污"],
                "tasks-0-quantity": ["1.2 km"],
                "tasks-0-lead_unit": [str(self.station.pk)],
                "tasks-0-responsible_person": ["王工"],
                "tasks-0-deadline": ["2018-12-31"],
            }
        )
        response = self.client.post(
            self.plan_url(self.jinfeng), {**data, "continue": ["1"]}, follow=True
        )
        self.assertRedirects(response, self.plan_url(self.jinfeng))
        self.assertContains(response, "金凤排洪渠的“一河一策”方案已创建。")

        plan = Plan.objects.get(channel=self.jinfeng)
        self.assertEqual(plan.title, "金凤排洪渠“一河一策”方案")
        self.assertEqual(plan.period_end, datetime.date(2020, 12, 31))
        problems = list(plan.problems.order_by("pk"))
        self.assertEqual([p.title for p in problems], ["渠内淤积", "雨天污水溢流"])
        (task,) = plan.tasks.all()
        self.assertEqual(
            (task.content, task.lead_unit, task.status), ("清淤并截污", self.station, "pending")
        )
        self.assertEqual(plan.targets.count() + plan.measures.count(), 0)
        self.assertEqual(plan.responsibilities.count(), 0)
        for record in [
            plan.history.get(),
            *Problem.history.filter(plan_id=plan.pk),
            task.history.get(),
        ]:
            self.assertEqual((record.history_type, record.history_user), ("+", self.administrator))

        # Back on the page, the saved problems are offered to the task.
        page, data = self.open_plan(self.jinfeng)
        self.assertContains(page, "编辑一河一策方案")
        data["tasks-0-problems"] = [str(p.pk) for p in problems]
        detail = self.client.post(self.plan_url(self.jinfeng), data, follow=True)
        self.assertRedirects(detail, self.jinfeng.get_absolute_url())
        self.assertEqual(set(task.problems.all()), set(problems))
        self.assertContains(detail, "金凤排洪渠的“一河一策”方案已保存。")
        for text in ("渠内淤积", "雨天污水溢流", "清淤并截污", "王工"):
            self.assertContains(detail, text)
        self.assertContains(detail, "方案完整")

    def test_it_refuses_a_period_ending_before_it_starts_beside_the_end(self):
        page, data = self.open_plan(self.jinfeng)
        data.update({"plan-period_start": ["2019-01-01"], "plan-period_end": ["2018-01-01"]})
        data.update({"problems-0-title": ["渠内淤积"], "problems-0-category": ["silt"]})
        response = self.client.post(self.plan_url(self.jinfeng), data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            errors_beside(response.content, "id_plan-period_end"), ["截止日期不能早于起始日期。"]
        )
        self.assertFalse(Plan.objects.filter(channel=self.jinfeng).exists())
        self.assertFalse(Problem.objects.filter(title="渠内淤积").exists())
        self.assertEqual(form_data(response.content, "plan-form")["problems-0-title"], ["渠内淤积"])


class PlanEditTests(PlanEditingTestCase):
    def test_it_edits_a_tasks_text_keeping_its_source_status_and_untouched_rows(self):
        page, data = self.open_plan(self.g105)
        self.assertEqual(data["tasks-0-id"], [str(self.task.pk)])
        self.assertContains(page, "引自原文")
        problem_history = Problem.history.filter(plan_id=self.plan.pk).count()
        data["tasks-0-content"] = ["实施105国道排洪渠生态修复（二期）"]
        response = self.client.post(self.plan_url(self.g105), data)
        self.assertRedirects(response, self.g105.get_absolute_url())
        task = Task.objects.get(pk=self.task.pk)
        self.assertEqual(task.content, "实施105国道排洪渠生态修复（二期）")
        self.assertEqual(task.source_id, self.task.source_id)
        self.assertIsNotNone(task.source_id)
        self.assertEqual((task.status, task.version), (self.task.status, self.task.version + 1))
        self.assertEqual(set(task.problems.all()), {self.problem})
        record = task.history.latest()
        self.assertEqual((record.history_type, record.history_user), ("~", self.administrator))
        # Rows the user did not touch are not written again.
        self.assertEqual(Problem.history.filter(plan_id=self.plan.pk).count(), problem_history)
        history = self.client.get(reverse("projects:channel-history", args=[self.g105.pk]))
        self.assertContains(history, "实施105国道排洪渠生态修复（二期）")

    def test_it_deletes_a_row_and_records_the_deletion(self):
        page, data = self.open_plan(self.g105)
        self.assertEqual(data["targets-0-id"], [str(self.target.pk)])
        data["targets-0-DELETE"] = ["on"]
        response = self.client.post(self.plan_url(self.g105), data)
        self.assertRedirects(response, self.g105.get_absolute_url())
        self.assertFalse(Target.objects.filter(pk=self.target.pk).exists())
        self.assertEqual(list(self.task.targets.all()), [])
        record = Target.history.filter(id=self.target.pk).latest()
        self.assertEqual((record.history_type, record.history_user), ("-", self.administrator))
        self.assertTrue(Problem.objects.filter(pk=self.problem.pk).exists())

    def test_it_shows_a_bad_row_beside_its_field_and_saves_nothing(self):
        page, data = self.open_plan(self.g105)
        data["plan-title"] = ["105国道排洪渠整治方案（修订）"]
        data["tasks-0-content"] = ["改写的任务"]
        data["targets-0-DELETE"] = ["on"]
        data.update({"problems-1-title": ["雨污混流"], "problems-1-location": ["国道桥下"]})
        add_row(data, page.content, "measures")  # an added row left empty adds nothing
        counts = (Problem.objects.count(), Target.objects.count(), Measure.objects.count())
        response = self.client.post(self.plan_url(self.g105), data)

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "没有保存任何内容")
        self.assertEqual(errors_beside(response.content, "id_problems-1-category"), [REQUIRED])
        self.assertEqual(errors_beside(response.content, "id_problems-1-title"), [])
        self.assertEqual(errors_beside(response.content, "id_tasks-0-content"), [])
        # Nothing is written: not the plan, the task, the deletion nor the good rows.
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.title, "")  # the article gives none
        self.assertEqual(Task.objects.get(pk=self.task.pk).content, self.task.content)
        self.assertEqual(
            (Problem.objects.count(), Target.objects.count(), Measure.objects.count()), counts
        )
        # What the user typed is all on the page again.
        kept = form_data(response.content, "plan-form")
        self.assertEqual(kept["plan-title"], ["105国道排洪渠整治方案（修订）"])
        self.assertEqual(kept["tasks-0-content"], ["改写的任务"])
        self.assertEqual(kept["problems-1-title"], ["雨污混流"])
        self.assertEqual(kept["problems-1-location"], ["国道桥下"])
        self.assertEqual(kept["targets-0-DELETE"], ["on"])
        self.assertEqual(kept["measures-TOTAL_FORMS"], data["measures-TOTAL_FORMS"])

    def test_it_refuses_a_stale_task_edit_showing_what_changed(self):
        self.task.lead_unit = self.unit_a
        self.task.save()
        page, data = self.open_plan(self.g105)
        # Meanwhile station A reports progress on its task.
        self.client.force_login(self.editor_a)
        update_url = reverse("projects:task-update", args=[self.task.pk])
        update = form_data(self.client.get(update_url).content, "edit-form")
        update.update({"status": ["in_progress"], "percent_complete": ["40"]})
        self.assertEqual(self.client.post(update_url, update).status_code, 302)
        self.client.force_login(self.administrator)

        data["tasks-0-responsible_person"] = ["李工"]
        response = self.client.post(self.plan_url(self.g105), data)
        self.assertEqual(response.status_code, 200)
        self.assertIn(
            "他人已在您打开后保存了这条记录",
            "".join(row_errors(response.content, "id_tasks-0-content")),
        )
        self.assertContains(response, "editor_a")
        self.assertContains(response, "<ins>40</ins>", html=False)
        task = Task.objects.get(pk=self.task.pk)
        self.assertEqual((task.responsible_person, task.percent_complete), ("", 40))
        # Saving again after reading the changes keeps the progress and adds the person.
        again = form_data(response.content, "plan-form")
        self.assertEqual(again["tasks-0-responsible_person"], ["李工"])
        self.assertRedirects(
            self.client.post(self.plan_url(self.g105), again), self.g105.get_absolute_url()
        )
        task.refresh_from_db()
        self.assertEqual((task.responsible_person, task.percent_complete), ("李工", 40))

    def test_it_writes_nothing_when_a_task_is_saved_by_someone_else_during_the_save(self):
        page, data = self.open_plan(self.g105)
        data["plan-summary"] = ["修订后的摘要"]
        data["tasks-0-content"] = ["改写的任务"]
        save_plan = PlanForm.save

        def save_then_lose_the_race(form, *args, **kwargs):
            plan = save_plan(form, *args, **kwargs)
            # Between the check and the write, another request saves the task.
            Task.objects.filter(pk=self.task.pk).update(version=F("version") + 1)
            return plan

        with mock.patch.object(PlanForm, "save", save_then_lose_the_race):
            response = self.client.post(self.plan_url(self.g105), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "没有保存任何内容")
        self.assertContains(response, "在您保存的同时，他人保存了此方案，因此未保存任何内容。")
        self.plan.refresh_from_db()
        self.assertNotEqual(self.plan.summary, "修订后的摘要")
        self.assertEqual(Task.objects.get(pk=self.task.pk).content, self.task.content)
        self.assertEqual(
            form_data(response.content, "plan-form")["tasks-0-content"], ["改写的任务"]
        )

    def test_it_leaves_a_task_someone_else_changed_alone_when_the_row_is_untouched(self):
        page, data = self.open_plan(self.g105)
        task = Task.objects.get(pk=self.task.pk)
        task.status, task.percent_complete = "in_progress", 60
        task.save()
        data["problems-0-cause"] = ["沿线截污不彻底"]
        response = self.client.post(self.plan_url(self.g105), data)
        self.assertRedirects(response, self.g105.get_absolute_url())
        task.refresh_from_db()
        self.assertEqual((task.status, task.percent_complete), ("in_progress", 60))
        self.assertEqual(Problem.objects.get(pk=self.problem.pk).cause, "沿线截污不彻底")

    def test_it_saves_the_page_past_an_untouched_row_that_breaks_a_rule(self):
        # Completed without a note or evidence: stored before the rule, say.
        Task.objects.filter(pk=self.task.pk).update(status="done", completion_note="")
        page, data = self.open_plan(self.g105)
        data["problems-0-severity"] = ["high"]
        response = self.client.post(self.plan_url(self.g105), data)
        self.assertRedirects(response, self.g105.get_absolute_url())
        self.assertEqual(Problem.objects.get(pk=self.problem.pk).severity, "high")
        # Changing that task asks for what the rule needs, at the top of its row.
        page, data = self.open_plan(self.g105)
        data["tasks-0-quantity"] = ["1 项"]
        response = self.client.post(self.plan_url(self.g105), data)
        self.assertEqual(
            row_errors(response.content, "id_tasks-0-content"),
            ["完成说明：" + COMPLETION_NOTE_NEEDED],
        )

    def test_it_refuses_a_stale_problem_edit_and_a_stale_deletion(self):
        page, data = self.open_plan(self.g105)
        other = Problem.objects.get(pk=self.problem.pk)
        other.severity = "high"
        other._history_user = self.colleague_a
        other.save()
        data["problems-0-title"] = ["渠水发黑发臭"]
        response = self.client.post(self.plan_url(self.g105), data)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(row_errors(response.content, "id_problems-0-title"))
        self.assertContains(response, "colleague_a")
        self.assertEqual(Problem.objects.get(pk=self.problem.pk).title, self.problem.title)

        data["problems-0-title"] = [self.problem.title]
        data["problems-0-DELETE"] = ["on"]
        response = self.client.post(self.plan_url(self.g105), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "在您打开此页面后被其他人修改")
        self.assertTrue(Problem.objects.filter(pk=self.problem.pk).exists())

    def test_it_shows_a_tasks_own_rule_broken_by_a_new_deadline_at_the_top_of_its_row(self):
        Task.objects.filter(pk=self.task.pk).update(
            status="extended",
            deadline=datetime.date(2018, 6, 30),
            extended_deadline=datetime.date(2018, 9, 30),
        )
        page, data = self.open_plan(self.g105)
        data["tasks-0-deadline"] = ["2018-10-31"]
        response = self.client.post(self.plan_url(self.g105), data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            row_errors(response.content, "id_tasks-0-content"),
            ["延期后时限：新的完成时限须晚于原定时限。"],
        )
        self.assertEqual(Task.objects.get(pk=self.task.pk).deadline, datetime.date(2018, 6, 30))

    def test_it_keeps_a_measure_with_photos_from_being_deleted_here(self):
        measure = Measure.objects.filter(plan=self.plan).order_by("pk").first()
        with tempfile.TemporaryDirectory() as media, self.settings(MEDIA_ROOT=media):
            photo = Photo(subject=measure, phase=Photo.Phase.BEFORE)
            photo.image.save("before.jpg", ContentFile(jpeg_bytes()), save=False)
            photo.save()
            page, data = self.open_plan(self.g105)
            self.assertEqual(data["measures-0-id"], [str(measure.pk)])
            data["measures-0-DELETE"] = ["on"]
            response = self.client.post(self.plan_url(self.g105), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f"措施“{measure.name}”有照片，不能在此删除。")
        self.assertTrue(Measure.objects.filter(pk=measure.pk).exists())
        self.assertTrue(Photo.objects.filter(pk=photo.pk).exists())

    def test_it_reads_the_plan_page_in_a_fixed_number_of_queries(self):
        def count():
            with self.assertNumQueries(EXPECTED_QUERIES) as context:
                self.client.get(self.plan_url(self.g105))
            return context

        # Every list holds a row (the article gives this plan no responsibility; an empty
        # list reads no history).
        self.plan.responsibilities.create(unit=self.station, duty="日常管护")
        count()
        for i in range(5):
            Problem.objects.create(plan=self.plan, title=f"问题{i}", category="other")
            Target.objects.create(plan=self.plan, indicator=f"指标{i}", target_value="达标")
            Task.objects.create(plan=self.plan, content=f"任务{i}", lead_unit=self.station)
            Measure.objects.create(plan=self.plan, name=f"措施{i}", category="internal")
        count()


# 23 queries: session and user (2); the channel; the user's permissions (2); the plan with its
# compiler and approver, and its latest history row (2); the units, at most LIST_LIMIT + 1 of
# them, once for every unit choice of the page; problems, targets, measures (with their
# projects) and responsibilities (with their units) with their citations, and their latest
# history rows (8); the plan's problems and targets a task may link to (2); the tasks with their
# citations and lead units, and their problems, targets and supporting units (4); the
# techniques. The projects are a search box: none read but those chosen, with their measures.
# The same whatever the number of rows, units and projects (tests/test_plan_editing_scale.py).
EXPECTED_QUERIES = 23


class AccessTests(PlanEditingTestCase):
    def urls(self):
        return [
            reverse("projects:channel-create"),
            reverse("projects:channel-update", args=[self.g105.pk]),
            self.plan_url(self.g105),
            self.plan_url(self.jinfeng),
        ]

    def test_it_refuses_viewers_and_unit_editors_and_writes_nothing(self):
        for user in (self.viewer, self.editor_a):
            self.client.force_login(user)
            for url in self.urls():
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.client.get(url).status_code, 403)
                    body = {"name": ["新渠"], "plan-title": ["新方案"], "plan-status": ["draft"]}
                    self.assertEqual(self.client.post(url, body).status_code, 403)
        self.assertFalse(Channel.objects.filter(name="新渠").exists())
        self.assertFalse(Plan.objects.filter(channel=self.jinfeng).exists())

    def test_it_sends_anonymous_users_to_log_in(self):
        self.client.logout()
        for url in self.urls():
            for method in ("get", "post"):
                with self.subTest(url=url, method=method):
                    response = getattr(self.client, method)(url)
                    self.assertRedirects(
                        response, f"{reverse('login')}?next={url}", fetch_redirect_response=False
                    )

    def test_it_shows_the_buttons_to_administrators_only(self):
        buttons = [
            reverse("projects:channel-create"),
            reverse("projects:channel-update", args=[self.g105.pk]),
            self.plan_url(self.g105),
        ]
        for user, shown in (
            (self.viewer, False),
            (self.editor_a, False),
            (self.administrator, True),
        ):
            self.client.force_login(user)
            pages = self.client.get(reverse("projects:channel-list")).content.decode()
            pages += self.client.get(self.g105.get_absolute_url()).content.decode()
            for url in buttons:
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(f'href="{url}"' in pages, shown)

    def test_it_gives_a_staff_user_without_the_administrator_role_no_access(self):
        clerk = get_user_model().objects.create_user("clerk", is_staff=True)
        self.client.force_login(clerk)
        self.assertEqual(self.client.get(reverse("projects:channel-create")).status_code, 403)
