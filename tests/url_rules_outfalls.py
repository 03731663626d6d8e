"""URL-walk rules for the outfall register, an outfall's page and form, and a treatment plant's
page (see tests/test_urls.py, AREA_RULES): everyone logged in reads; administrators write."""

from decimal import Decimal

from django.urls import reverse

from projects.models import Outfall, TreatmentPlant
from tests.url_rules_plans import as_sent


def setup(cls):
    """A plant and an outfall of the 105 channel draining to it, on the map, for the pages;
    and a plant nothing points to, that the admin's delete can remove (the first one is
    protected by its outfall)."""
    cls.plant = TreatmentPlant.objects.create(name="走查污水处理厂", capacity_t_d=Decimal("5000"))
    TreatmentPlant.objects.create(name="走查备用处理厂", capacity_t_d=Decimal("1000"))
    cls.outfall = Outfall.objects.create(
        code="WALK-01",
        channel=cls.g105,
        kind=Outfall.Kind.OVERFLOW,
        plant=cls.plant,
        geometry={"type": "Point", "coordinates": [113.55, 22.27]},
    )


def rules(t):
    """Site pattern name → [Case] for every URL of the outfalls and plants."""
    from tests.test_urls import LOGIN, READ, Case, table

    administrators = table((LOGIN, LOGIN), (403, 403), (403, 403), (403, 403), (200, 302))
    register = reverse("projects:outfall-list")
    create = reverse("projects:outfall-create")
    update = reverse("projects:outfall-update", args=[t.outfall.pk])
    return {
        "projects:outfall-list": [
            Case("", register, READ),
            Case("filtered", register, READ, query={"status": "to_fix", "has_coordinates": "True"}),
            Case("CSV", register, READ, query={"_export": "csv"}),
        ],
        "projects:outfall-detail": [
            Case("WALK-01", reverse("projects:outfall-detail", args=[t.outfall.pk]), READ),
        ],
        "projects:outfall-create": [
            Case(
                "",
                create,
                administrators,
                body=as_sent(
                    create,
                    "outfall-form",
                    code="WALK-02",
                    channel=str(t.g105.pk),
                    kind="rain",
                ),
            ),
        ],
        "projects:outfall-update": [
            Case(
                "WALK-01",
                update,
                administrators,
                body=as_sent(update, "outfall-form", place="桥下"),
            ),
        ],
        "projects:plant-detail": [
            Case("", reverse("projects:plant-detail", args=[t.plant.pk]), READ),
        ],
    }
