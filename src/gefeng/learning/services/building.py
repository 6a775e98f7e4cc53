"""Registers of party-and-union building, positions and safety campaigns: simple writes, each
checked against the scope, validated, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from gefeng.core import actors, audit
from gefeng.core.actors import accepts_system
from gefeng.core.validators import clean_text
from gefeng.learning import conf
from gefeng.learning.models import (
    STAGE_DATE,
    STAGE_ORDER,
    BuildingItem,
    HomeLevel,
    PartyDevelopment,
    PartyKind,
    PartyOrg,
    Position,
    PositionActivity,
    PositionKind,
    SafetyCampaign,
    SafetyKind,
    SafetySession,
    Stage,
)
from gefeng.learning.services._common import MANAGE, require_org
from gefeng.members.models import Member
from gefeng.orgs.models import Kind, OrgNode


def _party_on() -> None:
    """Rule: party data is kept only where `LEARNING_PARTY_DATA` says so (a union platform holds
    what the party committee's 党建带工建 arrangement asks of it, nothing else)."""
    if not conf.get("LEARNING_PARTY_DATA"):
        raise ValidationError("本平台未启用党建数据（设置 GEFENG_LEARNING_PARTY_DATA）。")


def _name(value: Any, field: str = "name", label: str = "名称") -> str:
    text = clean_text(value)[:100]
    if not text:
        raise ValidationError({field: [f"请填写{label}。"]})
    return text


@accepts_system
@transaction.atomic
def party_org_create(
    *, actor: Any, org: OrgNode, name: Any, kind: str = PartyKind.BRANCH, team: OrgNode | None = None, note: Any = ""
) -> PartyOrg:
    """A party organisation on a node; a 党小组 may be built on a 班组 under it (党小组+班组)."""
    _party_on()
    require_org(actor, org)
    title = _name(name)
    if kind not in PartyKind.values:
        raise ValidationError({"kind": ["请选择类别。"]})
    if team is not None and (team.kind != Kind.TEAM or not team.path.startswith(org.path)):
        raise ValidationError({"team": ["所建班组须是本单位下的班组。"]})
    if PartyOrg.objects.filter(org=org, name=title).exists():
        raise ValidationError({"name": ["本单位已有同名的党组织。"]})
    party = PartyOrg.objects.create(org=org, name=title, kind=kind, team=team, note=clean_text(note)[:200])
    audit.record(
        actor=actor,
        action="learning.party_org.created",
        obj=party,
        changes={"kind": kind, "team": team.name if team else ""},
    )
    return party


@accepts_system
@transaction.atomic
def development_record(
    *, actor: Any, member: Member, stage: str, on: Any, party_org: PartyOrg | None = None
) -> PartyDevelopment:
    """Move a registry member to a development stage on a date (申请 → 积极分子 → 发展对象 →
    预备党员 → 正式党员, 《中国共产党发展党员工作细则》): stages go forward only, dates in order."""
    _party_on()
    actors.require(actor, member, "members.view")
    require_org(actor, member.union, "member")
    if stage not in Stage.values:
        raise ValidationError({"stage": ["请选择阶段。"]})
    day = on if isinstance(on, dt.date) else None
    if day is None:
        try:
            day = dt.date.fromisoformat(str(on))
        except ValueError:
            raise ValidationError({"on": ["请填写日期（年-月-日）。"]}) from None
    dev = PartyDevelopment.objects.select_for_update().filter(member=member).first()
    if dev is None:
        dev = PartyDevelopment(member=member, union=member.union, stage=stage)
    elif STAGE_ORDER.index(Stage(stage)) < STAGE_ORDER.index(Stage(dev.stage)):
        raise ValidationError({"stage": [f"此人已是“{dev.get_stage_display()}”，不能退回到前一阶段。"]})
    for earlier in STAGE_ORDER[: STAGE_ORDER.index(Stage(stage))]:
        before = getattr(dev, STAGE_DATE[earlier])
        if before is not None and before > day:
            raise ValidationError({"on": [f"日期早于“{earlier.label}”的日期 {before}。"]})
    setattr(dev, STAGE_DATE[Stage(stage)], day)
    dev.stage, dev.union = stage, member.union
    if party_org is not None:
        dev.party_org = party_org
    dev.save()
    audit.record(actor=actor, action="learning.development.recorded", obj=dev, changes={"stage": stage, "on": day})
    return dev


@accepts_system
@transaction.atomic
def building_item_create(*, actor: Any, org: OrgNode, year: int, text: Any) -> BuildingItem:
    require_org(actor, org)
    item = BuildingItem.objects.create(org=org, year=int(year), text=_name(text, "text", "工作内容")[:200])
    audit.record(actor=actor, action="learning.building_item.created", obj=item, changes={"year": year})
    return item


@accepts_system
@transaction.atomic
def position_create(
    *,
    actor: Any,
    org: OrgNode,
    kind: str,
    name: Any,
    place: Any = "",
    theme: Any = "",
    capacity: int | None = None,
    hours: Any = "",
    books: int | None = None,
    level: str = HomeLevel.NONE,
    level_year: int | None = None,
    checklist: dict[str, bool] | None = None,
    opened_on: dt.date | None = None,
) -> Position:
    require_org(actor, org)
    title = _name(name)
    if kind not in PositionKind.values:
        raise ValidationError({"kind": ["请选择类别。"]})
    if level not in HomeLevel.values:
        raise ValidationError({"level": ["请选择命名级别。"]})
    if Position.objects.filter(kind=kind, name=title).exists():
        raise ValidationError({"name": ["已有同名的阵地。"]})
    items = conf.checklist()
    marks = {item: bool((checklist or {}).get(item)) for item in items} if kind == PositionKind.HOME else {}
    position = Position.objects.create(
        org=org,
        kind=kind,
        name=title,
        place=clean_text(place)[:200],
        theme=clean_text(theme)[:50],
        capacity=capacity,
        hours=clean_text(hours)[:100],
        books=books,
        level=level if kind == PositionKind.HOME else "",
        level_year=level_year,
        checklist=marks,
        opened_on=opened_on,
    )
    audit.record(actor=actor, action="learning.position.created", obj=position, changes={"kind": kind, "level": level})
    return position


@accepts_system
@transaction.atomic
def activity_record(
    *, actor: Any, position: Position, held_on: dt.date, title: Any, attendance: int
) -> PositionActivity:
    actors.require(actor, position, MANAGE)
    if attendance is None or int(attendance) < 0:
        raise ValidationError({"attendance": ["参加人数不能为负数。"]})
    act = PositionActivity.objects.create(
        position=position, held_on=held_on, title=_name(title, "title", "活动名称"), attendance=int(attendance)
    )
    audit.record(
        actor=actor,
        action="learning.activity.recorded",
        obj=position,
        changes={"title": act.title, "attendance": act.attendance},
    )
    return act


@accepts_system
@transaction.atomic
def safety_campaign_create(*, actor: Any, org: OrgNode, kind: str, name: Any, year: int) -> SafetyCampaign:
    require_org(actor, org)
    if kind not in SafetyKind.values:
        raise ValidationError({"kind": ["请选择类型。"]})
    campaign = SafetyCampaign.objects.create(org=org, kind=kind, name=_name(name), year=int(year))
    audit.record(actor=actor, action="learning.safety.created", obj=campaign, changes={"kind": kind})
    return campaign


@accepts_system
@transaction.atomic
def safety_session_record(
    *,
    actor: Any,
    campaign: SafetyCampaign,
    enterprise: OrgNode,
    held_on: dt.date,
    title: Any,
    trainees: int = 0,
    materials: int = 0,
    members: Sequence[Member] = (),
) -> SafetySession:
    """A session of a safety campaign at an enterprise. Its trainees are `members` (registry
    members of the enterprise, recorded by name) plus `trainees`, the people counted who are not
    in the registry (`learning.services.safety`)."""
    actors.require(actor, campaign, MANAGE)
    try:
        require_org(actor, enterprise, "enterprise")
    except PermissionDenied:
        raise ValidationError({"enterprise": ["不能为本辖区以外的企业登记。"]}) from None
    if not enterprise.path.startswith(campaign.org.path):
        raise ValidationError({"enterprise": ["企业须在活动组织单位之下。"]})
    if int(trainees) < 0 or int(materials) < 0:
        raise ValidationError({"trainees": ["人数不能为负数。"]})
    session = SafetySession.objects.create(
        campaign=campaign,
        enterprise=enterprise,
        held_on=held_on,
        title=_name(title, "title", "主题"),
        trainees=int(trainees),
        materials=int(materials),
    )
    audit.record(
        actor=actor,
        action="learning.safety.session",
        obj=campaign,
        changes={"enterprise": enterprise.name, "trainees": trainees},
    )
    if members:
        from gefeng.learning.services.safety import trainees_add

        trainees_add(actor=actor, session=session, members=members)
    return session
