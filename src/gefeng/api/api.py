"""REST API v1 (OpenAPI at /api/v1/docs). Every call acts as the token's user, through the same
selectors, services and data scope as the web pages: outsiders get 404, no right 403.

This module holds the API object and its authentication; the operations live in one router per
area: `figures` (me, figures), `orgs`, `members`, `imports`, `applications` (职工申请)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.views.decorators.http import require_GET
from ninja.security import HttpBearer

from gefeng.api import applications as applications_router
from gefeng.api import errors, services
from gefeng.api import figures as figures_router
from gefeng.api import imports as imports_router
from gefeng.api import members as members_router
from gefeng.api import orgs as orgs_router
from gefeng.core.context import set_source


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
        "（errors 仅在 422 时给出）。各接口可能返回的状态码见其响应列表。\n\n"
        "列表按游标翻页：第一页不带 cursor，之后把响应中的 next 作为 cursor 传回，next 为 null 即最后一页。"
        "游标经签名并与查询条件绑定，不能改动或换用到别的查询。\n\n"
        "个人信息：身份证号和手机号一律脱敏，完整的值只能经 POST /members/{id}/reveal 查看，每次记入审计日志。"
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    docs_decorator=_docs_guard,
)
errors.install(api)

api.add_router("", figures_router.router)
api.add_router("", orgs_router.router)
api.add_router("", members_router.router)
api.add_router("", imports_router.router)
api.add_router("", applications_router.router)
