"""Every user changes their own password on a page of the site, in Chinese, reached from the
header; they stay logged in, and the next login takes the new password only."""

from django.contrib.auth import get_user_model
from django.test import Client, TestCase
from django.urls import reverse

from projects.web import session_limits
from tests.test_editing import make_role_users

URL = reverse("password_change")
DONE = reverse("password_change_done")


class PasswordChangeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_role_users(cls)

    def setUp(self):
        # Through the login form, so the session is a real login's.
        response = self.client.post(
            reverse("login"), {"username": "viewer", "password": "viewer-pass-1"}
        )
        self.assertEqual(response.status_code, 302)

    def change(self, old="viewer-pass-1", new="清淤截污-2018", confirm=None):
        return self.client.post(
            URL,
            {
                "old_password": old,
                "new_password1": new,
                "new_password2": new if confirm is None else confirm,
            },
        )

    def can_log_in(self, password, username="viewer"):
        browser = Client()
        response = browser.post(reverse("login"), {"username": username, "password": password})
        return response.status_code == 302

    def test_it_links_the_page_from_the_header_of_every_page(self):
        for url in (reverse("projects:dashboard"), reverse("projects:channel-list")):
            with self.subTest(url):
                response = self.client.get(url)
                header = response.text.split('<div class="topbar-tools">')[1].split("</div>")[0]
                self.assertInHTML(f'<a href="{URL}">修改密码</a>', header)

    def test_it_shows_the_viewer_a_chinese_page_in_the_sites_look(self):
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<header class="topbar">')
        self.assertContains(response, "projects/waterworks.css")
        self.assertContains(response, "<title>修改密码 · 香洲区水污染治理</title>", html=True)
        self.assertContains(response, "<h1>修改密码</h1>", html=True)
        self.assertContains(response, "账号 viewer：请输入当前密码，再输入两次新密码。")
        for label in ("旧密码", "新密码", "新密码确认"):
            self.assertContains(response, label)
        self.assertContains(response, "你的密码必须包含至少 8 个字符。")
        self.assertContains(response, '<a href="/accounts/password/" aria-current="page">')
        self.assertContains(response, '<button type="submit" class="primary">修改密码</button>')

    def test_it_changes_the_password_and_keeps_the_viewer_logged_in(self):
        logged_in_at = self.client.session[session_limits.LOGGED_IN_AT]
        response = self.change()
        self.assertRedirects(response, DONE)
        done = self.client.get(DONE)
        self.assertContains(done, "<h1>密码已修改</h1>", html=True)
        self.assertContains(done, "下次登录请使用新密码；本次登录不受影响。")
        # Still logged in, in the same login (its time limit runs on from the first login).
        self.assertEqual(self.client.get(reverse("projects:channel-list")).status_code, 200)
        self.assertEqual(self.client.session[session_limits.LOGGED_IN_AT], logged_in_at)
        # The next login takes the new password, not the old one.
        self.assertTrue(
            get_user_model().objects.get(username="viewer").check_password("清淤截污-2018")
        )
        self.assertTrue(self.can_log_in("清淤截污-2018"))
        self.assertFalse(self.can_log_in("viewer-pass-1"))

    def test_it_lets_an_editor_and_an_administrator_change_theirs(self):
        for user in (self.editor_a, self.administrator):
            with self.subTest(user.username):
                browser = Client()
                browser.force_login(user)
                response = browser.post(
                    URL,
                    {
                        "old_password": f"{user.username}-pass-1",
                        "new_password1": "泵站巡查-0601",
                        "new_password2": "泵站巡查-0601",
                    },
                )
                self.assertRedirects(response, DONE)
                user.refresh_from_db()
                self.assertTrue(user.check_password("泵站巡查-0601"))

    def test_it_refuses_a_wrong_current_password_beside_the_field(self):
        response = self.change(old="not-my-password")
        self.assertEqual(response.status_code, 200)
        self.assertInHTML(
            '<span class="field-error">你的旧密码不正确。请重新输入。</span>', response.text
        )
        self.assertTrue(self.can_log_in("viewer-pass-1"))

    def test_it_refuses_a_confirmation_that_differs(self):
        response = self.change(confirm="清淤截污-2019")
        self.assertInHTML('<span class="field-error">输入的两个密码不一致。</span>', response.text)
        self.assertTrue(self.can_log_in("viewer-pass-1"))

    def test_it_refuses_a_weak_password_in_chinese(self):
        for new, message in (
            ("a1b2c3", "密码太短，至少需要 8 个字符。"),
            ("12345678901", "密码只包含数字。"),
            ("password", "这个密码太常见了。"),
        ):
            with self.subTest(new):
                response = self.change(new=new)
                self.assertEqual(response.status_code, 200)
                self.assertInHTML(f'<span class="field-error">{message}</span>', response.text)
                self.assertNotContains(response, "This password")
        self.assertTrue(self.can_log_in("viewer-pass-1"))

    def test_it_sends_anonymous_visitors_to_the_login_page(self):
        for url in (URL, DONE):
            with self.subTest(url):
                response = Client().get(url)
                self.assertRedirects(
                    response, f"{reverse('login')}?next={url}", fetch_redirect_response=False
                )

    def test_it_serves_the_admins_password_link_with_the_same_page(self):
        browser = Client()
        browser.force_login(self.administrator)
        response = browser.get(reverse("admin:password_change"))
        self.assertContains(response, "<h1>修改密码</h1>", html=True)
        response = browser.post(
            reverse("admin:password_change"),
            {
                "old_password": "manager-pass-1",
                "new_password1": "泵站巡查-0601",
                "new_password2": "泵站巡查-0601",
            },
        )
        self.assertRedirects(response, reverse("admin:password_change_done"))
        self.assertContains(
            browser.get(reverse("admin:password_change_done")), "<h1>密码已修改</h1>", html=True
        )
        self.assertEqual(browser.get(reverse("admin:index")).status_code, 200)
