"""Trainees of safety sessions: registry members recorded on a session (picked from the
enterprise's members or read from a sign-in sheet of 姓名 + 身份证号 through the blind index)
and a count of people not in the registry. A session's trainees = registered + counted; a member
is recorded once per session, and the count is only for people who are not in the registry, so
nobody is counted twice (docs/rules/learning.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from gefeng.core import actors, audit, pii, scope
from gefeng.core.actors import accepts_system
from gefeng.core.tabular import Column
from gefeng.core.validators import normalize_id_number
from gefeng.learning.models import SafetySession, SafetyTrainee, SigninImport
from gefeng.learning.services._common import MANAGE, read_sheet
from gefeng.members.models import Member

SIGNIN_COLUMNS = [
    Column("name", "姓名", ("职工姓名", "学员姓名", "参训人员"), required=True),
    Column("id_number", "身份证号", ("身份证号码", "证件号码", "公民身份号码"), required=True),
]


def _masked(name: str) -> str:
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def enterprise_members(session: SafetySession) -> Any:
    """The registry members of the session's enterprise (its unions and teams below it)."""
    return Member.objects.filter(scope.subtree_q("union__", session.enterprise.path))


def _organiser_members(session: SafetySession) -> Any:
    """The registry of the campaign's organiser: a sign-in sheet may hold people of the
    organiser's other enterprises who came to this session."""
    return Member.objects.filter(scope.subtree_q("union__", session.campaign.org.path))


@accepts_system
@transaction.atomic
def trainees_add(*, actor: Any, session: SafetySession, members: Sequence[Member]) -> int:
    """Record registry members of the session's enterprise as its trainees; those already
    recorded are left as they are. Returns how many were added."""
    actors.require(actor, session.campaign, MANAGE)
    allowed = set(enterprise_members(session).filter(pk__in=[m.pk for m in members]).values_list("pk", flat=True))
    outside = [m.name for m in members if m.pk not in allowed]
    if outside:
        raise ValidationError(
            {"members": [f"不是本企业会员名册中的人员：{'、'.join(_masked(n) for n in outside[:10])}。"]}
        )
    have = set(SafetyTrainee.objects.filter(session=session).values_list("member_id", flat=True))
    new = [SafetyTrainee(session=session, member_id=pk) for pk in sorted(allowed - have)]
    SafetyTrainee.objects.bulk_create(new)
    audit.record(
        actor=actor,
        action="learning.safety.trainees",
        obj=session.campaign,
        changes={"session": session.pk, "added": len(new)},
    )
    return len(new)


@accepts_system
@transaction.atomic
def trainee_remove(*, actor: Any, session: SafetySession, member_id: int) -> None:
    actors.require(actor, session.campaign, MANAGE)
    gone, _ = SafetyTrainee.objects.filter(session=session, member_id=member_id).delete()
    if not gone:
        raise ValidationError("此人不在本场的受训名单中。")
    audit.record(
        actor=actor,
        action="learning.safety.trainees",
        obj=session.campaign,
        changes={"session": session.pk, "removed": 1},
    )


@accepts_system
@transaction.atomic
def counted_set(*, actor: Any, session: SafetySession, counted: Any) -> SafetySession:
    """The number of trainees who are not in the registry (the registered ones are not in it)."""
    actors.require(actor, session.campaign, MANAGE)
    try:
        number = int(str(counted).strip())
    except (TypeError, ValueError):
        raise ValidationError({"counted": ["名册外受训人数应为整数。"]}) from None
    if number < 0:
        raise ValidationError({"counted": ["名册外受训人数不能为负数。"]})
    before = session.trainees
    SafetySession.objects.filter(pk=session.pk).update(trainees=number)
    session.trainees = number
    audit.record(
        actor=actor,
        action="learning.safety.counted",
        obj=session.campaign,
        changes={"session": session.pk, "counted": [before, number]},
    )
    return session


@accepts_system
@transaction.atomic
def signin_import(*, actor: Any, session: SafetySession, upload: Any, count_unknown: bool = False) -> SigninImport:
    """Read a sign-in sheet (姓名, 身份证号) for a session through the isolated reader. Each row is
    matched to the organiser's registry by the blind index of the ID number and its name checked;
    rows with an invalid ID, a name that differs, a repeat, or nobody in the registry are reported
    row by row (names masked). With `count_unknown`, the rows of valid ID numbers not in the
    registry are added (once each) to the session's count of people not in the registry."""
    actors.require(actor, session.campaign, MANAGE)
    _sheet, rows, filename = read_sheet(upload, SIGNIN_COLUMNS, compact=("id_number",))
    parsed = [(r.number, r.values) for r in rows]
    report: list[dict[str, Any]] = []
    digests: dict[int, str] = {}
    for number, values in parsed:
        name = values.get("name", "")
        try:
            digests[number] = pii.blind_index(normalize_id_number(values.get("id_number", "")))
        except ValidationError:
            report.append({"row": number, "name": _masked(name), "reason": "身份证号无效。"})
    found = {
        m.id_hash: m
        for m in _organiser_members(session)
        .filter(id_hash__in=list(set(digests.values())))
        .only("id", "name", "id_hash", "union_id")
    }
    have = set(SafetyTrainee.objects.filter(session=session).values_list("member_id", flat=True))
    names = {number: values.get("name", "") for number, values in parsed}
    seen: dict[str, int] = {}
    taken: list[int] = []
    unknown = 0
    for number in sorted(digests):
        digest, name = digests[number], names[number]
        member = found.get(digest)
        reason = ""
        if digest in seen:
            reason = f"与第{seen[digest]}行重复。"
        elif member is None:
            reason = "会员名册中没有此身份证号" + ("，已计入名册外人数。" if count_unknown else "。")
            if count_unknown:
                unknown += 1
        elif member.name != name:
            reason = "姓名与会员名册不符。"
        elif member.pk in have:
            reason = "已在本场受训名单中。"
        seen.setdefault(digest, number)
        if reason:
            report.append({"row": number, "name": _masked(name), "reason": reason})
            continue
        assert member is not None
        taken.append(member.pk)
        have.add(member.pk)
    SafetyTrainee.objects.bulk_create([SafetyTrainee(session=session, member_id=pk) for pk in taken])
    if unknown:
        session.trainees += unknown
        SafetySession.objects.filter(pk=session.pk).update(trainees=session.trainees)
    report.sort(key=lambda r: r["row"])
    batch = SigninImport.objects.create(
        session=session,
        filename=filename[:200],
        rows=len(parsed),
        matched=len(taken),
        refused=len(report),
        report=report,
        created_by=actors.user_of(actor),
    )
    audit.record(
        actor=actor,
        action="learning.safety.signin",
        obj=session.campaign,
        changes={"file": filename, "rows": len(parsed), "matched": len(taken), "counted": unknown},
    )
    return batch
