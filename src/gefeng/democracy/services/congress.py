"""The congress: forming it (kind from the employee count, term 3–5 years), constituencies,
representatives elected from the registry, vacancies and by-elections, presidium, committees."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from gefeng.core import audit, scope
from gefeng.core.actors import accepts_system
from gefeng.democracy import rules
from gefeng.democracy.models import Committee, Congress, CongressKind, Constituency, Representative, RepStatus
from gefeng.democracy.services._common import MANAGE, date, number, require, text
from gefeng.members.models import JobCategory, Member, Sex
from gefeng.orgs.models import Kind, OrgNode

LOCAL_SETTINGS = (
    "ratio_per",
    "min_seats",
    "frontline_min_pct",
    "member_meeting_months",
    "enlarged_meeting_months",
    "congress_months",
    "materials_days",
    "cosigners_min",
)


def _term(start: dt.date, end: dt.date) -> None:
    """A term of 3 to 5 years (企业民主管理规定; 上海条例 §22)."""
    low, high = rules.TERM_YEARS
    if end <= start:
        raise ValidationError({"term_end": ["任期结束应晚于任期开始。"]})
    try:
        earliest, latest = start.replace(year=start.year + low), start.replace(year=start.year + high)
    except ValueError:  # 29 February
        earliest, latest = dt.date(start.year + low, 3, 1), dt.date(start.year + high, 3, 1)
    if not earliest - dt.timedelta(days=1) <= end <= latest:
        raise ValidationError({"term_end": [f"职代会每届任期为 {low}–{high} 年（企业民主管理规定）。"]})


@accepts_system
@transaction.atomic
def congress_create(
    *,
    actor: Any,
    org: OrgNode,
    term_start: Any,
    term_end: Any,
    kind: str = "",
    name: str = "",
    session: Any = 1,
    employee_count: Any = None,
    women_staff: Any = None,
    dispatched_staff: Any = None,
    **local: Any,
) -> Congress:
    """Form a congress for an enterprise (or a 区域/行业 congress on a town or zone). The kind
    follows the employee count: 职工代表大会 at 100 or more, 职工大会 below (企业民主管理规定)."""
    require(actor, org, MANAGE)
    start = date(term_start, field="term_start", label="任期开始")
    end = date(term_end, field="term_end", label="任期结束")
    assert start is not None and end is not None
    _term(start, end)
    employees = number(
        employee_count if employee_count not in (None, "") else (org.employee_count or 0),
        field="employee_count",
        label="职工人数",
    )
    if org.kind == Kind.ENTERPRISE:
        decided = rules.congress_kind_for(employees)
        if kind and kind not in (decided, CongressKind.CONGRESS):
            raise ValidationError({"kind": ["职工 100 人以上的企业应召开职工代表大会，不足 100 人召开职工大会。"]})
        if kind == CongressKind.CONGRESS and decided == CongressKind.ASSEMBLY:
            decided = CongressKind.CONGRESS  # a small enterprise may still elect a congress
        kind = decided
    elif org.kind in (Kind.TOWN, Kind.COUNTY):
        if kind not in (CongressKind.REGIONAL, CongressKind.SECTOR):
            raise ValidationError({"kind": ["镇街、园区只能组建区域或行业职代会。"]})
    else:
        raise ValidationError({"org": ["职代会应建在企业，或在镇街、园区建区域（行业）职代会。"]})
    session_n = number(session, field="session", label="届次", minimum=1, maximum=99)
    if Congress.objects.filter(org=org, session=session_n).exists():
        raise ValidationError({"session": [f"{org.name}已有第{session_n}届职代会。"]})
    Congress.objects.filter(org=org, active=True).update(active=False)
    congress = Congress(
        org=org,
        kind=kind,
        session=session_n,
        name=text(name, field="name", limit=100, required=False)
        or f"{org.name}第{session_n}届{CongressKind(kind).label}",
        term_start=start,
        term_end=end,
        employee_count=employees,
        women_staff=_optional(women_staff, "women_staff", "女职工人数", employees),
        dispatched_staff=_optional(dispatched_staff, "dispatched_staff", "劳务派遣职工人数", employees),
    )
    _apply_local(congress, local)
    congress.save()
    audit.record(
        actor=actor,
        action="democracy.congress.created",
        obj=congress,
        changes={"kind": kind, "term_start": start, "term_end": end, "employees": employees},
    )
    return congress


def _optional(value: Any, field: str, label: str, employees: int) -> int | None:
    if value in (None, ""):
        return None
    return number(value, field=field, label=label, maximum=employees)


def _apply_local(congress: Congress, local: dict[str, Any]) -> None:
    limits = {"ratio_per": (1, 1000), "min_seats": (1, 2000), "frontline_min_pct": (0, 100)}
    for key, value in local.items():
        if key not in LOCAL_SETTINGS:
            raise ValidationError({key: ["未知的设置项。"]})
        if value in (None, ""):
            continue
        low, high = limits.get(key, (1, 120))
        label = str(getattr(Congress._meta.get_field(key), "verbose_name", key))
        setattr(congress, key, number(value, field=key, label=label, minimum=low, maximum=high))


@accepts_system
@transaction.atomic
def congress_settings(*, actor: Any, congress: Congress, data: dict[str, Any]) -> Congress:
    """Change the local numbers of a congress (ratio, front-line share, rhythm, co-signers)."""
    require(actor, congress)
    before = {k: getattr(congress, k) for k in LOCAL_SETTINGS}
    _apply_local(congress, {k: v for k, v in data.items() if k in LOCAL_SETTINGS})
    congress.save()
    after = {k: getattr(congress, k) for k in LOCAL_SETTINGS}
    audit.record(actor=actor, action="democracy.congress.settings", obj=congress, changes=audit.diff(before, after))
    return congress


@accepts_system
@transaction.atomic
def constituency_add(
    *, actor: Any, congress: Congress, name: Any, employees: Any, seats: Any = None, team: OrgNode | None = None
) -> Constituency:
    require(actor, congress)
    label = text(name, field="name", limit=60, label="选区名称")
    staff = number(employees, field="employees", label="选区职工人数", minimum=1, maximum=1_000_000)
    if seats in (None, ""):
        seats_n = max(1, round(staff / congress.ratio_per))
    else:
        seats_n = number(seats, field="seats", label="名额", minimum=1, maximum=2000)
    if team is not None and not team.path.startswith(congress.org.path):
        raise ValidationError({"team": ["班组不属于本企业。"]})
    if Constituency.objects.filter(congress=congress, name=label).exists():
        raise ValidationError({"name": ["已有同名选区。"]})
    c = Constituency.objects.create(congress=congress, name=label, employees=staff, seats=seats_n, team=team)
    audit.record(
        actor=actor, action="democracy.constituency.added", obj=c, changes={"employees": staff, "seats": seats_n}
    )
    return c


def _member_of(congress: Congress, member_id: Any) -> Member:
    """A member of the registry who works in the congress's enterprise (or region)."""
    try:
        pk = int(str(member_id))
    except (TypeError, ValueError):
        raise ValidationError({"member": ["请选择会员。"]}) from None
    member = (
        Member.objects.filter(pk=pk)
        .filter(scope.subtree_q("union__", congress.org.path) | scope.subtree_q("enterprise__", congress.org.path))
        .first()
    )
    if member is None:
        raise ValidationError({"member": ["该会员不在本企业的会员名册中，不能当选本企业的职工代表。"]})
    return member


