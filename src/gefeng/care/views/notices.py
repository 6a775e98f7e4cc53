"""公示: put reviewed files on notice, the printable notice (name, unit, category only), objections,
and the end of the notice (建档)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_GET, require_POST

from gefeng.care import selectors, services
from gefeng.care.models import Notice, NoticeEntry, Objection
from gefeng.care.views._common import post_act
from gefeng.core import scope
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest

REVIEW = services.REVIEW


@require_GET
@login_required
def notice_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, services.VIEW)
    county = selectors.county_for(user, REVIEW)
    return render(
        request,
        "care/notice_list.html",
        {
            "page": paginate(request, selectors.notices(user)),
            "reviewed": list(selectors.reviewed_files(user)[:200]) if county else [],
            "county": county,
        },
    )


@require_POST
@login_required
def notice_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    county = selectors.county_for(user, REVIEW)
    if county is None:
        raise Http404
    ids = [int(x) for x in request.POST.getlist("files") if x.isdigit() and len(x) < 12][:200]
    files = list(selectors.reviewed_files(user).filter(pk__in=ids))
    back = reverse("care:notice-list")

    def do() -> Any:
        return services.notice_create(actor=user, org=county, files=files, title=request.POST.get("title", ""))

    return post_act(request, do, _g("已发布公示。"), back)


def _notice(user: Any, pk: int, perm: str | None = None) -> Notice:
    return scope.get_or_404(user, Notice, perm, pk=pk)


@require_GET
@login_required
def notice_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    notice = _notice(user, pk)
    can_review = scope.can(user, notice, REVIEW)
    return render(
        request,
        "care/notice_detail.html",
        {
            "notice": notice,
            "entries": list(notice.entries.all()[:500]),
            "objections": list(notice.objections.select_related("entry")[:200]) if can_review else [],
            "can_review": can_review,
        },
    )


@require_POST
@login_required
def objection_create(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    notice = _notice(user, pk, REVIEW)
    raw = request.POST.get("entry", "")
    entry = NoticeEntry.objects.filter(notice=notice, pk=int(raw)).first() if raw.isdigit() and len(raw) < 12 else None

    def do() -> Any:
        if entry is None:
            raise ValidationError(_g("请选择异议针对的人员。"))
        return services.objection_add(
            actor=user,
            entry=entry,
            received_on=request.POST.get("received_on"),
            content=request.POST.get("content", ""),
        )

    return post_act(request, do, _g("已登记异议，请核实后处理。"), reverse("care:notice-detail", args=[notice.pk]))


@require_POST
@login_required
def objection_resolve(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    obj = scope.get_or_404(user, Objection.objects.select_related("notice"), REVIEW, pk=pk)
    upheld = request.POST.get("upheld") == "1"

    def do() -> Any:
        return services.objection_resolve(
            actor=user, objection=obj, upheld=upheld, resolution=request.POST.get("resolution", "")
        )

    return post_act(request, do, _g("已处理异议。"), reverse("care:notice-detail", args=[obj.notice_id]))


@require_POST
@login_required
def notice_close(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    notice = _notice(user, pk, REVIEW)
    return post_act(
        request,
        lambda: services.notice_close(actor=user, notice=notice),
        _g("公示结束，无异议的档案已建档。"),
        reverse("care:notice-detail", args=[notice.pk]),
    )
