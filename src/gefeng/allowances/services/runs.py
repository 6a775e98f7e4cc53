"""The yearly run: build, submit, return, approve (writing the ledger), mark paid, cancel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from gefeng.allowances.models import (
    AllowanceRun,
    Payment,
    RunLine,
    RunStatus,
)
from gefeng.allowances.services.roster import _build_lines, _clean_run
from gefeng.allowances.services.rules import MANAGE, _kind_of_org, _require, rules_for_year
from gefeng.core import actors, audit, scope
from gefeng.core.actors import accepts_system
from gefeng.core.validators import clean_text
from gefeng.orgs.models import OrgNode


@accepts_system
@transaction.atomic
def run_create(
    *, actor: Any, org: OrgNode, year: Any, as_of: Any = None, title: Any = "", note: Any = ""
) -> AllowanceRun:
    """Start a run and build its roster (a draft). Another run of the same year is allowed (a
    supplement, after people were added to the register): it leaves out everyone already paid."""
    _require(actor, org)
    _kind_of_org(org)
    year_i, as_of_d, title_s = _clean_run(year, as_of, title)
    if not rules_for_year(org, year_i):
        raise ValidationError({"year": [f"{year_i}年没有适用的津贴标准，请先在“津贴种类与标准”中设置。"]})
    run = AllowanceRun.objects.create(
        org=org,
        year=year_i,
        as_of=as_of_d,
        title=title_s,
        note=clean_text(note)[:2000] if note else "",
        prepared_by=actors.user_of(actor),
        built_at=timezone.now(),
    )
    result = _build_lines(run)
    run.recipients, run.total, run.skipped = result["recipients"], result["total"], result["skipped"]
    run.save(update_fields=["recipients", "total", "skipped", "updated_at"])
    audit.record(
        actor=actor,
        action="allowances.run.created",
        obj=run,
        changes={"year": year_i, "as_of": as_of_d, "recipients": run.recipients, "total": run.total},
    )
    return run


def _locked(run: AllowanceRun) -> AllowanceRun:
    return AllowanceRun.objects.select_for_update().select_related("org").get(pk=run.pk)


def _status_error(run: AllowanceRun, doing: str) -> ValidationError:
    return ValidationError(
        f"该批次当前状态为“{run.get_status_display()}”，不能{doing}（可能已由他人处理，请刷新页面）。"
    )


@accepts_system
@transaction.atomic
def run_rebuild(*, actor: Any, run: AllowanceRun) -> AllowanceRun:
    """Build a draft's roster again (after the register, profiles or rules changed)."""
    _require(actor, run)
    run = _locked(run)
    if run.status != RunStatus.DRAFT:
        raise _status_error(run, "重新生成名单")
    result = _build_lines(run)
    before = {"recipients": run.recipients, "total": run.total}
    run.recipients, run.total, run.skipped = result["recipients"], result["total"], result["skipped"]
    run.prepared_by, run.built_at = actors.user_of(actor), timezone.now()
    run.save()
    audit.record(
        actor=actor,
        action="allowances.run.rebuilt",
        obj=run,
        changes=audit.diff(before, {"recipients": run.recipients, "total": run.total}),
    )
    return run


@accepts_system
@transaction.atomic
def run_submit(*, actor: Any, run: AllowanceRun) -> AllowanceRun:
    _require(actor, run)
    run = _locked(run)
    if run.status != RunStatus.DRAFT:
        raise _status_error(run, "提交审批")
    if not run.lines.exists():
        raise ValidationError("名单为空，不能提交审批。")
    missing = run.lines.filter(bank_account="").values("person").distinct().count()
    if missing:
        raise ValidationError(f"名单中有 {missing} 人未登记银行账户，请先在人才库补录后重新生成名单。")
    run.status, run.submitted_by, run.submitted_at = RunStatus.SUBMITTED, actors.user_of(actor), timezone.now()
    run.save()
    audit.record(actor=actor, action="allowances.run.submitted", obj=run, changes={"status": RunStatus.SUBMITTED})
    return run


@accepts_system
@transaction.atomic
def run_return(*, actor: Any, run: AllowanceRun, comment: Any = "") -> AllowanceRun:
    """Send a submitted run back to draft (the approver disagrees)."""
    _require(actor, run)
    run = _locked(run)
    if run.status != RunStatus.SUBMITTED:
        raise _status_error(run, "退回")
    text = clean_text(comment)[:500] if comment else ""
    if not text:
        raise ValidationError({"comment": ["请填写退回理由。"]})
    run.status, run.submitted_by, run.submitted_at = RunStatus.DRAFT, None, None
    run.save()
    audit.record(actor=actor, action="allowances.run.returned", obj=run, changes={"comment": text})
    return run


