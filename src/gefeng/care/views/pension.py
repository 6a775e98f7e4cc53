"""Pages of the pension drive (参保扩面): targets, reports, the 人社局's confirmation sheet, gaps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.care import selectors, services
from gefeng.care.forms import ImportForm, TargetForm
from gefeng.care.models import PensionTarget
from gefeng.care.views._common import post_act
from gefeng.core import exports, scope, uploads
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.orgs.models import Kind, OrgNode

VIEW, MANAGE, PENSION = services.VIEW, services.MANAGE, services.PENSION
SHEET = uploads.Policy(kinds=("xlsx",), folder="care/pension", size_setting="CARE_UPLOAD_MB", default_mb=10)


def _year(request: AuthedRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and len(raw) == 4 else dt.date.today().year


@require_GET
@login_required
def pension_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, VIEW)
    year = _year(request)
    gap = request.GET.get("gap") == "1"
    qs = selectors.pension(user, year=year, gap=gap)
    sums = selectors.pension(user, year=year).aggregate(
        target=Sum("target"), reported=Sum("reported"), confirmed=Sum("confirmed")
    )
    return render(
        request,
        "care/pension_list.html",
        {
            "page": paginate(request, qs, default_size=50),
            "year": year,
            "gap": gap,
            "sums": sums,
            "can_manage": selectors.county_for(user) is not None,
            "can_report": scope.has_perm_beyond_self(user, PENSION),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def pension_target(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if selectors.county_for(user) is None:
        raise Http404
    enterprises = scope.permitted(user, OrgNode.objects.filter(kind=Kind.ENTERPRISE), MANAGE).order_by("path")
    form = TargetForm(request.POST or None, enterprises=enterprises, initial={"year": dt.date.today().year})
    if request.method == "POST" and form.is_valid():
        try:
            services.target_set(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已设置参保扩面目标。"))
            return redirect("care:pension-list")
    return render(
        request,
        "care/simple_form.html",
        {"form": form, "title": _g("设置参保扩面目标"), "back": reverse("care:pension-list")},
    )


@require_POST
@login_required
def pension_report(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    target = scope.get_or_404(user, PensionTarget, PENSION, pk=pk)
    count = request.POST.get("reported", "")
    return post_act(
        request,
        lambda: services.report(actor=user, target=target, reported=count),
        _g("已报告参保人数。"),
        reverse("care:pension-list") + f"?year={target.year}",
    )


def _sheet_rows(upload: Any) -> list[list[Any]]:
    from openpyxl import load_workbook

    checked = uploads.check(upload, SHEET)
    checked.upload.seek(0)
    try:
        book = load_workbook(checked.upload, read_only=True, data_only=True)
    except Exception as exc:
        raise ValidationError({"upload": [_g("无法读取该 Excel 文件，请另存为 .xlsx 后重试。")]}) from exc
    sheet = book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(min_row=2, max_row=5001, values_only=True)]
    book.close()
    # The sheet's own columns: 年度, 企业名称, 统一社会信用代码, 确认参保人数, 确认日期 → name, code, count, date.
    return [
        [
            r[1] if len(r) > 1 else "",
            r[2] if len(r) > 2 else "",
            r[3] if len(r) > 3 else "",
            _day(r[4] if len(r) > 4 else ""),
        ]
        for r in rows
    ]


def _day(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value or "")


@require_http_methods(["GET", "POST"])
@login_required
def pension_import(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if selectors.county_for(user) is None:
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None, initial={"year": dt.date.today().year})
    if request.method == "POST" and form.is_valid():
        try:
            rows = _sheet_rows(form.cleaned_data["upload"])
            result = services.confirm_import(actor=user, rows=rows, year=form.cleaned_data["year"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已导入 %(n)s 家企业的确认人数。") % {"n": result["rows"]})
            return redirect(reverse("care:pension-list") + f"?year={form.cleaned_data['year']}")
    return render(request, "care/pension_import.html", {"form": form, "headers": services.PENSION_HEADERS})


@require_GET
@login_required
def pension_export(request: AuthedRequest) -> HttpResponseBase:
    user = request.user
    scope.require_perm(user, VIEW)
    year = _year(request)
    qs = selectors.pension(user, year=year, gap=request.GET.get("gap") == "1")
    return exports.download(
        actor=user,
        action="care.pension.exported",
        filename=f"{year}年参保扩面缺口",
        headers=selectors.PENSION_GAP_HEADERS,
        rows=selectors.pension_rows(qs),
        sheet_name="参保扩面",
        object_type="care.pensiontarget",
        changes={"year": year},
    )
