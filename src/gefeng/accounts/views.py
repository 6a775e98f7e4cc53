"""Pages of accounts: login (with the second factor), logout, passwords, the profile, users,
live sessions and the login log. Reads go through selectors and scope, writes through services."""

from __future__ import annotations

import datetime as dt
import time
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.accounts import selectors, services
from gefeng.accounts.forms import (
    LoginEventFilterForm,
    LoginForm,
    PasswordChangeForm,
    TotpForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
    UserRolesForm,
    business_role_choices,
)
from gefeng.accounts.models import LoginEvent, RoleGrant, User, UserSession
from gefeng.accounts.roles import DUTY_BUSINESS, ROLES, RoleCode
from gefeng.accounts.validators import ComplexityValidator
from gefeng.core import scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.pii import mask_phone
from gefeng.core.types import AuthedRequest
from gefeng.orgs.models import OrgNode

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


# ---------------------------------------------------------------- sessions


@require_POST
@login_required
def session_end(request: AuthedRequest, pk: int) -> HttpResponse:
    """End a session: one's own (any user) or anyone's (sessions.manage)."""
    actor = request.user
    own = UserSession.objects.filter(pk=pk, user=actor).first()
    session = own or scope.get_or_404(actor, UserSession, "sessions.manage", pk=pk)
    if session.session_key == request.session.session_key:
        services.logout_user(request)
        messages.success(request, _("您已退出。"))
        return redirect("accounts:login")
    if session.ended_at is None:
        services.session_end(actor=actor, session=session, reason="self" if own else "forced")
        messages.success(request, _("会话已结束，该设备需重新登录。"))
    default = "accounts:profile" if own else "accounts:session-list"
    return redirect(_safe_next(request, request.POST.get("next")) or default)


@require_GET
@login_required
def session_list(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, "sessions.manage")
    q = request.GET.get("q", "")[:100].strip()
    qs = selectors.live_sessions(scope.permitted(request.user, UserSession, "sessions.manage"))
    if q:
        qs = qs.filter(Q(user__username__icontains=q) | Q(user__name__icontains=q))
    page = paginate(request, qs.order_by("-last_seen", "-id"))
    return render(
        request,
        "accounts/session_list.html",
        {
            "page": page,
            "q": q,
            "current_key": request.session.session_key,
            "idle_minutes": settings.SESSION_IDLE_MINUTES,
        },
    )


# ---------------------------------------------------------------- login log


@require_GET
@login_required
def loginevent_list(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, "loginlog.view")
    form = LoginEventFilterForm(request.GET)
    valid = form.is_valid()
    qs = selectors.login_events(request.user, **form.values()) if valid else LoginEvent.objects.none()
    page = paginate(request, qs)
    page.rows = _with_reasons(page.rows)
    return render(
        request,
        "accounts/loginevent_list.html",
        {
            "form": form,
            "page": page,
            "valid": valid,
            "reasons": REASONS,
            "filtered": any(v for k, v in request.GET.items() if k not in ("page", "size")),
            "locked_addresses": services.locked_addresses(),
            "can_unlock": scope.has_perm(request.user, "accounts.manage"),
            "here": request.get_full_path(),
        },
    )


@require_POST
@login_required
def address_unlock(request: AuthedRequest) -> HttpResponse:
    """Clear one address's lock-out counter (an office gateway locked by several accounts)."""
    scope.require_perm(request.user, "accounts.manage")
    back = _safe_next(request, request.POST.get("next")) or reverse("accounts:loginevent-list")
    ip = request.POST.get("ip", "")[:64]
    try:
        freed = services.address_unlock(actor=request.user, ip=ip)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if freed:
            messages.success(request, _("已解除地址 %(ip)s 的锁定，从该地址可以立即登录。") % {"ip": ip.strip()})
        else:
            messages.info(request, _("地址 %(ip)s 没有被锁定，无需解除。") % {"ip": ip.strip()})
    return redirect(back)


# ---------------------------------------------------------------- users


