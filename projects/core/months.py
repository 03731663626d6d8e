"""Calendar months as the site counts them: a month is the date of its first day, in the site's
time zone (``TIME_ZONE``)."""

import datetime

from django.utils import timezone


def this_month():
    """The first day of the current month."""
    return timezone.localdate().replace(day=1)


def previous_month(month):
    return (month.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def next_month(month):
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def day_start(day):
    """Midnight at the start of ``day``, in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def month_bounds(month):
    """[start, end) of a calendar month, as aware datetimes."""
    return day_start(month), day_start(next_month(month))


def last_day(month):
    """The last day of ``month``."""
    return next_month(month) - datetime.timedelta(days=1)


def status_date(month, today=None):
    """The day whose end a month's status is told at: the month's last day, or today while
    the month is not over yet."""
    today = today or timezone.localdate()
    return min(last_day(month), today)
