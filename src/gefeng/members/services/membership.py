"""Joining, changing and ending membership: join, update, transfer, retention, leaving,
revealing a masked field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from gefeng.core import actors, audit, pii, scope
from gefeng.core.actors import SYSTEM, accepts_system
from gefeng.members.models import (
    EventKind,
    Member,
    MembershipEvent,
    Status,
)
from gefeng.members.services.cleaning import EDITABLE, clean_member, search_columns
from gefeng.orgs.models import INDUSTRIAL_SECTIONS, Kind, OrgNode


def _set_name(member: Member, name: str) -> None:
    member.name = name
    for key, value in search_columns(name).items():
        setattr(member, key, value)


def _check_union(actor: Any, union: OrgNode) -> OrgNode:
    if union.kind != Kind.UNION:
        raise ValidationError({"union": ["请选择工会（会员必须隶属于一个工会组织）。"]})
    actors.require(actor, union, "members.change")  # SYSTEM: the server console and the demo loader
    return union


def _employer(union: OrgNode) -> OrgNode | None:
    parent = union.parent
    return parent if parent is not None and parent.kind == Kind.ENTERPRISE else None


def _team(union: OrgNode, team: OrgNode | None) -> OrgNode | None:
    if team is None:
        return None
    if team.kind != Kind.TEAM or not team.path.startswith(union.path):
        raise ValidationError({"team": ["班组必须是该工会下的班组。"]})
    return team


def duplicate_message(existing: Member, *, actor: Any = SYSTEM) -> str:
    """Why a person cannot join again. The union is named only to an actor who sees the member:
    to anyone else the message would tell where a given ID number works (an oracle a dry-run
    import could run over a whole roster)."""
    if actors.user_of(actor) is not None and scope.visible(actor, Member).filter(pk=existing.pk).exists():
        return (
            f"该身份证号已是会员（{existing.get_status_display()}，{existing.union.name}）。一次入会、动态接转："
            "请由原工会办理转会，不要重复入会。"
        )
    return "该身份证号已在其他单位登记为会员。一次入会、动态接转：请联系县总工会办理接转，不要重复入会。"


@accepts_system
@transaction.atomic
def member_join(
    *,
    actor: Any,
    union: OrgNode,
    data: dict[str, Any],
    team: OrgNode | None = None,
    today: dt.date | None = None,
) -> Member:
    """Register a person as a member of `union` (入会). A person who left or was transferred out
    of the county before rejoins on their old record; an active or retained member is refused."""
    _check_union(actor, union)
    team = _team(union, team)
    clean = clean_member(data, today=today)
    digest = pii.blind_index(clean.id_number)
    existing = Member.objects.select_for_update().select_related("union").filter(id_hash=digest).first()
    if existing is not None and existing.status in (Status.ACTIVE, Status.RETAINED):
        raise ValidationError({"id_number": [duplicate_message(existing, actor=actor)]})
    if clean.fields["card_number"]:
        taken = Member.objects.filter(card_number=clean.fields["card_number"])
        if existing is not None:
            taken = taken.exclude(pk=existing.pk)
        if taken.exists():
            raise ValidationError({"card_number": ["会员证号已被他人使用。"]})
    enterprise = _employer(union)
    member = existing or Member(id_hash=digest)
    _set_name(member, clean.name)
    member.id_number, member.birth_date, member.sex = clean.id_number, clean.birth_date, clean.sex
    for key, value in clean.fields.items():
        setattr(member, key, value)
    member.phone_hash = pii.blind_index(member.phone)
    member.union, member.enterprise, member.team = union, enterprise, team
    member.industrial_worker = bool(enterprise and enterprise.industry in INDUSTRIAL_SECTIONS)
    member.status, member.ended_on = Status.ACTIVE, None
    member.save()
    MembershipEvent.objects.create(
        member=member,
        kind=EventKind.JOIN,
        on=clean.fields["joined_on"],
        union=union,
        actor=actors.user_of(actor),
        reason="重新入会" if existing else "",
    )
    audit.record(
        actor=actor,
        action="members.member.joined",
        obj=member,
        changes={
            "union": union.name,
            "id_number": clean.id_number,
            "phone": member.phone,
            "rejoin": bool(existing),
        },
    )
    return member


@transaction.atomic
def member_update(*, actor: Any, member: Member, data: dict[str, Any], today: dt.date | None = None) -> Member:
    """Correct a member's details. The ID number is not editable here: a wrong one means a wrong
    person, which is a leave and a new join."""
    scope.require(actor, member, "members.change")
    member = Member.objects.select_for_update().get(pk=member.pk)
    before = audit.snapshot(member, (*EDITABLE, "joined_on"))
    merged = {f: getattr(member, f) for f in (*EDITABLE, "joined_on")} | data
    merged["id_number"] = member.id_number
    clean = clean_member(merged, today=today)
    team = _team(member.union, data.get("team", member.team))
    if (
        clean.fields["card_number"]
        and Member.objects.filter(card_number=clean.fields["card_number"]).exclude(pk=member.pk).exists()
    ):
        raise ValidationError({"card_number": ["会员证号已被他人使用。"]})
    _set_name(member, clean.name)
    for key, value in clean.fields.items():
        setattr(member, key, value)
    member.team = team
    member.phone_hash = pii.blind_index(member.phone)
    changes = audit.diff(before, audit.snapshot(member, (*EDITABLE, "joined_on")))
    if changes:
        member.save()
        audit.record(actor=actor, action="members.member.updated", obj=member, changes=changes)
    return member


def _require_live(member: Member) -> None:
    if member.status not in (Status.ACTIVE, Status.RETAINED):
        raise ValidationError(f"{member.name} 的会籍已终止（{member.get_status_display()}），不能办理此项。")


@transaction.atomic
def member_transfer(
    *,
    actor: Any,
    member: Member,
    to_union: OrgNode,
    on: dt.date,
    reason: str = "",
    team: OrgNode | None = None,
) -> Member:
    """转会 within the platform: the actor needs change rights on both unions. History is kept on
    both sides (a 转出 row at the old union, a 转入 row at the new)."""
    scope.require(actor, member, "members.change")
    _check_union(actor, to_union)
    member = Member.objects.select_for_update().select_related("union").get(pk=member.pk)
    _require_live(member)
    if to_union.pk == member.union_id:
        raise ValidationError({"to_union": ["转入工会与原工会相同。"]})
    if on > dt.date.today() or on < member.joined_on:
        raise ValidationError({"on": ["转会日期应在入会日期之后、今天之前。"]})
    old = member.union
    team = _team(to_union, team)
    enterprise = _employer(to_union)
    member.union, member.enterprise, member.team = to_union, enterprise, team
    member.industrial_worker = bool(enterprise and enterprise.industry in INDUSTRIAL_SECTIONS)
    member.status = Status.ACTIVE
    member.save()
    who = actors.user_of(actor)
    MembershipEvent.objects.bulk_create(
        [
            MembershipEvent(
                member=member,
                kind=EventKind.TRANSFER_OUT,
                on=on,
                union=old,
                other_union=to_union,
                reason=reason,
                actor=who,
            ),
            MembershipEvent(
                member=member,
                kind=EventKind.TRANSFER_IN,
                on=on,
                union=to_union,
                other_union=old,
                reason=reason,
                actor=who,
            ),
        ]
    )
    audit.record(
        actor=actor,
        action="members.member.transferred",
        obj=member,
        changes={"union": audit.changed(old.name, to_union.name), "on": on},
    )
    return member


@transaction.atomic
def member_transfer_out(*, actor: Any, member: Member, to_name: str, on: dt.date, reason: str = "") -> Member:
    """转出 to a union outside the platform (another county): the record stays with status 已转出."""
    scope.require(actor, member, "members.change")
    member = Member.objects.select_for_update().get(pk=member.pk)
    _require_live(member)
    to_name = to_name.strip()
    if not to_name:
        raise ValidationError({"to_name": ["请填写转入单位（工会）名称。"]})
    if on > dt.date.today() or on < member.joined_on:
        raise ValidationError({"on": ["转出日期应在入会日期之后、今天之前。"]})
    member.status, member.ended_on = Status.TRANSFERRED_OUT, on
    member.save(update_fields=["status", "ended_on", "updated_at"])
    MembershipEvent.objects.create(
        member=member,
        kind=EventKind.TRANSFER_OUT,
        on=on,
        union=member.union,
        other_name=to_name[:100],
        reason=reason,
        actor=actors.user_of(actor),
    )
    audit.record(actor=actor, action="members.member.transferred_out", obj=member, changes={"to": to_name, "on": on})
    return member


RETAIN_REASONS = ("退休", "失业", "单位关闭或破产")


def higher_union(union: OrgNode) -> OrgNode | None:
    """The union above a workplace union: the town's (or county's) own union, if it has one."""
    for ancestor in reversed(list(union.ancestors())):
        if ancestor.kind in (Kind.TOWN, Kind.COUNTY):
            found = OrgNode.objects.filter(parent=ancestor, kind=Kind.UNION).order_by("path").first()
            if found is not None:
                return found
    return None


@transaction.atomic
def member_retain(*, actor: Any, member: Member, reason: str, on: dt.date) -> Member:
    """保留会籍. Retirement and unemployment keep the membership at the old union; when the
    employer closed, it is held at the higher union (the town's). No dues, no vote while retained."""
    scope.require(actor, member, "members.change")
    member = Member.objects.select_for_update().select_related("union").get(pk=member.pk)
    if member.status != Status.ACTIVE:
        raise ValidationError(f"{member.name} 当前不是在会状态，不能办理保留会籍。")
    if reason not in RETAIN_REASONS:
        raise ValidationError({"reason": [f"保留会籍的原因应为：{'、'.join(RETAIN_REASONS)}。"]})
    if on > dt.date.today() or on < member.joined_on:
        raise ValidationError({"on": ["日期应在入会日期之后、今天之前。"]})
    old = member.union
    holder = old
    if reason == "单位关闭或破产":
        higher = higher_union(old)
        if higher is None:
            raise ValidationError("找不到上级工会（镇、街道或县总工会），请先在组织架构中建立。")
        holder = higher
        member.union, member.enterprise, member.team = holder, None, None
    member.status = Status.RETAINED
    member.save()
    MembershipEvent.objects.create(
        member=member,
        kind=EventKind.RETAIN,
        on=on,
        union=holder,
        other_union=old if holder != old else None,
        reason=reason,
        actor=actors.user_of(actor),
    )
    audit.record(
        actor=actor,
        action="members.member.retained",
        obj=member,
        changes={"reason": reason, "holder": holder.name, "on": on},
    )
    return member


@transaction.atomic
def member_leave(*, actor: Any, member: Member, on: dt.date, reason: str) -> Member:
    """退会 (including 视为自动退会 after six months without dues, 章程 §5)."""
    scope.require(actor, member, "members.change")
    member = Member.objects.select_for_update().get(pk=member.pk)
    _require_live(member)
    if not reason.strip():
        raise ValidationError({"reason": ["请填写退会原因。"]})
    if on > dt.date.today() or on < member.joined_on:
        raise ValidationError({"on": ["退会日期应在入会日期之后、今天之前。"]})
    member.status, member.ended_on = Status.LEFT, on
    member.save(update_fields=["status", "ended_on", "updated_at"])
    MembershipEvent.objects.create(
        member=member,
        kind=EventKind.LEAVE,
        on=on,
        union=member.union,
        reason=reason.strip()[:200],
        actor=actors.user_of(actor),
    )
    audit.record(actor=actor, action="members.member.left", obj=member, changes={"reason": reason, "on": on})
    return member


def member_reveal(*, actor: Any, member: Member, field: str) -> str:
    """Show a full ID number or phone: needs the reveal right on the member; always audited."""
    if field not in ("id_number", "phone"):
        raise ValidationError("无效的字段。")
    if not scope.can(actor, member, "members.reveal"):
        raise PermissionDenied
    audit.record(actor=actor, action=f"members.member.{field}_revealed", obj=member)
    return getattr(member, field)
