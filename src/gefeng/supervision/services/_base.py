"""Validation helpers and local settings shared by the supervision services."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone

from gefeng.core import scope
from gefeng.reform import selectors as reform_selectors

SUPERVISED = (reform_selectors.LAGGING, reform_selectors.OVERDUE)
TEXT_MAX = 5000


def laggard_min_on_time() -> Decimal:
    """A unit whose reports are on time less often than this is named in a circular.

    Local rule: `GEFENG_SUPERVISION_LAGGARD_ON_TIME` (default 0.8), after the county's 季度督查通报
    practice (徐政发〔2020〕3号: 季度督查通报、年终考评汇总)."""
    return Decimal(str(getattr(settings, "SUPERVISION_LAGGARD_ON_TIME", "0.8")))


def advanced_default() -> int:
    """Places for advanced units offered by default in a new evaluation.

    Local rule: `GEFENG_SUPERVISION_ADVANCED_UNITS` (default 8), set by the county office each year."""
    return int(getattr(settings, "SUPERVISION_ADVANCED_UNITS", 8))


# ---------------------------------------------------------------- validation helpers


class Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = defaultdict(list)

    def add(self, field: str, message: str) -> None:
        self.by_field[field].append(message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(dict(self.by_field))


def _text(
    errors: Errors, data: dict[str, Any], field: str, label: str, *, max_len: int = TEXT_MAX, required: bool = True
) -> str:
    value = str(data.get(field) or "").replace("\r\n", "\n").strip()
    if required and not value:
        errors.add(field, f"请填写{label}。")
    elif len(value) > max_len:
        errors.add(field, f"{label}不能超过 {max_len} 个字（现 {len(value)} 个）。")
    return value


def _date(errors: Errors, data: dict[str, Any], field: str, label: str, *, required: bool = True) -> dt.date | None:
    value = data.get(field)
    if value in (None, ""):
        if required:
            errors.add(field, f"请填写{label}。")
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors.add(field, f"{label}“{value}”不是有效日期（格式：2021-06-29）。")
        return None


def _decimal(
    errors: Errors,
    data: dict[str, Any],
    field: str,
    label: str,
    *,
    low: Decimal,
    high: Decimal | None,
    required: bool = True,
) -> Decimal | None:
    value = data.get(field)
    if value in (None, ""):
        if required:
            errors.add(field, f"请填写{label}。")
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.add(field, f"{label}“{value}”不是数字。")
        return None
    if not number.is_finite() or number < low or (high is not None and number > high):
        span = f"{low}–{high}" if high is not None else f"不小于 {low}"
        errors.add(field, f"{label}应在 {span} 之间。" if high is not None else f"{label}应{span}。")
        return None
    if number != number.quantize(Decimal("0.01")):
        errors.add(field, f"{label}最多保留两位小数。")
        return None
    return number


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _local(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def _require_manage(actor: Any, obj: Any) -> None:
    scope.require(actor, obj, "reform.manage")


def _next_seq(qs: Any) -> int:
    return int(qs.aggregate(m=Max("seq"))["m"] or 0) + 1
