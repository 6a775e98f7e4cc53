"""The union's side of the worker's platform: its queue of requests (binding, 入会, 更正, 接转),
the sheet of activation codes and a member's code and card."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import scope
from gefeng.core.forms import add_service_errors
from gefeng.core.types import AuthedRequest
from gefeng.members.models import Member
from gefeng.orgs.models import OrgNode
from gefeng.workers import selectors, services
from gefeng.workers.forms import ReasonForm, TransferClaimForm, TransferStartForm
from gefeng.workers.models import BindRequest, CorrectionRequest, JoinApplication, MemberCard, TransferRequest
from gefeng.workers.views import CHANGE, _qr, _text, _union_user

TABS = (
    ("bind", "绑定申请", BindRequest),
    ("join", "入会申请", JoinApplication),
    ("correction", "更正申请", CorrectionRequest),
    ("transfer", "会员接转", TransferRequest),
)


@require_GET
@login_required
def union_requests(request: AuthedRequest) -> HttpResponse:
    user = _union_user(request)
    tab = request.GET.get("tab", "bind")
    if tab not in {t for t, _l, _m in TABS}:
        tab = "bind"
    tabs = []
    rows: list[Any] = []
    for key, label, model in TABS:
        qs = selectors.pending(user, model)
        tabs.append({"key": key, "label": label, "count": qs.count()})
        if key == tab:
            if model is TransferRequest:
                qs = qs.select_related("from_union", "to_union")
            rows = list(qs.select_related("member")[:200] if model is not JoinApplication else qs[:200])
    return render(
        request,
        "workers/union_requests.html",
        {
            "tab": tab,
            "tabs": tabs,
            "rows": rows,
            "unions": selectors.unions_for(user)[:200],
            "reason_form": ReasonForm(),
        },
    )


def _decide(request: AuthedRequest, model: type[Any], pk: int, tab: str, fn: Any, *, reason: bool) -> HttpResponse:
    user = _union_user(request)
    obj = scope.get_or_404(user, model, CHANGE, pk=pk)
    kwargs: dict[str, Any] = {"actor": user}
    kwargs["application" if model is JoinApplication else "request"] = obj
    if reason:
        kwargs["reason"] = request.POST.get("reason", "")
    try:
        fn(**kwargs)
    except ValidationError as exc:
        messages.error(request, _text(exc))
    else:
        messages.success(request, "已退回，申请人会收到理由。" if reason else "已办理。")
    return redirect(reverse("workers:union-requests") + f"?tab={tab}")


@require_POST
@login_required
def bindrequest_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    return _decide(request, BindRequest, pk, "bind", services.bindrequest_confirm, reason=False)


@require_POST
@login_required
def bindrequest_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    return _decide(request, BindRequest, pk, "bind", services.bindrequest_reject, reason=True)


@require_POST
@login_required
def join_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    return _decide(request, JoinApplication, pk, "join", services.join_approve, reason=False)


@require_POST
@login_required
def join_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    return _decide(request, JoinApplication, pk, "join", services.join_reject, reason=True)


@require_POST
@login_required
def correction_apply(request: AuthedRequest, pk: int) -> HttpResponse:
    return _decide(request, CorrectionRequest, pk, "correction", services.correction_apply, reason=False)


@require_POST
@login_required
def correction_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    return _decide(request, CorrectionRequest, pk, "correction", services.correction_reject, reason=True)


@require_POST
@login_required
def transfer_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    return _decide(request, TransferRequest, pk, "transfer", services.transfer_advance, reason=False)


@require_POST
@login_required
def transfer_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    return _decide(request, TransferRequest, pk, "transfer", services.transfer_reject, reason=True)


@require_http_methods(["GET", "POST"])
@login_required
def transfer_claim(request: AuthedRequest) -> HttpResponse:
    """申请接收: a worker who came to one of the user's enterprises is a member elsewhere."""
    user = _union_user(request)
    form = TransferClaimForm(request.POST or None, unions=selectors.unions_for(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            req = services.transfer_claim(
                actor=user, union=data["union"], name=data["name"], id_number=data["id_number"], note=data["note"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已向{req.from_union.name}发出接转申请，对方转出后由您接收。")
            return redirect(reverse("workers:union-requests") + "?tab=transfer")
    return render(request, "workers/transfer_claim.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def transfer_start(request: AuthedRequest, pk: int) -> HttpResponse:
    """转出到其他工会: the old union starts the transfer; the new union accepts."""
    user, member = _member(request, pk)
    form = TransferStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            req = services.transfer_start(actor=user, member=member, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已办理转出，待{req.to_union.name}接收。")
            return redirect("members:member-detail", pk=member.pk)
    return render(request, "workers/transfer_start.html", {"form": form, "member": member})


def _union_from(user: Any, raw: Any) -> OrgNode | None:
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        return None
    return selectors.unions_for(user).filter(pk=pk).first()


@require_GET
@login_required
def code_sheet(request: AuthedRequest) -> HttpResponse:
    """The printable sheet of live activation codes of one union."""
    user = _union_user(request)
    unions = selectors.unions_for(user)
    union = _union_from(user, request.GET.get("union")) or unions.first()
    codes = list(selectors.live_codes(user, union)[:5000]) if union is not None else []
    bind_url = request.build_absolute_uri(reverse("workers:bind"))
    return render(
        request,
        "workers/code_sheet.html",
        {"union": union, "unions": unions[:200], "codes": codes, "bind_url": bind_url},
    )


@require_POST
@login_required
def codes_issue(request: AuthedRequest) -> HttpResponse:
    user = _union_user(request)
    union = _union_from(user, request.POST.get("union"))
    if union is None:
        messages.error(request, "请选择本单位的工会。")
        return redirect("workers:code-sheet")
    try:
        n = services.codes_issue(actor=user, union=union)
    except ValidationError as exc:
        messages.error(request, _text(exc))
    else:
        messages.success(request, f"已为 {n} 名未绑定的会员生成激活码。")
    return redirect(reverse("workers:code-sheet") + f"?union={union.pk}")


def _member(request: AuthedRequest, pk: int) -> tuple[Any, Member]:
    user = _union_user(request)
    return user, scope.get_or_404(user, Member, CHANGE, pk=pk)


@require_GET
@login_required
def union_member(request: AuthedRequest, pk: int) -> HttpResponse:
    """One member's binding: the account, the live activation code with its QR, the card."""
    _user, member = _member(request, pk)
    code = services.live_code(member)
    ctx: dict[str, Any] = {
        "member": member,
        "code": code,
        "cards": list(MemberCard.objects.filter(member=member, revoked_at__isnull=True)),
    }
    if code is not None:
        ctx["qr"] = _qr(request.build_absolute_uri(reverse("workers:bind")) + f"?code={code.code}", scalable=False)
    return render(request, "workers/union_member.html", ctx)


@require_POST
@login_required
def member_code_issue(request: AuthedRequest, pk: int) -> HttpResponse:
    user, member = _member(request, pk)
    try:
        services.code_issue(actor=user, member=member)
    except ValidationError as exc:
        messages.error(request, _text(exc))
    return redirect("workers:union-member", pk=member.pk)


@require_POST
@login_required
def member_card_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    user, member = _member(request, pk)
    for c in MemberCard.objects.filter(member=member, revoked_at__isnull=True):
        services.card_revoke(actor=user, card=c)
    messages.success(request, "该会员的电子会员证已作废。")
    return redirect("workers:union-member", pk=member.pk)
