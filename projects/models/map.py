from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.core.geo import validate_outline


class MapOutline(models.Model):
    """An outline the map draws under the records, e.g. the district's boundary. Loaded by the
    geometry import (none is shipped: the source gives no coordinates)."""

    name = models.CharField(
        _("name"),
        max_length=100,
        unique=True,
        error_messages={"unique": _("An outline with this name already exists.")},
    )
    # A GeoJSON Polygon or MultiPolygon in WGS-84 (projects.core.geo).
    geometry = models.JSONField(_("location on the map"), validators=[validate_outline])
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    # Who loaded or edited an outline, and what it was before (as every record people enter).
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("map outline")
        verbose_name_plural = _("map outlines")

    def __str__(self):
        return self.name
