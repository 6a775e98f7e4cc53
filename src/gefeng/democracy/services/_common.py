"""What the services of 民主管理 share: permissions, clean text, dates."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from gefeng.core import actors

VIEW = "democracy.view"
MANAGE = "democracy.manage"
VOTE = "democracy.vote"


def require(actor: Any, obj: Any, perm: str = MANAGE) -> None:
    actors.require(actor, obj, perm)


def text(value: Any, *, field: str, limit: int, required: bool = True, label: str = "") -> str:
    """Text as typed (full-width normalised, outer spaces removed), within `limit` characters."""
    out = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
    if required and not out:
        raise ValidationError({field: [f"请填写{label or '此项'}。"]})
    if len(out) > limit:
        raise ValidationError({field: [f"{label or '此项'}不能超过 {limit} 个字。"]})
    return out


def date(value: Any, *, field: str, label: str, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: [f"请填写{label}。"]})
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError({field: [f"{label}格式应为 年-月-日。"]}) from None


def number(value: Any, *, field: str, label: str, minimum: int = 0, maximum: int = 10_000_000) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({field: [f"{label}应为整数。"]}) from None
    if not minimum <= n <= maximum:
        raise ValidationError({field: [f"{label}应在 {minimum} 到 {maximum} 之间。"]})
    return n


def today() -> dt.date:
    return timezone.localdate()
