"""The complaints' closed loop as operations: each moves a complaint to its next stage and
records the step (time and user) in one transaction.

    发现 open_complaint → 调配 dispatch → 处置 handle → 评价 evaluate → 考核 assess

Every transition refuses a complaint that is not at the stage just before it (``WrongStage``)
and, given the version the user started from, a complaint someone else has moved on since
(``StaleComplaint``); nothing is written then. An evaluation may instead send an unsatisfactory
handling back to 调配 for re-handling.

Who may take which step (``may_take_step``): administrators (``edit_any_unit``) every step; the
editors of the assigned unit (``change_complaint``) the handling of their unit's complaints.

The queries: ``overdue_q`` / ``with_overdue`` (the board, the list, the admin),
``unit_statistics`` (the board), and ``overdue_complaints`` / ``complaints_due_within`` for one
unit's overdue and coming deadlines."""

import datetime
from dataclasses import dataclass

from concurrency.exceptions import RecordModifiedError
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Avg,
    BooleanField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
)
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from projects.models import (
    AssessmentItem,
    Complaint,
    ComplaintStep,
    Deduction,
    MonthlyAssessment,
    Photo,
    ResponsibleUnit,
)
from projects.models.complaints import OPEN_WORK_STAGES, STAGE_ORDER, Stage
from projects.photos import attach_photos

# The assessment items a complaint's 考核 suggests, by code (seeded by migration 0008). The
# assessor chooses; a code missing from the table suggests nothing.
LATE_ITEM_CODE = "E1"  # 投诉未按期处置
UNSATISFIED_ITEM_CODE = "E2"  # 投诉处置评价为不满意

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


def _advance(complaint, user, step, expected_version, note, change):
    """Lock the complaint, check its stage and version, let ``change(current)`` set its fields
    (raising ValidationError to refuse), move it to ``step`` and record the step. Returns the
    complaint as saved and the step. Call inside ``transaction.atomic``."""
    current = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if current.stage != PREVIOUS_STAGE[step]:
        raise WrongStage(current, step)
    if expected_version is not None and int(expected_version) != current.version:
        raise StaleComplaint(current, expected_version)
    change(current)
    current.stage = step
    current._history_user = _acting(user)
    current.save()
    record = ComplaintStep.objects.create(
        complaint=current, stage=step, user=_acting(user), at=timezone.now(), note=note
    )
    return current, record


def _received_date(complaint):
    return timezone.localtime(complaint.received_at).date()


def _check_deadline(complaint, deadline, field="deadline", not_before_today=False):
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
    if not_before_today and deadline < timezone.localdate():
        raise ValidationError({field: _("The new deadline cannot be in the past.")})


# -- The transitions ------------------------------------------------------------------------


@transaction.atomic
def open_complaint(user, note="", photos=(), **fields):
    """Record a complaint at 发现 (found) with its first step. ``fields`` are Complaint
    fields (source, location, description, channel, ...); ``photos`` (validated uploads) are
    attached to the first step as the before-handling photos."""
    complaint = Complaint(created_by=_acting(user), **fields)
    complaint.full_clean()
    complaint._history_user = complaint.created_by
    complaint.save()
    step = ComplaintStep.objects.create(
        complaint=complaint,
        stage=Complaint.Stage.FOUND,
        user=complaint.created_by,
        at=timezone.now(),
        note=note,
    )
    if photos:
        attach_photos(step, photos, Photo.Phase.BEFORE, user=complaint.created_by)
    return complaint


@transaction.atomic
def dispatch(complaint, user, *, assigned_unit, deadline, note="", expected_version=None):
    """调配: assign the complaint to a unit with a deadline (not before it was received)."""

    def change(current):
        if assigned_unit is None:
            raise ValidationError({"assigned_unit": _("Choose the unit to handle it.")})
        _check_deadline(current, deadline)
        current.assigned_unit = assigned_unit
        current.deadline = deadline

    return _advance(complaint, user, Stage.DISPATCHED, expected_version, note, change)[0]


@transaction.atomic
def handle(complaint, user, *, action_taken, photos=(), expected_version=None):
    """处置: what the assigned unit did, with after photos; sets ``handled_at``."""

    def change(current):
        if not (action_taken or "").strip():
            raise ValidationError({"action_taken": _("Say what was done.")})
        current.action_taken = action_taken.strip()
        current.handled_at = timezone.now()

    current, step = _advance(
        complaint, user, Stage.HANDLED, expected_version, (action_taken or "").strip(), change
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
):
    """评价: the complainant's or reviewer's satisfaction with the handling. With
    ``return_for_rehandling`` the handling is refused instead: the step (with ``note`` as the
    reason) sends the complaint back to 调配 for the same unit to handle again, by ``deadline``
    when given (else the old one); the handling's time and action are cleared (they stay in
    the timeline)."""
    if return_for_rehandling:

        def send_back(current):
            if not (note or "").strip():
                raise ValidationError({"note": _("Say why the handling is returned.")})
            if deadline is not None:
                _check_deadline(current, deadline, not_before_today=True)
                current.deadline = deadline
            current.action_taken = ""
            current.handled_at = None
            current.satisfaction = ""

        current = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if current.stage != Stage.HANDLED:
            raise WrongStage(current, Stage.EVALUATED)
        return _return(current, user, note.strip(), expected_version, send_back)

    def change(current):
        if satisfaction not in Complaint.Satisfaction.values:
            raise ValidationError({"satisfaction": _("Choose how satisfied the complainant is.")})
        current.satisfaction = satisfaction

    return _advance(complaint, user, Stage.EVALUATED, expected_version, note.strip(), change)[0]


