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
    fixtures = ["xiangzhou_2018"]

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

    def test_it_lets_every_demo_account_log_in(self):
        run_bootstrap()

        for username in ("admin", "manager", "editor", "staff"):
            self.assertTrue(
                self.client.login(username=username, password=f"{username}-demo-2018"), username
            )

    def test_it_is_idempotent(self):
        run_bootstrap()
        run_bootstrap()

        self.assertEqual(User.objects.count(), 4)
        self.assertEqual(
            sorted(User.objects.values_list("username", flat=True)),
            ["admin", "editor", "manager", "staff"],
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


@override_settings(DEBUG=True)
class DemoRolesTestCase(TestCase):
    fixtures = ["xiangzhou_2018"]

    def test_it_gives_each_demo_account_its_role(self):
        from projects.core import roles

        run_bootstrap()
        expected = {
            "admin": roles.ADMINISTRATOR,
            "manager": roles.ADMINISTRATOR,
            "editor": roles.UNIT_EDITOR,
            "staff": roles.VIEWER,
        }
        for username, role in expected.items():
            with self.subTest(username):
                user = User.objects.get(username=username)
                self.assertEqual([g.name for g in user.groups.all()], [role])
        self.assertEqual(User.objects.get(username="editor").profile.unit.name, "各市政站")
        manager = User.objects.get(username="manager")
        self.assertTrue(manager.is_staff)
        self.assertFalse(manager.is_superuser)
        self.assertTrue(manager.has_perm("projects.edit_any_unit"))
        staff = User.objects.get(username="staff")
        self.assertFalse(staff.has_perm("projects.change_task"))
        self.assertTrue(staff.has_perm("projects.view_task"))
