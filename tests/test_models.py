"""The domain model: each named database constraint holds, derived figures are derived."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase

from projects.models import (
    Channel,
    InterceptionBatch,
    Measure,
    PipeConstructionBatch,
    PipeSurveyCampaign,
    Plan,
    ProgressReport,
    Project,
    Stream,
    Task,
    VillageWork,
)


class ConstraintTests(TestCase):
    """Integrity lives in the database: a direct write that breaks a rule fails there."""

    @classmethod
    def setUpTestData(cls):
        cls.channel = Channel.objects.create(name="甲渠", code="A-1")
        cls.project = Project.objects.create(name="甲项目", stream=Stream.REMEDIATE)
        cls.plan = Plan.objects.create(channel=cls.channel, title="甲渠方案")

    def assert_refused(self, constraint, make):
        with self.assertRaises(IntegrityError) as caught, transaction.atomic():
            make()
        # SQLite names CHECK constraints in its message; PostgreSQL names every constraint.
        message = str(caught.exception)
        if constraint and "UNIQUE" not in message:
            self.assertIn(constraint, message)

    def test_it_refuses_negative_money(self):
        self.assert_refused(
            "project_investment_wan_non_negative",
            lambda: Project.objects.create(name="负", stream=1, investment_wan=Decimal("-0.01")),
        )
        self.assert_refused(
            "measure_investment_wan_non_negative",
            lambda: Measure.objects.create(
                plan=self.plan, name="m", category="ecological", investment_wan=-1
            ),
        )
        self.assert_refused(
            "progressreport_investment_this_month_wan_non_negative",
            lambda: ProgressReport.objects.create(
                project=self.project,
                month=datetime.date(2018, 5, 1),
                percent_complete=1,
                investment_this_month_wan=-5,
            ),
        )

    def test_it_refuses_negative_lengths(self):
        self.assert_refused(
            "channel_length_km_non_negative",
            lambda: Channel.objects.create(name="乙渠", length_km=-1),
        )
        self.assert_refused(
            "pipesurveycampaign_surveyed_km_non_negative",
            lambda: PipeSurveyCampaign.objects.create(name="普查", stream=1, surveyed_km=-1),
        )
        self.assert_refused(
            "pipeconstructionbatch_new_pipe_km_non_negative",
            lambda: PipeConstructionBatch.objects.create(
                name="建设", stream=3, batch_number=9, new_pipe_km=-3
            ),
        )

    def test_it_refuses_percentages_outside_0_to_100(self):
        for bad in (Decimal("100.1"), Decimal("-1")):
            with self.subTest(bad):
                self.assert_refused(
                    "progressreport_percent_complete_0_100",
                    lambda bad=bad: ProgressReport.objects.create(
                        project=self.project,
                        month=datetime.date(2018, 7, 1),
                        percent_complete=bad,
                    ),
                )
        self.assert_refused(
            "task_percent_complete_0_100",
            lambda: Task.objects.create(plan=self.plan, content="t", percent_complete=101),
        )
        # The edges are allowed.
        ProgressReport.objects.create(
            project=self.project, month=datetime.date(2018, 8, 1), percent_complete=100
        )
        Task.objects.create(plan=self.plan, content="t0", percent_complete=0)

    def test_it_refuses_duplicate_channel_names_and_codes(self):
        self.assert_refused(None, lambda: Channel.objects.create(name="甲渠"))
        self.assert_refused(None, lambda: Channel.objects.create(name="丙渠", code="A-1"))
        # An empty code is not a duplicate of another empty code.
        Channel.objects.create(name="丁渠")
        Channel.objects.create(name="戊渠")

    def test_it_allows_one_plan_per_channel(self):
        self.assert_refused(None, lambda: Plan.objects.create(channel=self.channel, title="二"))

    def test_it_allows_one_report_per_project_per_month(self):
        ProgressReport.objects.create(
            project=self.project, month=datetime.date(2018, 5, 1), percent_complete=10
        )
        self.assert_refused(
            "progressreport_one_per_project_month",
            lambda: ProgressReport.objects.create(
                project=self.project, month=datetime.date(2018, 5, 20), percent_complete=20
            ),
        )

    def test_it_refuses_a_report_month_that_is_not_a_first_day_when_written_in_bulk(self):
        self.assert_refused(
            "progressreport_month_first_day",
            lambda: ProgressReport.objects.bulk_create(
                [
                    ProgressReport(
                        project=self.project, month=datetime.date(2018, 5, 20), percent_complete=1
                    )
                ]
            ),
        )

    def test_it_refuses_periods_that_end_before_they_start(self):
        self.assert_refused(
            "project_planned_end_after_start",
            lambda: Project.objects.create(
                name="倒",
                stream=1,
                planned_start=datetime.date(2019, 1, 1),
                planned_end=datetime.date(2018, 1, 1),
            ),
        )

    def test_it_refuses_inspected_lengths_above_the_surveyed_length(self):
        self.assert_refused(
            "pipesurveycampaign_inspected_within_surveyed",
            lambda: PipeSurveyCampaign.objects.create(
                name="超", stream=1, surveyed_km=10, qv_km=11
            ),
        )

    def test_it_refuses_a_village_twice_in_a_batch_and_an_empty_batch(self):
        batch = InterceptionBatch.objects.create(name="批", batch_number=7, works_count=2)
        VillageWork.objects.create(batch=batch, name="甲村")
        self.assert_refused(None, lambda: VillageWork.objects.create(batch=batch, name="甲村"))
        self.assert_refused(
            "interceptionbatch_works_count_positive",
            lambda: InterceptionBatch.objects.create(name="空", batch_number=8, works_count=0),
        )

    def test_it_explains_a_violation_in_full_clean(self):
        project = Project(name="负投资", stream=1, investment_wan=Decimal("-1"))
        with self.assertRaises(ValidationError) as caught:
            project.full_clean()
        self.assertIn("金额和长度不能为负数。", str(caught.exception))


class DerivedFigureTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.project = Project.objects.create(
            name="乙项目", stream=Stream.REMEDIATE, status=Project.Status.IN_PROGRESS
        )

    def test_it_derives_percent_and_cumulative_investment_from_the_reports(self):
        for month, percent, money in ((5, 20, "30.00"), (6, 45, "12.50"), (7, 60, "7.25")):
            self.project.reports.create(
                month=datetime.date(2018, month, 1),
                percent_complete=percent,
                investment_this_month_wan=Decimal(money),
            )
        project = Project.objects.with_progress().get(pk=self.project.pk)
        self.assertEqual(project.percent, 60)
        self.assertEqual(project.cumulative_investment_wan, Decimal("49.75"))
        self.assertEqual(project.last_report_month, datetime.date(2018, 7, 1))
        running = [
            r.cumulative_investment_wan
            for r in ProgressReport.objects.filter(project=self.project).with_cumulative()
        ]
        self.assertEqual(running, [Decimal("30.00"), Decimal("42.50"), Decimal("49.75")])

    def test_it_counts_a_completed_project_as_100_percent_and_never_overdue(self):
        self.project.status = Project.Status.COMPLETED
        self.project.planned_end = datetime.date(2018, 1, 1)
        self.project.save()
        project = Project.objects.with_progress().get(pk=self.project.pk)
        self.assertEqual(project.percent, 100)
        self.assertFalse(project.is_overdue)

    def test_it_has_no_percent_without_reports(self):
        project = Project.objects.with_progress().get(pk=self.project.pk)
        self.assertIsNone(project.percent)
        self.assertIsNone(project.cumulative_investment_wan)

    def test_it_flags_an_open_project_past_its_planned_end(self):
        today = datetime.date(2018, 9, 1)
        self.project.planned_end = datetime.date(2018, 8, 31)
        self.project.save()
        self.assertTrue(Project.objects.with_progress(today).get(pk=self.project.pk).is_overdue)
        self.assertFalse(
            Project.objects.with_progress(datetime.date(2018, 8, 31))
            .get(pk=self.project.pk)
            .is_overdue
        )

    def test_it_stores_a_report_month_as_its_first_day(self):
        report = ProgressReport(
            project=self.project, month=datetime.date(2018, 5, 17), percent_complete=5
        )
        report.full_clean()
        report.save()
        self.assertEqual(report.month, datetime.date(2018, 5, 1))

    def test_it_keeps_batches_in_their_own_stream(self):
        batch = InterceptionBatch.objects.create(
            name="批次", stream=Stream.SURVEY, batch_number=5, works_count=3
        )
        self.assertEqual(batch.stream, Stream.INTERCEPT)
        survey = PipeSurveyCampaign.objects.create(name="普查", stream=Stream.MANAGE)
        self.assertEqual(survey.stream, Stream.SURVEY)
        build = PipeConstructionBatch.objects.create(name="建", stream=1, batch_number=4)
        self.assertEqual(build.stream, Stream.BUILD)


class TaskTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        channel = Channel.objects.create(name="丙渠")
        cls.plan = Plan.objects.create(channel=channel, title="丙渠方案")

    def overdue(self, task, today):
        return Task.objects.with_overdue(today).get(pk=task.pk).is_overdue

    def test_it_is_overdue_past_its_deadline_unless_done(self):
        task = Task.objects.create(
            plan=self.plan,
            content="清淤",
            deadline=datetime.date(2018, 6, 30),
            status=Task.Status.IN_PROGRESS,
        )
        self.assertFalse(self.overdue(task, datetime.date(2018, 6, 30)))
        self.assertTrue(self.overdue(task, datetime.date(2018, 7, 1)))
        task.status = Task.Status.DONE
        task.save()
        self.assertFalse(self.overdue(task, datetime.date(2018, 7, 1)))

    def test_it_uses_the_extended_deadline_once_extended(self):
        task = Task.objects.create(
            plan=self.plan,
            content="截污",
            deadline=datetime.date(2018, 6, 30),
            extended_deadline=datetime.date(2018, 12, 31),
            status=Task.Status.EXTENDED,
        )
        self.assertFalse(self.overdue(task, datetime.date(2018, 7, 1)))
        self.assertTrue(self.overdue(task, datetime.date(2019, 1, 1)))

    def test_it_is_never_overdue_without_a_deadline(self):
        task = Task.objects.create(plan=self.plan, content="无期限")
        self.assertFalse(self.overdue(task, datetime.date(2030, 1, 1)))

    def test_it_names_what_a_task_is_missing(self):
        task = Task.objects.create(plan=self.plan, content="缺项", responsible_person="李工")
        self.assertEqual([str(m) for m in task.missing_fields()], ["牵头单位", "完成时限"])

    def test_it_finds_problems_without_tasks_and_tasks_without_owners(self):
        addressed = self.plan.problems.create(title="淤积", category="silt")
        self.plan.problems.create(title="排污口", category="sewage")
        task = Task.objects.create(plan=self.plan, content="清淤")
        task.problems.add(addressed)
        warnings = self.plan.completeness_warnings(
            self.plan.problems.with_task_count(), self.plan.tasks.all()
        )
        self.assertEqual(len(warnings), 2)
        self.assertIn("排污口", str(warnings[0]))
        self.assertIn("清淤", str(warnings[1]))


class HistoryCoverageTests(TestCase):
    """Every model that holds programme data keeps an audit history."""

    # Reference text and account links are not programme data; judgements and segment scores
    # are computed from recorded data (and judgements are kept as a sequence); an import batch
    # is itself the record of who loaded what, a complaint step the record of who moved a
    # complaint on, when, and a background job the record of who started what work, when.
    WITHOUT_HISTORY = {
        "SourceParagraph",
        "Profile",
        "Judgement",
        "SegmentScore",
        "ImportBatch",
        "ComplaintStep",
        "Job",
        "PostChannelPatrol",
    }

    def test_it_tracks_every_programme_model(self):
        from django.apps import apps
        from simple_history.models import registered_models

        tracked = set(registered_models.values())
        for model in apps.get_app_config("projects").get_models():
            if model.__name__.startswith("Historical") or model.__name__ in self.WITHOUT_HISTORY:
                continue
            with self.subTest(model.__name__):
                self.assertIn(model, tracked)

    def test_it_records_rows_changed_in_bulk_with_the_user(self):
        from django.contrib.auth import get_user_model
        from simple_history.utils import bulk_update_with_history

        user = get_user_model().objects.create_user("bulk")
        channel = Channel.objects.create(name="丁渠")
        plan = Plan.objects.create(channel=channel, title="丁渠方案")
        tasks = [Task.objects.create(plan=plan, content=f"任务{i}") for i in range(3)]
        for task in tasks:
            task.status = Task.Status.IN_PROGRESS
        bulk_update_with_history(tasks, Task, ["status"], default_user=user)
        for task in tasks:
            latest = task.history.latest()
            self.assertEqual((latest.status, latest.history_user), ("in_progress", user))


class RoleTests(TestCase):
    """The groups the migrations create hold exactly what projects/roles.py describes."""

    def test_it_gives_each_group_the_permissions_its_role_describes(self):
        from django.contrib.auth.models import Group, Permission

        from projects.core import roles

        codenames = set(
            Permission.objects.filter(content_type__app_label="projects").values_list(
                "codename", flat=True
            )
        )
        for role in (roles.VIEWER, roles.UNIT_EDITOR, roles.ADMINISTRATOR):
            with self.subTest(role):
                held = Group.objects.get(name=role).permissions
                self.assertEqual(
                    set(
                        held.filter(content_type__app_label="projects").values_list(
                            "codename", flat=True
                        )
                    ),
                    roles.permission_codenames(role, codenames),
                )
        administrator = Group.objects.get(name=roles.ADMINISTRATOR).permissions
        self.assertEqual(
            set(
                administrator.filter(content_type__app_label="auth").values_list(
                    "codename", flat=True
                )
            ),
            set(roles.ADMINISTRATOR_AUTH_PERMISSIONS),
        )
