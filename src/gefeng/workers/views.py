"""Pages of the worker's platform.

The worker's pages (`self.view`, the 职工 role) use the phone shell `workers/base.html`: a bottom
tab bar 首页 · 办事 · 消息 · 我的, no desktop menu, a small stylesheet of their own. The union's
pages (`members.change`) are ordinary desktop pages: the queue of requests, the printable sheet of
activation codes, one member's code and card. `/verify/<token>/` is public: it answers whether a
scanned member card is valid, with the union and a masked name only.
"""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import menu, notifications, scope
from gefeng.core.forms import add_service_errors
from gefeng.core.types import AuthedRequest
from gefeng.members.models import Member
from gefeng.orgs.models import OrgNode
from gefeng.workers import conf, registry, selectors, services
from gefeng.workers.forms import BindForm, CorrectionForm, JoinForm, ReasonForm, RegisterForm, TransferForm
from gefeng.workers.models import BindRequest, CorrectionRequest, JoinApplication, MemberCard, TransferRequest

CHANGE = services.CHANGE


def _worker(request: AuthedRequest) -> Any:
    user = request.user
    # The worker's own pages: the 职工 role and no other (the system administrator has no record).
    if not (scope.has_perm(user, "self.view") and menu.self_only(user)):
        raise PermissionDenied
    return user


def _union_user(request: AuthedRequest) -> Any:
    user = request.user
    if not scope.has_perm_beyond_self(user, CHANGE) or menu.self_only(user):
        raise PermissionDenied
    return user


def _qr(text: str, *, scalable: bool = True) -> str:
    """The QR code as inline SVG, drawn on the server (no script); `scalable` leaves the size to CSS."""
    svg = segno.make(text, error="m").svg_inline(scale=4, border=2, omitsize=scalable)
    return mark_safe(svg)


def _text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


# ---------------------------------------------------------------- the worker's pages


@require_GET
@login_required
def home(request: AuthedRequest) -> HttpResponse:
    user = _worker(request)
    member = selectors.own_member(user)
    return render(
        request,
        "workers/home.html",
        {
            "tab": "home",
            "member": member,
            "recent": notifications.recent(user, limit=3),
            "unread": notifications.unread_count(user),
            "services": registry.services_for(user)[:4],
        },
    )


@require_GET
@login_required
def service_list(request: AuthedRequest) -> HttpResponse:
    user = _worker(request)
    return render(request, "workers/service_list.html", {"tab": "services", "services": registry.services_for(user)})


@require_GET
@login_required
def message_list(request: AuthedRequest) -> HttpResponse:
    user = _worker(request)
    return render(
        request,
        "workers/message_list.html",
        {
            "tab": "messages",
            "rows": list(notifications.for_user(user)[:50]),
            "unread": notifications.unread_count(user),
        },
    )


@require_POST
@login_required
def message_read(request: AuthedRequest, pk: int) -> HttpResponse:
    user = _worker(request)
    obj = notifications.get_own_or_404(user, pk)
    notifications.mark_read(actor=user, notification=obj)
    return redirect(obj.link or "workers:message-list")


