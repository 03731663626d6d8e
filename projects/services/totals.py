"""Sums over values some of which may be unknown. A sum is never shown as if the unknown values
were zero: a ``Total`` keeps the sum of the known values and counts the unknown ones by why they
are unknown — the source article gives no value (原文未载明, a row that cites the article), the
office left the field empty (未填写, a record it created), or no monthly report was filed
(未填报). ``total_text`` says it: the sum when every value is known, “≥ sum (what is missing)”
when some are, and what is missing when none is."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.core import formatting

ZERO = Decimal("0.00")

# Why a value is unknown.
NOT_GIVEN = "not_given"
NOT_FILLED = "not_filled"
NOT_REPORTED = "not_reported"

BLANK_LABELS = {
    NOT_GIVEN: gettext_lazy("not given"),
    NOT_FILLED: gettext_lazy("not filled in"),
    NOT_REPORTED: gettext_lazy("not reported"),
}


def blank_reason(sourced):
    """Why a field of a record is empty: the article it cites gives no value, or the office
    that created it has not filled it in."""
    return NOT_GIVEN if sourced else NOT_FILLED


def cites_the_article(record):
    """Whether ``record`` cites the source article (its ``source``): the ``sourced`` of the
    functions above. A record of a kind that never does (an outfall, a complaint, a patrol) is
    the office's own."""
    return getattr(record, "source_id", None) is not None


def blank_label(sourced):
    """“原文未载明” for a row that cites the article, “未填写” for the office's own record."""
    return BLANK_LABELS[blank_reason(sourced)]


@dataclass(frozen=True)
class Total:
    """The sum of the known values and how many values are unknown, by reason."""

    known: Decimal = ZERO
    given: int = 0
    not_given: int = 0
    not_filled: int = 0
    not_reported: int = 0

    @classmethod
    def of(cls, items):
        """``items``: (value, reason) pairs; the reason counts only when the value is None."""
        known, counts = ZERO, {NOT_GIVEN: 0, NOT_FILLED: 0, NOT_REPORTED: 0}
        given = 0
        for value, reason in items:
            if value is None:
                counts[reason] += 1
            else:
                known += Decimal(value)
                given += 1
        return cls(known, given, counts[NOT_GIVEN], counts[NOT_FILLED], counts[NOT_REPORTED])

    def __add__(self, other):
        return Total(
            self.known + other.known,
            self.given + other.given,
            self.not_given + other.not_given,
            self.not_filled + other.not_filled,
            self.not_reported + other.not_reported,
        )

    @property
    def missing(self):
        return self.not_given + self.not_filled + self.not_reported

    @property
    def items(self):
        return self.given + self.missing

    @property
    def is_empty(self):
        """Nothing to add up: no item at all."""
        return self.items == 0

    @property
    def is_complete(self):
        """Every value is known (and there is at least one)."""
        return self.given > 0 and self.missing == 0

    @property
    def is_partial(self):
        return self.given > 0 and self.missing > 0

    @property
    def value(self):
        """The sum when every value is known, else None."""
        return self.known if self.is_complete else None


def missing_text(total):
    """“2 项原文未载明;1 项未填报”: the unknown values by reason, in the active language."""
    parts = []
    for count, text in (
        (total.not_given, _("%(count)s not given in the source")),
        (total.not_filled, _("%(count)s not filled in")),
        (total.not_reported, _("%(count)s not reported")),
    ):
        if count:
            parts.append(text % {"count": count})
    return _("; ").join(parts)


def unknown_text(total):
    """What to say when no value is known: the one reason, or “not known” when they differ."""
    reasons = [
        reason
        for reason, count in (
            (NOT_GIVEN, total.not_given),
            (NOT_FILLED, total.not_filled),
            (NOT_REPORTED, total.not_reported),
        )
        if count
    ]
    if len(reasons) == 1:
        return str(BLANK_LABELS[reasons[0]])
    return _("not known")


def sum_text(total, fmt=formatting.wan):
    """The known sum, formatted, with “≥” in front when values are missing."""
    text = fmt(total.known)
    return _("≥ %(sum)s") % {"sum": text} if total.missing else text


def total_text(total, fmt=formatting.wan):
    """The whole label as plain text: “1,234.00”, “≥ 1,234.00(2 项原文未载明)”, “原文未载明”,
    or “—” when there is nothing to add up."""
    if total.is_empty:
        return "—"
    if total.is_complete:
        return fmt(total.known)
    if total.is_partial:
        return _("%(sum)s (%(missing)s)") % {
            "sum": sum_text(total, fmt),
            "missing": missing_text(total),
        }
    return unknown_text(total)
