"""The admin as its users meet it: a refused value's message beside the field it is about, the
plan's page within a 1366 px screen, the filter_horizontal widget in Chinese, and no page that
shows a user the name of a setting."""

import json
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.test import override_settings
from django.urls import resolve, reverse

from projects.admin.base import ErrorsBesideFields
from projects.models import (
    Channel,
    Measure,
    MonthlyAssessment,
    PipeSurveyCampaign,
    Plan,
    ProgressReport,
    Sample,
    SamplingPoint,
    Task,
    VillageWork,
)

from .test_admin import AdminTestCase, add_inline_row, admin_url, form_data, inline_prefix

VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"}
VOID_ELEMENTS |= {"source", "track", "wbr"}


class ErrorLists(HTMLParser):
    """Every ``ul.errorlist`` of a page: its id, its text, whether it is a form's own list
    (``nonfield``) and the fields of the rows (``.field-<name>``) it sits in."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.stack = []  # [(tag, classes)] of the open elements
        self.lists = []
        self.current = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "ul" and "errorlist" in classes:
            rows = {
                name.removeprefix("field-")
                for _tag, open_classes in self.stack
                for name in open_classes
                if name.startswith("field-")
            }
            self.current = {
                "id": attrs.get("id"),
                "nonfield": "nonfield" in classes,
                "rows": rows,
                "text": "",
                "depth": len(self.stack),
            }
            self.lists.append(self.current)
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, classes))

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS:
            return
        while self.stack:
            open_tag, _classes = self.stack.pop()
            if open_tag == tag:
                break
        if self.current is not None and len(self.stack) <= self.current["depth"]:
            self.current = None

    def handle_data(self, data):
        if self.current is not None:
            self.current["text"] += data


class FieldErrorAssertions:
    def assert_beside(self, response, field_id, row, message):
        """``message`` is in the error list of the field with the HTML id ``field_id``, inside
        that field's ``.field-<row>`` row, and in no list of the whole form."""
        self.assertEqual(response.status_code, 200)
        self.assertIn("adminform", response.context)
        lists = ErrorLists(response.content.decode()).lists
        beside = [item for item in lists if item["id"] == f"{field_id}_error"]
        self.assertEqual(len(beside), 1, f"no error list for {field_id}: {lists}")
        self.assertIn(message, beside[0]["text"])
        self.assertIn(row, beside[0]["rows"])
        on_top = [item["text"] for item in lists if item["nonfield"]]
        self.assertFalse([text for text in on_top if message in text], on_top)


