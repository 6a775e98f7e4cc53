"""The caller and the year's figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404
from ninja import Query, Router, Schema
from pydantic import Field

from gefeng.api.errors import responses
from gefeng.api.types import Id, not_null
from gefeng.core import figures, scope
from gefeng.orgs import selectors as org_selectors
from gefeng.orgs.models import OrgNode

FIRST_YEAR, LAST_YEAR = 1949, 2100

router = Router(tags=["用户与统计"])


class MeOut(Schema):
    username: str = Field(description="用户名")
    name: str = Field(description="姓名")
    org_id: int | None = Field(description="所在组织的编号")
    org_name: str | None = Field(description="所在组织的名称")
    roles: list[str] = Field(description="角色代码")


class FiguresQuery(Schema):
    year: int | None = Field(
        None, ge=FIRST_YEAR, le=LAST_YEAR, description="年份（默认今年）", json_schema_extra=not_null
    )
    org: Id | None = Field(None, description="组织编号（默认令牌用户的最高可见组织）", json_schema_extra=not_null)


class FiguresOut(Schema):
    org: str = Field(description="组织名称")
    year: int = Field(description="年份")
    figures: dict[str, Any] = Field(description="指标名 → 数值（个别指标按类别给出一组数值）")


@router.get("/me", response=responses(MeOut, 401), url_name="me", summary="令牌所属用户")
def me(request):
    user = request.auth
    return MeOut(
        username=user.username,
        name=user.name,
        org_id=user.org_id,
        org_name=user.org.name if user.org else None,
        roles=sorted(user.role_codes()),
    )


@router.get("/figures", response=responses(FiguresOut, 401, 403, 404, 422), url_name="figures", summary="年度统计")
def figures_view(request, filters: Query[FiguresQuery]):
    """一个可见组织及其下级的年度统计（默认令牌用户的最高可见组织）。"""
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
