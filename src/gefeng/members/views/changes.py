"""Membership changes: transfer (接转), retention (保留会籍) and leaving (退会)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from gefeng.core.forms import add_service_errors
from gefeng.core.types import AuthedRequest
from gefeng.members import services
from gefeng.members.forms import (
    LEAVE_SUGGESTIONS,
    LeaveForm,
    RetainForm,
    TransferForm,
    TransferOutForm,
)
from gefeng.members.models import Status
from gefeng.members.views.common import _changeable_unions, _member, _search_unions

# ---------------------------------------------------------------- membership changes


@require_http_methods(["GET", "POST"])
@login_required
def member_transfer(request: AuthedRequest, pk: int) -> HttpResponse:
    """转会: to a union on the platform (found by search) or out of the county (by name)."""
    user = request.user
    member = _member(user, pk, "members.change")
    mode = request.POST.get("mode") if request.method == "POST" else None
    inside = TransferForm(request.POST if mode == "inside" else None, exclude=member.union_id)
    outside = TransferOutForm(request.POST if mode == "outside" else None, prefix="out")
    if mode == "inside" and inside.is_valid():
        data = inside.cleaned_data
        to_union = _changeable_unions(user).filter(pk=data["to_union"]).first()
        if to_union is None:
            inside.add_error("to_union", _("请选择您有权管理的工会。"))
        else:
            try:
                services.member_transfer(
                    actor=user, member=member, to_union=to_union, on=data["on"], reason=data["reason"] or ""
                )
            except ValidationError as exc:
                add_service_errors(inside, exc)
            else:
                messages.success(
                    request,
                    _("已将“%(name)s”转入“%(union)s”。") % {"name": member.name, "union": to_union.name},
                )
                return redirect("members:member-detail", pk=member.pk)
    elif mode == "outside" and outside.is_valid():
        data = outside.cleaned_data
        try:
            services.member_transfer_out(
                actor=user, member=member, to_name=data["to_name"], on=data["on"], reason=data["reason"] or ""
            )
        except ValidationError as exc:
            add_service_errors(outside, exc)
        else:
            messages.success(
                request, _("已办理“%(name)s”转出至“%(to)s”。") % {"name": member.name, "to": data["to_name"]}
            )
            return redirect("members:member-detail", pk=member.pk)
    term = str(inside["q"].value() or "")
    return render(
        request,
        "members/member_transfer.html",
        {
            "member": member,
            "form": inside,
            "out_form": outside,
            "mode": mode,
            "q": term,
            "results": _search_unions(user, term, exclude=member.union_id) if term else [],
            "selected": str(inside["to_union"].value() or ""),
            "live": member.status in (Status.ACTIVE, Status.RETAINED),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def member_retain(request: AuthedRequest, pk: int) -> HttpResponse:
    member = _member(request.user, pk, "members.change")
    form = RetainForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_retain(
                actor=request.user, member=member, reason=form.cleaned_data["reason"], on=form.cleaned_data["on"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已为“%(name)s”办理保留会籍。") % {"name": member.name})
            return redirect("members:member-detail", pk=member.pk)
    return render(
        request,
        "members/member_retain.html",
        {"form": form, "member": member, "active": member.status == Status.ACTIVE},
    )


@require_http_methods(["GET", "POST"])
@login_required
def member_leave(request: AuthedRequest, pk: int) -> HttpResponse:
    member = _member(request.user, pk, "members.change")
    form = LeaveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_leave(
                actor=request.user, member=member, on=form.cleaned_data["on"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已为“%(name)s”办理退会。") % {"name": member.name})
            return redirect("members:member-detail", pk=member.pk)
    return render(
        request,
        "members/member_leave.html",
        {
            "form": form,
            "member": member,
            "live": member.status in (Status.ACTIVE, Status.RETAINED),
            "suggestions": LEAVE_SUGGESTIONS,
        },
    )
