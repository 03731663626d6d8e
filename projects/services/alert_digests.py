"""The daily alert digests (``projects.services.alerts.needs_attention``) as e-mails: each
responsible unit's users get one digest of what needs attention, the administrators the
unassigned items; nobody gets two messages.

Recipients: the active users with an e-mail address whose profile names the unit. The
unassigned items (no unit known, complaints not dispatched) go to the active administrators
(permission ``projects.edit_any_unit``) with an e-mail address. An administrator who also
belongs to a unit gets that unit's items and the unassigned ones in the same message. A unit
with nothing to report gets nothing.

``compose(today, days)`` builds the messages and a summary line per unit; ``send`` sends them.
``manage.py send_alerts`` runs them in its process (cron, a systemd timer), or queues the job
``send_digests`` for a Celery worker (``--enqueue``; Celery beat queues it daily when
``ALERTS_SEND_AT`` is set). The digests are written in the site's language
(``LANGUAGE_CODE``)."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext, ngettext

from projects.services.alerts import needs_attention
from projects.services.jobs import JobFailed, Outcome

ADMIN_PERMISSION = "projects.edit_any_unit"


class SendFailed(Exception):
    """The mail server refused or could not be reached; the message says so."""


@dataclass
class Digests:
    messages: list
    lines: list = field(default_factory=list)  # (text, is a warning)

    def summary(self):
        return [text for text, _warning in self.lines]


def compose(today=None, days=None):
    """The digests of ``today`` (default today) looking ``days`` ahead (default
    ``ALERT_DAYS_AHEAD``), in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        alerts = needs_attention(today=today, days_ahead=days)
        return Composer(alerts).compose()


def send(messages):
    """Send ``messages``; returns how many were sent. SendFailed when the server fails."""
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except OSError as error:  # smtplib's errors are OSErrors too
        with translation.override(settings.LANGUAGE_CODE):
            raise SendFailed(
                gettext("Sending the digests failed: %(error)s") % {"error": error}
            ) from error


def sent_text(sent):
    return ngettext("%(count)d message sent.", "%(count)d messages sent.", sent) % {"count": sent}


def send_digests(job, progress):
    """The background job (``projects.services.jobs``): compose and send the digests of
    ``params["date"]`` (default: the day it runs) ``params["days"]`` ahead."""
    date = job.params.get("date")
    today = datetime.date.fromisoformat(date) if date else None
    progress(step=gettext("Gathering what needs attention"), done=0, total=0)
    digests = compose(today, job.params.get("days"))
    progress(step=gettext("Sending the digests"), done=0, total=len(digests.messages))
    try:
        sent = send(digests.messages)
    except SendFailed as error:
        raise JobFailed(str(error)) from error
    progress(done=len(digests.messages))
    return Outcome(
        " ".join([*digests.summary(), sent_text(sent)]),
        {"sent": sent, "messages": len(digests.messages)},
    )


class Composer:
    def __init__(self, alerts):
        self.alerts = alerts
        self.lines = []

    def recipients(self):
        """{group index: {user pk: address}}: each group's recipients."""
        alerts = self.alerts
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

    def compose(self):
        """One message per set of groups a recipient receives, so that nobody gets two: in
        the usual case one per unit and one for the administrators; a summary line per
        group."""
        alerts = self.alerts
        by_group = self.recipients()
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
            self.lines.append((line, False))
            if not by_group[index]:
                self.lines.append(
                    (
                        gettext(
                            "%(group)s: nobody to send to (no active user with an e-mail address)."
                        )
                        % {"group": group.name},
                        True,
                    )
                )
        if not alerts.groups:
            self.lines.append((gettext("Nothing needs attention."), False))
        recipients_of = {}  # (group indexes) → [address]
        for pk, indexes in groups_of.items():
            recipients_of.setdefault(tuple(indexes), []).append(address[pk])
        messages = [
            self.message([alerts.groups[i] for i in indexes], sorted(set(addresses)))
            for indexes, addresses in sorted(recipients_of.items())
        ]
        return Digests(messages, self.lines)

    def message(self, groups, to):
        alerts = self.alerts
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
