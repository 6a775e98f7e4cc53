from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gefeng.core import figures, scope
from gefeng.orgs import selectors as org_selectors


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    counts = org_selectors.scope_counts(user) if scope.has_perm(user, "orgs.view") else None
    grants = [
        {"role": label} for label in user.role_labels()  # type: ignore[union-attr]
    ]
    return render(request, "core/home.html", {"counts": counts, "grants": grants, "scope_desc": scope_description(user)})


def scope_description(user) -> str:
    from gefeng.accounts.roles import ROLES

    if user.is_superuser:
        return "全部数据（系统管理员）"
    parts = sorted({scope.SCOPE_LABELS[ROLES[c].scope] for c in user.role_codes() if c in ROLES})
    return "、".join(parts) if parts else "无（尚未授权）"


@require_GET
@login_required
def figures_view(request: HttpRequest) -> HttpResponse:
    scope.require_perm(request.user, "figures.view")
    today = dt.date.today()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = max(2000, min(year, today.year + 1))
    roots = org_selectors.roots_for(request.user)
    rows = [{"root": r, "values": figures.compute(r, year)} for r in roots[:1]]
    return render(
        request, "core/figures.html",
        {"year": year, "rows": rows, "names": figures.names(), "years": range(today.year, 2015, -1)},
    )


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def error_400(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "400.html", status=400)
