"""Writes of the labour-model allowances. Each checks the scope, validates with Chinese messages,
runs in a transaction and writes the audit log. `actor=None` is the server console and the demo.

The yearly run:  build (draft) → submit → approve (another officer) → mark paid.

* build: the roster of living labour models from the honours register (`kind=labour_model`, not
  revoked, awarded by the run's 资格认定日); the highest level a person holds decides the amount of
  every kind from the rule table (the row with the latest effective year ≤ the run's year), and
  the rule's conditions (living, retired only, hardship only) are checked against the talent
  profile. People already paid a kind this year (by another run) are left out of that kind.
* approve: locks the run (`select_for_update`), refuses the preparer and the submitter, refuses a
  roster that clashes with the ledger, and writes the ledger (`Payment`, unique per person, kind
  and year) in the same transaction — a clash that slips in concurrently fails on the constraint
  and is turned into a clean Chinese message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from gefeng.allowances.models import (
    LEVEL_RANK,
    AllowanceKind,
    AllowanceRule,
    AllowanceRun,
    Level,
    Payment,
    RunLine,
    RunStatus,
)
from gefeng.core import audit, scope
from gefeng.core.validators import clean_text
from gefeng.orgs.models import Kind, OrgNode

VIEW = "allowances.view"
MANAGE = "allowances.manage"
LABOUR_MODEL = "labour_model"
RANK_LEVEL = {rank: level for level, rank in LEVEL_RANK.items()}
MAX_AMOUNT = Decimal("1000000")
BATCH = 500


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _require(actor: Any, obj: Any, perm: str = MANAGE) -> None:
    if actor is not None:
        scope.require(actor, obj, perm)


def _kind_of_org(org: OrgNode) -> None:
    if org.kind != Kind.COUNTY:
        raise ValidationError({"org": ["劳模津贴由县级发放，发放单位应为县级组织。"]})


# ---------------------------------------------------------------- kinds and the rule table


@transaction.atomic
def kind_create(
    *,
    actor: Any,
    org: OrgNode,
    name: Any,
    description: Any = "",
    order: int = 0,
    active: bool = True,
    is_demo: bool = False,
) -> AllowanceKind:
    _require(actor, org)
    _kind_of_org(org)
    name_s = clean_text(name)[:40] if name else ""
    if not name_s:
        raise ValidationError({"name": ["请填写津贴种类名称。"]})
    if AllowanceKind.objects.filter(org=org, name=name_s).exists():
        raise ValidationError({"name": [f"已有名为“{name_s}”的津贴种类。"]})
    kind = AllowanceKind.objects.create(
        org=org,
        name=name_s,
        description=clean_text(description)[:200] if description else "",
        order=max(0, min(int(order or 0), 32767)),
        active=bool(active),
        is_demo=is_demo,
    )
    audit.record(actor=actor, action="allowances.kind.created", obj=kind, changes={"name": name_s})
    return kind


@transaction.atomic
def kind_update(*, actor: Any, kind: AllowanceKind, data: dict[str, Any]) -> AllowanceKind:
    _require(actor, kind)
    kind = AllowanceKind.objects.select_for_update().get(pk=kind.pk)
    fields = ("name", "description", "order", "active")
    before = audit.snapshot(kind, fields)
    name_s = clean_text(data.get("name", kind.name))[:40]
    if not name_s:
        raise ValidationError({"name": ["请填写津贴种类名称。"]})
    if AllowanceKind.objects.filter(org_id=kind.org_id, name=name_s).exclude(pk=kind.pk).exists():
        raise ValidationError({"name": [f"已有名为“{name_s}”的津贴种类。"]})
    kind.name = name_s
    kind.description = clean_text(data.get("description", kind.description))[:200]
    kind.order = max(0, min(int(data.get("order", kind.order) or 0), 32767))
    kind.active = bool(data.get("active", kind.active))
    if name_s != before["name"]:
        kind.is_demo = False  # renamed by the county: no longer the demo's example name
    changes = audit.diff(before, audit.snapshot(kind, fields))
    if changes:
        kind.save()
        audit.record(actor=actor, action="allowances.kind.updated", obj=kind, changes=changes)
    return kind


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"amount": ["金额应为数字（元）。"]}) from exc
    if not amount.is_finite() or amount < 0:
        raise ValidationError({"amount": ["金额不能为负数。"]})
    if amount >= MAX_AMOUNT:
        raise ValidationError({"amount": ["金额过大，请核对（单位：元/年）。"]})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": ["金额最多保留两位小数。"]})
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def rule_save(
    *,
    actor: Any,
    kind: AllowanceKind,
    level: str,
    amount: Any,
    effective_from: Any,
    living_only: bool = True,
    retired_only: bool = False,
    hardship_only: bool = False,
    note: Any = "",
    rule: AllowanceRule | None = None,
) -> AllowanceRule:
    """Create a rule row, or change one (`rule`) that no approved run has used yet.

    A new amount from a later year is a new row with that effective year, so the runs of earlier
    years keep the amounts they were paid under."""
    _require(actor, kind)
    errors: dict[str, list[str]] = {}
    if level not in Level.values:
        errors.setdefault("level", []).append("请选择荣誉级别。")
    try:
        year = int(effective_from)
        if not 1950 <= year <= dt.date.today().year + 5:
            raise ValueError
    except (TypeError, ValueError):
        errors.setdefault("effective_from", []).append("起始年度应为四位年份。")
        year = 0
    try:
        value = _amount(amount)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        value = Decimal(0)
    if errors:
        raise ValidationError(errors)
    clash = AllowanceRule.objects.filter(kind=kind, level=level, effective_from=year)
    if rule is not None:
        clash = clash.exclude(pk=rule.pk)
        if rule.kind_id != kind.pk:
            raise ValidationError("标准不属于该津贴种类。")
        if RunLine.objects.filter(rule=rule).filter(run__status__in=(RunStatus.APPROVED, RunStatus.PAID)).exists():
            raise ValidationError("该标准已用于已审批的发放批次，不能修改；请新增一条起始年度更晚的标准。")
    if clash.exists():
        raise ValidationError({"effective_from": ["该种类、该级别、该起始年度的标准已存在，请直接修改。"]})
    values = {
        "level": level,
        "amount": value,
        "effective_from": year,
        "living_only": bool(living_only),
        "retired_only": bool(retired_only),
        "hardship_only": bool(hardship_only),
        "note": clean_text(note)[:200] if note else "",
    }
    if rule is None:
        rule = AllowanceRule.objects.create(kind=kind, **values)
        audit.record(actor=actor, action="allowances.rule.created", obj=rule, changes=values)
        return rule
    rule = AllowanceRule.objects.select_for_update().get(pk=rule.pk)
    before = audit.snapshot(rule, values)
    for key, v in values.items():
        setattr(rule, key, v)
    changes = audit.diff(before, audit.snapshot(rule, values))
    if changes:
        rule.save()
        audit.record(actor=actor, action="allowances.rule.updated", obj=rule, changes=changes)
    return rule


def rules_for_year(org: OrgNode, year: int) -> dict[tuple[int, str], AllowanceRule]:
    """(kind id, level) → the rule in force in `year` (latest effective year ≤ year), active kinds."""
    out: dict[tuple[int, str], AllowanceRule] = {}
    rows = (
        AllowanceRule.objects.filter(kind__org=org, kind__active=True, effective_from__lte=year)
        .select_related("kind")
        .order_by("kind__order", "kind_id", "level", "-effective_from")
    )
    for rule in rows:
        out.setdefault((rule.kind_id, rule.level), rule)
    return out


# ---------------------------------------------------------------- building the roster


def _awarded_by(as_of: dt.date) -> Q:
    """Honours held on `as_of`: awarded on or before it, or (without a date) in an earlier year."""
    return Q(awarded_on__lte=as_of) | Q(awarded_on__isnull=True, year__lt=as_of.year)


def _holders(org: OrgNode, as_of: dt.date) -> Iterator[dict[int, int]]:
    """Batches of {person id: highest level rank} of the labour models of the county's register."""
    from gefeng.honours.models import Honour

    rows = (
        Honour.objects.filter(kind=LABOUR_MODEL, person__isnull=False, revoked_on__isnull=True)
        .filter(scope.subtree_q("org__", org.path))
        .filter(_awarded_by(as_of))
        .order_by("person_id")
        .values_list("person_id", "level")
        .iterator(chunk_size=2000)
    )
    batch: dict[int, int] = {}
    for pid, level in rows:
        if pid not in batch and len(batch) >= BATCH:
            yield batch
            batch = {}
        batch[pid] = max(batch.get(pid, 0), LEVEL_RANK.get(level, 0))  # type: ignore[call-overload]
    if batch:
        yield batch


