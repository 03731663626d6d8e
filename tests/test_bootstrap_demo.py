from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

User = get_user_model()


def run_bootstrap():
    out = StringIO()
    call_command("bootstrap_demo", stdout=out)
    return out.getvalue()


@override_settings(DEBUG=True)
class BootstrapDemoTestCase(TestCase):
    def test_it_creates_the_admin_account(self):
        run_bootstrap()

        admin = User.objects.get(username="admin")
        self.assertTrue(admin.is_active)
        self.assertTrue(admin.is_staff)
        self.assertTrue(admin.is_superuser)
        self.assertTrue(admin.check_password("admin-demo-2018"))

    def test_it_creates_the_staff_account_without_admin_access(self):
        run_bootstrap()

        staff = User.objects.get(username="staff")
        self.assertTrue(staff.is_active)
        self.assertFalse(staff.is_staff)
        self.assertFalse(staff.is_superuser)
        self.assertTrue(staff.check_password("staff-demo-2018"))

    def test_it_lets_both_accounts_log_in(self):
        run_bootstrap()

        self.assertTrue(self.client.login(username="admin", password="admin-demo-2018"))
        self.assertTrue(self.client.login(username="staff", password="staff-demo-2018"))

    def test_it_is_idempotent(self):
        run_bootstrap()
        run_bootstrap()

        self.assertEqual(User.objects.count(), 2)
        self.assertEqual(
            sorted(User.objects.values_list("username", flat=True)), ["admin", "staff"]
        )

    def test_it_resets_changed_passwords_and_flags(self):
        run_bootstrap()
        staff = User.objects.get(username="staff")
        staff.set_password("something-else")
        staff.is_staff = True
        staff.is_active = False
        staff.save()

        output = run_bootstrap()

        staff.refresh_from_db()
        self.assertTrue(staff.check_password("staff-demo-2018"))
        self.assertFalse(staff.is_staff)
        self.assertTrue(staff.is_active)
        self.assertIn("Reset demo account 'staff'", output)

    @override_settings(DEBUG=False)
    def test_it_refuses_with_debug_off(self):
        with self.assertRaisesMessage(CommandError, "DEBUG"):
            run_bootstrap()

        self.assertFalse(User.objects.exists())
