"""Exact arithmetic for the rules: numbers taken exactly (a float by its shortest repr, so 0.2
means 0.2), compared and computed as fractions, rounded half up only at the end."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction


def exact(value, name: str) -> Fraction:
    """``value`` (int, float, Decimal, Fraction) as an exact Fraction; floats by their repr."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | Fraction):
        raise ValueError(f"{name} must be a number, not {value!r}.")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, not {value!r}.")
        return Fraction(repr(value))
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{name} must be a finite number, not {value!r}.")
    return Fraction(value)


def rounded(value: Fraction, places: int) -> float:
    """Half-up rounding of a non-negative exact value, as a float."""
    scale = 10**places
    return float(Fraction(math.floor(value * scale + Fraction(1, 2)), scale))


def within(value: Fraction, low, low_inclusive: bool, high, high_inclusive: bool) -> bool:
    low, high = exact(low, "lower bound"), exact(high, "upper bound")
    above = value >= low if low_inclusive else value > low
    below = value <= high if high_inclusive else value < high
    return above and below
