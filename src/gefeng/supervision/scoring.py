"""The arithmetic of the year-end evaluation, kept pure so it can be tested and explained.

For one unit, with the evaluation's weights w_c + w_t + w_q = 100:

    completion  = the weighted completion of the unit's items on `as_of`      (0–1, from the plan)
    timeliness  = (on time + late_credit × late) / reports due by `as_of`      (0–1; 1 when none due)
    quality     = the county office's mark, 0–100 (unmarked counts 0 until entered)
    bonus       = Σ bonus adjustments, each rule capped at its own limit, then at `bonus_cap`
    deduction   = Σ deduction adjustments, the same way, capped at `deduction_cap`

    total = w_c × completion + w_t × timeliness + w_q × quality / 100 + bonus − deduction

rounded half up to two decimals. Ranking orders by total, then completion, then timeliness (all
descending); units equal on all three share a rank (1, 2, 2, 4 …). The advanced units are those
ranked within `advanced_count`; a tie straddling the last place brings every tied unit in, so the
list may be longer than the number set (the page says so) — the office may then lower the tie by
a bonus or deduction with a reason, never by an unexplained choice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

TWO = Decimal("0.01")
FOUR = Decimal("0.0001")


def q2(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def q4(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(FOUR, rounding=ROUND_HALF_UP)


def timeliness(*, due: int, on_time: int, late: int, late_credit: Decimal) -> Decimal:
    if due <= 0:
        return Decimal("1")
    value = (Decimal(on_time) + late_credit * Decimal(late)) / Decimal(due)
    return q4(min(Decimal("1"), max(Decimal("0"), value)))


def capped_sum(by_rule: Iterable[tuple[Decimal, Decimal | None]], cap: Decimal | None) -> Decimal:
    """Σ over rules of min(points given under the rule, the rule's own cap), then min(…, cap)."""
    total = Decimal("0")
    for points, rule_cap in by_rule:
        total += min(points, rule_cap) if rule_cap is not None else points
    return min(total, cap) if cap is not None else total


def total(
    *,
    weight_completion: Decimal,
    weight_timeliness: Decimal,
    weight_quality: Decimal,
    completion: Decimal,
    timeliness: Decimal,
    quality: Decimal | None,
    bonus: Decimal,
    deduction: Decimal,
) -> Decimal:
    value = (
        weight_completion * completion
        + weight_timeliness * timeliness
        + weight_quality * (quality or Decimal("0")) / Decimal("100")
        + bonus
        - deduction
    )
    return q2(value)


@dataclass
class Ranked:
    key: object  # whatever identifies the unit (a UnitScore, a pk)
    total: Decimal
    completion: Decimal
    timeliness: Decimal
    rank: int = 0
    advanced: bool = False


def rank(rows: Sequence[Ranked]) -> list[Ranked]:
    """Sort and give competition ranks (equal total, completion and timeliness share a rank)."""
    ordered = sorted(rows, key=lambda r: (-r.total, -r.completion, -r.timeliness))
    previous: tuple[Decimal, Decimal, Decimal] | None = None
    current = 0
    for index, row in enumerate(ordered, start=1):
        key = (row.total, row.completion, row.timeliness)
        if key != previous:
            current = index
            previous = key
        row.rank = current
    return ordered


def select_advanced(ranked: Sequence[Ranked], count: int) -> list[Ranked]:
    """Mark the units ranked within `count` (ties at the last place all come in); returns them."""
    chosen = []
    for row in ranked:
        row.advanced = count > 0 and row.rank <= count
        if row.advanced:
            chosen.append(row)
    return chosen