def _return(current, user, note, expected_version, change):
    if expected_version is not None and int(expected_version) != current.version:
        raise StaleComplaint(current, expected_version)
    change(current)
    current.stage = Stage.DISPATCHED
    current._history_user = _acting(user)
    current.save()
    ComplaintStep.objects.create(
        complaint=current,
        stage=Stage.DISPATCHED,
        user=_acting(user),
        at=timezone.now(),
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
    """The month whose assessment a complaint counts in: the month it was handled."""
    return timezone.localtime(complaint.handled_at).date().replace(day=1)


@transaction.atomic
def assess(complaint, user, *, item=None, note="", expected_version=None):
    """考核: close the complaint, counting it (``item`` given) as a deduction in the monthly
    maintenance assessment of its assigned station for the month it was handled (created when
    the month has none yet). Without ``item`` it closes without a deduction. A unit that is not
    a municipal station has no such assessment: refused."""

    def change(current):
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
        current.closed_at = timezone.now()

    return _advance(complaint, user, Stage.ASSESSED, expected_version, note.strip(), change)[0]


# -- Queries --------------------------------------------------------------------------------


def overdue_q(today=None, prefix=""):
    """Past its deadline and not handled yet (at 发现 or 调配): ``Complaint.overdue`` as a
    filter. ``prefix``: the path to the complaint, e.g. ``"complaint__"``."""
    today = today or timezone.localdate()
    return Q(**{f"{prefix}stage__in": OPEN_WORK_STAGES, f"{prefix}deadline__lt": today})


def with_overdue(queryset, today=None):
    """``queryset`` with ``is_overdue`` (``overdue_q`` as a column)."""
    return queryset.annotate(
        is_overdue=ExpressionWrapper(overdue_q(today), output_field=BooleanField())
    )


def _for_unit(queryset, unit):
    return queryset if unit is None else queryset.filter(assigned_unit=unit)


def overdue_complaints(unit=None, today=None):
    """Complaints past their deadline and not handled, oldest deadline first; optionally of
    one assigned unit (a ResponsibleUnit or its pk)."""
    queryset = Complaint.objects.filter(overdue_q(today)).select_related("assigned_unit", "channel")
    return _for_unit(queryset, unit).order_by("deadline", "received_at", "pk")


def complaints_due_within(days, unit=None, today=None):
    """Complaints not handled yet whose deadline falls from ``today`` to ``days`` days later
    (inclusive), nearest first; optionally of one assigned unit. Overdue ones are not here
    (``overdue_complaints``)."""
    today = today or timezone.localdate()
    queryset = Complaint.objects.filter(
        stage__in=OPEN_WORK_STAGES,
        deadline__gte=today,
        deadline__lte=today + datetime.timedelta(days=days),
    ).select_related("assigned_unit", "channel")
    return _for_unit(queryset, unit).order_by("deadline", "received_at", "pk")


@dataclass
class UnitStatistics:
    """One unit's complaints (``unit_id`` None: not dispatched yet)."""

    unit_id: int | None
    unit_name: str
    count: int
    open: int
    overdue: int
    handled: int
    average_handling: datetime.timedelta | None  # received → handled, over the handled ones
    satisfied: int
    basically: int
    unsatisfied: int

    @property
    def average_handling_days(self):
        if self.average_handling is None:
            return None
        return self.average_handling.total_seconds() / 86400


def handling_time():
    return ExpressionWrapper(F("handled_at") - F("received_at"), output_field=DurationField())


def unit_statistics(complaints=None, today=None):
    """[UnitStatistics] per assigned unit, the most complaints first, those not dispatched yet last:
    how many, how many open (not assessed), overdue, handled, the average time from receiving
    to handling, and the evaluations. ``complaints``: a Complaint queryset to count (default:
    all). One query."""
    complaints = Complaint.objects.all() if complaints is None else complaints
    satisfaction = Complaint.Satisfaction
    rows = (
        complaints.order_by()
        .values("assigned_unit", "assigned_unit__name")
        .annotate(
            n=Count("pk"),
            n_open=Count("pk", filter=~Q(stage=Stage.ASSESSED)),
            n_overdue=Count("pk", filter=overdue_q(today)),
            n_handled=Count("pk", filter=Q(handled_at__isnull=False)),
            average=Avg(handling_time(), filter=Q(handled_at__isnull=False)),
            n_satisfied=Count("pk", filter=Q(satisfaction=satisfaction.SATISFIED)),
            n_basically=Count("pk", filter=Q(satisfaction=satisfaction.BASICALLY)),
            n_unsatisfied=Count("pk", filter=Q(satisfaction=satisfaction.UNSATISFIED)),
        )
    )
    result = [
        UnitStatistics(
            unit_id=row["assigned_unit"],
            unit_name=row["assigned_unit__name"] or str(_("Not dispatched yet")),
            count=row["n"],
            open=row["n_open"],
            overdue=row["n_overdue"],
            handled=row["n_handled"],
            average_handling=_duration(row["average"]),
            satisfied=row["n_satisfied"],
            basically=row["n_basically"],
            unsatisfied=row["n_unsatisfied"],
        )
        for row in rows
    ]
    result.sort(key=lambda row: (row.unit_id is None, -row.count, row.unit_name))
    return result


def _duration(value):
    """An average duration as a timedelta on every database (SQLite may give microseconds)."""
    if value is None or isinstance(value, datetime.timedelta):
        return value
    return datetime.timedelta(microseconds=float(value))


def assessment_items():
    """The items an assessor may choose, in code order."""
    return AssessmentItem.objects.filter(active=True).order_by("code")
