"""The demo's 引领聚魂, made by this module's own services from the county's account (seed):

* the 宣传部's 学习督导: a 学习强国 campaign for the county's party members with twelve monthly
  rounds in 2020, each imported from the study platform's export (an .xlsx read by the importer,
  matched through the registry's blind index); the last sheet carries rows of people not in the
  registry and a duplicate, which the import reports; every round circulated;
* the bus company's party branch 学习强国 knowledge contest (沛县公交), and a county contest open
  now for the demo worker to take on the phone;
* 龙固镇: 党小组 on the teams of 新格灌溉 (党小组+班组), 10 入党积极分子 and 6 正式党员 of 2020;
* the 5 new 产业工人素质教育基地 named in the account, 32 new 歌风书房 (example names: the account
  gives the number only) with reading activities, 6 city-level 四有职工之家 of 2020;
* the federation's 百团进百万企业安全生产宣讲 with sessions at enterprises and a 安全生产知识培训班.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any, TextIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from gefeng.core.actors import SYSTEM
from gefeng.learning import services
from gefeng.learning.models import (
    Answer,
    Attempt,
    BuildingItem,
    Campaign,
    CampaignListed,
    Contest,
    PartyDevelopment,
    PartyOrg,
    Position,
    PositionActivity,
    Question,
    ResultImport,
    Round,
    RoundTally,
    SafetyCampaign,
    SafetySession,
    StudyResult,
)
from gefeng.members.models import Member, Status
from gefeng.orgs.models import Kind, OrgNode

SEED = 320322
YEAR = 2020
ACTIVISTS, ADMITTED = 10, 6
BASES = [  # (name, node name or "", kind of education) — the account's five
    ("陈油坊村“红馆”", "陈油坊村", "红色教育"),
    ("经济开发区工业展览馆", "沛县经济开发区", "发展建设教育"),
    ("鸿鹄园", "", "文化艺术教育"),
    ("好人广场", "", "道德模范教育"),
    ("文景园", "", "休闲健康教育"),
]
READING_ROOMS, CITY_HOMES = 32, 6
BANK = [
    (
        "single",
        "“学习强国”学习平台由哪个部门主管？",
        ["中共中央宣传部", "国家新闻出版署", "中华全国总工会"],
        "A",
        "学习强国",
    ),
    ("judge", "劳动模范是民族的精英、人民的楷模。", [], "对", "劳模精神"),
    (
        "multiple",
        "劳模精神包括哪些内容？",
        ["爱岗敬业、争创一流", "艰苦奋斗、勇于创新", "淡泊名利、甘于奉献", "墨守成规"],
        "ABC",
        "劳模精神",
    ),
    ("single", "我国的安全生产方针是安全第一、预防为主、____。", ["综合治理", "以人为本", "效益优先"], "A", "安全生产"),
    ("fill", "每年的____月是全国“安全生产月”。", [], "6|六", "安全生产"),
    ("judge", "职工有权拒绝违章指挥和强令冒险作业。", [], "对", "安全生产"),
    (
        "single",
        "中国工会的性质是中国共产党领导的职工自愿结合的____。",
        ["工人阶级群众组织", "行政机关", "社会团体法人"],
        "A",
        "工会知识",
    ),
    (
        "multiple",
        "产业工人队伍建设改革的目标包括：",
        ["地位更为尊崇", "素质更加过硬", "权益更好维护", "价值更大实现"],
        "ABCD",
        "产改",
    ),
    ("fill", "工会会员按月缴纳会费，标准为本人工资收入的百分之____。", [], "0.5|零点五", "工会知识"),
    ("judge", "集体合同须经职工代表大会或全体职工讨论通过。", [], "对", "工会知识"),
]


def _county() -> OrgNode | None:
    return OrgNode.objects.filter(kind=Kind.COUNTY, parent__isnull=True).order_by("path").first()


def _node(name: str) -> OrgNode | None:
    return OrgNode.objects.filter(name=name).order_by("path").first()


def _union_of(node: OrgNode) -> OrgNode | None:
    return OrgNode.objects.filter(parent=node, kind=Kind.UNION).order_by("path").first()


def _sheet(rows: list[list[Any]], title: str) -> SimpleUploadedFile:
    """The platform's export as a county clerk receives it: a title row, then the header."""
    import xlsxwriter

    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet("学习情况")
    ws.write_row(0, 0, [title])
    ws.write_row(1, 0, ["序号", "姓名", "身份证号", "学习积分", "学习时长（分钟）"])
    for i, r in enumerate(rows, 1):
        ws.write_row(i + 1, 0, [i, *r])
    wb.close()
    return SimpleUploadedFile("学习强国学习情况.xlsx", out.getvalue())


