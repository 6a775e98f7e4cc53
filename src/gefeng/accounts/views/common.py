"""What the account pages share: session keys, login-log reasons, the next-page check."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy

from gefeng.accounts import services
from gefeng.accounts.models import LoginEvent, User

# Session keys. The password step keeps the user id and its time; the second factor must
# follow within PENDING_SECONDS. The TOTP set-up keeps its new secret until it is confirmed.
PENDING = "gefeng_pending_login"
PENDING_SECONDS = 300
TOTP_SETUP = "gefeng_totp_setup"

REASONS = {
    "": gettext_lazy("登录成功"),
    "bad_password": gettext_lazy("用户名或密码错误"),
    "bad_totp": gettext_lazy("动态口令错误"),
    services.REASON_LOCKED: gettext_lazy("已锁定，拒绝登录"),
    services.REASON_UNLOCKED: gettext_lazy("管理员解锁"),
    services.REASON_ADDRESS_UNLOCKED: gettext_lazy("管理员解除地址锁定"),
}
RECENT_FAILURES = 20


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def _with_reasons(events) -> list[LoginEvent]:
    rows = list(events)
    for e in rows:
        e.reason_label = REASONS.get(e.reason, e.reason)
    return rows


def _after_login(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    if services.password_expired(user):
        url = reverse("accounts:password-change")
        return redirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)
    return redirect(next_url or settings.LOGIN_REDIRECT_URL)