@require_GET
@login_required
def user_list(request: AuthedRequest) -> HttpResponse:
    viewer = request.user
    scope.require_perm(viewer, "accounts.view")
    values = UserFilterForm(request.GET).values()
    under = None
    missing_org = ""
    if values["under"]:
        under = OrgNode.objects.filter(pk=values["under"]).first()
    elif values["org"]:
        under = selectors.find_org(values["org"])
        missing_org = "" if under else values["org"]
    qs = selectors.user_list(
        viewer, q=values["q"], role=values["role"], under=under, active=values["active"], state=values["state"]
    )
    if missing_org or (values["under"] and under is None):
        qs = qs.none()
    page = paginate(request, qs)
    page.rows = selectors.with_roles(page.rows)
    labels = selectors.org_labels(viewer, [u.org for u in page.rows])
    states = selectors.user_states(page.rows)
    rows = [
        {
            "user": u,
            "org": labels.get(u.org_id or 0, ""),
            "phone": mask_phone(u.phone or ""),
            "states": [(code, *selectors.STATES[code]) for code in states[u.pk]],
        }
        for u in page.rows
    ]
    current = {k: v for k, v in values.items() if v and k != "under"}
    return render(
        request,
        "accounts/user_list.html",
        {
            "form": UserFilterForm(initial=values),
            "page": page,
            "rows": rows,
            "under": under,
            "under_label": selectors.org_label(viewer, under) if under else "",
            "missing_org": missing_org,
            "without_under": "?" + urlencode({k: v for k, v in current.items() if k != "org"}),
            "filtered": any(values.values()),
            "can_create": scope.has_perm(viewer, "accounts.manage"),
        },
    )


@require_GET
@login_required
def user_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    target = scope.get_or_404(viewer, User.objects.select_related("org"), "accounts.view", pk=pk)
    sessions = events = failures = None
    if scope.has_perm(viewer, "sessions.manage"):
        sessions = selectors.live_sessions(
            scope.permitted(viewer, UserSession, "sessions.manage").filter(user=target)
        ).order_by("-last_seen")[:50]
    if scope.has_perm(viewer, "loginlog.view"):
        events = _with_reasons(selectors.login_events(viewer, username=target.username)[:10])
        failures = _with_reasons(
            selectors.login_events(viewer, username=target.username, success=False)[:RECENT_FAILURES]
        )
    locks = services.account_locks(target.username)
    can_manage = scope.can(viewer, target, "accounts.manage")
    admin_account = services.holds_admin_duty(target)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "org_label": selectors.org_label(viewer, target.org),
            "phone": mask_phone(target.phone or ""),
            "locks": locks,
            "account_lock": next((lock for lock in locks if lock.is_account), None),
            "sessions": sessions,
            "events": events,
            "failures": failures,
            "here": request.get_full_path(),
            "reasons": REASONS,
            "current_key": request.session.session_key,
            "can_manage": can_manage,
            "can_reset": can_manage and not admin_account and target.pk != viewer.pk,
            "can_roles": scope.can(viewer, target, "accounts.roles") and target.pk != viewer.pk and not admin_account,
            "pending_roles": [str(RoleCode(c).label) for c in selectors.pending_roles(target) if c in ROLES],
            "admin_account": admin_account,
        },
    )


