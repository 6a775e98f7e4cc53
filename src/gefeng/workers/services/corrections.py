"""更正申请: a worker's correction of their registry data."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from gefeng.core import audit, notifications, scope
from gefeng.core.validators import clean_text
from gefeng.members import services as member_services
from gefeng.members.models import Member
from gefeng.workers.models import (
    CorrectionField,
    CorrectionRequest,
    RequestStatus,
)
from gefeng.workers.selectors import own_member
from gefeng.workers.services._common import (
    CHANGE,
    _due,
    _require_worker,
)
from gefeng.workers.services.binding import (
    _decided,
    _pending,
    _reason,
)


@transaction.atomic
def correction_create(*, actor: Any, field: str, value: str, note: str = "") -> CorrectionRequest:
    _require_worker(actor)
    member = own_member(actor)
    if member is None:
        raise ValidationError("请先完成实名绑定。")
    if field not in CorrectionField.values:
        raise ValidationError({"field": ["请选择要更正的项目。"]})
    value = clean_text(value)[:50]
    if not value:
        raise ValidationError({"value": ["请填写正确的内容。"]})
    if CorrectionRequest.objects.filter(user=actor, field=field, status=RequestStatus.PENDING).exists():
        raise ValidationError({"field": ["这一项已有待办理的更正申请。"]})
    req = CorrectionRequest.objects.create(
        user=actor,
        member=member,
        union=member.union,
        field=field,
        value=value,
        note=clean_text(note)[:200],
        due_on=_due(),
    )
    audit.record(actor=actor, action="workers.correction.requested", obj=req, changes={field: value})
    return req


@transaction.atomic
def correction_apply(*, actor: Any, request: CorrectionRequest) -> Member:
    """The union applies the correction through the registry's update service (its checks hold)."""
    scope.require(actor, request, CHANGE)
    req = _pending(CorrectionRequest.objects, request)
    member = member_services.member_update(actor=actor, member=req.member, data={req.field: req.value})
    _decided(actor, req, RequestStatus.DONE)
    audit.record(actor=actor, action="workers.correction.applied", obj=req, changes={"member": member.pk})
    notifications.send(
        req.user, title="更正申请已办理", body=f"{req.get_field_display()}已更正。", link=reverse("workers:me")
    )
    return member


@transaction.atomic
def correction_reject(*, actor: Any, request: CorrectionRequest, reason: str) -> CorrectionRequest:
    scope.require(actor, request, CHANGE)
    req = _pending(CorrectionRequest.objects, request)
    _decided(actor, req, RequestStatus.REJECTED, _reason(reason))
    audit.record(actor=actor, action="workers.correction.rejected", obj=req, changes={"reason": req.reason})
    notifications.send(req.user, title="更正申请被退回", body=req.reason, link=reverse("workers:me"))
    return req
