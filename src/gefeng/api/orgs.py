"""组织 operations of the REST API: the list (page number or cursor), one node, its update."""

from __future__ import annotations

import datetime as dt

from ninja import Path, Query, Router, Schema
from pydantic import ConfigDict, Field

from gefeng.api import paging
from gefeng.api.errors import responses
from gefeng.api.types import (
    AddressText,
    CodeText,
    Count,
    CursorText,
    Id,
    IndustryChoice,
    IsoDate,
    KindChoice,
    NameText,
    OwnershipChoice,
    PageNumber,
    SearchText,
    ShortText,
    absent,
    not_null,
)
from gefeng.core import scope
from gefeng.orgs import selectors as org_selectors
from gefeng.orgs import services as org_services
from gefeng.orgs.models import OrgNode

MAX_PAGE = 200

router = Router(tags=["组织"])


class OrgOut(Schema):
    id: int = Field(description="组织编号")
    parent_id: int | None = Field(description="直接上级的编号（县为 null）")
    kind: str = Field(description="组织类型代码（county 县、town 镇街园区、enterprise 企业、union 工会、team 班组…）")
    name: str = Field(description="名称")
    short_name: str = Field(description="简称")
    code: str = Field(description="行政区划代码或统一社会信用代码")
    industry: str = Field(description="行业门类代码（国民经济行业分类）")
    ownership: str = Field(description="经济类型代码")
    employee_count: int | None = Field(description="职工人数")
    union_founded_on: dt.date | None = Field(description="建会日期")
    valid_from: dt.date | None = Field(description="生效日期")
    valid_to: dt.date | None = Field(description="撤销日期（仍有效为 null）")
    address: str = Field(description="地址")


class OrgPage(Schema):
    items: list[OrgOut] = Field(description="本页的组织")
    page: int = Field(description="页码（按游标翻页时为 1）")
    has_next: bool = Field(description="是否还有下一页")
    next: str | None = Field(description="下一页的游标（作为 cursor 参数传回）；没有下一页时为 null")


class OrgPatch(Schema):
    """部分修改（PATCH）：只改请求体中给出的字段，未给出的保持不变；文本字段用 "" 清空，
    职工人数和建会日期用 null 清空；不认识的字段不接受。"""

    model_config = ConfigDict(extra="forbid")

    name: NameText = absent(description="名称（不能为空）")
    short_name: ShortText = absent(description="简称")
    code: CodeText = absent(description="行政区划代码或统一社会信用代码（校验位不符时 422）")
    industry: IndustryChoice = absent(description="行业门类")
    ownership: OwnershipChoice = absent(description="经济类型")
    employee_count: Count | None = absent(description="职工人数；null 清空")
    union_founded_on: IsoDate | None = absent(description="建会日期（不能晚于今天）；null 清空")
    address: AddressText = absent(description="地址")


class OrgQuery(Schema):
    q: SearchText = Field("", description="名称、简称包含，或代码等于")
    kind: KindChoice = Field("", description="组织类型")
    parent: Id | None = Field(None, description="直接上级的编号", json_schema_extra=not_null)
    page: PageNumber = Field(1, description="页码（给出 cursor 时不用）")
    cursor: CursorText = Field("", description="游标：上一页响应中的 next；给出时按游标翻页，忽略 page")
    size: int = Field(50, ge=1, le=MAX_PAGE, description="每页条数")


class OrgPath(Schema):
    org_id: Id = Field(description="组织编号")


@router.get("/orgs", response=responses(OrgPage, 401, 403, 422), url_name="org-list", summary="组织列表")
def org_list(request, filters: Query[OrgQuery]):
    """一页组织（数据范围内），按层级路径排序。两种翻页：page 页码（页码超出末页时 items 为空），
    或 cursor 游标（第一页不带 cursor，带上响应中的 next 取下一页；游标经签名，不可改动）。"""
    scope.require_perm(request.auth, "orgs.view")
    size, page = filters.size, filters.page
    qs = org_selectors.node_list(request.auth, org_selectors.NodeFilters(q=filters.q, kind=filters.kind))
    if filters.parent is not None:
        qs = qs.filter(parent_id=filters.parent)
    if filters.cursor:
        key = {"q": filters.q, "kind": filters.kind, "parent": filters.parent}
        rows, next_cursor = paging.page(qs, kind="orgs", filters=key, column="path", cursor=filters.cursor, limit=size)
        items = [OrgOut.model_validate(r) for r in rows]
        return OrgPage(items=items, page=1, has_next=next_cursor is not None, next=next_cursor)
    rows = list(qs[(page - 1) * size : page * size + 1])
    has_next = len(rows) > size
    next_cursor = None
    if page == 1 and has_next:
        last = rows[size - 1]
        key = {"q": filters.q, "kind": filters.kind, "parent": filters.parent}
        next_cursor = paging.encode("orgs", key, last.path, last.pk)
    return OrgPage(
        items=[OrgOut.model_validate(r) for r in rows[:size]], page=page, has_next=has_next, next=next_cursor
    )


@router.get("/orgs/{int:org_id}", response=responses(OrgOut, 401, 404, 422), url_name="org-detail", summary="一个组织")
def org_detail(request, path: Path[OrgPath]):
    return scope.get_or_404(request.auth, OrgNode, pk=path.org_id)


@router.patch(
    "/orgs/{int:org_id}",
    response=responses(OrgOut, 400, 401, 403, 404, 413, 422),
    url_name="org-update",
    summary="修改一个组织",
)
def org_update(request, path: Path[OrgPath], payload: OrgPatch):
    """只改请求体中给出的字段（见 OrgPatch）；经与网页相同的校验并记入审计日志。"""
    node = scope.get_or_404(request.auth, OrgNode, "orgs.change", pk=path.org_id)
    return org_services.orgnode_update(actor=request.auth, node=node, **payload.dict(exclude_unset=True))
