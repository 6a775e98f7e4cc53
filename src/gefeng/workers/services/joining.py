"""入会 applications and where they go."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gefeng.core import audit, notifications, pii, scope
from gefeng.core.validators import clean_text, normalize_mobile, parse_id_number
from gefeng.members import services as member_services
from gefeng.members.models import Member, NewFormGroup
from gefeng.orgs.models import Kind, OrgNode
from gefeng.workers.models import (
    JoinApplication,
    Purpose,
    RequestStatus,
)
from gefeng.workers.selectors import own_member
from gefeng.workers.services._common import (
    CHANGE,
    FEDERATIONS,
    LIVE,
    _consent,
    _due,
    _require_worker,
)
from gefeng.workers.services.binding import (
    _bind,
    _decided,
    _pending,
    _reason,
)


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
    if not member_services.is_valid_name(name):
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
