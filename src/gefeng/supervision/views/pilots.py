"""Pages of 试点企业: the register, export, create and edit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_GET, require_http_methods

from gefeng.core import scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.orgs.models import Kind, OrgNode
from gefeng.reform import selectors as reform_selectors
from gefeng.reform.models import Item
from gefeng.supervision import selectors, services
from gefeng.supervision.forms import (
    PilotForm,
)
from gefeng.supervision.models import (
    PilotEnterprise,
    PilotLevel,
)
from gefeng.supervision.views._common import (
    GET_POST,
    _manager,
    _search,
    _xlsx,
)

# ---------------------------------------------------------------- pilot enterprises


@require_GET
@login_required
def pilot_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, "reform.view")
    q = _search(request)
    level = request.GET.get("level", "")
    level = level if level in PilotLevel.values else ""
    page = paginate(request, selectors.pilots(user, q=q, level=level, active=request.GET.get("active", "")))
    return render(
        request,
        "supervision/pilot_list.html",
        {"page": page, "q": q, "level": level, "levels": PilotLevel.choices, "can_manage": _manager(user)},
    )


@require_GET
@login_required
def pilot_export(request: AuthedRequest) -> HttpResponseBase:
    user = request.user
    scope.require_perm(user, "reform.view")
    qs = selectors.pilots(user, q=_search(request), level=request.GET.get("level", ""))
    headers = ["企业", "所在镇街", "试点级别", "确定日期", "在册", "改革举措", "工作成效", "关联项目"]

    def rows():
        for p in qs.prefetch_related("items").iterator(chunk_size=500):
            yield (
                p.enterprise.name,
                p.enterprise.parent.name if p.enterprise.parent else "",
                p.get_level_display(),
                p.designated_on,
                p.active,
                p.measures,
                p.results,
                "、".join(i.code for i in p.items.all()),
            )

    return _xlsx(request, f"试点企业-{timezone.localdate():%Y%m%d}", headers, rows(), sheet_name="试点企业")


def _pilot_items(user: Any) -> QuerySet[Item]:
    plans = selectors.visible_plans(user)[:3]
    return Item.objects.filter(plan__in=[p.pk for p in plans]).select_related("plan").order_by("-plan__year", "code")


def _find_enterprise(user: Any, text: str) -> tuple[OrgNode | None, str]:
    text = text.strip()
    if not text:
        return None, _g("请填写企业名称或统一社会信用代码。")
    nodes = scope.permitted(user, OrgNode, "reform.manage").filter(kind=Kind.ENTERPRISE)
    found = list(nodes.filter(Q(code=text.upper()) | Q(name=text) | Q(short_name=text))[:2])
    if not found:
        return None, _g("没有找到“%(text)s”，请填写企业全称、简称或统一社会信用代码。") % {"text": text}
    if len(found) > 1:
        return None, _g("“%(text)s”对应多家企业，请填写全称或统一社会信用代码。") % {"text": text}
    return found[0], ""


@require_http_methods(GET_POST)
@login_required
def pilot_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, "reform.manage")
    form = PilotForm(request.POST or None, items=_pilot_items(user), initial={"designated_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        enterprise, problem = _find_enterprise(user, data.pop("enterprise"))
        if problem:
            form.add_error("enterprise", problem)
        else:
            items = data.pop("items")
            try:
                pilot = services.pilot_create(actor=user, enterprise=enterprise, data=data, items=items)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _g("已登记试点企业。"))
                return redirect("supervision:pilot-detail", pk=pilot.pk)
    return render(request, "supervision/pilot_form.html", {"form": form, "pilot": None})


@require_GET
@login_required
def pilot_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    pilot = scope.get_or_404(user, PilotEnterprise.objects.select_related("enterprise__parent"), pk=pk)
    items = list(pilot.items.select_related("plan", "lead_unit").order_by("-plan__year", "code"))
    visible_items = (
        set(reform_selectors.items_visible(user, items[0].plan).values_list("pk", flat=True)) if items else set()
    )
    for i in items:
        i.linkable = i.pk in visible_items  # type: ignore[attr-defined]
    return render(
        request,
        "supervision/pilot_detail.html",
        {
            "pilot": pilot,
            "items": items,
            "can_edit": scope.can(user, pilot, "reform.manage") or scope.can(user, pilot, "reform.report"),
        },
    )


@require_http_methods(GET_POST)
@login_required
def pilot_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    pilot = scope.get_or_404(user, PilotEnterprise.objects.select_related("enterprise"), pk=pk)
    manage = scope.can(user, pilot, "reform.manage")
    if not manage:
        scope.require(user, pilot, "reform.report")
    initial = {f: getattr(pilot, f) for f in services.PILOT_FIELDS} | {"items": list(pilot.items.all())}
    form = PilotForm(request.POST or None, items=_pilot_items(user), editing=True, manage=manage, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        items = data.pop("items", None)
        try:
            services.pilot_update(actor=user, pilot=pilot, data=data, items=items)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已保存。"))
            return redirect("supervision:pilot-detail", pk=pilot.pk)
    return render(request, "supervision/pilot_form.html", {"form": form, "pilot": pilot})
