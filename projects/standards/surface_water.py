"""The surface-water classes of GB 3838-2002 (地表水环境质量标准) as water-quality targets:
the class limits of dissolved oxygen (at least) and ammonia nitrogen (at most), in mg/L, from
its table 1. A reading meets a class when it is at or within both limits (DO 5.0 meets class
Ⅲ, 4.99 does not; NH3-N 1.0 meets it, 1.01 does not).

Pure Python: no Django import here (a test checks)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ClassLimits:
    do_min: Decimal  # dissolved oxygen ≥
    nh3n_max: Decimal  # ammonia nitrogen ≤


# By class (Ⅲ, Ⅳ, Ⅴ: the classes an urban channel's target names).
CLASS_LIMITS = {
    "III": ClassLimits(do_min=Decimal("5"), nh3n_max=Decimal("1.0")),
    "IV": ClassLimits(do_min=Decimal("3"), nh3n_max=Decimal("1.5")),
    "V": ClassLimits(do_min=Decimal("2"), nh3n_max=Decimal("2.0")),
}


def meets_class(water_class, do=None, nh3n=None):
    """Whether a reading meets ``water_class`` (a key of ``CLASS_LIMITS``); an indicator not
    measured (None) is not held against it."""
    limits = CLASS_LIMITS[water_class]
    if do is not None and Decimal(str(do)) < limits.do_min:
        return False
    return not (nh3n is not None and Decimal(str(nh3n)) > limits.nh3n_max)
