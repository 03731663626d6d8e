"""Every row of the shipped data against the paragraph it cites, mechanically.

``tests/test_fixtures.py`` checks the article's figures one by one; this walks *every* row of
``fixtures/xiangzhou_2018.json`` and every value of the kinds that can be checked against the
text, so that a value added later without a source fails too:

- **figures** (money, lengths, counts): the number must stand in the cited paragraph (3200.00 →
  ``3200``, not part of a longer number); a batch number as 第一批 / 第二批 …;
- **names and short values** (name, title, target value, location, cause, approval, outcome):
  the value must be in the cited paragraph, or be made of pieces of two or more characters that
  all are (南屏西排洪渠 from “南屏西、翠屏路排洪渠”; 第一批旧村末端截污工程 from
  “第一批…旧村末端截污工程”), punctuation between pieces free. Such pieces cannot tell a name
  assembled from the paragraph's own words (the plans' former titles were): the fixture tests
  check those by hand. Classification fields (kind, category, status, condition, indicator) are
  the product's vocabulary, not the article's, and are not checked here;
- **quotations** in the notes and descriptions: every outermost “…” must be word for word in the
  paragraph cited, or in the paragraph a preceding 第N段 in the same text names; rows that cite
  no paragraph (techniques) must quote some paragraph of the article.

A paragraph that the article's layout broke mid-sentence (¶22 ends “《香”, ¶23 goes on “洲区…”)
is read together with the piece before it.
"""

import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.test import SimpleTestCase

from tests.test_fixtures import WATER_ARTICLE, water_paragraphs

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "xiangzhou_2018.json"

# Models whose rows extend a project row of the same pk (multi-table inheritance): they cite
# the project's paragraph.
PROJECT_CHILDREN = {
    "projects.interceptionbatch",
    "projects.pipesurveycampaign",
    "projects.pipeconstructionbatch",
}
FIGURE_SUFFIXES = ("_wan", "_km", "_m", "_count")
FIGURE_FIELDS = {"stations_renovated", "percent_complete"}
NAME_FIELDS = {"name", "title", "target_value", "location", "cause", "approval", "outcome"}
QUOTE_FIELDS = {
    "note",
    "description",
    "summary",
    "condition_note",
    "duty",
    "completion_note",
    "outcome",
}
CHINESE_ORDINALS = "一二三四五六七八九十"
SENTENCE_ENDS = "。!?！？”"
SEPARATORS = re.compile(r"[,，、;；:：\s/()（）]+")


def outer_quotations(text):
    """The outermost “…” passages of ``text`` (inner quotes kept), each with the paragraph
    number a preceding 第N段 names (None when none does)."""
    found, depth, start, named = [], 0, None, None
    marker = re.compile(r"第(\d+)段")
    for index, char in enumerate(text):
        if char == "“":
            if depth == 0:
                start = index + 1
                before = marker.findall(text[:index])
                named = int(before[-1]) if before else None
            depth += 1
        elif char == "”" and depth:
            depth -= 1
            if depth == 0:
                found.append((text[start:index], named))
    return found


def made_of_pieces(value, text, shortest=2):
    """Whether ``value`` is in ``text`` or can be cut into pieces of ``shortest`` or more
    characters that all are (separators between pieces need not be)."""
    for part in SEPARATORS.split(value):
        if not part:
            continue
        reachable = [True] + [False] * len(part)
        for end in range(1, len(part) + 1):
            reachable[end] = any(
                reachable[begin] and part[begin:end] in text
                for begin in range(0, end - shortest + 1)
            )
        if not reachable[-1]:
            return False
    return True