def _study(county: OrgNode, rng: random.Random) -> dict[str, Any]:
    campaign = services.campaign_create(
        actor=SYSTEM,
        org=county,
        name="2020年度“学习强国”学习",
        kind="xuexi",
        target="party",
        target_orgs=[county],
        frequency="monthly",
        full_score=100,
        starts_on=dt.date(YEAR, 1, 1),
        note="县委宣传部学习督导制度：按月通报各单位党员职工在线学习情况。",
    )
    unions = sorted(set(services.target_members(campaign, dt.date(YEAR, 12, 31)).values_list("union_id", flat=True)))
    # Each union's own pace (some lag), rising month by month as the 通报 lifts it.
    pace = {u: rng.uniform(0.45, 0.8) for u in unions}
    last = None
    imported = 0
    for month in range(1, 13):
        rnd = services.round_create(actor=SYSTEM, campaign=campaign, as_of=dt.date(YEAR, month, 28))
        people = (
            services.target_members(campaign, rnd.as_of).order_by("pk").values_list("name", "id_number", "union_id")
        )
        rows: list[list[Any]] = []
        for name, id_number, union in people:
            if rng.random() < min(pace[union] + month * 0.025, 0.98):
                rows.append([name, id_number, round(rng.triangular(40, 100, 85), 1), rng.randint(30, 600)])
        if month == 12:
            rows.append(["王某某", "110105194912310029", 88, 120])  # an invalid ID number (check digit)
            rows.append(["李某某", "320322199001011239", 75, 90])  # not in the registry
            rows.append(list(rows[0]))  # a duplicate row
        batch = services.results_import(
            actor=SYSTEM, round=rnd, upload=_sheet(rows, f"{campaign.name}第{month}期学习情况")
        )
        imported += batch.matched
        last = services.round_circulate(actor=SYSTEM, round=rnd)
    assert last is not None
    return {"study_rounds": 12, "study_results": imported, "study_last_rate": round((last.rate or 0) * 100, 1)}


def _contests(county: OrgNode, rng: random.Random) -> dict[str, Any]:
    for kind, text, opts, answer, tag in BANK * 3:
        services.question_create(actor=SYSTEM, org=county, kind=kind, text=text, options=opts, answer=answer, tags=tag)
    made = {"quiz_contests": 0, "quiz_papers": 0}
    bus = _node("沛县公交公司")
    union = _union_of(bus) if bus else None
    tz = timezone.get_current_timezone()
    if bus is not None and union is not None:
        start = dt.datetime(YEAR, 5, 20, 9, 0, tzinfo=tz)
        contest = services.contest_create(
            actor=SYSTEM,
            org=bus,
            eligible=bus,
            title="沛县公交公司党支部“学习强国”知识竞赛",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=10),
            draw=[{"count": 10}],
            minutes=10,
            points=10,
            winners=10,
        )
        contest = services.contest_publish(actor=SYSTEM, contest=contest)
        members = list(Member.objects.filter(union=union, status=Status.ACTIVE).order_by("pk")[:60])
        questions = {q.pk: q for q in Question.objects.filter(org=county)}
        for i, member in enumerate(members):
            begun = start + dt.timedelta(minutes=5 * i % 500)
            attempt = services.attempt_start(
                actor=SYSTEM, contest=contest, session_key=f"demo{i}", member=member, now=begun
            )
            responses = {q: questions[q].answer.split("|")[0] if rng.random() < 0.82 else "" for q in attempt.questions}
            services.attempt_submit(
                actor=SYSTEM,
                attempt=attempt,
                session_key=f"demo{i}",
                responses=responses,
                now=begun + dt.timedelta(seconds=rng.randint(120, 560)),
            )
        services.contest_close(actor=SYSTEM, contest=contest)
        made = {"quiz_contests": 1, "quiz_papers": len(members)}
    now = timezone.now().replace(microsecond=0)
    open_contest = services.contest_create(
        actor=SYSTEM,
        org=county,
        eligible=county,
        title="全县职工安全生产知识竞赛",
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=30),
        draw=[{"tag": "安全生产", "count": 3}, {"count": 7}],
        minutes=15,
        attempts=2,
    )
    services.contest_publish(actor=SYSTEM, contest=open_contest)
    made["quiz_contests"] += 1
    return made


