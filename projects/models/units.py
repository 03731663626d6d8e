from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models.base import Sourced


class ResponsibleUnit(Sourced):
    """A body that leads, supports, maintains, builds or designs: the bureau, a street, a
    municipal station (市政站), a contractor, a design institute."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("District government or bureau")
        STREET = "street", _("Street or town")
        STATION = "station", _("Municipal station")
        CONTRACTOR = "contractor", _("Contractor")
        DESIGN = "design", _("Design institute or consultancy")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("responsible unit")
        verbose_name_plural = _("responsible units")
        permissions = [("edit_any_unit", _("Can edit the tasks and reports of every unit"))]

    def __str__(self):
        return self.name
