"""REST API v1 (OpenAPI at /api/v1/docs). Every call acts as the token's user, through the same
selectors, services and data scope as the web pages: outsiders get 404, no right 403."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.views.decorators.http import require_GET
from ninja import Path, Query, Schema
from ninja.security import HttpBearer
from pydantic import ConfigDict, Field

from gefeng.api import errors, services
from gefeng.api.errors import responses
from gefeng.api.types import (
    AddressText,
    CodeText,
    Count,
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
from gefeng.core import figures, scope
from gefeng.core.context import set_source
from gefeng.orgs import selectors as org_selectors
from gefeng.orgs import services as org_services
from gefeng.orgs.models import OrgNode

MAX_PAGE = 200
FIRST_YEAR, LAST_YEAR = 1949, 2100


def _docs_guard(view):
    """The schema and its page: logged-in users, GET only."""
    return require_GET(login_required(view))


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = services.token_user(token)
        if user is None:
            return None
        request.user = user
        set_source("api")
        return user


api = errors.JsonErrorsAPI(
    title="歌风平台接口",
    version="1",
    description=(
        "按令牌所属用户的数据范围返回数据。请求头：Authorization: Bearer gf_…\n\n"
        '出错时一律返回 JSON：{"detail": "说明", "errors": {"字段": ["原因"]}}'
        "（errors 仅在 422 时给出）。各接口可能返回的状态码见其响应列表。"
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    docs_decorator=_docs_guard,
)
errors.install(api)


class MeOut(Schema):
    username: str
    name: str
    org_id: int | None
    org_name: str | None
    roles: list[str]


class OrgOut(Schema):
    id: int
    parent_id: int | None
    kind: str
    name: str
    short_name: str
    code: str
    industry: str
    ownership: str
    employee_count: int | None
    union_founded_on: dt.date | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    address: str


class OrgPage(Schema):
    items: list[OrgOut]
    page: int
    has_next: bool


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
    page: PageNumber = Field(1, description="页码")
    size: int = Field(50, ge=1, le=MAX_PAGE, description="每页条数")


class OrgPath(Schema):
    org_id: Id


class FiguresQuery(Schema):
    year: int | None = Field(
        None, ge=FIRST_YEAR, le=LAST_YEAR, description="年份（默认今年）", json_schema_extra=not_null
    )
    org: Id | None = Field(None, description="组织编号（默认令牌用户的最高可见组织）", json_schema_extra=not_null)


class FiguresOut(Schema):
    org: str
    year: int
    figures: dict[str, Any] = Field(description="指标名 → 数值（个别指标按类别给出一组数值）")


@api.get("/me", response=responses(MeOut, 401), url_name="me", summary="令牌所属用户")
def me(request):
    user = request.auth
    return MeOut(
        username=user.username,
        name=user.name,
        org_id=user.org_id,
        org_name=user.org.name if user.org else None,
        roles=sorted(user.role_codes()),
    )


@api.get("/orgs", response=responses(OrgPage, 401, 403, 422), url_name="org-list", summary="组织列表")
def org_list(request, filters: Query[OrgQuery]):
    """一页组织（数据范围内）；页码超出末页时 items 为空。"""
    scope.require_perm(request.auth, "orgs.view")
    size, page = filters.size, filters.page
    qs = org_selectors.node_list(request.auth, org_selectors.NodeFilters(q=filters.q, kind=filters.kind))
    if filters.parent is not None:
        qs = qs.filter(parent_id=filters.parent)
    rows = list(qs[(page - 1) * size : page * size + 1])
    return OrgPage(items=[OrgOut.model_validate(r) for r in rows[:size]], page=page, has_next=len(rows) > size)


@api.get("/orgs/{int:org_id}", response=responses(OrgOut, 401, 404, 422), url_name="org-detail", summary="一个组织")
def org_detail(request, path: Path[OrgPath]):
    return scope.get_or_404(request.auth, OrgNode, pk=path.org_id)


@api.patch(
    "/orgs/{int:org_id}",
    response=responses(OrgOut, 400, 401, 403, 404, 413, 422),
    url_name="org-update",
    summary="修改一个组织",
)
def org_update(request, path: Path[OrgPath], payload: OrgPatch):
    """只改请求体中给出的字段（见 OrgPatch）；经与网页相同的校验并记入审计日志。"""
    node = scope.get_or_404(request.auth, OrgNode, "orgs.change", pk=path.org_id)
    return org_services.orgnode_update(actor=request.auth, node=node, **payload.dict(exclude_unset=True))


@api.get("/figures", response=responses(FiguresOut, 401, 403, 404, 422), url_name="figures", summary="年度统计")
def figures_view(request, filters: Query[FiguresQuery]):
    """The year's figures for a visible org's subtree (default: the user's top visible node)."""
    scope.require_perm(request.auth, "figures.view")
    if filters.org is not None:
        root = scope.get_or_404(request.auth, OrgNode, pk=filters.org)
    else:
        roots = org_selectors.roots_for(request.auth)
        if not roots:
            raise Http404
        root = roots[0]
    year = filters.year or dt.date.today().year
    return {"org": root.name, "year": year, "figures": figures.compute(root, year)}
