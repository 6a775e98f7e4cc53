from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from gefeng.accounts import services
from gefeng.accounts.models import UserSession

# Requests a page makes by itself (a progress bar polling a job) carry this header; they are not
# activity, so they neither refresh the idle timer nor the session's "last seen".
POLL_HEADER = "X-Gefeng-Poll"
IDLE_MESSAGE = "您因长时间未操作已退出，请重新登录。"
# The idle timer is kept to this many seconds: refreshing it on every request would write the
# session row on every page (on SQLite a write transaction per click, which queues an office).
IDLE_STAMP_SECONDS = 30

# Paths a user whose password must change may still open.
_OPEN_PREFIXES = ("/static/", "/accounts/password/", "/accounts/logout/", "/healthz")


def _note(request: HttpRequest, response: HttpResponse, level: int, text: str) -> HttpResponse:
    """Add a flash message to a response this middleware answers by itself.

    This middleware may sit before MessageMiddleware (settings.MIDDLEWARE), whose storage is
    then not on the request yet and whose process_response never sees our early answer: open
    the storage here and write it into the response, as MessageMiddleware would.
    """
    storage = getattr(request, "_messages", None)
    if storage is not None:
        storage.add(level, text)
        return response
    storage = default_storage(request)
    storage.add(level, text)
    storage.update(response)
    return response


def _to_login(request: HttpRequest, note: str) -> HttpResponse:
    services.logout_user(request, reason=note)
    url = reverse("accounts:login")
    if request.headers.get("HX-Request"):
        resp = HttpResponse(status=204)
        resp["HX-Redirect"] = url
    else:
        resp = redirect(url)
    text = IDLE_MESSAGE if note == "idle" else "会话已结束，请重新登录。"
    return _note(request, resp, messages.INFO, text)


class SessionSecurityMiddleware:
    """Idle timeout, forced logout, and the password-change requirement."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last = request.session.get("gefeng_last", now)
            if now - last > settings.SESSION_IDLE_MINUTES * 60:
                return _to_login(request, "idle")
            live = (
                UserSession.objects.filter(session_key=request.session.session_key)
                .values("ended_at", "last_seen")
                .first()
            )
            if live is None or live["ended_at"] is not None:
                return _to_login(request, "forced")
            polling = bool(request.headers.get(POLL_HEADER))
            if not polling and now - request.session.get("gefeng_last", 0) >= IDLE_STAMP_SECONDS:
                request.session["gefeng_last"] = now
            if not polling and (timezone.now() - live["last_seen"]).total_seconds() > 60:
                UserSession.objects.filter(session_key=request.session.session_key).update(last_seen=timezone.now())
            if services.password_expired(user) and not request.path.startswith(_OPEN_PREFIXES):
                return _note(
                    request,
                    redirect("accounts:password-change"),
                    messages.WARNING,
                    "首次登录、密码被重置或已到期，请先修改密码。",
                )
        return self.get_response(request)
