"""How long a login lasts: it ends after ``SESSION_IDLE_HOURS`` without a request, and
``SESSION_MAX_HOURS`` after logging in however active the user is (settings).

The session keeps two times (seconds since the epoch): when its user logged in (stamped by the
``user_logged_in`` signal, for the site's and the admin's login alike) and when the user was
last seen active. Django's own expiry (``SESSION_COOKIE_AGE``, the idle time) counts from the
session's last save, so ``projects.web.middleware.SessionLimitMiddleware`` saves the activity time
again once it is ``REFRESH_SECONDS`` old: at most one write every few minutes, not one per
request. The middleware checks both limits itself too, and a browser that was logged in keeps a
small marker cookie, so that a user whose session ran out (cookie and all) is told why on the
login page instead of finding it without a word."""

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _

LOGGED_IN_AT = "logged_in_at"
ACTIVE_AT = "active_at"

# The activity time (and with it the session's expiry) is written again after this long.
REFRESH_SECONDS = 5 * 60

# Set while the browser is logged in; its presence on an anonymous request means the login
# ran out (a logout deletes it). It holds nothing but "1".
MARKER_COOKIE = "waterworks_logged_in"

EXPIRED_MESSAGE = _(
    "Your login has expired (%(idle)s hours without activity, or %(max)s hours after logging "
    "in). Please log in again."
)


def now():
    return int(time.time())


def idle_seconds():
    return settings.SESSION_COOKIE_AGE


def max_seconds():
    return round(settings.SESSION_MAX_HOURS * 3600)


def hours(seconds):
    return f"{seconds / 3600:g}"


def expired_message():
    return EXPIRED_MESSAGE % {"idle": hours(idle_seconds()), "max": hours(max_seconds())}


def stamp_login(sender, request, user, **kwargs):
    """``user_logged_in``: the login's start, which no later request moves."""
    session = getattr(request, "session", None)
    if session is not None:
        session[LOGGED_IN_AT] = session[ACTIVE_AT] = now()


def connect_signals():
    user_logged_in.connect(stamp_login, dispatch_uid="projects.web.session_limits.stamp_login")


def check(session, at=None):
    """What the logged-in ``session`` needs at time ``at``: "expired" when a limit has passed,
    "refresh" when its activity time is due to be written again, else None."""
    at = now() if at is None else at
    logged_in_at = session.get(LOGGED_IN_AT)
    active_at = session.get(ACTIVE_AT, logged_in_at)
    if logged_in_at is None or active_at is None:
        return "refresh"  # a login from before the limits: counted from now on
    if at - logged_in_at >= max_seconds() or at - active_at >= idle_seconds():
        return "expired"
    if at - active_at >= REFRESH_SECONDS:
        return "refresh"
    return None


def refresh(session, at=None):
    at = now() if at is None else at
    session.setdefault(LOGGED_IN_AT, at)
    session[ACTIVE_AT] = at
