"""Per-question scoring rules (`scoring:`) and the percent weights some of them use.

A question without `scoring:` scores as CONTENT_FORMAT.md says. The other rules are the ones
instructors bring from Moodle and Canvas:

- `weights` (single, multiple): each option carries a `weight` in percent (−100 to 100); the
  score is the sum of the chosen options' weights, kept between 0 and 100% — Moodle's rule.
- `all_or_nothing` (multiple, matching, ordering): full marks only for an answer that is
  entirely right — Moodle's "all-or-nothing multiple choice" and Canvas's "exact match".
- `penalty` (multiple) and `per_item` (matching, ordering) name the default rules; writing
  them is the same as leaving `scoring:` out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from fractions import Fraction
from typing import Any

from .base import FULL, NOTHING, Report

PENALTY, PER_ITEM, ALL_OR_NOTHING, WEIGHTS = "penalty", "per_item", "all_or_nothing", "weights"
RULES: dict[str, tuple[str, ...]] = {
    "single": (WEIGHTS,),
    "multiple": (PENALTY, ALL_OR_NOTHING, WEIGHTS),
    "matching": (PER_ITEM, ALL_OR_NOTHING),
    "ordering": (PER_ITEM, ALL_OR_NOTHING),
}
DEFAULT_RULE = {"multiple": PENALTY, "matching": PER_ITEM, "ordering": PER_ITEM}
FULL_PERCENT = 100
ROUNDING = 0.01
"""Weights such as 33.33333% × 3 count as 100%: Moodle writes thirds that way."""


def read_scoring(q: Any, qtype: str, line_of: Callable[[str], int], report: Report) -> str | None:
    """Return the question's scoring rule, or None for its type's default rule."""
    rule = q.get("scoring")
    if rule is None:
        return None
    allowed = RULES.get(qtype, ())
    if rule not in allowed:
        if allowed:
            report(line_of("scoring"), f"'scoring' of a {qtype} question must be one of: "
                                       f"{', '.join(allowed)}")
        else:
            report(line_of("scoring"), f"a {qtype} question has no 'scoring' setting")
        return None
    return None if rule == DEFAULT_RULE.get(qtype) else rule


def scoring_field(rule: str | None) -> dict[str, str]:
    """Return {'scoring': rule} for a non-default rule, else {} (keeps old hashes unchanged)."""
    return {"scoring": rule} if rule else {}


def percent_value(value: Any, low: float, high: float) -> float | None:
    """Return value when it is a finite number within [low, high], else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or not low <= value <= high:
        return None
    return value


def share_of_percent(weight: float) -> Fraction:
    """Return a percent weight as an exact share: 33.33333 is 1/3, 50 is 1/2."""
    return Fraction(weight).limit_denominator(1000) / FULL_PERCENT


def bounded(share: Fraction) -> Fraction:
    """Keep a share between nothing and full marks."""
    if share >= FULL:
        return FULL
    return NOTHING if share <= NOTHING else share


def weighted_share(weights: Iterable[float]) -> Fraction:
    """Moodle's rule: the sum of the chosen weights, kept between 0 and 100%."""
    weights = list(weights)
    total = sum(weights)
    if total >= FULL_PERCENT - ROUNDING:
        return FULL
    return bounded(sum((share_of_percent(w) for w in weights), NOTHING))


def reaches_full(positive: Iterable[float]) -> bool:
    """Whether positive weights add up to at least 100% (allowing Moodle's rounding)."""
    return sum(positive) >= FULL_PERCENT - ROUNDING