@accepts_system
@transaction.atomic
def representative_elect(
    *,
    actor: Any,
    constituency: Constituency,
    member: Any,
    elected_on: Any,
    voters: Any,
    votes_for: Any,
    manager: Any = None,
    dispatched: bool = False,
    by_election: bool = False,
) -> Representative:
    """Record a representative elected in a constituency, with the election record. Taking part
    must be at least ⅔ of the constituency and the winner needs more than half of its employees
    (上海条例 §21, a model the county follows; the record is checked, not guessed)."""
    congress = Congress.objects.select_for_update().get(pk=constituency.congress_id)
    require(actor, congress)
    person = _member_of(congress, member.pk if isinstance(member, Member) else member)
    day = date(elected_on, field="elected_on", label="当选日期")
    assert day is not None
    if not congress.term_start - dt.timedelta(days=120) <= day <= congress.term_end:
        raise ValidationError({"elected_on": ["当选日期应在本届任期内。"]})
    n_voters = number(voters, field="voters", label="参选人数", minimum=1, maximum=constituency.employees)
    n_for = number(votes_for, field="votes_for", label="得票", maximum=n_voters)
    if 3 * n_voters < 2 * constituency.employees:
        raise ValidationError({"voters": ["参加选举的职工不足选区职工的三分之二，选举无效。"]})
    if 2 * n_for <= constituency.employees:
        raise ValidationError({"votes_for": ["得票未超过选区全体职工的半数，不能当选。"]})
    seated = constituency.representatives.filter(status=RepStatus.ACTIVE).count()
    if seated >= constituency.seats:
        raise ValidationError({"constituency": [f"选区“{constituency.name}”的 {constituency.seats} 个名额已满。"]})
    is_manager = person.job_category == JobCategory.MANAGEMENT if manager in (None, "") else bool(manager)
    rep = Representative(
        congress=congress,
        constituency=constituency,
        member=person,
        name=person.name,
        woman=person.sex == Sex.FEMALE,
        manager=is_manager,
        frontline=person.job_category == JobCategory.FRONTLINE,
        dispatched=bool(dispatched),
        elected_on=day,
        voters=n_voters,
        votes_for=n_for,
        by_election=bool(by_election),
    )
    try:
        with transaction.atomic():
            rep.save()
    except IntegrityError:
        raise ValidationError({"member": [f"{person.name}已是本届职工代表。"]}) from None
    audit.record(
        actor=actor,
        action="democracy.representative.elected",
        obj=rep,
        changes={"constituency": constituency.name, "voters": n_voters, "votes_for": n_for, "by_election": by_election},
    )
    return rep


