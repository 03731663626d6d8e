"""The plan page and the channel form at a district's size: with more units than a list shows
and thousands of projects, every unit and project choice is a search box holding the chosen
option only, the page reads the same number of queries however many rows, units and projects
there are, and what the browser posts from the search boxes is saved."""

import re

from django.urls import reverse

from projects.forms.widgets import LIST_LIMIT, LOOKUP_LIMIT
from projects.models import Channel, Measure, Problem, Project, ResponsibleUnit, Target, Task
from tests.browser_forms import form_data
from tests.test_plan_editing import EXPECTED_QUERIES, PlanEditingTestCase

UNIT_CHOICES = re.compile(
    r'<select name="((?:plan|tasks|responsibilities|measures)-[^"]*'
    r'(?:unit|units|compiled_by|approved_by|project))"([^>]*)>(.*?)</select>',
    re.S,
)


def selects(html):
    """{name: (attributes, [(value, label, selected)])} of the page's unit and project choices."""
    found = {}
    for name, attrs, body in UNIT_CHOICES.findall(html.decode()):
        options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', body)
        found[name] = (
            attrs,
            [(value, label, bool(selected)) for value, selected, label in options],
        )
    return found


class PlanPageAtScaleTests(PlanEditingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.units = ResponsibleUnit.objects.bulk_create(
            ResponsibleUnit(name=f"测试街道{i:02d}", kind="street") for i in range(LIST_LIMIT + 20)
        )
        cls.projects = Project.objects.bulk_create(
            Project(name=f"测试项目{i:03d}", stream=1) for i in range(200)
        )

    def fill_plan(self, rows):
        """``rows`` more rows in each list, each choosing other units and another project."""
        plan = self.plan
        plan.compiled_by, plan.approved_by = self.units[0], self.units[1]
        plan.save()
        for i in range(rows):
            Problem.objects.create(plan=plan, title=f"问题{i}", category="other")
            Target.objects.create(plan=plan, indicator=f"指标{i}", target_value="达标")
            task = Task.objects.create(plan=plan, content=f"任务{i}", lead_unit=self.units[i])
            task.supporting_units.set(self.units[i + 1 : i + 3])
            Measure.objects.create(
                plan=plan, name=f"措施{i}", category="internal", project=self.projects[i]
            )
            plan.responsibilities.create(unit=self.units[i + 2], duty=f"职责{i}")

    def test_it_reads_the_page_in_the_same_number_of_queries_however_big_the_plan(self):
        def count():
            with self.assertNumQueries(EXPECTED_QUERIES):
                page = self.client.get(self.plan_url(self.g105))
            self.assertEqual(page.status_code, 200)
            return page

        self.plan.responsibilities.create(unit=self.station, duty="日常管护")
        count()
        self.fill_plan(3)
        count()
        self.fill_plan(12)
        Project.objects.bulk_create(Project(name=f"追加项目{i}", stream=2) for i in range(300))
        count()

    def test_every_unit_and_project_choice_holds_the_chosen_options_only(self):
        self.fill_plan(10)
        page = self.client.get(self.plan_url(self.g105))
        found = selects(page.content)
        names = set(found)
        self.assertIn("plan-compiled_by", names)
        self.assertIn("tasks-__prefix__-supporting_units", names)
        measure_rows = [n for n in names if n.endswith("-project")]
        self.assertEqual(len(measure_rows), self.plan.measures.count() + 2)  # + new row, empty form
        for name, (attrs, options) in found.items():
            chosen = [(value, label) for value, label, selected in options if selected and value]
            if name.endswith("supporting_units"):
                self.assertIn("multiple", attrs)
                self.assertIn('data-lookup-many="/lookup/units/"', attrs)
                self.assertEqual(len(options), len(chosen), name)  # no empty option
            else:
                kind = "projects" if name.endswith("project") else "units"
                self.assertIn(f'data-lookup="/lookup/{kind}/"', attrs)
                self.assertEqual(options[0][:2], ("", "---------"), name)
                self.assertEqual(len(options), 1 + len(chosen), name)
            self.assertLessEqual(len(options), 2 + (name.endswith("supporting_units")), name)

        units = {str(u.pk): u.name for u in ResponsibleUnit.objects.all()}
        projects = {str(p.pk): p.name for p in Project.objects.all()}
        tasks = list(self.plan.tasks.order_by("pk"))
        for index, task in enumerate(tasks):
            lead = found[f"tasks-{index}-lead_unit"][1]
            if task.lead_unit_id:
                self.assertIn((str(task.lead_unit_id), units[str(task.lead_unit_id)], True), lead)
            supporting = found[f"tasks-{index}-supporting_units"][1]
            expected = sorted(str(u.pk) for u in task.supporting_units.all())
            self.assertEqual(sorted(value for value, _label, _s in supporting), expected)
        measures = list(self.plan.measures.order_by("pk"))
        for index, measure in enumerate(measures):
            options = found[f"measures-{index}-project"][1]
            if measure.project_id:
                project = str(measure.project_id)
                self.assertIn((project, projects[project], True), options)
        self.assertLess(len(page.content), 200_000)

    def test_the_units_and_project_picked_in_the_search_boxes_are_saved(self):
        self.fill_plan(1)
        page, data = self.open_plan(self.g105)
        tasks = list(self.plan.tasks.order_by("pk"))
        index = next(i for i, t in enumerate(tasks) if t.content == "任务0")
        # What the search boxes leave in the selects: the picked unit, the added supporting
        # units (one dropped), the picked project.
        data[f"tasks-{index}-lead_unit"] = [str(self.units[30].pk)]
        data[f"tasks-{index}-supporting_units"] = [str(self.units[2].pk), str(self.units[45].pk)]
        measures = list(self.plan.measures.order_by("pk"))
        m_index = next(i for i, m in enumerate(measures) if m.name == "措施0")
        data[f"measures-{m_index}-project"] = [str(self.projects[150].pk)]
        response = self.client.post(self.plan_url(self.g105), data)
        self.assertRedirects(response, self.g105.get_absolute_url())
        task = Task.objects.get(content="任务0")
        self.assertEqual(task.lead_unit, self.units[30])
        self.assertEqual(set(task.supporting_units.all()), {self.units[2], self.units[45]})
        self.assertEqual(Measure.objects.get(name="措施0").project, self.projects[150])

    def test_a_refused_page_keeps_the_picked_unit_and_refuses_an_unknown_one(self):
        page, data = self.open_plan(self.g105)
        data["tasks-0-lead_unit"] = [str(self.units[50].pk)]
        data["tasks-0-supporting_units"] = ["999999"]
        response = self.client.post(self.plan_url(self.g105), data)
        self.assertEqual(response.status_code, 200)
        found = selects(response.content)
        self.assertIn(
            (str(self.units[50].pk), self.units[50].name, True), found["tasks-0-lead_unit"][1]
        )
        self.assertContains(response, "999999")  # Django's "not one of the available choices"
        self.assertNotEqual(Task.objects.get(pk=self.task.pk).lead_unit, self.units[50])

    def test_the_projects_lookup_finds_projects_by_part_of_their_name(self):
        response = self.client.get(reverse("projects:lookup", args=["projects"]), {"q": "项目01"})
        names = [row["text"] for row in response.json()]
        self.assertEqual(names, [f"测试项目{i:03d}" for i in range(10, 20)])
        response = self.client.get(reverse("projects:lookup", args=["projects"]), {"q": "测试"})
        self.assertEqual(len(response.json()), LOOKUP_LIMIT)


class ChannelFormAtScaleTests(PlanEditingTestCase):
    def test_the_maintaining_unit_is_a_search_box_when_the_units_are_many(self):
        units = ResponsibleUnit.objects.bulk_create(
            ResponsibleUnit(name=f"养护单位{i:02d}", kind="other") for i in range(LIST_LIMIT + 5)
        )
        page = self.client.get(reverse("projects:channel-create"))
        select = re.search(
            r'<select name="maintaining_unit"([^>]*)>(.*?)</select>', page.content.decode(), re.S
        )
        self.assertIn('data-lookup="/lookup/units/"', select.group(1))
        self.assertEqual(select.group(2).count("<option"), 1)

        url = reverse("projects:channel-update", args=[self.g105.pk])
        page = self.client.get(url)
        data = form_data(page.content, "edit-form")
        data["maintaining_unit"] = [str(units[40].pk)]
        response = self.client.post(url, data)
        self.assertRedirects(response, self.g105.get_absolute_url())
        self.assertEqual(Channel.objects.get(pk=self.g105.pk).maintaining_unit, units[40])
        page = self.client.get(url)
        self.assertContains(page, f'<option value="{units[40].pk}" selected>养护单位40</option>')
