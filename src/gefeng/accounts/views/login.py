"""Login (password, then the second factor) and logout."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from gefeng.accounts import services
from gefeng.accounts.forms import (
    LoginForm,
    TotpForm,
)
from gefeng.accounts.models import User
from gefeng.accounts.views.common import PENDING, PENDING_SECONDS, _after_login, _safe_next

# ---------------------------------------------------------------- login and logout


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password")
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated:
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.login_check(request, form.cleaned_data["username"], form.cleaned_data["password"])
        if result.error:
            form.add_error(None, result.error)
        elif result.user is not None and result.needs_totp:
            request.session[PENDING] = {"uid": result.user.pk, "at": time.time(), "next": next_url}
            return redirect("accounts:login-totp")
        elif result.user is not None:
            services.login_complete(request, result.user)
            return _after_login(request, result.user, next_url)
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("code")
@never_cache
def login_totp(request: HttpRequest) -> HttpResponse:
    """Second step for accounts with a TOTP: the 6-digit code of the authenticator app."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    pending = request.session.get(PENDING)
    user = None
    if isinstance(pending, dict) and time.time() - float(pending.get("at", 0)) <= PENDING_SECONDS:
        user = User.objects.filter(pk=int(pending.get("uid") or 0), is_active=True, totp_enabled=True).first()
    if user is None:
        if pending is not None:
            request.session.pop(PENDING, None)
            messages.warning(request, _("验证已超时，请重新输入登录名和密码。"))
        return redirect("accounts:login")
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_check(user, form.cleaned_data["code"]):
            next_url = _safe_next(request, pending.get("next") if isinstance(pending, dict) else None)
            del request.session[PENDING]
            services.login_complete(request, user)
            return _after_login(request, user, next_url)
        until = services.lock_status(user.username, getattr(request, "client_ip", ""))
        if until:
            request.session.pop(PENDING, None)
            messages.error(request, services.lock_message(until))
            return redirect("accounts:login")
        form.add_error("code", _("动态口令不正确，请核对手机验证器上当前的 6 位数字。"))
    return render(request, "accounts/login_totp.html", {"form": form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.logout_user(request)
        messages.success(request, _("您已安全退出。"))
    return redirect("accounts:login")
