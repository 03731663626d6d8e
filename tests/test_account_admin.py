"""An administrator who is not a superuser manages accounts without rising above their own
rights: no superuser's password, groups, flags, unit or existence can be touched by them, and
they grant only groups whose permissions they hold."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import TestCase
from django.urls import reverse

from projects.core import roles
from projects.models import Profile, ResponsibleUnit

User = get_user_model()


class AccountAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.root = User.objects.create_superuser("root", password="root-pass-1")
        cls.manager = User.objects.create_user("manager", password="manager-pass-1", is_staff=True)
        cls.manager.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
        cls.clerk = User.objects.create_user("clerk", password="clerk-pass-1")
        cls.clerk.groups.add(Group.objects.get(name=roles.VIEWER))
        cls.auditors = Group.objects.create(name="审计")
        cls.auditors.permissions.add(Permission.objects.get(codename="delete_user"))
        cls.clerk.groups.add(cls.auditors)
        unit = ResponsibleUnit.objects.create(name="甲市政站", kind="station")
        cls.root_profile = Profile.objects.create(user=cls.root, unit=unit)

    def setUp(self):
        self.client.force_login(self.manager)

    def user_url(self, user, action="change"):
        return reverse(f"admin:auth_user_{action}", args=[user.pk])

    def test_it_refuses_to_set_a_superusers_password(self):
        url = reverse("admin:auth_user_password_change", args=[self.root.pk])
        self.assertEqual(self.client.get(url).status_code, 403)
        response = self.client.post(
            url,
            {"password1": "taken-over-1", "password2": "taken-over-1", "usable_password": "true"},
        )
        self.assertEqual(response.status_code, 403)
        self.root.refresh_from_db()
        self.assertTrue(self.root.check_password("root-pass-1"))
        self.assertFalse(self.client.login(username="root", password="taken-over-1"))

    def test_it_refuses_to_change_or_delete_a_superuser(self):
        response = self.client.post(
            self.user_url(self.root),
            {"username": "root", "is_active": "", "is_staff": "", "groups": []},
        )
        self.assertEqual(response.status_code, 403)
        self.root.refresh_from_db()
        self.assertTrue(self.root.is_active and self.root.is_staff and self.root.is_superuser)
        self.client.post(self.user_url(self.root, "delete"), {"post": "yes"})
        self.assertTrue(User.objects.filter(pk=self.root.pk).exists())
        self.client.post(
            reverse("admin:auth_user_changelist"),
            {"action": "delete_selected", "_selected_action": [self.root.pk], "post": "yes"},
        )
        self.assertTrue(User.objects.filter(pk=self.root.pk).exists())
        profile_url = reverse("admin:projects_profile_change", args=[self.root_profile.pk])
        self.assertEqual(self.client.post(profile_url, {"user": self.root.pk}).status_code, 403)

    def test_it_offers_only_the_groups_the_administrator_holds_the_rights_of(self):
        response = self.client.get(self.user_url(self.clerk))
        offered = set(response.context["adminform"].form.fields["groups"].queryset)
        self.assertIn(Group.objects.get(name=roles.VIEWER), offered)
        self.assertIn(Group.objects.get(name=roles.UNIT_EDITOR), offered)
        self.assertNotIn(self.auditors, offered)

    def test_it_refuses_a_group_posted_anyway_and_keeps_one_it_may_not_touch(self):
        base = {
            "username": "clerk",
            "is_active": "on",
            "date_joined_0": "2018-10-01",
            "date_joined_1": "09:00:00",
            "profile-TOTAL_FORMS": "1",
            "profile-INITIAL_FORMS": "0",
            "profile-MIN_NUM_FORMS": "0",
            "profile-MAX_NUM_FORMS": "1",
            "profile-0-unit": "",
        }
        stranger = User.objects.create_user("stranger")
        response = self.client.post(
            self.user_url(stranger), {**base, "username": "stranger", "groups": [self.auditors.pk]}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("groups", response.context["adminform"].form.errors)
        self.assertFalse(stranger.groups.exists())

        editor = Group.objects.get(name=roles.UNIT_EDITOR)
        response = self.client.post(self.user_url(self.clerk), {**base, "groups": [editor.pk]})
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        self.assertEqual(
            set(self.clerk.groups.values_list("name", flat=True)), {roles.UNIT_EDITOR, "审计"}
        )

    def test_it_lets_a_superuser_do_all_of_it(self):
        other = User.objects.create_superuser("root2", password="root2-pass-1")
        self.client.force_login(self.root)
        url = reverse("admin:auth_user_password_change", args=[other.pk])
        self.assertEqual(self.client.get(url).status_code, 200)
        offered = self.client.get(self.user_url(self.clerk)).context["adminform"].form
        self.assertIn(self.auditors, set(offered.fields["groups"].queryset))
