"""How the REST API answers errors: always JSON, always in Chinese, always documented.

Every error under /api/ (but the HTML token pages) has the body `{"detail": "…", "errors":
{"字段": ["…"]}}` (`errors` only where input was refused, `__all__` for the request as a whole).
The handlers below cover what the operations raise; `JsonErrorsAPI` turns what django-ninja
answers by itself (a plain-text 405) into the same shape; `handler404` / `handler500` /
`handler400` / `handler403` (wired in `gefeng/urls.py`) cover an unknown path under /api/ and
an error outside the operations. No traceback or exception text ever reaches the client: it goes to the log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import Field

logger = logging.getLogger("django.request")

# What each status means for a client, shown in the OpenAPI document and as `detail`.
STATUS_TEXT: dict[int, str] = {
    200: "成功。",
    400: "请求体不是合法的 JSON。",
    401: "未提供令牌，或令牌无效、已过期、已吊销（请求头 Authorization: Bearer gf_…）。",
    403: "令牌所属用户没有这项操作的权限。",
    404: "不存在，或不在令牌所属用户的数据范围内。",
    405: "该地址不支持这种请求方法（允许的方法见响应头 Allow）。",
    413: "请求体过大。",
    422: "参数或数据有误，errors 按字段列出原因。",
    429: "请求过于频繁，请稍后再试（等待秒数见响应头 Retry-After）。",
    500: "服务器内部错误，已记录，请联系系统管理员。",
}

# The short `detail` of each error body (STATUS_TEXT is the longer, documented sentence).
DETAIL: dict[int, str] = {
    400: "请求体不是合法的 JSON。",
    401: "未认证：令牌缺失、无效、过期或已吊销。",
    403: "没有权限。",
    404: "不存在，或不在您的数据范围内。",
    405: "不支持该请求方法。",
    413: "请求体过大。",
    422: "数据有误。",
    429: "请求过于频繁，请稍后再试。",
    500: "服务器内部错误，已记录。",
}


class Error(Schema):
    """The body of every error answer."""

    detail: str = Field(description="错误说明")
    errors: dict[str, list[str]] | None = Field(
        default=None, description="按字段列出的错误原因（仅 422）；__all__ 指整个请求"
    )


def detail_for(status: int) -> str:
    return DETAIL.get(status, STATUS_TEXT.get(status, "请求未能完成。"))


def error_body(status: int, errors: dict[str, list[str]] | None = None, detail: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": detail or detail_for(status)}
    if errors:
        body["errors"] = errors
    return body


def json_error(status: int, errors: dict[str, list[str]] | None = None, detail: str | None = None) -> HttpResponse:
    response = JsonResponse(
        error_body(status, errors, detail), status=status, json_dumps_params={"ensure_ascii": False}
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="gefeng"'
    return response


def responses(ok: Any, *codes: int) -> dict[int, Any]:
    """The `response=` of an operation: its success model and `Error` for each error it can give.

    500 is listed everywhere: any operation can fail, and its body is JSON too."""
    out: dict[int, Any] = {200: ok}
    for code in (*codes, 500):
        out[code] = Error
    return out


def is_api_path(request: HttpRequest) -> bool:
    """Under /api/ but not the token pages (/api/tokens/, HTML pages for logged-in users)."""
    from django.urls import reverse

    return request.path.startswith("/api/") and not request.path.startswith(reverse("apitokens:token-list"))


# ------------------------------------------------------------------ input errors in Chinese

_TYPE_TEXT = {
    "missing": "必须填写。",
    "int_type": "应为整数。",
    "int_parsing": "应为整数。",
    "int_from_float": "应为整数。",
    "string_type": "应为文本。",
    "date_type": "应为日期（YYYY-MM-DD）。",
    "date_parsing": "应为日期（YYYY-MM-DD）。",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）。",
    "date_from_datetime_inexact": "应为日期（YYYY-MM-DD）。",
    "model_type": "请求体应为 JSON 对象。",
    "model_attributes_type": "请求体应为 JSON 对象。",
    "dict_type": "请求体应为 JSON 对象。",
    "extra_forbidden": "不支持这个字段。",
    "json_invalid": "不是合法的 JSON。",
    "enum": "不是可选的值之一。",
    "literal_error": "不是可选的值之一。",
    "string_pattern_mismatch": "含有不允许的字符。",
}


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in ("greater_than_equal", "greater_than"):
        return f"不能小于{'等于' if kind == 'greater_than' else ''} {ctx.get('ge', ctx.get('gt'))}。"
    if kind in ("less_than_equal", "less_than"):
        return f"不能大于{'等于' if kind == 'less_than' else ''} {ctx.get('le', ctx.get('lt'))}。"
    if kind == "string_too_long":
        return f"不能超过 {ctx.get('max_length')} 个字符。"
    if kind == "string_too_short":
        return "不能为空。" if ctx.get("min_length") == 1 else f"不能少于 {ctx.get('min_length')} 个字符。"
    if kind == "value_error":
        text = str(ctx.get("error", ""))
        return text or "取值无效。"
    return _TYPE_TEXT.get(kind, "取值无效。")


def _field(loc: Iterable[Any], body_params: frozenset[str]) -> str:
    """`("body", "payload", "name")` → "name"; `("query", "page")` → "page"; the body itself → __all__."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form", "file"):
        source = parts.pop(0)
        if source == "body" and parts and parts[0] in body_params:
            parts.pop(0)
    return ".".join(parts) or "__all__"