def clashes(run: AllowanceRun) -> int:
    """Lines of `run` whose person was already paid the kind this year (by another run)."""
    paid = Payment.objects.filter(year=run.year, person_id=OuterRef("person_id"), kind_id=OuterRef("kind_id"))
    return RunLine.objects.filter(run=run).filter(Exists(paid)).count()


CLASH_MESSAGE = "名单中有 {n} 人次在{year}年已由其他批次发放同一种津贴，不能重复发放。请将本批次退回并重新生成名单。"


@accepts_system
@transaction.atomic
def run_approve(*, actor: Any, run: AllowanceRun) -> AllowanceRun:
    """Approve a submitted run: another officer than the one who prepared or submitted it. Writes
    the payment ledger; a person is never paid twice for the same kind and year.

    Rule: four eyes (经办与审批分离) — the preparer and the submitter may not approve; a local
    control of this platform, no setting. The ledger allows one payment per person, kind and year.
    """
    _require(actor, run)
    run = _locked(run)
    if run.status != RunStatus.SUBMITTED:
        raise _status_error(run, "审批")
    me = getattr(actor, "pk", None)
    if me is not None and me in (run.prepared_by_id, run.submitted_by_id):
        raise ValidationError("审批人不能是名单的制表人或提交人，请由另一名工作人员审批。")
    n = clashes(run)
    if n:
        raise ValidationError(CLASH_MESSAGE.format(n=n, year=run.year))
    payments = [
        Payment(
            person_id=line.person_id,
            kind_id=line.kind_id,
            year=run.year,
            amount=line.amount,
            run=run,
            line=line,
            org_id=line.org_id,
        )
        for line in RunLine.objects.filter(run=run).only("pk", "person_id", "kind_id", "amount", "org_id")
    ]
    try:
        with transaction.atomic():
            Payment.objects.bulk_create(payments, batch_size=1000)
    except IntegrityError as exc:
        # Another run of the same year was approved at the same moment: the ledger refused.
        raise ValidationError(CLASH_MESSAGE.format(n="部分", year=run.year)) from exc
    run.status, run.approved_by, run.approved_at = RunStatus.APPROVED, actors.user_of(actor), timezone.now()
    run.save()
    audit.record(
        actor=actor,
        action="allowances.run.approved",
        obj=run,
        changes={"recipients": run.recipients, "total": run.total, "payments": len(payments)},
    )
    return run


@accepts_system
@transaction.atomic
def run_mark_paid(*, actor: Any, run: AllowanceRun, paid_on: Any) -> AllowanceRun:
    """Record that the bank paid the run (the date of the bank's batch)."""
    _require(actor, run)
    run = _locked(run)
    if run.status != RunStatus.APPROVED:
        raise _status_error(run, "登记发放")
    if not isinstance(paid_on, dt.date):
        raise ValidationError({"paid_on": ["请填写发放日期。"]})
    if paid_on > dt.date.today():
        raise ValidationError({"paid_on": ["发放日期不能晚于今天。"]})
    approved = timezone.localdate(run.approved_at) if run.approved_at else None
    if approved is not None and paid_on < approved and not actors.is_system(actor):
        raise ValidationError({"paid_on": ["发放日期不能早于审批日期。"]})
    run.status, run.paid_by, run.paid_on = RunStatus.PAID, actors.user_of(actor), paid_on
    run.save()
    audit.record(actor=actor, action="allowances.run.paid", obj=run, changes={"paid_on": paid_on})
    return run


@accepts_system
@transaction.atomic
def run_cancel(*, actor: Any, run: AllowanceRun, reason: Any) -> AllowanceRun:
    """作废 a draft or submitted run (nothing was paid). Approved runs cannot be cancelled."""
    _require(actor, run)
    run = _locked(run)
    if run.status not in (RunStatus.DRAFT, RunStatus.SUBMITTED):
        raise _status_error(run, "作废")
    text = clean_text(reason)[:500] if reason else ""
    if not text:
        raise ValidationError({"reason": ["请填写作废原因。"]})
    run.status = RunStatus.CANCELLED
    run.note = (run.note + "\n" if run.note else "") + f"作废原因：{text}"
    run.save()
    audit.record(actor=actor, action="allowances.run.cancelled", obj=run, changes={"reason": text})
    return run


def export_changes(*, actor: Any, run: AllowanceRun, reveal: bool) -> dict[str, Any]:
    """What the audit entry of an export of a run says (the download writes it, `core.exports`).

    Full ID and account numbers only for those who manage the run; refused otherwise."""
    if reveal and not scope.can(actor, run, MANAGE):
        raise PermissionDenied
    return {"reveal": reveal, "recipients": run.recipients, "total": run.total}
