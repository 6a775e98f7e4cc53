"""Writes to the talent pool. Each checks the scope, validates, runs in a transaction and writes
the audit log.

Who may write (roles.py has only `talent.view` for this module; see docs/talent.md):
- entering a person and editing the profile (categories, retired, deceased, hardship):
  `honours.manage` — the county office that runs the commendations keeps the pool;
- bank details and revealing the full account number: `allowances.manage` — the office that pays
  the labour-model allowances.

Profiles of honour holders are made and kept in step with the honours register by `sync_people`
(called when an honour is saved or deleted, see signals.py, and in bulk by `sync_all`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from gefeng.core import actors, audit, scope
from gefeng.core.actors import SYSTEM, accepts_system
from gefeng.core.validators import clean_text
from gefeng.members.models import Member
from gefeng.talent.models import LEVEL_RANK, RANK_LEVEL, Source, TalentCategory, TalentMembership, TalentProfile

MANAGE_PERM = "honours.manage"
BANK_PERM = "allowances.manage"
LABOUR_MODEL = "labour_model"
_ACCOUNT = re.compile(r"^\d{8,30}$")
SYNC_BATCH = 500
EDITABLE = ("note", "retired", "retired_on", "deceased_on", "hardship", "hardship_note")

# The categories a new installation starts with (data migration 0002 and the demo); the county
# edits them. honour_kinds are honours.HonourKind values.
DEFAULT_CATEGORIES: list[tuple[str, str, list[str]]] = [
    ("labour_model", "劳动模范", ["labour_model"]),
    ("craftsman", "工匠", ["craftsman"]),
    ("advanced_worker", "先进工作者", ["advanced_worker"]),
    ("moral_model", "道德模范", ["moral_model"]),
    ("civilized_worker", "文明职工", ["civilized_worker", "top_civilized_worker"]),
    ("may_day_medal", "五一劳动奖章获得者", ["may_day_medal"]),
    ("skilled_talent", "技能人才", []),
]


def ensure_default_categories() -> int:
    """Create the default categories that do not exist yet (by code); returns how many were made."""
    have = set(TalentCategory.objects.values_list("code", flat=True))
    missing = [
        TalentCategory(code=code, name=name, honour_kinds=kinds, order=order * 10)
        for order, (code, name, kinds) in enumerate(DEFAULT_CATEGORIES, start=1)
        if code not in have
    ]
    names = set(TalentCategory.objects.filter(name__in=[c.name for c in missing]).values_list("name", flat=True))
    missing = [c for c in missing if c.name not in names]
    TalentCategory.objects.bulk_create(missing)
    return len(missing)


def _require_manage_person(actor: Any, person: Member) -> None:
    if not actors.can(actor, person.union, MANAGE_PERM):
        raise PermissionDenied


# ---------------------------------------------------------------- keeping step with the register


def _honour_rows(person_ids: Iterable[int] | None) -> Iterator[tuple[int, str, str]]:
    """(person_id, kind, level) of every unrevoked personal honour, ordered by person."""
    from gefeng.honours.models import Honour

    qs = Honour.objects.filter(person__isnull=False, revoked_on__isnull=True)
    if person_ids is not None:
        qs = qs.filter(person_id__in=list(person_ids))
    return qs.order_by("person_id").values_list("person_id", "kind", "level").iterator(chunk_size=2000)


def _apply(batch: dict[int, list[tuple[str, str]]], today: dt.date, *, create: bool = True) -> int:
    """Bring the profiles of a batch of people (person_id → their honours) in step."""
    categories = list(TalentCategory.objects.filter(active=True))
    by_kind: dict[str, list[TalentCategory]] = {}
    for cat in categories:
        for kind in cat.honour_kinds or []:
            by_kind.setdefault(kind, []).append(cat)
    existing = {p.person_id: p for p in TalentProfile.objects.filter(person_id__in=list(batch))}
    new = [
        TalentProfile(person_id=pid, entered_on=today)
        for pid, honours in batch.items()
        if pid not in existing and honours and create
    ]
    TalentProfile.objects.bulk_create(new, batch_size=500)
    if any(p.pk is None for p in new):
        existing |= {p.person_id: p for p in TalentProfile.objects.filter(person_id__in=[p.person_id for p in new])}
    existing |= {p.person_id: p for p in new if p.pk is not None}
    changed: list[TalentProfile] = []
    memberships: list[TalentMembership] = []
    manual = set(
        TalentMembership.objects.filter(profile__in=list(existing.values()), source=Source.MANUAL).values_list(
            "profile_id", "category_id"
        )
    )
    for pid, profile in existing.items():
        honours = batch.get(pid, [])
        rank = max((LEVEL_RANK.get(level, 0) for _k, level in honours), default=0)  # type: ignore[call-overload]
        values = {
            "top_rank": rank,
            "top_level": RANK_LEVEL.get(rank, ""),
            "honour_count": min(len(honours), 32767),
            "labour_model": any(kind == LABOUR_MODEL for kind, _l in honours),
        }
        if any(getattr(profile, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(profile, k, v)
            changed.append(profile)
        cats = {c.pk for kind, _l in honours for c in by_kind.get(kind, [])}
        memberships += [
            TalentMembership(profile=profile, category_id=c, source=Source.HONOUR)
            for c in sorted(cats)
            if (profile.pk, c) not in manual
        ]
    TalentProfile.objects.bulk_update(
        changed, ["top_rank", "top_level", "honour_count", "labour_model"], batch_size=500
    )
    TalentMembership.objects.filter(profile__in=list(existing.values()), source=Source.HONOUR).delete()
    TalentMembership.objects.bulk_create(memberships, batch_size=1000)
    return len(new)


@transaction.atomic
def sync_people(person_ids: Iterable[int], *, today: dt.date | None = None, create: bool = True) -> int:
    """Create or refresh the profiles of these people from the honours register; returns how many
    profiles were created. Called when an honour is granted, revoked or deleted."""
    today = today or dt.date.today()
    ids = sorted(set(person_ids))
    batch: dict[int, list[tuple[str, str]]] = {pid: [] for pid in ids}
    for pid, kind, level in _honour_rows(ids):
        batch[pid].append((kind, level))
    return _apply(batch, today, create=create) if batch else 0


@accepts_system
@transaction.atomic
def sync_all(*, actor: Any, today: dt.date | None = None) -> dict[str, int]:
    """Bring every honour holder's profile in step with the register (in batches of people).

    Profiles of people whose honours were all revoked stay (with no honour category).

    Rule: the pool's honour categories follow the honours register (a revoked honour leaves the
    pool's honour category); which honour kinds make which talent category is local data
    (TalentCategory.honour_kinds), set by the county.
    """
    actors.require_perm(actor, MANAGE_PERM)
    today = today or dt.date.today()
    created = people = 0
    batch: dict[int, list[tuple[str, str]]] = {}
    for pid, kind, level in _honour_rows(None):
        if pid not in batch and len(batch) >= SYNC_BATCH:
            created += _apply(batch, today)
            people += len(batch)
            batch = {}
        batch.setdefault(pid, []).append((kind, level))
    if batch:
        created += _apply(batch, today)
        people += len(batch)
    # Profiles whose holders have no unrevoked honour left.
    from gefeng.honours.models import Honour

    stale = (
        TalentProfile.objects.filter(top_rank__gt=0)
        .exclude(person_id__in=Honour.objects.filter(person__isnull=False, revoked_on__isnull=True).values("person_id"))
        .values_list("person_id", flat=True)
    )
    stale_ids = list(stale[:10_000])
    if stale_ids:
        _apply({pid: [] for pid in stale_ids}, today)
    result = {"people": people, "created": created, "cleared": len(stale_ids)}
    if not actors.is_system(actor):  # the demo loader's sync is part of loading the demo
        audit.record(actor=actor, action="talent.profiles.synced", object_type="talent.talentprofile", changes=result)
    return result


# ---------------------------------------------------------------- profiles


def _categories(values: Iterable[Any]) -> list[TalentCategory]:
    ids = []
    for value in values:
        try:
            ids.append(int(value.pk if isinstance(value, TalentCategory) else value))
        except (TypeError, ValueError) as exc:
            raise ValidationError({"categories": ["人才类别无效。"]}) from exc
    found = list(TalentCategory.objects.filter(pk__in=ids, active=True))
    if len(found) != len(set(ids)):
        raise ValidationError({"categories": ["人才类别无效或已停用。"]})
    return found


def _clean(data: dict[str, Any], *, today: dt.date, birth: dt.date | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {
        "note": clean_text(data.get("note"))[:2000] if data.get("note") else "",
        "retired": bool(data.get("retired")),
        "hardship": bool(data.get("hardship")),
        "hardship_note": clean_text(data.get("hardship_note"))[:200] if data.get("hardship_note") else "",
    }
    for field, label in (("deceased_on", "去世日期"), ("retired_on", "退休日期")):
        value = data.get(field)
        if value in (None, ""):
            out[field] = None
            continue
        if not isinstance(value, dt.date):
            errors.setdefault(field, []).append(f"{label}无法识别。")
            continue
        if value > today:
            errors.setdefault(field, []).append(f"{label}不能晚于今天。")
        elif birth is not None and value <= birth:
            errors.setdefault(field, []).append(f"{label}应晚于出生日期。")
        out[field] = value
    if out["retired_on"] is not None:
        out["retired"] = True
    if out["hardship"] and not out["hardship_note"]:
        errors.setdefault("hardship_note", []).append("认定为特殊困难时，请简要填写困难情况。")
    if errors:
        raise ValidationError(errors)
    return out


@accepts_system
@transaction.atomic
def profile_create(
    *,
    actor: Any,
    person: Member,
    categories: Iterable[Any] = (),
    data: dict[str, Any] | None = None,
    today: dt.date | None = None,
) -> TalentProfile:
    """Enter a person of the registry into the pool (by hand, e.g. a 技能人才 without an honour).

    A person already in the pool is refused; the categories given are kept as manual ones."""
    _require_manage_person(actor, person)
    today = today or dt.date.today()
    if TalentProfile.objects.filter(person=person).exists():
        raise ValidationError({"person": [f"{person.name} 已在人才库中，请直接编辑其档案。"]})
    cats = _categories(categories)
    clean = _clean(data or {}, today=today, birth=person.birth_date)
    if not cats and not person.honours.filter(revoked_on__isnull=True).exists():
        raise ValidationError({"categories": ["请至少选择一个人才类别（没有荣誉记录的人员须人工认定类别）。"]})
    profile = TalentProfile.objects.create(person=person, entered_on=today, created_by=actors.user_of(actor), **clean)
    TalentMembership.objects.bulk_create(
        [TalentMembership(profile=profile, category=c, source=Source.MANUAL) for c in cats]
    )
    sync_people([person.pk], today=today)
    audit.record(
        actor=actor,
        action="talent.profile.created",
        obj=profile,
        changes={
            "categories": [c.name for c in cats],
            **{k: v for k, v in clean.items() if v not in ("", None, False)},
        },
    )
    return profile


@accepts_system
@transaction.atomic
def profile_update(
    *, actor: Any, profile: TalentProfile, data: dict[str, Any], categories: Iterable[Any] | None = None
) -> TalentProfile:
    """Edit a profile: manual categories, note, retired, deceased, hardship."""
    actors.require(actor, profile, MANAGE_PERM)
    profile = TalentProfile.objects.select_for_update().select_related("person").get(pk=profile.pk)
    clean = _clean(
        {f: getattr(profile, f) for f in EDITABLE} | data, today=dt.date.today(), birth=profile.person.birth_date
    )
    before = audit.snapshot(profile, EDITABLE)
    for key, value in clean.items():
        setattr(profile, key, value)
    changes = audit.diff(before, audit.snapshot(profile, EDITABLE))
    if categories is not None:
        cats = _categories(categories)
        old = set(
            TalentMembership.objects.filter(profile=profile, source=Source.MANUAL).values_list(
                "category__name", flat=True
            )
        )
        new = {c.name for c in cats}
        if old != new:
            TalentMembership.objects.filter(profile=profile, source=Source.MANUAL).delete()
            taken = set(TalentMembership.objects.filter(profile=profile).values_list("category_id", flat=True))
            TalentMembership.objects.bulk_create(
                [TalentMembership(profile=profile, category=c, source=Source.MANUAL) for c in cats if c.pk not in taken]
            )
            changes["categories"] = audit.changed(sorted(old), sorted(new))
    if changes:
        profile.save()
        audit.record(actor=actor, action="talent.profile.updated", obj=profile, changes=changes)
    return profile


def clean_bank(holder: Any, bank_name: Any, account: Any) -> tuple[str, str, str]:
    errors: dict[str, list[str]] = {}
    holder_s = clean_text(holder)[:50] if holder else ""
    bank_s = clean_text(bank_name)[:100] if bank_name else ""
    account_s = re.sub(r"[\s-]", "", clean_text(account)) if account else ""
    if account_s and not _ACCOUNT.match(account_s):
        errors.setdefault("bank_account", []).append("银行账号应为 8–30 位数字（可含空格）。")
    if account_s and not bank_s:
        errors.setdefault("bank_name", []).append("请填写开户行。")
    if account_s and not holder_s:
        errors.setdefault("bank_holder", []).append("请填写开户人姓名。")
    if errors:
        raise ValidationError(errors)
    return holder_s, bank_s, account_s


@accepts_system
@transaction.atomic
def profile_bank_update(
    *, actor: Any, profile: TalentProfile, bank_holder: Any, bank_name: Any, bank_account: Any
) -> TalentProfile:
    """Record where the person's allowances are paid. The account number is sealed at rest and
    written to the audit log masked."""
    actors.require(actor, profile, BANK_PERM)
    profile = TalentProfile.objects.select_for_update().get(pk=profile.pk)
    holder, bank, account = clean_bank(bank_holder, bank_name, bank_account)
    fields = ("bank_holder", "bank_name", "bank_account")
    before = audit.snapshot(profile, fields)
    profile.bank_holder, profile.bank_name, profile.bank_account = holder, bank, account
    changes = audit.diff(before, audit.snapshot(profile, fields))
    if changes:
        profile.save(update_fields=[*fields, "updated_at"])
        audit.record(actor=actor, action="talent.profile.bank_updated", obj=profile, changes=changes)
    return profile


def profile_reveal(*, actor: Any, profile: TalentProfile) -> str:
    """The full bank account number: needs the bank right on the profile; always audited."""
    if not scope.can(actor, profile, BANK_PERM):
        raise PermissionDenied
    audit.record(actor=actor, action="talent.profile.bank_account_revealed", obj=profile)
    return profile.bank_account


# ---------------------------------------------------------------- categories


@accepts_system
@transaction.atomic
def category_save(
    *,
    actor: Any,
    name: Any,
    honour_kinds: Iterable[str] = (),
    order: Any = 0,
    active: bool = True,
    category: TalentCategory | None = None,
) -> TalentCategory:
    """Create or change a category of the pool; the profiles' categories from honours follow.

    Categories are the county's reference data: `honours.manage` (the county office) edits them.

    Rule: talent categories (劳模, 工匠, 技能人才 …) are the county's own list; the honour kinds that fill
    them are data, not code.
    """
    from gefeng.honours.models import HonourKind

    actors.require_perm(actor, MANAGE_PERM)
    errors: dict[str, list[str]] = {}
    name_s = clean_text(name)[:40] if name else ""
    if not name_s:
        errors.setdefault("name", []).append("请填写类别名称。")
    elif TalentCategory.objects.filter(name=name_s).exclude(pk=category.pk if category else 0).exists():
        errors.setdefault("name", []).append(f"已有名为“{name_s}”的人才类别。")
    kinds = list(dict.fromkeys(str(k) for k in honour_kinds))
    if any(k not in HonourKind.values for k in kinds):
        errors.setdefault("honour_kinds", []).append("荣誉类别无效。")
    try:
        order_i = max(0, min(int(order or 0), 32767))
    except (TypeError, ValueError):
        errors.setdefault("order", []).append("排序应为数字。")
        order_i = 0
    if errors:
        raise ValidationError(errors)
    values = {"name": name_s, "honour_kinds": kinds, "order": order_i, "active": bool(active)}
    if category is None:
        category = TalentCategory.objects.create(code=f"c{TalentCategory.objects.count() + 1:03d}", **values)
        while TalentCategory.objects.filter(code=category.code).exclude(pk=category.pk).exists():
            category.code = f"c{category.pk:05d}"
            category.save(update_fields=["code"])
        changes: dict[str, Any] = dict(values)
        action = "talent.category.created"
    else:
        category = TalentCategory.objects.select_for_update().get(pk=category.pk)
        before = audit.snapshot(category, values)
        for key, value in values.items():
            setattr(category, key, value)
        changes = audit.diff(before, audit.snapshot(category, values))
        if not changes:
            return category
        category.save()
        action = "talent.category.updated"
    audit.record(actor=actor, action=action, obj=category, changes=changes)
    if "honour_kinds" in changes or "active" in changes or action.endswith("created"):
        sync_all(actor=SYSTEM)  # a step of this service, audited above
    return category
