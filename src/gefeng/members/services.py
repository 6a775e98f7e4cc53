"""Writes to the real-name registry. Each checks the scope, validates, runs in a transaction,
records the membership history and the audit log.

Membership follows the labour relationship and is held once in the whole database (“一次入会、
动态接转”, 工会会员会籍管理办法 §3): a person's ID number appears on one row only; moving to
another union is a transfer, never a second join.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone, translation

from gefeng.core import audit, pii, scope
from gefeng.core.validators import clean_text, normalize_mobile, parse_id_number
from gefeng.members import pinyin
from gefeng.members.imports import vocabulary
from gefeng.members.models import (
    Education,
    EventKind,
    ImportJob,
    ImportStatus,
    JobCategory,
    Member,
    MembershipEvent,
    NewFormGroup,
    Political,
    SkillLevel,
    Status,
    ValueMapping,
)
from gefeng.orgs.models import INDUSTRIAL_SECTIONS, Kind, OrgNode

_NAME = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff·•]{2,20}$")
MIN_JOIN_AGE = 16  # 劳动法 §15: no employment under 16
EDITABLE = (
    "name",
    "ethnicity",
    "political_status",
    "education",
    "phone",
    "job_category",
    "occupation",
    "skill_level",
    "new_form_group",
    "migrant",
    "card_number",
    "team",
)


@dataclass
class Clean:
    """A validated member record, ready to be written."""

    name: str
    id_number: str
    birth_date: dt.date
    sex: str
    fields: dict[str, Any]


@lru_cache(maxsize=4096)
def _choice_code(choices: type[models.TextChoices], language: str | None, text: str) -> str | None:
    """The code `text` stands for (the stored value, the label or the label's start), or None.

    Cached per language: the labels are lazy translations, and resolving them for every cell
    was half the time of a roster import."""
    for code, shown in choices.choices:  # accept the stored value or the label
        if text in (code, str(shown)) or str(shown).startswith(text):
            return code
    return None


@lru_cache(maxsize=8192)
def _clean_cached(value: str) -> str:
    return clean_text(value)


def _clean_short(value: Any) -> str:
    """`clean_text` for the short values that repeat down a roster's column (民族, 工种, choices)."""
    return _clean_cached(value) if type(value) is str else clean_text(value)


def _choice(
    value: Any,
    choices: type[models.TextChoices],
    field: str,
    label: str,
    errors: dict[str, list[str]],
    language: str | None,
) -> str:
    text = _clean_short(value)
    if not text:
        return ""
    code = _choice_code(choices, language, text)
    if code is not None:
        return code
    errors.setdefault(field, []).append(f"{label}“{text}”不在可选范围内。")
    return ""


def _yes(value: Any) -> bool:
    return _clean_short(value) in {"是", "Y", "y", "1", "true", "True", "√"}


def clean_member(data: dict[str, Any], *, today: dt.date | None = None, language: str | None = "") -> Clean:
    """Validate one member record from a form, the API or an import row.

    Raises ValidationError with Chinese messages keyed by field. Nothing is silently fixed
    beyond the normalisation every roster needs (full-width characters, spaces, a lower-case x).
    `language` is the active language when the caller already knows it (an import reads it once:
    looking it up costs as much as the rest of a row's choices).
    """
    today = today or dt.date.today()
    if language == "":
        language = translation.get_language()
    errors: dict[str, list[str]] = {}
    name = clean_text(data.get("name"))
    if not name:
        errors.setdefault("name", []).append("姓名为空。")
    elif not _NAME.match(name):
        errors.setdefault("name", []).append(f"姓名“{name}”应为 2–20 个汉字。")
    info = None
    try:
        info = parse_id_number(data.get("id_number"), today=today)
    except ValidationError as exc:
        errors.setdefault("id_number", []).extend(exc.messages)
    phone = clean_text(data.get("phone"))
    if phone:
        try:
            phone = normalize_mobile(phone)
        except ValidationError as exc:
            errors.setdefault("phone", []).extend(exc.messages)
    joined = data.get("joined_on")
    if not isinstance(joined, dt.date):
        errors.setdefault("joined_on", []).append("入会日期为空或无法识别。")
    elif joined > today:
        errors.setdefault("joined_on", []).append("入会日期不能晚于今天。")
    elif info is not None:
        sixteen = (
            info.birth_date.replace(year=info.birth_date.year + MIN_JOIN_AGE)
            if not (info.birth_date.month == 2 and info.birth_date.day == 29)
            else dt.date(info.birth_date.year + MIN_JOIN_AGE, 3, 1)
        )
        if joined < sixteen:
            errors.setdefault("joined_on", []).append("入会时未满 16 周岁，请核对入会日期或身份证号。")
    fields: dict[str, Any] = {
        "ethnicity": _clean_short(data.get("ethnicity"))[:20],
        "political_status": _choice(
            data.get("political_status"), Political, "political_status", "政治面貌", errors, language
        ),
        "education": _choice(data.get("education"), Education, "education", "文化程度", errors, language),
        "phone": phone,
        "job_category": _choice(data.get("job_category"), JobCategory, "job_category", "岗位类别", errors, language),
        "occupation": _clean_short(data.get("occupation"))[:50],
        "skill_level": _choice(data.get("skill_level"), SkillLevel, "skill_level", "技能等级", errors, language),
        "new_form_group": _choice(
            data.get("new_form_group"), NewFormGroup, "new_form_group", "新就业形态群体", errors, language
        ),
        "migrant": data.get("migrant") if isinstance(data.get("migrant"), bool) else _yes(data.get("migrant")),
        "card_number": clean_text(data.get("card_number"))[:30],
        "joined_on": joined,
    }
    if "sex" in data and info is not None:
        given = _clean_short(data.get("sex"))
        if given and given not in (info.sex, {"男": "M", "女": "F"}[info.sex]):
            errors.setdefault("sex", []).append(f"性别“{given}”与身份证号不符（应为{info.sex}）。")
    if errors:
        raise ValidationError(errors)
    assert info is not None
    return Clean(name=name, id_number=info.number, birth_date=info.birth_date, sex=info.sex, fields=fields)


@lru_cache(maxsize=200_000)
def search_columns(name: str) -> dict[str, str]:
    """The search columns of a name (names repeat a lot, so conversions are cached)."""
    full, initials = pinyin.keys(name)
    return {
        "name_tail1": name[1:],
        "name_tail2": name[2:],
        "pinyin": full.replace("v", "u")[:120],
        "initials": initials[:30],
    }


def _set_name(member: Member, name: str) -> None:
    member.name = name
    for key, value in search_columns(name).items():
        setattr(member, key, value)


def _check_union(actor: Any, union: OrgNode) -> OrgNode:
    if union.kind != Kind.UNION:
        raise ValidationError({"union": ["请选择工会（会员必须隶属于一个工会组织）。"]})
    if actor is not None:  # None: the server console and the demo loader
        scope.require(actor, union, "members.change")
    return union


def _employer(union: OrgNode) -> OrgNode | None:
    parent = union.parent
    return parent if parent is not None and parent.kind == Kind.ENTERPRISE else None


def _team(union: OrgNode, team: OrgNode | None) -> OrgNode | None:
    if team is None:
        return None
    if team.kind != Kind.TEAM or not team.path.startswith(union.path):
        raise ValidationError({"team": ["班组必须是该工会下的班组。"]})
    return team


def duplicate_message(existing: Member, *, actor: Any = None) -> str:
    """Why a person cannot join again. The union is named only to an actor who sees the member:
    to anyone else the message would tell where a given ID number works (an oracle a dry-run
    import could run over a whole roster)."""
    if actor is not None and scope.visible(actor, Member).filter(pk=existing.pk).exists():
        return (
            f"该身份证号已是会员（{existing.get_status_display()}，{existing.union.name}）。一次入会、动态接转："
            "请由原工会办理转会，不要重复入会。"
        )
    return "该身份证号已在其他单位登记为会员。一次入会、动态接转：请联系县总工会办理接转，不要重复入会。"


@transaction.atomic
def member_join(
    *,
    actor: Any,
    union: OrgNode,
    data: dict[str, Any],
    team: OrgNode | None = None,
    today: dt.date | None = None,
) -> Member:
    """Register a person as a member of `union` (入会). A person who left or was transferred out
    of the county before rejoins on their old record; an active or retained member is refused."""
    _check_union(actor, union)
    team = _team(union, team)
    clean = clean_member(data, today=today)
    digest = pii.blind_index(clean.id_number)
    existing = Member.objects.select_for_update().select_related("union").filter(id_hash=digest).first()
    if existing is not None and existing.status in (Status.ACTIVE, Status.RETAINED):
        raise ValidationError({"id_number": [duplicate_message(existing, actor=actor)]})
    if clean.fields["card_number"]:
        taken = Member.objects.filter(card_number=clean.fields["card_number"])
        if existing is not None:
            taken = taken.exclude(pk=existing.pk)
        if taken.exists():
            raise ValidationError({"card_number": ["会员证号已被他人使用。"]})
    enterprise = _employer(union)
    member = existing or Member(id_hash=digest)
    _set_name(member, clean.name)
    member.id_number, member.birth_date, member.sex = clean.id_number, clean.birth_date, clean.sex
    for key, value in clean.fields.items():
        setattr(member, key, value)
    member.phone_hash = pii.blind_index(member.phone)
    member.union, member.enterprise, member.team = union, enterprise, team
    member.industrial_worker = bool(enterprise and enterprise.industry in INDUSTRIAL_SECTIONS)
    member.status, member.ended_on = Status.ACTIVE, None
    member.save()
    MembershipEvent.objects.create(
        member=member,
        kind=EventKind.JOIN,
        on=clean.fields["joined_on"],
        union=union,
        actor=_user(actor),
        reason="重新入会" if existing else "",
    )
    audit.record(
        actor=actor,
        action="members.member.joined",
        obj=member,
        changes={
            "union": union.name,
            "id_number": clean.id_number,
            "phone": member.phone,
            "rejoin": bool(existing),
        },
    )
    return member


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
def member_update(*, actor: Any, member: Member, data: dict[str, Any], today: dt.date | None = None) -> Member:
    """Correct a member's details. The ID number is not editable here: a wrong one means a wrong
    person, which is a leave and a new join."""
    scope.require(actor, member, "members.change")
    member = Member.objects.select_for_update().get(pk=member.pk)
    before = audit.snapshot(member, (*EDITABLE, "joined_on"))
    merged = {f: getattr(member, f) for f in (*EDITABLE, "joined_on")} | data
    merged["id_number"] = member.id_number
    clean = clean_member(merged, today=today)
    team = _team(member.union, data.get("team", member.team))
    if (
        clean.fields["card_number"]
        and Member.objects.filter(card_number=clean.fields["card_number"]).exclude(pk=member.pk).exists()
    ):
        raise ValidationError({"card_number": ["会员证号已被他人使用。"]})
    _set_name(member, clean.name)
    for key, value in clean.fields.items():
        setattr(member, key, value)
    member.team = team
    member.phone_hash = pii.blind_index(member.phone)
    changes = audit.diff(before, audit.snapshot(member, (*EDITABLE, "joined_on")))
    if changes:
        member.save()
        audit.record(actor=actor, action="members.member.updated", obj=member, changes=changes)
    return member


def _require_live(member: Member) -> None:
    if member.status not in (Status.ACTIVE, Status.RETAINED):
        raise ValidationError(f"{member.name} 的会籍已终止（{member.get_status_display()}），不能办理此项。")


@transaction.atomic
def member_transfer(
    *,
    actor: Any,
    member: Member,
    to_union: OrgNode,
    on: dt.date,
    reason: str = "",
    team: OrgNode | None = None,
) -> Member:
    """转会 within the platform: the actor needs change rights on both unions. History is kept on
    both sides (a 转出 row at the old union, a 转入 row at the new)."""
    scope.require(actor, member, "members.change")
    _check_union(actor, to_union)
    member = Member.objects.select_for_update().select_related("union").get(pk=member.pk)
    _require_live(member)
    if to_union.pk == member.union_id:
        raise ValidationError({"to_union": ["转入工会与原工会相同。"]})
    if on > dt.date.today() or on < member.joined_on:
        raise ValidationError({"on": ["转会日期应在入会日期之后、今天之前。"]})
    old = member.union
    team = _team(to_union, team)
    enterprise = _employer(to_union)
    member.union, member.enterprise, member.team = to_union, enterprise, team
    member.industrial_worker = bool(enterprise and enterprise.industry in INDUSTRIAL_SECTIONS)
    member.status = Status.ACTIVE
    member.save()
    who = _user(actor)
    MembershipEvent.objects.bulk_create(
        [
            MembershipEvent(
                member=member,
                kind=EventKind.TRANSFER_OUT,
                on=on,
                union=old,
                other_union=to_union,
                reason=reason,
                actor=who,
            ),
            MembershipEvent(
                member=member,
                kind=EventKind.TRANSFER_IN,
                on=on,
                union=to_union,
                other_union=old,
                reason=reason,
                actor=who,
            ),
        ]
    )
    audit.record(
        actor=actor,
        action="members.member.transferred",
        obj=member,
        changes={"union": audit.changed(old.name, to_union.name), "on": on},
    )
    return member


@transaction.atomic
def member_transfer_out(*, actor: Any, member: Member, to_name: str, on: dt.date, reason: str = "") -> Member:
    """转出 to a union outside the platform (another county): the record stays with status 已转出."""
    scope.require(actor, member, "members.change")
    member = Member.objects.select_for_update().get(pk=member.pk)
    _require_live(member)
    to_name = to_name.strip()
    if not to_name:
        raise ValidationError({"to_name": ["请填写转入单位（工会）名称。"]})
    if on > dt.date.today() or on < member.joined_on:
        raise ValidationError({"on": ["转出日期应在入会日期之后、今天之前。"]})
    member.status, member.ended_on = Status.TRANSFERRED_OUT, on
    member.save(update_fields=["status", "ended_on", "updated_at"])
    MembershipEvent.objects.create(
        member=member,
        kind=EventKind.TRANSFER_OUT,
        on=on,
        union=member.union,
        other_name=to_name[:100],
        reason=reason,
        actor=_user(actor),
    )
    audit.record(actor=actor, action="members.member.transferred_out", obj=member, changes={"to": to_name, "on": on})
    return member


RETAIN_REASONS = ("退休", "失业", "单位关闭或破产")


def higher_union(union: OrgNode) -> OrgNode | None:
    """The union above a workplace union: the town's (or county's) own union, if it has one."""
    for ancestor in reversed(list(union.ancestors())):
        if ancestor.kind in (Kind.TOWN, Kind.COUNTY):
            found = OrgNode.objects.filter(parent=ancestor, kind=Kind.UNION).order_by("path").first()
            if found is not None:
                return found
    return None


@transaction.atomic
def member_retain(*, actor: Any, member: Member, reason: str, on: dt.date) -> Member:
    """保留会籍. Retirement and unemployment keep the membership at the old union; when the
    employer closed, it is held at the higher union (the town's). No dues, no vote while retained."""
    scope.require(actor, member, "members.change")
    member = Member.objects.select_for_update().select_related("union").get(pk=member.pk)
    if member.status != Status.ACTIVE:
        raise ValidationError(f"{member.name} 当前不是在会状态，不能办理保留会籍。")
    if reason not in RETAIN_REASONS:
        raise ValidationError({"reason": [f"保留会籍的原因应为：{'、'.join(RETAIN_REASONS)}。"]})
    if on > dt.date.today() or on < member.joined_on:
        raise ValidationError({"on": ["日期应在入会日期之后、今天之前。"]})
    old = member.union
    holder = old
    if reason == "单位关闭或破产":
        higher = higher_union(old)
        if higher is None:
            raise ValidationError("找不到上级工会（镇、街道或县总工会），请先在组织架构中建立。")
        holder = higher
        member.union, member.enterprise, member.team = holder, None, None
    member.status = Status.RETAINED
    member.save()
    MembershipEvent.objects.create(
        member=member,
        kind=EventKind.RETAIN,
        on=on,
        union=holder,
        other_union=old if holder != old else None,
        reason=reason,
        actor=_user(actor),
    )
    audit.record(
        actor=actor,
        action="members.member.retained",
        obj=member,
        changes={"reason": reason, "holder": holder.name, "on": on},
    )
    return member


@transaction.atomic
def member_leave(*, actor: Any, member: Member, on: dt.date, reason: str) -> Member:
    """退会 (including 视为自动退会 after six months without dues, 章程 §5)."""
    scope.require(actor, member, "members.change")
    member = Member.objects.select_for_update().get(pk=member.pk)
    _require_live(member)
    if not reason.strip():
        raise ValidationError({"reason": ["请填写退会原因。"]})
    if on > dt.date.today() or on < member.joined_on:
        raise ValidationError({"on": ["退会日期应在入会日期之后、今天之前。"]})
    member.status, member.ended_on = Status.LEFT, on
    member.save(update_fields=["status", "ended_on", "updated_at"])
    MembershipEvent.objects.create(
        member=member,
        kind=EventKind.LEAVE,
        on=on,
        union=member.union,
        reason=reason.strip()[:200],
        actor=_user(actor),
    )
    audit.record(actor=actor, action="members.member.left", obj=member, changes={"reason": reason, "on": on})
    return member


def member_reveal(*, actor: Any, member: Member, field: str) -> str:
    """Show a full ID number or phone: needs the reveal right on the member; always audited."""
    if field not in ("id_number", "phone"):
        raise ValidationError("无效的字段。")
    if not scope.can(actor, member, "members.reveal"):
        raise PermissionDenied
    audit.record(actor=actor, action=f"members.member.{field}_revealed", obj=member)
    return getattr(member, field)


# ---------------------------------------------------------------- roster imports

IMPORT_RETENTION_DAYS = 30  # default of settings.IMPORT_RETENTION_DAYS (GEFENG_IMPORT_RETENTION_DAYS)


def imports_dir() -> Path:
    """Where uploaded rosters and their rejected-rows workbooks are kept (never served directly)."""
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def import_job_create(
    *, actor: Any, union: OrgNode, filename: str, stored: Path, size: int, mode: str, dry_run: bool
) -> ImportJob:
    """Queue an import of an uploaded file into `union` (checked: members.import on it)."""
    from gefeng.members.imports import tasks  # tasks → pipeline → services

    scope.require(actor, union, "members.import")
    with transaction.atomic():
        job = ImportJob.objects.create(
            actor=actor,
            union=union,
            filename=filename[:200],
            stored=str(stored),
            size=size,
            mode=mode,
            dry_run=dry_run,
        )
        audit.record(
            actor=actor,
            action="members.import.queued",
            obj=job,
            changes={"union": union.name, "file": job.filename, "size": size, "mode": mode, "dry_run": dry_run},
        )
        # In the same transaction: the database queue's row commits with the job, so a worker
        # never picks up a job that does not exist yet (the immediate backend of the tests runs it here).
        tasks.run_import.enqueue(job_id=job.pk)
    return job


def value_mappings_save(*, actor: Any, union: OrgNode, mappings: list[tuple[str, str, str | None]]) -> int:
    """Remember what `union`'s rosters mean by words the registry does not know.

    `mappings` are (column key, the word as in the file, stored value); a value of "" leaves the
    field empty without a warning, None forgets the word. `actor` None is the server console.
    Returns how many mappings changed; all or none are written."""
    if actor is not None:
        scope.require(actor, union, "members.import")
    errors: list[str] = []
    wanted: dict[tuple[str, str], str | None] = {}
    for column, raw, value in mappings:
        label = vocabulary.LABELS.get(column, column)
        folded = vocabulary.fold(raw or "")
        if column not in vocabulary.CHOICE_COLUMNS:
            errors.append(f"“{column}”不是可以对照取值的列。")
        elif not folded or len(folded) > vocabulary.MAPPABLE_CHARS:
            errors.append(f"{label}的原值应为 1–{vocabulary.MAPPABLE_CHARS} 个字符。")
        elif value and value not in dict(vocabulary.choices(column)):
            errors.append(f"{label}没有“{value}”这个选项。")
        else:
            wanted[(column, folded)] = value
    if errors:
        raise ValidationError(errors)
    changes: list[dict[str, str | None]] = []
    with transaction.atomic():
        have = {
            (m.column, m.raw_value): m
            for m in ValueMapping.objects.select_for_update().filter(
                org=union, column__in={c for c, _ in wanted}, raw_value__in={r for _, r in wanted}
            )
        }
        for (column, folded), value in wanted.items():
            current = have.get((column, folded))
            if value is None:
                if current is not None:
                    current.delete()
                    changes.append({"column": column, "raw": folded, "from": current.value, "to": None})
            elif current is None:
                ValueMapping.objects.create(org=union, column=column, raw_value=folded, value=value, actor=_user(actor))
                changes.append({"column": column, "raw": folded, "from": None, "to": value})
            elif current.value != value:
                changes.append({"column": column, "raw": folded, "from": current.value, "to": value})
                current.value, current.actor = value, _user(actor)
                current.save(update_fields=["value", "actor", "updated_at"])
        if changes:
            audit.record(
                actor=actor,
                action="members.value_mapping.saved",
                obj=union,
                changes={"union": union.name, "mappings": changes},
            )
    return len(changes)


def import_retention_days() -> int:
    try:
        days = int(getattr(settings, "IMPORT_RETENTION_DAYS", IMPORT_RETENTION_DAYS))
    except (TypeError, ValueError):
        days = IMPORT_RETENTION_DAYS
    return max(days, 1)


def import_files_purge(*, actor: Any = None, days: int | None = None, now: dt.datetime | None = None) -> int:
    """Delete uploaded rosters and rejected-rows workbooks older than the retention period.

    Rosters are personal data (PIPL §19: kept no longer than needed). A file goes when it was
    last written more than `days` (GEFENG_IMPORT_RETENTION_DAYS, default 30) ago and no
    unfinished import still needs it; the jobs keep their counts, their 错误行 link disappears.
    `actor` None is the system (the import task runs this after each import). Returns the number
    of files deleted."""
    if actor is not None:
        scope.require_perm(actor, "members.import")
    days = import_retention_days() if days is None else max(int(days), 1)
    cutoff = (now or timezone.now()).timestamp() - days * 86_400
    folder = imports_dir()
    busy = set(
        ImportJob.objects.exclude(status__in=(ImportStatus.DONE, ImportStatus.FAILED)).values_list("stored", flat=True)
    )
    busy |= {f"{stored}.rejects.xlsx" for stored in busy}
    deleted: list[str] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if not entry.is_file(follow_symlinks=False) or entry.path in busy:
                continue
            try:
                if entry.stat(follow_symlinks=False).st_mtime >= cutoff:
                    continue
                os.unlink(entry.path)
            except FileNotFoundError:
                continue
            deleted.append(entry.path)
    if deleted:
        with transaction.atomic():
            for start in range(0, len(deleted), 500):
                ImportJob.objects.filter(rejects__in=deleted[start : start + 500]).update(rejects="")
            audit.record(
                actor=actor,
                action="members.import.files_purged",
                object_type="members.importjob",
                object_repr="会员导入文件",
                changes={"files": len(deleted), "days": days},
            )
    return len(deleted)
