from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from gefeng.accounts import services
from gefeng.accounts.models import UserSession

# Paths a user whose password must change may still open.
_OPEN_PREFIXES = ("/static/", "/accounts/password/", "/accounts/logout/", "/healthz")


def _to_login(request: HttpRequest, note: str) -> HttpResponse:
    services.logout_user(request, reason=note)
    messages.info(request, "长时间未操作，已自动退出，请重新登录。" if note == "idle" else "会话已结束，请重新登录。")
    url = reverse("accounts:login")
    if request.headers.get("HX-Request"):
        resp = HttpResponse(status=204)
        resp["HX-Redirect"] = url
        return resp
    return redirect(url)


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
            live = UserSession.objects.filter(session_key=request.session.session_key).values(
                "ended_at", "last_seen"
            ).first()
            if live is None or live["ended_at"] is not None:
                return _to_login(request, "forced")
            request.session["gefeng_last"] = now
            if (timezone.now() - live["last_seen"]).total_seconds() > 60:
                UserSession.objects.filter(session_key=request.session.session_key).update(last_seen=timezone.now())
            if services.password_expired(user) and not request.path.startswith(_OPEN_PREFIXES):
                messages.warning(request, "首次登录或密码已到期，请先修改密码。")
                return redirect("accounts:password-change")
        return self.get_response(request)
