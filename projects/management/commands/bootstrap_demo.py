"""Create or reset the two demo accounts. Development only: refuses to run with DEBUG off."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# username: (password, is_staff, is_superuser)
DEMO_ACCOUNTS = {
    "admin": ("admin-demo-2018", True, True),
    "staff": ("staff-demo-2018", False, False),
}


class Command(BaseCommand):
    help = (
        "Create or reset the demo accounts 'admin' (superuser) and 'staff' (can log in and see "
        "every page, no admin access). Refuses to run unless DEBUG is on."
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
            for username, (password, is_staff, is_superuser) in DEMO_ACCOUNTS.items():
                user, created = User.objects.get_or_create(username=username)
                user.is_active = True
                user.is_staff = is_staff
                user.is_superuser = is_superuser
                user.set_password(password)
                user.save()
                verb = "Created" if created else "Reset"
                self.stdout.write(f"{verb} demo account {username!r} (password {password!r}).")
