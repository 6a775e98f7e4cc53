"""The register of honours (荣誉记录): list, export, record one, its page, certificate, revocation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import exports, scope
from gefeng.core.actions import act
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.honours import selectors, services
from gefeng.honours.forms import (
    HonourFilterForm,
    HonourForm,
    RevokeForm,
)
from gefeng.honours.models import (
    Honour,
)
from gefeng.honours.views._common import (
    certificates_response,
    pk_of,
    reads_campaigns,
)
from gefeng.members.models import Member
from gefeng.orgs.models import OrgNode


def _honour_filters(request: AuthedRequest) -> tuple[HonourFilterForm, selectors.HonourFilters]:
    form = HonourFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.HonourFilters(
        q=(data.get("q") or "").strip(),
        kind=data.get("kind") or "",
        level=data.get("level") or "",
        year=data.get("year"),
        campaign=pk_of(request.GET.get("campaign")),
    )
    return form, filters


@require_GET
@login_required
def honour_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, "honours.view")
    form, filters = _honour_filters(request)
    page = paginate(request, selectors.honour_list(user, filters), default_size=50)
    return render(
        request,
        "honours/honour_list.html",
        {
            "form": form,
            "page": page,
            "can_create": scope.has_perm(user, "honours.manage"),
            "self_only": not reads_campaigns(user),
            "query": request.GET.urlencode(),
        },
    )


EXPORT_HEADERS = ("获得者", "类别", "荣誉称号", "级别", "年度", "授予单位", "授予日期", "单位", "证书编号", "状态")


@require_GET
@login_required
def honour_export(request: AuthedRequest) -> Any:
    user = request.user
    scope.require_perm(user, "honours.view")
    form, filters = _honour_filters(request)
    if request.GET.get("format") != "xlsx":
        query = request.GET.copy()
        query["format"] = "xlsx"
        return render(request, "honours/honour_export.html", {"form": form, "query": query.urlencode()})
    qs = selectors.honour_list(user, filters)

    def rows() -> Any:
        for h in qs.iterator(chunk_size=2000):
            yield (
                h.name,
                h.get_kind_display(),
                h.title,
                h.get_level_display(),
                h.year,
                h.issuer,
                h.awarded_on,
                h.org.name,
                h.certificate_no,
                f"已撤销（{h.revoked_on}）" if h.revoked_on else "有效",
            )

    return exports.download(
        actor=user,
        action="honours.honour.exported",
        object_type="honours.honour",
        object_repr="荣誉记录",
        filename="荣誉记录",
        headers=EXPORT_HEADERS,
        rows=rows(),
        sheet_name="荣誉记录",
        changes={"filters": {k: v for k, v in request.GET.items() if k != "format" and v}},
    )


def _honour(user: Any, pk: int, perm: str | None = None) -> Honour:
    return scope.get_or_404(user, Honour.objects.select_related("org", "person", "campaign"), perm, pk=pk)


@require_GET
@login_required
def honour_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    honour = _honour(user, pk)
    return render(
        request,
        "honours/honour_detail.html",
        {
            "h": honour,
            "can_revoke": honour.revoked_on is None and scope.can(user, honour, "honours.manage"),
            "revoke_form": RevokeForm(initial={"on": dt.date.today()}),
        },
    )


@require_GET
@login_required
def honour_certificate(request: AuthedRequest, pk: int) -> HttpResponse:
    honour = _honour(request.user, pk)
    if honour.revoked_on is not None:
        messages.error(request, _("该荣誉已撤销，不能打印证书。"))
        return redirect("honours:honour-detail", pk=honour.pk)
    return certificates_response(
        request, [honour], f"{honour.name}{honour.title}证书.pdf", reverse("honours:honour-detail", args=[honour.pk])
    )


@require_POST
@login_required
def honour_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    honour = _honour(request.user, pk, "honours.manage")
    form = RevokeForm(request.POST)
    back = reverse("honours:honour-detail", args=[honour.pk])
    if not form.is_valid():
        messages.error(request, _("请填写撤销日期和原因。"))
        return redirect(back)
    return act(
        request,
        lambda: services.honour_revoke(actor=request.user, honour=honour, **form.cleaned_data),
        done=_("已撤销该荣誉。"),
        back=back,
    )


@require_http_methods(["GET", "POST"])
@login_required
def honour_create(request: AuthedRequest) -> HttpResponse:
    """Record an honour conferred by another body (省、市、全国) for a person or a collective."""
    user = request.user
    scope.require_perm(user, "honours.manage")
    form = HonourForm(request.POST or None, initial={"year": dt.date.today().year})
    person = org = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data.get("person"):
            person = scope.visible(user, Member).filter(pk=data["person"]).first()
        if data.get("org"):
            org = scope.permitted(user, OrgNode, "honours.manage").filter(pk=data["org"]).first()
        if data.get("person") and person is None:
            form.add_error(None, _("找不到该会员，或不在您的管理范围内。"))
        else:
            try:
                honour = services.honour_grant(
                    actor=user,
                    person=person,
                    org=org,
                    kind=data["kind"],
                    title=data["title"],
                    level=data["level"],
                    year=data["year"],
                    issuer=data["issuer"],
                    awarded_on=data.get("awarded_on"),
                    certificate_no=data.get("certificate_no") or "",
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已登记荣誉。"))
                return redirect("honours:honour-detail", pk=honour.pk)
    return render(request, "honours/honour_form.html", {"form": form, "person": person, "org": org})


@require_GET
@login_required
def honour_pick(request: AuthedRequest) -> HttpResponse:
    """HTMX: members (by name, pinyin or ID number) or units, for recording an honour."""
    user = request.user
    scope.require_perm(user, "honours.manage")
    term = request.GET.get("q", "").strip()[:50]
    people: list[Member] = []
    collectives: list[OrgNode] = []
    if term:
        from gefeng.members.selectors import MemberFilters, member_list

        people = list(member_list(user, MemberFilters(q=term, status=""))[:20])
        collectives = list(
            scope.permitted(user, OrgNode, "honours.manage")
            .filter(Q(name__startswith=term) | Q(short_name__startswith=term))
            .order_by("path")[:20]
        )
    return render(request, "honours/_honour_pick.html", {"people": people, "collectives": collectives, "term": term})
