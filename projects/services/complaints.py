"""The complaints' closed loop as operations: each moves a complaint to its next stage and
records the step (time and user) in one transaction.

    发现 open_complaint → 调配 dispatch → 处置 handle → 评价 evaluate → 考核 assess

Every transition refuses a complaint that is not at the stage just before it (``WrongStage``)
and, given the version the user started from, a complaint someone else has moved on since
(``StaleComplaint``); nothing is written then. An evaluation may instead send an
unsatisfactory handling back to 调配 for re-handling.

Each step takes the time it happened (``at``, default now), which may be long ago: a 2018 case
entered today is dispatched, handled and assessed in 2018. A step's time is refused (under the
``at`` field) before 1990, in the future, or before the complaint's previous step; the step
keeps when it was entered (``recorded_at``). The handling's time is the complaint's
``handled_at`` (its handling time counts from receipt to it, and a 考核 deduction goes to the
assessment of its month); the 考核 step's time is its ``closed_at``.

A complaint's number is the year's next (``Complaint.save``: complaints saved at the same
moment each get their own). The complaint form refuses the same complaint sent twice by the
same user within ``DUPLICATE_WINDOW`` (``AlreadyRecorded``: the first is shown instead).

Who may take which step (``may_take_step``): administrators (``edit_any_unit``) every step; the
editors of the assigned unit (``change_complaint``) the handling of their unit's complaints.

The queries: ``overdue_q`` / ``with_overdue`` (the board, the list, the admin),
``unit_statistics`` (the board), ``overdue_complaints`` / ``complaints_due_within`` for one
unit's overdue and coming deadlines, and ``channel_complaints`` / ``complaints_of`` for a
channel's page and its problems."""

import datetime

from concurrency.exceptions import RecordModifiedError
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from projects.core.event_times import validate_event_time
from projects.models import (
    Complaint,
    ComplaintStep,
    Deduction,
    MonthlyAssessment,
    Photo,
    ResponsibleUnit,
)
from projects.models.complaints import STAGE_ORDER, Stage
from projects.services.complaint_reports import (
    first_report_fields,
    report_of_new_case,
    save_first_report,
)
from projects.services.photos import attach_photos

# The assessment items a complaint's 考核 suggests, by code (seeded by migration 0008). The
# assessor chooses; a code missing from the table suggests nothing.
LATE_ITEM_CODE = "E1"  # 投诉未按期处置
UNSATISFIED_ITEM_CODE = "E2"  # 投诉处置评价为不满意

# The furthest a deadline may be set after its step: beyond that it is a typo (a year 9999).
DEADLINE_MAX_DAYS = 366

# The same complaint (these fields) recorded again by the same user this soon after is the form
# sent twice (a double click, a resent page), not a second complaint.
DUPLICATE_WINDOW = datetime.timedelta(minutes=1)
DUPLICATE_FIELDS = (
    "source",
    "received_at",
    "complainant",
    "contact",
    "location",
    "channel_id",
    "problem_id",
    "description",
)

# The step each stage leads to, and the stage a complaint must be at to take it.
PREVIOUS_STAGE = {
    Stage.DISPATCHED: Stage.FOUND,
    Stage.HANDLED: Stage.DISPATCHED,
    Stage.EVALUATED: Stage.HANDLED,
    Stage.ASSESSED: Stage.EVALUATED,
}


class WrongStage(ValidationError):
    """The complaint is not at the stage the step follows (someone took it, or it is closed)."""

    def __init__(self, complaint, step):
        if complaint.stage == Stage.ASSESSED:
            message = _(
                "Complaint %(number)s is closed (assessed): “%(step)s” cannot be recorded any more."
            )
        else:
            message = _(
                "Complaint %(number)s is at “%(stage)s” now, so “%(step)s” cannot be recorded; "
                "its next step is “%(next)s”. Nothing was changed."
            )
        super().__init__(
            message,
            code="wrong_stage",
            params={
                "number": complaint.number,
                "stage": complaint.get_stage_display(),
                "step": Stage(step).label,
                "next": next_stage(complaint).label if next_stage(complaint) else "",
            },
        )
        self.complaint = complaint


class StaleComplaint(RecordModifiedError):
    """Someone else saved the complaint after the user opened it."""

    def __init__(self, complaint, expected):
        super().__init__(_("The complaint was changed by someone else."), target=complaint)
        self.expected = expected
        self.current = complaint.version


