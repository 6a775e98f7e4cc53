"""The demo's 2021 responsibility list: the four actions, 20 measures drafted from the county's
own account (marked `is_demo_content`), two or more key work items for each of the 13 member
units with milestones and indicators (新建工会 and 新增会员 live, bound to `unions_founded`
and `members_joined`), and the four quarters' reports — most on time and accepted, some late,
some returned, a few never sent. Deterministic (`random.Random(SEED)`).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any, TextIO

from django.core.files.base import ContentFile
from django.utils import timezone

from gefeng.accounts.models import User
from gefeng.orgs.demo import MEMBER_UNITS
from gefeng.orgs.models import Kind, OrgNode
from gefeng.reform.models import (
    ACTION_NAMES,
    Action,
    Assignment,
    Calendar,
    Evidence,
    Indicator,
    IndicatorValue,
    Item,
    Measure,
    Milestone,
    Plan,
    PlanStatus,
    Report,
    ReportState,
)
from gefeng.reform.services import make_periods

SEED = 20210629
YEAR = 2021
TITLE = "2021年沛县产业工人队伍建设改革重点工作项目责任清单"

# (action number, title, description) — drafted from 《唱响新时代产改大风歌》, demo content.
MEASURES: list[tuple[int, str, str]] = [
    (1, "加强党对产业工人队伍建设的领导", "把党建带工建纳入党委年度工作安排，推动“党工共建”。"),
    (1, "加强产业工人思想政治教育", "建立学习督导制度，及时通报在线学习情况。"),
    (1, "扩大工会组织覆盖", "重点推动会员25人以上非公企业单独建会，推进“八大类群体”建会入会。"),
    (1, "选树宣传劳模工匠", "一线劳模占比不低于60%，在重要版面和黄金时段宣传先进事迹。"),
    (1, "推进企业民主管理", "落实职代会、厂务公开，保障职工知情权、参与权、表达权和监督权。"),
    (2, "构建技能形成体系", "开展“名师高徒”“拜师—传帮带”活动。"),
    (2, "开展技术创新和劳动竞赛", "在“十大行业”开展职工技术创新暨劳动竞赛和职工“五小”活动。"),
    (2, "提高技术工人待遇", "落实《关于提高技术工人待遇的实施意见》各项激励措施。"),
    (2, "引进培养高技能人才", "落实高技能人才培养引进和返乡创业申报细则。"),
    (2, "实施职工素质提升工程", "联合县职教中心开展职工技能培训、转岗再就业和技能再提升。"),
    (3, "健全薪酬集体协商机制", "开展春季集体合同集中要约，健全产业工人薪酬激励机制。"),
    (3, "做好劳动争议调解和维权服务", "建立劳资双方预防、预警、调处机制。"),
    (3, "帮扶困难职工", "开展“春送岗位、夏送清凉、金秋助学、冬送温暖”活动。"),
    (3, "落实劳模待遇", "按时足额发放劳模“三金一贴”。"),
    (3, "保障职工参保和安全健康", "督促企业依法为职工参保，开展安全生产宣讲和培训。"),
    (4, "健全联席会议和责任清单制度", "成员单位按年度重点工作项目责任清单推进，定期报送进展。"),
    (4, "推进改革试点先行先试", "支持试点企业构建技术工人创新成果参与分配机制。"),
    (4, "营造关心支持产改的氛围", "总结推广民营企业关爱职工、促进职工成长的经验。"),
    (4, "建设产业工人素质教育阵地", "打造“产业工人素质教育基地”，建设“歌风书房”。"),
    (4, "开展督查考评和表彰", "年终考评，表彰产改先进单位。"),
]

# (measure number 1–20, lead unit short name, title, deadline (month, day), indicators)
# indicator: (name, 计量单位, baseline, target, figure)
ITEMS: list[tuple[int, str, str, tuple[int, int], list[tuple[str, str, int, int, str]]]] = [
    (1, "县委组织部", "把党建带工建纳入各级党委年度工作安排", (6, 30), []),
    (1, "县委组织部", "在生产一线和青年工人中发展党员", (12, 31), [("发展正式党员", "人", 0, 6, "")]),
    (2, "县委宣传部", "建立学习督导制度并按月通报参学情况", (12, 31), [("通报期数", "期", 0, 12, "")]),
    (4, "县委宣传部", "宣传劳模工匠先进事迹和产改经验", (12, 31), [("宣传报道", "篇", 0, 24, "")]),
    (3, "县总工会", "推进非公企业和新就业形态群体建会", (12, 31), [("新建工会", "家", 0, 60, "unions_founded")]),
    (3, "县总工会", "新增实名制会员", (12, 31), [("新增会员", "人", 0, 8000, "members_joined")]),
    (7, "县总工会", "“十大行业”职工技术创新暨劳动竞赛", (11, 30), [("竞赛场次", "场", 0, 10, "")]),
    (13, "县总工会", "困难职工帮扶和送温暖", (12, 31), [("帮扶困难职工", "户", 0, 59, "")]),
    (6, "县人社局", "“名师高徒”结对帮带", (12, 31), [("结对师徒", "对", 0, 100, "")]),
    (8, "县人社局", "落实提高技术工人待遇的实施意见", (9, 30), []),
    (12, "县人社局", "劳动争议调解仲裁和欠薪治理", (12, 31), [("调解结案率", "%", 80, 95, "")]),
    (7, "县科技局", "职工“五小”发明创造计划", (12, 31), [("五小成果", "项", 0, 50, "")]),
    (17, "县科技局", "试点企业创新成果转化与奖励", (10, 31), []),
    (3, "县机关工委", "机关事业单位工会规范提质", (9, 30), []),
    (4, "县机关工委", "开展“沛县文明职工”评选", (12, 31), [("表彰文明职工", "名", 0, 100, "")]),
    (18, "县工商联", "总结推广民营企业关爱职工经验", (11, 30), []),
    (11, "县工商联", "非公企业集体合同春季要约", (6, 30), [("签约企业", "家", 0, 120, "")]),
    (6, "县融媒体中心", "“拜师—传帮带”新闻业务提升", (12, 31), []),
    (18, "县融媒体中心", "开设产改宣传专栏", (12, 31), [("专栏期数", "期", 0, 12, "")]),
    (16, "县发展改革委", "将产改重点任务纳入“十四五”规划", (6, 30), []),
    (17, "县发展改革委", "研究支持改革试点企业的政策措施", (12, 31), []),
    (10, "县教育局", "依托县职教中心开展职工技能培训", (12, 31), [("培训职工", "人次", 0, 400, "")]),
    (13, "县教育局", "“金秋助学”困难职工子女", (9, 30), [("资助学生", "人", 0, 80, "")]),
    (16, "县财政局", "保障产改工作经费", (3, 31), []),
    (14, "县财政局", "保障劳模“三金一贴”资金", (12, 31), [("发放劳模", "人", 0, 428, "")]),
    (7, "县工信局", "组织重点行业职业技能竞赛", (11, 30), [("竞赛场次", "场", 0, 6, "")]),
    (19, "县工信局", "打造产业工人素质教育基地", (12, 31), [("教育基地", "个", 0, 5, "")]),
    (7, "县住建局", "第一届“歌风杯”住建系统职业技能竞赛", (10, 31), [("参赛职工", "人", 0, 300, "")]),
    (15, "县住建局", "建筑领域农民工参保和工资支付保障", (12, 31), [("督促参保", "人", 0, 3000, "")]),
]

# Towns that answer for an item too (the account: 龙固镇 “今年…发展正式党员6人”).
TOWN_CO_UNITS: dict[int, list[str]] = {2: ["龙固镇"], 22: ["龙固镇"], 5: ["沛县经济开发区"]}

MILESTONES = [("制定工作方案", 0.2), ("组织实施", 0.55), ("中期推进", 0.8), ("总结报送", 0.97)]

# A tiny one-page PDF used as the demo's evidence files.
_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _day_in_year(fraction: float, deadline: dt.date) -> dt.date:
    start = dt.date(YEAR, 1, 1)
    return start + dt.timedelta(days=int((deadline - start).days * fraction))


def clear() -> None:
    """Delete the demo plan, its reports and their evidence files."""
    for plan in Plan.objects.filter(year=YEAR, title=TITLE):
        for ev in Evidence.objects.filter(report__period__plan=plan):
            ev.file.delete(save=False)
        Report.objects.filter(period__plan=plan).delete()
        Item.objects.filter(plan=plan).delete()  # before the measures they protect
        plan.delete()


def load(*, stdout: TextIO | None = None, registry: bool = False) -> dict[str, Any]:
    """Build the 2021 plan in a bounded number of queries (bulk inserts throughout)."""
    rng = random.Random(SEED)
    county = OrgNode.objects.filter(kind=Kind.COUNTY, parent__isnull=True).order_by("path").first()
    if county is None:
        return {"reform_items": 0}
    short_names = [u[1] for u in MEMBER_UNITS]
    units = {n.short_name: n for n in OrgNode.objects.filter(kind=Kind.MEMBER_UNIT, short_name__in=short_names)}
    town_names = sorted({t for names in TOWN_CO_UNITS.values() for t in names})
    towns = {t.name: t for t in OrgNode.objects.filter(kind=Kind.TOWN, name__in=town_names)}
    reviewer = User.objects.filter(username="xianzong").first()
    plan = Plan.objects.create(
        org=county, year=YEAR, title=TITLE, calendar=Calendar.QUARTERLY, status=PlanStatus.PUBLISHED
    )
    actions = {
        a.number: a
        for a in Action.objects.bulk_create(
            [Action(plan=plan, number=n, name=name) for n, name in ACTION_NAMES.items()]
        )
    }
    per_action: dict[int, int] = {}
    rows = []
    for action_no, title, description in MEASURES:
        per_action[action_no] = per_action.get(action_no, 0) + 1
        rows.append(
            Measure(
                action=actions[action_no],
                number=per_action[action_no],
                title=title,
                description=description,
                is_demo_content=True,
            )
        )
    measures = dict(enumerate(Measure.objects.bulk_create(rows), start=1))
    periods = make_periods(plan)

    items: list[Item] = []
    for n, (measure_no, lead_name, title, (month, day), _inds) in enumerate(ITEMS, start=1):
        items.append(
            Item(
                plan=plan,
                measure=measures[measure_no],
                code=f"{YEAR}-{n:02d}",
                title=title,
                description=measures[measure_no].description,
                lead_unit=units[lead_name],
                deadline=dt.date(YEAR, month, day),
                weight=Decimal(rng.choice(["1", "1", "1", "1.5", "2"])),
            )
        )
    items = Item.objects.bulk_create(items)
    assignments: list[Assignment] = []
    milestones: list[Milestone] = []
    indicators: list[Indicator] = []
    fates: dict[int, str] = {}
    for n, (item, (_m, lead_name, _t, _d, inds)) in enumerate(zip(items, ITEMS, strict=True), start=1):
        co = rng.sample([s for s in short_names if s != lead_name], rng.choice([0, 1, 1, 2]))
        assignments.append(Assignment(item=item, unit=units[lead_name], is_lead=True))
        assignments += [Assignment(item=item, unit=units[s], is_lead=False) for s in co]
        assignments += [Assignment(item=item, unit=towns[t], is_lead=False) for t in TOWN_CO_UNITS.get(n, [])]
        # fate: most items finish; some lag (the last steps slip), a few stall.
        fate = rng.choices(["done", "lagging", "stalled"], weights=[78, 15, 7])[0]
        if any(fig for *_x, fig in inds):
            fate = "live"
        fates[item.pk] = fate
        steps = MILESTONES[:3] if item.deadline.month <= 6 else MILESTONES
        for k, (step, frac) in enumerate(steps):
            due = _day_in_year(frac, item.deadline)
            done_on: dt.date | None = due - dt.timedelta(days=rng.randint(0, 10))
            if (fate == "lagging" and k == len(steps) - 1) or (fate == "stalled" and k >= 1):
                done_on = None
            milestones.append(Milestone(item=item, title=step, due=due, done_on=done_on))
        indicators += [
            Indicator(item=item, name=name, unit=unit, baseline=Decimal(base), target=Decimal(target), figure=figure)
            for name, unit, base, target, figure in inds
        ]
    assignments = Assignment.objects.bulk_create(assignments)
    Milestone.objects.bulk_create(milestones)
    indicators = Indicator.objects.bulk_create(indicators)
    reported: dict[int, list[Indicator]] = {}
    for ind in indicators:
        if not ind.figure:
            reported.setdefault(ind.item_id, []).append(ind)

    # Reports: every assignment, every quarter begun by the item's deadline.
    counts = {"reform_items": len(items), "reform_reports": 0, "reform_reports_late": 0}
    counts["reform_reports_returned"] = 0
    reports: list[Report] = []
    shares: list[float] = []
    for a in sorted(assignments, key=lambda a: (a.item.code, not a.is_lead, a.unit.path)):
        fate = fates[a.item_id]
        for q, period in enumerate(periods, start=1):
            if period.start > a.item.deadline:
                continue
            roll = rng.random()
            if roll < 0.06:
                continue  # never sent
            late = roll > 0.84
            shift = rng.randint(1, 9) if late else -rng.randint(0, 4)
            submitted = period.due + dt.timedelta(days=shift)
            returned = 0.06 <= roll < 0.11
            state = ReportState.RETURNED if returned else ReportState.ACCEPTED
            if q == 4 and not returned and roll > 0.6:
                state = ReportState.SUBMITTED  # the last quarter still awaiting review
            share = min(1.0, q / 4 * rng.uniform(0.95, 1.15))
            if fate in ("lagging", "stalled"):
                share *= 0.6 if fate == "lagging" else 0.3
            elif a.is_lead and (q == 4 or period.end >= a.item.deadline):
                share = max(share, 1.0)
            if a.is_lead:
                done = "已完成年度任务。" if share >= 1 else f"完成年度任务的{round(share * 100)}%。"
                narrative = f"{period.label}：{a.item.title}按计划推进，{done}"
            else:
                narrative = f"{period.label}：配合牵头单位做好{a.item.title}相关工作。"
            reviewed = state != ReportState.SUBMITTED
            reports.append(
                Report(
                    assignment=a,
                    period=period,
                    narrative=narrative,
                    state=state,
                    submitted_at=_at(submitted),
                    late=late,
                    reviewer=reviewer if reviewed else None,
                    review_comment="请补充量化数据和佐证材料。" if returned else "",
                    reviewed_at=_at(submitted + dt.timedelta(days=2), 16) if reviewed else None,
                )
            )
            shares.append(share)
            counts["reform_reports_late"] += int(late)
            counts["reform_reports_returned"] += int(returned)
    reports = Report.objects.bulk_create(reports)
    counts["reform_reports"] = len(reports)
    values: list[IndicatorValue] = []
    evidence: list[Evidence] = []
    for report, share in zip(reports, shares, strict=True):
        a = report.assignment
        if not a.is_lead:
            continue
        for ind in reported.get(a.item_id, []):
            value = ind.baseline + (ind.target - ind.baseline) * Decimal(str(round(share, 4)))
            values.append(IndicatorValue(report=report, indicator=ind, value=value.quantize(Decimal("1"))))
        quarter = periods.index(report.period) + 1
        if len(evidence) < 12 and quarter in (2, 4) and report.state == ReportState.ACCEPTED:
            ev = Evidence(
                report=report,
                original_name=f"{a.item.code}{report.period.label}工作总结.pdf",
                content_type="application/pdf",
                size=len(_PDF),
                uploaded_by=None,
            )
            ev.file.save(f"{a.item.code}.pdf", ContentFile(_PDF), save=False)
            evidence.append(ev)
    IndicatorValue.objects.bulk_create(values)
    Evidence.objects.bulk_create(evidence)
    if stdout is not None:
        stdout.write(f"产改责任清单：{counts['reform_items']} 个项目，{counts['reform_reports']} 份进展报送。\n")
    return counts
