"""Pages of the labour-model allowances (劳模津贴): kinds and the rule table, yearly runs with
their roster, approval, the bank payment file and the totals report.

Everything hangs on the county node: `allowances.view` (county office, auditor) reads,
`allowances.manage` (county office) writes. Reads through `allowances.selectors`, writes
through `allowances.services`; a refused step comes back as a message on the run's page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.allowances import selectors, services
from gefeng.allowances.forms import KindForm, LineFilterForm, PaidForm, RuleForm, RunCreateForm
from gefeng.allowances.models import LEVEL_ORDER, AllowanceKind, AllowanceRule, AllowanceRun, Level, RunStatus
from gefeng.core import actions, exports, scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest

VIEW, MANAGE = services.VIEW, services.MANAGE


# ---------------------------------------------------------------- kinds and rules


@require_GET
@login_required
def kind_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, VIEW)
    return render(
        request,
        "allowances/kind_list.html",
        {
            "table": selectors.rule_table(user),
            "levels": [Level(level).label for level in LEVEL_ORDER],
            "can_manage": selectors.county_for(user) is not None,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def kind_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, MANAGE)
    county = selectors.county_for(user)
    if county is None:
        raise Http404
    form = KindForm(request.POST or None, initial={"active": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.kind_create(actor=user, org=county, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已新增津贴种类。"))
            return redirect("allowances:kind-list")
    return render(request, "allowances/kind_form.html", {"form": form, "kind": None})


@require_http_methods(["GET", "POST"])
@login_required
def kind_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    kind = scope.get_or_404(user, AllowanceKind, MANAGE, pk=pk)
    initial = {"name": kind.name, "description": kind.description, "order": kind.order, "active": kind.active}
    form = KindForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.kind_update(actor=user, kind=kind, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已保存。"))
            return redirect("allowances:kind-list")
    return render(request, "allowances/kind_form.html", {"form": form, "kind": kind})


@require_http_methods(["GET", "POST"])
@login_required
def rule_create(request: AuthedRequest, kind_pk: int) -> HttpResponse:
    user = request.user
    kind = scope.get_or_404(user, AllowanceKind, MANAGE, pk=kind_pk)
    form = RuleForm(request.POST or None, initial={"living_only": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_save(actor=user, kind=kind, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已新增津贴标准。"))
            return redirect("allowances:kind-list")
    return render(request, "allowances/rule_form.html", {"form": form, "kind": kind, "rule": None})


@require_http_methods(["GET", "POST"])
@login_required
def rule_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    rule = scope.get_or_404(user, AllowanceRule.objects.select_related("kind"), MANAGE, pk=pk)
    fields = ("level", "amount", "effective_from", "living_only", "retired_only", "hardship_only", "note")
    form = RuleForm(request.POST or None, initial={f: getattr(rule, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_save(actor=user, kind=rule.kind, rule=rule, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已保存。"))
            return redirect("allowances:kind-list")
    return render(request, "allowances/rule_form.html", {"form": form, "kind": rule.kind, "rule": rule})


# ---------------------------------------------------------------- runs


@require_GET
@login_required
def run_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, VIEW)
    page = paginate(request, selectors.runs(user))
    return render(
        request,
        "allowances/run_list.html",
        {"page": page, "can_manage": selectors.county_for(user) is not None},
    )


@require_http_methods(["GET", "POST"])
@login_required
def run_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, MANAGE)
    county = selectors.county_for(user)
    if county is None:
        raise Http404
    form = RunCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.run_create(actor=user, org=county, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _g("已生成名单：%(n)s 人，共 %(total)s 元。") % {"n": run.recipients, "total": run.total}
            )
            return redirect("allowances:run-detail", pk=run.pk)
    return render(request, "allowances/run_create.html", {"form": form})


def _run(user: Any, pk: int, perm: str | None = None) -> AllowanceRun:
    qs = AllowanceRun.objects.select_related("org", "prepared_by", "submitted_by", "approved_by", "paid_by")
    return scope.get_or_404(user, qs, perm, pk=pk)


SKIP_LABELS = {
    "deceased": "已故",
    "already_paid": "本年度已由其他批次发放（人次）",
    "not_eligible": "无适用标准或不符合条件",
    "no_bank": "未登记银行账户",
    "no_profile": "没有人才档案（按在世、未退休、无困难认定）",
}


@require_GET
@login_required
def run_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    run = _run(user, pk)
    form = LineFilterForm(request.GET, kinds=list(selectors.kinds(user)[:100]))
    raw = request.GET.get("kind", "")
    kind = int(raw) if raw.isdigit() and len(raw) < 12 else None
    level = request.GET.get("level", "")
    page = paginate(request, selectors.lines(user, run, q=request.GET.get("q", "")[:20], kind=kind, level=level))
    can_manage = scope.can(user, run, MANAGE)
    me = user.pk
    return render(
        request,
        "allowances/run_detail.html",
        {
            "run": run,
            "page": page,
            "form": form,
            "can_manage": can_manage,
            "may_approve": can_manage and me not in (run.prepared_by_id, run.submitted_by_id),
            "skipped": [(SKIP_LABELS.get(k, k), v) for k, v in (run.skipped or {}).items() if v],
            "clashes": services.clashes(run) if run.status in (RunStatus.DRAFT, RunStatus.SUBMITTED) else 0,
            "paid_form": PaidForm(),
            "exportable": run.status in (RunStatus.APPROVED, RunStatus.PAID),
        },
    )


def _act(request: AuthedRequest, pk: int, do: Any, done: str) -> HttpResponse:
    user = request.user
    run = _run(user, pk, MANAGE)
    return actions.act(request, lambda: do(user, run), done=done, back=reverse("allowances:run-detail", args=[run.pk]))


@require_POST
@login_required
def run_rebuild(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda u, r: services.run_rebuild(actor=u, run=r), _g("已重新生成名单。"))


@require_POST
@login_required
def run_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda u, r: services.run_submit(actor=u, run=r), _g("已提交审批。"))


@require_POST
@login_required
def run_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda u, r: services.run_approve(actor=u, run=r), _g("已审批，发放台账已登记。"))


@require_POST
@login_required
def run_return(request: AuthedRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _act(request, pk, lambda u, r: services.run_return(actor=u, run=r, comment=reason), _g("已退回。"))


@require_POST
@login_required
def run_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _act(request, pk, lambda u, r: services.run_cancel(actor=u, run=r, reason=reason), _g("已作废。"))


@require_POST
@login_required
def run_paid(request: AuthedRequest, pk: int) -> HttpResponse:
    form = PaidForm(request.POST)
    paid_on = form.cleaned_data["paid_on"] if form.is_valid() else None
    return _act(request, pk, lambda u, r: services.run_mark_paid(actor=u, run=r, paid_on=paid_on), _g("已登记发放。"))


@require_GET
@login_required
def run_export(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """The bank's batch-payment file (银行代发): full ID and account numbers for those who manage
    the allowances, masked for readers (the auditor). Always audited."""
    user = request.user
    run = _run(user, pk)
    if run.status not in (RunStatus.APPROVED, RunStatus.PAID):
        messages.error(request, _g("批次审批后才能导出银行代发文件。"))
        return redirect("allowances:run-detail", pk=run.pk)
    reveal = scope.can(user, run, MANAGE)
    changes = services.export_changes(actor=user, run=run, reveal=reveal)
    suffix = "" if reveal else "（脱敏）"
    return exports.download(
        actor=user,
        action="allowances.run.payment_file_exported",
        filename=f"{run.title}-银行代发{suffix}",
        headers=selectors.PAYMENT_HEADERS,
        rows=selectors.payment_rows(user, run, reveal=reveal),
        sheet_name="代发明细",
        obj=run,
        object_repr=str(run),
        changes=changes,
        money_columns=_money_columns(selectors.PAYMENT_HEADERS),
    )


def _money_columns(headers: tuple[str, ...] | list[str]) -> list[int]:
    """The columns of amounts (headed 金额…): written as `#,##0.00`."""
    return [i for i, head in enumerate(headers) if "金额" in head]


@require_GET
@login_required
def run_report(request: AuthedRequest, pk: int) -> HttpResponseBase:
    user = request.user
    run = _run(user, pk)
    report = selectors.totals(user, run)
    if request.GET.get("format") == "xlsx":
        headers = selectors.report_headers(report)
        return exports.download(
            actor=user,
            action="allowances.run.report_exported",
            filename=f"{run.title}-汇总表",
            headers=headers,
            rows=selectors.report_rows(report),
            sheet_name="汇总",
            obj=run,
            object_repr=str(run),
            changes=services.export_changes(actor=user, run=run, reveal=False),
            money_columns=_money_columns(headers),
        )
    return render(request, "allowances/run_report.html", {"run": run, "report": report})