def next_stage(complaint):
    """The stage the complaint's next step reaches, or None when it is closed."""
    index = STAGE_ORDER.index(complaint.stage)
    return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None


def may_take_step(user, complaint, stage, unit_id=None):
    """Whether ``user`` may record the step reaching ``stage`` on ``complaint`` (whatever its
    current stage). ``unit_id``: the user's unit (``Profile.unit``), needed for handling."""
    if not user.is_authenticated or not user.has_perm("projects.change_complaint"):
        return False
    if user.has_perm("projects.edit_any_unit"):
        return True
    return (
        stage == Stage.HANDLED
        and complaint.assigned_unit_id is not None
        and unit_id == complaint.assigned_unit_id
    )


def _acting(user):
    return user if user is not None and user.is_authenticated else None


def _check_step_time(current, at):
    """The step's time: refused (under ``at``) before 1990, in the future, or before the
    complaint's previous step (or its receipt). Times are entered to the minute: one in the
    previous step's own minute but before its seconds counts as that step's time, so the
    timeline keeps its order."""
    try:
        validate_event_time(at)
    except ValidationError as error:
        raise ValidationError({"at": error.messages}, code=error.code) from None
    previous = current.steps.order_by("-at", "-pk").first()
    bound, label = current.received_at, Stage.FOUND.label
    if previous is not None and previous.at > bound:
        bound, label = previous.at, previous.get_stage_display()
    if at < bound.replace(second=0, microsecond=0):
        raise ValidationError(
            {
                "at": _("This cannot be earlier than the previous step (%(step)s, %(time)s).")
                % {
                    "step": label,
                    "time": date_format(timezone.localtime(bound), "DATETIME_FORMAT"),
                }
            },
            code="before_previous_step",
        )
    return max(at, bound)


def _advance(complaint, user, step, expected_version, note, change, at):
    """Lock the complaint, check its stage, version and the step's time ``at``, let
    ``change(current, at)`` set its fields (raising ValidationError to refuse), move it to
    ``step`` and record the step. Returns the complaint as saved and the step. Call inside
    ``transaction.atomic``."""
    current = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if current.stage != PREVIOUS_STAGE[step]:
        raise WrongStage(current, step)
    if expected_version is not None and int(expected_version) != current.version:
        raise StaleComplaint(current, expected_version)
    at = _check_step_time(current, at)
    change(current, at)
    current.stage = step
    current._history_user = _acting(user)
    current.save()
    record = ComplaintStep.objects.create(
        complaint=current, stage=step, user=_acting(user), at=at, note=note
    )
    return current, record


def _received_date(complaint):
    return timezone.localtime(complaint.received_at).date()


def _check_deadline(complaint, deadline, at, field="deadline", returning=False):
    """A deadline from the complaint's receipt (a new one on returning: from the return,
    ``at``) to ``DEADLINE_MAX_DAYS`` after the step."""
    if deadline is None:
        raise ValidationError({field: _("Give the deadline.")}, code="required")
    if deadline < _received_date(complaint):
        raise ValidationError(
            {
                field: _("The deadline cannot be before the complaint was received (%(date)s).")
                % {"date": date_format(_received_date(complaint))}
            },
            code="deadline_before_received",
        )
    step_date = timezone.localtime(at).date()
    if returning and deadline < step_date:
        raise ValidationError(
            {
                field: _("The new deadline cannot be before the handling is returned (%(date)s).")
                % {"date": date_format(step_date)}
            },
            code="deadline_before_return",
        )
    if deadline > step_date + datetime.timedelta(days=DEADLINE_MAX_DAYS):
        raise ValidationError(
            {
                field: _("The deadline cannot be more than a year after the step (%(date)s).")
                % {"date": date_format(step_date)}
            },
            code="deadline_too_far",
        )


def _when(at):
    return timezone.now() if at is None else at


# -- The transitions ------------------------------------------------------------------------


class AlreadyRecorded(Exception):
    """The user recorded the same complaint a moment ago: the form was sent twice."""

    def __init__(self, complaint):
        super().__init__(complaint.number)
        self.complaint = complaint