def number_text(value):
    """A figure as the article writes it: 3200.00 → "3200", 36.000 → "36"."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    text = format(number.normalize(), "f")
    return text


def has_number(text, figure):
    return re.search(rf"(?<![\d.]){re.escape(figure)}(?![\d.]|\.\d)", text) is not None


class Article:
    """The water article's paragraphs by number, each read with the piece before it when the
    layout broke a sentence there."""

    def __init__(self):
        self.paragraphs = dict(enumerate(water_paragraphs(), start=1))

    def context(self, number):
        text = self.paragraphs[number]
        previous = self.paragraphs.get(number - 1)
        if previous and previous[-1] not in SENTENCE_ENDS:
            text = previous + text
        return text

    def anywhere(self):
        return "".join(self.paragraphs.values())


def problems(rows, article):
    """Every value of ``rows`` (fixture rows) its cited paragraph does not hold, as text."""
    paragraphs = {
        row["pk"]: row["fields"] for row in rows if row["model"] == "projects.sourceparagraph"
    }
    project_sources = {
        row["pk"]: row["fields"].get("source") for row in rows if row["model"] == "projects.project"
    }
    found = []
    for row in rows:
        model, fields = row["model"], row["fields"]
        if model == "projects.sourceparagraph":
            continue
        label = f"{model} {row['pk']}"
        source = fields.get("source")
        if model in PROJECT_CHILDREN:
            source = project_sources.get(row["pk"])
        if source is not None:
            cited = paragraphs[source]
            if cited["article"] != WATER_ARTICLE:
                found.append(f"{label}: cites a paragraph outside the water article")
                continue
            text = article.context(cited["number"])
        else:
            text = None
        for name, value in fields.items():
            if value in (None, "", []) or isinstance(value, bool):
                continue
            is_figure = name.endswith(FIGURE_SUFFIXES) or name in FIGURE_FIELDS
            if text is not None and is_figure:
                figure = number_text(value)
                if figure is None or not has_number(text, figure):
                    found.append(f"{label}: {name} {value} is not in ¶{cited['number']}")
            if text is not None and name == "batch_number":
                ordinal = f"第{CHINESE_ORDINALS[value - 1]}批" if value <= 10 else str(value)
                if ordinal not in text:
                    found.append(f"{label}: {ordinal} is not in ¶{cited['number']}")
            name_field = name in NAME_FIELDS and isinstance(value, str)
            if text is not None and name_field and not made_of_pieces(value, text):
                found.append(f"{label}: {name} {value!r} is not in ¶{cited['number']}")
            if name in QUOTE_FIELDS and isinstance(value, str):
                for quotation, named in outer_quotations(value):
                    if named is not None:
                        where, place = article.context(named), f"¶{named}"
                    elif text is not None:
                        where, place = text, f"¶{cited['number']}"
                    else:
                        where, place = article.anywhere(), "the article"
                    if quotation not in where:
                        found.append(f"{label}: {name} quotes “{quotation}”, not in {place}")
    return found


def fixture_rows():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


class FixtureCitationTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.article = Article()
        cls.rows = fixture_rows()

    def test_every_value_is_in_the_paragraph_it_cites(self):
        self.assertEqual(problems(self.rows, self.article), [])

    def test_it_checks_a_real_number_of_values(self):
        # The walk must reach the article's figures and names, not pass on an empty selection.
        sourced = [row for row in self.rows if row["fields"].get("source")]
        self.assertGreaterEqual(len(sourced), 40)
        figures = [
            (row["model"], name)
            for row in self.rows
            for name, value in row["fields"].items()
            if value not in (None, "") and (name.endswith(FIGURE_SUFFIXES) or name in FIGURE_FIELDS)
        ]
        self.assertGreaterEqual(len(figures), 10)

    def mutated(self, model, pk, **changes):
        rows = json.loads(json.dumps(self.rows))
        for row in rows:
            if row["model"] == model and row["pk"] == pk:
                row["fields"].update(changes)
                return rows
        raise AssertionError(f"no {model} {pk}")

    def test_it_finds_a_figure_the_cited_paragraph_does_not_hold(self):
        rows = self.mutated("projects.project", 1, investment_wan="3201.00")
        self.assertEqual(
            problems(rows, self.article),
            ["projects.project 1: investment_wan 3201.00 is not in ¶15"],
        )

    def test_it_finds_a_figure_cited_from_the_wrong_paragraph(self):
        # 36 km is in ¶16, not ¶15: the pipe-construction batch citing the survey's paragraph.
        rows = self.mutated("projects.project", 5, source=15)
        self.assertIn(
            "projects.pipeconstructionbatch 5: new_pipe_km 36.000 is not in ¶15",
            problems(rows, self.article),
        )

    def test_it_does_not_take_part_of_a_longer_number(self):
        self.assertFalse(has_number("投资3200万元", "320"))
        self.assertFalse(has_number("投资3200.5万元", "3200"))
        self.assertTrue(has_number("投资3200万元", "3200"))

    def test_it_finds_an_invented_name_and_status_words(self):
        rows = self.mutated("projects.channel", 1, location="前山街道")
        self.assertEqual(
            problems(rows, self.article),
            ["projects.channel 1: location '前山街道' is not in ¶8"],
        )
        rows = self.mutated("projects.plan", 1, title="造贝排洪渠三年整治计划")
        self.assertEqual(
            problems(rows, self.article),
            ["projects.plan 1: title '造贝排洪渠三年整治计划' is not in ¶10"],
        )

    def test_it_finds_a_target_the_cited_paragraph_does_not_state(self):
        # ¶9 does not say 不黑不臭 (only ¶8 does, of 造贝).
        rows = self.fixture_with(
            {
                "model": "projects.target",
                "pk": 99,
                "fields": {"source": 9, "plan": 2, "target_value": "不黑不臭"},
            }
        )
        self.assertEqual(
            problems(rows, self.article),
            ["projects.target 99: target_value '不黑不臭' is not in ¶9"],
        )

    def test_it_finds_a_quotation_from_another_paragraph(self):
        # 香洲区城管局 citing ¶14 but quoting ¶17: what the shipped data once did.
        rows = self.mutated(
            "projects.responsibleunit",
            1,
            source=14,
            note="“对全市污水管网建设工程(香洲区)第二批工程进行了重新调整”",
        )
        self.assertEqual(len(problems(rows, self.article)), 1)
        self.assertIn("not in ¶14", problems(rows, self.article)[0])

    def test_it_follows_a_named_paragraph_and_keeps_inner_quotes(self):
        note = "第8段:“现在渠内的水质不仅达到了“不黑不臭”的目标”"
        self.assertEqual(outer_quotations(note), [("现在渠内的水质不仅达到了“不黑不臭”的目标", 8)])
        rows = self.mutated("projects.task", 2, note=note)
        self.assertEqual(problems(rows, self.article), [])
        rows = self.mutated("projects.task", 2, note="第9段:“水质达到了“不黑不臭”的目标”")
        self.assertEqual(len(problems(rows, self.article)), 1)

    def test_it_reads_a_broken_paragraph_with_the_piece_before_it(self):
        # The regulation's title starts at the end of ¶22 and ends in ¶23.
        self.assertIn("《香洲区河道排洪渠工程维修养护考核办法》", self.article.context(23))
        self.assertNotIn("《香洲区", self.article.paragraphs[23])

    def fixture_with(self, extra):
        return [*self.rows, extra]
