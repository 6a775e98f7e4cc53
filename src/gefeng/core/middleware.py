from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

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


class RequestSizeMiddleware:
    """Refuse a request body larger than `REQUEST_MAX_MB` from its Content-Length, unread.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE leaves file fields out, and its upload handlers write
    the whole body to disk before any view can look at the size: a 300 MB post would be taken
    in full. This runs before anything touches `request.POST` (CSRF, sessions), so a refused
    body is never read; the page says why in Chinese. A body sent without Content-Length is
    empty to Django (WSGI), so there is nothing else to guard."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.REQUEST_MAX_MB * 1024 * 1024
        if length > limit:
            from gefeng.core.tabular import format_size

            html = render_to_string("413.html", {"size": format_size(length), "limit": format_size(limit)})
            return HttpResponse(html, status=413)
        return self.get_response(request)