def just_recorded(complaint):
    """The complaint with the same content ``complaint``'s user recorded within
    ``DUPLICATE_WINDOW``, or None. The user's row is locked first (until the transaction
    ends), so the same user's submissions are checked one after the other: a second one sent
    at the same moment waits for the first to be committed, and then finds it."""
    user_model = get_user_model()
    list(
        user_model._base_manager.select_for_update()
        .filter(pk=complaint.created_by_id)
        .values_list("pk", flat=True)
    )
    return (
        Complaint.objects.filter(
            created_by=complaint.created_by_id,
            steps__stage=Stage.FOUND,
            steps__recorded_at__gte=timezone.now() - DUPLICATE_WINDOW,
            **{name: getattr(complaint, name) for name in DUPLICATE_FIELDS},
        )
        .order_by("pk")
        .first()
    )


@transaction.atomic
def open_complaint(
    user,
    note="",
    photos=(),
    refuse_duplicate=False,
    inspecting_body="",
    case_number="",
    **fields,
):
    """Record a complaint case at 发现 (found) with its first step, which happened when it was
    received (``received_at``, default now), and its first report (the source, reporter,
    contact, time and description, with ``inspecting_body`` and ``case_number`` for an
    inspection referral: ``complaint_reports``). ``fields`` are Complaint fields (source,
    received_at, location, description, channel, problem, geometry, ...); ``photos``
    (validated uploads) are attached to the first step as the before-handling photos. With
    ``refuse_duplicate``, the same complaint recorded by the same user a moment ago
    (``just_recorded``) raises ``AlreadyRecorded`` instead, nothing written. A case number
    already recorded for the same body is refused (ValidationError), nothing written."""
    complaint = Complaint(created_by=_acting(user), **fields)
    complaint.full_clean()
    if refuse_duplicate and complaint.created_by_id is not None:
        earlier = just_recorded(complaint)
        if earlier is not None:
            raise AlreadyRecorded(earlier)
    report = report_of_new_case(
        complaint.created_by,
        complaint,
        inspecting_body=inspecting_body,
        case_number=case_number,
        **first_report_fields(complaint),
    )
    complaint._history_user = complaint.created_by
    complaint.save()
    report._history_user = complaint.created_by
    save_first_report(report, complaint)
    step = ComplaintStep.objects.create(
        complaint=complaint,
        stage=Complaint.Stage.FOUND,
        user=complaint.created_by,
        at=complaint.received_at,
        note=note,
    )
    if photos:
        attach_photos(step, photos, Photo.Phase.BEFORE, user=complaint.created_by)
    return complaint


@transaction.atomic
def dispatch(complaint, user, *, assigned_unit, deadline, note="", expected_version=None, at=None):
    """调配 at ``at`` (default now): assign the complaint to a unit with a deadline (not
    before it was received)."""
    at = _when(at)

    def change(current, at):
        if assigned_unit is None:
            raise ValidationError({"assigned_unit": _("Choose the unit to handle it.")})
        _check_deadline(current, deadline, at)
        current.assigned_unit = assigned_unit
        current.deadline = deadline

    return _advance(complaint, user, Stage.DISPATCHED, expected_version, note, change, at)[0]


@transaction.atomic
def handle(complaint, user, *, action_taken, cause="", photos=(), expected_version=None, at=None):
    """处置 at ``at`` (default now): what the assigned unit did, with after photos, and the
    cause it found (成因, optional); ``at`` is the complaint's ``handled_at``."""
    at = _when(at)

    def change(current, at):
        if not (action_taken or "").strip():
            raise ValidationError({"action_taken": _("Say what was done.")})
        current.action_taken = action_taken.strip()
        current.cause = (cause or "").strip() or current.cause
        current.handled_at = at

    current, step = _advance(
        complaint, user, Stage.HANDLED, expected_version, (action_taken or "").strip(), change, at
    )
    if photos:
        attach_photos(step, photos, Photo.Phase.AFTER, user=_acting(user))
    return current


