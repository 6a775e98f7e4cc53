"""Pages of the pension drive (参保扩面): targets, reports, the 人社局's confirmation sheet, gaps."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
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
from gefeng.core.tabular import Column, TabularError
from gefeng.core.tabular.dates import parse_date
from gefeng.core.tabular_isolated import open_table_isolated
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


# The 人社局's confirmation sheet, by its own headers (年度 is read from the form, not the sheet).
PENSION_COLUMNS = [
    Column("name", "企业名称", ("单位名称", "参保单位", "参保单位名称")),
    Column("code", "统一社会信用代码", ("信用代码", "社会信用代码", "单位编号")),
    Column("confirmed", "确认参保人数", ("参保人数", "确认人数", "在职参保人数"), required=True),
    Column("date", "确认日期", ("日期", "确认时间")),
]
MAX_PENSION_ROWS = 5000


def _sheet_rows(upload: Any) -> tuple[list[list[Any]], list[int]]:
    """The sheet's rows as (name, code, count, date) and their lines in the file, read in the
    isolated reader: a damaged or hostile file costs a child process, not the web worker."""
    checked = uploads.check(upload, SHEET)
    fd, path = tempfile.mkstemp(prefix="gefeng-pension-", suffix=".xlsx")
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in checked.upload.chunks():
                out.write(chunk)
        try:
            _sheet, rows = open_table_isolated(
                path, PENSION_COLUMNS, max_bytes=SHEET.max_bytes(), filename=checked.name, compact=("code",)
            )
            listed: list[list[Any]] = []
            numbers: list[int] = []
            for row in rows:
                if len(listed) >= MAX_PENSION_ROWS:
                    raise ValidationError(
                        {"upload": [_g("一次最多导入 %(n)s 行，请分批导入。") % {"n": MAX_PENSION_ROWS}]}
                    )
                v = row.values
                listed.append([v.get("name", ""), v.get("code", ""), v.get("confirmed", ""), _day(v.get("date", ""))])
                numbers.append(row.number)
        except TabularError as exc:
            raise ValidationError({"upload": [str(exc)]}) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
    return listed, numbers


def _day(value: str) -> str:
    """A date cell as 年-月-日 (the reader gives dates as text; Excel serials and 2020/5/1 too)."""
    if not value:
        return ""
    try:
        return parse_date(value).isoformat()
    except ValueError:
        return value


@require_http_methods(["GET", "POST"])
@login_required
def pension_import(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if selectors.county_for(user) is None:
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None, initial={"year": dt.date.today().year})
    if request.method == "POST" and form.is_valid():
        try:
            rows, numbers = _sheet_rows(form.cleaned_data["upload"])
            result = services.confirm_import(actor=user, rows=rows, year=form.cleaned_data["year"], row_numbers=numbers)
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
