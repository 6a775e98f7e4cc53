"""Writes of the worker's platform. Each checks the actor, validates with Chinese messages, runs
in a transaction and writes the audit log; the registry changes only through `members.services`.

Real-name binding (个人信息保护法 §17 notice, consent recorded): the worker gives name, ID number
and phone; the ID number is looked up by its blind index, and the name and phone must match the
record. Every mismatch — unknown number, wrong name, wrong phone, a closed membership — gives the
same answer (`MISMATCH`), so the form cannot be used to learn whether a number is registered.
Failures are counted per account and per address (`BindAttempt`) and audited; past the limit the
form refuses to check at all until the window has passed. A match then binds with the union's
one-time activation code, or becomes a request the union confirms.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import password_validation
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gefeng.accounts import services as account_services
from gefeng.accounts.models import User
from gefeng.accounts.roles import RoleCode
from gefeng.core import actors, audit, context, notifications, pii, scope
from gefeng.core.actors import SYSTEM, accepts_system
from gefeng.core.validators import clean_text, normalize_mobile, parse_id_number
from gefeng.members import services as member_services
from gefeng.members.models import Member, NewFormGroup, Status
from gefeng.orgs.models import Kind, OrgNode
from gefeng.workers import conf
from gefeng.workers.models import (
    ActivationCode,
    BindAttempt,
    BindRequest,
    Consent,
    CorrectionField,
    CorrectionRequest,
    JoinApplication,
    MemberCard,
    Purpose,
    RequestStatus,
    TransferRequest,
    TransferStep,
)
from gefeng.workers.selectors import own_member

CHANGE = "members.change"
CONSENT_VERSION = "2026-1"
MISMATCH = "填写的信息与会员名册不一致，请核对姓名、身份证号和手机号。仍有疑问请联系所在工会。"
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed on a phone
CODE_LENGTH = 8
CARD_SALT = "gefeng.workers.card"
LIVE = (Status.ACTIVE, Status.RETAINED)
# 新就业形态 groups that join through an industry federation, and the word its name carries.
FEDERATIONS = {NewFormGroup.TRUCK: "货车司机", NewFormGroup.COURIER: "快递", NewFormGroup.DELIVERY: "送餐"}


def _is_worker(actor: Any) -> bool:
    return scope.has_perm(actor, "self.view") and not actor.is_superuser


def _require_worker(actor: Any) -> None:
    if not _is_worker(actor):
        raise PermissionDenied


def _due() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=conf.get("WORKERS_REQUEST_DAYS"))


def _consent(actor: Any, purpose: str, given: bool) -> None:
    if not given:
        raise ValidationError({"consent": ["请阅读《个人信息处理告知书》并勾选同意后再提交。"]})
    Consent.objects.create(user=actor, purpose=purpose, version=CONSENT_VERSION)


# ---------------------------------------------------------------- accounts


def account_register(*, username: str, name: str, phone: str, password: str) -> User:
    """A worker opens an account from the phone (role 职工, own data only)."""
    ip = context.current().ip
    since = timezone.now() - dt.timedelta(days=1)
    if ip and (
        BindAttempt.objects.filter(ip=ip, user__isnull=True, at__gte=since).count()
        >= conf.get("WORKERS_REGISTER_PER_ADDRESS")
    ):
        raise ValidationError("该网络今天注册的账号过多，请明天再试或联系所在工会。")
    errors: dict[str, list[str]] = {}
    try:
        phone = normalize_mobile(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = account_services.user_create(
            actor=SYSTEM,
            username=username,
            name=clean_text(name),
            org=None,
            password=password,
            phone=phone,
            roles={RoleCode.WORKER},
            must_change=False,
        )
        audit.record(actor=user, action="workers.account.registered", obj=user, changes={"phone": phone})
    # Registrations from one address are counted like failed matches without an account.
    BindAttempt.objects.create(user=None, ip=ip)
    return user


def validate_password(password: str, username: str, name: str) -> None:
    password_validation.validate_password(password, User(username=username, name=name))


# ---------------------------------------------------------------- real-name match


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


# ---------------------------------------------------------------- activation codes


def _new_code() -> str:
    return _fresh_codes(1)[0]


def _random_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _fresh_codes(n: int) -> list[str]:
    """n distinct codes no row holds yet: one query per round, not one per code."""
    out: set[str] = set()
    while len(out) < n:
        batch = {_random_code() for _ in range(n - len(out))} - out
        for chunk_start in range(0, len(batch), 900):
            chunk = sorted(batch)[chunk_start : chunk_start + 900]
            batch -= set(ActivationCode.objects.filter(code__in=chunk).values_list("code", flat=True))
        out |= batch
    return sorted(out, key=lambda _c: secrets.randbits(32))


def live_code(member: Member) -> ActivationCode | None:
    return (
        ActivationCode.objects.filter(member=member, used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )


def _issue(actor: Any, member: Member, expires: dt.datetime) -> ActivationCode:
    return ActivationCode.objects.create(
        member=member,
        union=member.union,
        code=_new_code(),
        expires_at=expires,
        created_by=actors.user_of(actor),
    )


@accepts_system
@transaction.atomic
def code_issue(*, actor: Any, member: Member) -> ActivationCode:
    """A new code for one member (earlier unused codes of the member stop working)."""
    actors.require(actor, member, CHANGE)
    if member.user_id is not None:
        raise ValidationError("该会员已绑定账号，不需要激活码。")
    if member.status not in LIVE:
        raise ValidationError("该会员的会籍已终止，不能发放激活码。")
    now = timezone.now()
    ActivationCode.objects.filter(member=member, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    row = _issue(actor, member, now + dt.timedelta(days=conf.get("WORKERS_CODE_DAYS")))
    audit.record(actor=actor, action="workers.code.issued", obj=member, changes={"count": 1})
    return row


@accepts_system
@transaction.atomic
def codes_issue(*, actor: Any, union: OrgNode) -> int:
    """Codes for every unbound, live member of the union who has no live code yet (the sheet)."""
    if union.kind != Kind.UNION:
        raise ValidationError({"union": ["请选择工会。"]})
    actors.require(actor, union, CHANGE)
    now = timezone.now()
    has_code = ActivationCode.objects.filter(union=union, used_at__isnull=True, expires_at__gt=now).values("member_id")
    members = list(
        Member.objects.filter(union=union, status__in=LIVE, user__isnull=True)
        .exclude(pk__in=has_code)
        .order_by("pk")[:5000]
    )
    expires = now + dt.timedelta(days=conf.get("WORKERS_CODE_DAYS"))
    codes = _fresh_codes(len(members))
    rows = [
        ActivationCode(
            member=m,
            union=union,
            code=code,
            expires_at=expires,
            created_by=actors.user_of(actor),
        )
        for m, code in zip(members, codes, strict=True)
    ]
    ActivationCode.objects.bulk_create(rows, batch_size=500)
    audit.record(actor=actor, action="workers.code.issued", obj=union, changes={"count": len(rows)})
    return len(rows)


# ---------------------------------------------------------------- joining


def route_union(*, town: OrgNode | None, employer_name: str, group: str) -> tuple[OrgNode, OrgNode | None]:
    """Which union receives an application, and the employer when it is in the tree.

    The employer's own union; for an enterprise without one, the industry federation of the
    worker's 新就业形态 group (货车司机, 快递 …), otherwise the town's union, otherwise the county's.
    """
    employer = None
    if town is not None and employer_name:
        employer = (
            OrgNode.objects.filter(scope.subtree_q("", town.path), kind=Kind.ENTERPRISE, valid_to__isnull=True)
            .filter(name=employer_name)
            .first()
            or OrgNode.objects.filter(scope.subtree_q("", town.path), kind=Kind.ENTERPRISE, valid_to__isnull=True)
            .filter(short_name=employer_name)
            .first()
        )
    unions = OrgNode.objects.filter(kind=Kind.UNION, valid_to__isnull=True).order_by("path")
    if employer is not None:
        own = unions.filter(parent=employer).first()
        if own is not None:
            return own, employer
    word = FEDERATIONS.get(group)  # type: ignore[call-overload]
    if word:
        fed = unions.filter(name__contains=word, name__endswith="联合会").first()
        if fed is not None:
            return fed, employer
    if town is not None:
        own = unions.filter(parent=town).first()
        if own is not None:
            return own, employer
        county = town.parent
        if county is not None:
            own = unions.filter(parent=county).first()
            if own is not None:
                return own, employer
    raise ValidationError("暂时找不到受理您申请的工会，请联系县总工会。")


@transaction.atomic
def join_apply(
    *,
    actor: Any,
    name: str,
    id_number: str,
    phone: str,
    town: OrgNode | None,
    employer_name: str,
    group: str = "",
    consent: bool,
) -> JoinApplication:
    """入会申请 of a worker not in the registry; the receiving union approves or refuses it."""
    _require_worker(actor)
    if own_member(actor) is not None:
        raise ValidationError("您已是工会会员，不需要再申请入会。")
    if JoinApplication.objects.filter(user=actor, status=RequestStatus.PENDING).exists():
        raise ValidationError("您已有一份待办理的入会申请，请耐心等待。")
    errors: dict[str, list[str]] = {}
    name = clean_text(name)
    if not member_services._NAME.match(name):
        errors["name"] = ["姓名应为 2–20 个汉字。"]
    number = ""
    try:
        number = parse_id_number(id_number).number
    except ValidationError as exc:
        errors["id_number"] = exc.messages
    try:
        phone = normalize_mobile(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    employer_name = clean_text(employer_name)[:100]
    if not employer_name:
        errors["employer_name"] = ["请填写工作单位（新就业形态劳动者可填平台或所在站点名称）。"]
    if group and group not in NewFormGroup.values:
        errors["group"] = ["请从列表中选择。"]
    if town is not None and town.kind != Kind.TOWN:
        errors["town"] = ["请选择镇、街道或园区。"]
    if errors:
        raise ValidationError(errors)
    digest = pii.blind_index(number)
    existing = Member.objects.filter(id_hash=digest, status__in=LIVE).first()
    if existing is not None and existing.name == name:
        # Only someone who knows both name and number learns this (the same as binding would).
        raise ValidationError("您已在会员名册中，请使用“实名绑定”关联会员信息，不需要再申请入会。")
    union, employer = route_union(town=town, employer_name=employer_name, group=group)
    _consent(actor, Purpose.JOIN, consent)
    app = JoinApplication.objects.create(
        user=actor,
        name=name,
        id_number=number,
        id_hash=digest,
        phone=phone,
        town=town,
        employer=employer,
        employer_name=employer_name,
        new_form_group=group,
        union=union,
        due_on=_due(),
    )
    audit.record(
        actor=actor,
        action="workers.join.applied",
        obj=app,
        changes={"union": union.name, "id_number": number, "phone": phone},
    )
    return app


@transaction.atomic
def join_approve(*, actor: Any, application: JoinApplication) -> Member:
    """Approve: the member is made through the registry's own service, and the account bound."""
    scope.require(actor, application, CHANGE)
    app = _pending(JoinApplication.objects, application)
    member = member_services.member_join(
        actor=actor,
        union=app.union,
        data={
            "name": app.name,
            "id_number": app.id_number,
            "phone": app.phone,
            "new_form_group": app.new_form_group,
            "joined_on": timezone.localdate(),
        },
    )
    app.member = member
    app.save(update_fields=["member"])
    _decided(actor, app, RequestStatus.DONE)
    audit.record(actor=actor, action="workers.join.approved", obj=app, changes={"member": member.pk})
    if app.user is not None:
        notifications.send(
            app.user, title="入会申请已批准", body=f"欢迎加入{app.union.name}。", link=reverse("workers:me")
        )
        if member.user_id is None and not Member.objects.filter(user_id=app.user_id).exists():
            _bind(actor, app.user, member, "join")
    return member


