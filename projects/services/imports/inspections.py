"""Sewer inspections with their defects: one row per defect.

Rows with the same segment, method and date are one inspection; a row without a defect code
records an inspection (or a segment inspected) without defects.

Segments: a segment code the database does not have is created from the row's segment columns
(起点井, 终点井, 管径, 长度 and 地区类别 required; 材质 and 土质 (default ordinary soil)
optional). 地区类别 is the standard's area class A–D, which sets K in RI: it has no default, so a
new segment without it is a row error rather than a guess. For a segment that exists the segment
columns may be left empty — it keeps its stored values, area class included; a value given must
agree with the stored one — an inspection file does not rewrite the asset register (correct a
segment in the admin, then import). Rows of one segment must agree with each other likewise, as
must the contractor and video reference of the rows of one inspection.

An inspection already stored (same segment, method and day) is refused rather than added to, so
importing a file twice cannot double its defects. Defect codes are those of the active rule set
(``projects.services.sewer_condition.active_rule_set``); a grade must be 1–4 and, for a scored
code, one
the code has a score for (FS has no grade 4). After the write, the segments with new inspections
are re-scored (``projects.services.sewer_condition.rescore_segments``)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.models import Defect, DefectCode, ImportBatch, Inspection, PipeSegment
from projects.services.imports.base import (
    Column,
    Importer,
    Invalid,
    choice_parser,
    date_parser,
    decimal_parser,
    integer_parser,
    text_parser,
)

COLUMNS = (
    Column("segment", "管段编号", ("segment", "segment code", "管段"), True, "XZ-W001"),
    Column("from_manhole", "起点井", ("from manhole", "起始井"), False, "W001"),
    Column("to_manhole", "终点井", ("to manhole", "结束井"), False, "W002"),
    Column("diameter_mm", "管径(mm)", ("管径", "diameter (mm)", "diameter"), False, "600"),
    Column("material", "材质", ("material", "管材"), False, "钢筋混凝土"),
    Column("length_m", "长度(m)", ("长度", "管段长度(m)", "length (m)", "length"), False, "45.5"),
    Column("area_class", "地区类别", ("area class", "地区重要性"), False, "B"),
    Column("soil", "土质", ("soil",), False, "一般土层"),
    Column("method", "检测方法", ("method", "inspection method"), True, "CCTV"),
    Column("inspected_on", "检测日期", ("inspected on", "date"), True, "2018-05-20"),
    Column("contractor", "检测单位", ("contractor",), False, "某管道检测公司"),
    Column("video_ref", "视频编号", ("video", "video reference", "video ref"), False, "V-0001"),
    Column("code", "缺陷代码", ("defect code", "code"), True, "PL"),
    Column("grade", "缺陷等级", ("grade", "defect grade"), False, "2"),
    Column("position_m", "位置(m)", ("位置", "position (m)", "position"), False, "12.3"),
    Column(
        "defect_length_m",
        "缺陷长度(m)",
        ("缺陷长度", "defect length (m)", "length of defect"),
        False,
        "0.5",
    ),
    Column("clock", "时钟位置", ("clock", "clock position", "环向位置"), False, "0309"),
)

# The soil names of CJJ 181-2012's table of T (土质影响参数), as inspection reports write them.
SOIL_NAMES = {
    "一般土层": "ordinary",
    "一般土": "ordinary",
    "粉砂层": "silt_sand",
    "粉砂": "silt_sand",
    "湿陷性黄土IV级": "loess_iv",
    "IV级湿陷性黄土": "loess_iv",
    "湿陷性黄土III级": "loess_iii",
    "III级湿陷性黄土": "loess_iii",
    "湿陷性黄土I、II级": "loess_i_ii",
    "I、II级湿陷性黄土": "loess_i_ii",
    "强膨胀土": "expansive_strong",
    "中膨胀土": "expansive_medium",
    "弱膨胀土": "expansive_weak",
    "淤泥": "muck",
    "淤泥质土": "mucky",
    "红黏土": "red_clay",
    "红粘土": "red_clay",
}

SEGMENT_FIELDS = (
    "from_manhole",
    "to_manhole",
    "diameter_mm",
    "material",
    "length_m",
    "area_class",
    "soil",
)
REQUIRED_FOR_NEW = ("from_manhole", "to_manhole", "diameter_mm", "length_m", "area_class")
DEFECT_DETAILS = ("grade", "position_m", "defect_length_m", "clock")


def model_decimal(model, name, **bounds):
    model_field = model._meta.get_field(name)
    return decimal_parser(model_field.max_digits, model_field.decimal_places, **bounds)


def max_length(model, name):
    return text_parser(model._meta.get_field(name).max_length)


class InspectionImporter(Importer):
    kind = ImportBatch.Kind.INSPECTIONS
    columns = COLUMNS
    count_labels = (
        ("segments", gettext_lazy("new pipe segments")),
        ("inspections", gettext_lazy("inspections")),
        ("defects", gettext_lazy("defects")),
    )

    def parsers(self):
        return {
            "segment": max_length(PipeSegment, "code"),
            "from_manhole": max_length(PipeSegment, "from_manhole"),
            "to_manhole": max_length(PipeSegment, "to_manhole"),
            "diameter_mm": integer_parser(minimum=1, maximum=2_147_483_647),
            "material": max_length(PipeSegment, "material"),
            "length_m": model_decimal(PipeSegment, "length_m", positive=True),
            "area_class": choice_parser(PipeSegment.AreaClass),
            "soil": choice_parser(PipeSegment.Soil, SOIL_NAMES),
            "method": choice_parser(
                Inspection.Method, {"声纳": "sonar", "声呐": "sonar", "其他": "other"}
            ),
            "inspected_on": date_parser(),
            "contractor": max_length(Inspection, "contractor"),
            "video_ref": max_length(Inspection, "video_ref"),
            "code": max_length(DefectCode, "code"),
            "grade": integer_parser(minimum=1, maximum=4),
            "position_m": model_decimal(Defect, "position_m", minimum=0),
            "defect_length_m": model_decimal(Defect, "length_m", minimum=0),
            "clock": max_length(Defect, "clock"),
        }

    def validate(self, table, indexes):
        from projects.services.sewer_condition import active_rule_set

        headers = {column.key: column.header for column in self.columns}
        for key, index in indexes.items():
            headers[key] = table.headers[index] or headers[key]
        self.headers = headers
        parsers = self.parsers()
        rule_set = active_rule_set()
        codes = {code.code.upper(): code for code in DefectCode.objects.filter(rule_set=rule_set)}
        order = [(key, indexes.get(key), parsers[key]) for key in parsers]
        missing = _("Missing value.")
        add_error = self.add_error

        segments = {}  # code -> {field: (value, line)}
        inspections = {}  # (segment code, method, day) -> inspection dict
        rows = 0
        for line, cells in table:
            rows += 1
            errors_before = len(self.result.errors)
            row = {}
            for key, index, parse in order:
                value = cells[index] if index is not None and index < len(cells) else None
                if value is None or value == "":
                    continue
                try:
                    row[key] = parse(value)
                except Invalid as error:
                    add_error(line, headers[key], error.message)
                    row[key] = None  # given, but wrong
            for key in ("segment", "method", "inspected_on"):
                if key not in row:
                    add_error(line, headers[key], missing)

            defect = None
            code_text = row.get("code")
            if code_text is None:
                for key in DEFECT_DETAILS:
                    if key in row:
                        add_error(
                            line,
                            headers[key],
                            _(
                                "A defect detail without a defect code: fill in %(column)s or "
                                "leave this empty."
                            )
                            % {"column": headers["code"]},
                        )
            else:
                code = codes.get(code_text.upper())
                if code is None:
                    add_error(
                        line,
                        headers["code"],
                        _("Unknown defect code “%(value)s” in %(rule_set)s.")
                        % {"value": code_text, "rule_set": rule_set},
                    )
                grade = row.get("grade")
                if "grade" not in row:
                    add_error(line, headers["grade"], missing)
                elif (
                    grade is not None
                    and code is not None
                    and code.scored
                    and code.score(grade) is None
                ):
                    scored = [str(g) for g in range(1, 5) if code.score(g) is not None]
                    add_error(
                        line,
                        headers["grade"],
                        _("%(code)s %(name)s has no grade %(grade)s (its grades: %(grades)s).")
                        % {
                            "code": code.code,
                            "name": code.name,
                            "grade": grade,
                            "grades": "、".join(scored),
                        },
                    )
                if "position_m" not in row:
                    add_error(line, headers["position_m"], missing)
                defect = (
                    code,
                    grade,
                    row.get("position_m"),
                    row.get("defect_length_m"),
                    row.get("clock") or "",
                )

            segment_code = row.get("segment")
            if segment_code is not None:
                known = segments.setdefault(segment_code, {})
                self.agree(
                    known,
                    row,
                    line,
                    SEGMENT_FIELDS,
                    _("Differs from line %(line)s of the same segment (“%(value)s”)."),
                )
                known.setdefault("_line", line)

            method, day = row.get("method"), row.get("inspected_on")
            if segment_code is not None and method is not None and day is not None:
                key = (segment_code, method, day)
                inspection = inspections.get(key)
                if inspection is None:
                    inspection = inspections[key] = {"lines": [], "defects": []}
                self.agree(
                    inspection,
                    row,
                    line,
                    ("contractor", "video_ref"),
                    _("Differs from line %(line)s of the same inspection (“%(value)s”)."),
                )
                inspection["lines"].append(line)
                if defect is not None and len(self.result.errors) == errors_before:
                    inspection["defects"].append(defect)
        self.result.rows = rows

        stored = self.check_against_database(segments, inspections)
        self.plan = (segments, inspections, stored) if not self.result.errors else None
        self.set_counts(
            segments=sum(1 for code in segments if code not in stored),
            inspections=len(inspections),
            defects=sum(len(i["defects"]) for i in inspections.values()),
        )

    def agree(self, record, row, line, names, message):
        """Each of ``names`` given on ``line`` must equal the value the first line of the same
        segment or inspection gave (kept in ``record`` as (value, line)); a difference is an
        error on this line, worded by ``message``."""
        for name in names:
            value = row.get(name)
            if value is None:
                continue
            first = record.get(name)
            if first is None:
                record[name] = (value, line)
            elif first[0] != value:
                self.add_error(
                    line, self.headers[name], message % {"line": first[1], "value": first[0]}
                )

    def check_against_database(self, segments, inspections):
        """Compare the file's segments with the stored ones, require the columns of new ones,
        refuse inspections already stored. Returns {code: stored segment id}."""
        headers = self.headers
        stored = {}  # code -> (pk, {field: value})
        codes = list(segments)
        for start in range(0, len(codes), 2000):
            for pk, code, *values in PipeSegment.objects.filter(
                code__in=codes[start : start + 2000]
            ).values_list("pk", "code", *SEGMENT_FIELDS):
                stored[code] = (pk, dict(zip(SEGMENT_FIELDS, values, strict=True)))
        for code, known in segments.items():
            if code in stored:
                values = stored[code][1]
                for name in SEGMENT_FIELDS:
                    if name in known and known[name][0] != values[name]:
                        self.add_error(
                            known[name][1],
                            headers[name],
                            _(
                                "Differs from the stored segment %(code)s (“%(value)s”); correct "
                                "the segment first if the file is right."
                            )
                            % {"code": code, "value": values[name]},
                        )
            else:
                for name in REQUIRED_FOR_NEW:
                    if name in known:
                        continue
                    if name == "area_class":
                        message = _(
                            "Missing value: %(code)s is a new segment, so its area class is "
                            "required: A, B, C or D (the standard's classes, which set K)."
                        )
                    else:
                        message = _(
                            "Missing value: %(code)s is a new segment, so this column is required."
                        )
                    self.add_error(known["_line"], headers[name], message % {"code": code})
        segment_ids = {code: pk for code, (pk, _values) in stored.items()}
        ids = sorted(segment_ids.values())
        existing = set()
        for start in range(0, len(ids), 2000):
            existing.update(
                Inspection.objects.filter(segment_id__in=ids[start : start + 2000]).values_list(
                    "segment_id", "method", "inspected_on"
                )
            )
        if existing:
            message = _("This segment already has an inspection by that method on that day.")
            for (code, method, day), inspection in inspections.items():
                if (segment_ids.get(code), method, day) in existing:
                    for line in inspection["lines"]:
                        self.add_error(line, headers["inspected_on"], message)
        return segment_ids

    def write(self, writer):
        segments, inspections, stored = self.plan
        segment_ids = dict(stored)
        new_segments = [
            {"code": code, **{name: known[name][0] for name in SEGMENT_FIELDS if name in known}}
            for code, known in segments.items()
            if code not in stored
        ]
        # Segments whose rows leave optional columns empty take the model's defaults, and
        # every row given to one ``create`` has the same keys: fill them in.
        for field in SEGMENT_FIELDS:
            default = PipeSegment._meta.get_field(field).get_default()
            for segment in new_segments:
                segment.setdefault(field, default)
        created = writer.create(PipeSegment, new_segments)
        segment_ids.update(
            (segment["code"], pk) for segment, pk in zip(new_segments, created, strict=True)
        )

        batch_id = writer.batch.pk
        rows = []
        for (code, method, day), inspection in inspections.items():
            contractor = inspection.get("contractor")
            video_ref = inspection.get("video_ref")
            rows.append(
                {
                    "segment_id": segment_ids[code],
                    "method": method,
                    "inspected_on": day,
                    "contractor": contractor[0] if contractor else "",
                    "video_ref": video_ref[0] if video_ref else "",
                    "import_batch_id": batch_id,
                }
            )
        inspection_ids = writer.create(Inspection, rows)
        defects = [
            {
                "inspection_id": inspection_id,
                "code_id": code.pk,
                "grade": grade,
                "position_m": position,
                "length_m": length,
                "clock": clock,
            }
            for inspection_id, inspection in zip(inspection_ids, inspections.values(), strict=True)
            for code, grade, position, length, clock in inspection["defects"]
        ]
        writer.create(Defect, defects)
        self.segment_ids = sorted({row["segment_id"] for row in rows})
        return len(new_segments) + len(rows) + len(defects)

    def refresh(self):
        from projects.services.imports.refresh import rescore

        rescore(self.segment_ids)
