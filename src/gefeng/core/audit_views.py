"""The audit log's pages: the list with its filters, the Chinese labels of actions, objects and
changes, and the export (GB/T 22239 安全审计: readable by the audit administrator)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, FieldDoesNotExist
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from gefeng.core import audit, audit_actions, exports, scope, selectors
from gefeng.core.forms import DateInput, StyledFormMixin
from gefeng.core.models import AuditEntry
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest

# The home page of a worker (every role reaching only their own data): the app offering the
# worker's own platform sets it from its AppConfig.ready(), since core imports no app.
WORKER_HOME: Callable[[AuthedRequest], HttpResponse] | None = None


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


# The pages an audited object opens on (model label → URL name taking the primary key).
OBJECT_PAGES = {
    "accounts.user": "accounts:user-detail",
    "orgs.orgnode": "orgs:node-detail",
    "members.member": "members:member-detail",
    "reform.plan": "reform:plan-detail",
    "reform.item": "reform:item-detail",
    "reform.report": "reform:report-detail",
    "supervision.task": "supervision:task-detail",
    "supervision.inspection": "supervision:inspection-detail",
    "supervision.meeting": "supervision:meeting-detail",
    "supervision.circular": "supervision:circular-detail",
    "supervision.evaluation": "supervision:evaluation-detail",
    "supervision.unitscore": "supervision:score-detail",
    "supervision.pilotenterprise": "supervision:pilot-detail",
    "honours.campaign": "honours:campaign-detail",
    "honours.nomination": "honours:nomination-detail",
    "honours.honour": "honours:honour-detail",
    "talent.talentprofile": "talent:profile-detail",
    "allowances.allowancerun": "allowances:run-detail",
}


@lru_cache(maxsize=256)
def object_type_label(object_type: str) -> str:
    """A model label as its Chinese name ("members.member" → "会员")."""
    if object_type == "core.auditentry":
        return _g("审计日志")
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def object_type_choices() -> list[tuple[str, str]]:
    out = [("", _g("全部"))]
    for model in apps.get_models():
        if model.__module__.startswith("gefeng."):
            out.append((model._meta.label_lower, f"{model._meta.verbose_name}"))
    return sorted(out, key=lambda c: (c[0] != "", c[0]))


class AuditFilterForm(StyledFormMixin, forms.Form):
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DateInput())
    actor = forms.CharField(
        label=_("操作人"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"list": "audit-actors", "autocomplete": "off"}),
        help_text=_("从列表选择账号，或输入名称的一部分"),
    )
    # Any code or dotted prefix is accepted (links and old bookmarks); the list offers the named ones.
    action = forms.CharField(label=_("操作"), required=False, max_length=60, widget=forms.Select())
    source = forms.ChoiceField(label=_("来源"), required=False)
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=60, widget=forms.Select())
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)
    object = forms.CharField(label=_("对象名称包含"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actions: list[Any] = [("", _g("全部操作"))]
        chosen = (self.data.get("action") or "").strip()
        known = {code for _group, options in audit_actions.choices() for code, _l in options}
        if chosen and chosen not in known:
            actions.append((chosen, chosen))
        actions += audit_actions.choices()
        self.fields["action"].widget.choices = actions
        types = object_type_choices()
        chosen_type = (self.data.get("object_type") or "").strip()
        if chosen_type and chosen_type not in {c for c, _l in types}:
            types.append((chosen_type, chosen_type))
        self.fields["object_type"].widget.choices = types
        source: Any = self.fields["source"]
        source.choices = [("", _g("全部")), *((k, str(v)) for k, v in SOURCE_LABELS.items())]

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
    """A change key as a label: the model field's name, a reverse relation's model, or our own."""
    try:
        found = apps.get_model(object_type)._meta.get_field(field)
    except (LookupError, ValueError, FieldDoesNotExist):
        found = None
    name = getattr(found, "verbose_name", None)
    if name is None and found is not None and getattr(found, "related_model", None) is not None:
        # A reverse relation (members, recipients, payments …) has no verbose_name of its own.
        name = found.related_model._meta.verbose_name_plural
    if name is None:
        name = CHANGE_LABELS.get(field)
    return str(name) if name is not None else field


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
        audit_actions.label(entry.action),
        object_type_label(entry.object_type) if entry.object_type else "",
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
    links = _object_links(request.user, page.rows)
    rows = [
        {
            "entry": e,
            "changes": change_lines(e),
            "source": SOURCE_LABELS.get(e.source, e.source),
            "action": audit_actions.label(e.action),
            "type": object_type_label(e.object_type) if e.object_type else "",
            "link": links.get((e.object_type, e.object_id)),
        }
        for e in page.rows
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
            "actors": selectors.audit_actor_names(actor=request.user),
        },
    )


def _object_links(user: Any, entries: list[AuditEntry]) -> dict[tuple[str, str], str]:
    """Links to the entries' objects that this viewer may open: one scoped query per object type."""
    wanted: dict[str, set[int]] = {}
    for e in entries:
        if e.object_type in OBJECT_PAGES and e.object_id.isdigit():
            wanted.setdefault(e.object_type, set()).add(int(e.object_id))
    links: dict[tuple[str, str], str] = {}
    for object_type, ids in wanted.items():
        model = apps.get_model(object_type)
        for pk in scope.visible(user, model).filter(pk__in=ids).values_list("pk", flat=True):
            try:
                links[(object_type, str(pk))] = reverse(OBJECT_PAGES[object_type], args=[pk])
            except NoReverseMatch:
                continue
    return links


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
