"""The admin: every registered model's pages render, access is staff-only, bad input is refused
with a Chinese message and nothing saved, and the admin's own rules (village counts, who
reported) hold."""

from datetime import date
from decimal import Decimal
from io import StringIO

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.core import checks
from django.core.management import call_command
from django.test import RequestFactory, TestCase
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from projects.models import (
    Channel,
    InterceptionBatch,
    MapOutline,
    Measure,
    PipeConstructionBatch,
    PipeSurveyCampaign,
    Plan,
    Policy,
    Problem,
    Profile,
    ProgressReport,
    Project,
    PumpingStation,
    Responsibility,
    ResponsibleUnit,
    SourceParagraph,
    Stream,
    Target,
    Task,
    Technique,
    VillageWork,
)

from .factories import (
    add_chief_records,
    add_operations_records,
    add_outfall_records,
    add_sewer_records,
    add_water_records,
)


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def is_historical(model):
    """A model django-simple-history made to hold another one's history."""
    return model.__name__.startswith("Historical")


def field_value(bound_field):
    """What a browser would post for a field as rendered (None: leave it out)."""
    widget = bound_field.field.widget
    widget = getattr(widget, "widget", widget)  # unwrap RelatedFieldWidgetWrapper
    value = bound_field.value()
    if isinstance(widget, forms.CheckboxInput):
        return "on" if value else None
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value)


def form_data(response):
    """The POST data of an admin add/change page as rendered: the main form, and every inline
    formset with its management form."""
    data = {}
    form_list = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets") or []:  # none: history form
        form_list += [inline.formset.management_form, *inline.formset.forms]
    for form in form_list:
        for bound_field in form:
            widget = bound_field.field.widget
            widget = getattr(widget, "widget", widget)
            if isinstance(widget, forms.MultiWidget):  # e.g. a user's date joined
                values = widget.decompress(bound_field.value())
                parts = zip(widget.widgets_names, widget.widgets, values, strict=True)
                for suffix, sub, value in parts:
                    data[bound_field.html_name + suffix] = sub.format_value(value) or ""
                continue
            value = field_value(bound_field)
            if value is not None:
                data[bound_field.html_name] = value
    return data


def inline_prefix(response, model):
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is model:
            return inline.formset.prefix
    raise AssertionError(f"No {model.__name__} inline on the page.")


