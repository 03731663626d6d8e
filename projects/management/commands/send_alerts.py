"""Send each responsible unit's users one digest e-mail of what needs attention
(``projects.services.alerts.needs_attention``, composed by ``projects.services.alert_digests``):
tasks and complaints overdue or due soon, channels whose latest grade worsened, channels not
patrolled in time. Meant for a daily cron job or systemd timer (see the README), which runs it
here, in this process (the default).

With ``--enqueue`` it queues the same work as a background job for a Celery worker instead
(a broker must be configured: ``CELERY_BROKER_URL``) and prints the job's number; the job's
page and the admin's list of jobs tell how it went. Celery beat does the same every day when
``ALERTS_SEND_AT`` is set (``waterworks/celery.py``).

    manage.py send_alerts [--days N] [--date YYYY-MM-DD] [--dry-run | --enqueue]
"""

import datetime
import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext, ngettext

from projects.models import Job
from projects.services import alert_digests, jobs


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
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--dry-run",
            action="store_true",
            help="Print the digests and their recipients without sending anything.",
        )
        mode.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the sending as a background job for a Celery worker (needs "
            "CELERY_BROKER_URL) instead of sending here.",
        )

    def handle(self, *args, days=None, date=None, dry_run=False, enqueue=False, **options):
        with translation.override(settings.LANGUAGE_CODE):
            today = self.parse_date(date)
            if days is not None and days < 0:
                raise CommandError(
                    gettext("--days must be 0 or more, not %(days)d.") % {"days": days}
                )
            if enqueue:
                self.enqueue(days, today)
                return
            digests = alert_digests.compose(today=today, days=days)
            for text, warning in digests.lines:
                (self.stderr if warning else self.stdout).write(text)
            messages = digests.messages
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
            try:
                sent = alert_digests.send(messages)
            except alert_digests.SendFailed as error:
                raise CommandError(str(error)) from error
            self.stdout.write(alert_digests.sent_text(sent))

    def enqueue(self, days, today):
        if not getattr(settings, "CELERY_BROKER_URL", ""):
            # Without a broker the job would run in a thread of this command, which ends now.
            raise CommandError(
                gettext(
                    "--enqueue needs a job queue: set CELERY_BROKER_URL, or run the command "
                    "without --enqueue."
                )
            )
        with transaction.atomic():
            job = jobs.start(
                Job.Kind.ALERTS,
                None,
                days=days,
                date=today.isoformat() if today else None,
            )
        job.refresh_from_db()
        if job.status == Job.Status.FAILED:  # the broker could not be reached
            raise CommandError(job.message)
        self.stdout.write(gettext("Queued as background job #%(id)s.") % {"id": job.pk})

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
