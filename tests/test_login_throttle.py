"""Login throttling: wrong passwords lock a user name at one address, with a Chinese page;
colleagues at the same address and the same user elsewhere still log in; an administrator
unlocks."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import TestCase
from django.urls import reverse

from projects.core import roles

User = get_user_model()
OFFICE = "10.0.0.8"
HOME = "192.168.1.20"


class LoginThrottleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.clerk = User.objects.create_user("clerk", password="clerk-pass-1")
        cls.colleague = User.objects.create_user("colleague", password="colleague-pass-1")
        cls.manager = User.objects.create_user("manager", password="manager-pass-1", is_staff=True)
        cls.manager.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))

    def log_in(self, username, password, address=OFFICE):
        self.client.logout()
        return self.client.post(
            reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
        )

    def test_it_locks_a_user_name_at_an_address_after_wrong_passwords(self):
        for _ in range(5):
            response = self.log_in("clerk", "wrong")
            self.assertEqual(response.status_code, 200)
        response = self.log_in("clerk", "wrong")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "连续 6 次密码错误：登录已暂停 15 分钟", status_code=429)
        # Even the right password is refused from that address for now.
        self.assertEqual(self.log_in("clerk", "clerk-pass-1").status_code, 429)
        # A colleague behind the same office address logs in; so does the clerk from home.
        self.assertEqual(self.log_in("colleague", "colleague-pass-1").status_code, 302)
        self.assertEqual(self.log_in("clerk", "clerk-pass-1", HOME).status_code, 302)

    def test_it_forgets_failures_after_a_good_login(self):
        for _ in range(4):
            self.log_in("clerk", "wrong")
        self.assertEqual(self.log_in("clerk", "clerk-pass-1").status_code, 302)
        for _ in range(4):
            self.log_in("clerk", "wrong")
        self.assertEqual(self.log_in("clerk", "clerk-pass-1").status_code, 302)

    def test_it_lets_an_administrator_unlock(self):
        for _ in range(6):
            self.log_in("clerk", "wrong")
        self.assertEqual(self.log_in("clerk", "clerk-pass-1").status_code, 429)
        self.client.force_login(self.manager)
        response = self.client.post(
            reverse("admin:auth_user_changelist"),
            {"action": "unlock_logins", "_selected_action": [self.clerk.pk]},
            follow=True,
        )
        self.assertContains(response, "已为 1 个用户解除登录锁定")
        self.assertEqual(self.log_in("clerk", "clerk-pass-1").status_code, 302)
