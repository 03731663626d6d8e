"""Water samples, as the channel page lists them."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from projects.core import formatting
from projects.models import Judgement, Sample
from projects.services.water_quality import grade_sample
from projects.tables.columns import DateTimeColumn

NOT_MEASURED = _("not measured")


class ReadingColumn(tables.Column):
    """A measured value as the laboratory gives it (no trailing zeros), or “not measured”."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}})
        kwargs.setdefault("empty_values", ())
        super().__init__(*args, **kwargs)

    def render(self, value):
        if value is None:
            return format_html('<span class="na">{}</span>', NOT_MEASURED)
        return formatting.quantity(value)

    def value(self, value):
        return value


class SampleTable(tables.Table):
    sampled_at = DateTimeColumn(format="Y-m-d H:i")
    point = tables.Column(
        verbose_name=_("Sampling point"),
        accessor="point__name",
        order_by=("point__sequence", "point__name"),
    )
    transparency_cm = ReadingColumn()
    do_mg_l = ReadingColumn()
    orp_mv = ReadingColumn()
    nh3n_mg_l = ReadingColumn()
    depth_cm = ReadingColumn()
    grade = tables.Column(verbose_name=_("Reading grade"), empty_values=(), orderable=False)
    lab = tables.Column(default="")

    class Meta:
        model = Sample
        fields = (
            "sampled_at",
            "point",
            "transparency_cm",
            "do_mg_l",
            "orp_mv",
            "nh3n_mg_l",
            "depth_cm",
            "grade",
            "lab",
        )
        order_by = ("-sampled_at",)

    def grade_of(self, record):
        graded = grade_sample(
            record.transparency_cm,
            record.do_mg_l,
            record.orp_mv,
            record.nh3n_mg_l,
            record.depth_cm,
        )
        return graded.overall.value_name

    def render_point(self, record):
        return record.point.name

    def render_grade(self, record):
        grade = self.grade_of(record)
        return format_html(
            '<span class="badge badge-{}">{}</span>', grade, Judgement.Grade(grade).label
        )

    def value_grade(self, record):
        return Judgement.Grade(self.grade_of(record)).label
