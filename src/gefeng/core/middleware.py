from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from gefeng.core.context import RequestInfo, _current, client_ip


class RequestContextMiddleware:
    """Record the client address and browser of each request for the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ip = client_ip(request.META, settings.TRUSTED_PROXIES)
        request.client_ip = ip  # type: ignore[attr-defined]
        info = RequestInfo(ip=ip, user_agent=request.META.get("HTTP_USER_AGENT", "")[:300], source="web")
        token = _current.set(info)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