@require_http_methods(["GET", "POST"])
@never_cache
@login_required
def user_create(request: AuthedRequest) -> HttpResponse:
    """A new account with a generated temporary password, shown once; the user changes it at first login."""
    viewer = request.user
    scope.require_perm(viewer, "accounts.manage")
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = services.temporary_password()
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=viewer,
                username=data["username"],
                name=data["name"],
                org=form.org,
                password=password,
                phone=data["phone"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            form.add_error("org_code", _("您无权在该组织下创建账号。"))
        else:
            return render(
                request,
                "accounts/user_reset_password.html",
                {
                    "target": user,
                    "password": password,
                    "created": True,
                    "can_roles": scope.can(viewer, user, "accounts.roles"),
                },
            )
    return render(request, "accounts/user_create.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def user_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    target = scope.get_or_404(viewer, User.objects.select_related("org"), "accounts.manage", pk=pk)
    initial = {"name": target.name, "org_code": selectors.org_ref(target.org), "is_active": target.is_active}
    form = UserEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        phone = "" if data["clear_phone"] else (data["phone"] or target.phone or "")
        try:
            services.user_update(
                actor=viewer,
                user=target,
                name=data["name"],
                org=form.org,
                phone=phone,
                is_active=data["is_active"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):  # the service names the org "org", the form "org_code"
                exc.error_dict = {("org_code" if k == "org" else k): v for k, v in exc.error_dict.items()}
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("accounts:user-detail", pk=target.pk)
    return render(
        request,
        "accounts/user_edit.html",
        {
            "form": form,
            "target": target,
            "org_label": selectors.org_label(viewer, target.org),
            "phone": mask_phone(target.phone or ""),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def user_roles(request: AuthedRequest, pk: int) -> HttpResponse:
    """Business roles of a user: the security administrator's duty alone (三员分立)."""
    viewer = request.user
    target = scope.get_or_404(viewer, User, "accounts.roles", pk=pk)
    pending = set(selectors.pending_roles(target))
    current = sorted(c for c in target.role_codes() | pending if c in ROLES and ROLES[c].duty == DUTY_BUSINESS)
    form = UserRolesForm(request.POST or None, initial={"roles": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_roles(actor=viewer, user=target, roles=set(form.cleaned_data["roles"]))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if set(selectors.pending_roles(target)) - pending:
                messages.success(request, _("已提交授权，须由系统管理员确认后生效。"))
            else:
                messages.success(request, _("角色已更新。"))
            return redirect("accounts:user-detail", pk=target.pk)
    chosen = set(request.POST.getlist("roles")) if form.is_bound else set(current)
    choices = [
        {
            "code": code,
            "label": label,
            "checked": code in chosen,
            "pending": code in pending,
            "scope": scope.SCOPE_LABELS[ROLES[code].scope],
            "description": ROLES[code].description,
        }
        for code, label in business_role_choices()
    ]
    return render(
        request,
        "accounts/user_roles.html",
        {
            "form": form,
            "target": target,
            "choices": choices,
            "self_edit": target.pk == viewer.pk,
            "admin_account": services.holds_admin_duty(target),
        },
    )


@require_POST
@never_cache
@login_required
def user_reset_password(request: AuthedRequest, pk: int) -> HttpResponse:
    """Set a generated temporary password, shown once on this response and never stored in clear."""
    viewer = request.user
    target = scope.get_or_404(viewer, User, "accounts.manage", pk=pk)
    if target.pk == viewer.pk:
        messages.error(request, _("请在“账号安全”页面修改自己的密码。"))
        return redirect("accounts:user-detail", pk=target.pk)
    password = services.temporary_password()
    try:
        services.password_change(actor=viewer, user=target, new_password=password)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:user-detail", pk=target.pk)
    return render(request, "accounts/user_reset_password.html", {"target": target, "password": password})


@require_POST
@login_required
def user_unlock(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    target = scope.get_or_404(viewer, User, "accounts.manage", pk=pk)
    result = services.user_unlock(actor=viewer, username=target.username)
    if result.addresses:
        messages.success(
            request,
            _("已解锁：账号的失败计数已清零，并解除了 %(n)s 个地址（%(ips)s）的锁定，该账号可以立即重新登录。")
            % {"n": len(result.addresses), "ips": "、".join(result.addresses)},
        )
    else:
        messages.success(request, _("已解锁：账号的失败计数已清零，该账号可以立即重新登录。"))
    return redirect("accounts:user-detail", pk=target.pk)


@require_POST
@login_required
def user_totp_reset(request: AuthedRequest, pk: int) -> HttpResponse:
    """Turn off another user's second factor (a lost phone); they may bind a new one after login."""
    viewer = request.user
    target = scope.get_or_404(viewer, User, "accounts.manage", pk=pk)
    if not target.totp_enabled:
        messages.info(request, _("该账号未启用动态口令。"))
    else:
        try:
            services.totp_disable(actor=viewer, user=target)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已关闭该账号的动态口令。"))
    return redirect("accounts:user-detail", pk=target.pk)


# ---------------------------------------------------------------- pending role grants


@require_GET
@login_required
def grant_list(request: AuthedRequest) -> HttpResponse:
    """Business roles granted in the browser, waiting for the system administrator (三员分立)."""
    scope.require_perm(request.user, "accounts.confirm")
    qs = (
        scope.permitted(request.user, RoleGrant, "accounts.confirm")
        .filter(confirmed_at__isnull=True)
        .select_related("user", "user__org", "granted_by")
        .order_by("granted_at", "id")
    )
    page = paginate(request, qs)
    rows = [
        {
            "grant": g,
            "role": str(RoleCode(g.role).label) if g.role in ROLES else g.role,
            "scope": scope.SCOPE_LABELS[ROLES[g.role].scope] if g.role in ROLES else "",
            "org": selectors.org_label(request.user, g.user.org),
            "own": request.user.pk in (g.granted_by_id, g.user_id),
        }
        for g in page.rows
    ]
    return render(request, "accounts/grant_list.html", {"page": page, "rows": rows})


def _decide(request: AuthedRequest, pk: int, confirm: bool) -> HttpResponse:
    grant = scope.get_or_404(request.user, RoleGrant.objects.select_related("user"), "accounts.confirm", pk=pk)
    try:
        if confirm:
            services.rolegrant_confirm(actor=request.user, grant=grant)
        else:
            services.rolegrant_reject(actor=request.user, grant=grant)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        label = RoleCode(grant.role).label if grant.role in ROLES else grant.role
        if confirm:
            messages.success(request, _("已确认：%(user)s 获得“%(role)s”角色。") % {"user": grant.user, "role": label})
        else:
            messages.success(request, _("已拒绝：%(user)s 的“%(role)s”授权。") % {"user": grant.user, "role": label})
    return redirect("accounts:grant-list")


@require_POST
@login_required
def grant_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, confirm=True)


@require_POST
@login_required
def grant_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, confirm=False)
