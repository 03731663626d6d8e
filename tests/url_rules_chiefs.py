"""URL-walk rules for the river-chief pages (see tests/test_urls.py, AREA_RULES)."""

import datetime

from django.urls import reverse

from projects.models import ChiefAssignment, ChiefInspection, RiverChief


def setup(cls):
    """A town-level chief of the 105 channel since 2018 with one inspection, and a village
    chief of 造贝 whose term ended, never inspecting (the admin's deletable chief)."""
    cls.river_chief = RiverChief.objects.create(
        name="张河长", position="镇党委书记", phone="0756-2123456"
    )
    ChiefAssignment.objects.create(
        chief=cls.river_chief,
        channel=cls.g105,
        level="town",
        term_start=datetime.date(2018, 1, 1),
    )
    ChiefInspection.objects.create(
        chief=cls.river_chief,
        channel=cls.g105,
        inspected_on=datetime.date(2018, 6, 1),
        duration_minutes=60,
        problems_found="排口有污水直排",
    )
    cls.former_chief = RiverChief.objects.create(name="钱河长")
    ChiefAssignment.objects.create(
        chief=cls.former_chief,
        channel=cls.zaobei,
        level="village",
        term_start=datetime.date(2018, 1, 1),
        term_end=datetime.date(2019, 1, 1),
    )


def rules(t):
    """Site pattern name → [Case] for every river-chief URL."""
    from tests.test_urls import LOGIN, READ, Case, table

    # Recording an inspection: administrators only (the permission to add inspections); a
    # valid POST saves and redirects to the chief's page.
    record = table((LOGIN, LOGIN), (403, 403), (403, 403), (403, 403), (200, 302))
    return {
        "projects:chief-list": [
            Case("", reverse("projects:chief-list"), READ),
            Case(
                "missed, on the 105 channel",
                reverse("projects:chief-list"),
                READ,
                query={"missed": "True", "channel": str(t.g105.pk), "level": "", "serving": ""},
            ),
        ],
        "projects:chief-detail": [
            Case(
                "a serving chief", reverse("projects:chief-detail", args=[t.river_chief.pk]), READ
            ),
            Case(
                "a former chief", reverse("projects:chief-detail", args=[t.former_chief.pk]), READ
            ),
        ],
        "projects:chief-inspection-create": [
            Case(
                "an inspection of the 105 channel in 2018",
                reverse("projects:chief-inspection-create", args=[t.river_chief.pk]),
                record,
                body={
                    "channel": t.g105.pk,
                    "inspected_on": "2018-06-02",
                    "duration_minutes": "45",
                    "problems_found": "",
                },
            )
        ],
    }
