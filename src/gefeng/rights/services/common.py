"""What every 维权 service shares: permission codes, the scope check and input cleaning that
collects every problem as a Chinese message keyed by field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from gefeng.core import actors
from gefeng.core.validators import clean_text
from gefeng.orgs.models import Kind, OrgNode

VIEW = "rights.view"
MANAGE = "rights.manage"
CASES = "rights.cases"
CONSULT = "rights.consult"
REVEAL = "rights.reveal"
MAX_AMOUNT = Decimal("100000000")


def require(actor: Any, obj: models.Model, perm: str) -> None:
    actors.require(actor, obj, perm)


def today() -> dt.date:
    return timezone.localdate()


class Clean:
    """Collects field errors; `done()` raises them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def text(self, value: Any, field: str, label: str, *, limit: int = 200, required: bool = False) -> str:
        s = clean_text(value)[:limit] if value not in (None, "") else ""
        if required and not s:
            self.add(field, f"请填写{label}。")
        return s

    def long_text(self, value: Any, *, limit: int = 20000) -> str:
        return str(value or "").replace("\x00", "").strip()[:limit]

    def date(self, value: Any, field: str, label: str, *, required: bool = False) -> dt.date | None:
        if value in (None, ""):
            if required:
                self.add(field, f"请填写{label}。")
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        if not isinstance(value, dt.date):
            try:
                value = dt.date.fromisoformat(str(value).strip())
            except ValueError:
                self.add(field, f"{label}无法识别，请按 年-月-日 填写。")
                return None
        if value.year < 1990 or value > today() + dt.timedelta(days=3660):
            self.add(field, f"{label}不在合理范围内。")
            return None
        return value

    def not_future(self, value: dt.date | None, field: str, label: str) -> None:
        if value and value > today():
            self.add(field, f"{label}不能晚于今天。")

    def integer(
        self, value: Any, field: str, label: str, *, minimum: int = 0, maximum: int = 10**7, required: bool = False
    ) -> int | None:
        if value in (None, ""):
            if required:
                self.add(field, f"请填写{label}。")
            return None
        try:
            n = int(value)
        except (TypeError, ValueError):
            self.add(field, f"{label}应为整数。")
            return None
        if not minimum <= n <= maximum:
            self.add(field, f"{label}应在 {minimum}–{maximum} 之间。")
            return None
        return n

    def money(self, value: Any, field: str, label: str, *, required: bool = False) -> Decimal | None:
        if value in (None, ""):
            if required:
                self.add(field, f"请填写{label}。")
            return None
        try:
            d = Decimal(str(value)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            self.add(field, f"{label}应为金额数字。")
            return None
        if d < 0 or d >= MAX_AMOUNT:
            self.add(field, f"{label}应为不小于 0 的合理金额。")
            return None
        return d

    def done(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def town_of(node: OrgNode) -> OrgNode | None:
    """The town (镇 / 街道 / 园区) a node lies in, or None at county level."""
    if node.kind == Kind.TOWN:
        return node
    return node.ancestors().filter(kind=Kind.TOWN).order_by("-depth").first()


def enterprise_of(node: OrgNode) -> OrgNode | None:
    if node.kind == Kind.ENTERPRISE:
        return node
    return node.ancestors().filter(kind=Kind.ENTERPRISE).order_by("-depth").first()
