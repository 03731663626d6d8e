"""URL-walk rules for the assessment pages and the monthly report (see tests/test_urls.py,
AREA_RULES)."""

import datetime

from django.urls import reverse

from projects.models import AssessmentItem, Deduction, MonthlyAssessment


def setup(cls):
    """Station A's May 2018 assessment with one deduction (so every assessment model has a row
    for the admin pages)."""
    cls.assessment = MonthlyAssessment.objects.create(
        station=cls.unit_a, month=datetime.date(2018, 5, 1), assessed_by=cls.administrator
    )
    cls.assessment_item = AssessmentItem.objects.get(code="A1")
    Deduction.objects.create(
        assessment=cls.assessment, item=cls.assessment_item, occurrences=2, note="水面漂浮物"
    )


def rules(t):
    from tests.test_urls import LOGIN, READ, Case, table

    # Only an administrator adds a deduction in the site; a valid POST saves and redirects.
    administrator_only = table((LOGIN, LOGIN), (403, 403), (403, 403), (403, 403), (200, 302))
    job_start = table((LOGIN, LOGIN), (302, 405), (302, 405), (302, 405), (302, 405))
    deduction = {"item": t.assessment_item.pk, "occurrences": "1", "points": "", "note": "巡查"}
    return {
        "projects:assessment-list": [
            Case("latest months", reverse("projects:assessment-list"), READ),
            Case("a year", reverse("projects:assessment-list"), READ, query={"year": "2018"}),
        ],
        "projects:assessment-items": [Case("", reverse("projects:assessment-items"), READ)],
        "projects:assessment-detail": [
            Case(
                "station A, May 2018",
                reverse("projects:assessment-detail", args=[t.assessment.pk]),
                READ,
            )
        ],
        "projects:assessment-deduction-create": [
            Case(
                "station A, May 2018",
                reverse("projects:assessment-deduction-create", args=[t.assessment.pk]),
                administrator_only,
                body=deduction,
            )
        ],
        "projects:month-report": [
            Case("latest month", reverse("projects:month-report"), READ),
            Case("May 2018", reverse("projects:month-report"), READ, query={"month": "2018-05"}),
        ],
        "projects:month-ledger": [
            # Every logged-in user may have the ledger built: a GET starts (or reuses) a
            # background job and redirects to its page.
            Case(
                "May 2018", reverse("projects:month-ledger"), job_start, query={"month": "2018-05"}
            )
        ],
    }