def add_inline_row(data, prefix, row=0, **values):
    """Fill extra form number ``row`` (0: the first after the existing ones) of an inline."""
    index = int(data[f"{prefix}-INITIAL_FORMS"]) + row
    for name, value in values.items():
        data[f"{prefix}-{index}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(max(int(data[f"{prefix}-TOTAL_FORMS"]), index + 1))
    return data


class AdminTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = User.objects.create_superuser("admin", "admin@example.com", "pw-admin-123")
        cls.staff = User.objects.create_user("staff", "staff@example.com", "pw-staff-123")

        # One row of every model, so every change page has something to show.
        source = SourceParagraph.objects.create(
            key="article-1", article="区治水工作总结", number=1, text="全区排洪渠整治工作……"
        )
        cls.street = ResponsibleUnit.objects.create(name="东街街道", kind="street")
        cls.bureau = ResponsibleUnit.objects.create(name="区水务局", kind="district")
        cls.channel = Channel.objects.create(
            name="东排洪渠",
            street=cls.street,
            condition=Channel.Condition.LIGHT,
            length_km=Decimal("2.500"),
            source=source,
        )
        cls.free_channel = Channel.objects.create(name="西排洪渠")
        ring = [[113.5, 22.2], [113.6, 22.2], [113.6, 22.3], [113.5, 22.2]]
        MapOutline.objects.create(
            name="东街街道界", geometry={"type": "Polygon", "coordinates": [ring]}
        )
        cls.plan = Plan.objects.create(channel=cls.channel, title="东排洪渠一河一策方案")
        problem = Problem.objects.create(plan=cls.plan, title="污水直排", category="sewage")
        target = Target.objects.create(plan=cls.plan, indicator="水质", target_value="不黑不臭")
        task = Task.objects.create(
            plan=cls.plan, content="沿渠截污", lead_unit=cls.bureau, deadline=date(2025, 6, 30)
        )
        task.problems.add(problem)
        task.targets.add(target)
        task.supporting_units.add(cls.street)
        technique = Technique.objects.create(name="截污纳管")
        cls.project = Project.objects.create(
            name="东排洪渠截污工程",
            stream=Stream.INTERCEPT,
            lead_unit=cls.bureau,
            investment_wan=Decimal("100.00"),
        )
        cls.project.channels.add(cls.channel)
        cls.project.techniques.add(technique)
        ProgressReport.objects.create(
            project=cls.project,
            month=date(2025, 1, 1),
            percent_complete=Decimal("40.0"),
            investment_this_month_wan=Decimal("30.00"),
        )
        ProgressReport.objects.create(
            project=cls.project,
            month=date(2025, 2, 1),
            percent_complete=Decimal("55.0"),
            investment_this_month_wan=Decimal("20.00"),
        )
        Measure.objects.create(
            plan=cls.plan,
            name="截污管道",
            category="source_control",
            technique=technique,
            project=cls.project,
        )
        Responsibility.objects.create(plan=cls.plan, unit=cls.bureau, duty="牵头实施截污工程")
        cls.batch = InterceptionBatch.objects.create(
            name="第一批旧村截污", stream=Stream.INTERCEPT, batch_number=1, works_count=2
        )
        VillageWork.objects.create(batch=cls.batch, name="甲村", sequence=1)
        PipeSurveyCampaign.objects.create(
            name="排水管网普查",
            stream=Stream.SURVEY,
            surveyed_km=Decimal("100"),
            qv_km=Decimal("40"),
            cctv_km=Decimal("20"),
        )
        station = PumpingStation.objects.create(name="东泵站", street=cls.street)
        construction = PipeConstructionBatch.objects.create(
            name="第一批管网建设", stream=Stream.BUILD, batch_number=1, stations_renovated=3
        )
        construction.renovated_stations.add(station)
        construction.channels.add(cls.channel)
        Policy.objects.create(title="碧水攻坚行动", kind="campaign", issued_by=cls.bureau)
        Group.objects.create(name="数据录入")
        Profile.objects.create(user=cls.staff, unit=cls.street)
        add_sewer_records(cls.street)
        add_water_records(cls.channel)
        add_operations_records(cls.channel, station_unit=cls.street, pumping_station=station)
        add_chief_records(cls.channel)
        add_outfall_records(cls.channel)
        apps.get_model("projects", "Job").objects.create(kind="regrade", user=cls.admin)
        # Rows loaded by migrations (the defect codes) get their first history row.
        call_command("ensure_history", stdout=StringIO())

    def setUp(self):
        self.client.force_login(self.admin)

    def admin_request(self):
        request = RequestFactory().get("/")
        request.user = self.admin
        return request

    def assert_refused(self, response, message, model, count_before):
        """The form is shown again with ``message``, and no row was added."""
        self.assertEqual(response.status_code, 200)
        self.assertIn("adminform", response.context)
        self.assertContains(response, 'class="errornote"')
        self.assertContains(response, message)
        self.assertEqual(model.objects.count(), count_before)


class AdminPagesTests(AdminTestCase):
    def test_it_registers_every_model_of_the_projects_app(self):
        models = list(apps.get_app_config("projects").get_models())
        missing = [
            model.__name__
            for model in models
            if not is_historical(model) and model not in admin.site._registry
        ]
        self.assertEqual(missing, [])
        self.assertIn(Profile, admin.site._registry)

    def test_it_registers_no_historical_model(self):
        registered = [model.__name__ for model in admin.site._registry if is_historical(model)]
        self.assertEqual(registered, [])

    def test_it_gives_every_model_with_history_the_history_admin(self):
        for model, model_admin in admin.site._registry.items():
            with self.subTest(model=model._meta.label):
                has_history = hasattr(model._meta, "simple_history_manager_attribute")
                self.assertEqual(isinstance(model_admin, SimpleHistoryAdmin), has_history)

    def test_it_renders_the_history_pages_of_every_model_with_history(self):
        for model, model_admin in admin.site._registry.items():
            if not isinstance(model_admin, SimpleHistoryAdmin):
                continue
            with self.subTest(model=model._meta.label):
                # A batch saved as itself has its history on the batch's model, not Project's.
                record = model.history.order_by("-history_date").first()
                self.assertIsNotNone(record, f"No {model.__name__} has a history row.")
                obj = record.instance
                response = self.client.get(admin_url(model, "history", obj.pk))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, str(obj))
                response = self.client.get(
                    admin_url(model, "simple_history", obj.pk, record.history_id)
                )
                self.assertEqual(response.status_code, 200)

    def test_it_passes_the_admin_system_checks(self):
        self.assertEqual(checks.run_checks(tags=[checks.Tags.admin]), [])

    def test_it_renders_every_changelist_add_and_change_page(self):
        for model in admin.site._registry:
            with self.subTest(model=model._meta.label):
                self.assertEqual(self.client.get(admin_url(model, "changelist")).status_code, 200)
                searched = self.client.get(admin_url(model, "changelist"), {"q": "东"})
                self.assertEqual(searched.status_code, 200)
                # Read-only admins (rows the application writes) have no add page.
                may_add = admin.site._registry[model].has_add_permission(self.admin_request())
                self.assertEqual(
                    self.client.get(admin_url(model, "add")).status_code, 200 if may_add else 403
                )
                obj = model._default_manager.first()
                self.assertIsNotNone(obj, f"Create a {model.__name__} in setUpTestData.")
                self.assertEqual(
                    self.client.get(admin_url(model, "change", obj.pk)).status_code, 200
                )

    def test_it_sorts_and_filters_every_changelist(self):
        """Every column sort and every filter choice: the derived columns sort on annotations,
        which must exist in each admin's queryset on every database."""
        for model, model_admin in admin.site._registry.items():
            url = admin_url(model, "changelist")
            changelist = self.client.get(url).context["cl"]
            queries = [
                choice["query_string"]
                for spec in changelist.filter_specs
                for choice in spec.choices(changelist)
            ]
            columns = len(model_admin.get_list_display(None))
            queries += [f"?o={sign}{i}" for i in range(1, columns + 1) for sign in ("", "-")]
            for query in queries:
                with self.subTest(url=url + query):
                    response = self.client.get(url + query)
                    self.assertEqual(response.status_code, 200)  # a bad query redirects ?e=1

    def test_it_renders_the_admin_in_chinese(self):
        response = self.client.get(reverse("admin:index"))
        self.assertContains(response, "治水工程管理后台")
        self.assertContains(response, "一河一策方案")
        self.assertContains(response, "排洪渠")
        self.assertEqual(response.headers["Content-Language"], "zh-hans")

    def test_it_shows_progress_derived_from_the_monthly_reports(self):
        response = self.client.get(admin_url(Project, "changelist"))
        self.assertContains(response, "55.0%")  # the latest report
        self.assertContains(response, "50.00")  # 30 + 20
        response = self.client.get(admin_url(InterceptionBatch, "change", self.batch.pk))
        self.assertContains(response, "1 / 2")  # named villages / declared

    def test_it_offers_only_streets_when_choosing_a_channels_street(self):
        response = self.client.get(
            reverse("admin:autocomplete"),
            {"app_label": "projects", "model_name": "channel", "field_name": "street"},
        )
        self.assertEqual(response.status_code, 200)
        names = [result["text"] for result in response.json()["results"]]
        self.assertEqual(names, ["东街街道"])

    def test_it_limits_a_tasks_problems_to_its_plan(self):
        other_plan = Plan.objects.create(channel=self.free_channel, title="西排洪渠方案")
        Problem.objects.create(plan=other_plan, title="西渠淤积", category="silt")
        response = self.client.get(admin_url(Plan, "change", self.plan.pk))
        self.assertContains(response, "污水直排")
        self.assertNotContains(response, "西渠淤积")


