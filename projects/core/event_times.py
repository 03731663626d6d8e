"""When something happened, as people enter it afterwards: a patrol, a complaint received, each
step of the complaints' loop. Records are often entered days or years later (a 2018 case typed
in now), so every such time is a form field that starts at "now" and accepts any time from
1 January 1990 (``EARLIEST``: before the programme's records begin, a typo) up to now, with a
few minutes' slack for a phone whose clock runs ahead. The browser's picker is bounded to
1990-01-01 … now + 1 day; the server decides.

When it was *entered* is kept beside it: ``ComplaintStep.recorded_at``,
``PatrolRecord.created_at`` and the audit history's date.

Every other date and time a user types, in the site or the admin, is bounded too, through one
form mixin (``BoundedDates``, part of ``VersionedForm``, ``HistoryStampedForm`` and the admin's
``AdminForm``): a date or time of something that happened (a sample, an inspection, a plan's
approval, a report's month) from 1990 up to now (a date: up to tomorrow); a date something is
due or planned for (``PLANNED_FIELDS``: deadlines, planned completion, a plan's period) from
1990 to 2100. Outside, a message under the field; the pickers carry the same bounds."""

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

# A deadline or a planned completion lies years ahead, not centuries: after 2100 is a typo.
LATEST_PLANNED = datetime.date(2100, 12, 31)
# The form fields that say when something is due or planned for; every other date or time says
# when something happened.
PLANNED_FIELDS = frozenset(
    {
        "deadline",
        "extended_deadline",
        "new_deadline",
        "period_start",
        "period_end",
        "planned_start",
        "planned_end",
        "target_date",
    }
)

DATE_TOO_EARLY = _("Enter a date from 1 January 1990 on.")
DATE_IN_FUTURE = _("This date is in the future: enter when it happened.")
DATE_TOO_LATE = _("Enter a date before 2101.")


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


# --- every other date and time of a form ---------------------------------------------------


def as_local_date(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def validate_date_in_range(value):
    """Refuse a date or time before 1990 or after 2100: a typo whatever the field (and one
    that breaks the time-zone arithmetic of a query or a save)."""
    if value is None:
        return
    day = as_local_date(value)
    if day < EARLIEST.date():
        is_time = isinstance(value, datetime.datetime)
        raise ValidationError(TOO_EARLY if is_time else DATE_TOO_EARLY, code="too_early")
    if day > LATEST_PLANNED:
        raise ValidationError(DATE_TOO_LATE, code="too_late")


def validate_event_date(value):
    """Refuse a day after tomorrow (the user's day may be ahead of the server's) for
    something that happened."""
    if value is not None and value > timezone.localdate() + PICKER_AHEAD:
        raise ValidationError(DATE_IN_FUTURE, code="future")


def picker_format(widget):
    kind = widget.attrs.get("type", getattr(widget, "input_type", None))
    if kind == "datetime-local":
        return INPUT_FORMAT
    if kind == "month":
        return "%Y-%m"
    return "%Y-%m-%d"


def set_picker_bounds(widget, first, last):
    """``min`` and ``max`` on a date or time input (on the date box of the admin's date and
    time boxes)."""
    if isinstance(widget, forms.MultiWidget):
        widget = widget.widgets[0]
        first, last = as_local_date(first), as_local_date(last)
    if widget.is_hidden:
        return
    fmt = picker_format(widget)
    widget.attrs.setdefault("min", first.strftime(fmt))
    widget.attrs.setdefault("max", last.strftime(fmt))


def bound_date_field(name, field):
    """Bound form field ``name`` if it is a date or a time: 1990 to 2100 for every one (a
    validator of the field, so a year 0001 never reaches the form's own checks), its picker to
    the bounds of its kind. Returns the check of one that says when something happened (not in
    ``PLANNED_FIELDS``), which the form runs after its own checks of the field: not after now
    (``validate_event_time``), a day not after tomorrow (``validate_event_date``)."""
    if isinstance(field, EventTimeField):
        return None  # bounded already, with its own messages
    is_time = isinstance(field, (forms.DateTimeField, forms.SplitDateTimeField))
    if not is_time and not isinstance(field, forms.DateField):
        return None
    field.validators.append(validate_date_in_range)
    if name in PLANNED_FIELDS:
        check, last = None, LATEST_PLANNED
    elif is_time:
        check, last = validate_event_time, timezone.localtime() + PICKER_AHEAD
    else:
        check, last = validate_event_date, timezone.localdate() + PICKER_AHEAD
    set_picker_bounds(field.widget, EARLIEST, last)
    return check


class BoundedDates:
    """For a form: each of its date and time fields refuses a value out of its kind's bounds
    with a message under the field, and its picker offers only those (``bound_date_field``).
    The form's own message for a field comes first (a report for a future month says so).

    ``dates_checked_later``: fields the form's write bounds itself, more tightly and in its own
    words (a complaint's deadline: at most a year after its step,
    ``projects.services.complaints``)."""

    dates_checked_later = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.event_checks = {}
        for name, field in self.fields.items():
            if name in self.dates_checked_later:
                continue
            check = bound_date_field(name, field)
            if check is not None:
                self.event_checks[name] = check

    def clean(self):
        cleaned = super().clean()
        for name, check in self.event_checks.items():
            if self.cleaned_data.get(name) is not None:
                try:
                    check(self.cleaned_data[name])
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned
