"""Real-name binding: the match through the blind index, the union's confirmation, unbinding."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gefeng.accounts.models import User
from gefeng.core import audit, context, notifications, pii, scope
from gefeng.core.validators import clean_text, normalize_mobile, parse_id_number
from gefeng.members.models import Member
from gefeng.workers import conf
from gefeng.workers.models import (
    ActivationCode,
    BindAttempt,
    BindRequest,
    MemberCard,
    Purpose,
    RequestStatus,
)
from gefeng.workers.selectors import own_member
from gefeng.workers.services._common import (
    CHANGE,
    LIVE,
    MISMATCH,
    _consent,
    _due,
    _require_worker,
)


def _blocked(actor: Any, ip: str) -> bool:
    since = timezone.now() - dt.timedelta(minutes=conf.get("WORKERS_BIND_WINDOW_MINUTES"))
    mine = BindAttempt.objects.filter(user_id=actor.pk, at__gte=since).count()
    if mine >= conf.get("WORKERS_BIND_FAILURES"):
        return True
    return bool(ip) and BindAttempt.objects.filter(ip=ip, user__isnull=False, at__gte=since).count() >= conf.get(
        "WORKERS_BIND_ADDRESS_FAILURES"
    )


def _fail(actor: Any, ip: str, why: str) -> None:
    """Count and audit one failed attempt (its own transaction: it must outlive the refusal)."""
    with transaction.atomic():
        BindAttempt.objects.create(user=actor, ip=ip[:45])
        audit.record(actor=actor, action="workers.binding.failed", obj=actor, changes={"why": why}, success=False)


def _match(actor: Any, name: str, id_number: str, phone: str) -> Member:
    """The member these details name, or the one answer for every mismatch."""
    _require_worker(actor)
    if own_member(actor) is not None:
        raise ValidationError("您的账号已绑定会员信息。")
    name = clean_text(name)
    try:
        number = parse_id_number(id_number).number
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    try:
        phone = normalize_mobile(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from None
    ip = context.current().ip
    why = ""
    with transaction.atomic():
        # One check at a time per account, the failure counted before the lock is released:
        # parallel guesses cannot pass the limit.
        User.objects.select_for_update().filter(pk=actor.pk).first()
        if _blocked(actor, ip):
            minutes = conf.get("WORKERS_BIND_WINDOW_MINUTES")
            raise ValidationError(f"核验失败次数过多，请 {minutes} 分钟后再试，或请所在工会协助办理。")
        member = Member.objects.select_related("union").filter(id_hash=pii.blind_index(number)).first()
        if member is None:
            why = "unknown"
        elif member.status not in LIVE:
            why = "closed"
        elif member.name != name:
            why = "name"
        elif member.phone and member.phone != phone:
            why = "phone"
        if why:
            _fail(actor, ip, why)
    if why:
        raise ValidationError(MISMATCH)
    assert member is not None
    if member.user_id is not None:
        raise ValidationError("该会员信息已绑定其他账号。如非本人操作，请联系所在工会。")
    return member


def _bind(actor: Any, user: User, member: Member, how: str) -> Member:
    if Member.objects.filter(user_id=user.pk).exists():
        raise ValidationError("该账号已绑定会员信息。")
    if not Member.objects.filter(pk=member.pk, user__isnull=True).update(user=user):
        raise ValidationError("该会员信息已绑定其他账号。")
    BindRequest.objects.filter(user=user, status=RequestStatus.PENDING).exclude(member=member).update(
        status=RequestStatus.CANCELLED
    )
    audit.record(actor=actor, action="workers.binding.bound", obj=member, changes={"user": user.username, "how": how})
    notifications.send(
        user,
        title="会员信息已绑定",
        body=f"您的账号已关联{member.union.name}的会员信息，可以使用电子会员证了。",
        link=reverse("workers:me"),
        key="workers.bound",
    )
    member.user = user
    setattr(user, "_own_member", member)  # noqa: B010  (the selector's cache on this user object)
    return member


def bind_with_code(*, actor: Any, name: str, id_number: str, phone: str, code: str, consent: bool) -> Member:
    """Bind at once with the activation code the union gave this member (one-time, expiring)."""
    member = _match(actor, name, id_number, phone)
    code = clean_text(code).upper().replace(" ", "").replace("-", "")
    with transaction.atomic():
        row = (
            ActivationCode.objects.select_for_update()
            .filter(member=member, code=code, used_at__isnull=True, expires_at__gt=timezone.now())
            .first()
        )
        if row is not None:
            _consent(actor, Purpose.BIND, consent)
            row.used_at = timezone.now()
            row.save(update_fields=["used_at"])
            return _bind(actor, actor, member, "code")
    _fail(actor, context.current().ip, "code")
    raise ValidationError(
        {"code": ["激活码不正确、已使用或已过期。请向所在工会索取新的激活码，或不填激活码提交申请。"]}
    )


@transaction.atomic
def _request_bind(actor: Any, member: Member, consent: bool) -> BindRequest:
    if BindRequest.objects.filter(user=actor, status=RequestStatus.PENDING).exists():
        raise ValidationError("您已有一份待工会确认的绑定申请，请耐心等待。")
    _consent(actor, Purpose.BIND, consent)
    req = BindRequest.objects.create(user=actor, member=member, union=member.union, due_on=_due())
    audit.record(actor=actor, action="workers.binding.requested", obj=req, changes={"union": member.union.name})
    return req


def bind_request(*, actor: Any, name: str, id_number: str, phone: str, consent: bool) -> BindRequest:
    """Without a code: the match becomes a request the union chair confirms."""
    member = _match(actor, name, id_number, phone)
    return _request_bind(actor, member, consent)


def _pending(qs: Any, obj: Any) -> Any:
    row = qs.select_for_update().filter(pk=obj.pk).first()
    if row is None or row.status != RequestStatus.PENDING:
        raise ValidationError("该申请已办理，不能重复办理。")
    return row


def _decided(actor: Any, row: Any, status: str, reason: str = "") -> None:
    row.status, row.reason = status, reason
    row.decided_at, row.decided_by = timezone.now(), actor if getattr(actor, "pk", None) else None
    row.save(update_fields=["status", "reason", "decided_at", "decided_by"])


def _reason(reason: str) -> str:
    reason = clean_text(reason)[:200]
    if not reason:
        raise ValidationError({"reason": ["请填写退回理由，申请人会看到它。"]})
    return reason


@transaction.atomic
def bindrequest_confirm(*, actor: Any, request: BindRequest) -> Member:
    scope.require(actor, request, CHANGE)
    req = _pending(BindRequest.objects, request)
    member = Member.objects.select_related("union").get(pk=req.member_id)
    scope.require(actor, member, CHANGE)
    _decided(actor, req, RequestStatus.DONE)
    return _bind(actor, req.user, member, "confirmed")


@transaction.atomic
def bindrequest_reject(*, actor: Any, request: BindRequest, reason: str) -> BindRequest:
    scope.require(actor, request, CHANGE)
    req = _pending(BindRequest.objects, request)
    _decided(actor, req, RequestStatus.REJECTED, _reason(reason))
    audit.record(actor=actor, action="workers.binding.rejected", obj=req, changes={"reason": req.reason})
    notifications.send(req.user, title="绑定申请被退回", body=req.reason, link=reverse("workers:me"))
    return req


@transaction.atomic
def unbind(*, actor: Any, member: Member) -> Member:
    """The union releases a binding made by mistake (or the worker releases their own)."""
    if member.user_id != getattr(actor, "pk", None):
        scope.require(actor, member, CHANGE)
    user_id = member.user_id
    Member.objects.filter(pk=member.pk).update(user=None)
    MemberCard.objects.filter(member=member, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit.record(actor=actor, action="workers.binding.unbound", obj=member, changes={"user": user_id})
    member.user = None
    return member
