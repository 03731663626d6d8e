"""Send each responsible unit's users one digest e-mail of what needs attention
(``projects.services.alerts.needs_attention``): tasks and complaints overdue or due soon, channels
whose latest grade worsened, channels not patrolled in time. Meant for a daily cron job or
systemd timer (see the README).

Recipients: the active users with an e-mail address whose profile names the unit. The
unassigned items (no unit known, complaints not dispatched) go to the active administrators
(permission ``projects.edit_any_unit``) with an e-mail address. Everybody receives at most one
message: an administrator who also belongs to a unit gets that unit's items and the unassigned
ones in the same message. A unit with nothing to report gets nothing.

    manage.py send_alerts [--days N] [--date YYYY-MM-DD] [--dry-run]
"""

import datetime
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext, ngettext

from projects.services.alerts import needs_attention

ADMIN_PERMISSION = "projects.edit_any_unit"


class Command(BaseCommand):
    help = "E-mail each responsible unit a digest of what needs attention (run daily)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Look this many days ahead for deadlines (default: the ALERT_DAYS_AHEAD "
            f"setting, now {settings.ALERT_DAYS_AHEAD}).",
        )
        parser.add_argument(
            "--date",
            default=None,
            help="The day to report for, as YYYY-MM-DD (default: today).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print the digests and their recipients without sending anything.",
        )

    def handle(self, *args, days=None, date=None, dry_run=False, **options):
        with translation.override(settings.LANGUAGE_CODE):
            today = self.parse_date(date)
            if days is not None and days < 0:
                raise CommandError(
                    gettext("--days must be 0 or more, not %(days)d.") % {"days": days}
                )
            alerts = needs_attention(today=today, days_ahead=days)
            messages = self.compose(alerts)
            if dry_run:
                for message in messages:
                    self.stdout.write(f"To: {', '.join(message.to)}")
                    self.stdout.write(f"Subject: {message.subject}")
                    self.stdout.write(message.body)
                self.stdout.write(
                    ngettext(
                        "Dry run: %(count)d message not sent.",
                        "Dry run: %(count)d messages not sent.",
                        len(messages),
                    )
                    % {"count": len(messages)}
                )
                return
            if messages:
                try:
                    sent = get_connection().send_messages(messages) or 0
                except OSError as error:  # smtplib's errors are OSErrors too
                    raise CommandError(
                        gettext("Sending the digests failed: %(error)s") % {"error": error}
                    ) from error
            else:
                sent = 0
            self.stdout.write(
                ngettext("%(count)d message sent.", "%(count)d messages sent.", sent)
                % {"count": sent}
            )

    def parse_date(self, value):
        if value is None:
            return None
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError(value)
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise CommandError(
                gettext("Invalid date “%(value)s”: give it as YYYY-MM-DD, e.g. 2018-06-30.")
                % {"value": value}
            ) from None

    def recipients(self, alerts):
        """{group index: {user pk: address}}: each group's recipients."""
        User = get_user_model()
        by_group = {index: {} for index in range(len(alerts.groups))}
        index_of_unit = {
            group.unit.pk: index for index, group in enumerate(alerts.groups) if group.unit
        }
        if index_of_unit:
            members = (
                User.objects.filter(is_active=True, profile__unit__in=list(index_of_unit))
                .exclude(email="")
                .values_list("pk", "email", "profile__unit")
            )
            for pk, email, unit_id in members:
                by_group[index_of_unit[unit_id]][pk] = email
        unassigned = alerts.unassigned
        if unassigned is not None:
            index = alerts.groups.index(unassigned)
            admins = (
                User.objects.with_perm(
                    ADMIN_PERMISSION,
                    is_active=True,
                    # The permissions backend (the other one only throttles logins).
                    backend="django.contrib.auth.backends.ModelBackend",
                )
                .exclude(email="")
                .values_list("pk", "email")
            )
            by_group[index].update(admins)
        return by_group

    def compose(self, alerts):
        """One message per set of groups a recipient receives, so that nobody gets two: in
        the usual case one per unit and one for the administrators. Prints a summary line per
        group."""
        by_group = self.recipients(alerts)
        groups_of = {}  # user pk → (group indexes)
        address = {}
        for index, users in by_group.items():
            for pk, email in users.items():
                groups_of.setdefault(pk, []).append(index)
                address[pk] = email
        for index, group in enumerate(alerts.groups):
            line = gettext("%(group)s: %(items)s, %(recipients)s") % {
                "group": group.name,
                "items": ngettext("%(count)d item", "%(count)d items", len(group.items))
                % {"count": len(group.items)},
                "recipients": ngettext(
                    "%(count)d recipient", "%(count)d recipients", len(by_group[index])
                )
                % {"count": len(by_group[index])},
            }
            self.stdout.write(line)
            if not by_group[index]:
                self.stderr.write(
                    gettext("%(group)s: nobody to send to (no active user with an e-mail address).")
                    % {"group": group.name}
                )
        if not alerts.groups:
            self.stdout.write(gettext("Nothing needs attention."))
        recipients_of = {}  # (group indexes) → [address]
        for pk, indexes in groups_of.items():
            recipients_of.setdefault(tuple(indexes), []).append(address[pk])
        return [
            self.message(alerts, [alerts.groups[i] for i in indexes], sorted(set(addresses)))
            for indexes, addresses in sorted(recipients_of.items())
        ]

    def message(self, alerts, groups, to):
        count = sum(len(group.items) for group in groups)
        context = {
            "groups": groups,
            "count": count,
            "today": alerts.today,
            "days_ahead": alerts.days_ahead,
            "site_url": settings.SITE_URL,
            "dashboard_url": settings.SITE_URL + reverse("projects:dashboard"),
        }
        subject = ngettext(
            "[%(site)s] %(names)s, %(date)s: %(count)d item needs attention",
            "[%(site)s] %(names)s, %(date)s: %(count)d items need attention",
            count,
        ) % {
            "site": gettext("Waterworks"),
            "names": "、".join(group.name for group in groups),
            "date": formats.date_format(alerts.today),
            "count": count,
        }
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("email/alert_digest.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=to,
        )
        message.attach_alternative(
            render_to_string("email/alert_digest.html", context), "text/html"
        )
        return message
