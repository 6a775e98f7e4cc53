"""职工申请 operations of the REST API: the union's queue of binding, 入会, 更正 and 接转
requests, and deciding them.

The same selectors and services as the union's web page (`workers.union_views`): a request is
seen by the officers of the union whose step it is (`scope.permitted(…, "members.change")`);
approving calls the service of that kind (confirm the binding, approve the application, apply the
correction, advance the transfer), rejecting needs a reason the worker sees. Outsiders get 404.
The applicant's ID number and phone are masked, as on the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from ninja import Path, Query, Router, Schema
from pydantic import ConfigDict, Field

from gefeng.api import paging
from gefeng.api.errors import responses
from gefeng.api.types import CursorText, Id, ReasonText
from gefeng.core import scope
from gefeng.members.models import NewFormGroup
from gefeng.workers import services
from gefeng.workers.models import (
    BindRequest,
    CorrectionRequest,
    JoinApplication,
    RequestStatus,
    TransferRequest,
)

CHANGE = "members.change"
MAX_LIMIT = 200
GROUPS = {code: str(label) for code, label in NewFormGroup.choices}

router = Router(tags=["职工申请"])

AppKind = Literal["bind", "join", "correction", "transfer"]
MODELS: dict[str, type[Any]] = {
    "bind": BindRequest,
    "join": JoinApplication,
    "correction": CorrectionRequest,
    "transfer": TransferRequest,
}
LABELS = {"bind": "绑定申请", "join": "入会申请", "correction": "更正申请", "transfer": "会员接转"}
APPROVE: dict[str, Callable[..., Any]] = {
    "bind": services.bindrequest_confirm,
    "join": services.join_approve,
    "correction": services.correction_apply,
    "transfer": services.transfer_advance,
}
REJECT: dict[str, Callable[..., Any]] = {
    "bind": services.bindrequest_reject,
    "join": services.join_reject,
    "correction": services.correction_reject,
    "transfer": services.transfer_reject,
}
KIND_TEXT = "申请种类：bind 绑定申请、join 入会申请、correction 更正申请、transfer 会员接转"


class ApplicationOut(Schema):
    id: int = Field(description="申请编号（在同一种类内唯一）")
    kind: str = Field(description=KIND_TEXT)
    kind_label: str = Field(description="申请种类")
    status: str = Field(description="状态代码（pending 待办理、done 已通过、rejected 已退回、cancelled 已撤回）")
    status_label: str = Field(description="状态")
    step: str = Field(
        description="会员接转的环节代码（release 待原工会转出、accept 待新工会接收、record 待上级工会登记）；其他为空"
    )
    step_label: str = Field(description="会员接转的环节；其他为空")
    union_id: int = Field(description="当前办理的工会编号")
    union_name: str = Field(description="当前办理的工会名称")
    member_id: int | None = Field(description="涉及的会员编号（入会申请批准前为 null）")
    name: str = Field(description="职工姓名")
    id_number: str = Field(description="身份证号（脱敏）")
    phone: str = Field(description="手机号（脱敏；入会申请给出，其他为空）")
    summary: str = Field(description="申请内容：工作单位、更正项目和内容、接转的原工会 → 新工会等")
    reason: str = Field(description="退回理由（未退回为空）")
    created_at: dt.datetime = Field(description="提交时间")
    due_on: dt.date = Field(description="办理期限")
    decided_at: dt.datetime | None = Field(description="办理时间（未办理为 null）")


class ApplicationPage(Schema):
    items: list[ApplicationOut] = Field(description="本页的申请，按提交先后")
    next: str | None = Field(description="下一页的游标（作为 cursor 参数传回）；没有下一页时为 null")


class ApplicationQuery(Schema):
    status: Literal["pending", "all"] = Field(
        "pending", description="pending 只看待本工会办理的（默认）；all 含本工会当前经手的已办申请"
    )
    cursor: CursorText = Field("", description="游标：上一页响应中的 next；第一页不带")
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="每页条数（至多 200）")


class KindPath(Schema):
    kind: AppKind = Field(description=KIND_TEXT)


class ApplicationPath(Schema):
    kind: AppKind = Field(description=KIND_TEXT)
    app_id: Id = Field(description="申请编号")


class RejectIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: ReasonText = Field(description="退回理由（职工在“消息”中看到），1–200 字")


def _out(kind: str, r: Any) -> ApplicationOut:
    phone = ""
    if kind == "join":
        name, id_masked, phone = r.name, r.id_masked, r.phone_masked
        group = GROUPS.get(r.new_form_group, r.new_form_group)
        summary = r.employer_name + (f"（{group}）" if group else "")
    else:
        name, id_masked = r.member.name, r.member.id_masked
        if kind == "transfer":
            summary = f"{r.from_union.name} → {r.to_union.name}（{r.get_origin_display()}）{r.note}"
        elif kind == "correction":
            summary = f"{r.get_field_display()}应为“{r.value}”{('；' + r.note) if r.note else ''}"
        else:
            summary = f"申请账号 {r.user.username}"
    transfer = kind == "transfer"
    return ApplicationOut(
        id=r.pk,
        kind=kind,
        kind_label=LABELS[kind],
        status=r.status,
        status_label=str(r.get_status_display()),
        step=r.step if transfer else "",
        step_label=str(r.get_step_display()) if transfer else "",
        union_id=r.union_id,
        union_name=r.union.name,
        member_id=r.member_id,
        name=name,
        id_number=id_masked,
        phone=phone,
        summary=summary,
        reason=r.reason,
        created_at=r.created_at,
        due_on=r.due_on,
        decided_at=r.decided_at,
    )


def _related(kind: str) -> Any:
    qs = MODELS[kind].objects.select_related("union")
    if kind == "transfer":
        qs = qs.select_related("member", "from_union", "to_union")
    elif kind == "bind":
        qs = qs.select_related("member", "user")
    elif kind == "correction":
        qs = qs.select_related("member")
    return qs


def _one(actor: Any, kind: str, pk: int) -> Any:
    """Outside the actor's sight 404, seen but not the actor's to decide 403."""
    return scope.get_or_404(actor, _related(kind), CHANGE, pk=pk)


@router.get(
    "/applications/{kind}",
    response=responses(ApplicationPage, 401, 403, 422),
    url_name="application-list",
    summary="职工申请列表",
)
def application_list(request, path: Path[KindPath], filters: Query[ApplicationQuery]):
    """令牌用户所在工会要办理的职工申请（与网页“职工申请办理”相同），按提交先后，按游标翻页。"""
    actor = request.auth
    scope.require_perm(actor, CHANGE)
    qs = scope.permitted(actor, _related(path.kind), CHANGE)
    if filters.status == "pending":
        qs = qs.filter(status=RequestStatus.PENDING)
    key = {"kind": path.kind, "status": filters.status}
    rows, next_cursor = paging.page(
        qs, kind="applications", filters=key, column="id", cursor=filters.cursor, limit=filters.limit
    )
    return ApplicationPage(items=[_out(path.kind, r) for r in rows], next=next_cursor)


@router.get(
    "/applications/{kind}/{int:app_id}",
    response=responses(ApplicationOut, 401, 404, 422),
    url_name="application-detail",
    summary="一份职工申请",
)
def application_detail(request, path: Path[ApplicationPath]):
    """一份申请；不在令牌用户办理范围内的为 404。"""
    return _out(path.kind, _one(request.auth, path.kind, path.app_id))


@router.post(
    "/applications/{kind}/{int:app_id}/approve",
    response=responses(ApplicationOut, 400, 401, 403, 404, 413, 422),
    url_name="application-approve",
    summary="办理（同意）",
)
def application_approve(request, path: Path[ApplicationPath]):
    """与网页上的按钮相同：确认绑定、批准入会（登记会员并绑定账号）、按名册规则更正，
    或办理会员接转的当前环节（同意转出、接收转入、登记接转）。已办理的申请为 422。"""
    actor = request.auth
    obj = _one(actor, path.kind, path.app_id)
    arg = "application" if path.kind == "join" else "request"
    APPROVE[path.kind](actor=actor, **{arg: obj})
    return _out(path.kind, _related(path.kind).get(pk=obj.pk))


@router.post(
    "/applications/{kind}/{int:app_id}/reject",
    response=responses(ApplicationOut, 400, 401, 403, 404, 413, 422),
    url_name="application-reject",
    summary="退回",
)
def application_reject(request, path: Path[ApplicationPath], payload: RejectIn):
    """退回申请，理由发给职工。已办理的申请为 422。"""
    actor = request.auth
    obj = _one(actor, path.kind, path.app_id)
    arg = "application" if path.kind == "join" else "request"
    REJECT[path.kind](actor=actor, reason=payload.reason, **{arg: obj})
    return _out(path.kind, _related(path.kind).get(pk=obj.pk))
