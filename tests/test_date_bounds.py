"""Every date and time a user types, in the site and in the admin, is bounded: from 1 January
1990, up to now for what happened (a sample, an inspection, a plan's approval; a day up to
tomorrow) and up to 2100 for what is due or planned (deadlines, planned completion, a plan's
period). Out of bounds, a Chinese message stands under the field, what was typed is kept and
nothing is stored; the date pickers offer the same bounds. A date of 2018 goes through."""

import datetime
import re
import shutil
import tempfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from projects.models import Inspection, Photo, Plan, ProgressReport, Sample, Target, Task
from tests.browser_forms import form_data as page_form_data
from tests.photos import jpeg_bytes
from tests.test_admin import AdminTestCase, admin_url
from tests.test_admin import form_data as admin_form_data
from tests.test_editing import EditingTestCase
from tests.test_plan_editing import PlanEditingTestCase, errors_beside, row_errors

DATE_TOO_EARLY = "请输入 1990 年 1 月 1 日及以后的日期。"
TIME_TOO_EARLY = "请填写1990年1月1日及以后的时间。"
TOO_LATE = "请输入 2101 年以前的日期。"
DATE_IN_FUTURE = "该日期晚于明天：请填写实际发生的日期。"
TIME_IN_FUTURE = "该时间晚于现在：请填写实际发生的时间。"


def after_tomorrow():
    return timezone.localdate() + datetime.timedelta(days=2)


def picker(html, name):
    """The attributes of the input named ``name`` on a page."""
    if isinstance(html, bytes):
        html = html.decode()
    match = re.search(r'<input[^>]*\bname="' + re.escape(name) + r'"[^>]*>', html)
    assert match, f"no input {name}"
    return dict(re.findall(r'(\w[\w-]*)="([^"]*)"', match.group(0)))


class TaskDateTests(EditingTestCase):
    def post(self, user, **changes):
        self.client.force_login(user)
        url = self.edit_url(self.task_a)
        data = {**page_form_data(self.client.get(url).content, "edit-form"), **changes}
        return self.client.post(url, data)

    def test_it_refuses_a_deadline_before_1990_or_after_2100_under_the_field(self):
        for typed, message in (
            ("0001-01-01", DATE_TOO_EARLY),
            ("1989-12-31", DATE_TOO_EARLY),
            ("2101-01-01", TOO_LATE),
            ("9999-12-31", TOO_LATE),
        ):
            with self.subTest(typed):
                response = self.post(self.administrator, deadline=[typed], note=["保留的备注"])
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["form"].errors["deadline"], [message])
                self.assertContains(response, f'<span class="field-error">{message}</span>')
                self.assertEqual(picker(response.content, "deadline")["value"], typed)
                self.assertContains(response, "保留的备注")
                self.assertEqual(
                    Task.objects.get(pk=self.task_a.pk).deadline, datetime.date(2030, 6, 30)
                )

    def test_it_takes_a_deadline_of_2018_or_of_2100(self):
        for typed in ("2018-12-31", "2100-12-31"):
            with self.subTest(typed):
                self.assertEqual(self.post(self.administrator, deadline=[typed]).status_code, 302)
                self.assertEqual(
                    Task.objects.get(pk=self.task_a.pk).deadline, datetime.date.fromisoformat(typed)
                )

    def test_it_refuses_an_extended_deadline_of_year_one_from_a_unit_editor(self):
        response = self.post(
            self.editor_a,
            status=["extended"],
            extension_reason=["汛期停工"],
            extended_deadline=["0001-01-01"],
        )
        self.assertEqual(response.status_code, 200)
        # First the date's own message (the task's rule that an extension needs a new deadline
        # may follow: the refused date is not taken).
        self.assertEqual(response.context["form"].errors["extended_deadline"][0], DATE_TOO_EARLY)
        task = Task.objects.get(pk=self.task_a.pk)
        self.assertEqual((task.status, task.extended_deadline), (Task.Status.IN_PROGRESS, None))

    def test_the_date_pickers_offer_1990_to_2100(self):
        self.client.force_login(self.administrator)
        page = self.client.get(self.edit_url(self.task_a))
        for name in ("deadline", "extended_deadline"):
            with self.subTest(name):
                attrs = picker(page.content, name)
                self.assertEqual((attrs["min"], attrs["max"]), ("1990-01-01", "2100-12-31"))


