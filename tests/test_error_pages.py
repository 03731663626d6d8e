"""Refusals and failures are pages of the site: 400, 403 (and a refused form), 404, 500 and —
with the database stopped — 503, each in Chinese with the navigation and a way back, never a
bare English line or a stack trace."""

import re
from contextlib import ExitStack, contextmanager
from unittest import mock

from django.contrib.auth import get_user
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import OperationalError, connections
from django.test import Client, RequestFactory, TestCase
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from projects.models import Channel, Plan, Task
from projects.views import errors
from projects.views.dashboard import DashboardView
from tests.test_editing import make_role_users

REFUSED = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'


@contextmanager
def database_stopped():
    """Every query fails from here on as it does when the database server is down: the
    connection cannot be (re)opened."""
    with mock.patch.object(
        connections["default"], "ensure_connection", side_effect=OperationalError(REFUSED)
    ):
        yield


def request_with_a_lazy_user(path):
    """A request as the middleware leaves it: its user is loaded from the session (two
    queries) only when something asks for it."""
    request = RequestFactory().get(path, HTTP_COOKIE="sessionid=abc")
    SessionMiddleware(lambda request: None).process_request(request)
    request.user = SimpleLazyObject(lambda: get_user(request))
    return request


class ErrorPageTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_role_users(cls)
        cls.channel = Channel.objects.create(name="105国道排洪渠")
        plan = Plan.objects.create(channel=cls.channel, title="105国道排洪渠一河一策方案")
        cls.task = Task.objects.create(
            plan=plan, content="实施105国道排洪渠黑臭水体生态修复项目", lead_unit=cls.unit_a
        )

    def assertSitePage(self, response, status, heading):
        """The site's look (top bar, stylesheet, navigation), Chinese, and a way back."""
        self.assertEqual(response.status_code, status)
        self.assertEqual(response["Content-Language"], "zh-hans")
        self.assertContains(response, '<header class="topbar">', status_code=status)
        self.assertContains(response, "projects/waterworks.css", status_code=status)
        navigation = re.search(r'<nav class="mainnav".*?</nav>', response.text, re.S)
        self.assertIsNotNone(navigation, "no navigation")
        for link, text in (("projects:channel-list", "排洪渠"), ("projects:project-list", "项目")):
            self.assertRegex(navigation[0], rf'<a href="{reverse(link)}"[^>]*>{text}</a>')
        self.assertContains(response, f"<h1>{heading}</h1>", html=True, status_code=status)
        self.assertContains(
            response,
            f'<a class="button" href="{reverse("projects:dashboard")}">返回总览</a>',
            html=True,
            status_code=status,
        )
        for bare in ("Server Error", "Not Found", "Forbidden", "Bad Request", "Traceback"):
            self.assertNotContains(response, bare, status_code=status)