@transaction.atomic
def join_reject(*, actor: Any, application: JoinApplication, reason: str) -> JoinApplication:
    scope.require(actor, application, CHANGE)
    app = _pending(JoinApplication.objects, application)
    _decided(actor, app, RequestStatus.REJECTED, _reason(reason))
    audit.record(actor=actor, action="workers.join.rejected", obj=app, changes={"reason": app.reason})
    if app.user is not None:
        notifications.send(app.user, title="入会申请被退回", body=app.reason, link=reverse("workers:me"))
    return app


# ---------------------------------------------------------------- corrections


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


# ---------------------------------------------------------------- the member card


def live_card(actor: Any) -> MemberCard | None:
    member = own_member(actor)
    if member is None:
        return None
    return MemberCard.objects.filter(user_id=actor.pk, member=member, revoked_at__isnull=True).first()


@transaction.atomic
def card_issue(*, actor: Any) -> MemberCard:
    _require_worker(actor)
    member = own_member(actor)
    if member is None:
        raise ValidationError("请先完成实名绑定。")
    if member.status not in LIVE:
        raise ValidationError("您的会籍已终止，不能使用电子会员证。")
    card = live_card(actor)
    if card is not None:
        return card
    card = MemberCard.objects.create(member=member, user=actor, nonce=secrets.token_hex(8))
    audit.record(actor=actor, action="workers.card.issued", obj=card)
    return card


