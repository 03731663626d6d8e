"""The reports of a complaint case (``ComplaintReport``): the first comes with the complaint
(``report_of_new_case``, called by ``complaints.open_complaint``); others join an open case
(``add_report``), from the case's page or recorded as a new complaint that names the case.

A case number already recorded for the same inspecting body is refused (``case_number_taken``)
with a message naming the case that holds it; nothing is written then. A closed (assessed)
case takes no more reports: a new report of the problem is a new complaint."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from projects.models import Complaint, ComplaintReport, Photo
from projects.services.photos import attach_photos

# The fields of a report a user enters: the report form's, and what the service copies from it.
REPORT_FIELDS = (
    "source",
    "received_at",
    "reporter",
    "contact",
    "inspecting_body",
    "case_number",
    "content",
)


def with_report_count(complaints, received_before=None):
    """``complaints`` with ``report_count``: how many reports each case has (a subquery per
    row of the page, read through the reports' complaint index; no join that would repeat a
    case in a count) — received before ``received_before`` (a moment) when it is given."""
    reports = ComplaintReport.objects.filter(complaint=OuterRef("pk"))
    if received_before is not None:
        reports = reports.filter(received_at__lt=received_before)
    reports = reports.order_by().values("complaint").annotate(n=Count("pk")).values("n")
    return complaints.annotate(report_count=Coalesce(Subquery(reports), Value(0)))


def case_number_taken(report):
    """A ValidationError under ``case_number`` when another report holds ``report``'s case
    number of the same inspecting body, naming its case; else None."""
    if not report.case_number:
        return None
    holder = (
        ComplaintReport.objects.filter(
            inspecting_body=report.inspecting_body, case_number=report.case_number
        )
        .exclude(pk=report.pk)
        .select_related("complaint")
        .first()
    )
    if holder is None:
        return None
    return ValidationError(
        {
            "case_number": _(
                "Case number %(case)s of %(body)s is already recorded in complaint "
                "%(number)s (%(location)s). Nothing was saved."
            )
            % {
                "case": report.case_number,
                "body": report.inspecting_body,
                "number": holder.complaint.number,
                "location": holder.complaint.location,
            }
        },
        code="case_number_taken",
    )


def _checked(report):
    """``report`` validated (its fields, then its case number): raises ValidationError."""
    report.full_clean(exclude=["complaint"], validate_constraints=False)
    error = case_number_taken(report)
    if error is not None:
        raise error


def _save(report):
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        # The same case number recorded at the same moment: the unique index refused it.
        error = case_number_taken(report)
        if error is None:
            raise
        raise error from None
    return report


def first_report_fields(complaint):
    """A new case's first report, from the case's own fields: who reported what, when, how."""
    return {
        "source": complaint.source,
        "received_at": complaint.received_at,
        "reporter": complaint.complainant,
        "contact": complaint.contact,
        "content": complaint.description,
    }


def report_of_new_case(user, complaint, **fields):
    """The first report of ``complaint``, built (not saved) and validated before the complaint
    is written; ``save_first_report`` saves it once the complaint has its number."""
    report = ComplaintReport(complaint=complaint, created_by=user, **fields)
    _checked(report)
    return report


def save_first_report(report, complaint):
    report.complaint = complaint
    return _save(report)


class CaseClosed(ValidationError):
    def __init__(self, complaint):
        super().__init__(
            _(
                "Complaint %(number)s is closed: a new report of the problem is recorded as a "
                "new complaint."
            ),
            code="case_closed",
            params={"number": complaint.number},
        )


@transaction.atomic
def add_report(complaint, user, photos=(), **fields):
    """Add a report (``REPORT_FIELDS``) to the open case ``complaint``, by ``user``; its
    ``photos`` (validated uploads) join the case's before-handling photos (its 发现 step's).
    Refused (ValidationError, nothing written) when the case is closed, a field is wrong, or
    its case number is already recorded for the same inspecting body."""
    current = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not current.is_open:
        raise CaseClosed(current)
    acting = user if user and user.is_authenticated else None
    report = ComplaintReport(complaint=current, created_by=acting, **fields)
    _checked(report)
    report._history_user = acting
    _save(report)
    found = current.steps.filter(stage=Complaint.Stage.FOUND).order_by("at", "pk").first()
    if photos and found is not None:
        attach_photos(found, photos, Photo.Phase.BEFORE, user=acting)
    return report
