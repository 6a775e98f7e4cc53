"""Writes to the organisation tree. Each validates, runs in a transaction and is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from gefeng.core import actors, audit, scope
from gefeng.core.actors import accepts_system
from gefeng.core.validators import normalize_mobile, normalize_region_code, normalize_uscc
from gefeng.orgs.models import ALLOWED_CHILDREN, Kind, OrgNode, segment

EDITABLE_FIELDS = (
    "name",
    "short_name",
    "code",
    "industry",
    "ownership",
    "employee_count",
    "union_founded_on",
    "valid_from",
    "valid_to",
    "address",
    "contact_name",
    "contact_phone",
)


def _clean_code(kind: str, code: str) -> str:
    """A node's code: a county or town has its 行政区划代码 (GB/T 2260, with the 乡镇 extension of
    GB/T 10114), an enterprise or union its 统一社会信用代码 (GB 32100-2015); a union's begins with
    81 (登记管理部门 8 = 工会, GB 32100 table 1)."""
    code = (code or "").strip().upper()
    if not code:
        return ""
    if kind in (Kind.COUNTY, Kind.TOWN):
        return normalize_region_code(code)
    code = normalize_uscc(code)
    if kind == Kind.UNION and not code.startswith("81") and not code.startswith("9"):
        # A union carries its own 81… code; some enter the employer's code until they have one.
        raise ValidationError("工会代码应以 81 开头（工会统一社会信用代码）。", code="union_code")
    return code


def _validate(kind: str, data: dict[str, Any], *, instance: OrgNode | None = None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    clean = dict(data)
    name = (clean.get("name") or "").strip()
    if not name:
        errors.setdefault("name", []).append("请填写名称。")
    clean["name"] = name
    clean["short_name"] = (clean.get("short_name") or "").strip()
    try:
        clean["code"] = _clean_code(kind, clean.get("code", ""))
    except ValidationError as exc:
        errors.setdefault("code", []).extend(exc.messages)
    if clean.get("code"):
        dup = OrgNode.objects.filter(code=clean["code"])
        if instance is not None:
            dup = dup.exclude(pk=instance.pk)
        if dup.exists():
            errors.setdefault("code", []).append("该代码已被其他组织使用。")
    phone = (clean.get("contact_phone") or "").strip()
    if phone and not phone.replace("-", "").startswith("0"):
        try:
            phone = normalize_mobile(phone)
        except ValidationError as exc:
            errors.setdefault("contact_phone", []).extend(exc.messages)
    clean["contact_phone"] = phone
    count = clean.get("employee_count")
    if count is not None and count < 0:
        errors.setdefault("employee_count", []).append("职工人数不能为负数。")
    vf, vt = clean.get("valid_from"), clean.get("valid_to")
    if vf and vt and vt < vf:
        errors.setdefault("valid_to", []).append("撤销日期不能早于成立日期。")
    founded = clean.get("union_founded_on")
    if founded and founded > dt.date.today():
        errors.setdefault("union_founded_on", []).append("建会日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    return clean


def _next_child_path(parent: OrgNode | None) -> str:
    if parent is None:
        last = OrgNode.objects.filter(parent__isnull=True).order_by("-path").values_list("path", flat=True).first()
        n = int(last, 36) + 1 if last else 1
        return segment(n)
    # Lock the parent row so two concurrent inserts cannot take the same number.
    locked = OrgNode.objects.select_for_update().get(pk=parent.pk)
    OrgNode.objects.filter(pk=parent.pk).update(last_child=F("last_child") + 1)
    return locked.path + segment(locked.last_child + 1)


@accepts_system
@transaction.atomic
def orgnode_create(*, actor: Any, parent: OrgNode | None, kind: str, audit_it: bool = True, **fields: Any) -> OrgNode:
    """Create a node under `parent` (None only for the county root, by the system administrator).

    Rule: which kind of node may stand under which (`ALLOWED_CHILDREN`) is the county's own
    structure of 县总工会 → 镇（街道）工会 → 企业 / 工会, a local rule with no setting."""
    if kind not in Kind.values:
        raise ValidationError({"kind": ["组织类型无效。"]})
    if parent is None:
        if not actors.is_system(actor) and not getattr(actor, "is_superuser", False):
            raise scope.PermissionDenied
    else:
        actors.require(actor, parent, "orgs.change")
        if kind not in ALLOWED_CHILDREN[parent.kind]:
            raise ValidationError({"kind": [f"“{parent.get_kind_display()}”下不能建立“{Kind(kind).label}”。"]})
    clean = _validate(kind, {f: fields.get(f) for f in EDITABLE_FIELDS if f in fields} | {"name": fields.get("name")})
    node = OrgNode(parent=parent, kind=kind, path=_next_child_path(parent), depth=(parent.depth + 1) if parent else 1)
    for key, value in clean.items():
        if value is not None:
            setattr(node, key, value)
    node.save()
    if audit_it:
        audit.record(
            actor=actor,
            action="orgs.node.created",
            obj=node,
            changes={k: v for k, v in clean.items() if v not in (None, "")} | {"kind": kind},
        )
    return node


@transaction.atomic
def orgnode_update(*, actor: Any, node: OrgNode, **fields: Any) -> OrgNode:
    scope.require(actor, node, "orgs.change")
    node = OrgNode.objects.select_for_update().get(pk=node.pk)
    before = audit.snapshot(node, EDITABLE_FIELDS)
    data = before | {k: v for k, v in fields.items() if k in EDITABLE_FIELDS}
    clean = _validate(node.kind, data, instance=node)
    for key, value in clean.items():
        setattr(node, key, value)
    changes = audit.diff(before, audit.snapshot(node, EDITABLE_FIELDS))
    if changes:
        node.save()
        audit.record(actor=actor, action="orgs.node.updated", obj=node, changes=changes)
    return node


@transaction.atomic
def orgnode_move(*, actor: Any, node: OrgNode, new_parent: OrgNode) -> OrgNode:
    """Move a node with its whole subtree under `new_parent`, rewriting paths in one UPDATE.

    The actor needs change rights on the node and on the new parent (both ends of a transfer).
    """
    scope.require(actor, node, "orgs.change")
    scope.require(actor, new_parent, "orgs.change")
    node = OrgNode.objects.select_for_update().get(pk=node.pk)
    new_parent = OrgNode.objects.get(pk=new_parent.pk)
    if node.parent_id is None:
        raise ValidationError("县级根节点不能移动。")
    if new_parent.pk == node.pk or new_parent.path.startswith(node.path):
        raise ValidationError("不能把组织移到它自己或它的下级之下。")
    if node.kind not in ALLOWED_CHILDREN[new_parent.kind]:
        raise ValidationError(f"“{new_parent.get_kind_display()}”下不能放“{node.get_kind_display()}”。")
    if new_parent.pk == node.parent_id:
        return node
    old_path, old_parent = node.path, node.parent
    new_path = _next_child_path(new_parent)
    delta = new_parent.depth + 1 - node.depth
    OrgNode.objects.filter(scope.subtree_q("", old_path)).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + delta,
    )
    OrgNode.objects.filter(pk=node.pk).update(parent=new_parent)
    node.refresh_from_db()
    audit.record(
        actor=actor,
        action="orgs.node.moved",
        obj=node,
        changes={
            "parent": audit.changed(str(old_parent), str(new_parent)),
            "path": audit.changed(old_path, new_path),
        },
    )
    return node


@transaction.atomic
def orgnode_close(*, actor: Any, node: OrgNode, on: dt.date, reason: str) -> OrgNode:
    """Mark a node closed (注销、合并、撤销) from `on`; it stays in the tree for history."""
    scope.require(actor, node, "orgs.change")
    if not reason.strip():
        raise ValidationError({"reason": ["请填写撤销原因。"]})
    node = OrgNode.objects.select_for_update().get(pk=node.pk)
    if node.valid_from and on < node.valid_from:
        raise ValidationError({"on": ["撤销日期不能早于成立日期。"]})
    before = node.valid_to
    node.valid_to = on
    node.save(update_fields=["valid_to", "updated_at"])
    audit.record(
        actor=actor,
        action="orgs.node.closed",
        obj=node,
        changes={"valid_to": audit.changed(before, on), "reason": reason.strip()},
    )
    return node


def orgnode_reveal_phone(*, actor: Any, node: OrgNode) -> str:
    """Show a node's full contact phone to someone who may change the node; each look is audited."""
    scope.require(actor, node, "orgs.change")
    phone = node.contact_phone or ""
    if phone:
        audit.record(actor=actor, action="orgs.node.phone_revealed", obj=node)
    return phone