@transaction.atomic
def card_revoke(*, actor: Any, card: MemberCard) -> MemberCard:
    """Lost phone: the worker, or the member's union, makes the card (and every QR code of it)
    invalid; the worker may then take a new one."""
    if card.user_id != getattr(actor, "pk", None):
        scope.require(actor, card, CHANGE)
    card = MemberCard.objects.select_for_update().get(pk=card.pk)
    if card.revoked_at is None:
        card.revoked_at, card.revoked_by = timezone.now(), actor if getattr(actor, "pk", None) else None
        card.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(actor=actor, action="workers.card.revoked", obj=card)
    return card


def card_token(card: MemberCard) -> str:
    return signing.dumps({"c": card.pk, "n": card.nonce}, salt=CARD_SALT, compress=True)


def mask_name(name: str) -> str:
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


@dataclass(frozen=True)
class Verdict:
    valid: bool
    union: str = ""
    name: str = ""
    why: str = ""


def card_verify(token: str) -> Verdict:
    """What the public verification page may say about a scanned token: valid or not, the union
    and the masked name — nothing more."""
    try:
        data = signing.loads(token, salt=CARD_SALT, max_age=conf.get("WORKERS_CARD_TOKEN_SECONDS"))
    except signing.SignatureExpired:
        return Verdict(False, why="二维码已过期，请持卡人刷新会员证后重新出示。")
    except (signing.BadSignature, ValueError, TypeError):
        return Verdict(False, why="二维码无法识别，不是有效的电子会员证。")
    if not isinstance(data, dict) or not isinstance(data.get("c"), int):
        return Verdict(False, why="二维码无法识别，不是有效的电子会员证。")
    card = MemberCard.objects.select_related("member__union").filter(pk=data["c"]).first()
    if card is None or card.nonce != data.get("n") or card.revoked_at is not None:
        return Verdict(False, why="该电子会员证已作废。")
    member = card.member
    if member.user_id != card.user_id or member.status not in LIVE:
        return Verdict(False, why="该会员证对应的会籍已变更或终止。")
    return Verdict(True, union=member.union.name, name=mask_name(member.name))


# ---------------------------------------------------------------- transfer (会员接转)


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
