"""The demo county's labour models and its 2020 allowance run: “2020年春节沛县总工会向全县428名
各级劳动模范发放了劳模‘三金一贴’共计61.9万元”.

It writes the county's historic labour models into the honours register (county, city,
provincial and national titles awarded 1995–2017; some hold two, some have died, one title was
revoked), their talent profiles (retired, hardship, bank account), the four allowance kinds and
the rule table (example names and amounts — the real ones are not public, see domain.md §7), and
the 2020 run built by the real roster builder, submitted, approved and paid: 428 people, ¥619,000.

The 66 labour models of the 2016–2019 county campaign (the honours demo) were named after the
Spring Festival of 2020 (资格认定日 2020-01-10), so they are not in this run.

People come from the registry (members of demo enterprises aged about 48 and over, not yet
honoured) when it is loaded, or are made here (card numbers `PXLM…`). Honours made here carry
certificate numbers starting `HIS-`. Everything is drawn from `random.Random(SEED)`.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TextIO

from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils import timezone

from gefeng.allowances import services
from gefeng.allowances.models import AllowanceKind, AllowanceRule, AllowanceRun, Payment, RunLine
from gefeng.core import bulk, pii
from gefeng.core.actors import SYSTEM
from gefeng.core.people import PersonFactory
from gefeng.members import idtail
from gefeng.members.demo import MEMBER_COLUMNS
from gefeng.members.models import EventKind, Member, MembershipEvent, Status
from gefeng.orgs.models import Kind, OrgNode

SEED = 20200125  # 2020 春节
RECIPIENTS_2020 = 428
TOTAL_2020 = Decimal("619000")
AS_OF_2020 = dt.date(2020, 1, 10)
PAID_2020 = dt.date(2020, 1, 20)
CERT_PREFIX = "HIS-"
CARD_PREFIX = "PXLM"

# Living labour models on 2020-01-10 by highest level, and how many of them are retired.
LIVING = {"national": 3, "provincial": 21, "city": 64, "county": 340}
RETIRED = {"national": 2, "provincial": 12, "city": 36, "county": 174}
HARDSHIP = {"city": 12, "county": 44}  # 56 困难劳模
DECEASED = {"provincial": 3, "city": 7, "county": 28}
REVOKED = 1  # a county title revoked (撤销), so not paid

YEARS = {
    "county": (1996, 2000, 2004, 2008, 2012, 2016),
    "city": (1997, 2002, 2007, 2012, 2017),
    "provincial": (1995, 2000, 2004, 2009, 2015),
    "national": (2000, 2005, 2010, 2015),
}
TITLES = {
    "county": ("沛县劳动模范", "中共沛县县委 沛县人民政府"),
    "city": ("徐州市劳动模范", "中共徐州市委 徐州市人民政府"),
    "provincial": ("江苏省劳动模范", "中共江苏省委 江苏省人民政府"),
    "national": ("全国劳动模范", "中共中央 国务院"),
}
LOWER = {"national": "provincial", "provincial": "city", "city": "county"}

# (name, description, order, {level: yearly amount}, retired only, hardship only) — example names
# and amounts for the demo (is_demo): the county enters its own.
KINDS: list[tuple[str, str, int, dict[str, int], bool, bool]] = [
    (
        "劳模荣誉津贴",
        "按最高荣誉级别每年发放（演示名称和标准）",
        10,
        {"national": 2400, "provincial": 1800, "city": 1200, "county": 400},
        False,
        False,
    ),
    (
        "劳模春节慰问金",
        "春节前慰问在世劳模（演示名称和标准）",
        20,
        {"national": 1000, "provincial": 800, "city": 500, "county": 300},
        False,
        False,
    ),
    (
        "劳模医疗补贴",
        "已退休劳模的医疗补贴（演示名称和标准）",
        30,
        {"national": 1200, "provincial": 1000, "city": 800, "county": 300},
        True,
        False,
    ),
    (
        "劳模困难补助金",
        "经认定的困难劳模（演示名称和标准）",
        40,
        {"national": 2000, "provincial": 2000, "city": 2000, "county": 2000},
        False,
        True,
    ),
]
RULES_FROM = 2015
RAISE_2021 = ("劳模荣誉津贴", "county", 500)  # a later rule row: the county raised its own level
BANKS = (
    ("中国农业银行沛县支行", "622848"),
    ("中国工商银行沛县支行", "622202"),
    ("江苏沛县农村商业银行", "623066"),
    ("中国建设银行沛县支行", "621700"),
    ("中国邮政储蓄银行沛县支行", "621799"),
)
HARDSHIP_NOTES = ("因病致困", "本人重病，医疗支出大", "家庭成员残疾", "下岗失业后收入低", "遭受意外灾害")


@dataclass
class Slot:
    level: str  # highest level
    honours: list[tuple[str, int]] = field(default_factory=list)  # (level, year)
    deceased_on: dt.date | None = None
    retired: bool = False
    hardship: bool = False
    revoked: bool = False


def _plan(rng: random.Random) -> list[Slot]:
    slots: list[Slot] = []
    for level, count in LIVING.items():
        for i in range(count):
            slots.append(Slot(level, retired=i < RETIRED[level], hardship=i < HARDSHIP.get(level, 0)))
    for level, count in DECEASED.items():
        for _i in range(count):
            slots.append(
                Slot(level, deceased_on=dt.date(rng.randint(2006, 2019), rng.randint(1, 12), rng.randint(1, 28)))
            )
    for _i in range(REVOKED):
        slots.append(Slot("county", revoked=True))
    for slot in slots:
        year = rng.choice(YEARS[slot.level])
        slot.honours.append((slot.level, year))
        lower = LOWER.get(slot.level)
        # Many hold an earlier, lower title too (the highest level decides the amount).
        if lower and rng.random() < 0.45:
            earlier = [y for y in YEARS[lower] if y < year]
            if earlier:
                slot.honours.append((lower, rng.choice(earlier)))
        if slot.deceased_on is not None:
            slot.honours = [(lv, min(y, slot.deceased_on.year - 1)) for lv, y in slot.honours]
    rng.shuffle(slots)
    return slots


def _registry_people(rng: random.Random, n: int) -> list[Member]:
    """Members of demo enterprises born by 1972 and not yet honoured, chosen deterministically."""
    from gefeng.honours.models import Honour

    honoured = Honour.objects.filter(person_id=OuterRef("pk"))
    ids = list(
        Member.objects.filter(
            enterprise__kind=Kind.ENTERPRISE,
            birth_date__lte=dt.date(1972, 12, 31),
            status__in=(Status.ACTIVE, Status.RETAINED),
        )
        .exclude(Exists(honoured))
        .order_by("id")
        .values_list("id", flat=True)[: n * 12]
    )
    if len(ids) < n:
        return []
    chosen = rng.sample(ids, n)
    by_id = {m.pk: m for m in Member.objects.filter(pk__in=chosen).select_related("union", "enterprise")}
    return [by_id[i] for i in chosen]


def _made_people(rng: random.Random, slots: list[Slot]) -> list[Member]:
    """Members made for the labour models when the registry is not loaded (bulk insert)."""
    from gefeng.members.services import search_columns
    from gefeng.orgs.models import INDUSTRIAL_SECTIONS

    unions = list(
        OrgNode.objects.filter(kind=Kind.UNION, parent__kind=Kind.ENTERPRISE, valid_to__isnull=True)
        .select_related("parent")
        .order_by("path")[:2000]
    )
    if not unions:
        return []
    factory = PersonFactory(SEED)
    now = timezone.now()
    rows = []
    for n, slot in enumerate(slots, start=1):
        person = factory.person(born_between=(1950, 1972))
        union = rng.choice(unions)
        ent = union.parent
        cols = search_columns(person.name)
        job = rng.choices(("一线工人", "技术人员", "管理人员", "其他"), (50, 18, 27, 5))[0]
        status, ended = Status.ACTIVE, None
        if slot.deceased_on is not None:
            status, ended = Status.LEFT, slot.deceased_on
        elif slot.retired:
            status = Status.RETAINED
        joined = min(person.joined_on, dt.date(1995, 12, 31))
        joined = max(joined, dt.date(person.birth_date.year + 18, person.birth_date.month, 1))
        rows.append(
            (
                person.name,
                cols["name_tail1"],
                cols["name_tail2"],
                cols["pinyin"],
                cols["initials"],
                pii.encrypt(person.id_number),
                pii.blind_index(person.id_number),
                *idtail.digests(person.id_number),
                person.sex,
                person.birth_date,
                person.ethnicity,
                person.political_status,
                person.education,
                pii.encrypt(person.mobile),
                pii.blind_index(person.mobile),
                union.pk,
                ent.pk if ent else None,
                job,
                bool(ent and ent.industry in INDUSTRIAL_SECTIONS),
                person.occupation,
                "",
                "",
                False,
                joined,
                f"{CARD_PREFIX}{n:06d}",
                status,
                ended,
                now,
                now,
            )
        )
    bulk.insert(Member, MEMBER_COLUMNS, rows)
    made = list(Member.objects.filter(card_number__startswith=CARD_PREFIX).select_related("union", "enterprise"))
    made.sort(key=lambda m: m.card_number)
    MembershipEvent.objects.bulk_create(
        [MembershipEvent(member=m, kind=EventKind.JOIN, on=m.joined_on, union=m.union) for m in made], batch_size=1000
    )
    return made


def _honours(slots: list[Slot], people: list[Member]) -> int:
    from gefeng.honours.models import Honour

    rows = []
    seq = 0
    for slot, person in zip(slots, people, strict=True):
        for level, year in slot.honours:
            seq += 1
            title, issuer = TITLES[level]
            revoked = slot.revoked and level == slot.level
            rows.append(
                Honour(
                    person=person,
                    org=person.enterprise or person.union,
                    name=person.name,
                    kind="labour_model",
                    title=title,
                    level=level,
                    year=year,
                    issuer=issuer,
                    awarded_on=dt.date(year, 4, 28),
                    certificate_no=f"{CERT_PREFIX}{year}-{level[:2].upper()}-{seq:04d}",
                    revoked_on=dt.date(year + 5, 6, 1) if revoked else None,
                    revoke_reason="违法违纪，撤销称号（演示）" if revoked else "",
                )
            )
    Honour.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _profiles(rng: random.Random, slots: list[Slot], people: list[Member]) -> int:
    from gefeng.talent import services as talent_services
    from gefeng.talent.models import TalentProfile

    talent_services.ensure_default_categories()
    talent_services.sync_people([p.pk for p in people], today=dt.date(2020, 1, 2))
    profiles = {p.person_id: p for p in TalentProfile.objects.filter(person_id__in=[p.pk for p in people])}
    changed = []
    for slot, person in zip(slots, people, strict=True):
        profile = profiles.get(person.pk)
        if profile is None:  # the revoked title: no profile (the register alone shows it)
            continue
        profile.deceased_on = slot.deceased_on
        profile.retired = slot.retired
        if slot.retired:
            profile.retired_on = dt.date(rng.randint(2008, 2019), rng.randint(1, 12), 1)
        profile.hardship = slot.hardship
        profile.hardship_note = rng.choice(HARDSHIP_NOTES) if slot.hardship else ""
        if slot.deceased_on is None:
            bank, prefix = rng.choice(BANKS)
            profile.bank_holder = person.name
            profile.bank_name = bank
            profile.bank_account = prefix + "".join(rng.choice("0123456789") for _ in range(13))
        changed.append(profile)
    TalentProfile.objects.bulk_update(
        changed,
        [
            "deceased_on",
            "retired",
            "retired_on",
            "hardship",
            "hardship_note",
            "bank_holder",
            "bank_name",
            "bank_account",
        ],
        batch_size=500,
    )
    return len(changed)


def _kinds_and_rules(county: OrgNode) -> None:
    """The demo's four kinds and their rule table, inserted in bulk (a handful of queries)."""
    kinds = AllowanceKind.objects.bulk_create(
        [
            AllowanceKind(org=county, name=name, description=description, order=order, is_demo=True)
            for name, description, order, _a, _r, _h in KINDS
        ]
    )
    if any(k.pk is None for k in kinds):
        kinds = list(AllowanceKind.objects.filter(org=county).order_by("order"))
    by_name = {k.name: k for k in kinds}
    rules = [
        AllowanceRule(
            kind=by_name[name],
            level=level,
            amount=Decimal(amount),
            effective_from=RULES_FROM,
            retired_only=retired_only,
            hardship_only=hardship_only,
            note="演示标准（非官方）",
        )
        for name, _d, _o, amounts, retired_only, hardship_only in KINDS
        for level, amount in amounts.items()
    ]
    name, level, amount = RAISE_2021
    rules.append(
        AllowanceRule(
            kind=by_name[name], level=level, amount=Decimal(amount), effective_from=2021, note="演示：2021年起调整"
        )
    )
    AllowanceRule.objects.bulk_create(rules)


