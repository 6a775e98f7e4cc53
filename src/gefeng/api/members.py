"""会员 operations of the REST API: search, one member (masked), reveal, create, update, history.

Everything goes through `gefeng.members.selectors` and `gefeng.members.services`, as the web
pages do: the caller's data scope decides (outsiders 404, no right 403); the ID number and the
phone are masked, and the full value is given only by the reveal operation, to a caller with
the reveal right, and audited. The age is shown only to a caller who may reveal (with the tail
of the ID number it narrows the number down); the birth date never.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from ninja import Path, Query, Router, Schema
from pydantic import ConfigDict, Field

from gefeng.api import paging
from gefeng.api.errors import responses
from gefeng.api.types import (
    CursorText,
    EducationChoice,
    GroupChoice,
    Id,
    IdNumberText,
    IsoDate,
    JobChoice,
    MemberNameText,
    PhoneText,
    PoliticalChoice,
    SearchText,
    SkillChoice,
    StatusChoice,
    Text20,
    Text30,
    Text50,
    absent,
    not_null,
)
from gefeng.core import scope
from gefeng.members import selectors, services
from gefeng.members.models import Member
from gefeng.orgs.models import Kind, OrgNode

MAX_LIMIT = 200

router = Router(tags=["会员"])


class MemberOut(Schema):
    id: int = Field(description="会员编号")
    name: str = Field(description="姓名")
    sex: str = Field(description="性别（男、女）")
    id_number: str = Field(description="身份证号（脱敏；完整号码经 reveal 接口查看）")
    phone: str = Field(description="手机号（脱敏；完整号码经 reveal 接口查看）")
    age: int | None = Field(description="年龄（仅对可查看完整身份证号的用户给出，否则为 null）")
    union_id: int = Field(description="所在工会的编号")
    union_name: str = Field(description="所在工会的名称")
    enterprise_id: int | None = Field(description="所在企业的编号")
    team_id: int | None = Field(description="所在班组的编号")
    ethnicity: str = Field(description="民族")
    political_status: str = Field(description="政治面貌")
    education: str = Field(description="文化程度")
    job_category: str = Field(description="岗位类别")
    occupation: str = Field(description="工种")
    skill_level: str = Field(description="技能等级（1 一级/高级技师 … 5 五级/初级工）")
    new_form_group: str = Field(description="新就业形态群体")
    migrant: bool = Field(description="是否农民工")
    industrial_worker: bool = Field(description="是否产业工人（按所在企业的行业）")
    card_number: str = Field(description="会员证号")
    joined_on: dt.date = Field(description="入会日期")
    status: str = Field(description="会籍状态代码（active 在会、retained 保留会籍、out 已转出、left 退会…）")
    status_label: str = Field(description="会籍状态")
    ended_on: dt.date | None = Field(description="会籍终止日期（转出或退会之日）")


class MemberPage(Schema):
    items: list[MemberOut] = Field(description="本页的会员")
    next: str | None = Field(description="下一页的游标（作为 cursor 参数传回）；没有下一页时为 null")


class MemberQuery(Schema):
    q: SearchText = Field(
        "", description="姓名（包含）、拼音或首字母、身份证号、手机号或会员证号，与网页的会员查询相同"
    )
    union: Id | None = Field(
        None, description="只看这个组织（工会、企业、镇…）及其下级的会员", json_schema_extra=not_null
    )
    status: StatusChoice = Field("active", description="会籍状态（默认在会；空为全部）")
    cursor: CursorText = Field("", description="游标：上一页响应中的 next；第一页不带")
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="每页条数（至多 200）")


class MemberPath(Schema):
    member_id: Id = Field(description="会员编号")


class _MemberFields(Schema):
    model_config = ConfigDict(extra="forbid")

    phone: PhoneText = absent(description='手机号（11 位）；"" 清空')
    ethnicity: Text20 = absent(description="民族")
    political_status: PoliticalChoice = absent(description="政治面貌")
    education: EducationChoice = absent(description="文化程度")
    job_category: JobChoice = absent(description="岗位类别")
    occupation: Text50 = absent(description="工种")
    skill_level: SkillChoice = absent(description="技能等级（1–5）")
    new_form_group: GroupChoice = absent(description="新就业形态群体")
    migrant: bool = absent(description="是否农民工")
    card_number: Text30 = absent(description="会员证号（全库唯一）")


class MemberCreate(_MemberFields):
    """入会登记：与网页“登记入会”相同的校验（姓名 2–20 个汉字，身份证号校验位，入会时年满 16 周岁，
    一次入会：已在会的身份证号不能重复登记）。"""

    union: Id = Field(description="所在工会的编号（须为令牌用户可登记会员的工会）")
    team: Id | None = absent(description="所在班组的编号（须为该工会下的班组）")
    name: MemberNameText = Field(description="姓名（2–20 个汉字）")
    id_number: IdNumberText = Field(description="身份证号（18 位，末位校验）")
    joined_on: IsoDate = Field(description="入会日期（不能晚于今天）")


class MemberPatch(_MemberFields):
    """部分修改：只改请求体中给出的字段；身份证号不能修改（号码错了是另一个人：办理退会后重新登记）。"""

    name: MemberNameText = absent(description="姓名（2–20 个汉字）")
    team: Id | None = absent(description="所在班组的编号；null 移出班组")
    joined_on: IsoDate = absent(description="入会日期（不能晚于今天）")


class RevealIn(Schema):
    model_config = ConfigDict(extra="forbid")

    field: Literal["id_number", "phone"] = Field(description="要查看的字段：id_number 身份证号，phone 手机号")


class RevealOut(Schema):
    field: str = Field(description="字段")
    value: str = Field(description="完整的值（本次查看已记入审计日志）")


class EventOut(Schema):
    id: int = Field(description="记录编号")
    kind: str = Field(
        description="类型代码（join 入会、in 转入、out 转出、retain 保留会籍、restore 恢复会籍、leave 退会…）"
    )
    kind_label: str = Field(description="类型")
    on: dt.date = Field(description="日期")
    union_id: int = Field(description="工会的编号")
    union_name: str = Field(description="工会的名称")
    other_union_id: int | None = Field(description="对方工会的编号（接转时）")
    other_name: str = Field(description="对方单位")
    reason: str = Field(description="原因")


class EventList(Schema):
    items: list[EventOut] = Field(description="会籍记录，新的在前")


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def member_out(actor: Any, member: Member, *, can_reveal: bool | None = None) -> MemberOut:
    if can_reveal is None:
        can_reveal = scope.can(actor, member, "members.reveal")
    return MemberOut(
        id=member.pk,
        name=member.name,
        sex=member.sex,
        id_number=member.id_masked,
        phone=member.phone_masked,
        age=_age(member.birth_date, dt.date.today()) if can_reveal else None,
        union_id=member.union_id,
        union_name=member.union.name,
        enterprise_id=member.enterprise_id,
        team_id=member.team_id,
        ethnicity=member.ethnicity,
        political_status=member.political_status,
        education=member.education,
        job_category=member.job_category,
        occupation=member.occupation,
        skill_level=member.skill_level,
        new_form_group=member.new_form_group,
        migrant=member.migrant,
        industrial_worker=member.industrial_worker,
        card_number=member.card_number,
        joined_on=member.joined_on,
        status=member.status,
        status_label=str(member.get_status_display()),
        ended_on=member.ended_on,
    )


def _member(actor: Any, member_id: int, perm: str | None = None) -> Member:
    qs = Member.objects.select_related("union", "enterprise", "team")
    return scope.get_or_404(actor, qs, perm, pk=member_id)


def _team(actor: Any, team_id: int | None) -> OrgNode | None:
    if team_id is None:
        return None
    team = scope.visible(actor, OrgNode).filter(pk=team_id, kind=Kind.TEAM).first()
    if team is None:
        raise ValidationError({"team": ["班组不存在，或不在您的数据范围内。"]})
    return team


@router.get("/members", response=responses(MemberPage, 401, 403, 422), url_name="member-list", summary="会员查询")
def member_list(request, filters: Query[MemberQuery]):
    """数据范围内的会员，按姓名排序，按游标翻页：第一页不带 cursor，之后带上响应中的 next。
    游标经签名并与查询条件绑定，改动或换了条件都会被拒绝（422）。"""
    actor = request.auth
    scope.require_perm(actor, "members.view")
    qs = selectors.member_list(actor, selectors.MemberFilters(under=filters.union, status=filters.status or "all"))
    qs = selectors.search_in(qs, filters.q)
    key = {"q": filters.q, "union": filters.union, "status": filters.status}
    rows, next_cursor = paging.page(
        qs, kind="members", filters=key, column="name", cursor=filters.cursor, limit=filters.limit
    )
    revealable = set(
        scope.permitted(actor, Member.objects.filter(pk__in=[m.pk for m in rows]), "members.reveal").values_list(
            "pk", flat=True
        )
    )
    return MemberPage(items=[member_out(actor, m, can_reveal=m.pk in revealable) for m in rows], next=next_cursor)


@router.post(
    "/members",
    response=responses(MemberOut, 400, 401, 403, 413, 422),
    url_name="member-create",
    summary="登记入会",
)
def member_create(request, payload: MemberCreate):
    """经与网页相同的入会服务登记会员（校验、会籍记录、审计日志）。"""
    actor = request.auth
    scope.require_perm(actor, "members.change")
    data = payload.dict(exclude_unset=True)
    union = scope.visible(actor, OrgNode).filter(pk=data.pop("union"), kind=Kind.UNION).first()
    if union is None:
        raise ValidationError({"union": ["请选择您有权登记会员的工会。"]})
    if not scope.can(actor, union, "members.change"):
        raise ValidationError({"union": ["请选择您有权登记会员的工会。"]})
    team = _team(actor, data.pop("team", None))
    member = services.member_join(actor=actor, union=union, data=data, team=team)
    return member_out(actor, _member(actor, member.pk))


@router.get(
    "/members/{int:member_id}",
    response=responses(MemberOut, 401, 404, 422),
    url_name="member-detail",
    summary="一个会员",
)
def member_detail(request, path: Path[MemberPath]):
    """一个会员；身份证号和手机号脱敏。"""
    return member_out(request.auth, _member(request.auth, path.member_id))


@router.patch(
    "/members/{int:member_id}",
    response=responses(MemberOut, 400, 401, 403, 404, 413, 422),
    url_name="member-update",
    summary="修改会员信息",
)
def member_update(request, path: Path[MemberPath], payload: MemberPatch):
    """只改请求体中给出的字段；经与网页相同的校验并记入审计日志。"""
    actor = request.auth
    member = _member(actor, path.member_id, "members.change")
    data = payload.dict(exclude_unset=True)
    if "team" in data:
        data["team"] = _team(actor, data["team"])
    services.member_update(actor=actor, member=member, data=data)
    return member_out(actor, _member(actor, member.pk))


@router.post(
    "/members/{int:member_id}/reveal",
    response=responses(RevealOut, 400, 401, 403, 404, 413, 422),
    url_name="member-reveal",
    summary="查看完整身份证号或手机号",
)
def member_reveal(request, path: Path[MemberPath], payload: RevealIn):
    """需要查看个人信息的权限；每次查看都记入审计日志。"""
    actor = request.auth
    member = _member(actor, path.member_id, "members.reveal")
    value = services.member_reveal(actor=actor, member=member, field=payload.field)
    return RevealOut(field=payload.field, value=value)


@router.get(
    "/members/{int:member_id}/memberships",
    response=responses(EventList, 401, 404, 422),
    url_name="member-memberships",
    summary="会籍记录",
)
def member_memberships(request, path: Path[MemberPath]):
    """入会、接转、保留、退会等会籍记录（新的在前）。"""
    actor = request.auth
    member = _member(actor, path.member_id)
    events = selectors.member_events(actor, member).order_by("-on", "-pk")
    return EventList(
        items=[
            EventOut(
                id=e.pk,
                kind=e.kind,
                kind_label=str(e.get_kind_display()),
                on=e.on,
                union_id=e.union_id,
                union_name=e.union.name,
                other_union_id=e.other_union_id,
                other_name=e.other_name,
                reason=e.reason,
            )
            for e in events[:500]
        ]
    )