def _party(county: OrgNode) -> dict[str, int]:
    services.building_item_create(
        actor=SYSTEM, org=county, year=YEAR, text="把党建带工建、基层工会组织建设、非公企业党建纳入党委年度工作安排"
    )
    town = _node("龙固镇")
    if town is None:
        return {}
    xinge = _node("徐州新格灌溉设备有限公司")
    if xinge is not None:
        branch = services.party_org_create(actor=SYSTEM, org=xinge, name="新格灌溉党支部", kind="branch")
        for team in OrgNode.objects.filter(kind=Kind.TEAM).filter(path__startswith=xinge.path).order_by("path"):
            services.party_org_create(
                actor=SYSTEM,
                org=xinge,
                name=f"{team.name}党小组",
                kind="group",
                team=team,
                note="党小组+班组、党员+职工双带动",
            )
    else:
        branch = None
    services.building_item_create(actor=SYSTEM, org=town, year=YEAR, text="“党建+”班组创建：党小组建在班组上")
    young = (
        Member.objects.filter(
            status=Status.ACTIVE, union__path__startswith=town.path, political_status__in=["群众", "共青团员"]
        )
        .exclude(enterprise=None)
        .order_by("pk")[: ACTIVISTS + ADMITTED]
    )
    people = list(young)
    for person in people[:ACTIVISTS]:
        services.development_record(actor=SYSTEM, member=person, stage="applicant", on=dt.date(YEAR - 1, 10, 8))
        services.development_record(
            actor=SYSTEM, member=person, stage="activist", on=dt.date(YEAR, 4, 15), party_org=branch
        )
    for person in people[ACTIVISTS:]:
        for stage, day in (
            ("applicant", dt.date(YEAR - 3, 3, 1)),
            ("activist", dt.date(YEAR - 3, 9, 1)),
            ("candidate", dt.date(YEAR - 2, 9, 20)),
            ("probationary", dt.date(YEAR - 1, 6, 28)),
            ("full", dt.date(YEAR, 6, 28)),
        ):
            services.development_record(actor=SYSTEM, member=person, stage=stage, on=day, party_org=branch)
    return {"party_activists": len(people[:ACTIVISTS]), "party_admitted": len(people[ACTIVISTS:])}