@transaction.atomic
def evaluate(
    complaint,
    user,
    *,
    satisfaction="",
    note="",
    return_for_rehandling=False,
    deadline=None,
    expected_version=None,
    at=None,
):
    """评价 at ``at`` (default now): the complainant's or reviewer's satisfaction with the
    handling. With ``return_for_rehandling`` the handling is refused instead: the step (with
    ``note`` as the reason) sends the complaint back to 调配 for the same unit to handle
    again, by ``deadline`` when given (else the old one); the handling's time and action are
    cleared (they stay in the timeline)."""
    at = _when(at)
    if return_for_rehandling:

        def send_back(current, at):
            if not (note or "").strip():
                raise ValidationError({"note": _("Say why the handling is returned.")})
            if deadline is not None:
                _check_deadline(current, deadline, at, field="new_deadline", returning=True)
                current.deadline = deadline
            current.action_taken = ""
            current.handled_at = None
            current.satisfaction = ""

        current = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if current.stage != Stage.HANDLED:
            raise WrongStage(current, Stage.EVALUATED)
        return _return(current, user, note.strip(), expected_version, send_back, at)

    def change(current, at):
        if satisfaction not in Complaint.Satisfaction.values:
            raise ValidationError({"satisfaction": _("Choose how satisfied the complainant is.")})
        current.satisfaction = satisfaction

    return _advance(complaint, user, Stage.EVALUATED, expected_version, note.strip(), change, at)[0]


def _return(current, user, note, expected_version, change, at):
    if expected_version is not None and int(expected_version) != current.version:
        raise StaleComplaint(current, expected_version)
    at = _check_step_time(current, at)
    change(current, at)
    current.stage = Stage.DISPATCHED
    current._history_user = _acting(user)
    current.save()
    ComplaintStep.objects.create(
        complaint=current,
        stage=Stage.DISPATCHED,
        user=_acting(user),
        at=at,
        note=note,
    )
    return current


def handled_late(complaint):
    """Handled after its deadline (by local date)."""
    return bool(
        complaint.deadline
        and complaint.handled_at
        and timezone.localtime(complaint.handled_at).date() > complaint.deadline
    )


def suggested_item_code(complaint):
    """The assessment item the 考核 step suggests: E1 when handled after the deadline (first:
    lateness is what the assessment checks first), else E2 when evaluated unsatisfied, else
    none (on time and satisfied: not counted)."""
    if handled_late(complaint):
        return LATE_ITEM_CODE
    if complaint.satisfaction == Complaint.Satisfaction.UNSATISFIED:
        return UNSATISFIED_ITEM_CODE
    return None


def assessment_month(complaint):
    """The month whose assessment a complaint counts in: the month it was handled (when the
    handling happened, not when it was entered)."""
    return timezone.localtime(complaint.handled_at).date().replace(day=1)


@transaction.atomic
def assess(complaint, user, *, item=None, note="", expected_version=None, at=None):
    """考核 at ``at`` (default now, the complaint's ``closed_at``): close the complaint,
    counting it (``item`` given) as a deduction in the monthly maintenance assessment of its
    assigned station for the month it was handled (created when the month has none yet).
    Without ``item`` it closes without a deduction. A unit that is not a municipal station has
    no such assessment: refused."""
    at = _when(at)

    def change(current, at):
        if item is not None:
            unit = current.assigned_unit
            if unit is None or unit.kind != ResponsibleUnit.Kind.STATION:
                raise ValidationError(
                    {
                        "item": _(
                            "%(unit)s is not a municipal station: it has no monthly "
                            "maintenance assessment to deduct from. Choose “not counted”."
                        )
                        % {"unit": unit or _("No unit")}
                    }
                )
            if not item.active:
                raise ValidationError({"item": _("That assessment item is no longer in use.")})
            month = assessment_month(current)
            assessment, _created = MonthlyAssessment.objects.get_or_create(
                station=unit, month=month
            )
            if assessment.status == MonthlyAssessment.Status.FINAL:
                raise ValidationError(
                    {
                        "item": _(
                            "The %(month)s assessment of %(station)s is final: an administrator "
                            "must reopen it before a deduction can be added."
                        )
                        % {"month": date_format(month, "YEAR_MONTH_FORMAT"), "station": unit}
                    }
                )
            deduction = Deduction(
                assessment=assessment,
                item=item,
                occurrences=1,
                note=f"{current.number} {current.location}"[:300],
                channel_id=current.channel_id,
                complaint=current,
            )
            deduction._history_user = _acting(user)
            deduction.save()
            current.assessment_deduction = deduction
        current.closed_at = at

    return _advance(complaint, user, Stage.ASSESSED, expected_version, note.strip(), change, at)[0]
