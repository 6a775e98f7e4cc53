"""The demo county's commendations (选树表彰), as the county's account of 2020 tells them:

- the 2016–2019 county campaign decided in 2020: 29 先进集体 and 66 劳动模范, 44 of them (66.7 %)
  front-line workers or technical staff (“其中一线职工占比60%以上”);
- the 2020 civilized-worker campaign: 20 十佳文明职工, 80 文明职工, 20 五一文明示范岗, 40 五一文明岗;
- one campaign in public notice now (沛县工匠), with one objection waiting to be resolved.

The two decided campaigns are written in bulk (their honours, nominations and review trail); the
campaign in notice goes through the services like a real one. People come from the registry
when it is loaded (drawn deterministically from the members of demo enterprises), otherwise a
few hundred members are created here (card numbers starting `RYDEMO`, so `clear()` finds them).
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from typing import Any, TextIO

from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone

from gefeng.core import pii
from gefeng.core.people import PersonFactory
from gefeng.honours import services
from gefeng.honours.models import (
    COLLECTIVE_KINDS,
    Allocation,
    Attachment,
    Award,
    Campaign,
    CampaignStatus,
    Clearance,
    Honour,
    HonourKind,
    Level,
    Nomination,
    NominationStatus,
    Objection,
    ReviewAction,
    ReviewLevel,
    ReviewStep,
    Rule,
    RuleKind,
    Subject,
    Trait,
)
from gefeng.members import idtail
from gefeng.members.models import EventKind, Member, MembershipEvent, Status
from gefeng.members.services import search_columns
from gefeng.orgs.models import Kind, OrgNode, Ownership

SEED = 20200428
MARK = "【演示】"
CARD_PREFIX = "RYDEMO"
LABOUR_MODELS, FRONTLINE_MODELS, COLLECTIVES = 66, 44, 29
LEADER_MODELS = 9  # ≤ 20 %: enterprise leaders among the 66
CIVILIZED = {"top": 20, "worker": 80, "model_post": 20, "post": 40}
NOTICE_NOMINEES = 8
FRONT = ("一线工人", "技术人员")
OTHER_JOBS = ("管理人员", "其他")
NON_PUBLIC = {Ownership.PRIVATE, Ownership.FOREIGN, Ownership.HMT, Ownership.INDIVIDUAL}


def _county() -> OrgNode:
    return OrgNode.objects.get(parent__isnull=True, kind=Kind.COUNTY)


def _town_of(node: OrgNode, towns: dict[str, OrgNode]) -> OrgNode | None:
    for path, town in towns.items():
        if node.path.startswith(path):
            return town
    return None


def _make_people(rng: random.Random, unions: list[OrgNode], needs: dict[str, int]) -> list[Member]:
    """Create the members the campaigns need when the registry is not loaded (bulk, a few hundred)."""
    factory = PersonFactory(SEED)
    now = timezone.now()
    rows: list[Member] = []
    n = 0
    for category, count in needs.items():
        for _i in range(count):
            person = factory.person()
            union = unions[rng.randrange(len(unions))]
            n += 1
            member = Member(
                name=person.name,
                id_number=person.id_number,
                id_hash=pii.blind_index(person.id_number),
                **idtail.fields(person.id_number),
                sex=person.sex,
                birth_date=person.birth_date,
                ethnicity=person.ethnicity,
                political_status=person.political_status,
                education=person.education,
                phone=person.mobile,
                phone_hash=pii.blind_index(person.mobile),
                union=union,
                enterprise=union.parent if union.parent and union.parent.kind == Kind.ENTERPRISE else None,
                job_category=category,
                occupation=person.occupation,
                migrant=person.migrant,
                joined_on=min(person.joined_on, dt.date(2015, 12, 31)),
                card_number=f"{CARD_PREFIX}{n:05d}",
                status=Status.ACTIVE,
                created_at=now,
                updated_at=now,
                **search_columns(person.name),
            )
            rows.append(member)
    created = Member.objects.bulk_create(rows, batch_size=500)
    MembershipEvent.objects.bulk_create(
        [MembershipEvent(member=m, kind=EventKind.JOIN, on=m.joined_on, union=m.union) for m in created],
        batch_size=500,
    )
    return created


def _pick(rng: random.Random, qs: Any, count: int, taken: set[int]) -> list[Member]:
    ids = [pk for pk in qs.order_by("id").values_list("id", flat=True)[:20000] if pk not in taken]
    chosen = rng.sample(ids, min(count, len(ids)))
    taken.update(chosen)
    by_id = Member.objects.select_related("union", "enterprise").in_bulk(chosen)
    return [by_id[pk] for pk in chosen]


def _people(rng: random.Random, registry: bool, needs: dict[str, int]) -> dict[str, list[Member]]:
    """Members by job category for the campaigns: from the registry, or made here."""
    base = Member.objects.filter(status=Status.ACTIVE, enterprise__isnull=False, enterprise__kind=Kind.ENTERPRISE)
    out: dict[str, list[Member]] = {}
    taken: set[int] = set()
    if registry and base.exists():
        for category, count in needs.items():
            cats = FRONT if category == "front" else OTHER_JOBS
            out[category] = _pick(rng, base.filter(job_category__in=cats), count, taken)
        if all(len(out[c]) == n for c, n in needs.items()):
            return out
    unions = list(
        OrgNode.objects.filter(kind=Kind.UNION, parent__kind=Kind.ENTERPRISE, valid_to__isnull=True)
        .select_related("parent")
        .order_by("path")[:400]
    )
    made = _make_people(rng, unions, {"一线工人": needs["front"], "管理人员": needs["other"]})
    made = list(Member.objects.select_related("union", "enterprise").filter(pk__in=[m.pk for m in made]).order_by("id"))
    out = {
        "front": [m for m in made if m.job_category in FRONT],
        "other": [m for m in made if m.job_category not in FRONT],
    }
    return out


def _unit_for(node: OrgNode, units: dict[str, OrgNode], county: OrgNode) -> OrgNode:
    """The nominating unit of a person or collective: its town or system (member unit), else
    itself (an enterprise directly under the county). Towns submit straight to the county."""
    unit = _town_of(node, units)
    if unit is not None:
        return unit
    return node if node.kind == Kind.ENTERPRISE else county


def _decided_campaign(
    *,
    county: OrgNode,
    name: str,
    issuer: str,
    year: int,
    period: tuple[int, int],
    notice_starts_on: dt.date,
    decided_on: dt.date,
    decision_no: str,
    awards: list[tuple[str, str, int]],
) -> tuple[Campaign, dict[str, Award]]:
    campaign = Campaign.objects.create(
        name=name,
        level=Level.COUNTY,
        org=county,
        issuer=issuer,
        year=year,
        period_start=period[0],
        period_end=period[1],
        nomination_deadline=notice_starts_on - dt.timedelta(days=30),
        notice_days=7,
        notice_starts_on=notice_starts_on,
        required_clearances=services.default_clearances(),
        status=CampaignStatus.DECIDED,
        decided_on=decided_on,
        decision_no=decision_no,
        description=f"{MARK}{name}",
    )
    out = {}
    for order, (kind, title, quota) in enumerate(awards, start=1):
        subject = Subject.COLLECTIVE if kind in COLLECTIVE_KINDS else Subject.PERSON
        out[kind] = Award.objects.create(
            campaign=campaign, kind=kind, title=title, quota=quota, subject=subject, order=order
        )
    return campaign, out


def _write(
    campaign: Campaign,
    entries: list[tuple[Award, Member | None, OrgNode, OrgNode, str, bool]],
    *,
    status: str,
) -> list[Nomination]:
    """Write nominations (in `status`) and their review trail, in bulk."""
    nominations = []
    for award, person, org, unit, post, leader in entries:
        ent = person.enterprise if person is not None else org
        nominations.append(
            Nomination(
                campaign=campaign,
                award=award,
                unit=unit,
                person=person,
                org=org,
                name=person.name if person is not None else org.name,
                unit_name=org.name
                if person is not None
                else (org.parent.name if org.kind == Kind.TEAM and org.parent else org.name),
                post=post,
                deeds=f"{MARK}在{campaign.period_start}—{campaign.period_end}年间立足岗位、攻坚克难，成绩突出。",
                job_category=person.job_category if person is not None else "",
                sex=person.sex if person is not None else "",
                migrant=person.migrant if person is not None else False,
                non_public=bool(ent is not None and ent.ownership in NON_PUBLIC),
                is_leader=leader,
                status=status,
            )
        )
    created = Nomination.objects.bulk_create(nominations, batch_size=500)
    steps = []
    for n in created:
        steps.append(ReviewStep(nomination=n, level=ReviewLevel.UNIT, action=ReviewAction.SUBMIT, comment="同意推荐"))
        steps.append(ReviewStep(nomination=n, level=ReviewLevel.COUNTY, action=ReviewAction.APPROVE, comment="同意"))
    ReviewStep.objects.bulk_create(steps, batch_size=1000)
    return created


def _award_all(campaign: Campaign, entries: list[tuple[Award, Member | None, OrgNode, OrgNode, str, bool]]) -> int:
    """Write awarded nominations, their review trail and the honours, in bulk."""
    created = _write(campaign, entries, status=NominationStatus.AWARDED)
    honours = [
        Honour(
            person=n.person,
            org=n.org,
            name=n.name,
            kind=n.award.kind,
            title=n.award.title,
            level=campaign.level,
            year=campaign.year,
            issuer=campaign.issuer,
            awarded_on=campaign.decided_on,
            campaign=campaign,
            nomination=n,
            certificate_no=services.certificate_number(campaign, seq),
        )
        for seq, n in enumerate(created, start=1)
    ]
    Honour.objects.bulk_create(honours, batch_size=500)
    return len(honours)


def _allocate(campaign: Campaign, award: Award, units: list[OrgNode]) -> None:
    counts: dict[int, int] = {}
    nodes: dict[int, OrgNode] = {}
    for unit in units:
        if unit.kind in (Kind.TOWN, Kind.MEMBER_UNIT):
            counts[unit.pk] = counts.get(unit.pk, 0) + 1
            nodes[unit.pk] = unit
    Allocation.objects.bulk_create(
        [Allocation(campaign=campaign, award=award, org=nodes[pk], quota=n) for pk, n in sorted(counts.items())]
    )


def _collectives(rng: random.Random, kind: str, count: int, taken: set[int]) -> list[OrgNode]:
    qs = OrgNode.objects.filter(kind=kind, valid_to__isnull=True).exclude(pk__in=taken).order_by("path")
    ids = list(qs.values_list("id", flat=True)[:5000])
    chosen = rng.sample(ids, min(count, len(ids)))
    taken.update(chosen)
    by_id = OrgNode.objects.select_related("parent").in_bulk(chosen)
    return [by_id[pk] for pk in chosen]


def load(*, stdout: TextIO | None = None, registry: bool = True) -> dict[str, int]:
    rng = random.Random(SEED)
    county = _county()
    towns = {
        t.path: t
        for t in OrgNode.objects.filter(kind__in=[Kind.TOWN, Kind.MEMBER_UNIT], parent=county).order_by("path")
    }
    needs = {"front": FRONTLINE_MODELS + CIVILIZED["top"] + CIVILIZED["worker"] + NOTICE_NOMINEES, "other": 40}
    people = _people(rng, registry, needs)
    front, other = list(people["front"]), list(people["other"])
    posts_front = ["车间主任", "班组长", "高级技师", "技术员", "一线操作工", "工程师"]
    posts_other = ["总经理", "董事长", "办公室主任", "财务主管", "行政经理"]

    # 1. 2016–2019 劳动模范 and 先进集体, decided in 2020.
    lm_campaign, lm = _decided_campaign(
        county=county,
        name="沛县2016—2019年度劳动模范和先进集体评选表彰",
        issuer="中共沛县县委 沛县人民政府",
        year=2020,
        period=(2016, 2019),
        notice_starts_on=dt.date(2020, 4, 10),
        decided_on=dt.date(2020, 4, 28),
        decision_no="沛发〔2020〕18号",
        awards=[
            (HonourKind.LABOUR_MODEL, "沛县劳动模范", LABOUR_MODELS),
            (HonourKind.ADVANCED_COLLECTIVE, "沛县先进集体", COLLECTIVES),
        ],
    )
    Rule.objects.bulk_create(
        [
            Rule(
                campaign=lm_campaign,
                award=lm[HonourKind.LABOUR_MODEL],
                kind=RuleKind.MIN_SHARE,
                trait=Trait.FRONTLINE,
                percent=60,
                note="一线职工和技术人员不低于60%",
            ),
            Rule(
                campaign=lm_campaign,
                award=lm[HonourKind.LABOUR_MODEL],
                kind=RuleKind.MAX_SHARE,
                trait=Trait.LEADER,
                percent=20,
                note="企业负责人不超过20%",
            ),
            Rule(campaign=lm_campaign, award=lm[HonourKind.LABOUR_MODEL], kind=RuleKind.NO_REPEAT, years=5),
        ]
    )
    models = front[:FRONTLINE_MODELS] + other[: LABOUR_MODELS - FRONTLINE_MODELS]
    front, other = front[FRONTLINE_MODELS:], other[LABOUR_MODELS - FRONTLINE_MODELS :]
    entries: list[tuple[Award, Member | None, OrgNode, OrgNode, str, bool]] = []
    for i, person in enumerate(models):
        org = services.person_org(person)
        leader = i >= FRONTLINE_MODELS and i < FRONTLINE_MODELS + LEADER_MODELS
        post = (
            posts_other[i % len(posts_other)] if leader or i >= FRONTLINE_MODELS else posts_front[i % len(posts_front)]
        )
        entries.append((lm[HonourKind.LABOUR_MODEL], person, org, _unit_for(org, towns, county), post, leader))
    taken: set[int] = set()
    for node in _collectives(rng, Kind.ENTERPRISE, COLLECTIVES, taken):
        entries.append((lm[HonourKind.ADVANCED_COLLECTIVE], None, node, _unit_for(node, towns, county), "", False))
    _allocate(lm_campaign, lm[HonourKind.LABOUR_MODEL], [e[3] for e in entries[:LABOUR_MODELS]])
    awarded = _award_all(lm_campaign, entries)

    # 2. 2020 十佳文明职工, 文明职工, 五一文明示范岗, 五一文明岗.
    cw_campaign, cw = _decided_campaign(
        county=county,
        name="2020年度沛县文明职工和五一文明岗评选",
        issuer="沛县总工会",
        year=2020,
        period=(2020, 2020),
        notice_starts_on=dt.date(2020, 12, 1),
        decided_on=dt.date(2020, 12, 18),
        decision_no="沛工〔2020〕56号",
        awards=[
            (HonourKind.TOP_CIVILIZED_WORKER, "沛县十佳文明职工", CIVILIZED["top"]),
            (HonourKind.CIVILIZED_WORKER, "沛县文明职工", CIVILIZED["worker"]),
            (HonourKind.MODEL_POST, "沛县五一文明示范岗", CIVILIZED["model_post"]),
            (HonourKind.CIVILIZED_POST, "沛县五一文明岗", CIVILIZED["post"]),
        ],
    )
    entries = []
    for kind, count in (
        (HonourKind.TOP_CIVILIZED_WORKER, CIVILIZED["top"]),
        (HonourKind.CIVILIZED_WORKER, CIVILIZED["worker"]),
    ):
        for _i in range(count):
            person = front.pop(0)
            org = services.person_org(person)
            entries.append((cw[kind], person, org, _unit_for(org, towns, county), rng.choice(posts_front), False))
    teams = _collectives(rng, Kind.TEAM, CIVILIZED["model_post"] + CIVILIZED["post"], taken)
    for kind, chunk in (
        (HonourKind.MODEL_POST, teams[: CIVILIZED["model_post"]]),
        (HonourKind.CIVILIZED_POST, teams[CIVILIZED["model_post"] :]),
    ):
        for node in chunk:
            entries.append((cw[kind], None, node, _unit_for(node, towns, county), "", False))
    awarded += _award_all(cw_campaign, entries)

    # 3. A campaign in public notice now (started two days ago), with one objection to check.
    today = dt.date.today()
    notice = Campaign.objects.create(
        name=f"{today.year}年度沛县工匠评选",
        level=Level.COUNTY,
        org=county,
        issuer="沛县总工会",
        year=today.year,
        period_start=today.year - 1,
        period_end=today.year,
        nomination_deadline=today - dt.timedelta(days=10),
        notice_days=5,
        notice_starts_on=today - dt.timedelta(days=2),
        notice_token=secrets.token_urlsafe(24),
        required_clearances=services.default_clearances(),
        status=CampaignStatus.NOTICE,
        description=f"{MARK}评选沛县工匠：立足一线、技艺精湛的技术工人。",
    )
    craftsman = Award.objects.create(
        campaign=notice, kind=HonourKind.CRAFTSMAN, title="沛县工匠", quota=10, subject=Subject.PERSON, order=1
    )
    Rule.objects.bulk_create(
        [
            Rule(campaign=notice, kind=RuleKind.MIN_SHARE, trait=Trait.FRONTLINE, percent=70, note="一线职工不低于70%"),
            Rule(campaign=notice, kind=RuleKind.NO_REPEAT, years=3),
        ]
    )
    entries = []
    for person in front[:NOTICE_NOMINEES]:
        org = services.person_org(person)
        post = rng.choice(["高级技师", "技师", "班组长", "首席技师"])
        entries.append((craftsman, person, org, _unit_for(org, towns, county), post, False))
    nominated = _write(notice, entries, status=NominationStatus.SHORTLISTED)
    Objection.objects.create(
        campaign=notice,
        nomination=nominated[0],
        received_on=today - dt.timedelta(days=1),
        content="反映该同志所述技术革新成果系班组集体完成，个人事迹有夸大。",
        contact="匿名来信",
    )
    counts = {
        "honour_campaigns": 3,
        "honours": awarded,
        "honour_nominations": Nomination.objects.filter(campaign__description__startswith=MARK).count(),
        "honour_objections": 1,
    }
    if stdout is not None:
        stdout.write(f"选树表彰：3 个活动（2 个已表彰、1 个公示中，1 件异议待办），荣誉记录 {awarded} 条。\n")
    return counts


def clear() -> None:
    """Delete what `load` made: the demo campaigns and everything under them, and the members it created."""
    campaigns = Campaign.objects.filter(description__startswith=MARK)
    Objection.objects.filter(campaign__in=campaigns).delete()
    Honour.objects.filter(campaign__in=campaigns).delete()
    Attachment.objects.filter(nomination__campaign__in=campaigns).delete()
    Clearance.objects.filter(nomination__campaign__in=campaigns).delete()
    ReviewStep.objects.filter(nomination__campaign__in=campaigns).delete()
    Nomination.objects.filter(campaign__in=campaigns).delete()
    Rule.objects.filter(campaign__in=campaigns).delete()
    Allocation.objects.filter(campaign__in=campaigns).delete()
    Award.objects.filter(campaign__in=campaigns).delete()
    campaigns.delete()
    made = Member.objects.filter(Q(card_number__startswith=CARD_PREFIX))
    try:
        with transaction.atomic():
            MembershipEvent.objects.filter(member__in=made).delete()
            made.delete()
    except ProtectedError:
        # Parts loaded after this one (talent, allowances) still point at them: they are cleared
        # first when the whole demo reloads; the registry's own clear removes the members then.
        pass
