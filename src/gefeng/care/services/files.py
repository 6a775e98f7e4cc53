"""Hardship files: application (a worker's own, or a union officer's on the worker's behalf), the
household's money and family, assessment, and edits (only while the file is an application).

申请 → 初审 (home visit) → 复审 → 公示 → 建档 → 脱困/注销 is in `flow.py`.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gefeng.care import conf
from gefeng.care.models import (
    OPEN_STATES,
    Cause,
    DocKind,
    Document,
    FamilyMember,
    FileEvent,
    HardshipFile,
    IncomeKind,
    MoneyItem,
    Relation,
    Schooling,
    Side,
    SpendingKind,
    State,
)
from gefeng.care.services._common import APPLY, HANDLE, money, require, text, town_of
from gefeng.care.services.assess import assess
from gefeng.core import actors, audit, pii, scope, uploads
from gefeng.core.actors import accepts_system
from gefeng.core.validators import parse_id_number
from gefeng.members.models import Member, Status

MAX_FAMILY = 10
DOCUMENTS = uploads.Policy(
    kinds=(*uploads.IMAGES, "pdf", "docx", "doc"),
    folder="care/files",
    size_setting="CARE_UPLOAD_MB",
    default_mb=10,
    files_setting="CARE_UPLOAD_FILES",
    default_files=6,
)


def event(actor: Any, file: HardshipFile, action: str, comment: str = "") -> None:
    user = actors.user_of(actor)
    FileEvent.objects.create(
        file=file,
        action=action,
        state=file.state,
        comment=comment[:300],
        actor=user,
        actor_name=(getattr(user, "name", "") or getattr(user, "username", "")) if user else "系统",
    )


def _clean_family(member: Member, rows: list[dict[str, Any]], *, today: dt.date) -> list[dict[str, Any]]:
    """The household: the applicant (from the registry) and the members given, each with a valid
    ID number (GB 11643 check digit), no number twice."""
    out = [
        {
            "name": member.name,
            "relation": Relation.SELF,
            "id_number": member.id_number,
            "health": "",
            "schooling": "",
            "school": "",
            "work": "",
        }
    ]
    errors: dict[str, list[str]] = {}
    seen = {member.id_number}
    for i, row in enumerate(rows):
        name = text(row.get("name"), 50)
        raw_id = text(row.get("id_number"), 30)
        if not name and not raw_id:
            continue
        key = f"family_{i}"
        if not name:
            errors.setdefault(f"{key}_name", []).append(f"第 {i + 1} 位家庭成员：请填写姓名。")
            continue
        try:
            number = parse_id_number(raw_id, today=today).number
        except ValidationError as exc:
            errors.setdefault(f"{key}_id_number", []).append(f"家庭成员“{name}”的身份证号有误：{exc.messages[0]}")
            continue
        if number in seen:
            errors.setdefault(f"{key}_id_number", []).append(f"家庭成员“{name}”的身份证号与其他成员重复。")
            continue
        seen.add(number)
        relation = row.get("relation") or Relation.OTHER
        if relation not in Relation.values or relation == Relation.SELF:
            errors.setdefault(f"{key}_relation", []).append(f"请选择“{name}”与申请人的关系。")
            continue
        schooling = row.get("schooling") or ""
        if schooling not in Schooling.values:
            schooling = ""
        out.append(
            {
                "name": name,
                "relation": relation,
                "id_number": number,
                "health": text(row.get("health"), 200),
                "schooling": schooling,
                "school": text(row.get("school"), 100),
                "work": text(row.get("work"), 100),
            }
        )
    if len(out) > MAX_FAMILY:
        errors.setdefault("family", []).append(f"家庭成员最多 {MAX_FAMILY} 人。")
    if errors:
        raise ValidationError(errors)
    return out


def _clean_money(income: dict[str, Any], spending: dict[str, Any]) -> list[tuple[str, str, Decimal]]:
    rows: list[tuple[str, str, Decimal]] = []
    for side, values, kinds in ((Side.INCOME, income, IncomeKind), (Side.SPENDING, spending, SpendingKind)):
        for kind, label in kinds.choices:
            amount = money(values.get(kind), f"{side}_{kind}", label=str(label))
            if amount:
                rows.append((side, kind, amount))
    return rows


def _clean_core(data: dict[str, Any]) -> dict[str, Any]:
    cause = data.get("cause_main") or ""
    if cause not in Cause.values:
        raise ValidationError({"cause_main": ["请选择主要致困原因。"]})
    secondary = data.get("cause_secondary") or ""
    if secondary and secondary not in Cause.values:
        raise ValidationError({"cause_secondary": ["请选择次要致困原因。"]})
    exclusions = [c for c in (data.get("exclusions") or []) if c in conf.get("CARE_EXCLUSIONS")]
    try:
        months = int(data.get("employed_months") or 0)
    except (TypeError, ValueError):
        raise ValidationError({"employed_months": ["就业月数应为整数。"]}) from None
    if months < 0 or months > 600:
        raise ValidationError({"employed_months": ["就业月数不合理。"]})
    return {
        "cause_main": cause,
        "cause_secondary": secondary if secondary != cause else "",
        "case_detail": text(data.get("case_detail"), 2000),
        "post": text(data.get("post"), 50),
        "phone": text(data.get("phone"), 20),
        "migrant": bool(data.get("migrant")),
        "employed_months": months,
        "accident": bool(data.get("accident")),
        "hardship_cost": str(money(data.get("hardship_cost"), "hardship_cost", label="本年度致困支出")),
        "exclusions": exclusions,
        "bank_name": text(data.get("bank_name"), 100),
        "bank_holder": text(data.get("bank_holder"), 50),
        "bank_account": "".join(ch for ch in text(data.get("bank_account"), 40) if ch.isdigit()),
    }


def _assess_file(file: HardshipFile) -> None:
    income = spending = Decimal(0)
    for item in file.money.all():
        if item.side == Side.INCOME:
            income += Decimal(item.amount)
        else:
            spending += Decimal(item.amount)
    result = assess(
        year=file.year,
        income=income,
        spending=spending,
        size=file.family.count(),
        migrant=file.migrant,
        employed_months=file.employed_months,
        accident=file.accident,
        hardship_cost=Decimal(file.hardship_cost or "0"),
        exclusions=file.exclusions or [],
    )
    file.category_auto = result.category
    if not file.override_reason:
        file.category = result.category
    file.calc = json.dumps(result.as_dict(), ensure_ascii=False)


def calculation(file: HardshipFile) -> dict[str, Any]:
    """The arithmetic of the category (sealed in the file)."""
    return json.loads(file.calc) if file.calc else {"steps": []}


def _write_household(file: HardshipFile, family: list[dict[str, Any]], items: list[tuple[str, str, Decimal]]) -> None:
    sealer = pii.Sealer()
    file.family.all().delete()
    file.money.all().delete()
    clash: list[str] = []
    hashes = [sealer.blind_index(row["id_number"]) for row in family]
    taken = set(
        FamilyMember.objects.filter(open_hash__in=hashes).exclude(file=file).values_list("open_hash", flat=True)
    )
    for row, digest in zip(family, hashes, strict=True):
        if digest in taken:
            clash.append(row["name"])
    if clash:
        raise ValidationError(
            {"family": [f"{'、'.join(clash)} 已在另一份未结束的困难职工档案中（同一家庭不能在两个工会建档）。"]}
        )
    try:
        with transaction.atomic():
            FamilyMember.objects.bulk_create(
                [
                    FamilyMember(file=file, id_hash=digest, open_hash=digest, **row)
                    for row, digest in zip(family, hashes, strict=True)
                ]
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"family": ["家庭成员已在另一份未结束的困难职工档案中（同一家庭不能在两个工会建档）。"]}
        ) from exc
    MoneyItem.objects.bulk_create([MoneyItem(file=file, side=s, kind=k, amount=str(a)) for s, k, a in items])


def _add_documents(actor: Any, file: HardshipFile, documents: list[tuple[str, Any]]) -> None:
    checked = uploads.check_many([f for _, f in documents], DOCUMENTS, field="documents")
    for (kind, _), c in zip(documents, checked, strict=True):
        doc = Document(
            file=file,
            kind=kind if kind in DocKind.values else DocKind.OTHER,
            name=c.name[:120],
            size=c.size,
            uploaded_by=actors.user_of(actor),
        )
        c.upload.seek(0)
        doc.upload.save(c.name, c.upload, save=False)
        doc.save()


@accepts_system
@transaction.atomic
def file_apply(
    *,
    actor: Any,
    member: Member,
    data: dict[str, Any],
    family: list[dict[str, Any]] = (),  # type: ignore[assignment]
    income: dict[str, Any] | None = None,
    spending: dict[str, Any] | None = None,
    documents: list[tuple[str, Any]] = (),  # type: ignore[assignment]
    applied_on: dt.date | None = None,
) -> HardshipFile:
    """A hardship application: by the worker for themself (`care.apply`, their own registry entry)
    or by an officer handling hardship in the member's union (`care.handle`, on the worker's behalf).

    Rules: 先建档、后帮扶、实名制 — the applicant is a registry member in the union; one open file per
    member; one household (any member's ID number) in one open file only (domain.md §6)."""
    on_behalf = not (getattr(member, "user_id", None) and member.user_id == getattr(actor, "pk", None))
    if on_behalf:
        # An officer handling hardship in the member's union (the rule of Member hangs on union).
        require(actor, member, HANDLE)
    elif not scope.has_perm(actor, APPLY):
        raise ValidationError("无权申请帮扶。")
    if member.status != Status.ACTIVE:
        raise ValidationError({"member": ["该职工不是在会会员，不能申请（先建档、后帮扶、实名制）。"]})
    if HardshipFile.objects.filter(member=member, state__in=OPEN_STATES).exists():
        raise ValidationError({"member": [f"{member.name}已有一份未结束的困难职工档案，不能重复申请。"]})
    today = applied_on or timezone.localdate()
    core = _clean_core(data)
    people = _clean_family(member, list(family or []), today=today)
    items = _clean_money(income or {}, spending or {})
    if not items:
        raise ValidationError({"income_wage": ["请至少填写一项家庭收入或刚性支出（没有收入请填 0 并说明）。"]})
    enterprise = member.enterprise
    file = HardshipFile(
        member=member,
        union=member.union,
        town=town_of(member.union),
        unit_name=(enterprise.name if enterprise else member.union.name)[:120],
        year=today.year,
        state=State.APPLIED,
        on_behalf=on_behalf,
        applied_by=actors.user_of(actor),
        applied_on=today,
        visit_due=today + dt.timedelta(days=int(conf.get("CARE_VISIT_DAYS"))),
        bank_holder=core.pop("bank_holder") or member.name,
        **core,
    )
    try:
        with transaction.atomic():
            file.save()
    except IntegrityError as exc:
        raise ValidationError({"member": [f"{member.name}已有一份未结束的困难职工档案，不能重复申请。"]}) from exc
    _write_household(file, people, items)
    if documents:
        _add_documents(actor, file, list(documents))
    _assess_file(file)
    file.save()
    event(actor, file, "代为申请" if on_behalf else "提交申请")
    audit.record(
        actor=actor,
        action="care.file.applied",
        obj=file,
        changes={"member": member.pk, "on_behalf": on_behalf, "family": len(people)},
    )
    return file


EDITABLE = (State.APPLIED,)


def _editable(file: HardshipFile) -> None:
    if file.state not in EDITABLE:
        if file.state == State.FILED:
            raise ValidationError("档案已建档，不能直接修改；请先发起年度复核（重新初审、复审）后再修改。")
        raise ValidationError(f"档案当前状态为“{file.get_state_display()}”，不能修改（已在审核中）。")


@accepts_system
@transaction.atomic
def file_update(
    *,
    actor: Any,
    file: HardshipFile,
    data: dict[str, Any],
    family: list[dict[str, Any]],
    income: dict[str, Any],
    spending: dict[str, Any],
) -> HardshipFile:
    """Change an application (before 初审). A filed file changes only through re-verification."""
    require(actor, file, HANDLE)
    file = HardshipFile.objects.select_for_update().select_related("member").get(pk=file.pk)
    _editable(file)
    core = _clean_core(data)
    people = _clean_family(file.member, family, today=timezone.localdate())
    items = _clean_money(income, spending)
    core["bank_holder"] = core["bank_holder"] or file.member.name
    for key, value in core.items():
        setattr(file, key, value)
    _write_household(file, people, items)
    _assess_file(file)
    file.save()
    event(actor, file, "修改申请")
    audit.record(actor=actor, action="care.file.updated", obj=file, changes={"family": len(people)})
    return file


@accepts_system
@transaction.atomic
def document_add(*, actor: Any, file: HardshipFile, kind: str, upload: Any) -> HardshipFile:
    if not (actors.is_system(actor) or scope.can(actor, file, HANDLE) or _own(actor, file)):
        raise ValidationError("无权上传该档案的材料。")
    if not file.is_open:
        raise ValidationError("档案已结束，不能再上传材料。")
    _add_documents(actor, file, [(kind, upload)])
    audit.record(actor=actor, action="care.file.document_added", obj=file, changes={"kind": kind})
    return file


def _own(actor: Any, file: HardshipFile) -> bool:
    return bool(getattr(actor, "pk", None)) and file.member.user_id == actor.pk and scope.has_perm(actor, APPLY)


def reveal(*, actor: Any, file: HardshipFile) -> bool:
    """Every opening of a file is audited; its sealed part (income, health, family, bank) opens
    only for `care.handle` holders (PIPL §28: sensitive personal information). Returns whether
    the sealed part may be shown."""
    full = scope.can(actor, file, HANDLE)
    audit.record(actor=actor, action="care.file.viewed", obj=file, changes={"what": "detail" if full else "summary"})
    return full