def chinese_errors(
    errors: list[dict[str, Any]], body_params: frozenset[str] = frozenset({"payload"})
) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for error in errors:
        messages = out.setdefault(_field(error.get("loc", ()), body_params), [])
        text = _message(error)
        if text not in messages:
            messages.append(text)
    return out


def service_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {key: list(value) for key, value in exc.message_dict.items()}
    return {"__all__": list(exc.messages)}


# ------------------------------------------------------------------ the API object


class JsonErrorsAPI(NinjaAPI):
    """A NinjaAPI whose every URL answers errors as JSON.

    django-ninja answers an unsupported method with a plain-text 405 (and the schema pages, GET
    only, with Django's empty one); each URL's view is wrapped so that an error answer that is
    not JSON becomes the JSON error of its status. Redirects (the schema pages send a browser
    without a session to the login page) stay as they are."""

    def _get_urls(self):
        patterns = super()._get_urls()
        for pattern in patterns:
            callback = getattr(pattern, "callback", None)
            if callback is not None:
                pattern.callback = _json_errors(callback)
        return patterns

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                for status, response in operation.get("responses", {}).items():
                    response["description"] = STATUS_TEXT.get(int(status), response.get("description", ""))
        return schema


def _json_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        status = response.status_code
        if status < 400 or response.get("Content-Type", "").startswith("application/json"):
            return response
        replaced = json_error(status)
        if "Allow" in response:
            replaced["Allow"] = response["Allow"]
        return replaced

    for attr in ("csrf_exempt",):
        if hasattr(view, attr):
            setattr(wrapped, attr, getattr(view, attr))
    wrapped.__name__ = getattr(view, "__name__", "api_view")
    wrapped.__doc__ = view.__doc__
    return wrapped


def install(api: NinjaAPI) -> None:
    """Register the JSON error handlers on `api` (replacing django-ninja's English defaults)."""

    def respond(request: HttpRequest, status: int, errors: dict[str, list[str]] | None = None) -> HttpResponse:
        response = api.create_response(request, error_body(status, errors), status=status)
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="gefeng"'
        return response

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return respond(request, 401)

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403)

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404)

    @api.exception_handler(DjangoValidationError)
    def _invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return respond(request, 422, service_errors(exc))

    @api.exception_handler(NinjaValidationError)
    def _invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return respond(request, 422, chinese_errors(exc.errors))

    @api.exception_handler(RequestDataTooBig)
    def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return respond(request, 413)

    @api.exception_handler(Throttled)
    def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        response = respond(request, 429)
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait))
        return response

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # django-ninja raises HttpError(400) for a body it cannot parse as JSON.
        return respond(request, exc.status_code)

    @api.exception_handler(Exception)
    def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error("接口内部错误：%s %s", request.method, request.path, exc_info=exc)
        return respond(request, 500)


# ------------------------------------------------------------------ Django's handlers


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_path(request):
        return json_error(404)
    from gefeng.core.views import error_404

    return error_404(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    if is_api_path(request):
        return json_error(500)
    from gefeng.core.views import error_500

    return error_500(request)


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_path(request):
        if isinstance(exception, RequestDataTooBig):
            return json_error(413)
        return json_error(400, detail="请求无效。")
    from gefeng.core.views import error_400

    return error_400(request, exception)


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_path(request):
        return json_error(403)
    from gefeng.core.views import error_403

    return error_403(request, exception)
