"""Role grants waiting for the system administrator's confirmation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gefeng.accounts import selectors, services
from gefeng.accounts.models import RoleGrant
from gefeng.accounts.roles import ROLES, RoleCode
from gefeng.core import actions, scope
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest

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
    label = RoleCode(grant.role).label if grant.role in ROLES else grant.role
    if confirm:
        done = _("已确认：%(user)s 获得“%(role)s”角色。") % {"user": grant.user, "role": label}
        return actions.act(
            request,
            lambda: services.rolegrant_confirm(actor=request.user, grant=grant),
            done=done,
            back=reverse("accounts:grant-list"),
        )
    done = _("已拒绝：%(user)s 的“%(role)s”授权。") % {"user": grant.user, "role": label}
    return actions.act(
        request,
        lambda: services.rolegrant_reject(actor=request.user, grant=grant),
        done=done,
        back=reverse("accounts:grant-list"),
    )


@require_POST
@login_required
def grant_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, confirm=True)


@require_POST
@login_required
def grant_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, confirm=False)
