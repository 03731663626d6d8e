"""Water samples: one row per sample.

The channel must exist (by name); a sampling point name the channel does not have yet is
created on it. A sample duplicates another when it has the same channel, point and time, in the
file or already stored. After the write, the channels with new samples are re-graded
(``projects.services.water_quality.regrade_channels``)."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.models import Channel, ImportBatch, Sample, SamplingPoint
from projects.services import round_latest
from projects.services.imports.base import (
    Column,
    Importer,
    Invalid,
    datetime_parser,
    decimal_parser,
    text_parser,
)

COLUMNS = (
    Column("channel", "排洪渠", ("channel", "河道", "水体", "channel name"), True, "造贝排洪渠"),
    Column("point", "采样点", ("sampling point", "point", "点位"), True, "1号点"),
    Column("sampled_at", "采样时间", ("sampled at", "time", "date"), True, "2018-06-01 09:30"),
    Column("depth_cm", "水深(cm)", ("水深", "water depth (cm)", "depth"), False, "80"),
    Column(
        "transparency_cm",
        "透明度(cm)",
        ("透明度", "transparency (cm)", "transparency"),
        False,
        "35",
    ),
    Column(
        "do_mg_l",
        "溶解氧(mg/L)",
        ("溶解氧", "dissolved oxygen (mg/L)", "DO", "DO (mg/L)"),
        False,
        "3.2",
    ),
    Column(
        "orp_mv",
        "氧化还原电位(mV)",
        ("氧化还原电位", "ORP (mV)", "ORP"),
        False,
        "120",
    ),
    Column(
        "nh3n_mg_l",
        "氨氮(mg/L)",
        ("氨氮", "ammonia nitrogen (mg/L)", "NH3-N", "NH3-N (mg/L)"),
        False,
        "4.5",
    ),
    Column("lab", "检测单位", ("laboratory", "lab", "source"), False, "区环境监测站"),
)

MEASURES = ("depth_cm", "transparency_cm", "do_mg_l", "orp_mv", "nh3n_mg_l")
INDICATORS = ("transparency_cm", "do_mg_l", "orp_mv", "nh3n_mg_l")


def field_parser(name, **bounds):
    """A decimal parser with the model field's digits and places and the model's check
    constraints as bounds."""
    model_field = Sample._meta.get_field(name)
    return decimal_parser(model_field.max_digits, model_field.decimal_places, **bounds)


class SampleImporter(Importer):
    kind = ImportBatch.Kind.SAMPLES
    columns = COLUMNS
    count_labels = (
        ("points", gettext_lazy("new sampling points")),
        ("samples", gettext_lazy("samples")),
    )

    def validate(self, table, indexes):
        headers = {column.key: column.header for column in self.columns}
        for key, index in indexes.items():
            headers[key] = table.headers[index] or headers[key]
        channels = dict(Channel.objects.values_list("name", "pk"))
        points = {
            (channel_id, name): pk
            for channel_id, name, pk in SamplingPoint.objects.values_list(
                "channel_id", "name", "pk"
            )
        }
        parse_time = datetime_parser()
        parse_point = text_parser(SamplingPoint._meta.get_field("name").max_length)
        parse_lab = text_parser(Sample._meta.get_field("lab").max_length)
        # The models' check constraints: non-negative amounts, ORP within ±1000 mV.
        measures = [
            (key, field_parser(key, minimum=Decimal(0)))
            for key in ("depth_cm", "transparency_cm", "do_mg_l")
        ]
        measures.append(("orp_mv", field_parser("orp_mv", minimum=-1000, maximum=1000)))
        measures.append(("nh3n_mg_l", field_parser("nh3n_mg_l", minimum=Decimal(0))))
        # Every row is padded to ``width`` cells; a column the file lacks reads the last,
        # always empty, one.
        width = max(indexes.values()) + 2
        absent = width - 1
        measures = [(indexes.get(key, absent), headers[key], parse) for key, parse in measures]
        indicators = [index for index, _header, _parse in measures[1:]]

        i_channel, i_point, i_time = indexes["channel"], indexes["point"], indexes["sampled_at"]
        i_lab = indexes.get("lab", absent)
        missing = _("Missing value.")
        nothing_measured = _(
            "No indicator measured: a sample needs at least one of transparency, dissolved "
            "oxygen, ORP and ammonia nitrogen."
        )
        errors = self.result.errors
        add_error = self.add_error
        empty = ("", None)

        seen = {}  # (channel id, point name, time) -> first line
        planned = []  # validated rows: (line, channel id, point name, time, *values, lab)
        new_points = {}  # (channel id, name) -> first line
        rows = 0
        for line, cells in table:
            rows += 1
            errors_before = len(errors)
            if len(cells) < width:
                cells = [*cells, *[""] * (width - len(cells))]

            channel_id = None
            value = cells[i_channel]
            if value in empty:
                add_error(line, headers["channel"], missing)
            else:
                channel_id = channels.get(value if type(value) is str else str(value))
                if channel_id is None:
                    add_error(
                        line,
                        headers["channel"],
                        _("No channel is named “%(value)s”.") % {"value": value},
                    )

            point = cells[i_point]
            if point in empty:
                add_error(line, headers["point"], missing)
                point = None
            else:
                try:
                    point = parse_point(point)
                except Invalid as error:
                    add_error(line, headers["point"], error.message)
                    point = None

            moment = cells[i_time]
            if moment in empty:
                add_error(line, headers["sampled_at"], missing)
                moment = None
            else:
                try:
                    moment = parse_time(moment)
                except Invalid as error:
                    add_error(line, headers["sampled_at"], error.message)
                    moment = None

            values = []
            for index, header, parse in measures:
                value = cells[index]
                if value in empty:
                    value = None
                else:
                    try:
                        value = parse(value)
                    except Invalid as error:
                        add_error(line, header, error.message)
                        value = None
                values.append(value)
            if all(cells[index] in empty for index in indicators):
                add_error(line, headers["transparency_cm"], nothing_measured)

            lab = cells[i_lab]
            if lab in empty:
                lab = ""
            else:
                try:
                    lab = parse_lab(lab)
                except Invalid as error:
                    add_error(line, headers["lab"], error.message)

            if channel_id is not None and point is not None and moment is not None:
                key = (channel_id, point, moment)
                first = seen.get(key)
                if first is not None:
                    add_error(
                        line,
                        headers["sampled_at"],
                        _("The same point and time as line %(line)s.") % {"line": first},
                    )
                else:
                    seen[key] = line
            if len(errors) == errors_before:
                if (channel_id, point) not in points:
                    new_points.setdefault((channel_id, point), line)
                planned.append((line, channel_id, point, moment, *values, lab))
        self.result.rows = rows

        self.refuse_stored_duplicates(planned, points, headers["sampled_at"])
        self.plan = (planned, new_points) if not self.result.errors else None
        self.set_counts(points=len(new_points), samples=len(planned))
        self.channel_ids = sorted({row[1] for row in planned})

    def refuse_stored_duplicates(self, planned, points, header):
        """Samples already stored at the same point and time: one query over the file's time
        span at the points the file names that exist."""
        known = [row for row in planned if (row[1], row[2]) in points]
        if not known:
            return
        times = [row[3] for row in known]
        stored = set()
        channel_ids = sorted({row[1] for row in known})
        for start in range(0, len(channel_ids), 500):
            stored.update(
                Sample.objects.filter(
                    point__channel_id__in=channel_ids[start : start + 500],
                    sampled_at__range=(min(times), max(times)),
                ).values_list("point_id", "sampled_at")
            )
        if not stored:
            return
        message = _("This point already has a sample at that time.")
        for row in known:
            if (points[(row[1], row[2])], row[3]) in stored:
                self.add_error(row[0], header, message)

    def write(self, writer):
        planned, new_points = self.plan
        points, next_sequence = {}, {}
        for channel_id, name, pk, sequence in SamplingPoint.objects.filter(
            channel_id__in=self.channel_ids
        ).values_list("channel_id", "name", "pk", "sequence"):
            points[(channel_id, name)] = pk
            next_sequence[channel_id] = max(next_sequence.get(channel_id, 0), sequence)
        # New points after the channel's others, in the order the file first names them.
        created = []
        for channel_id, name in sorted(new_points, key=new_points.get):
            next_sequence[channel_id] = next_sequence.get(channel_id, 0) + 1
            created.append(
                {"channel_id": channel_id, "name": name, "sequence": next_sequence[channel_id]}
            )
        for point, pk in zip(created, writer.create(SamplingPoint, created), strict=True):
            points[(point["channel_id"], point["name"])] = pk
        batch_id = writer.batch.pk
        samples = [
            {
                "point_id": points[(channel_id, name)],
                "sampled_at": moment,
                "depth_cm": depth,
                "transparency_cm": transparency,
                "do_mg_l": do,
                "orp_mv": orp,
                "nh3n_mg_l": nh3n,
                "lab": lab,
                "import_batch_id": batch_id,
            }
            for _line, channel_id, name, moment, depth, transparency, do, orp, nh3n, lab in planned
        ]
        writer.create(Sample, samples)
        # Written in bulk, without signals: the channels' latest rounds read again here.
        round_latest.keep_channels(self.channel_ids)
        return len(created) + len(samples)

    def refresh(self):
        from projects.services.imports.refresh import regrade

        regrade(self.channel_ids)
