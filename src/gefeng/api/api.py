"""REST API v1 (OpenAPI at /api/v1/docs). Every call acts as the token's user, through the same
selectors, services and data scope as the web pages: outsiders get 404, no right 403."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.views.decorators.http import require_GET
from ninja import NinjaAPI, Query, Schema
from ninja.security import HttpBearer

from gefeng.api import services
from gefeng.core import figures, scope
from gefeng.core.context import set_source
from gefeng.orgs import selectors as org_selectors
from gefeng.orgs import services as org_services
from gefeng.orgs.models import OrgNode

MAX_PAGE = 200


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


api = NinjaAPI(
    title="歌风平台接口",
    version="1",
    description="按令牌所属用户的数据范围返回数据。请求头：Authorization: Bearer gf_…",
    auth=TokenAuth(),
    urls_namespace="api",
    docs_decorator=_docs_guard,
)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": "没有权限。"}, status=403)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": "不存在，或不在您的数据范围内。"}, status=404)


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": "数据有误。", "errors": errors}, status=422)


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
    name: str | None = None
    short_name: str | None = None
    code: str | None = None
    industry: str | None = None
    ownership: str | None = None
    employee_count: int | None = None
    union_founded_on: dt.date | None = None
    address: str | None = None


class OrgQuery(Schema):
    q: str = ""
    kind: str = ""
    parent: int | None = None
    page: int = 1
    size: int = 50


@api.get("/me", response=MeOut, url_name="me")
def me(request):
    user = request.auth
    return MeOut(
        username=user.username,
        name=user.name,
        org_id=user.org_id,
        org_name=user.org.name if user.org else None,
        roles=sorted(user.role_codes()),
    )


@api.get("/orgs", response=OrgPage, url_name="org-list")
def org_list(request, filters: Query[OrgQuery]):
    scope.require_perm(request.auth, "orgs.view")
    size = max(1, min(filters.size, MAX_PAGE))
    page = max(1, filters.page)
    qs = org_selectors.node_list(request.auth, org_selectors.NodeFilters(q=filters.q, kind=filters.kind))
    if filters.parent is not None:
        qs = qs.filter(parent_id=filters.parent)
    rows = list(qs[(page - 1) * size : page * size + 1])
    return OrgPage(items=[OrgOut.model_validate(r) for r in rows[:size]], page=page, has_next=len(rows) > size)


@api.get("/orgs/{int:org_id}", response=OrgOut, url_name="org-detail")
def org_detail(request, org_id: int):
    return scope.get_or_404(request.auth, OrgNode, pk=org_id)


@api.patch("/orgs/{int:org_id}", response=OrgOut, url_name="org-update")
def org_update(request, org_id: int, payload: OrgPatch):
    node = scope.get_or_404(request.auth, OrgNode, "orgs.change", pk=org_id)
    return org_services.orgnode_update(actor=request.auth, node=node, **payload.dict(exclude_unset=True))


@api.get("/figures", url_name="figures")
def figures_view(request, year: int | None = None, org: int | None = None):
    """The year's figures for a visible org's subtree (default: the user's top visible node)."""
    scope.require_perm(request.auth, "figures.view")
    if org is not None:
        root = scope.get_or_404(request.auth, OrgNode, pk=org)
    else:
        roots = org_selectors.roots_for(request.auth)
        if not roots:
            raise Http404
        root = roots[0]
    year = year or dt.date.today().year
    if not 1949 <= year <= dt.date.today().year + 1:
        raise ValidationError({"year": ["年份无效。"]})
    return {"org": root.name, "year": year, "figures": figures.compute(root, year)}
