"""A small 2021 plan and one of every supervision object, for the service tests and the URL walk.

The objects outside the liaison's scope (县人社局) belong to 县科技局 (tree.kejiju); the pilot
enterprise outside the town's scope is 恒辉编织 (tree.henghui)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
YEAR = 2021
NOTICE_DAY = dt.date(2021, 7, 15)


def pdf(name: str = "说明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@dataclass
class World:
    plan: Any
    item_hrss: Any
    item_kejiju: Any
    asg_hrss: Any
    asg_kejiju: Any
    notice_kejiju: Any
    notice_hrss: Any
    meeting: Any
    decision_kejiju: Any
    decision_hrss: Any
    inspection: Any
    rect_kejiju: Any
    attachment: Any
    circular: Any
    evaluation: Any
    score_kejiju: Any
    score_hrss: Any
    rule: Any
    adjustment: Any
    pilot_henghui: Any
    pilot_xinge: Any


def make_plan(tree: Any) -> tuple[Any, ...]:
    """A 2021 plan: one item for 县人社局 (on track) and one for 县科技局 (lagging in July)."""
    from gefeng.reform.models import Action, Assignment, Item, Measure, Milestone, Plan, PlanStatus
    from gefeng.reform.services import make_periods

    plan = Plan.objects.create(org=tree.county, year=YEAR, title="2021年测试责任清单", status=PlanStatus.PUBLISHED)
    action = Action.objects.create(plan=plan, number=4, name="同频聚效")
    measure = Measure.objects.create(action=action, number=1, title="推进改革试点")
    make_periods(plan)
    item_hrss = Item.objects.create(
        plan=plan, measure=measure, code="2021-01", title="名师高徒结对", lead_unit=tree.hrss,
        deadline=dt.date(2021, 12, 31),
    )  # fmt: skip
    item_kejiju = Item.objects.create(
        plan=plan, measure=measure, code="2021-02", title="试点企业创新成果转化", lead_unit=tree.kejiju,
        deadline=dt.date(2021, 12, 31), weight=Decimal("2"),
    )  # fmt: skip
    Milestone.objects.create(item=item_hrss, title="制定方案", due=dt.date(2021, 3, 1), done_on=dt.date(2021, 2, 20))
    Milestone.objects.create(item=item_hrss, title="总结", due=dt.date(2021, 12, 20), done_on=dt.date(2021, 12, 10))
    Milestone.objects.create(item=item_kejiju, title="制定方案", due=dt.date(2021, 6, 30))
    asg_hrss = Assignment.objects.create(item=item_hrss, unit=tree.hrss, is_lead=True)
    asg_kejiju = Assignment.objects.create(item=item_kejiju, unit=tree.kejiju, is_lead=True)
    return plan, item_hrss, item_kejiju, asg_hrss, asg_kejiju


def build_world(tree: Any, personas: dict[str, Any]) -> World:
    from gefeng.reform.models import Plan
    from gefeng.supervision import services
    from gefeng.supervision.models import Attachment, UnitScore

    cached = getattr(tree, "_sv_world", None)
    if cached is not None and Plan.objects.filter(pk=cached.plan.pk).exists():
        return cached
    county = personas["county"]
    plan, item_hrss, item_kejiju, asg_hrss, asg_kejiju = make_plan(tree)
    notice_kejiju = services.notice_issue(
        actor=county, assignment=asg_kejiju, content="请说明滞后原因。", deadline=dt.date(2021, 7, 25), on=NOTICE_DAY
    )
    services.task_report(
        actor=county, task=notice_kejiju, kind="progress", text="正在推进。", files=[pdf("科技局进展.pdf")],
        now=at(dt.date(2021, 7, 20)),
    )  # fmt: skip
    attachment = Attachment.objects.get(update__task=notice_kejiju)
    from gefeng.supervision.models import Task, TaskKind

    notice_hrss = Task.objects.create(
        kind=TaskKind.NOTICE, plan=plan, unit=tree.hrss, item=item_hrss, seq=99, number="测试督〔2021〕99号",
        title="人社局督办", deadline=dt.date(2021, 7, 25), issued_on=NOTICE_DAY,
    )  # fmt: skip
    meeting = services.meeting_create(
        actor=county,
        plan=plan,
        data={"title": "第一次联席会议", "held_on": dt.date(2021, 6, 29), "agenda": "通报进展", "minutes": "会议纪要"},
        units=[tree.hrss, tree.kejiju],
    )
    decision_kejiju = services.decision_add(
        actor=county, meeting=meeting, unit=tree.kejiju,
        data={"title": "科技局建立奖励台账", "deadline": dt.date(2021, 8, 31), "issued_on": dt.date(2021, 6, 29)},
    )  # fmt: skip
    decision_hrss = services.decision_add(
        actor=county, meeting=meeting, unit=tree.hrss,
        data={"title": "人社局出台补贴办法", "deadline": dt.date(2021, 9, 30), "issued_on": dt.date(2021, 6, 29)},
    )  # fmt: skip
    inspection = services.inspection_create(
        actor=county,
        plan=plan,
        data={
            "title": "三季度督导",
            "visited_on": dt.date(2021, 9, 16),
            "inspectors": "检查组",
            "findings": "材料不全",
        },
        units=[tree.kejiju, tree.hrss],
    )
    rect_kejiju = services.rectification_add(
        actor=county, inspection=inspection, unit=tree.kejiju,
        data={"title": "补齐科技局材料", "deadline": dt.date(2021, 10, 15), "issued_on": dt.date(2021, 9, 18)},
    )  # fmt: skip
    circular = services.circular_create(
        actor=county,
        plan=plan,
        data={"title": "关于上半年产改工作的通报", "as_of": dt.date(2021, 7, 10), "issued_on": dt.date(2021, 7, 12)},
    )
    evaluation = services.evaluation_create(
        actor=county,
        plan=plan,
        data={
            "title": "2021年度考评", "as_of": dt.date(2021, 12, 31), "weight_completion": "50",
            "weight_timeliness": "30", "weight_quality": "20", "late_credit": "0.5", "bonus_cap": "5",
            "deduction_cap": "10", "advanced_count": 1,
        },
    )  # fmt: skip
    services.evaluation_compute(actor=county, evaluation=evaluation)
    score_kejiju = UnitScore.objects.get(evaluation=evaluation, unit=tree.kejiju)
    score_hrss = UnitScore.objects.get(evaluation=evaluation, unit=tree.hrss)
    rule = evaluation.rules.get(name="督办通知逾期未回复")
    adjustment = services.adjustment_add(actor=county, score=score_kejiju, rule=rule, times=1, reason="逾期未回复")
    pilot_henghui = services.pilot_create(
        actor=county, enterprise=tree.henghui, data={"designated_on": dt.date(2021, 3, 1), "measures": "恒辉编织举措"},
        items=[item_kejiju],
    )  # fmt: skip
    pilot_xinge = services.pilot_create(
        actor=county, enterprise=tree.xinge,
        data={"level": "city", "designated_on": dt.date(2020, 5, 1), "measures": "创新成果入股"},
        items=[item_kejiju],
    )  # fmt: skip
    world = World(
        plan, item_hrss, item_kejiju, asg_hrss, asg_kejiju, notice_kejiju, notice_hrss, meeting, decision_kejiju,
        decision_hrss, inspection, rect_kejiju, attachment, circular, evaluation, score_kejiju, score_hrss, rule,
        adjustment, pilot_henghui, pilot_xinge,
    )  # fmt: skip
    tree._sv_world = world
    return world


@pytest.fixture
def world(tree, personas, settings, tmp_path) -> World:
    return build_world(tree, personas)