class ReportMonthTests(EditingTestCase):
    def test_it_refuses_a_report_month_out_of_bounds_with_its_own_message_first(self):
        self.client.force_login(self.editor_a)
        url = reverse("projects:report-create", args=[self.project_a.pk])
        next_month = (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).replace(
            day=1
        )
        for typed, message in (
            ("0001-01", DATE_TOO_EARLY),
            ("9999-12", TOO_LATE),
            (f"{next_month:%Y-%m}", "不能填报未来月份的进度。"),
        ):
            with self.subTest(typed):
                response = self.client.post(
                    url,
                    {"month": typed, "percent_complete": "20", "investment_this_month_wan": "1"},
                )
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["form"].errors["month"], [message])
                self.assertFalse(ProgressReport.objects.filter(project=self.project_a).exists())
        page = self.client.get(url)
        attrs = picker(page.content, "month")
        self.assertEqual(
            (attrs["min"], attrs["max"]),
            ("1990-01", f"{timezone.localdate() + datetime.timedelta(days=1):%Y-%m}"),
        )


class PlanDateTests(PlanEditingTestCase):
    def test_it_refuses_plan_dates_out_of_bounds_beside_their_fields_and_stores_nothing(self):
        page, data = self.open_plan(self.g105)
        self.assertEqual(picker(page.content, "plan-period_end")["max"], "2100-12-31")
        self.assertEqual(
            picker(page.content, "plan-approved_on")["max"],
            f"{timezone.localdate() + datetime.timedelta(days=1):%Y-%m-%d}",
        )
        data.update(
            {
                "plan-period_start": ["0001-01-01"],
                "plan-period_end": ["2101-01-01"],
                "plan-approved_on": [f"{after_tomorrow():%Y-%m-%d}"],
                "plan-summary": ["修订后的摘要"],
                "targets-0-target_date": ["9999-12-31"],
            }
        )
        before = (Plan.objects.get(pk=self.plan.pk).summary, Target.objects.get(pk=self.target.pk))
        response = self.client.post(self.plan_url(self.g105), data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(errors_beside(response.content, "id_plan-period_start"), [DATE_TOO_EARLY])
        self.assertEqual(errors_beside(response.content, "id_plan-period_end"), [TOO_LATE])
        self.assertEqual(errors_beside(response.content, "id_plan-approved_on"), [DATE_IN_FUTURE])
        self.assertEqual(
            response.context["formsets"][1][1].forms[0].errors["target_date"], [TOO_LATE]
        )
        self.assertEqual(row_errors(response.content, "id_targets-0-target_date"), [])
        kept = page_form_data(response.content, "plan-form")
        self.assertEqual(kept["plan-summary"], ["修订后的摘要"])
        self.assertEqual(kept["targets-0-target_date"], ["9999-12-31"])
        after = (Plan.objects.get(pk=self.plan.pk).summary, Target.objects.get(pk=self.target.pk))
        self.assertEqual(before[0], after[0])
        self.assertEqual(before[1].target_date, after[1].target_date)

    def test_it_takes_plan_dates_of_2018(self):
        _page, data = self.open_plan(self.g105)
        data.update(
            {
                "plan-period_start": ["2018-06-01"],
                "plan-period_end": ["2020-12-31"],
                "plan-approved_on": ["2018-06-15"],
            }
        )
        response = self.client.post(self.plan_url(self.g105), data)
        self.assertEqual(response.status_code, 302)
        plan = Plan.objects.get(pk=self.plan.pk)
        self.assertEqual(plan.approved_on, datetime.date(2018, 6, 15))


# --- the admin -----------------------------------------------------------------------------

DATE_FIELDS = (forms.DateField, forms.DateTimeField, forms.SplitDateTimeField)
# The admin's fields that say when something is due or planned for.
PLANNED = {
    "deadline",
    "extended_deadline",
    "planned_start",
    "planned_end",
    "period_start",
    "period_end",
    "target_date",
}


def page_forms(response):
    """The main form of an admin page and the first row of each of its inlines."""
    found = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets") or []:
        found += inline.formset.forms[:1]
    return found


def date_inputs(response):
    """{input name: (form, field name)} of every date and time field on an admin page (a date
    and time field: the name of its date box)."""
    inputs = {}
    for form in page_forms(response):
        for bound in form:
            if isinstance(bound.field, DATE_FIELDS):
                split = isinstance(bound.field, forms.SplitDateTimeField)
                inputs[bound.html_name + ("_0" if split else "")] = (form, bound.name)
    return inputs


def typed_into(data, inputs, day):
    """``data`` with ``day`` typed into every date input (and a time beside an empty one)."""
    data = {**data, **dict.fromkeys(inputs, day)}
    for name in inputs:
        if name.endswith("_0") and not data.get(name[:-1] + "1"):
            data[name[:-1] + "1"] = "09:00:00"
    return data


def field_errors(response):
    """{input name: [messages]} of the fields with errors on a re-shown admin page."""
    errors = {}
    for form in page_forms(response):
        for name, messages in form.errors.items():
            if name in form.fields:
                split = isinstance(form.fields[name], forms.SplitDateTimeField)
                errors[form.add_prefix(name) + ("_0" if split else "")] = list(messages)
    return errors


class AdminDateTests(AdminTestCase):
    @classmethod
    def setUpClass(cls):
        media = tempfile.mkdtemp(prefix="waterworks-dates-")
        cls.addClassCleanup(shutil.rmtree, media, True)
        cls.enterClassContext(override_settings(MEDIA_ROOT=media))
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for photo in Photo.objects.all():  # the files of the photos the admin pages show
            for name in (photo.image.name, photo.thumbnail.name):
                path = Path(settings.MEDIA_ROOT, name)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(jpeg_bytes())

    def pages(self):
        """The change page of a row of every model the admin may change (the add page of one
        without rows) that has date inputs, with them."""
        request = self.admin_request()
        for model, model_admin in admin.site._registry.items():
            obj = model._default_manager.order_by("pk").first()
            if obj is not None and model_admin.has_change_permission(request, obj):
                url = admin_url(model, "change", obj.pk)
            elif obj is None and model_admin.has_add_permission(request):
                url = admin_url(model, "add")
            else:
                continue
            page = self.client.get(url)
            self.assertEqual(page.status_code, 200, url)
            inputs = date_inputs(page)
            if inputs:
                yield model, url, page, inputs

    def test_every_date_and_time_of_every_admin_page_is_refused_before_1990_or_after_2100(self):
        checked = []
        for model, url, page, inputs in self.pages():
            checked += [f"{model.__name__}.{name}" for name in inputs]
            with self.subTest(model=model.__name__, picker="min"):
                for name in inputs:
                    self.assertEqual(picker(page.content, name).get("min"), "1990-01-01", name)
            for typed, early in (("1989-12-31", True), ("2101-01-01", False)):
                with self.subTest(model=model.__name__, typed=typed):
                    data = typed_into(admin_form_data(page), inputs, typed)
                    before = model._default_manager.count()
                    response = self.client.post(url, data)
                    self.assertEqual(response.status_code, 200, f"{url} saved {typed}")
                    errors = field_errors(response)
                    for name, (form, field) in inputs.items():
                        is_time = not isinstance(form.fields[field], forms.DateField)
                        message = TOO_LATE
                        if early:
                            message = TIME_TOO_EARLY if is_time else DATE_TOO_EARLY
                        self.assertIn(message, errors.get(name, []), name)
                        self.assertEqual(picker(response.content, name)["value"], typed)
                    self.assertEqual(model._default_manager.count(), before)
        for expected in (
            "Sample.sampled_at_0",
            "Inspection.inspected_on",
            "Project.planned_end",
            "Task.extended_deadline",
            "MonthlyAssessment.month",
            "Project.reports-0-month",
            "Plan.targets-0-target_date",
        ):
            self.assertIn(expected, checked)

    def test_a_time_after_now_is_refused_and_a_planned_date_may_be_in_2100(self):
        # Weeks ahead: a report's month of next month is in the future too.
        ahead = f"{timezone.localdate() + datetime.timedelta(days=40):%Y-%m-%d}"
        for model, url, page, inputs in self.pages():
            planned = {name for name, (_form, field) in inputs.items() if field in PLANNED}
            with self.subTest(model=model.__name__):
                data = typed_into(admin_form_data(page), inputs, ahead)
                data.update(dict.fromkeys(planned, "2100-12-31"))
                response = self.client.post(url, data)
                if planned == set(inputs):
                    self.assertEqual(response.status_code, 302, url)
                    continue
                self.assertEqual(response.status_code, 200, f"{url} saved {ahead}")
                errors = field_errors(response)
                for name in inputs:
                    if name in planned:
                        self.assertNotIn(name, errors)
                    else:
                        self.assertTrue(errors.get(name), f"{url} took {name}={ahead}")

    def test_a_sample_time_and_an_inspection_day_after_now_say_so(self):
        for model, name, message in (
            (Sample, "sampled_at_0", TIME_IN_FUTURE),
            (Inspection, "inspected_on", DATE_IN_FUTURE),
        ):
            with self.subTest(model.__name__):
                url = admin_url(model, "change", model.objects.order_by("pk").first().pk)
                data = admin_form_data(self.client.get(url))
                data[name] = f"{after_tomorrow():%Y-%m-%d}"
                response = self.client.post(url, data)
                self.assertEqual(field_errors(response)[name], [message])

    def test_it_takes_a_sample_time_of_2018(self):
        sample = Sample.objects.order_by("pk").first()
        url = admin_url(Sample, "change", sample.pk)
        data = admin_form_data(self.client.get(url))
        data.update({"sampled_at_0": "2018-06-01", "sampled_at_1": "09:30:00"})
        self.assertEqual(self.client.post(url, data).status_code, 302)
        sample.refresh_from_db()
        self.assertEqual(timezone.localtime(sample.sampled_at).date(), datetime.date(2018, 6, 1))