class AdminAccessTests(AdminTestCase):
    def setUp(self):
        self.client.force_login(self.staff)

    def test_it_redirects_a_user_without_staff_status_from_the_index(self):
        response = self.client.get("/admin/")
        self.assertRedirects(response, "/admin/login/?next=/admin/")

    def test_it_redirects_a_user_without_staff_status_from_a_changelist(self):
        url = admin_url(Project, "changelist")
        response = self.client.get(url)
        self.assertRedirects(response, f"/admin/login/?next={url}")


class AdminValidationTests(AdminTestCase):
    def test_it_refuses_a_project_with_negative_investment(self):
        data = form_data(self.client.get(admin_url(Project, "add")))
        data.update(name="负投资工程", stream=str(Stream.BUILD.value), investment_wan="-1")
        before = Project.objects.count()
        response = self.client.post(admin_url(Project, "add"), data)
        self.assert_refused(response, "金额和长度不能为负数。", Project, before)

    def test_it_refuses_a_monthly_report_above_100_percent(self):
        data = form_data(self.client.get(admin_url(ProgressReport, "add")))
        data.update(
            project=str(self.project.pk),
            month="2025-03-01",
            percent_complete="120",
            investment_this_month_wan="0",
        )
        before = ProgressReport.objects.count()
        response = self.client.post(admin_url(ProgressReport, "add"), data)
        self.assert_refused(response, "百分比必须在 0 到 100 之间。", ProgressReport, before)

    def test_it_refuses_a_duplicate_channel_name(self):
        data = form_data(self.client.get(admin_url(Channel, "add")))
        data.update(name="东排洪渠")
        before = Channel.objects.count()
        response = self.client.post(admin_url(Channel, "add"), data)
        self.assert_refused(response, "已有同名的排洪渠。", Channel, before)

    def test_it_refuses_a_second_report_for_a_month_on_the_project_page(self):
        url = admin_url(Project, "change", self.project.pk)
        response = self.client.get(url)
        data = add_inline_row(
            form_data(response),
            inline_prefix(response, ProgressReport),
            month="2025-01-01",
            percent_complete="60",
            investment_this_month_wan="5",
        )
        before = ProgressReport.objects.count()
        response = self.client.post(url, data)
        self.assert_refused(response, "该项目在该月份已有进度报告。", ProgressReport, before)

    def test_it_refuses_a_second_report_for_a_month_on_the_report_add_page(self):
        data = form_data(self.client.get(admin_url(ProgressReport, "add")))
        data.update(
            project=str(self.project.pk),
            month="2025-01-01",
            percent_complete="60",
            investment_this_month_wan="5",
        )
        before = ProgressReport.objects.count()
        response = self.client.post(admin_url(ProgressReport, "add"), data)
        self.assert_refused(response, "该项目在该月份已有进度报告。", ProgressReport, before)

    def test_it_refuses_a_second_plan_for_a_channel(self):
        data = form_data(self.client.get(admin_url(Plan, "add")))
        data.update(channel=str(self.channel.pk), title="重复的方案", status="draft")
        before = Plan.objects.count()
        response = self.client.post(admin_url(Plan, "add"), data)
        self.assert_refused(response, "该排洪渠已有一河一策方案。", Plan, before)

    def test_it_refuses_a_batch_naming_more_villages_than_it_declares(self):
        url = admin_url(InterceptionBatch, "change", self.batch.pk)
        response = self.client.get(url)
        prefix = inline_prefix(response, VillageWork)
        data = form_data(response)
        add_inline_row(data, prefix, name="乙村", sequence="2")
        add_inline_row(data, prefix, 1, name="丙村", sequence="3")
        before = VillageWork.objects.count()
        response = self.client.post(url, data)
        self.assert_refused(
            response, "本批次列名了 3 条截污工程，但申报的只有 2 条", VillageWork, before
        )

    def test_it_accepts_a_batch_naming_as_many_villages_as_it_declares(self):
        url = admin_url(InterceptionBatch, "change", self.batch.pk)
        response = self.client.get(url)
        data = add_inline_row(
            form_data(response), inline_prefix(response, VillageWork), name="乙村", sequence="2"
        )
        response = self.client.post(url, data)
        self.assertRedirects(response, admin_url(InterceptionBatch, "changelist"))
        self.assertEqual(self.batch.villages.count(), 2)


