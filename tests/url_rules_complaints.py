"""URL-walk rules for the complaints pages (see tests/test_urls.py, AREA_RULES)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from projects.models import Complaint
from projects.services import complaints as loop


def setup(cls):
    """Create, on the walk's test class, the objects these pages and their admin need: one
    complaint waiting for each step (handling: one of unit A and one of unit B), with their
    steps."""
    received = timezone.now() - datetime.timedelta(days=3)
    deadline = timezone.localdate() + datetime.timedelta(days=5)

    def complaint(location, steps, unit=None):
        c = loop.open_complaint(
            cls.administrator,
            source=Complaint.Source.HOTLINE,
            received_at=received,
            location=location,
            channel=cls.g105,
            description="渠面漂浮垃圾",
        )
        if steps >= 1:
            c = loop.dispatch(c, cls.administrator, assigned_unit=unit, deadline=deadline)
        if steps >= 2:
            c = loop.handle(c, cls.administrator, action_taken="已打捞清理")
        if steps >= 3:
            c = loop.evaluate(c, cls.administrator, satisfaction="satisfied")
        return c

    cls.complaint_found = complaint("待调配", 0)
    cls.complaint_of_a = complaint("甲站待处置", 1, cls.unit_a)
    cls.complaint_of_b = complaint("乙站待处置", 1, cls.unit_b)
    cls.complaint_handled = complaint("待评价", 2, cls.unit_a)
    cls.complaint_evaluated = complaint("待考核", 3, cls.unit_a)


def versioned(complaint, **data):
    """A valid POST of a step, with the complaint's version as stored at request time and
    the time the form starts at (now, to the minute)."""

    def body(testcase, user):
        complaint.refresh_from_db()
        at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        return {**data, "expected_version": complaint.version, "at": at}

    return body


def rules(t):
    """Site pattern name → [Case] for every complaints URL."""
    from tests.test_urls import LOGIN, READ, Case, table

    # Steps only an administrator takes (dispatch, evaluate, assess).
    administrator = table((LOGIN, LOGIN), (403, 403), (403, 403), (403, 403), (200, 302))
    # Handling: the assigned unit's editors and administrators.
    unit_a = table((LOGIN, LOGIN), (403, 403), (200, 302), (403, 403), (200, 302))
    unit_b = table((LOGIN, LOGIN), (403, 403), (403, 403), (200, 302), (200, 302))
    # Recording a complaint: unit editors and administrators (add_complaint).
    recorders = table((LOGIN, LOGIN), (403, 403), (200, 302), (200, 302), (200, 302))
    # A step at the wrong stage: whoever may take it is sent back to the complaint's page with
    # a message (GET or POST), nothing changed.
    wrong_stage = table((LOGIN, LOGIN), (403, 403), (403, 403), (403, 403), (302, 302))

    def url(name, complaint):
        return reverse(f"projects:complaint-{name}", args=[complaint.pk])

    deadline = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    return {
        "projects:complaint-board": [Case("", reverse("projects:complaint-board"), READ)],
        "projects:complaint-list": [Case("", reverse("projects:complaint-list"), READ)],
        "projects:complaint-create": [
            Case(
                "",
                reverse("projects:complaint-create"),
                recorders,
                body={
                    "source": "public",
                    "received_at": "2018-06-01T09:00",
                    "location": "东渠二号桥",
                    "description": "渠水发黑发臭",
                },
            )
        ],
        "projects:complaint-detail": [
            Case(c.location, c.get_absolute_url(), READ)
            for c in (t.complaint_found, t.complaint_of_a, t.complaint_evaluated)
        ],
        "projects:complaint-dispatch": [
            Case(
                "found",
                url("dispatch", t.complaint_found),
                administrator,
                body=versioned(t.complaint_found, assigned_unit=t.unit_a.pk, deadline=deadline),
            ),
            Case("already dispatched", url("dispatch", t.complaint_of_a), wrong_stage),
        ],
        "projects:complaint-handle": [
            Case(
                "dispatched to unit A",
                url("handle", t.complaint_of_a),
                unit_a,
                body=versioned(t.complaint_of_a, action_taken="已清理"),
            ),
            Case(
                "dispatched to unit B",
                url("handle", t.complaint_of_b),
                unit_b,
                body=versioned(t.complaint_of_b, action_taken="已清理"),
            ),
            Case("not dispatched yet", url("handle", t.complaint_found), wrong_stage),
        ],
        "projects:complaint-evaluate": [
            Case(
                "handled",
                url("evaluate", t.complaint_handled),
                administrator,
                body=versioned(t.complaint_handled, satisfaction="satisfied", note="满意"),
            ),
            Case(
                "handled, returned",
                url("evaluate", t.complaint_handled),
                administrator,
                body=versioned(t.complaint_handled, note="仍有异味", **{"return": "1"}),
            ),
        ],
        "projects:complaint-assess": [
            Case(
                "evaluated",
                url("assess", t.complaint_evaluated),
                administrator,
                body=versioned(t.complaint_evaluated, item=""),
            )
        ],
    }
