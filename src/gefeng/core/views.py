from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, FieldDoesNotExist
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from gefeng.core import audit, exports, figures, scope, selectors
from gefeng.core.forms import DateInput, StyledFormMixin
from gefeng.core.models import AuditEntry
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.orgs import selectors as org_selectors


@require_GET
@login_required
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    counts = org_selectors.scope_counts(user) if scope.has_perm(user, "orgs.view") else None
    return render(request, "core/home.html", {"counts": counts, "scope_desc": scope_description(user)})


def scope_description(user) -> str:
    from gefeng.accounts.roles import ROLES

    if user.is_superuser:
        return "全部数据（系统管理员）"
    parts = sorted({scope.SCOPE_LABELS[ROLES[c].scope] for c in user.role_codes() if c in ROLES})
    return "、".join(parts) if parts else "无（尚未授权）"


@require_GET
@login_required
def figures_view(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, "figures.view")
    today = dt.date.today()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = max(2000, min(year, today.year + 1))
    roots = org_selectors.roots_for(request.user)
    rows = [{"root": r, "values": figures.compute(r, year)} for r in roots[:1]]
    return render(
        request,
        "core/figures.html",
        {"year": year, "rows": rows, "names": figures.names(), "years": range(today.year, 2015, -1)},
    )


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def error_400(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "400.html", status=400)


# --- 审计日志 (auditors only; 三员分立: the system administrator does not see it) ---------------

SOURCE_LABELS = {
    "web": _("网页"),
    "cli": _("命令行"),
    "job": _("后台任务"),
    "api": _("接口"),
    "system": _("系统"),
}
# Change keys that are not model fields.
CHANGE_LABELS = {
    "roles": _("角色"),
    "superuser": _("系统管理员"),
    "password": _("密码"),
    "filters": _("筛选条件"),
    "format": _("格式"),
    "org": _("所属组织"),
    "kind": _("类型"),
}
EMPTY = _("（空）")
AUDIT_EXPORT_HEADERS = (
    _("时间"),
    _("操作人"),
    _("地址"),
    _("来源"),
    _("操作"),
    _("对象类型"),
    _("对象编号"),
    _("对象"),
    _("变更"),
    _("结果"),
)
AUDIT_EXPORT_FORMATS = ("xlsx", "csv")


class AuditFilterForm(StyledFormMixin, forms.Form):
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DateInput())
    actor = forms.CharField(
        label=_("操作人"),
        required=False,
        max_length=150,
        help_text=_("完整用户名精确匹配，否则按包含查找"),
    )
    action = forms.CharField(
        label=_("操作"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": "orgs.node"}),
        help_text=_("操作代码或其前缀"),
    )
    object_type = forms.CharField(
        label=_("对象类型"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": "orgs.orgnode"}),
    )
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)
    object = forms.CharField(label=_("对象名称包含"), required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return data

    def filters(self) -> selectors.AuditFilters:
        return selectors.AuditFilters(**{k: v for k, v in self.cleaned_data.items() if v not in (None, "")})

    def query(self) -> str:
        """The filters as a query string (for the export links)."""
        return urlencode([(k, self.data[k]) for k in self.fields if self.data.get(k)])


@lru_cache(maxsize=512)
def _field_label(object_type: str, field: str) -> str:
    try:
        return str(apps.get_model(object_type)._meta.get_field(field).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        label = CHANGE_LABELS.get(field)
        return str(label) if label is not None else field


def _value_text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return str(EMPTY)
    if isinstance(value, bool):
        return _g("是") if value else _g("否")
    if isinstance(value, list | tuple):
        return "、".join(_value_text(v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{k}={_value_text(v)}" for k, v in value.items())
    return str(value)


def change_lines(entry: AuditEntry) -> list[str]:
    """The entry's changes as "字段: 旧 → 新" lines (a single value shows as "字段: 值")."""
    changes = entry.changes if isinstance(entry.changes, dict) else {"": entry.changes}
    lines = []
    for field, value in changes.items():
        label = _field_label(entry.object_type, field) if field else ""
        if audit.is_change(value):
            text = f"{_value_text(value['old'])} → {_value_text(value['new'])}"
        else:
            text = _value_text(value)
        lines.append(f"{label}: {text}" if label else text)
    return lines


def _audit_export_row(entry: AuditEntry) -> tuple[Any, ...]:
    return (
        entry.at,
        entry.actor_name,
        entry.ip,
        SOURCE_LABELS.get(entry.source, entry.source),
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.object_repr,
        "\n".join(change_lines(entry)),
        _g("成功") if entry.success else _g("失败"),
    )


@require_GET
@login_required
def audit_list(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, "audit.view")
    form = AuditFilterForm(request.GET)
    valid = form.is_valid()
    qs = selectors.audit_list(actor=request.user, filters=form.filters()) if valid else AuditEntry.objects.none()
    page = paginate(request, qs)
    rows = [
        {"entry": e, "changes": change_lines(e), "source": SOURCE_LABELS.get(e.source, e.source)} for e in page.rows
    ]
    return render(
        request,
        "core/audit_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "valid": valid,
            "export_query": form.query() if valid else "",
        },
    )


@require_GET
@login_required
def audit_export(request: AuthedRequest) -> HttpResponseBase:
    """The filtered log as xlsx or csv; the export is itself written to the log."""
    scope.require_perm(request.user, "audit.view")
    fmt = request.GET.get("format", "xlsx")
    if fmt not in AUDIT_EXPORT_FORMATS:
        raise BadRequest(_g("导出格式只能是 xlsx 或 csv。"))
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        raise BadRequest(_g("筛选条件有误，请返回审计日志页面修改后再导出。"))
    filters = form.filters()
    audit.record(
        actor=request.user,
        action="core.audit.exported",
        object_type="core.auditentry",
        object_repr=_g("审计日志"),
        changes={"filters": filters.as_dict(), "format": fmt},
    )
    rows = _audit_rows(selectors.audit_list(actor=request.user, filters=filters))
    filename = _g("审计日志") + f"-{timezone.localtime():%Y%m%d-%H%M%S}"
    if fmt == "csv":
        return exports.stream_csv(filename, AUDIT_EXPORT_HEADERS, rows)
    return exports.stream_xlsx(filename, AUDIT_EXPORT_HEADERS, rows, sheet_name=_g("审计日志"))


def _audit_rows(qs) -> Iterator[tuple[Any, ...]]:
    for entry in qs.iterator(chunk_size=2000):
        yield _audit_export_row(entry)
