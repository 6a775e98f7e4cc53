"""The demo county's 帮扶 of 2020, from the county's account: “2020年共为10户特困职工、49户困难职工
发放专项帮扶资金62.85万元，疫情防控期间开展常态化送温暖资金6.9万元，惠及职工600余人次 … 开展
‘春送岗位、夏送清凉、金秋助学、冬送温暖’活动 … 督促企业为3000余名职工办理了养老保险”.

Everything is made by the module's own services, in the order the county works:

* 59 households apply in early 2020 (the union on the worker's behalf), are visited, checked,
  reviewed, noticed and filed; their income and 刚性支出 put 10 below the 低保 line of 2020
  (深度 → “特困” in the county's vocabulary, `CARE_VOCABULARY`) and 49 below twice it (“困难”);
* the special aid of ¥628,500 is recorded on their files and approved by a second person from
  the 专项 fund (10 × ¥15,000, 39 × ¥10,000, 10 × ¥8,850);
* the 疫情 送温暖 reaches 615 person-times with ¥69,000 (540 × ¥100 front-line workers on duty,
  75 × ¥200 hardship households and sanitation workers), and the four seasonal campaigns and the
  Spring Festival care of sanitation workers run with their rosters, budgets and deliveries;
* 40 enterprises get 2020 pension targets and the 人社局's confirmation sheet confirms 3,046.

Amounts and names of funds and rules are examples (the real ones are not public, domain.md §6).
A few applications of the current year are left open for the workbench.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any, TextIO

from django.db import connection

from gefeng.care import figures, services
from gefeng.care.models import (
    AidGuard,
    AidRecord,
    AidRule,
    Campaign,
    Document,
    FamilyMember,
    FileEvent,
    Fund,
    FundBudget,
    HardshipFile,
    HomeVisit,
    JobOffer,
    LedgerEntry,
    MoneyItem,
    Notice,
    NoticeEntry,
    Objection,
    PensionTarget,
    RosterEntry,
)
from gefeng.core.actors import SYSTEM
from gefeng.core.people import PersonFactory
from gefeng.members.models import Member, Status
from gefeng.orgs.models import Kind, OrgNode

SEED = 20200430
DEEP, RELATIVE = 10, 49
SPECIAL_2020 = Decimal("628500")
WARMTH_2020, WARMTH_TIMES = Decimal("69000"), 615
PENSION_2020 = 3046
CAUSES = ("illness", "illness", "disability", "unemployment", "schooling", "accident", "low_income")


def _county() -> OrgNode | None:
    return OrgNode.objects.filter(kind=Kind.COUNTY, parent__isnull=True).order_by("path").first()


def _people(rng: random.Random, n: int, factory: PersonFactory) -> list[Member]:
    """Registry members of demo enterprises (or members made here when the registry is absent)."""
    ids = list(
        Member.objects.filter(
            enterprise__kind=Kind.ENTERPRISE, status=Status.ACTIVE, birth_date__year__range=(1966, 1990)
        )
        .order_by("id")
        .values_list("id", flat=True)[: n * 20]
    )
    if len(ids) >= n:
        chosen = rng.sample(ids, n)
        by_id = {m.pk: m for m in Member.objects.filter(pk__in=chosen).select_related("union", "enterprise")}
        return [by_id[i] for i in chosen]
    from gefeng.members import services as member_services

    unions = list(OrgNode.objects.filter(kind=Kind.UNION, parent__kind=Kind.ENTERPRISE).order_by("path")[:200])
    if not unions:
        return []
    out = []
    for _ in range(n):
        p = factory.person(born_between=(1966, 1990))
        out.append(
            member_services.member_join(
                actor=SYSTEM,
                union=rng.choice(unions),
                data={
                    "name": p.name,
                    "id_number": p.id_number,
                    "joined_on": dt.date(2012, 3, 1),
                    "job_category": "一线工人",
                },
            )
        )
    return out


def _household(rng: random.Random, factory: PersonFactory, student: bool) -> list[dict[str, Any]]:
    """Spouse and one child: a student of 高中/中职/大学 in every other household (金秋助学)."""
    spouse = factory.person(born_between=(1968, 1990))
    # The factory makes people of 16 and over on `today`: children are made as of a later day.
    child = factory.person(born_between=(2001, 2004) if student else (2016, 2019), today=dt.date(2040, 1, 1))
    level = rng.choice(("senior", "college", "vocational")) if student else ""
    schools = {"senior": "沛县中学", "college": "江苏师范大学", "vocational": "沛县中等专业学校", "": ""}
    health = rng.choice(("健康", "慢性病", "重病（尿毒症）", "残疾（三级）"))
    return [
        {"name": spouse.name, "relation": "spouse", "id_number": spouse.id_number, "health": health,
         "work": rng.choice(("无业", "灵活就业", "务农"))},
        {"name": child.name, "relation": "child", "id_number": child.id_number, "schooling": level,
         "school": schools[level]},
    ]  # fmt: skip


def _files(rng: random.Random, people: list[Member], factory: PersonFactory, county: OrgNode) -> list[HardshipFile]:
    """Apply, visit, check, review, notice and file the 59 households of 2020."""
    files = []
    for i, m in enumerate(people):
        deep = i < DEEP
        applied = dt.date(2020, 3, 2) + dt.timedelta(days=i % 20)
        income = rng.randrange(14000, 20000, 100) if deep else rng.randrange(30000, 42000, 100)
        spending = rng.randrange(2000, 5000, 100)
        f = services.file_apply(
            actor=SYSTEM,
            member=m,
            applied_on=applied,
            data={"cause_main": rng.choice(CAUSES), "case_detail": "家庭成员患病，收入低，医疗支出大（演示数据）",
                  "bank_name": "江苏沛县农村商业银行", "bank_account": f"6228{rng.randrange(10**14, 10**15)}"},
            family=_household(rng, factory, student=i % 2 == 0),
            income={"wage": str(income)},
            spending={"medical": str(spending)},
        )  # fmt: skip
        services.visit_add(
            actor=SYSTEM, file=f, visited_on=applied + dt.timedelta(days=3), visitors="基层工会主席、工会干事",
            findings="入户核实：家庭成员、收入和医疗支出属实，申请人已签署申请书和授权书。",
        )  # fmt: skip
        services.file_check(actor=SYSTEM, file=f)
        services.file_review(actor=SYSTEM, file=f)
        files.append(f)
    notice = services.notice_create(
        actor=SYSTEM, org=county, files=files, starts_on=dt.date(2020, 4, 1), title="2020年困难职工帮扶对象公示"
    )
    services.notice_close(actor=SYSTEM, notice=notice, on=dt.date(2020, 4, 8))
    return list(HardshipFile.objects.filter(pk__in=[f.pk for f in files]).order_by("pk"))


def _rules(county: OrgNode) -> dict[str, AidRule]:
    def r(name: str, kind: str, **kw: Any) -> AidRule:
        return services.rule_save(actor=SYSTEM, org=county, name=name, kind=kind, note="演示标准", **kw)

    return {
        "special": r("困难职工专项帮扶", "cash", cap="20000", frequency="yearly"),
        "warmth": r("送温暖慰问金", "cash", cap="600", frequency="campaign", filed_only=False),
        "jobs": r("春送岗位就业帮扶", "jobs", amount="0", frequency="campaign", filed_only=False),
        "cool": r("夏送清凉慰问品", "goods", cap="200", frequency="campaign", filed_only=False),
        "school": r("金秋助学金", "schooling", cap="3000", frequency="campaign", filed_only=False),
        "winter": r("冬送温暖慰问品", "goods", cap="500", frequency="campaign", filed_only=False),
        "medical": r("大病医疗救助", "medical", cap="30000", frequency="yearly"),
        "legal": r("法律援助", "legal", amount="0", frequency="any"),
    }


def _fund(county: OrgNode, name: str, source: str, credits: list[tuple[str, dt.date, str]]) -> Fund:
    fund = services.fund_create(actor=SYSTEM, org=county, name=name, source=source, year=2020, note="演示资金")
    for amount, day, memo in credits:
        services.fund_credit(actor=SYSTEM, fund=fund, amount=amount, entry_on=day, memo=memo)
    fund.refresh_from_db()
    return fund


def _special(files: list[HardshipFile], rule: AidRule, fund: Fund, approver: Any) -> Decimal:
    amounts = [Decimal("15000")] * DEEP + [Decimal("10000")] * 39 + [Decimal("8850")] * 10
    total = Decimal(0)
    for f, amount in zip(files, amounts, strict=True):
        aid = services.aid_create(
            actor=SYSTEM,
            file=f,
            rule=rule,
            fund=fund,
            amount=amount,
            given_on=dt.date(2020, 4, 20),
            delivered_by="县总工会帮扶中心",
        )
        services.aid_approve(actor=approver, aid=aid)
        total += amount
    return total


def _campaign(county: OrgNode, kind: str, name: str, start: dt.date, end: dt.date, rule: AidRule, groups: list[str],
              amount: str, fund: Fund, budget: str, goods: str = "") -> Campaign:  # fmt: skip
    c = services.campaign_create(
        actor=SYSTEM, org=county, kind=kind, name=name, starts_on=start, ends_on=end, rule=rule, groups=groups,
        default_amount=amount, default_goods=goods, note="演示活动",
    )  # fmt: skip
    services.budget_set(actor=SYSTEM, fund=fund, campaign=c, amount=budget)
    return c


def _run(c: Campaign, fund: Fund | None, day: dt.date) -> int:
    services.roster_decide(actor=SYSTEM, campaign=c, entries=list(c.roster.all()), approve=True)
    services.campaign_start(actor=SYSTEM, campaign=c)
    n = 0
    for e in c.roster.order_by("pk"):
        services.deliver(actor=SYSTEM, entry=e, fund=fund, given_on=day, delivered_by="工会干事", signed=True)
        n += 1
    services.campaign_close(actor=SYSTEM, campaign=c)
    return n


def _outsiders(
    c: Campaign, group: str, n: int, amount: str, factory: PersonFactory, towns: list[OrgNode], rng: random.Random
) -> None:
    for _ in range(n):
        p = factory.person(born_between=(1960, 1985))
        services.roster_add(actor=SYSTEM, campaign=c, org=rng.choice(towns), group=group, name=p.name,
                            id_number=p.id_number, unit_name="沛县环境卫生管理处", amount=amount)  # fmt: skip


def _frontline(
    c: Campaign,
    n: int,
    amount: str,
    rng: random.Random,
    factory: PersonFactory,
    towns: list[OrgNode],
    exclude: set[int],
) -> None:
    ids = list(
        Member.objects.filter(status=Status.ACTIVE, enterprise__isnull=False, job_category="一线工人")
        .exclude(pk__in=exclude).order_by("id").values_list("id", flat=True)[: n * 10]
    )  # fmt: skip
    if len(ids) >= n:
        for m in Member.objects.filter(pk__in=rng.sample(ids, n)).select_related("union", "enterprise").order_by("pk"):
            services.roster_add(actor=SYSTEM, campaign=c, org=m.union, group="frontline", member=m, amount=amount)
        return
    for _ in range(n):
        p = factory.person(born_between=(1970, 1998))
        services.roster_add(actor=SYSTEM, campaign=c, org=rng.choice(towns), group="frontline", name=p.name,
                            id_number=p.id_number, unit_name="疫情防控一线", amount=amount)  # fmt: skip


def _pension(rng: random.Random) -> int:
    enterprises = list(OrgNode.objects.filter(kind=Kind.ENTERPRISE, valid_to__isnull=True).order_by("path")[:40])
    if not enterprises:
        return 0
    n = len(enterprises)
    confirmed = [PENSION_2020 // n] * n
    confirmed[0] += PENSION_2020 - sum(confirmed)
    rows = []
    for e, c in zip(enterprises, confirmed, strict=True):
        t = services.target_set(
            actor=SYSTEM, enterprise=e, year=2020, target=c + rng.randrange(0, 12), due_on=dt.date(2020, 11, 30)
        )
        services.report(actor=SYSTEM, target=t, reported=c + rng.randrange(0, 4), on=dt.date(2020, 10, 20))
        rows.append([e.name, e.code, c, "2020-11-25"])
    services.confirm_import(actor=SYSTEM, rows=rows, year=2020)
    return PENSION_2020


def _open_items(rng: random.Random, factory: PersonFactory, exclude: set[int]) -> int:
    """Applications of the current year for the workbench: two awaiting the home visit, one checked."""
    ids = list(
        Member.objects.filter(status=Status.ACTIVE, enterprise__isnull=False)
        .exclude(pk__in=exclude)
        .order_by("id")
        .values_list("id", flat=True)[:400]
    )
    made = 0
    for i, pk in enumerate(rng.sample(ids, min(3, len(ids)))):
        m = Member.objects.select_related("union", "enterprise").get(pk=pk)
        f = services.file_apply(
            actor=SYSTEM, member=m, data={"cause_main": "illness", "bank_name": "江苏沛县农村商业银行"},
            family=_household(rng, factory, student=False), income={"wage": "16000"}, spending={"medical": "5000"},
        )  # fmt: skip
        if i == 2:
            services.visit_add(actor=SYSTEM, file=f, visited_on=f.applied_on, visitors="工会干事", findings="属实")
            services.file_check(actor=SYSTEM, file=f)
        made += 1
    return made


def load(*, stdout: TextIO | None = None, registry: bool = True) -> dict[str, Any]:
    from gefeng.accounts.models import User

    county = _county()
    if county is None:
        return {}
    rng = random.Random(SEED)
    factory = PersonFactory(SEED)
    people = _people(rng, DEEP + RELATIVE, factory)
    if len(people) < DEEP + RELATIVE:
        return {}
    approver = User.objects.filter(username="xianzong", is_active=True).first() or SYSTEM
    towns = list(OrgNode.objects.filter(kind=Kind.TOWN).order_by("path")[:30]) or [county]
    rules = _rules(county)
    special = _fund(county, "困难职工帮扶专项资金", "higher",
                    [("500000", dt.date(2020, 3, 1), "上级工会拨付帮扶资金"), ("150000", dt.date(2020, 3, 15), "县财政配套资金")])  # fmt: skip  # noqa: E501
    warmth = _fund(county, "送温暖资金", "union", [("100000", dt.date(2020, 1, 5), "工会经费安排送温暖资金")])
    seasons = _fund(county, "四季送活动资金", "union", [("60000", dt.date(2020, 2, 1), "工会经费安排四季送活动")])
    _fund(county, "社会捐助资金", "donation", [("30000", dt.date(2020, 2, 20), "爱心企业捐助")])
    files = _files(rng, people, factory, county)
    total = _special(files, rules["special"], special, approver)
    member_ids = {m.pk for m in people}

    sanit = _campaign(county, "sanitation", "2020年春节环卫工人关爱", dt.date(2020, 1, 10), dt.date(2020, 1, 24),
                      rules["winter"], ["sanitation"], "200", warmth, "20000", goods="米、面、油")  # fmt: skip
    _outsiders(sanit, "sanitation", 100, "200", factory, towns, rng)
    _run(sanit, warmth, dt.date(2020, 1, 20))

    epi = _campaign(county, "epidemic", "疫情防控期间常态化送温暖", dt.date(2020, 2, 1), dt.date(2020, 6, 30),
                    rules["warmth"], ["frontline", "hardship", "sanitation"], "100", warmth, "70000")  # fmt: skip
    services.roster_from_files(actor=SYSTEM, campaign=epi, org=county, amount="200")
    _outsiders(epi, "sanitation", 75 - DEEP - RELATIVE, "200", factory, towns, rng)
    _frontline(epi, WARMTH_TIMES - 75, "100", rng, factory, towns, member_ids)
    _run(epi, warmth, dt.date(2020, 3, 10))

    spring = _campaign(county, "spring", "2020年春送岗位", dt.date(2020, 2, 15), dt.date(2020, 4, 30),
                       rules["jobs"], ["jobless", "hardship"], "0", seasons, "0")  # fmt: skip
    for employer, post, n, ref, placed in (("徐州新格灌溉设备有限公司", "装配工", 40, 22, 15), ("沛县经济开发区企业联合招聘", "普工", 180, 90, 58),  # noqa: E501
                                           ("沛县家政服务中心", "家政服务员", 60, 25, 14), ("沛县养老服务中心", "养老护理员", 40, 13, 9)):  # fmt: skip  # noqa: E501
        services.offer_save(
            actor=SYSTEM, campaign=spring, employer=employer, post=post, positions=n, referred=ref, placed=placed
        )
    _outsiders(spring, "jobless", 20, "0", factory, towns, rng)
    _run(spring, None, dt.date(2020, 3, 20))

    summer = _campaign(county, "summer", "2020年夏送清凉", dt.date(2020, 7, 1), dt.date(2020, 8, 31),
                       rules["cool"], ["frontline"], "50", seasons, "20000", goods="防暑降温用品")  # fmt: skip
    _frontline(summer, 400, "50", rng, factory, towns, member_ids)
    _run(summer, seasons, dt.date(2020, 7, 15))

    autumn = _campaign(county, "autumn", "2020年金秋助学", dt.date(2020, 8, 15), dt.date(2020, 9, 30),
                       rules["school"], ["student"], "1000", seasons, "30000")  # fmt: skip
    services.roster_from_files(actor=SYSTEM, campaign=autumn, org=county)
    _run(autumn, seasons, dt.date(2020, 8, 28))

    winter = _campaign(county, "winter", "2020年冬送温暖", dt.date(2020, 12, 1), dt.date(2020, 12, 31),
                       rules["winter"], ["hardship"], "150", seasons, "9000", goods="米、面、油、棉被")  # fmt: skip
    services.roster_from_files(actor=SYSTEM, campaign=winter, org=county)
    _run(winter, seasons, dt.date(2020, 12, 20))

    enrolled = _pension(rng)
    opened = _open_items(rng, factory, member_ids)

    got = figures.care_campaign_yuan(county, 2020).get(epi.name)
    times = figures.care_person_times(county, 2020).get(epi.name)
    aided = figures.hardship_aided(county, 2020)
    if (
        total != SPECIAL_2020
        or got != int(WARMTH_2020)
        or times != WARMTH_TIMES
        or sum(aided.values()) != DEEP + RELATIVE
    ):
        raise RuntimeError(f"帮扶演示数据不符：专项 {total}，送温暖 {got} 元 {times} 人次，帮扶 {aided}")
    if stdout is not None:
        stdout.write(
            f"困难职工帮扶：2020年建档 {len(files)} 户（特困 {DEEP}、困难 {RELATIVE}），专项帮扶 {total:.0f} 元；"
            f"送温暖 {got} 元、{times} 人次；参保 {enrolled} 人\n"
        )
    return {
        "hardship_files_2020": len(files),
        "hardship_aid_yuan_2020": int(total),
        "care_warmth_yuan_2020": got,
        "care_warmth_times_2020": times,
        "pension_enrolled_2020": enrolled,
        "hardship_open_applications": opened,
    }


def clear() -> None:
    """The whole of 帮扶 belongs to the demo county (its tree is about to be rebuilt): plain deletes,
    children first."""
    with connection.cursor() as cur:
        for model in (AidGuard, LedgerEntry, RosterEntry, AidRecord, JobOffer, FundBudget, Campaign, Fund, AidRule,
                      Objection, NoticeEntry, Notice, Document, HomeVisit, MoneyItem, FamilyMember, FileEvent,
                      HardshipFile, PensionTarget):  # fmt: skip
            cur.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
