"""Accounts: the user's responsible unit (``Profile``), on the user's page and on its own list."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from ..models import Profile


class ProfileInline(admin.StackedInline):
    """The unit a unit editor (责任单位编辑) works for; on the user's change page only, as the
    add page of a user asks for the name and password first."""

    model = Profile
    fields = ["unit"]
    autocomplete_fields = ["unit"]
    can_delete = False
    max_num = 1
    extra = 1


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [ProfileInline]
    list_display = [*BaseUserAdmin.list_display, "unit"]
    list_select_related = ["profile__unit"]
    search_fields = [*BaseUserAdmin.search_fields, "profile__unit__name"]

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []

    def get_readonly_fields(self, request, obj=None):
        """Only a superuser makes superusers or grants single permissions; an administrator
        (管理员) gives a user a role through its groups."""
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    @admin.display(description=Profile._meta.get_field("unit").verbose_name)
    def unit(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.unit if profile is not None and profile.unit else "-"


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "unit"]
    list_filter = [("unit", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "unit"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    fields = ["user", "unit"]
