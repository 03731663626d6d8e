"""URL-walk rules for adding a report to a complaint case (see tests/test_urls.py,
AREA_RULES)."""

from django.urls import reverse
from django.utils import timezone

from projects.models import Complaint
from projects.services import complaints as loop


def setup(cls):
    """An open case, and a closed one (assessed), each with its first report."""

    def case(location):
        return loop.open_complaint(
            cls.administrator,
            source=Complaint.Source.INSPECTION,
            inspecting_body="省环境保护督察组",
            case_number=f"DC-{location}",
            received_at=timezone.now(),
            location=location,
            channel=cls.g105,
            description="排口溢流发臭",
        )

    cls.report_case_open = case("排口东")
    closed = case("排口西")
    day = timezone.localdate()
    closed = loop.dispatch(closed, cls.administrator, assigned_unit=cls.unit_a, deadline=day)
    closed = loop.handle(closed, cls.administrator, action_taken="已截污", cause="污水厂满负荷")
    closed = loop.evaluate(closed, cls.administrator, satisfaction="satisfied")
    cls.report_case_closed = loop.assess(closed, cls.administrator)


def rules(t):
    from tests.test_urls import LOGIN, Case, table

    # Whoever may record a complaint may add a report to an open case (add_complaintreport):
    # unit editors and administrators; the viewer: 403.
    reporters = table((LOGIN, LOGIN), (403, 403), (200, 302), (200, 302), (200, 302))
    # A closed case takes no report: back to its page with a message, nothing added.
    closed = table((LOGIN, LOGIN), (403, 403), (302, 302), (302, 302), (302, 302))

    def url(complaint):
        return reverse("projects:complaint-add-report", args=[complaint.pk])

    count = {"n": 0}

    def body(testcase, user):
        # Each permitted POST adds a report of its own case number.
        count["n"] += 1
        return {
            "report-source": "inspection",
            "report-received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "report-inspecting_body": "省环境保护督察组",
            "report-case_number": f"DC-walk-{count['n']}",
            "report-content": "再次交办：排口仍有异味",
        }

    return {
        "projects:complaint-add-report": [
            Case("open case", url(t.report_case_open), reporters, body=body),
            Case("closed case", url(t.report_case_closed), closed, body=body),
        ],
    }
