"""Create or reset the demo accounts, one per role. Development only: refuses to run with
DEBUG off."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from projects.core import roles
from projects.models import Profile, ResponsibleUnit

# The unit the demo unit editor works for: the article's municipal stations (各市政站).
DEMO_STATION = "各市政站"

# username: (password, is_staff, is_superuser, role, unit name)
DEMO_ACCOUNTS = {
    "admin": ("admin-demo-2018", True, True, roles.ADMINISTRATOR, None),
    "manager": ("manager-demo-2018", True, False, roles.ADMINISTRATOR, None),
    "editor": ("editor-demo-2018", False, False, roles.UNIT_EDITOR, DEMO_STATION),
    "staff": ("staff-demo-2018", False, False, roles.VIEWER, None),
}


class Command(BaseCommand):
    help = (
        "Create or reset the demo accounts: 'admin' (superuser), 'manager' (administrator "
        "role), 'editor' (unit editor of 各市政站) and 'staff' (viewer). Refuses to run unless "
        "DEBUG is on."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "bootstrap_demo creates accounts with published passwords and runs only with "
                "DEBUG on (DEBUG=1). On a production site create a real superuser with "
                "`manage.py createsuperuser` instead."
            )
        User = get_user_model()
        with transaction.atomic():
            for username, (
                password,
                is_staff,
                is_superuser,
                role,
                unit_name,
            ) in DEMO_ACCOUNTS.items():
                user, created = User.objects.get_or_create(username=username)
                user.is_active = True
                user.is_staff = is_staff
                user.is_superuser = is_superuser
                user.set_password(password)
                user.save()
                user.groups.set([Group.objects.get(name=role)])
                unit = None
                if unit_name is not None:
                    unit = ResponsibleUnit.objects.filter(name=unit_name).first()
                    if unit is None:
                        raise CommandError(
                            f"The unit {unit_name!r} does not exist: load the data first "
                            "(manage.py seed)."
                        )
                Profile.objects.update_or_create(user=user, defaults={"unit": unit})
                verb = "Created" if created else "Reset"
                self.stdout.write(
                    f"{verb} demo account {username!r} (password {password!r}, role {role})."
                )