@accepts_system
@transaction.atomic
def representative_vacate(*, actor: Any, representative: Representative, on: Any, reason: Any) -> Representative:
    """A seat falls vacant (left the enterprise, recalled, resigned); the constituency holds a by-election."""
    require(actor, representative)
    rep = Representative.objects.select_for_update().get(pk=representative.pk)
    if rep.status != RepStatus.ACTIVE:
        raise ValidationError("该代表已出缺。")
    rep.status = RepStatus.VACATED
    rep.vacated_on = date(on, field="on", label="出缺日期")
    rep.vacated_reason = text(reason, field="reason", limit=200, label="出缺原因")
    rep.presidium = False
    rep.save()
    audit.record(
        actor=actor, action="democracy.representative.vacated", obj=rep, changes={"reason": rep.vacated_reason}
    )
    return rep


@accepts_system
@transaction.atomic
def presidium_set(*, actor: Any, congress: Congress, representative_ids: list[Any]) -> int:
    """The presidium: representatives of this congress (the others are refused)."""
    require(actor, congress)
    ids = {int(i) for i in representative_ids if str(i).isdigit()}
    reps = Representative.objects.filter(congress=congress, status=RepStatus.ACTIVE, pk__in=ids)
    if len(ids) != reps.count():
        raise ValidationError({"representatives": ["主席团成员应为本届在任职工代表。"]})
    Representative.objects.filter(congress=congress).update(presidium=False)
    n = reps.update(presidium=True)
    audit.record(actor=actor, action="democracy.presidium.set", obj=congress, changes={"members": n})
    return n


@accepts_system
@transaction.atomic
def committee_save(*, actor: Any, congress: Congress, name: Any, representative_ids: list[Any]) -> Committee:
    require(actor, congress)
    label = text(name, field="name", limit=60, label="委员会名称")
    ids = {int(i) for i in representative_ids if str(i).isdigit()}
    reps = list(Representative.objects.filter(congress=congress, status=RepStatus.ACTIVE, pk__in=ids))
    if len(reps) != len(ids):
        raise ValidationError({"representatives": ["委员会成员应为本届在任职工代表。"]})
    committee, _created = Committee.objects.get_or_create(congress=congress, name=label)
    committee.members.set(reps)
    audit.record(actor=actor, action="democracy.committee.saved", obj=committee, changes={"members": len(reps)})
    return committee


def composition_counts(congress: Congress) -> dict[str, int]:
    """The active representatives by the composition rules, one aggregate query."""
    row = Representative.objects.filter(congress=congress, status=RepStatus.ACTIVE).aggregate(
        total=Count("id"),
        managers=Count("id", filter=Q(manager=True)),
        frontline=Count("id", filter=Q(frontline=True)),
        women=Count("id", filter=Q(woman=True)),
        dispatched=Count("id", filter=Q(dispatched=True)),
        presidium=Count("id", filter=Q(presidium=True)),
    )
    return {k: v or 0 for k, v in row.items()}


def composition(congress: Congress) -> list[rules.Check]:
    return rules.composition(congress, composition_counts(congress))
