"""会员接转: the old union releases, the new union accepts."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gefeng.core import audit, notifications, scope
from gefeng.core.validators import clean_text
from gefeng.members import services as member_services
from gefeng.orgs.models import OrgNode
from gefeng.workers.models import (
    RequestStatus,
    TransferRequest,
    TransferStep,
)
from gefeng.workers.selectors import own_member
from gefeng.workers.services._common import (
    CHANGE,
    LIVE,
    _due,
    _require_worker,
)
from gefeng.workers.services.binding import (
    _decided,
    _pending,
    _reason,
)
from gefeng.workers.services.joining import route_union


def _county_of(node: OrgNode) -> OrgNode:
    top = node
    while top.parent is not None:
        top = top.parent
    return top


def _common_above(a: OrgNode, b: OrgNode) -> OrgNode:
    """The deepest node at or above both (the town of two enterprises in one town, else the county)."""
    n = 0
    while n + 4 <= min(len(a.path), len(b.path)) and a.path[n : n + 4] == b.path[n : n + 4]:
        n += 4
    return OrgNode.objects.filter(path=a.path[: max(n, 4)]).first() or _county_of(a)


@transaction.atomic
def transfer_request(
    *, actor: Any, town: OrgNode | None, employer_name: str, group: str = "", note: str = ""
) -> TransferRequest:
    """The worker asks to move the membership to the union of a new workplace. The old union
    releases first; when it no longer exists, the county does."""
    _require_worker(actor)
    member = own_member(actor)
    if member is None:
        raise ValidationError("请先完成实名绑定。")
    if member.status not in LIVE:
        raise ValidationError("您的会籍已终止，不能办理接转；请申请入会。")
    if TransferRequest.objects.filter(member=member, status=RequestStatus.PENDING).exists():
        raise ValidationError("您已有一份正在办理的接转申请。")
    employer_name = clean_text(employer_name)[:100]
    if not employer_name:
        raise ValidationError({"employer_name": ["请填写新的工作单位。"]})
    to_union, _employer = route_union(town=town, employer_name=employer_name, group=group)
    if to_union.pk == member.union_id:
        raise ValidationError({"employer_name": ["新单位与现在的工会相同，不需要接转。"]})
    old = member.union
    holder = old if old.valid_to is None else _county_of(old)
    req = TransferRequest.objects.create(
        user=actor,
        member=member,
        from_union=old,
        to_union=to_union,
        union=holder,
        note=clean_text(note)[:200] or f"工作单位变更为{employer_name}",
        due_on=_due(),
    )
    audit.record(
        actor=actor, action="workers.transfer.requested", obj=req, changes={"from": old.name, "to": to_union.name}
    )
    return req


@transaction.atomic
def transfer_advance(*, actor: Any, request: TransferRequest) -> TransferRequest:
    """The step of the union whose turn it is: the old union releases, then the new union accepts.

    The move itself is `members.services.member_transfer`, which asks change rights on both
    unions: an accepting officer who has them moves the membership at once; otherwise the nearest
    union office above both records it (a third step)."""
    scope.require(actor, request, CHANGE)
    req = _pending(TransferRequest.objects.select_related("member", "to_union"), request)
    who = actor if getattr(actor, "pk", None) else None
    if req.step == TransferStep.RELEASE:
        req.step, req.union, req.due_on = TransferStep.ACCEPT, req.to_union, _due()
        req.released_at, req.released_by = timezone.now(), who
        req.save(update_fields=["step", "union", "due_on", "released_at", "released_by"])
        audit.record(actor=actor, action="workers.transfer.released", obj=req, changes={"to": req.to_union.name})
        if req.user is not None:
            notifications.send(
                req.user,
                title="原工会已同意转出",
                body=f"接转申请已转到{req.to_union.name}接收。",
                link=reverse("workers:me"),
            )
        return req
    if req.step == TransferStep.ACCEPT and not scope.can(actor, req.member, CHANGE):
        # The registry's transfer needs change rights on both unions: the nearest node above
        # both records it.
        req.step, req.union, req.due_on = TransferStep.RECORD, _common_above(req.from_union, req.to_union), _due()
        req.save(update_fields=["step", "union", "due_on"])
        audit.record(actor=actor, action="workers.transfer.accepted", obj=req, changes={"record": req.union.name})
        return req
    member = member_services.member_transfer(
        actor=actor, member=req.member, to_union=req.to_union, on=timezone.localdate(), reason=req.note
    )
    _decided(actor, req, RequestStatus.DONE)
    audit.record(actor=actor, action="workers.transfer.accepted", obj=req, changes={"member": member.pk})
    if req.user is not None:
        notifications.send(
            req.user, title="会员接转已完成", body=f"您的会籍已转入{req.to_union.name}。", link=reverse("workers:me")
        )
    return req


@transaction.atomic
def transfer_reject(*, actor: Any, request: TransferRequest, reason: str) -> TransferRequest:
    scope.require(actor, request, CHANGE)
    req = _pending(TransferRequest.objects, request)
    _decided(actor, req, RequestStatus.REJECTED, _reason(reason))
    audit.record(actor=actor, action="workers.transfer.rejected", obj=req, changes={"reason": req.reason})
    if req.user is not None:
        notifications.send(req.user, title="接转申请被退回", body=req.reason, link=reverse("workers:me"))
    return req
