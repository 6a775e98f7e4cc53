from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_GET, require_POST

from gefeng.core import audit, exports, reports, scope, tree
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest

# The home page of a worker (every role reaching only their own data): the app offering the
# worker's own platform sets it from its AppConfig.ready(), since core imports no app.
WORKER_HOME: Callable[[AuthedRequest], HttpResponse] | None = None


@require_GET
@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The 工作台: what waits for the user, the dates coming up, recent notifications, shortcuts."""
    from gefeng.core import menu, notifications, workbench

    user = request.user
    recent = notifications.recent(user, limit=5)
    if menu.self_only(user):
        if WORKER_HOME is not None:
            return WORKER_HOME(request)
        return render(request, "core/home_worker.html", {"recent": recent})
    items = workbench.items_for(user)
    shortcuts = [i for section in request_menu(request) for i in section["items"]][:12]
    counts = tree.source().scope_counts(user) if scope.has_perm(user, "orgs.view") else None
    return render(
        request,
        "core/home.html",
        {
            "counts": counts,
            "scope_desc": scope_description(user),
            "todo": [i for i in items if i["kind"] == workbench.TODO],
            "remind": [i for i in items if i["kind"] == workbench.REMIND],
            "deadlines": workbench.deadlines_for(user),
            "recent": recent,
            "shortcuts": shortcuts,
        },
    )


def request_menu(request: AuthedRequest) -> list[dict[str, Any]]:
    from gefeng.core.menu import menu_for

    return menu_for(request.user, request.path)


@require_GET
@login_required
def notification_list(request: AuthedRequest) -> HttpResponse:
    """通知: the user's own notifications, unread first-class, newest first."""
    from gefeng.core import notifications

    only_unread = request.GET.get("unread") == "1"
    qs = notifications.unread(request.user) if only_unread else notifications.for_user(request.user)
    return render(
        request,
        "core/notification_list.html",
        {"page": paginate(request, qs), "only_unread": only_unread},
    )


@require_POST
@login_required
def notification_read(request: AuthedRequest, pk: int) -> HttpResponse:
    """Mark one notification read; with `go`, open its link."""
    from gefeng.core import notifications

    obj = notifications.get_own_or_404(request.user, pk)
    notifications.mark_read(actor=request.user, notification=obj)
    if request.POST.get("go") and obj.link:
        return redirect(obj.link)
    return redirect("core:notification-list")


@require_POST
@login_required
def notification_read_all(request: AuthedRequest) -> HttpResponse:
    from gefeng.core import notifications

    n = notifications.mark_all_read(actor=request.user)
    messages.success(request, _g("已将 %(n)s 条通知标为已读。") % {"n": n})
    return redirect("core:notification-list")


def scope_description(user) -> str:
    if user.is_superuser:
        return "全部数据（系统管理员）"
    parts = sorted({scope.SCOPE_LABELS[g.scope] for g in scope.grants(user)})
    return "、".join(parts) if parts else "无（尚未授权）"


@require_GET
@login_required
def figures_view(request: AuthedRequest) -> HttpResponse:
    """年度数据: every figure of an org's subtree for a year, with the year before (docs/reports.md)."""
    scope.require_perm(request.user, "figures.view")
    year, root, choices, invalid_year = _figures_params(request)
    context: dict[str, Any] = {
        "year": year,
        "previous_year": year - 1,
        "years": reports.year_choices(),
        "root": root,
        "org_choices": choices,
        "invalid_year": invalid_year,
        "sections": reports.figures_report(root, year) if root is not None else [],
        "export_query": urlencode({"year": year, "org": root.pk}) if root is not None else "",
    }
    return render(request, "core/figures.html", context)


@require_GET
@login_required
def figures_export(request: AuthedRequest) -> HttpResponseBase:
    """年度数据 as an xlsx sheet (numbers stay numbers); the export is written to the audit log."""
    scope.require_perm(request.user, "figures.view")
    year, root, _choices, _invalid = _figures_params(request)
    if root is None:
        raise Http404
    sections = reports.figures_report(root, year)
    audit.record(
        actor=request.user,
        action="core.figures.exported",
        obj=root,
        object_repr=f"{root.name} {year} 年度数据",
        changes={"year": year, "format": "xlsx"},
    )
    filename = f"{root.name}-{year}年度数据"
    return exports.stream_xlsx(
        filename, reports.export_headers(year), reports.figure_rows(sections), sheet_name=_g("年度数据")
    )


def _figures_params(request: AuthedRequest) -> tuple[int, Any, list[tuple[Any, bool]], bool]:
    """The year (default: the last complete one), the org (default: the user's top visible node;
    one outside the user's scope is a 404) and the orgs offered in the picker (node, indented)."""
    raw_year = request.GET.get("year", "")
    year = reports.parse_year(raw_year) if raw_year else None
    invalid_year = bool(raw_year) and year is None
    if year is None:
        year = reports.default_year()
    orgs = tree.source()
    roots = orgs.roots_for(request.user)
    raw_org = request.GET.get("org", "").strip()
    root: Any
    if raw_org:
        if not (raw_org.isascii() and raw_org.isdigit() and len(raw_org) < 19):
            raise Http404
        root = scope.get_or_404(request.user, orgs.model, pk=int(raw_org))
    else:
        root = roots[0] if roots else None
    choices: list[tuple[Any, bool]] = []
    for top in roots:
        choices.append((top, False))
        choices += [(c, True) for c in orgs.children(request.user, top, limit=FIGURES_PICKER_LIMIT)[0]]
    if root is not None and root.pk not in {c.pk for c, _indent in choices}:
        choices.insert(0, (root, False))
    return year, root, choices, invalid_year


# Orgs offered under each top node in the 年度数据 picker (a county has a few dozen towns and
# member units); any other visible org opens through ?org=<id>.
FIGURES_PICKER_LIMIT = 200


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


# --- 审计日志 (auditors only; 三员分立: the system administrator does not see it) ---------------
