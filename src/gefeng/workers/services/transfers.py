"""会员接转: the old union releases, the new union accepts.

A transfer is started by the worker (`transfer_request`), by the old union (`transfer_start`:
its own officer's release is the first step, so the request waits for the new union) or by the
new union (`transfer_claim`: it names the worker by name and ID number, and the old union
releases). Each step is audited and has the time limit `WORKERS_REQUEST_DAYS`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gefeng.core import audit, notifications, pii, scope
from gefeng.core.validators import clean_text, parse_id_number
from gefeng.members import services as member_services
from gefeng.members.models import Member
from gefeng.orgs.models import Kind, OrgNode
from gefeng.workers.models import (
    RequestStatus,
    TransferOrigin,
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


NOT_FOUND = "未找到姓名与身份证号都相符的在册会员。新入职且从未入会的职工请办理入会登记。"


def _open(member: Member) -> None:
    if member.status not in LIVE:
        raise ValidationError("该会员的会籍已终止，不能办理接转。")
    if TransferRequest.objects.filter(member=member, status=RequestStatus.PENDING).exists():
        raise ValidationError("该会员已有一份正在办理的接转申请。")


def _tell_worker(req: TransferRequest, title: str, body: str) -> None:
    if req.user is not None:
        notifications.send(req.user, title=title, body=body, link=reverse("workers:me"))


@transaction.atomic
def transfer_start(
    *,
    actor: Any,
    member: Member,
    town: OrgNode | None,
    employer_name: str,
    group: str = "",
    note: str = "",
) -> TransferRequest:
    """The old union starts the transfer of one of its members to a union it does not manage
    (the worker has moved to an enterprise in another town or under another federation). The
    officer's start is the release; the request waits for the new union. A union the officer
    manages too is moved at once on the member's 转会 page."""
    scope.require(actor, member, CHANGE)
    member = Member.objects.select_for_update().select_related("union").get(pk=member.pk)
    _open(member)
    employer_name = clean_text(employer_name)[:100]
    if not employer_name:
        raise ValidationError({"employer_name": ["请填写新的工作单位。"]})
    to_union, _employer = route_union(town=town, employer_name=employer_name, group=group)
    if to_union.pk == member.union_id:
        raise ValidationError({"employer_name": ["新单位与现在的工会相同，不需要接转。"]})
    req = TransferRequest.objects.create(
        user_id=member.user_id,
        member=member,
        from_union=member.union,
        to_union=to_union,
        union=to_union,
        step=TransferStep.ACCEPT,
        origin=TransferOrigin.OLD_UNION,
        note=clean_text(note)[:200] or f"工作单位变更为{employer_name}",
        released_at=timezone.now(),
        released_by=actor if getattr(actor, "pk", None) else None,
        due_on=_due(),
    )
    audit.record(
        actor=actor,
        action="workers.transfer.started",
        obj=req,
        changes={"from": member.union.name, "to": to_union.name},
    )
    _tell_worker(req, "原工会已为您办理转出", f"您的会籍将转入{to_union.name}，待对方接收。")
    return req


def transfer_claim(*, actor: Any, union: OrgNode, name: str, id_number: str, note: str = "") -> TransferRequest:
    """The new union asks to receive a worker who came to its enterprise and is a member
    elsewhere on the platform. The worker is named by name and ID number, matched through the
    blind index; any mismatch gets one answer (`NOT_FOUND`), which does not say whether the
    number is in the registry. The request waits for the old union's release."""
    scope.require(actor, union, CHANGE)
    if union.kind != Kind.UNION or union.valid_to is not None:
        raise ValidationError({"union": ["请选择接收的工会。"]})
    try:
        number = parse_id_number(id_number).number
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    member = Member.objects.select_related("union").filter(id_hash=pii.blind_index(number), status__in=LIVE).first()
    if member is None or member.name != clean_text(name):
        # Audited in its own transaction: the entry must outlive the refusal.
        with transaction.atomic():
            audit.record(actor=actor, action="workers.transfer.unmatched", obj=union, changes={}, success=False)
        raise ValidationError(NOT_FOUND)
    with transaction.atomic():
        return _claim(actor, union, Member.objects.select_for_update().select_related("union").get(pk=member.pk), note)


def _claim(actor: Any, union: OrgNode, member: Member, note: str) -> TransferRequest:
    if member.union_id == union.pk:
        raise ValidationError("该职工已是本工会的会员。")
    if scope.can(actor, member, CHANGE):
        raise ValidationError("该会员在您的管理范围内，请在会员页面直接办理转会。")
    _open(member)
    old = member.union
    req = TransferRequest.objects.create(
        user_id=member.user_id,
        member=member,
        from_union=old,
        to_union=union,
        union=old if old.valid_to is None else _county_of(old),
        origin=TransferOrigin.NEW_UNION,
        note=clean_text(note)[:200] or f"已到{union.name}所在单位工作",
        due_on=_due(),
    )
    audit.record(actor=actor, action="workers.transfer.claimed", obj=req, changes={"from": old.name, "to": union.name})
    _tell_worker(req, "新单位工会申请接收您的会籍", f"{union.name}已申请接收，待{old.name}转出。")
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