def _build_lines(run: AllowanceRun) -> dict[str, Any]:
    """Delete the run's lines and write the roster again; returns counts."""
    from gefeng.members.models import Member
    from gefeng.talent.models import TalentProfile

    RunLine.objects.filter(run=run).delete()
    rules = rules_for_year(run.org, run.year)
    kinds = sorted({r.kind for r in rules.values()}, key=lambda k: (k.order, k.pk))
    skipped = {"deceased": 0, "already_paid": 0, "not_eligible": 0, "no_bank": 0, "no_profile": 0}
    for batch in _holders(run.org, run.as_of):
        ids = list(batch)
        people = {m.pk: m for m in Member.objects.filter(pk__in=ids).select_related("union", "enterprise")}
        profiles = {p.person_id: p for p in TalentProfile.objects.filter(person_id__in=ids)}
        paid = set(Payment.objects.filter(year=run.year, person_id__in=ids).values_list("person_id", "kind_id"))
        lines: list[RunLine] = []
        for pid, rank in batch.items():
            person = people.get(pid)
            if person is None:
                continue
            profile = profiles.get(pid)
            if profile is None:
                skipped["no_profile"] += 1
            deceased = profile is not None and profile.deceased_on is not None and profile.deceased_on <= run.as_of
            retired = bool(profile and profile.retired)
            hardship = bool(profile and profile.hardship)
            level = RANK_LEVEL[rank]
            mine: list[RunLine] = []
            for kind in kinds:
                rule = rules.get((kind.pk, level))
                if rule is None or rule.amount <= 0:
                    continue
                if (deceased and rule.living_only) or (rule.retired_only and not retired):
                    continue
                if rule.hardship_only and not hardship:
                    continue
                if (pid, kind.pk) in paid:
                    skipped["already_paid"] += 1
                    continue
                unit = person.enterprise or person.union
                mine.append(
                    RunLine(
                        run=run,
                        person=person,
                        kind=kind,
                        rule=rule,
                        level=level,
                        amount=rule.amount,
                        name=person.name,
                        org=person.union,
                        unit_name=unit.name if unit else "",
                        bank_holder=profile.bank_holder if profile else "",
                        bank_name=profile.bank_name if profile else "",
                        bank_account=profile.bank_account if profile else "",
                    )
                )
            if deceased and not mine:
                skipped["deceased"] += 1
            elif not mine:
                skipped["not_eligible"] += 1
            elif not (profile and profile.bank_account):
                skipped["no_bank"] += 1
            lines += mine
        RunLine.objects.bulk_create(lines, batch_size=1000)
    totals = RunLine.objects.filter(run=run).aggregate(n=Count("person", distinct=True), total=Sum("amount"))
    return {"recipients": totals["n"] or 0, "total": totals["total"] or Decimal(0), "skipped": skipped}


