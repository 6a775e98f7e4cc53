"""What the care services share: permission codes, money parsing, the town of a node."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from gefeng.core import actors
from gefeng.core.validators import clean_text
from gefeng.orgs.models import Kind, OrgNode

VIEW = "care.view"
HANDLE = "care.handle"
REVIEW = "care.review"
MANAGE = "care.manage"
PROPOSE = "care.propose"
PENSION = "care.pension"
APPLY = "care.apply"

MAX_AMOUNT = Decimal("10000000")
CENT = Decimal("0.01")


def require(actor: Any, obj: Any, perm: str) -> None:
    actors.require(actor, obj, perm)


def money(value: Any, field: str, *, label: str = "金额", allow_zero: bool = True) -> Decimal:
    """A yuan amount with at most two decimals, ≥ 0, below the platform's ceiling."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if allow_zero:
            return Decimal("0.00")
        raise ValidationError({field: [f"请填写{label}。"]})
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [f"{label}应为数字。"]}) from None
    if not amount.is_finite():
        raise ValidationError({field: [f"{label}应为数字。"]})
    if amount < 0:
        raise ValidationError({field: [f"{label}不能为负数。"]})
    if amount != amount.quantize(CENT):
        raise ValidationError({field: [f"{label}最多保留两位小数。"]})
    if amount >= MAX_AMOUNT:
        raise ValidationError({field: [f"{label}过大，请核对。"]})
    if not allow_zero and amount == 0:
        raise ValidationError({field: [f"{label}应大于零。"]})
    return amount.quantize(CENT)


def text(value: Any, limit: int) -> str:
    return clean_text(value)[:limit] if value else ""


def required_text(value: Any, limit: int, field: str, label: str) -> str:
    out = text(value, limit)
    if not out:
        raise ValidationError({field: [f"请填写{label}。"]})
    return out


def date(value: Any, field: str, label: str, *, required: bool = True) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value in (None, ""):
        if required:
            raise ValidationError({field: [f"请填写{label}。"]})
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: [f"{label}格式应为 年-月-日。"]}) from None


def town_of(node: OrgNode | None) -> OrgNode | None:
    """The 镇/街道/园区 a node lies under (itself if it is one), or None for county-level units."""
    if node is None:
        return None
    if node.kind == Kind.TOWN:
        return node
    return node.ancestors().filter(kind=Kind.TOWN).first()


def county_of(node: OrgNode) -> OrgNode:
    if node.kind == Kind.COUNTY:
        return node
    county = node.ancestors().filter(kind=Kind.COUNTY).order_by("-path").first()
    if county is None:
        raise ValidationError("找不到所属的县级组织。")
    return county
