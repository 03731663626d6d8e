"""When something happened, as people enter it afterwards: a patrol, a complaint received, each
step of the complaints' loop. Records are often entered days or years later (a 2018 case typed
in now), so every such time is a form field that starts at "now" and accepts any time from
1 January 1990 (``EARLIEST``: before the programme's records begin, a typo) up to now, with a
few minutes' slack for a phone whose clock runs ahead. The browser's picker is bounded to
1990-01-01 … now + 1 day; the server decides.

When it was *entered* is kept beside it: ``ComplaintStep.recorded_at``,
``PatrolRecord.created_at`` and the audit history's date."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST = datetime.datetime(1990, 1, 1)  # local time
# A phone's clock and the server's may differ a little; further ahead is a typo.
CLOCK_SLACK = datetime.timedelta(minutes=10)
# The browser's picker may go this far ahead: the user's own clock may be on another day.
PICKER_AHEAD = datetime.timedelta(days=1)
INPUT_FORMAT = "%Y-%m-%dT%H:%M"

TOO_EARLY = _("Enter a time from 1 January 1990 on.")
IN_FUTURE = _("This time is in the future: enter when it happened.")


def earliest():
    """``EARLIEST`` as an aware datetime of the site's time zone."""
    return timezone.make_aware(EARLIEST)


def validate_event_time(value, future_message=None):
    """Refuse a time before 1990 or in the future (``future_message`` says so in the
    field's own words). Used by the models' fields, the forms and the services."""
    if value is None:
        return
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value < earliest():
        raise ValidationError(TOO_EARLY, code="too_early")
    if value > timezone.now() + CLOCK_SLACK:
        raise ValidationError(future_message or IN_FUTURE, code="future")


def now_to_the_minute():
    """Now, local, without seconds: what a ``datetime-local`` input shows."""
    return timezone.localtime().replace(second=0, microsecond=0)


class EventTimeInput(forms.DateTimeInput):
    """A date-and-time picker bounded to 1990-01-01 … now + 1 day (the bounds are worked out
    when the page is drawn, not when the form class is defined)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=INPUT_FORMAT)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.setdefault("min", EARLIEST.strftime(INPUT_FORMAT))
        latest = timezone.localtime() + PICKER_AHEAD
        widget_attrs.setdefault("max", latest.strftime(INPUT_FORMAT))
        return context


class EventTimeField(forms.DateTimeField):
    """When it happened: starts at now (to the minute), refuses a time before 1990 or in the
    future with a message under the field."""

    widget = EventTimeInput

    def __init__(self, *, future_message=None, **kwargs):
        kwargs.setdefault("initial", now_to_the_minute)
        super().__init__(**kwargs)
        self.input_formats = [INPUT_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        self.future_message = future_message

    def validate(self, value):
        super().validate(value)
        validate_event_time(value, self.future_message)
