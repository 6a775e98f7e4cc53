"""Helpers shared by the supervision services: settings, validation, files."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone

from gefeng.core import actors, scope, uploads
from gefeng.orgs.models import OrgNode
from gefeng.reform import selectors as reform_selectors
from gefeng.supervision.models import (
    Attachment,
)

SUPERVISED = (reform_selectors.LAGGING, reform_selectors.OVERDUE)
# Files a unit may attach (by content): images, PDF, Word/WPS, Excel/WPS 表格, PowerPoint, ODF.
# Stored under DATA_DIR/media/supervision/, the folder the attachments have always used.
ATTACHMENTS = uploads.Policy(
    kinds=(*uploads.IMAGES, "pdf", *uploads.OFFICE, "pptx", "ppt", "odt", "ods"),
    folder="supervision",
    size_setting="SUPERVISION_UPLOAD_MAX_MB",
    files_setting="SUPERVISION_UPLOAD_MAX_FILES",
    default_files=10,
)
TEXT_MAX = 5000


def upload_max_bytes() -> int:
    """`SUPERVISION_UPLOAD_MAX_MB` (default 20 MB) per file."""
    return ATTACHMENTS.max_bytes()


def upload_max_files() -> int:
    """`SUPERVISION_UPLOAD_MAX_FILES` (default 10) files at once."""
    return ATTACHMENTS.max_files()


def laggard_min_on_time() -> Decimal:
    """A unit whose reports are on time less often than this is named in a circular."""
    return Decimal(str(getattr(settings, "SUPERVISION_LAGGARD_ON_TIME", "0.8")))


def advanced_default() -> int:
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


# ---------------------------------------------------------------- files


def check_files(files: Sequence[Any], field: str = "attachments") -> list[uploads.Checked]:
    """Validate uploads by size and by content (not by name); raise one ValidationError for all.

    Rule: files judged by content, at most `GEFENG_SUPERVISION_UPLOAD_MAX_MB` each and
    `GEFENG_SUPERVISION_UPLOAD_MAX_FILES` at once — source: GB/T 22239-2019 数据有效性检验.
    """
    return uploads.check_many(files, ATTACHMENTS, field)


def _store(
    checked: Iterable[uploads.Checked], *, actor: Any, org: OrgNode, update: Any = None, meeting: Any = None
) -> list[Attachment]:
    out = []
    for c in checked:
        att = Attachment(
            org=org,
            update=update,
            meeting=meeting,
            original_name=c.name,
            content_type=c.content_type,
            size=c.size,
            uploaded_by=actors.user_of(actor),
        )
        att.file.save(c.name, c.upload, save=False)
        att.save()
        out.append(att)
    return out


def _next_seq(qs: Any) -> int:
    return int(qs.aggregate(m=Max("seq"))["m"] or 0) + 1
