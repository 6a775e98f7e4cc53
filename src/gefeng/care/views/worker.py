"""The worker's pages (phone shell): apply for aid with documents, see the file's state and what
was received. Only the 职工 role, only their own registry entry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_GET, require_http_methods

from gefeng.care import selectors, services
from gefeng.care.forms import ApplyForm
from gefeng.care.models import OPEN_STATES
from gefeng.core import menu, scope
from gefeng.core.forms import add_service_errors
from gefeng.core.types import AuthedRequest
from gefeng.workers.selectors import own_member


def _worker(request: AuthedRequest) -> Any:
    user = request.user
    if not (scope.has_perm(user, services.APPLY) and menu.self_only(user)):
        raise PermissionDenied
    return user


@require_GET
@login_required
def my(request: AuthedRequest) -> HttpResponse:
    user = _worker(request)
    files = list(selectors.own_files(user)[:10])
    return render(
        request,
        "care/my.html",
        {
            "member": own_member(user),
            "files": files,
            "events": {f.pk: list(f.events.all()[:20]) for f in files[:3]},
            "aids": list(selectors.own_aid(user)[:50]),
            "has_open": any(f.state in OPEN_STATES for f in files),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def my_apply(request: AuthedRequest) -> HttpResponse:
    user = _worker(request)
    member = own_member(user)
    if member is None:
        messages.error(request, _g("请先完成实名绑定，再申请帮扶。"))
        return redirect("workers:bind")
    form = ApplyForm(request.POST or None, request.FILES or None, initial={"bank_holder": member.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.file_apply(actor=user, member=member, documents=form.documents(request.FILES), **form.parts())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("申请已提交，工会将在规定时间内入户走访核实。"))
            return redirect("care:my")
    return render(request, "care/my_apply.html", {"form": form, "member": member})