@require_GET
@login_required
def me(request: AuthedRequest) -> HttpResponse:
    user = _worker(request)
    member = selectors.own_member(user)
    ctx: dict[str, Any] = {"tab": "me", "member": member, "requests": selectors.my_requests(user)}
    if member is not None:
        ctx |= {
            "events": selectors.my_events(user, member),
            "honours": selectors.my_honours(user, member),
            "payments": selectors.my_payments(member),
            "card": services.live_card(user),
        }
    return render(request, "workers/me.html", ctx)


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("id_number", "phone", "code")
@never_cache
@login_required
def bind(request: AuthedRequest) -> HttpResponse:
    user = _worker(request)
    if selectors.own_member(user) is not None:
        messages.info(request, "您的账号已绑定会员信息。")
        return redirect("workers:me")
    form = BindForm(request.POST or None, initial={"code": request.GET.get("code", "")[:12]})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        args = {"actor": user, "name": d["name"], "id_number": d["id_number"], "phone": d["phone"]}
        try:
            if d["code"]:
                services.bind_with_code(**args, code=d["code"], consent=d["consent"])
            else:
                services.bind_request(**args, consent=d["consent"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if d["code"]:
                messages.success(request, "绑定成功，已关联您的会员信息。")
                return redirect("workers:card")
            messages.success(request, "已提交，所在工会确认后即绑定成功，结果会发到“消息”。")
            return redirect("workers:me")
    return render(request, "workers/bind.html", {"tab": "services", "form": form, "version": services.CONSENT_VERSION})


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("id_number", "phone")
@never_cache
@login_required
def join(request: AuthedRequest) -> HttpResponse:
    user = _worker(request)
    if selectors.own_member(user) is not None:
        messages.info(request, "您已是工会会员。")
        return redirect("workers:me")
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            app = services.join_apply(
                actor=user,
                name=d["name"],
                id_number=d["id_number"],
                phone=d["phone"],
                town=d["town"],
                employer_name=d["employer_name"],
                group=d["group"],
                consent=d["consent"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"入会申请已提交给{app.union.name}，办理结果会发到“消息”。")
            return redirect("workers:me")
    return render(request, "workers/join.html", {"tab": "services", "form": form, "version": services.CONSENT_VERSION})


@require_http_methods(["GET", "POST"])
@login_required
def correction_create(request: AuthedRequest) -> HttpResponse:
    user = _worker(request)
    member = selectors.own_member(user)
    if member is None:
        messages.info(request, "请先完成实名绑定。")
        return redirect("workers:bind")
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.correction_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "更正申请已提交给所在工会。")
            return redirect("workers:me")
    return render(request, "workers/correction_form.html", {"tab": "me", "form": form, "member": member})


@require_http_methods(["GET", "POST"])
@login_required
def transfer(request: AuthedRequest) -> HttpResponse:
    user = _worker(request)
    member = selectors.own_member(user)
    if member is None:
        messages.info(request, "请先完成实名绑定。")
        return redirect("workers:bind")
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            req = services.transfer_request(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"接转申请已提交：{req.from_union.name} 转出后由 {req.to_union.name} 接收。")
            return redirect("workers:me")
    return render(request, "workers/transfer_form.html", {"tab": "services", "form": form, "member": member})


@require_GET
@never_cache
@login_required
def card(request: AuthedRequest) -> HttpResponse:
    user = _worker(request)
    member = selectors.own_member(user)
    card = services.live_card(user)
    ctx: dict[str, Any] = {"tab": "home", "member": member, "card": card}
    if card is not None and member is not None and member.status in services.LIVE:
        url = request.build_absolute_uri(reverse("verify:card", args=[services.card_token(card)]))
        ctx |= {"qr": _qr(url), "minutes": conf.get("WORKERS_CARD_TOKEN_SECONDS") // 60}
    return render(request, "workers/card.html", ctx)


@require_POST
@login_required
def card_issue(request: AuthedRequest) -> HttpResponse:
    user = _worker(request)
    try:
        services.card_issue(actor=user)
    except ValidationError as exc:
        messages.error(request, _text(exc))
    return redirect("workers:card")


@require_POST
@login_required
def card_revoke(request: AuthedRequest) -> HttpResponse:
    user = _worker(request)
    card = services.live_card(user)
    if card is not None:
        services.card_revoke(actor=user, card=card)
        messages.success(request, "电子会员证已作废，之前的二维码都不再有效。")
    return redirect("workers:card")


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password", "password2")
@never_cache
def register(request: HttpRequest) -> HttpResponse:
    """A worker opens an account (public): then binds or applies to join."""
    if request.user.is_authenticated:
        return redirect("core:home")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user = services.account_register(
                username=d["username"], name=d["name"], phone=d["phone"], password=d["password"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            from gefeng.accounts import services as account_services

            account_services.login_complete(request, user)
            messages.success(request, "注册成功。请完成实名绑定；还不是会员的可以申请入会。")
            return redirect("workers:service-list")
    return render(request, "workers/register.html", {"form": form})


@require_GET
@never_cache
def verify(request: HttpRequest, token: str) -> HttpResponse:
    verdict = services.card_verify(token[:400])
    return render(request, "workers/verify.html", {"verdict": verdict})


# ---------------------------------------------------------------- the union's pages

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