class AdminFieldErrorTests(FieldErrorAssertions, AdminTestCase):
    def test_it_shows_a_negative_length_beside_the_length(self):
        url = admin_url(Channel, "change", self.channel.pk)
        data = form_data(self.client.get(url))
        data.update(length_km="-1")
        response = self.client.post(url, data)
        self.assert_beside(response, "id_length_km", "length_km", "金额和长度不能为负数。")
        self.channel.refresh_from_db()
        self.assertEqual(self.channel.length_km, Decimal("2.500"))

    def test_it_shows_a_period_ending_before_it_starts_beside_its_end(self):
        url = admin_url(Plan, "change", self.plan.pk)
        data = form_data(self.client.get(url))
        data.update(period_start="2018-06-01", period_end="2018-03-31")
        response = self.client.post(url, data)
        self.assert_beside(response, "id_period_end", "period_end", "截止日期不能早于起始日期。")
        self.plan.refresh_from_db()
        self.assertIsNone(self.plan.period_end)

    def test_it_shows_too_long_a_cctv_length_beside_it_not_beside_the_qv_length(self):
        campaign = PipeSurveyCampaign.objects.get()
        url = admin_url(PipeSurveyCampaign, "change", campaign.pk)
        data = form_data(self.client.get(url))
        data.update(surveyed_km="100", qv_km="40", cctv_km="120")
        response = self.client.post(url, data)
        self.assert_beside(response, "id_cctv_km", "cctv_km", "检测长度不能超过普查长度。")
        self.assertNotContains(response, 'id="id_qv_km_error"')
        campaign.refresh_from_db()
        self.assertEqual(campaign.cctv_km, Decimal("20"))

    def test_it_shows_a_second_report_for_a_month_beside_the_month(self):
        data = form_data(self.client.get(admin_url(ProgressReport, "add")))
        data.update(
            project=str(self.project.pk),
            month="2025-01-15",
            percent_complete="60",
            investment_this_month_wan="5",
        )
        before = ProgressReport.objects.count()
        response = self.client.post(admin_url(ProgressReport, "add"), data)
        self.assert_beside(response, "id_month", "month", "该项目在该月份已有进度报告。")
        self.assertEqual(ProgressReport.objects.count(), before)

    def test_it_shows_a_negative_investment_in_the_measures_row_of_the_plan(self):
        url = admin_url(Plan, "change", self.plan.pk)
        response = self.client.get(url)
        prefix = inline_prefix(response, Measure)
        data = form_data(response)
        data[f"{prefix}-0-investment_wan"] = "-5"
        response = self.client.post(url, data)
        self.assert_beside(
            response, f"id_{prefix}-0-investment_wan", "investment_wan", "金额和长度不能为负数。"
        )
        self.assertIsNone(Measure.objects.get().investment_wan)

    def test_it_shows_an_implausible_orp_in_the_samples_row_of_the_point(self):
        point = SamplingPoint.objects.filter(channel=self.channel).first()
        url = admin_url(SamplingPoint, "change", point.pk)
        response = self.client.get(url)
        prefix = inline_prefix(response, Sample)
        data = add_inline_row(
            form_data(response),
            prefix,
            sampled_at_0="2018-07-02",
            sampled_at_1="09:30",
            orp_mv="2000",
        )
        before = Sample.objects.count()
        response = self.client.post(url, data)
        index = int(data[f"{prefix}-INITIAL_FORMS"])
        self.assert_beside(
            response,
            f"id_{prefix}-{index}-orp_mv",
            "orp_mv",
            "氧化还原电位必须在 −1000 到 1000 mV 之间。",
        )
        self.assertEqual(Sample.objects.count(), before)

    def test_it_shows_a_village_beyond_the_declared_count_beside_the_batch(self):
        VillageWork.objects.create(batch=self.batch, name="乙村", sequence=2)
        data = form_data(self.client.get(admin_url(VillageWork, "add")))
        data.update(batch=str(self.batch.pk), name="丙村", sequence="3")
        before = VillageWork.objects.count()
        response = self.client.post(admin_url(VillageWork, "add"), data)
        self.assert_beside(
            response, "id_batch", "batch", "本批次列名了 3 条截污工程，但申报的只有 2 条"
        )
        self.assertEqual(VillageWork.objects.count(), before)

    def test_it_shows_a_completed_task_without_a_note_beside_the_note(self):
        task = Task.objects.get()
        url = admin_url(Task, "change", task.pk)
        data = form_data(self.client.get(url))
        data.update(status=Task.Status.DONE, completion_note="")
        response = self.client.post(url, data)
        self.assert_beside(
            response,
            "id_completion_note",
            "completion_note",
            "办结的任务须填写完成说明或上传佐证材料。",
        )
        task.refresh_from_db()
        self.assertNotEqual(task.status, Task.Status.DONE)

    def test_it_gives_every_form_of_a_model_with_constraints_its_errors_beside_fields(self):
        """Also the pages and inlines added after these tests were written."""
        request = self.admin_request()
        checked = set()
        for model_admin in admin.site._registry.values():
            if not model_admin.has_add_permission(request):
                continue  # rows the application writes: no form to fill in
            request.resolver_match = resolve(admin_url(model_admin.model, "add"))
            inlines = model_admin.get_inline_instances(request)
            forms = [(model_admin.model, model_admin.get_form(request))]
            forms += [(inline.model, inline.get_formset(request).form) for inline in inlines]
            for model, form in forms:
                if model._meta.constraints:
                    checked.add(model)
                    with self.subTest(admin=type(model_admin).__name__, model=model):
                        self.assertTrue(issubclass(form, ErrorsBesideFields))
        self.assertGreaterEqual(len(checked), 15)


