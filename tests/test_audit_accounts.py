"""The audit trail of accounts, complaint steps and source paragraphs: a change of a user's unit
or groups (their role), a corrected step note and an edited source paragraph, each made in the
admin as a user makes it, are in the history with who made it; the user's history page lists
role and unit changes with the acting user; an account's history holds no password and no
login, and is read, never restored; ``ensure_history`` gives the records that have none a
first row, groups included."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from projects.core import roles
from projects.models import ComplaintStep, Profile, ResponsibleUnit, SourceParagraph
from projects.services.complaints import open_complaint
from tests.test_admin import admin_url, form_data, inline_prefix

User = get_user_model()


def latest(history):
    return history.order_by("-history_date", "-history_id").first()


class AuditTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.root = User.objects.create_superuser("root", "root@example.com", "pw-root-123")
        cls.manager = User.objects.create_user(
            "wangfang", "wang@example.com", "pw-wang-123", is_staff=True
        )
        cls.manager.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
        cls.viewer_group = Group.objects.get(name=roles.VIEWER)
        cls.editor_group = Group.objects.get(name=roles.UNIT_EDITOR)
        cls.clerk = User.objects.create_user("clerk", password="pw-clerk-123")
        cls.clerk.groups.add(cls.viewer_group)
        cls.east = ResponsibleUnit.objects.create(name="东市政站", kind="station")
        cls.west = ResponsibleUnit.objects.create(name="西市政站", kind="station")

    def setUp(self):
        self.client.force_login(self.root)

    def save_user_page(self, user, **values):
        """Open the user's admin page, change ``values`` (``unit`` is the profile's) and save."""
        url = admin_url(User, "change", user.pk)
        response = self.client.get(url)
        data = form_data(response)
        if "unit" in values:
            data[f"{inline_prefix(response, Profile)}-0-unit"] = values.pop("unit")
        data.update(values)
        response = self.client.post(url, data)
        self.assertRedirects(response, admin_url(User, "changelist"))


class UserRoleAndUnitHistoryTests(AuditTestCase):
    def test_it_records_a_change_of_groups_as_one_row_with_the_admin(self):
        before = self.clerk.history.count()
        self.save_user_page(self.clerk, groups=[str(self.editor_group.pk)])
        self.assertEqual(self.clerk.history.count(), before + 1)
        row = latest(self.clerk.history)
        self.assertEqual(row.history_user, self.root)
        self.assertEqual(row.history_type, "~")
        self.assertEqual(
            list(row.groups.values_list("group__name", flat=True)), [roles.UNIT_EDITOR]
        )
        delta = row.diff_against(row.prev_record)
        self.assertEqual(delta.changed_fields, ["groups"])

    def test_it_records_a_change_of_unit_with_the_admin(self):
        Profile.objects.create(user=self.clerk, unit=self.east)
        self.save_user_page(self.clerk, unit=str(self.west.pk))
        profile = Profile.objects.get(user=self.clerk)
        row = latest(profile.history)
        self.assertEqual((row.history_user, row.unit), (self.root, self.west))
        self.assertEqual(row.prev_record.unit, self.east)

    def test_it_lists_role_and_unit_changes_with_who_made_them_on_the_users_history_page(self):
        self.client.force_login(self.manager)  # an administrator who is not a superuser
        self.save_user_page(self.clerk, groups=[str(self.editor_group.pk)], unit=str(self.east.pk))
        self.save_user_page(self.clerk, unit=str(self.west.pk))
        response = self.client.get(admin_url(User, "history", self.clerk.pk))
        self.assertEqual(response.status_code, 200)
        role_rows = response.context["page_obj"].object_list
        by_manager = [r for r in role_rows if r.history_user == self.manager]
        self.assertEqual(len(by_manager), 1)  # one save, one row
        self.assertEqual(
            [(c["field"], c["old"], c["new"]) for c in by_manager[0].history_delta_changes],
            [("组", f"[{roles.VIEWER}]", f"[{roles.UNIT_EDITOR}]")],
        )
        units = response.context["unit_changes"]
        self.assertEqual(
            [(c.user, c.fields) for c in units],
            [
                (self.manager, [("责任单位", "东市政站", "西市政站")]),
                (self.manager, [("责任单位", "", "东市政站")]),
            ],
        )
        self.assertContains(response, "责任单位变更")
        self.assertContains(response, "西市政站")
        # Who made each change: the account's row and the two unit rows link or name them.
        self.assertContains(response, "wangfang", count=1 + len(by_manager) + len(units))

    def test_it_shows_the_users_history_page_in_the_same_queries_for_more_unit_changes(self):
        profile = Profile.objects.create(user=self.clerk, unit=self.east)
        url = admin_url(User, "history", self.clerk.pk)
        # The admin's content type of users is read once a process (run alone, by this test).
        ContentType.objects.get_for_model(User)
        for unit_changes in (1, 3):
            with self.subTest(unit_changes=unit_changes):
                # Session, admin user; the profile's history rows with who made them, the
                # users and the units they name; the account; its history rows: count, page;
                # the groups of its three rows, compared pairwise (four).
                with self.assertNumQueries(12):
                    response = self.client.get(url)
                self.assertEqual(len(response.context["unit_changes"]), unit_changes)
            for unit in (self.west, self.east):
                profile.unit = unit
                profile.save()

    def test_it_keeps_in_one_row_the_groups_an_administrator_may_not_grant(self):
        system = Group.objects.create(name="系统")  # a permission the administrator lacks
        system.permissions.add(Permission.objects.get(codename="delete_user"))
        self.clerk.groups.add(system)
        before = self.clerk.history.count()
        self.client.force_login(self.manager)
        self.save_user_page(self.clerk, groups=[str(self.editor_group.pk)])
        self.assertEqual(self.clerk.history.count(), before + 1)
        row = latest(self.clerk.history)
        self.assertEqual(
            set(row.groups.values_list("group__name", flat=True)), {roles.UNIT_EDITOR, "系统"}
        )
        self.assertEqual(row.history_user, self.manager)

    def test_it_shows_the_unit_history_on_the_profile_admin_too(self):
        profile = Profile.objects.create(user=self.clerk, unit=self.east)
        url = admin_url(Profile, "change", profile.pk)
        data = form_data(self.client.get(url))
        data["unit"] = str(self.west.pk)
        self.assertRedirects(self.client.post(url, data), admin_url(Profile, "changelist"))
        self.assertEqual(latest(profile.history).history_user, self.root)
        response = self.client.get(admin_url(Profile, "history", profile.pk))
        self.assertContains(response, "东市政站")
        self.assertContains(response, "西市政站")

    def test_it_records_a_membership_changed_from_the_groups_side(self):
        before = self.clerk.history.count()
        self.editor_group.user_set.add(self.clerk)
        self.assertEqual(self.clerk.history.count(), before + 1)
        self.viewer_group.user_set.clear()
        self.assertEqual(self.clerk.history.count(), before + 2)
        self.assertEqual(
            list(latest(self.clerk.history).groups.values_list("group__name", flat=True)),
            [roles.UNIT_EDITOR],
        )


class AccountHistoryContentTests(AuditTestCase):
    def test_it_keeps_no_password_in_the_history(self):
        names = {f.name for f in User.history.model._meta.get_fields()}
        self.assertNotIn("password", names)
        self.assertIn("is_superuser", names)

    def test_it_records_no_row_for_a_login(self):
        before = self.clerk.history.count()
        response = self.client.post(
            reverse("login"), {"username": "clerk", "password": "pw-clerk-123"}
        )
        self.assertEqual(response.status_code, 302)
        self.clerk.refresh_from_db()
        self.assertIsNotNone(self.clerk.last_login)
        self.assertEqual(self.clerk.history.count(), before)

    # The production hasher, so that the page is checked for what a stored hash starts with
    # there (tests/conftest.py hashes with MD5 elsewhere).
    @override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"])
    def test_it_says_who_changed_a_password_without_keeping_it(self):
        url = reverse("admin:auth_user_password_change", args=[self.clerk.pk])
        response = self.client.post(
            url,
            {
                "password1": "new-clerk-pw-2018",
                "password2": "new-clerk-pw-2018",
                "usable_password": "true",
            },
        )
        self.assertRedirects(response, admin_url(User, "change", self.clerk.pk))
        row = latest(self.clerk.history)
        self.assertEqual((row.history_user, row.history_change_reason), (self.root, "密码已修改"))
        response = self.client.get(admin_url(User, "history", self.clerk.pk))
        self.assertContains(response, "密码已修改")
        self.assertNotContains(response, "pbkdf2")
        self.clerk.refresh_from_db()
        self.assertTrue(self.clerk.password.startswith("pbkdf2_sha256$"))
        self.assertNotContains(response, self.clerk.password.split("$")[2])  # nor its salt

    def test_it_never_restores_an_account_from_its_history(self):
        self.save_user_page(self.clerk, first_name="小明", is_staff="on")
        first = self.clerk.history.earliest()
        url = admin_url(User, "simple_history", self.clerk.pk, first.history_id)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'name="_save"')  # no revert button
        data = form_data(response)
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "账号不能从变更记录恢复")
        self.clerk.refresh_from_db()
        self.assertEqual((self.clerk.first_name, self.clerk.is_staff), ("小明", True))


class StepAndSourceHistoryTests(AuditTestCase):
    def test_it_records_a_corrected_step_note_with_the_admin(self):
        complaint = open_complaint(
            self.manager, source="hotline", location="甲渠桥下", description="有异味"
        )
        step = complaint.steps.get()
        self.assertEqual(latest(step.history).history_type, "+")
        url = admin_url(ComplaintStep, "change", step.pk)
        data = form_data(self.client.get(url))
        data["note"] = "电话受理,已转东市政站"
        self.assertRedirects(self.client.post(url, data), admin_url(ComplaintStep, "changelist"))
        row = latest(step.history)
        self.assertEqual((row.history_user, row.note), (self.root, "电话受理,已转东市政站"))
        self.assertEqual(row.prev_record.note, "")
        response = self.client.get(admin_url(ComplaintStep, "history", step.pk))
        self.assertContains(response, "电话受理,已转东市政站")
        self.assertContains(response, "<strong>备注:</strong>", html=False)

    def test_it_never_restores_a_step_from_its_history(self):
        # The complaint's page moves the 发现 step's time without a history row: restoring an
        # older version of the step would bring back a time that is no longer the step's.
        complaint = open_complaint(
            self.manager, source="hotline", location="甲渠桥下", description="有异味"
        )
        step = complaint.steps.get()
        ComplaintStep.objects.filter(pk=step.pk).update(note="电话受理")
        url = admin_url(ComplaintStep, "simple_history", step.pk, step.history.get().history_id)
        response = self.client.post(url, {"note": ""})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "历史版本仅供查看，不会恢复")
        step.refresh_from_db()
        self.assertEqual(step.note, "电话受理")
        self.assertEqual(step.history.count(), 1)

    def test_it_records_an_edited_source_paragraph_with_the_admin(self):
        paragraph = SourceParagraph.objects.create(
            key="article-9", article="区治水工作总结", number=9, text="全区排洪渠整治工作……"
        )
        url = admin_url(SourceParagraph, "change", paragraph.pk)
        data = form_data(self.client.get(url))
        data["text"] = "全区21条排洪渠整治工作……"
        self.assertRedirects(self.client.post(url, data), admin_url(SourceParagraph, "changelist"))
        row = latest(paragraph.history)
        self.assertEqual((row.history_user, row.text), (self.root, "全区21条排洪渠整治工作……"))
        self.assertEqual(row.prev_record.text, "全区排洪渠整治工作……")
        response = self.client.get(admin_url(SourceParagraph, "history", paragraph.pk))
        self.assertContains(response, "全区21条排洪渠整治工作")


class EnsureHistoryTests(AuditTestCase):
    def test_it_gives_accounts_profiles_steps_and_paragraphs_a_first_row(self):
        profile = Profile.objects.create(user=self.clerk, unit=self.east)
        complaint = open_complaint(
            self.manager, source="hotline", location="甲渠桥下", description="有异味"
        )
        paragraph = SourceParagraph.objects.create(
            key="article-9", article="区治水工作总结", number=9, text="全区排洪渠整治工作……"
        )
        records = [self.clerk, profile, complaint.steps.get(), paragraph]
        for record in records:  # as if made before their model kept history
            record.history.all().delete()

        call_command("ensure_history", stdout=StringIO())
        call_command("ensure_history", stdout=StringIO())  # and again: nothing more

        for record in records:
            with self.subTest(record=type(record).__name__):
                self.assertEqual(record.history.count(), 1)
                self.assertEqual(record.history.get().history_type, "+")
        first = self.clerk.history.get()
        self.assertEqual(list(first.groups.values_list("group", flat=True)), [self.viewer_group.pk])
        self.assertEqual(profile.history.get().unit, self.east)

        # The next change of the groups shows that change alone.
        self.save_user_page(
            self.clerk, groups=[str(self.viewer_group.pk), str(self.editor_group.pk)]
        )
        row = latest(self.clerk.history)
        change = row.diff_against(first).changes[0]
        self.assertEqual(
            ([g["group"] for g in change.old], sorted(g["group"] for g in change.new)),
            ([self.viewer_group.pk], sorted([self.viewer_group.pk, self.editor_group.pk])),
        )
