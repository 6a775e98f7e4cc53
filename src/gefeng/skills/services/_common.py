"""What the skills services share: permissions, settings, parsing of numbers, dates and people."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from gefeng.core import actors, pii
from gefeng.core.tabular import Column, Row
from gefeng.core.tabular_guard import TabularError
from gefeng.core.validators import clean_text, parse_id_number
from gefeng.members.models import Member, Status

VIEW = "skills.view"
MANAGE = "skills.manage"
REVIEW = "skills.review"  # county-level: selection of 五小 results, reward table, talent policy
SELF = "skills.self"  # a worker's own registrations and proposals

MAX_SHEET_ROWS = 5000


def setting(name: str, default: Any) -> Any:
    """A local number of this module (`GEFENG_SKILLS_*` in settings), or its default."""
    return getattr(settings, name, default)


def text(value: Any, limit: int) -> str:
    return clean_text(value)[:limit] if value else ""


def need(value: Any, field: str, message: str, limit: int = 200) -> str:
    out = text(value, limit)
    if not out:
        raise ValidationError({field: [message]})
    return out


def money(value: Any, field: str, *, required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: ["请填写金额（元）。"]})
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: ["金额应为数字（元）。"]}) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError({field: ["金额不能为负数。"]})
    if amount >= Decimal("1e12"):
        raise ValidationError({field: ["金额过大，请核对。"]})
    return amount.quantize(Decimal("0.01"))


def day(value: Any, field: str, *, required: bool = True) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value in (None, ""):
        if required:
            raise ValidationError({field: ["请填写日期。"]})
        return None
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError({field: ["日期格式应为 YYYY-MM-DD。"]}) from None


def member_by_id_number(value: Any, field: str = "id_number") -> Member:
    """The registry record of an ID number (active or retained), or a message on `field`."""
    try:
        number = parse_id_number(value).number
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None
    member = (
        Member.objects.select_related("union", "enterprise")
        .filter(id_hash=pii.blind_index(number), status__in=(Status.ACTIVE, Status.RETAINED))
        .first()
    )
    if member is None:
        raise ValidationError({field: ["会员名册中没有这个身份证号（或会籍已终止）。"]})
    return member


def employer(member: Member) -> Any:
    """The member's enterprise (or union when no enterprise is recorded)."""
    return member.enterprise or member.union


def require_on(actor: Any, node: Any, perm: str = MANAGE) -> None:
    actors.require(actor, node, perm)


def read_sheet(path: str | Path, columns: list[Column], filename: str) -> list[Row]:
    """The rows of an uploaded sheet, read in a child process; a Chinese message if unreadable."""
    from gefeng.core.tabular_isolated import open_table_isolated

    try:
        _sheet, rows = open_table_isolated(path, columns, max_bytes=5 * 1024 * 1024, filename=filename)
        out: list[Row] = []
        for row in rows:
            if len(out) >= MAX_SHEET_ROWS:
                raise ValidationError({"file": [f"一次最多导入 {MAX_SHEET_ROWS} 行，请分批导入。"]})
            if any(v for v in row.values.values()):
                out.append(row)
    except TabularError as exc:
        raise ValidationError({"file": [str(exc)]}) from None
    if not out:
        raise ValidationError({"file": ["表格中没有数据行。"]})
    return out


class SheetRefused(ValidationError):
    """A sheet with problems in some rows: nothing was written; `problems` lists (row, message)."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        lines = [f"第 {n} 行：{m}" for n, m in problems[:50]]
        more = f"（另有 {len(problems) - 50} 处）" if len(problems) > 50 else ""
        super().__init__(
            {"file": [f"表格有 {len(problems)} 处问题，未导入任何数据：", *lines] + ([more] if more else [])}
        )
