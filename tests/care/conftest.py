"""Objects of the care tests: registry members with hardship files in each state, the rule
table, a funded county fund, a campaign, pension targets. `world(tree)` builds the matrix's
objects once per test, pointed at the outsider's enterprise (恒辉编织) where a URL takes one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from gefeng.core.actors import SYSTEM
from gefeng.core.validators import id_check_char

_SEQ = {"n": 200}
TODAY = dt.date.today()


def make_id(birth: str = "19800101", region: str = "320322") -> str:
    _SEQ["n"] += 1
    body = region + birth + f"{_SEQ['n'] % 1000:03d}"
    return body + id_check_char(body)


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def png(name: str = "证明.png") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PNG, content_type="image/png")


def member(union: Any, *, name: str = "张困难", user: Any = None, birth: str = "19800101") -> Any:
    from gefeng.members import services
    from gefeng.members.models import Member

    m = services.member_join(
        actor=SYSTEM,
        union=union,
        data={"name": name, "id_number": make_id(birth), "joined_on": dt.date(2010, 5, 1), "job_category": "一线工人"},
    )
    if user is not None:
        Member.objects.filter(pk=m.pk).update(user=user)
        m.refresh_from_db()
    return m


DEEP_INCOME = {"wage": "20000"}  # 3 people: (20000 − 4000) / 12 / 3 = 444.44 < 低保
DEEP_SPENDING = {"medical": "4000"}


def family() -> list[dict[str, Any]]:
    return [
        {"name": "李配偶", "relation": "spouse", "id_number": make_id("19820303"), "health": "慢性肾病"},
        {
            "name": "张小学",
            "relation": "child",
            "id_number": make_id("20120909"),
            "schooling": "primary",
            "school": "龙固镇中心小学",
        },
    ]


def apply(m: Any, *, actor: Any = SYSTEM, income=None, spending=None, fam=None, **data: Any) -> Any:
    from gefeng.care import services

    return services.file_apply(
        actor=actor,
        member=m,
        data={"cause_main": "illness", "bank_name": "沛县农商行", "bank_account": "6228480000001234567", **data},
        family=family() if fam is None else fam,
        income=DEEP_INCOME if income is None else income,
        spending=DEEP_SPENDING if spending is None else spending,
    )


def filed(m: Any, *, org: Any) -> Any:
    """A file taken through the whole flow by the console."""
    from gefeng.care import services

    f = apply(m)
    services.visit_add(actor=SYSTEM, file=f, visited_on=TODAY, visitors="王干事、李干事", findings="家中有病人，收入低")
    services.file_check(actor=SYSTEM, file=f)
    services.file_review(actor=SYSTEM, file=f)
    notice = services.notice_create(actor=SYSTEM, org=org, files=[f], starts_on=TODAY - dt.timedelta(days=10))
    services.notice_close(actor=SYSTEM, notice=notice)
    f.refresh_from_db()
    return f


def rule(county: Any, name: str = "专项帮扶", **kw: Any) -> Any:
    from gefeng.care import services
    from gefeng.care.models import AidRule

    existing = AidRule.objects.filter(org=county, name=name).first()
    if existing:
        return existing
    return services.rule_save(
        actor=SYSTEM, org=county, name=name, kind=kw.pop("kind", "cash"), cap=kw.pop("cap", "20000"), **kw
    )


def fund(county: Any, amount: str = "100000", name: str = "专项帮扶资金", year: int | None = None) -> Any:
    from gefeng.care import services

    f = services.fund_create(actor=SYSTEM, org=county, name=name, source="higher", year=year or TODAY.year)
    services.fund_credit(actor=SYSTEM, fund=f, amount=amount, entry_on=TODAY, memo="上级拨款")
    f.refresh_from_db()
    return f


@dataclass
class World:
    applied: Any  # the outsider's application (恒辉编织)
    checked: Any
    filed: Any
    worker_file: Any  # the worker persona's own (新格灌溉)
    document: Any  # a document of the outsider's application
    rule: Any
    fund: Any
    aid: Any  # submitted, on the outsider's filed file
    approved: Any
    campaign: Any
    entry: Any  # approved roster entry of the outsider's enterprise
    notice: Any  # open notice of the outsider's reviewed file
    objection: Any
    target: Any  # pension target of 恒辉编织


def world(tree: Any, personas: dict[str, Any] | None = None) -> World:
    from gefeng.care import services
    from gefeng.care.models import (
        AidRecord,
        AidStatus,
        Campaign,
        Document,
        Fund,
        HardshipFile,
        Notice,
        Objection,
        PensionTarget,
        RosterEntry,
    )
    from gefeng.members.models import Member

    # The walk's own files (the demo county has files of its own, which the crawl also opens).
    if not HardshipFile.objects.filter(member__name="恒辉丙").exists():
        county = tree.county
        r = rule(county)
        f = fund(county)
        filed_file = filed(member(tree.henghui_union, name="恒辉甲"), org=county)
        filed_other = filed(member(tree.henghui_union, name="恒辉乙"), org=county)
        applied = apply(member(tree.henghui_union, name="恒辉丙"))
        services.document_add(actor=SYSTEM, file=applied, kind="income", upload=png())
        checked = apply(member(tree.henghui_union, name="恒辉丁"))
        services.visit_add(actor=SYSTEM, file=checked, visited_on=TODAY, visitors="赵干事", findings="属实")
        services.file_check(actor=SYSTEM, file=checked)
        reviewed = apply(member(tree.henghui_union, name="恒辉戊"))
        services.visit_add(actor=SYSTEM, file=reviewed, visited_on=TODAY, visitors="赵干事", findings="属实")
        services.file_check(actor=SYSTEM, file=reviewed)
        services.file_review(actor=SYSTEM, file=reviewed)
        notice = services.notice_create(actor=SYSTEM, org=county, files=[reviewed], starts_on=TODAY)
        services.objection_add(actor=SYSTEM, entry=notice.entries.get(), received_on=TODAY, content="其家中有车辆")
        worker = personas["worker"] if personas else None
        if worker is not None and Member.objects.filter(user=worker).exists():
            worker = None  # bound already (the demo county's worker)
        apply(member(tree.xinge_union, name="新格职工", user=worker))
        services.aid_create(
            actor=SYSTEM, file=filed_file, rule=r, fund=f, amount="5000", given_on=TODAY, delivered_by="王干事"
        )
        ok = services.aid_create(
            actor=SYSTEM, file=filed_other, rule=r, fund=f, amount="3000", given_on=TODAY, delivered_by="王干事"
        )
        services.aid_approve(actor=SYSTEM, aid=ok)
        warm = rule(county, "冬送温暖慰问", kind="cash", amount="500", cap=None, frequency="campaign", filed_only=False)
        c = services.campaign_create(
            actor=SYSTEM, org=county, kind="winter", name="冬送温暖", starts_on=TODAY - dt.timedelta(days=5),
            ends_on=TODAY + dt.timedelta(days=30), rule=warm, groups=["hardship", "sanitation"], default_amount="500",
        )  # fmt: skip
        services.budget_set(actor=SYSTEM, fund=f, campaign=c, amount="20000")
        services.roster_from_files(actor=SYSTEM, campaign=c, org=tree.henghui)
        services.roster_decide(actor=SYSTEM, campaign=c, entries=list(c.roster.all()), approve=True)
        services.campaign_start(actor=SYSTEM, campaign=c)
        services.target_set(actor=SYSTEM, enterprise=tree.henghui, year=TODAY.year, target=50)
        services.target_set(actor=SYSTEM, enterprise=tree.xinge, year=TODAY.year, target=80)
    files = HardshipFile.objects.select_related("member").filter(
        member__name__in=["恒辉甲", "恒辉乙", "恒辉丙", "恒辉丁", "恒辉戊", "新格职工"]
    )
    by_name = {x.member.name: x for x in files}
    return World(
        applied=by_name["恒辉丙"],
        checked=by_name["恒辉丁"],
        filed=by_name["恒辉甲"],
        worker_file=by_name["新格职工"],
        document=Document.objects.order_by("pk").first(),
        rule=rule(tree.county),
        fund=Fund.objects.order_by("pk").first(),
        aid=AidRecord.objects.filter(status=AidStatus.SUBMITTED).order_by("pk").first(),
        approved=AidRecord.objects.filter(status=AidStatus.APPROVED, campaign__isnull=True).order_by("pk").first(),
        campaign=Campaign.objects.order_by("pk").first(),
        entry=RosterEntry.objects.order_by("pk").first(),
        notice=Notice.objects.filter(status="open").order_by("pk").first(),
        objection=Objection.objects.order_by("pk").first(),
        target=PensionTarget.objects.filter(enterprise=tree.henghui).order_by("-pk").first(),
    )


@pytest.fixture
def w(tree, personas):
    return world(tree, personas)
