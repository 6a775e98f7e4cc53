"""Pages of aid records: the list, recording aid on a file, approval by a second person,
reversal, and the bank payment file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.care import selectors, services
from gefeng.care.forms import AidForm
from gefeng.care.models import AidRecord, AidRule, AidStatus, HardshipFile
from gefeng.care.views._common import money_columns, post_act
from gefeng.core import exports, scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest

VIEW, HANDLE, MANAGE = services.VIEW, services.HANDLE, services.MANAGE


@require_GET
@login_required
def aid_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, VIEW)
    status = request.GET.get("status", "")
    qs = selectors.aid(user, status=status, q=request.GET.get("q", ""))
    return render(
        request,
        "care/aid_list.html",
        {
            "page": paginate(request, qs),
            "statuses": AidStatus.choices,
            "status": status,
            "can_manage": scope.has_perm_beyond_self(user, MANAGE),
            "year": dt.date.today().year,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def aid_create(request: AuthedRequest, file_pk: int) -> HttpResponse:
    user = request.user
    file = scope.get_or_404(user, HardshipFile.objects.select_related("member", "union"), HANDLE, pk=file_pk)
    rules = AidRule.objects.filter(
        active=True, org__in=[*file.union.ancestors().values_list("pk", flat=True), file.union_id]
    )
    form = AidForm(
        request.POST or None,
        request.FILES or None,
        rules=rules,
        funds=selectors.usable_funds(user, file),
        initial={"given_on": dt.date.today()},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.aid_create(
                actor=user, file=file, rule=d["rule"], fund=d["fund"], amount=d["amount"], given_on=d["given_on"],
                delivered_by=d["delivered_by"], goods=d["goods"], note=d["note"], evidence=d.get("evidence"),
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已登记帮扶记录，待另一名工作人员审批。"))
            return redirect("care:file-detail", pk=file.pk)
    return render(request, "care/aid_form.html", {"form": form, "file": file})


def _aid_act(request: AuthedRequest, pk: int, do: Any, done: str) -> HttpResponse:
    user = request.user
    aid = scope.get_or_404(user, AidRecord, MANAGE, pk=pk)
    return post_act(request, lambda: do(user, aid), done, reverse("care:aid-list"))


@require_POST
@login_required
def aid_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    return _aid_act(request, pk, lambda u, a: services.aid_approve(actor=u, aid=a), _g("已审批，资金台账已登记。"))


@require_POST
@login_required
def aid_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _aid_act(request, pk, lambda u, a: services.aid_reject(actor=u, aid=a, reason=reason), _g("已退回。"))


@require_POST
@login_required
def aid_reverse(request: AuthedRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _aid_act(
        request, pk, lambda u, a: services.aid_reverse(actor=u, aid=a, reason=reason), _g("已冲销，资金已退回台账。")
    )


@require_GET
@login_required
def aid_bank(request: AuthedRequest) -> HttpResponseBase:
    """银行代发: approved cash aid of a year outside campaigns (full accounts for those who manage aid)."""
    user = request.user
    scope.require_perm(user, VIEW)
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and len(raw) == 4 else dt.date.today().year
    qs = (
        selectors.aid(user, status=AidStatus.APPROVED, campaign=False)
        .filter(given_on__year=year, kind__in=services.PAID_KINDS)
        .order_by("given_on", "id")
    )
    reveal = scope.has_perm_beyond_self(user, MANAGE)
    suffix = "" if reveal else "（脱敏）"
    return exports.download(
        actor=user,
        action="care.aid.bank_exported",
        filename=f"{year}年帮扶资金银行代发{suffix}",
        headers=selectors.BANK_HEADERS,
        rows=selectors.bank_rows(qs, reveal=reveal),
        sheet_name="代发明细",
        object_type="care.aidrecord",
        changes=services.export_changes(actor=user, reveal=reveal) | {"year": year},
        money_columns=money_columns(selectors.BANK_HEADERS),
    )
