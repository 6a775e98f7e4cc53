"""Permissions, local settings and text helpers shared by the reform services."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings

from gefeng.orgs.models import Kind

MANAGE = "reform.manage"
REPORT = "reform.report"
UNIT_KINDS = {Kind.MEMBER_UNIT, Kind.TOWN, Kind.COUNTY, Kind.ENTERPRISE}


def due_days() -> int:
    """Days after a period's end by which its reports are due.

    Local rule: `GEFENG_REFORM_DUE_DAYS` (default 5), the county office's reporting calendar
    under the joint meeting's 责任清单 (徐政发〔2020〕3号: 周调度、月分析、季研判)."""
    return int(getattr(settings, "REFORM_DUE_DAYS", 5))


_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10))


def _text(value: Any, limit: int) -> str:
    """Trimmed text with Windows line ends and control characters removed (spaces kept)."""
    text = str(value if value is not None else "").replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_CONTROL).strip()[:limit]


def _dec(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None
