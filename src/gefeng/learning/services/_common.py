"""What every write of 引领聚魂 shares: the permission codes, the scope check on the node the
object hangs on, the upload policy of the sheets, and reading an uploaded sheet."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from gefeng.core import actors, uploads
from gefeng.core.tabular import Column, Row, Sheet, TabularError
from gefeng.core.tabular_isolated import open_table_isolated
from gefeng.learning import conf
from gefeng.orgs.models import OrgNode

VIEW = "learning.view"
MANAGE = "learning.manage"
TAKE = "learning.take"

SHEETS = uploads.Policy(
    kinds=("xlsx", "xls", "ods"), folder="learning", size_setting="LEARNING_UPLOAD_MB", default_mb=10
)


def require_org(actor: Any, org: OrgNode | None, field: str = "org") -> OrgNode:
    """The node a new object hangs on must lie in the actor's 管理 scope (else 403)."""
    if org is None:
        raise ValidationError({field: ["请选择单位。"]})
    try:
        actors.require(actor, org, MANAGE)
    except PermissionDenied:
        raise PermissionDenied from None
    return org


def decimal_of(
    value: Any, field: str, label: str, *, low: Decimal = Decimal(0), high: Decimal | None = None
) -> Decimal:
    text = str(value if value is not None else "").strip()
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [f"{label}应为数字。"]}) from None
    if not number.is_finite() or number < low or (high is not None and number > high):
        bound = f"{low}～{high}" if high is not None else f"不小于 {low}"
        raise ValidationError({field: [f"{label}应在 {bound} 之间。"]})
    return number.quantize(Decimal("0.1"))


def read_sheet(upload: Any, columns: list[Column], compact: tuple[str, ...] = ()) -> tuple[Sheet, Iterator[Row], str]:
    """Check an uploaded sheet (kind by content, size) and open it in the isolated reader.
    The whole file is refused with a Chinese message keyed `file`."""
    if upload is None:
        raise ValidationError({"file": ["请选择要导入的文件。"]})
    try:
        checked = uploads.check(upload, SHEETS)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    fd, path = tempfile.mkstemp(prefix="gefeng-learning-", suffix=".xlsx")
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            sheet, rows = open_table_isolated(
                path, columns, max_bytes=SHEETS.max_bytes(), filename=checked.name, compact=compact
            )
            listed = list(rows)
        except TabularError as exc:
            raise ValidationError({"file": [str(exc)]}) from None
    finally:
        os.unlink(path)
    if len(listed) > conf.get("LEARNING_IMPORT_MAX_ROWS"):
        raise ValidationError({"file": [f"一次最多导入 {conf.get('LEARNING_IMPORT_MAX_ROWS')} 行，请拆分后分批导入。"]})
    return sheet, iter(listed), checked.name