def _clean_run(year: Any, as_of: Any, title: Any) -> tuple[int, dt.date, str]:
    errors: dict[str, list[str]] = {}
    try:
        year_i = int(year)
        if not 1990 <= year_i <= dt.date.today().year + 1:
            raise ValueError
    except (TypeError, ValueError):
        errors.setdefault("year", []).append("发放年度应为四位年份，且不晚于明年。")
        year_i = 0
    if as_of in (None, ""):
        as_of = dt.date(year_i, 1, 1) if year_i else None
    if not isinstance(as_of, dt.date):
        errors.setdefault("as_of", []).append("资格认定日无法识别。")
    elif year_i and as_of.year not in (year_i - 1, year_i):
        errors.setdefault("as_of", []).append("资格认定日应在发放年度或上一年度内。")
    if errors:
        raise ValidationError(errors)
    assert isinstance(as_of, dt.date)
    title_s = clean_text(title)[:100] if title else ""
    return year_i, as_of, title_s or f"{year_i}年度劳模“三金一贴”发放"


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
        prepared_by=_user(actor),
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
    run.prepared_by, run.built_at = _user(actor), timezone.now()
    run.save()
    audit.record(
        actor=actor,
        action="allowances.run.rebuilt",
        obj=run,
        changes=audit.diff(before, {"recipients": run.recipients, "total": run.total}),
    )
    return run


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
    run.status, run.submitted_by, run.submitted_at = RunStatus.SUBMITTED, _user(actor), timezone.now()
    run.save()
    audit.record(actor=actor, action="allowances.run.submitted", obj=run, changes={"status": RunStatus.SUBMITTED})
    return run


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


@transaction.atomic
def run_approve(*, actor: Any, run: AllowanceRun) -> AllowanceRun:
    """Approve a submitted run: another officer than the one who prepared or submitted it. Writes
    the payment ledger; a person is never paid twice for the same kind and year."""
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
    run.status, run.approved_by, run.approved_at = RunStatus.APPROVED, _user(actor), timezone.now()
    run.save()
    audit.record(
        actor=actor,
        action="allowances.run.approved",
        obj=run,
        changes={"recipients": run.recipients, "total": run.total, "payments": len(payments)},
    )
    return run


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
    if approved is not None and paid_on < approved and actor is not None:
        raise ValidationError({"paid_on": ["发放日期不能早于审批日期。"]})
    run.status, run.paid_by, run.paid_on = RunStatus.PAID, _user(actor), paid_on
    run.save()
    audit.record(actor=actor, action="allowances.run.paid", obj=run, changes={"paid_on": paid_on})
    return run


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


def record_export(*, actor: Any, run: AllowanceRun, what: str, reveal: bool) -> None:
    """Audit an export of a run (the payment file with full account numbers, the totals)."""
    if reveal and not scope.can(actor, run, MANAGE):
        raise PermissionDenied
    audit.record(
        actor=actor,
        action=f"allowances.run.{what}_exported",
        obj=run,
        changes={"reveal": reveal, "recipients": run.recipients, "total": run.total},
    )
