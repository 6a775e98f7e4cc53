"""One's own account: password, profile, second factor."""

from __future__ import annotations

import datetime as dt

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.accounts import selectors, services
from gefeng.accounts.forms import (
    PasswordChangeForm,
    TotpForm,
)
from gefeng.accounts.models import LoginEvent, UserSession
from gefeng.accounts.validators import ComplexityValidator
from gefeng.accounts.views.common import REASONS, TOTP_SETUP, _safe_next, _with_reasons
from gefeng.core.forms import add_service_errors
from gefeng.core.pii import mask_phone
from gefeng.core.types import AuthedRequest

# ---------------------------------------------------------------- own account


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters()
@never_cache
@login_required
def password_change(request: AuthedRequest) -> HttpResponse:
    user = request.user
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    forced = services.password_expired(user)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                actor=user,
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
                keep_session_key=request.session.session_key,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            services.session_rehash(request, user)
            messages.success(request, _("密码已修改。"))
            return redirect(next_url or ("core:home" if forced else "accounts:profile"))
    return render(
        request,
        "accounts/password_change.html",
        {
            "form": form,
            "rules": ComplexityValidator().get_help_text(),
            "forced": forced,
            "next": next_url,
            "max_age": settings.PASSWORD_MAX_AGE_DAYS,
        },
    )


@require_GET
@login_required
def profile(request: AuthedRequest) -> HttpResponse:
    user = request.user
    sessions = selectors.live_sessions(UserSession.objects.filter(user=user)).order_by("-last_seen")[:50]
    events = _with_reasons(LoginEvent.objects.filter(username=user.username).order_by("-at", "-id")[:10])
    expires = None
    if settings.PASSWORD_MAX_AGE_DAYS and user.password_changed_at:
        expires = user.password_changed_at + dt.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)
    return render(
        request,
        "accounts/profile.html",
        {
            "org_label": user.org.name if user.org else "",
            "scope_desc": selectors.scope_description(user),
            "phone": mask_phone(user.phone or ""),
            "sessions": sessions,
            "current_key": request.session.session_key,
            "events": events,
            "reasons": REASONS,
            "expires": expires,
            "totp_form": TotpForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("code")
@never_cache
@login_required
def totp_setup(request: AuthedRequest) -> HttpResponse:
    """Bind an authenticator app: a new secret, shown as a QR code, confirmed with a code."""
    user = request.user
    secret = request.session.get(TOTP_SETUP)
    if not secret or (request.method == "GET" and "renew" in request.GET):
        secret = services.totp_new_secret()
        request.session[TOTP_SETUP] = secret
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_enable(actor=user, secret=secret, code=form.cleaned_data["code"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session.pop(TOTP_SETUP, None)
            messages.success(request, _("动态口令已启用，下次登录时需输入手机验证器上的 6 位数字。"))
            return redirect("accounts:profile")
    uri = services.totp_uri(user, secret)
    qr = mark_safe(segno.make(uri, error="m").svg_inline(scale=4))
    return render(request, "accounts/totp_setup.html", {"form": form, "secret": secret, "qr": qr})


@require_POST
@sensitive_post_parameters("code")
@login_required
def totp_disable(request: AuthedRequest) -> HttpResponse:
    """Turn one's own second factor off; a current code proves the phone is at hand."""
    user = request.user
    if not user.totp_enabled:
        messages.info(request, _("动态口令未启用。"))
        return redirect("accounts:profile")
    form = TotpForm(request.POST)
    if not form.is_valid() or not services.totp_check(user, form.cleaned_data["code"]):
        messages.error(request, _("动态口令不正确，未关闭。手机丢失时请联系安全管理员。"))
        return redirect("accounts:profile")
    services.totp_disable(actor=user, user=user)
    messages.success(request, _("动态口令已关闭。"))
    return redirect("accounts:profile")
