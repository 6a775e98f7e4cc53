"""The demo's supervision of the 2021 plan (loaded after the reform demo, order 25):

- the joint meeting of 29 June 2021 (“6月29日，召开产改联席会议暨工作推进会 … 5家单位典型发言 …”)
  with its attendees, agenda, minutes and five decisions, some done, one overdue;
- 督办 notices on the items lagging on 2 August, one closed, one replied late, one unanswered;
- one inspection in September with three rectification items;
- one circular (通报) on the first half-year;
- pilot enterprises, 新格灌溉 the city's pilot (“市产业工人队伍建设改革试点企业”);
- the 2021 year-end evaluation, final, selecting the 8 advanced units the account commends
  (“表彰8家产改先进单位”).

The rows are written in bulk (the whole demo has a query budget) but follow the services' rules:
the same numbering, the same task states, the same scoring (`services.apply_totals`), the reform
selectors for the candidates, the circular's table and the units' completion and timeliness.
Deterministic (`random.Random(SEED)`).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any, TextIO

from django.core.files.base import ContentFile
from django.utils import timezone

from gefeng.accounts.models import User
from gefeng.orgs.demo import MEMBER_UNITS, NAMED
from gefeng.orgs.models import Kind, OrgNode
from gefeng.reform import selectors as reform_selectors
from gefeng.reform.models import Item, Plan
from gefeng.supervision import circular, scoring, services
from gefeng.supervision.models import (
    Adjustment,
    Attachment,
    Circular,
    Evaluation,
    EvaluationState,
    Inspection,
    Meeting,
    PilotEnterprise,
    PilotLevel,
    ScoreRule,
    Task,
    TaskState,
    TaskUpdate,
    UnitScore,
    UpdateKind,
)

SEED = 20210629
YEAR = 2021
MEETING_DAY = dt.date(2021, 6, 29)
ADVANCED = 8  # “表彰8家产改先进单位”
PILOT_KEYS = ("xinge", "henghui", "bus", "mobile")
GENERATED_PILOTS = 2


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _plan() -> Plan | None:
    from gefeng.reform.demo import TITLE

    return Plan.objects.filter(year=YEAR, title=TITLE).first()


def _pilot_enterprises() -> list[OrgNode]:
    codes = [n.code for n in NAMED if n.key in PILOT_KEYS]
    named = list(OrgNode.objects.filter(kind=Kind.ENTERPRISE, code__in=codes).order_by("path"))
    others = list(
        OrgNode.objects.filter(kind=Kind.ENTERPRISE, industry="C", employee_count__gte=300)
        .exclude(code__in=[n.code for n in NAMED])
        .order_by("path")[:GENERATED_PILOTS]
    )
    return named + others


def clear() -> None:
    plan = _plan()
    PilotEnterprise.objects.filter(enterprise__in=_pilot_enterprises()).delete()
    if plan is None:
        return
    Adjustment.objects.filter(score__evaluation__plan=plan).delete()
    UnitScore.objects.filter(evaluation__plan=plan).delete()
    ScoreRule.objects.filter(evaluation__plan=plan).delete()
    Evaluation.objects.filter(plan=plan).delete()
    for att in Attachment.objects.filter(update__task__plan=plan) | Attachment.objects.filter(meeting__plan=plan):
        att.file.delete(save=False)
        att.delete()
    Task.objects.filter(plan=plan).delete()
    Meeting.objects.filter(plan=plan).delete()
    Inspection.objects.filter(plan=plan).delete()
    for circ in Circular.objects.filter(plan=plan):
        circ.file.delete(save=False)
        circ.delete()


def _units() -> dict[str, OrgNode]:
    return {
        n.short_name: n
        for n in OrgNode.objects.filter(kind=Kind.MEMBER_UNIT, short_name__in=[u[1] for u in MEMBER_UNITS])
    }


MINUTES = "\n".join(
    (
        "2021年6月29日，新时代沛县产业工人队伍建设改革第一次联席会议暨工作推进会召开。"
        "会议听取了县总工会关于上半年产改工作推进情况的汇报，"
        "县委组织部、县人社局、县工商联、县工信局、县住建局5家单位作典型发言。",
        "会议认为，上半年各成员单位按照年度重点工作项目责任清单要求，健全工作机制，产改各项任务有序推进。",
        "会议要求，各成员单位要对照责任清单倒排工期，进度滞后的项目要拿出具体措施；"
        "县产改办要加强督查通报，年底开展考评，表彰产改先进单位。",
    )
)

DECISIONS = [
    (
        "县总工会",
        "牵头制定2021年度产改工作考评细则",
        "明确完成率、报送及时率、工作质量权重和加减分项目，报联席会议审定。",
        dt.date(2021, 9, 30),
        "done",
    ),
    (
        "县人社局",
        "出台“名师高徒”结对帮带补贴办法",
        "会同县财政局研究结对补贴标准，9月底前印发。",
        dt.date(2021, 9, 30),
        "done",
    ),
    (
        "县工商联",
        "组织非公企业集体合同签约“回头看”",
        "对春季要约签约企业开展回头看，形成报告。",
        dt.date(2021, 10, 31),
        "done",
    ),
    (
        "县科技局",
        "建立试点企业创新成果转化奖励台账",
        "对试点企业技术工人创新成果入股、岗位分红情况建立台账。",
        dt.date(2021, 8, 31),
        "open",
    ),
    (
        "县工信局",
        "推荐产业工人素质教育基地候选名单",
        "提出5家素质教育基地候选名单，报县产改办。",
        dt.date(2021, 8, 15),
        "submitted",
    ),
]


class _Tasks:
    """The demo's tasks and their histories, built in memory and written with two bulk inserts.

    The states follow the services' rules (see `services`): a reply moves a task to submitted
    and is late after the deadline; the office closes a submitted task."""

    def __init__(self, plan: Plan, actor: User) -> None:
        self.plan, self.actor = plan, actor
        self.tasks: list[Task] = []
        self.updates: list[tuple[Task, str, str, User, dt.datetime]] = []
        self.seq: dict[str, int] = {}

    def add(self, kind: str, unit: OrgNode, title: str, deadline: dt.date, issued_on: dt.date, **more: Any) -> Task:
        self.seq[kind] = self.seq.get(kind, 0) + 1
        task = Task(
            kind=kind,
            plan=self.plan,
            unit=unit,
            seq=self.seq[kind],
            title=title,
            deadline=deadline,
            issued_on=issued_on,
            issued_by=self.actor,
            **more,
        )
        self.tasks.append(task)
        return task

    def report(self, task: Task, by: User, kind: str, text: str, at: dt.datetime) -> None:
        self.updates.append((task, kind, text, by, at))
        if kind == UpdateKind.SUBMIT:
            task.state = TaskState.SUBMITTED
            task.reply = text
            task.submitted_at = at
            task.submitted_late = timezone.localtime(at).date() > task.deadline

    def close(self, task: Task, comment: str, at: dt.datetime) -> None:
        self.updates.append((task, UpdateKind.CLOSE, comment or "同意办结。", self.actor, at))
        task.state = TaskState.CLOSED
        task.review_comment = comment
        task.closed_at = at
        task.closed_by = self.actor

    def save(self) -> None:
        Task.objects.bulk_create(self.tasks)
        TaskUpdate.objects.bulk_create(
            [TaskUpdate(task=t, kind=k, text=x, created_by=u, created_at=a) for t, k, x, u, a in self.updates]
        )


def load(*, stdout: TextIO | None = None, registry: bool = False) -> dict[str, Any]:
    """Build the demo's supervision with bulk writes (a few dozen queries); see the module docstring."""
    rng = random.Random(SEED)
    plan = _plan()
    actor = User.objects.filter(username="xianzong").first()
    if plan is None or actor is None:
        return {"supervision_meetings": 0}
    liaison = User.objects.filter(username="renshe").first() or actor
    units = _units()
    tasks = _Tasks(plan, actor)

    # 联席会议 on 29 June with five decisions.
    meeting = Meeting.objects.create(
        plan=plan,
        seq=1,
        title="新时代沛县产业工人队伍建设改革第一次联席会议暨工作推进会",
        held_on=MEETING_DAY,
        place="县行政中心第三会议室",
        host="县委常委、组织部部长",
        attendees="\n".join(f"{full}分管负责同志、产改联络员" for full, _s, _k, _b in MEMBER_UNITS)
        + "\n劳动模范代表、职工代表、基层工会干部代表",
        agenda="一、县总工会通报上半年产改工作推进情况\n二、5家成员单位典型发言\n三、表彰推进\n四、县领导讲话",
        minutes=MINUTES,
        created_by=actor,
    )
    meeting.units.set(list(units.values()))
    for owner, title, content, deadline, fate in DECISIONS:
        task = tasks.add("decision", units[owner], title, deadline, MEETING_DAY, content=content, meeting=meeting)
        by = liaison if owner == "县人社局" else actor
        if fate in ("done", "submitted"):
            tasks.report(
                task,
                by,
                UpdateKind.PROGRESS,
                "已召开专题会研究，形成初稿，正在征求意见。",
                _at(deadline - dt.timedelta(days=30)),
            )
            done = _at(deadline - dt.timedelta(days=rng.randint(1, 10)))
            tasks.report(task, by, UpdateKind.SUBMIT, f"{title}已完成，相关文件已报县产改办。", done)
        if fate == "done":
            tasks.close(task, "经核验，已完成。", _at(deadline, 15))

    # 督办 notices on the items lagging or overdue on 2 August.
    notice_day = dt.date(2021, 8, 2)
    candidates = services.notice_candidates(actor, plan, on=notice_day)
    chosen = [(a, st) for a, st in candidates if a.is_lead][:3]
    chosen += [(a, st) for a, st in candidates if not a.is_lead][: 3 - len(chosen)]
    notices = []
    for n, (assignment, status) in enumerate(chosen):
        item = assignment.item
        task = tasks.add(
            "notice",
            assignment.unit,
            f"关于加快推进“{item.title}”的督办通知"[:200],
            notice_day + dt.timedelta(days=10),
            notice_day,
            item=item,
            item_status=status,
            content=f"“{item.title}”进度滞后于计划节点。请于回复时限前书面说明原因、整改措施和完成时间。",
        )
        task.number = f"{circular.doc_prefix()}督〔{plan.year}〕{task.seq}号"
        notices.append(task)
        if n == 2:
            continue  # still unanswered
        replied = _at(notice_day + dt.timedelta(days=8 if n == 0 else 14))  # the second one late
        reply = "滞后原因：前期调研耗时较长。整改措施：已明确专人负责，倒排工期，确保按期完成。"
        tasks.report(task, actor, UpdateKind.SUBMIT, reply, replied)
        if n == 0:
            tasks.close(task, "措施具体，同意办结。", replied + dt.timedelta(hours=6))

    # One inspection with three rectification items.
    visited = [units[s] for s in ("县人社局", "县科技局", "县住建局")]
    inspection = Inspection.objects.create(
        plan=plan,
        title="2021年第三季度产改重点工作督导检查",
        visited_on=dt.date(2021, 9, 16),
        inspectors="县产改办副主任（组长）\n县总工会组织部部长\n县发展改革委、县工商联联络员",
        methods="听取汇报、查阅资料、实地查看、座谈交流",
        findings="部分项目佐证材料不全；个别量化指标进度滞后；试点企业创新成果奖励台账尚未建立。",
        created_by=actor,
    )
    inspection.units.set(visited)
    for unit, title, deadline, fate in (
        (visited[0], "补齐“名师高徒”结对佐证材料", dt.date(2021, 10, 15), "closed"),
        (visited[1], "建立试点企业创新成果奖励台账", dt.date(2021, 10, 31), "open"),
        (visited[2], "加快农民工参保督促进度", dt.date(2021, 10, 31), "submitted"),
    ):
        task = tasks.add("rectification", unit, title, deadline, dt.date(2021, 9, 18), inspection=inspection)
        if fate in ("closed", "submitted"):
            by = liaison if unit.short_name == "县人社局" else actor
            tasks.report(task, by, UpdateKind.SUBMIT, "已按检查组意见完成整改。", _at(deadline - dt.timedelta(days=3)))
        if fate == "closed":
            tasks.close(task, "", _at(deadline))
    tasks.save()

    # The circular on the first half-year.
    rows, laggards = services.circular_rows(actor, plan, as_of=dt.date(2021, 7, 10))
    circ = Circular(
        plan=plan,
        seq=1,
        number=f"{circular.doc_prefix()}〔{plan.year}〕1号",
        title="关于2021年上半年产业工人队伍建设改革重点工作推进情况的通报",
        as_of=dt.date(2021, 7, 10),
        issued_on=dt.date(2021, 7, 12),
        intro=(
            "为推动全县产业工人队伍建设改革各项任务落地见效，"
            "县产改办对各成员单位上半年重点工作项目推进和进展报送情况进行了梳理，现将有关情况通报如下。"
        ),
        requirements=(
            "各成员单位要对照责任清单，倒排工期、压实责任，确保按时保质完成年度任务。\n"
            "进度滞后和报送不及时的单位要认真分析原因，于10个工作日内向县产改办书面报告整改措施。"
        ),
        rows=rows,
        laggards=laggards,
        created_by=actor,
    )
    circ.file.save(f"{plan.year}-1.docx", ContentFile(circular.render(services.circular_context(circ))), save=False)
    circ.save()

    # Pilot enterprises.
    pilot_items = list(Item.objects.filter(plan=plan, title__contains="试点").order_by("code"))
    enterprises = _pilot_enterprises()
    pilots = []
    for n, ent in enumerate(enterprises):
        city = ent.short_name == "新格灌溉"
        pilots.append(
            PilotEnterprise(
                enterprise=ent,
                level=PilotLevel.CITY if city else PilotLevel.COUNTY,
                designated_on=dt.date(2020, 5, 1) if city else dt.date(2021, 3, 1 + n),
                measures=(
                    "制定技术工人科技创新、技术改进和合理化建议奖励办法；构建技术工人创新成果要素参与分配机制，"
                    "实行技术创新成果入股、岗位分红等激励方式。"
                    if city
                    else "建立“名师高徒”结对和技能等级认定制度；推行班组长竞聘和技能津贴。"
                ),
                results="提高骨干团队和主要发明人在成果转化奖励中的占比。" if city else "",
                created_by=actor,
            )
        )
    PilotEnterprise.objects.bulk_create(pilots)
    through = PilotEnterprise.items.through
    through.objects.bulk_create([through(pilotenterprise_id=p.pk, item_id=i.pk) for p in pilots for i in pilot_items])

    # The year-end evaluation: computed from the plan, marked, final, 8 advanced units.
    evaluation = Evaluation.objects.create(
        plan=plan,
        title="2021年度产业工人队伍建设改革工作考评",
        as_of=dt.date(2021, 12, 31),
        advanced_count=ADVANCED,
        state=EvaluationState.FINAL,
        computed_at=_at(dt.date(2022, 1, 10)),
        finalized_at=_at(dt.date(2022, 1, 20)),
        finalized_by=actor,
        created_by=actor,
    )
    rules = ScoreRule.objects.bulk_create(
        [
            ScoreRule(evaluation=evaluation, kind=kind, name=name, points=points, max_points=cap)
            for kind, name, points, cap in services.DEFAULT_RULES
        ]
    )
    by_name = {r.name: r for r in rules}
    progress = reform_selectors.unit_progress(actor, plan, on=evaluation.as_of)
    stats = reform_selectors.unit_report_stats(actor, plan, until=evaluation.as_of)
    scored = list(OrgNode.objects.filter(pk__in=set(progress) | set(stats)).order_by("path"))
    scores = []
    for unit in scored:
        p, st = progress.get(unit.pk, {}), stats.get(unit.pk, {})
        scores.append(
            UnitScore(
                evaluation=evaluation,
                unit=unit,
                items=int(p.get("items", 0)),
                items_completed=int(p.get("completed", 0)),
                completion=scoring.q4(p.get("completion", 0.0)),
                reports_due=int(st.get("due", 0)),
                reports_on_time=int(st.get("on_time", 0)),
                reports_late=int(st.get("late", 0)),
                reports_missing=int(st.get("missing", 0)),
                quality=Decimal(rng.randint(7600, 9800)) / 100,
                quality_reason="按资料完整性、报送质量和工作实效评定。",
                computed_at=evaluation.computed_at,
            )
        )
    adjustments: list[tuple[UnitScore, ScoreRule, str]] = []
    by_unit = {s.unit.short_name: s for s in scores}
    for name in ("县委组织部", "县人社局", "县工商联", "县工信局", "县住建局"):  # 典型发言 on 29 June
        if name in by_unit:
            rule = by_name["工作经验被省、市推广或作典型发言"]
            adjustments.append((by_unit[name], rule, "2021年6月29日联席会议暨工作推进会典型发言。"))
    late = next((t for t in notices if t.submitted_late), None)
    if late is not None and late.unit.short_name in by_unit:
        adjustments.append((by_unit[late.unit.short_name], by_name["督办通知逾期未回复"], f"{late.number}逾期回复。"))
    services.apply_totals(evaluation, scores, lambda s: [(r.points, r) for sc, r, _x in adjustments if sc is s])
    UnitScore.objects.bulk_create(scores)
    Adjustment.objects.bulk_create(
        [Adjustment(score=sc, rule=r, points=r.points, reason=why, created_by=actor) for sc, r, why in adjustments]
    )
    advanced = sum(1 for s in scores if s.advanced)
    counts = {
        "supervision_meetings": 1,
        "supervision_decisions": len(DECISIONS),
        "supervision_notices": len(notices),
        "supervision_rectifications": 3,
        "supervision_circulars": 1,
        "supervision_pilots": len(pilots),
        "supervision_advanced_units": advanced,
    }
    if stdout is not None:
        stdout.write(f"督办与考评：联席会议 1 次，议定事项 {len(DECISIONS)} 项，先进单位 {advanced} 家。\n")
    return counts
