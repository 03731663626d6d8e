"""The fee consequence of a monthly maintenance assessment score (维修养护考核), as data.

A municipal station is paid its monthly maintenance fee in proportion to its assessment score.
The rule is a list of bands, each a threshold and a rate: below a band's threshold every point
(down to the next band's threshold) takes ``rate`` percent off the fee. The default:

=================  ==========================================================
score ≥ 95         the full fee (100 %)
85 ≤ score < 95    1 % off per point below 95 (0.1 % per 0.1 point): 85 → 90 %
score < 85         the 85 value less 2 % per point below 85: 84.9 → 89.8 %
never below 0 %    (score 40 or less → 0 %)
=================  ==========================================================

These figures are a **configurable default, not an official one**: 《香洲区河道排洪渠工程维修
养护考核办法》 is not published with its fee table, and the numbers follow the usual shape of
such rules ("≥ 95 full fee; 85–95 −0.1 % per 0.1 point; below that steeper"). A district sets
its own in ``settings.MAINTENANCE_FEE_RULE`` (see ``rule_from``), e.g.::

    MAINTENANCE_FEE_RULE = {"bands": [(90, "0.5"), (80, 1), (60, 3)]}

Pure Python: no Django import here or anywhere in ``projects.standards`` (a test checks).
Numbers may be int, float (read through its shortest repr: 94.9 means 94.9) or ``Decimal``;
the arithmetic is exact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

Number = int | float | Decimal | str

FULL_SCORE = Decimal(100)


def _decimal(value: Number) -> Decimal:
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


@dataclass(frozen=True)
class Band:
    """Below ``threshold`` (down to the next band's), each point costs ``rate`` percent of the
    fee."""

    threshold: Decimal
    rate: Decimal

    def __post_init__(self):
        object.__setattr__(self, "threshold", _decimal(self.threshold))
        object.__setattr__(self, "rate", _decimal(self.rate))


@dataclass(frozen=True)
class FeeRule:
    """The fee, as a percentage of the full monthly fee, by score. ``bands`` run from the
    highest threshold down; a score at or above the first threshold earns ``full_percent``; the
    fee never falls below ``floor_percent``."""

    bands: tuple[Band, ...] = field(default=(Band(Decimal(95), Decimal(1)), Band(Decimal(85), 2)))
    full_percent: Decimal = Decimal(100)
    floor_percent: Decimal = Decimal(0)

    def __post_init__(self):
        bands = tuple(band if isinstance(band, Band) else Band(*band) for band in self.bands)
        object.__setattr__(self, "bands", bands)
        object.__setattr__(self, "full_percent", _decimal(self.full_percent))
        object.__setattr__(self, "floor_percent", _decimal(self.floor_percent))
        self.check()

    def check(self):
        """Refuse a rule that could raise the fee as the score falls, or makes no sense."""
        if not self.bands:
            raise ValueError("A fee rule needs at least one band.")
        thresholds = [band.threshold for band in self.bands]
        if any(not 0 <= t <= FULL_SCORE for t in thresholds):
            raise ValueError("Band thresholds must lie between 0 and 100.")
        if any(high <= low for high, low in zip(thresholds, thresholds[1:], strict=False)):
            raise ValueError("Band thresholds must be given from the highest down, each lower.")
        if any(band.rate < 0 for band in self.bands):
            raise ValueError("A band's rate cannot be negative.")
        if not 0 <= self.floor_percent <= self.full_percent:
            raise ValueError("The floor must lie between 0 and the full fee.")

    @property
    def full_fee_from(self) -> Decimal:
        """The lowest score that earns the full fee."""
        return self.bands[0].threshold


DEFAULT_RULE = FeeRule()


def rule_from(value) -> FeeRule:
    """A ``FeeRule`` from a setting: ``None`` (the default rule), a ``FeeRule``, a mapping with
    ``bands`` and optionally ``full_percent`` / ``floor_percent``, or a plain sequence of
    ``(threshold, rate)`` bands. Raises ``ValueError`` for anything else or a bad rule."""
    if value is None:
        return DEFAULT_RULE
    if isinstance(value, FeeRule):
        return value
    if isinstance(value, Mapping):
        unknown = set(value) - {"bands", "full_percent", "floor_percent"}
        if unknown:
            raise ValueError(f"Unknown fee rule keys: {', '.join(sorted(map(str, unknown)))}.")
        if "bands" not in value:
            raise ValueError("A fee rule needs its bands.")
        return FeeRule(
            bands=tuple(_band(band) for band in value["bands"]),
            full_percent=value.get("full_percent", Decimal(100)),
            floor_percent=value.get("floor_percent", Decimal(0)),
        )
    if isinstance(value, Sequence) and not isinstance(value, str):
        return FeeRule(bands=tuple(_band(band) for band in value))
    raise ValueError("A fee rule is a FeeRule, a mapping with bands, or a list of bands.")


def _band(band) -> Band:
    if isinstance(band, Band):
        return band
    if isinstance(band, Mapping):
        return Band(band["threshold"], band["rate"])
    threshold, rate = band
    return Band(threshold, rate)


def fee_percent(score: Number, rule: FeeRule | None = None) -> Decimal:
    """The percentage of the monthly fee a station earns with ``score`` (0–100)."""
    rule = rule or DEFAULT_RULE
    score = _decimal(score)
    cut = Decimal(0)
    for index, band in enumerate(rule.bands):
        below = rule.bands[index + 1].threshold if index + 1 < len(rule.bands) else None
        if score >= band.threshold:
            break
        bottom = score if below is None else max(score, below)
        cut += (band.threshold - bottom) * band.rate
    return max(rule.floor_percent, rule.full_percent - cut)


def describe(rule: FeeRule | None = None) -> list[tuple[Decimal, Decimal | None, Decimal]]:
    """The bands as (from score, to score or None for the top, rate per point), highest first,
    for showing the rule: e.g. [(95, None, 0), (85, 95, 1), (0, 85, 2)]."""
    rule = rule or DEFAULT_RULE
    rows = [(rule.full_fee_from, None, Decimal(0))]
    for index, band in enumerate(rule.bands):
        below = rule.bands[index + 1].threshold if index + 1 < len(rule.bands) else Decimal(0)
        rows.append((below, band.threshold, band.rate))
    return rows