def _positions(county: OrgNode, rng: random.Random) -> dict[str, int]:
    for name, where, theme in BASES:
        node = (_node(where) if where else None) or county
        services.position_create(
            actor=SYSTEM, org=node, kind="base", name=name, place=name, theme=theme, opened_on=dt.date(YEAR, 9, 1)
        )
    enterprises = list(
        OrgNode.objects.filter(kind=Kind.ENTERPRISE, path__startswith=county.path).order_by("path")[:READING_ROOMS]
    )
    rooms = []
    for i, ent in enumerate(enterprises):
        rooms.append(
            services.position_create(
                actor=SYSTEM,
                org=ent,
                kind="reading",
                name=f"{ent.short_name or ent.name}歌风书房",
                place=f"{ent.short_name or ent.name}职工活动室",
                books=rng.randint(8, 30) * 100,
                hours="工作日 12:00—13:30、17:30—20:00",
                opened_on=dt.date(YEAR, 3 + i % 9, 10),
            )
        )
    for room in rooms[:8]:
        services.activity_record(
            actor=SYSTEM,
            position=room,
            held_on=dt.date(YEAR, 4, 23),
            title="书香滋润职工心田 读书分享会",
            attendance=rng.randint(20, 60),
        )
    from gefeng.learning import conf

    marks = dict.fromkeys(conf.checklist(), True)
    for ent in list(
        OrgNode.objects.filter(kind=Kind.ENTERPRISE, path__startswith=county.path).order_by("-employee_count", "path")[
            :CITY_HOMES
        ]
    ):
        services.position_create(
            actor=SYSTEM,
            org=ent,
            kind="home",
            name=f"{ent.short_name or ent.name}职工之家",
            level="city",
            level_year=YEAR,
            checklist=marks,
        )
    return {"education_bases": len(BASES), "reading_rooms": len(rooms), "worker_homes_city": CITY_HOMES}


def _safety(county: OrgNode, rng: random.Random) -> dict[str, int]:
    talks = services.safety_campaign_create(
        actor=SYSTEM, org=county, kind="baituan", name="百团进百万企业安全生产宣讲活动", year=YEAR
    )
    classes = services.safety_campaign_create(
        actor=SYSTEM, org=county, kind="training", name="安全生产知识培训班", year=YEAR
    )
    enterprises = list(
        OrgNode.objects.filter(kind=Kind.ENTERPRISE, path__startswith=county.path, industry="C").order_by("path")[:12]
    )
    trainees = 0
    for i, ent in enumerate(enterprises):
        n = rng.randint(40, 160)
        trainees += n
        services.safety_session_record(
            actor=SYSTEM,
            campaign=talks if i % 3 else classes,
            enterprise=ent,
            held_on=dt.date(YEAR, 6, 2 + i),
            title="安全生产月宣讲",
            trainees=n,
            materials=n,
        )
    return {"safety_sessions": len(enterprises), "safety_trainees": trainees}


def load(*, stdout: TextIO | None = None, registry: bool = True) -> dict[str, Any]:
    county = _county()
    if county is None:
        return {}
    rng = random.Random(SEED)
    counts: dict[str, Any] = {}
    if registry:
        counts |= _study(county, rng)
    counts |= _contests(county, rng)
    counts |= _party(county)
    counts |= _positions(county, rng)
    counts |= _safety(county, rng)
    if stdout is not None:
        stdout.write(
            f"引领聚魂：学习强国 {counts.get('study_rounds', 0)} 期，知识竞赛 {counts['quiz_contests']} 场，"
            f"积极分子 {counts.get('party_activists', 0)} 人、发展党员 {counts.get('party_admitted', 0)} 人，"
            f"教育基地 {counts['education_bases']} 个、歌风书房 {counts['reading_rooms']} 个、市级四有职工之家 {CITY_HOMES} 家\n"  # noqa: E501
        )
    return counts


def clear() -> None:
    # Every row of this module belongs to the demo county (its tree is about to be rebuilt).
    with connection.cursor() as cur:
        for model in (
            Answer,
            Attempt,
            Contest,
            Question,
            ResultImport,
            StudyResult,
            RoundTally,
            Round,
            CampaignListed,
            PositionActivity,
            Position,
            SafetySession,
            SafetyCampaign,
            PartyDevelopment,
            PartyOrg,
            BuildingItem,
        ):
            cur.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        for table in (Campaign.target_orgs.through._meta.db_table, Campaign._meta.db_table):
            cur.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608
