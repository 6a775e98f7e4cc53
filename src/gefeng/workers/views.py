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
from gefeng.workers import conf, registry, selectors, services
from gefeng.workers.forms import BindForm, CorrectionForm, JoinForm, RegisterForm, TransferForm

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