def _aware(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))


def load(*, stdout: TextIO | None = None, registry: bool = True) -> dict[str, Any]:
    from gefeng.accounts.models import User

    county = OrgNode.objects.filter(kind=Kind.COUNTY, parent__isnull=True).order_by("path").first()
    if county is None:
        return {}
    rng = random.Random(SEED)
    slots = _plan(rng)
    people = _registry_people(rng, len(slots)) if registry else []
    if not people:
        people = _made_people(rng, slots)
    if not people:
        return {}
    honours = _honours(slots, people)
    profiles = _profiles(rng, slots, people)
    _kinds_and_rules(county)
    run = services.run_create(
        actor=SYSTEM, org=county, year=2020, as_of=AS_OF_2020, title="2020年春节劳模“三金一贴”发放", note="演示数据"
    )
    services.run_submit(actor=SYSTEM, run=run)
    approver = User.objects.filter(username="xianzong", is_active=True).first()
    run = services.run_approve(actor=approver, run=run)
    run = services.run_mark_paid(actor=SYSTEM, run=run, paid_on=PAID_2020)
    AllowanceRun.objects.filter(pk=run.pk).update(
        built_at=_aware(dt.date(2020, 1, 10), 9),
        submitted_at=_aware(dt.date(2020, 1, 13), 15),
        approved_at=_aware(dt.date(2020, 1, 15), 10),
    )
    if run.recipients != RECIPIENTS_2020 or run.total != TOTAL_2020:
        raise RuntimeError(f"劳模津贴演示数据不符：{run.recipients} 人，{run.total} 元")
    if stdout is not None:
        stdout.write(f"劳模津贴：历年劳动模范 {len(people)} 人，2020年发放 {run.recipients} 人、{run.total:.0f} 元\n")
    return {
        "labour_models_historic": len(people),
        "labour_model_honours": honours,
        "labour_model_profiles": profiles,
        "allowance_recipients_2020": run.recipients,
        "allowance_total_2020": int(run.total),
    }


def clear() -> None:
    from gefeng.honours.models import Honour
    from gefeng.talent.models import TalentProfile

    # The whole allowances ledger belongs to the demo county (its tree is about to be rebuilt):
    # plain deletes, children first (the ORM would check every protected relation batch by batch).
    with connection.cursor() as cur:
        for model in (Payment, RunLine, AllowanceRun, AllowanceRule, AllowanceKind):
            cur.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
    historic = Honour.objects.filter(certificate_no__startswith=CERT_PREFIX)
    person_ids = list(historic.values_list("person_id", flat=True).distinct())
    TalentProfile.objects.filter(person_id__in=person_ids).delete()
    historic.delete()
    made = Member.objects.filter(card_number__startswith=CARD_PREFIX)
    TalentProfile.objects.filter(person__in=made).delete()
    MembershipEvent.objects.filter(member__in=made).delete()
    made.delete()