class AdminChineseWidgetTests(AdminTestCase):
    def test_it_serves_the_filter_widgets_words_in_chinese(self):
        response = self.client.get(reverse("admin:jsi18n"))
        self.assertEqual(response.status_code, 200)
        catalog = response.content.decode()
        for english, chinese in [
            ("Choose all %s", "全选%s"),
            ("Remove all %s", "移除全部%s"),
            ("Choose selected %s", "选择选中的%s"),
            ("Remove selected %s", "移除选中的%s"),
        ]:
            with self.subTest(english):
                self.assertIn(f"{json.dumps(english)}: {json.dumps(chinese)}", catalog)

    def test_it_keeps_the_widget_in_english_for_a_user_who_chose_english(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = self.client.get(reverse("admin:jsi18n"))
        self.assertNotIn(json.dumps("全选%s"), response.content.decode())


def setting_names():
    """Every setting the site has, by the name an administrator would put in settings.py."""
    return sorted(name for name in dir(settings) if name.isupper())


def visible_text(html):
    """The page's text as a reader sees it: no scripts, styles or tags."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return re.sub(r"<[^>]+>", " ", html)


class NoSettingNamesTests(AdminTestCase):
    def assert_no_setting_name(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        text = visible_text(response.content.decode())
        named = [name for name in setting_names() if re.search(rf"\b{name}\b", text)]
        self.assertEqual(named, [], url)

    def test_it_names_no_setting_on_the_assessment_pages(self):
        assessment = MonthlyAssessment.objects.get()
        urls = [
            reverse("projects:assessment-list"),
            reverse("projects:assessment-items"),
            reverse("projects:assessment-detail", args=[assessment.pk]),
            reverse("projects:assessment-deduction-create", args=[assessment.pk]),
            reverse("projects:month-report"),
        ]
        for url in urls:
            with self.subTest(url):
                self.assert_no_setting_name(url)

    def test_it_names_no_setting_on_the_fee_rule(self):
        response = self.client.get(reverse("projects:assessment-list"))
        self.assertContains(response, "系统默认的收费规则")

    def test_it_names_no_setting_on_any_admin_add_or_change_page(self):
        self.assert_no_setting_name(reverse("admin:index"))
        request = self.admin_request()
        for model, model_admin in admin.site._registry.items():
            if model_admin.has_add_permission(request):
                with self.subTest(model=model, view="add"):
                    self.assert_no_setting_name(admin_url(model, "add"))
            obj = model._default_manager.first()
            if obj is not None:
                with self.subTest(model=model, view="change"):
                    self.assert_no_setting_name(admin_url(model, "change", obj.pk))

    def test_it_finds_a_setting_name_where_a_page_shows_one(self):
        self.assertIn("MAINTENANCE_FEE_RULE", setting_names())
        text = visible_text("<p>默认值（MAINTENANCE_FEE_RULE 设置）</p><script>DEBUG</script>")
        named = [name for name in setting_names() if re.search(rf"\b{name}\b", text)]
        self.assertEqual(named, ["MAINTENANCE_FEE_RULE"])


# --- in a browser --------------------------------------------------------------------------


@pytest.fixture
def demo_site(transactional_db):
    """The article's data and the demo accounts (``admin`` is the superuser)."""
    call_command("loaddata", "xiangzhou_2018", verbosity=0)
    with override_settings(DEBUG=True):  # the demo accounts are for a development site only
        call_command("bootstrap_demo", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_it_fits_the_plan_page_on_a_1366_screen_with_the_widget_in_chinese(
    live_server, page, demo_site
):
    plan = Plan.objects.get(channel__name="105国道排洪渠")
    assert plan.tasks.exists() and plan.problems.exists() and plan.measures.exists()
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill("admin-demo-2018")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}{admin_url(Plan, 'change', plan.pk)}")
    page.wait_for_selector(".selector-chooseall")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    # Each of the five lists fits its column too, without a scroll bar of its own.
    groups = page.evaluate(
        "[...document.querySelectorAll('.inline-group')]"
        ".map(g => [g.id, g.scrollWidth, g.clientWidth])"
    )
    assert len(groups) == 5
    for group_id, scroll_width, client_width in groups:
        assert scroll_width <= client_width, group_id
    for selector in (".selector-chooseall", ".selector-clearall"):
        texts = page.locator(selector).all_inner_texts()
        assert texts, selector
        assert all("Choose" not in text and "Remove" not in text for text in texts), texts
    assert all(
        text.startswith("全选") for text in page.locator(".selector-chooseall").all_inner_texts()
    )