class AdminProgressReportTests(AdminTestCase):
    def test_it_records_who_reported_on_the_project_page(self):
        url = admin_url(Project, "change", self.project.pk)
        response = self.client.get(url)
        data = add_inline_row(
            form_data(response),
            inline_prefix(response, ProgressReport),
            month="2025-03-01",
            percent_complete="70",
            investment_this_month_wan="10",
        )
        response = self.client.post(url, data)
        self.assertRedirects(response, admin_url(Project, "changelist"))
        report = ProgressReport.objects.get(project=self.project, month=date(2025, 3, 1))
        self.assertEqual(report.reported_by, self.admin)
        # Reports the page did not change keep their (empty) reporter.
        self.assertIsNone(ProgressReport.objects.get(month=date(2025, 1, 1)).reported_by)

    def test_it_records_who_reported_and_the_month_on_the_report_add_page(self):
        data = form_data(self.client.get(admin_url(ProgressReport, "add")))
        data.update(
            project=str(self.project.pk),
            month="2025-04-15",
            percent_complete="80",
            investment_this_month_wan="10",
        )
        response = self.client.post(admin_url(ProgressReport, "add"), data)
        self.assertRedirects(response, admin_url(ProgressReport, "changelist"))
        report = ProgressReport.objects.get(project=self.project, month=date(2025, 4, 1))
        self.assertEqual(report.reported_by, self.admin)
