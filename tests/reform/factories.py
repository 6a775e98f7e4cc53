"""Builders for reform tests and the URL matrix: a plan with items of 县科技局 (the
outsider-equivalent, which the liaison of 县人社局 must not see), 县人社局 and 龙固镇."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from gefeng.core.actors import SYSTEM
from gefeng.reform import services
from gefeng.reform.models import Calendar, Evidence, Item, Measure, Plan, Report

YEAR = 2021
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf(name: str = "总结.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def plan(t: Any, year: int = YEAR) -> Plan:
    found = Plan.objects.filter(year=year).first()
    if found:
        return found
    return services.plan_create(
        actor=SYSTEM, year=year, title=f"{year}年责任清单", calendar=Calendar.QUARTERLY, org=t.county
    )


def measure(p: Plan, number: int = 1, action: int = 1) -> Measure:
    m = Measure.objects.filter(action__plan=p, action__number=action, number=number).first()
    if m:
        return m
    a = p.actions.get(number=action)
    return services.measure_save(actor=SYSTEM, action=a, data={"number": number, "title": f"举措{action}.{number}"})


def item(
    t: Any,
    code: str,
    lead: Any,
    *,
    p: Plan | None = None,
    co: tuple = (),
    deadline: dt.date = dt.date(YEAR, 12, 31),
    weight: str = "1",
    milestones: list | None = None,
    indicators: list | None = None,
) -> Item:
    p = p or plan(t)
    found = Item.objects.filter(plan=p, code=code).first()
    if found:
        return found
    data = services.ItemData(
        measure=measure(p),
        code=code,
        title=f"项目{code}",
        lead_unit=lead,
        deadline=deadline,
        weight=Decimal(weight),
        co_units=list(co),
        milestones=milestones or [],
        indicators=indicators or [],
    )
    return services.item_save(actor=SYSTEM, plan=p, data=data)


def kejiju_item(t: Any) -> Item:
    return item(
        t,
        f"{YEAR}-90",
        t.kejiju,
        indicators=[{"name": "五小成果", "unit": "项", "baseline": 0, "target": 50}],
        milestones=[{"title": "制定方案", "due": dt.date(YEAR, 3, 31)}],
    )


def kejiju_report(t: Any, *, submit: bool = True) -> Report:
    it = kejiju_item(t)
    a = it.assignments.get(unit=t.kejiju)
    p = it.plan.periods.order_by("start").first()
    found = Report.objects.filter(assignment=a, period=p).first()
    if found:
        return found
    ind = it.indicators.first()
    entry = services.Entry(assignment=a, narrative="科技局一季度进展", values={ind.pk: "10"}, files=[pdf()])
    return services.reports_save(actor=SYSTEM, period=p, entries=[entry], submit=submit)[0]


def kejiju_evidence(t: Any, *, submit: bool = True) -> Evidence:
    return kejiju_report(t, submit=submit).evidence.first()
