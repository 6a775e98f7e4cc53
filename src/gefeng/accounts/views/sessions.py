"""Live sessions and the login log."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gefeng.accounts import selectors, services
from gefeng.accounts.forms import (
    LoginEventFilterForm,
)
from gefeng.accounts.models import LoginEvent, UserSession
from gefeng.accounts.views.common import REASONS, _safe_next, _with_reasons
from gefeng.core import scope
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest

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
