"""Users: the list, details, creating, editing, roles, resets and unlocks."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.accounts import selectors, services
from gefeng.accounts.forms import (
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
    UserRolesForm,
    business_role_choices,
)
from gefeng.accounts.models import User, UserSession
from gefeng.accounts.roles import DUTY_BUSINESS, ROLES, RoleCode
from gefeng.accounts.views.common import REASONS, RECENT_FAILURES, _with_reasons
from gefeng.core import actions, scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.pii import mask_phone
from gefeng.core.types import AuthedRequest
from gefeng.orgs.models import OrgNode

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
    back = reverse("accounts:user-detail", args=[target.pk])
    if not target.totp_enabled:
        messages.info(request, _("该账号未启用动态口令。"))
        return redirect(back)
    return actions.act(
        request,
        lambda: services.totp_disable(actor=viewer, user=target),
        done=_("已关闭该账号的动态口令。"),
        back=back,
    )
