"""From indicator values to a score, a grade and a list: pure arithmetic on Decimals, so a
published score can be checked by hand from the values and the scheme.

- an indicator's score is linear between its floor (0) and its target (100), clamped; a floor
  above the target inverts it (complaints: fewer is better);
- the base score is the weighted mean of the indicators that have data (an indicator without
  data, e.g. no inspection in the period, drops out and the others' weights are rescaled);
- score = base + awards (capped) − deductions, never below 0;
- the grade is the first band whose minimum the score reaches; a veto deduction puts the firm on
  the black list with the lowest grade, whatever its score (and a firm too small to be rated is
  black-listed by a veto all the same, without a score: scores.rescore).
Every figure is rounded to two places, half up, where it is computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

TWO = Decimal("0.01")
HUNDRED = Decimal(100)


def two(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def indicator_score(value: Decimal, floor: Decimal, target: Decimal) -> Decimal:
    share = (value - floor) / (target - floor)
    return two(min(max(share, Decimal(0)), Decimal(1)) * HUNDRED)


def base_score(scores: dict[str, Decimal | None], indicators: dict) -> Decimal | None:
    weighted = [(Decimal(indicators[code]["weight"]), score) for code, score in scores.items() if score is not None]
    total_weight = sum((w for w, _ in weighted), Decimal(0))
    if not total_weight:
        return None
    return two(sum((w * s for w, s in weighted), Decimal(0)) / total_weight)


@dataclass
class Outcome:
    awards: Decimal
    deductions: Decimal
    score: Decimal
    grade: str
    list_name: str | None
    veto: bool


def outcome(
    base: Decimal, awards: Decimal, deductions: Decimal, veto: bool, bands: list, award_cap: Decimal
) -> Outcome:
    awards = min(awards, award_cap)
    score = max(two(base + awards - deductions), Decimal(0))
    if veto:
        return Outcome(awards, deductions, score, bands[-1]["grade"], "black", True)
    band = next(b for b in bands if score >= Decimal(b["min"]))
    return Outcome(awards, deductions, score, band["grade"], band["list"], False)
