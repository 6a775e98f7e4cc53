"""The rules of 帮扶: the category arithmetic, the file's way, double payment, funds, campaigns,
the pension sheet — and every bad input refused in Chinese with nothing half-written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gefeng.care import services
from gefeng.care.models import (
    AidGuard,
    AidRecord,
    AidStatus,
    FamilyMember,
    FileEvent,
    HardshipFile,
    LedgerEntry,
    MoneyItem,
    RosterEntry,
    State,
)
from gefeng.core.actors import SYSTEM
from gefeng.core.audit import AuditEntry
from tests.care.conftest import TODAY, apply, family, filed, fund, make_id, member, rule

pytestmark = pytest.mark.django_db


def _messages(exc: pytest.ExceptionInfo) -> str:
    return "；".join(exc.value.messages)


# ---------------------------------------------------------------- the category arithmetic


def test_category_is_computed_from_the_dibao_line_with_the_arithmetic(settings):
    settings.CARE_DIBAO_MONTHLY = {2020: {"*": "660"}}
    deep = services.assess(year=2020, income=Decimal(20000), spending=Decimal(4000), size=3)
    assert deep.category == "deep" and deep.per_head == Decimal("444.44")
    assert any("444.44" in s for s in deep.steps)
    relative = services.assess(year=2020, income=Decimal(40000), spending=Decimal(6000), size=3)
    assert relative.category == "relative"
    assert services.assess(year=2020, income=Decimal(80000), spending=Decimal(0), size=3).category == "none"
    accident = services.assess(
        year=2020, income=Decimal(80000), spending=Decimal(0), size=3, hardship_cost=Decimal(70000)
    )
    assert accident.category == "accident"
    assert (
        services.assess(year=2020, income=Decimal(80000), spending=Decimal(0), size=3, accident=True).category
        == "accident"
    )


def test_migrant_rule_and_exclusions_keep_a_household_out(settings):
    settings.CARE_DIBAO_MONTHLY = {2020: {"*": "660"}}
    low = {"year": 2020, "income": Decimal(10000), "spending": Decimal(0), "size": 3}
    assert services.assess(**low, migrant=True, employed_months=8).category == "none"
    assert services.assess(**low, migrant=True, employed_months=12).category == "deep"
    out = services.assess(**low, exclusions=["abroad"])
    assert out.category == "none" and "自费出国留学" in out.steps[-1]


def test_both_vocabularies(settings, tree):
    f = apply(member(tree.xinge_union))
    settings.CARE_VOCABULARY = "county"
    assert f.category_label == "特困"
    settings.CARE_VOCABULARY = "national"
    assert f.category_label == "深度困难"


# ---------------------------------------------------------------- files


def test_a_wrong_family_id_number_is_refused_and_nothing_is_written(tree):
    m = member(tree.xinge_union)
    bad = family()
    bad[1]["id_number"] = bad[1]["id_number"][:-1] + ("0" if bad[1]["id_number"][-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        apply(m, fam=bad)
    assert "family_1_id_number" in exc.value.message_dict
    assert "校验位" in _messages(exc)
    assert not HardshipFile.objects.exists() and not FamilyMember.objects.exists()


def test_a_negative_income_is_refused(tree):
    with pytest.raises(ValidationError) as exc:
        apply(member(tree.xinge_union), income={"wage": "-100"})
    assert exc.value.message_dict["income_wage"] == ["工资性收入不能为负数。"]
    assert not MoneyItem.objects.exists()


def test_one_open_file_per_member_and_one_household_in_one_union(tree):
    m = member(tree.xinge_union)
    first = apply(m)
    with pytest.raises(ValidationError) as exc:
        apply(m)
    assert "已有一份未结束" in _messages(exc)
    # The spouse of the first household appears in a file of another union: refused.
    spouse = first.family.get(relation="spouse")
    other = member(tree.henghui_union, name="王另户")
    with pytest.raises(ValidationError) as exc:
        apply(other, fam=[{"name": spouse.name, "relation": "spouse", "id_number": spouse.id_number}])
    assert "两个工会" in _messages(exc)
    assert HardshipFile.objects.count() == 1
    # Once the first file is closed, the household may be filed elsewhere.
    services.file_reject(actor=SYSTEM, file=first, reason="收入超过标准")
    assert apply(other, fam=[{"name": spouse.name, "relation": "spouse", "id_number": spouse.id_number}]).pk


def test_the_way_of_a_file_with_four_eyes(tree, personas):
    f = apply(member(tree.xinge_union))
    chair, county = personas["chair"], personas["county"]
    with pytest.raises(ValidationError, match="入户走访"):
        services.file_check(actor=chair, file=f)
    services.visit_add(actor=chair, file=f, visited_on=TODAY, visitors="刘主席", findings="属实")
    services.file_check(actor=chair, file=f)
    with pytest.raises(PermissionDenied):
        services.file_review(actor=chair, file=f)  # the enterprise cannot review its own
    with pytest.raises(ValidationError) as exc:
        services.file_review(actor=county, file=f, category="relative")
    assert "调整理由" in _messages(exc)
    f = services.file_review(actor=county, file=f, category="relative", reason="家庭有固定资产收入")
    assert (f.category_auto, f.category, f.state) == ("deep", "relative", State.REVIEWED)
    notice = services.notice_create(actor=county, org=tree.county, files=[f], starts_on=TODAY)
    with pytest.raises(ValidationError, match="期满后"):
        services.notice_close(actor=county, notice=notice)
    services.notice_close(actor=SYSTEM, notice=notice, on=notice.ends_on)
    f.refresh_from_db()
    assert f.state == State.FILED and f.number and f.review_due == notice.ends_on + dt.timedelta(days=365)
    assert list(FileEvent.objects.filter(file=f).values_list("action", flat=True))[-1] == "公示无异议，建档"


def test_reviewer_cannot_be_the_checker(tree, personas):
    f = apply(member(tree.xinge_union))
    county = personas["county"]
    services.visit_add(actor=county, file=f, visited_on=TODAY, visitors="张明", findings="属实")
    services.file_check(actor=county, file=f)
    with pytest.raises(ValidationError, match="不能是初审人"):
        services.file_review(actor=county, file=f)


def test_a_filed_file_is_not_edited_without_re_review(tree):
    f = filed(member(tree.xinge_union), org=tree.county)
    with pytest.raises(ValidationError) as exc:
        services.file_update(
            actor=SYSTEM, file=f, data={"cause_main": "illness"}, family=[], income={"wage": "1"}, spending={}
        )
    assert "年度复核" in _messages(exc)
    services.reverify_start(actor=SYSTEM, file=f)
    f = services.file_update(
        actor=SYSTEM, file=f, data={"cause_main": "illness"}, family=[], income={"wage": "90000"}, spending={}
    )
    assert f.category_auto == "none" and f.cycle == 2 and f.number  # the number is kept


def test_an_upheld_objection_refuses_the_file(tree):
    f = apply(member(tree.xinge_union))
    services.visit_add(actor=SYSTEM, file=f, visited_on=TODAY, visitors="甲", findings="属实")
    services.file_check(actor=SYSTEM, file=f)
    services.file_review(actor=SYSTEM, file=f)
    notice = services.notice_create(actor=SYSTEM, org=tree.county, files=[f], starts_on=TODAY - dt.timedelta(days=8))
    obj = services.objection_add(
        actor=SYSTEM, entry=notice.entries.get(), received_on=TODAY - dt.timedelta(days=3), content="有两套住房"
    )
    with pytest.raises(ValidationError, match="未处理的异议"):
        services.notice_close(actor=SYSTEM, notice=notice)
    services.objection_resolve(actor=SYSTEM, objection=obj, upheld=True, resolution="经核实属实")
    services.notice_close(actor=SYSTEM, notice=notice)
    f.refresh_from_db()
    assert f.state == State.REJECTED
    assert not FamilyMember.objects.filter(file=f, open_hash__isnull=False).exists()


def test_the_notice_shows_name_unit_and_category_only(tree):
    f = apply(member(tree.xinge_union, name="赵公示"))
    services.visit_add(actor=SYSTEM, file=f, visited_on=TODAY, visitors="甲", findings="属实")
    services.file_check(actor=SYSTEM, file=f)
    services.file_review(actor=SYSTEM, file=f)
    notice = services.notice_create(actor=SYSTEM, org=tree.county, files=[f])
    entry = notice.entries.get()
    assert (entry.name, entry.unit_name, entry.category) == ("赵公示", f.unit_name, "deep")
    assert {fl.name for fl in type(entry)._meta.fields} == {"id", "notice", "file", "name", "unit_name", "category"}


def test_viewing_a_file_is_audited_and_only_handlers_see_the_sealed_part(tree, personas):
    f = apply(member(tree.xinge_union))
    assert services.reveal(actor=personas["chair"], file=f) is True
    assert services.reveal(actor=personas["auditor"], file=f) is False
    whats = list(
        AuditEntry.objects.filter(action="care.file.viewed").order_by("pk").values_list("changes__what", flat=True)
    )
    assert whats == ["detail", "summary"]
    # Income, health and family are sealed at rest.
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT amount FROM care_moneyitem")
        assert all(row[0].startswith("g1:") for row in cur.fetchall())
        cur.execute("SELECT health, id_number FROM care_familymember WHERE health <> ''")
        assert all(h.startswith("g1:") and i.startswith("g1:") for h, i in cur.fetchall())


# ---------------------------------------------------------------- aid, funds


@pytest.fixture
def paid(tree):
    return filed(member(tree.xinge_union), org=tree.county), rule(tree.county), fund(tree.county, amount="10000")


def test_aid_over_the_cap_or_not_filed_is_refused(tree, paid):
    f, r, money = paid
    with pytest.raises(ValidationError, match="上限"):
        services.aid_create(
            actor=SYSTEM, file=f, rule=r, fund=money, amount="20000.01", given_on=TODAY, delivered_by="甲"
        )
    unfiled = apply(member(tree.xinge_union, name="钱未档"))
    with pytest.raises(ValidationError, match="先建档、后帮扶"):
        services.aid_create(
            actor=SYSTEM, file=unfiled, rule=r, fund=money, amount="100", given_on=TODAY, delivered_by="甲"
        )
    assert not AidRecord.objects.exists()


def test_a_second_payment_in_the_same_period_is_refused(paid, personas):
    f, r, money = paid
    a = services.aid_create(actor=SYSTEM, file=f, rule=r, fund=money, amount="3000", given_on=TODAY, delivered_by="甲")
    b = services.aid_create(actor=SYSTEM, file=f, rule=r, fund=money, amount="3000", given_on=TODAY, delivered_by="乙")
    services.aid_approve(actor=personas["county"], aid=a)
    with pytest.raises(ValidationError, match="已领取过"):
        services.aid_create(actor=SYSTEM, file=f, rule=r, fund=money, amount="3000", given_on=TODAY, delivered_by="丙")
    with pytest.raises(ValidationError, match="不能重复发放"):
        services.aid_approve(actor=personas["county"], aid=b)
    b.refresh_from_db()
    assert b.status == AidStatus.SUBMITTED and AidGuard.objects.count() == 1
    money.refresh_from_db()
    assert money.balance == Decimal("7000")


def test_a_payment_over_the_balance_is_refused_and_nothing_is_written(paid):
    f, r, money = paid
    a = services.aid_create(actor=SYSTEM, file=f, rule=r, fund=money, amount="12000", given_on=TODAY, delivered_by="甲")
    with pytest.raises(ValidationError) as exc:
        services.aid_approve(actor=SYSTEM, aid=a)
    assert "余额 10,000.00 元" in _messages(exc)
    a.refresh_from_db()
    assert a.status == AidStatus.SUBMITTED
    assert not AidGuard.objects.exists() and LedgerEntry.objects.filter(kind="payment").count() == 0


def test_the_recorder_cannot_approve(paid, personas):
    f, r, money = paid
    county = personas["county"]
    a = services.aid_create(actor=county, file=f, rule=r, fund=money, amount="100", given_on=TODAY, delivered_by="甲")
    with pytest.raises(ValidationError, match="另一名工作人员"):
        services.aid_approve(actor=county, aid=a)


def test_a_reversal_is_a_new_entry_and_the_ledger_reconciles(paid):
    f, r, money = paid
    a = services.aid_create(
        actor=SYSTEM, file=f, rule=r, fund=money, amount="2500.50", given_on=TODAY, delivered_by="甲"
    )
    services.aid_approve(actor=SYSTEM, aid=a)
    payment = LedgerEntry.objects.get(kind="payment")
    services.aid_reverse(actor=SYSTEM, aid=a, reason="账号错误，银行退回")
    money.refresh_from_db()
    assert money.balance == Decimal("10000.00")
    assert LedgerEntry.objects.get(pk=payment.pk).amount == Decimal("-2500.50")  # untouched
    assert LedgerEntry.objects.get(kind="reversal").reverses_id == payment.pk
    check = services.reconcile(money)
    assert check["ok"] and check["payments"] == Decimal("-2500.50") and check["reversals"] == Decimal("2500.50")
    # The household may be paid again after a reversal.
    again = services.aid_create(
        actor=SYSTEM, file=f, rule=r, fund=money, amount="2500.50", given_on=TODAY, delivered_by="乙"
    )
    assert services.aid_approve(actor=SYSTEM, aid=again).status == AidStatus.APPROVED


# ---------------------------------------------------------------- campaigns


def test_a_campaign_is_planned_proposed_approved_delivered_and_totalled(tree, personas):
    r = rule(tree.county, "夏送清凉", kind="goods", cap="100", frequency="campaign", filed_only=False)
    money = fund(tree.county)
    c = services.campaign_create(
        actor=SYSTEM, org=tree.county, kind="summer", name="夏送清凉", starts_on=TODAY - dt.timedelta(days=3),
        ends_on=TODAY + dt.timedelta(days=30), rule=r, groups=["frontline", "sanitation"], default_amount="50",
        default_goods="防暑用品",
    )  # fmt: skip
    chair, county = personas["chair"], personas["county"]
    worker_member = member(tree.xinge_union, name="孙一线")
    services.roster_add(actor=chair, campaign=c, org=tree.xinge, group="frontline", member=worker_member)
    with pytest.raises(ValidationError, match="身份证号有误"):
        services.roster_add(
            actor=chair, campaign=c, org=tree.xinge, group="sanitation", name="周环卫", id_number="12345"
        )
    services.roster_add(
        actor=chair, campaign=c, org=tree.xinge, group="sanitation", name="周环卫", id_number=make_id("19700505")
    )
    with pytest.raises(PermissionDenied):
        services.roster_add(
            actor=chair, campaign=c, org=tree.henghui, group="sanitation", name="吴外人", id_number=make_id()
        )
    with pytest.raises(PermissionDenied):  # the proposing enterprise does not approve
        services.roster_decide(actor=chair, campaign=c, entries=list(c.roster.all()), approve=True)
    services.roster_decide(actor=county, campaign=c, entries=list(c.roster.all()), approve=True)
    with pytest.raises(ValidationError, match="预算"):
        services.campaign_start(actor=county, campaign=c)
    services.budget_set(actor=county, fund=money, campaign=c, amount="80")
    services.campaign_start(actor=county, campaign=c)
    first, second = list(RosterEntry.objects.filter(campaign=c).order_by("pk"))
    services.deliver(actor=chair, entry=first, fund=money, given_on=TODAY, delivered_by="刘主席")
    with pytest.raises(ValidationError, match=r"预算 80\.00"):
        services.deliver(actor=chair, entry=second, fund=money, given_on=TODAY, delivered_by="刘主席")
    with pytest.raises(ValidationError, match="不能发放"):
        services.deliver(actor=chair, entry=first, fund=money, given_on=TODAY, delivered_by="刘主席")
    t = services.totals(c)
    assert (t["yuan"], t["times"], t["goods"]) == (Decimal("50"), 1, 1)
    assert t["by_town"][0]["label"] == "龙固镇" and t["by_group"][0]["label"] == "一线职工"


def test_spring_campaign_records_offers(tree):
    r = rule(tree.county, "春送岗位", kind="jobs", amount="0", cap=None, frequency="campaign", filed_only=False)
    c = services.campaign_create(
        actor=SYSTEM,
        org=tree.county,
        kind="spring",
        name="春送岗位",
        starts_on=TODAY,
        ends_on=TODAY,
        rule=r,
        groups=["jobless"],
    )
    with pytest.raises(ValidationError, match="上岗人数"):
        services.offer_save(
            actor=SYSTEM, campaign=c, employer="新格", post="装配工", positions=10, referred=3, placed=5
        )
    services.offer_save(actor=SYSTEM, campaign=c, employer="新格", post="装配工", positions=10, referred=6, placed=4)
    assert services.totals(c)["offers"] == {"positions": 10, "referred": 6, "placed": 4}


# ---------------------------------------------------------------- pension


def test_the_confirmation_sheet_is_all_or_nothing(tree):
    year = TODAY.year
    services.target_set(actor=SYSTEM, enterprise=tree.xinge, year=year, target=100)
    services.target_set(actor=SYSTEM, enterprise=tree.henghui, year=year, target=50)
    with pytest.raises(ValidationError) as exc:
        services.confirm_import(
            actor=SYSTEM, year=year, rows=[[tree.xinge.name, "", "90", ""], ["不存在的企业", "", "5", ""]]
        )
    assert "第 3 行" in _messages(exc)
    from gefeng.care.models import PensionTarget

    assert not PensionTarget.objects.filter(confirmed__isnull=False).exists()
    services.confirm_import(
        actor=SYSTEM, year=year, rows=[["", tree.xinge.code, "90", f"{year}-06-30"], [tree.henghui.name, "", "50", ""]]
    )
    from gefeng.care import figures

    assert figures.pension_enrolled(tree.county, year) == 140
    assert PensionTarget.objects.get(enterprise=tree.xinge).gap == 10
