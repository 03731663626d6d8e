"""Accounts: the user's responsible unit (``Profile``), on the user's page and on its own list.

No one rises above their own rights through the admin: a user who is not a superuser cannot
change a superuser in any way (password, groups, flags, unit, deletion), and grants only the
groups whose permissions they hold themselves; single permissions and superuser status are the
superusers' to give.

Accounts keep an audit history: a user's history page lists each change of the account and its
groups (the role) and, below, each change of the user's unit, with who made it and when. An
account's earlier version is shown, never restored: restoring it would bring back old flags
and groups past the rules above."""

from axes.utils import reset as reset_login_attempts
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from projects.admin.audit import HistoryAdmin, ReadOnlyHistory
from projects.models import Profile
from projects.models.accounts import one_history_row_per_account
from projects.services.history import changes


class ProfileInline(admin.StackedInline):
    """The unit a unit editor (责任单位编辑) works for; on the user's change page only, as the
    add page of a user asks for the name and password first."""

    model = Profile
    fields = ["unit"]
    autocomplete_fields = ["unit"]
    can_delete = False
    max_num = 1
    extra = 1


class PasswordChangeForm(BaseUserAdmin.change_password_form):
    """The admin's password form. The history keeps no password: the account's history row
    says, as its reason, that the password was changed."""

    def save(self, commit=True):
        self.user._change_reason = gettext("Password changed")
        return super().save(commit)


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(ReadOnlyHistory, HistoryAdmin, BaseUserAdmin):
    form = BaseUserAdmin.form  # not HistoryAdmin's
    change_password_form = PasswordChangeForm
    object_history_template = "admin/auth/user/object_history.html"
    no_revert_message = _(
        "An account is not restored from its history. Change it on its page; nothing was saved."
    )
    inlines = [ProfileInline]
    list_display = [*BaseUserAdmin.list_display, "unit"]
    list_select_related = ["profile__unit"]
    search_fields = [*BaseUserAdmin.search_fields, "profile__unit__name"]
    actions = ["unlock_logins"]

    @admin.action(
        description=_("Unlock login (after too many wrong passwords)"), permissions=["change"]
    )
    def unlock_logins(self, request, queryset):
        for user in queryset:
            reset_login_attempts(username=user.get_username())
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "Login unlocked for %(count)d user.", "Login unlocked for %(count)d users.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # One history row per save, with the groups as saved (see one_history_row_per_account).
        with one_history_row_per_account():
            return super().changeform_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        """The account's changes, and below them the changes of the user's unit."""
        user_field = str(Profile._meta.get_field("user").verbose_name)
        unit_changes = changes(Profile.history.filter(user_id=unquote(object_id)))
        for change in unit_changes:  # whose unit it is goes without saying here
            change.fields = [row for row in change.fields if str(row[0]) != user_field]
        context = {"unit_changes": unit_changes, **(extra_context or {})}
        return super().history_view(request, object_id, context)

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []

    def has_change_permission(self, request, obj=None):
        """Also guards the password form, which Django opens only with this permission."""
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = grantable_groups(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        """The groups a non-superuser may not grant are not on their form; keep the ones the
        user already had rather than dropping them."""
        kept = []
        if change and not request.user.is_superuser:
            allowed = set(grantable_groups(request.user).values_list("pk", flat=True))
            kept = [g for g in form.instance.groups.all() if g.pk not in allowed]
        super().save_related(request, form, formsets, change)
        if kept:
            form.instance.groups.add(*kept)

    def get_readonly_fields(self, request, obj=None):
        """Only a superuser makes superusers or grants single permissions; an administrator
        (管理员) gives a user a role through its groups. The last login and the date joined
        are records of events, not settings (the form would also cut their microseconds, so
        that every save looked like a change of them in the history)."""
        readonly = [*super().get_readonly_fields(request, obj), "last_login", "date_joined"]
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    @admin.display(description=Profile._meta.get_field("unit").verbose_name)
    def unit(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.unit if profile is not None and profile.unit else "-"


def grantable_groups(user):
    """The groups whose every permission ``user`` holds: what they may give others."""
    held = user.get_all_permissions()
    groups = Group.objects.prefetch_related("permissions__content_type").order_by("name")
    return Group.objects.filter(
        pk__in=[
            group.pk
            for group in groups
            if all(
                f"{perm.content_type.app_label}.{perm.codename}" in held
                for perm in group.permissions.all()
            )
        ]
    ).order_by("name")


@admin.register(Profile)
class ProfileAdmin(HistoryAdmin):
    list_display = ["user", "unit"]
    list_filter = [("unit", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "unit"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    fields = ["user", "unit"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.user.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.user.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)
