"""Display filters shared by every app: `{% load formats %}`.

* `{{ value|money }}` → `619,000.00 元` (thousands separators, two decimals, the unit);
  `{{ value|money:"" }}` leaves the unit out. Empty values show as `—`.
* `{{ value|percent }}` → `66.7 %` for a fraction (0.667); `{{ value|percent:2 }}` for two decimals.
* `{{ value|signed }}` → `+3` / `−2` / `0`, for changes; `{{ value|signed_money }}` → `+1,000.00 元`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()

EMPTY = "—"
MINUS = "−"  # U+2212: a minus sign, not a hyphen


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def format_money(value: Any, unit: str = "元") -> str:
    """`619000` → `619,000.00 元`; not a number → `—`."""
    number = _decimal(value)
    if number is None:
        return EMPTY
    text = f"{number.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"
    return f"{text} {unit}" if unit else text


def format_percent(value: Any, digits: int = 1) -> str:
    """A fraction as a percentage: `0.667` → `66.7 %`."""
    number = _decimal(value)
    if number is None:
        return EMPTY
    scaled = (number * 100).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return f"{scaled:.{digits}f} %"


@register.filter
def money(value: Any, unit: str = "元") -> str:
    return format_money(value, unit)


@register.filter
def percent(value: Any, digits: int = 1) -> str:
    try:
        digits = max(0, min(int(digits), 6))
    except (TypeError, ValueError):
        digits = 1
    return format_percent(value, digits)


@register.filter
def signed_money(value: Any, unit: str = "元") -> str:
    """A change of money: `+1,000.00 元`, `−20.50 元`."""
    number = _decimal(value)
    if number is None:
        return EMPTY
    text = format_money(abs(number), unit)
    return text if number == 0 else ("+" if number > 0 else MINUS) + text


@register.filter
def signed(value: Any) -> str:
    """A change with its sign: `+3`, `−2`, `0` (thousands separated; decimals kept as given)."""
    number = _decimal(value)
    if number is None:
        return EMPTY
    if number == 0:
        return "0"
    text = f"{abs(number):,}"
    return ("+" if number > 0 else MINUS) + text
