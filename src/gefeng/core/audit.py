"""Writing the audit log. Services call `record()` inside their transaction.

Sensitive fields (ID numbers, phones, secrets) are masked before they are written, so the log
itself does not become a second copy of the personal data it protects.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from gefeng.core import context
from gefeng.core.models import AuditEntry
from gefeng.core.pii import mask

# Field names whose values never enter the log in clear.
SENSITIVE = {
    "password": lambda v: "******",
    "totp_secret": lambda v: "******" if v else "",
    # One rule for every number (core.pii.mask): the last four characters only.
    "id_number": lambda v: mask(str(v or "")),
    "phone": lambda v: mask(str(v or "")),
    "contact_phone": lambda v: mask(str(v or "")),
    "mobile": lambda v: mask(str(v or "")),
    "bank_account": lambda v: mask(str(v or "")),
}


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def _mask(field: str, value: Any) -> Any:
    masker = SENSITIVE.get(field)
    return masker(value) if masker else _plain(value)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


def changed(old: Any, new: Any) -> dict[str, Any]:
    """One field's change, as stored in `AuditEntry.changes`: {"old": …, "new": …}."""
    return {"old": old, "new": new}


def is_change(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"old", "new"}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """{field: {"old": …, "new": …}} for the fields whose value changed, sensitive values masked."""
    out: dict[str, dict[str, Any]] = {}
    for field in after:
        old, new = before.get(field), after[field]
        if old != new:
            out[field] = changed(_mask(field, old), _mask(field, new))
    return out


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    changes: Mapping[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    success: bool = True,
) -> AuditEntry:
    """Append one entry. `changes` maps field → `changed(old, new)` (see `diff`) or field → value."""
    info = context.current()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    clean: dict[str, Any] = {}
    for field, value in (changes or {}).items():
        if is_change(value):
            clean[field] = changed(_mask(field, value["old"]), _mask(field, value["new"]))
        elif isinstance(value, list):
            clean[field] = [_mask(field, v) if field in SENSITIVE else _plain(v) for v in value]
        else:
            clean[field] = _mask(field, value)
    is_user = actor is not None and getattr(actor, "pk", None) is not None
    return AuditEntry.objects.create(
        actor=actor if is_user else None,
        actor_name=(getattr(actor, "username", "") if is_user else "") or info.source,
        ip=info.ip,
        user_agent=info.user_agent,
        source=info.source,
        action=action,
        object_type=object_type[:60],
        object_id=object_id[:64],
        object_repr=object_repr[:200],
        changes=clean,
        success=success,
    )