class NotFoundTests(ErrorPageTestCase):
    def test_it_shows_a_missing_channel_as_the_sites_404_page(self):
        self.client.force_login(self.viewer)
        url = reverse("projects:channel-detail", args=[999999])
        # The session, the user, the missing channel, and as on every page the user's own and
        # group permissions (the navigation's 导入 link).
        with self.assertNumQueries(5):
            response = self.client.get(url, HTTP_REFERER="http://testserver/channels/")
        self.assertSitePage(response, 404, "页面不存在")
        self.assertContains(response, "链接可能有误", status_code=404)
        self.assertContains(
            response,
            '<a class="button" href="http://testserver/channels/">返回上一页</a>',
            html=True,
            status_code=404,
        )
        self.assertContains(response, '<span class="user">viewer</span>', status_code=404)

    def test_it_offers_no_way_back_to_another_site(self):
        response = self.client.get("/no-such-page/", HTTP_REFERER="https://evil.example/")
        self.assertSitePage(response, 404, "页面不存在")
        self.assertNotContains(response, "evil.example", status_code=404)

    def test_it_speaks_english_to_who_chose_english(self):
        self.client.cookies["django_language"] = "en"
        response = self.client.get("/no-such-page/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "<h1>Page not found</h1>", html=True, status_code=404)


class RefusalTests(ErrorPageTestCase):
    def test_it_shows_a_refused_task_update_as_the_sites_403_page(self):
        self.client.force_login(self.viewer)
        response = self.client.get(reverse("projects:task-update", args=[self.task.pk]))
        self.assertSitePage(response, 403, "无权访问")
        self.assertContains(response, "请联系系统管理员开通权限", status_code=403)

    def test_it_shows_a_bad_request_as_the_sites_400_page(self):
        response = self.client.get("/", HTTP_HOST="water.example.com")
        self.assertSitePage(response, 400, "请求无效")
        self.assertContains(response, "请返回上一页重试", status_code=400)


class CsrfFailureTests(ErrorPageTestCase):
    def setUp(self):
        self.browser = Client(enforce_csrf_checks=True)
        self.browser.force_login(self.editor_a)
        self.url = reverse("projects:task-update", args=[self.task.pk])
        self.form = {"status": "in_progress", "note": "已清淤", "expected_version": 1}

    def test_it_refuses_an_expired_form_with_the_sites_page_and_saves_nothing(self):
        self.browser.get(self.url)  # the form, and its CSRF cookie
        response = self.browser.post(self.url, {**self.form, "csrfmiddlewaretoken": "x" * 64})
        self.assertSitePage(response, 403, "提交未被接受")
        self.assertContains(response, "页面已过期", status_code=403)
        self.assertContains(response, "先复制已填写的内容", status_code=403)
        self.task.refresh_from_db()
        self.assertNotEqual(self.task.note, "已清淤")

    def test_it_asks_for_cookies_when_the_browser_sent_none(self):
        response = self.browser.post(self.url, self.form)
        self.assertSitePage(response, 403, "提交未被接受")
        self.assertContains(response, "请允许本站使用 Cookie", status_code=403)


class ServerErrorTests(ErrorPageTestCase):
    def setUp(self):
        self.browser = Client(raise_request_exception=False)

    def test_it_shows_a_crash_as_the_sites_500_page(self):
        self.browser.force_login(self.viewer)
        with mock.patch.object(DashboardView, "get_context_data", side_effect=ZeroDivisionError):
            response = self.browser.get(reverse("projects:dashboard"))
        self.assertSitePage(response, 500, "服务器出错")
        self.assertContains(response, "错误已记录", status_code=500)
        self.assertContains(response, '<span class="user">viewer</span>', status_code=500)
        self.assertContains(
            response,
            f'<a class="button primary" href="{reverse("projects:dashboard")}">重试</a>',
            html=True,
            status_code=500,
        )

    def test_it_renders_the_500_page_while_the_database_is_down(self):
        """The database goes away mid-page, then the page crashes on something else: the 500
        page still renders, without a query."""
        self.browser.force_login(self.viewer)
        with ExitStack() as outage:

            def crash(*args, **kwargs):
                outage.enter_context(database_stopped())
                raise ZeroDivisionError

            with mock.patch.object(DashboardView, "get_context_data", side_effect=crash):
                response = self.browser.get(reverse("projects:dashboard"))
        self.assertSitePage(response, 500, "服务器出错")

    def test_it_renders_the_500_page_for_a_user_never_loaded_without_a_query(self):
        request = request_with_a_lazy_user("/channels/")
        with self.assertNumQueries(0), database_stopped():
            response = errors.server_error(request)
        self.assertEqual(response.status_code, 500)
        self.assertContains(response, "<h1>服务器出错</h1>", html=True, status_code=500)
        self.assertContains(response, "排洪渠", status_code=500)


class DatabaseOutageTests(ErrorPageTestCase):
    """The test client re-raises any exception a request leaves unhandled: these pass only
    because the outage is answered (projects.web.middleware), not left to crash the request."""

    def setUp(self):
        self.client.force_login(self.editor_a)

    def test_it_answers_503_with_the_outage_page_while_the_database_is_down(self):
        for name, args in (
            ("projects:dashboard", []),
            ("projects:channel-detail", [self.channel.pk]),
        ):
            with self.subTest(name), database_stopped():
                response = self.client.get(reverse(name, args=args))
            self.assertSitePage(response, 503, "服务暂时不可用")
            self.assertEqual(response["Retry-After"], "30")
            self.assertContains(response, "暂时无法连接数据库", status_code=503)
            self.assertContains(response, "重试", status_code=503)
            self.assertNotContains(response, "5432", status_code=503)

    def test_it_tells_a_user_whose_form_was_lost_to_submit_it_again(self):
        url = reverse("projects:task-update", args=[self.task.pk])
        with database_stopped():
            response = self.client.post(url, {"status": "in_progress", "note": "已清淤"})
        self.assertSitePage(response, 503, "服务暂时不可用")
        self.assertContains(response, "服务恢复后，请返回上一页重新提交", status_code=503)
        self.task.refresh_from_db()
        self.assertNotEqual(self.task.note, "已清淤")

    def test_it_answers_503_for_an_outage_outside_a_view(self):
        """A middleware's query (saving the session, say) fails outside any view: handler500
        turns the outage into the 503 page too."""
        request = request_with_a_lazy_user("/")
        with database_stopped():
            try:
                connections["default"].ensure_connection()
            except OperationalError:
                response = errors.server_error(request)
        self.assertEqual(response.status_code, 503)
        self.assertContains(response, "<h1>服务暂时不可用</h1>", html=True, status_code=503)
