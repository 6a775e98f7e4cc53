"""The allowance rules and the run: eligibility, amounts, the rule table's effective years, the
workflow and its refusals, the double-payment guard (repeated runs, clashing approvals, the
ledger's constraint), figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from gefeng.accounts import services as account_services
from gefeng.allowances import figures, services
from gefeng.allowances.models import AllowanceRule, Payment, RunLine, RunStatus
from gefeng.core import figures as core_figures
from gefeng.core.actors import SYSTEM
from gefeng.core.models import AuditEntry
from tests.conftest import PASSWORD
from tests.talent.conftest import honour, person

pytestmark = pytest.mark.django_db


def _amounts(run) -> dict[str, dict[str, Decimal]]:
    out: dict[str, dict[str, Decimal]] = {}
    for line in RunLine.objects.filter(run=run).select_related("kind"):
        out.setdefault(line.name, {})[line.kind.name] = line.amount
    return out


@pytest.fixture
def second_officer(tree):
    return account_services.user_create(
        actor=SYSTEM,
        username="county2",
        name="县总工会复核",
        org=tree.county,
        password=PASSWORD,
        roles={"county_admin"},
        must_change=False,
    )


def test_eligibility_and_amounts(tree, kinds, model_factory):
    model_factory(name="甲县级")
    model_factory(name="乙退休", retired=True)
    model_factory(name="丙困难", hardship=True, level="city")
    model_factory(name="丁已故", deceased_on=dt.date(2018, 5, 1))
    model_factory(name="戊国家", level="national", retired=True, hardship=True)
    late = model_factory(name="己新评", year=2020)  # awarded 2020-04-28, after the 资格认定日
    run = services.run_create(actor=SYSTEM, org=tree.county, year=2020, as_of=dt.date(2020, 1, 10))
    amounts = _amounts(run)
    assert amounts["甲县级"] == {"荣誉津贴": 400, "春节慰问金": 300}
    assert amounts["乙退休"] == {"荣誉津贴": 400, "春节慰问金": 300, "医疗补贴": 300}
    assert amounts["丙困难"] == {"荣誉津贴": 1200, "春节慰问金": 500, "困难补助金": 2000}
    assert amounts["戊国家"] == {"荣誉津贴": 2400, "春节慰问金": 1000, "医疗补贴": 1200, "困难补助金": 2000}
    assert "丁已故" not in amounts and late.person.name not in amounts
    assert run.recipients == 4 and run.total == Decimal(700 + 1000 + 3700 + 6600)
    assert run.skipped["deceased"] == 1 and run.skipped["not_eligible"] == 0
    assert run.prepared_by is None and run.status == RunStatus.DRAFT


def test_highest_level_decides_and_revoked_or_other_honours_do_not_count(tree, kinds, model_factory):
    from gefeng.core.actors import SYSTEM
    from gefeng.honours import services as honour_services

    both = model_factory(name="甲两级")
    honour(both.person, level="city", year=2015)
    revoked = model_factory(name="乙撤销")
    honour_services.honour_revoke(
        actor=SYSTEM, honour=revoked.person.honours.get(), on=dt.date(2019, 6, 1), reason="违纪"
    )
    civil = person(tree.xinge_union, name="丙文明")
    honour(civil, kind="civilized_worker", title="沛县文明职工", year=2012)
    run = services.run_create(actor=SYSTEM, org=tree.county, year=2020)
    amounts = _amounts(run)
    assert amounts == {"甲两级": {"荣誉津贴": 1200, "春节慰问金": 500}}
    assert set(RunLine.objects.filter(run=run).values_list("level", flat=True)) == {"city"}


def test_the_rule_in_force_is_the_latest_effective_year(tree, kinds, model_factory):
    model_factory(name="甲县级")
    rule = services.rule_save(actor=SYSTEM, kind=kinds["荣誉津贴"], level="county", amount="500", effective_from=2021)
    assert rule.amount == Decimal("500.00")
    run_2020 = services.run_create(actor=SYSTEM, org=tree.county, year=2020)
    run_2021 = services.run_create(actor=SYSTEM, org=tree.county, year=2021)
    assert _amounts(run_2020)["甲县级"]["荣誉津贴"] == 400
    assert _amounts(run_2021)["甲县级"]["荣誉津贴"] == 500
    # A zero amount stops a kind for that level; an inactive kind is not paid at all.
    services.rule_save(actor=SYSTEM, kind=kinds["春节慰问金"], level="county", amount=0, effective_from=2022)
    services.kind_update(actor=SYSTEM, kind=kinds["医疗补贴"], data={"active": False})
    run_2022 = services.run_create(actor=SYSTEM, org=tree.county, year=2022)
    assert _amounts(run_2022)["甲县级"] == {"荣誉津贴": 500}


def test_rule_table_validation(tree, kinds, personas):
    kind = kinds["荣誉津贴"]
    for bad, field in (
        ({"amount": "-1"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "1.005"}, "amount"),
        ({"level": "town"}, "level"),
        ({"effective_from": "20x"}, "effective_from"),
        ({"effective_from": 2015}, "effective_from"),  # the same kind, level and year exists
    ):
        args = {"level": "county", "amount": "100", "effective_from": 2030} | bad
        with pytest.raises(ValidationError) as exc:
            services.rule_save(actor=personas["county"], kind=kind, **args)
        assert field in exc.value.message_dict, bad
    with pytest.raises(PermissionDenied):
        services.rule_save(actor=personas["auditor"], kind=kind, level="county", amount=1, effective_from=2030)
    with pytest.raises(PermissionDenied):
        services.kind_create(actor=personas["town"], org=tree.county, name="新津贴")
    with pytest.raises(ValidationError):
        services.kind_create(actor=personas["county"], org=tree.county, name="荣誉津贴")
    with pytest.raises(ValidationError):
        services.kind_create(actor=personas["county"], org=tree.longgu, name="镇里的津贴")


def test_approver_must_differ_from_preparer(tree, kinds, model_factory, personas, second_officer):
    model_factory()
    county = personas["county"]
    run = services.run_create(actor=county, org=tree.county, year=2020)
    services.run_submit(actor=county, run=run)
    with pytest.raises(ValidationError) as exc:
        services.run_approve(actor=county, run=run)
    assert "审批人不能是名单的制表人或提交人" in str(exc.value)
    assert not Payment.objects.exists()
    with pytest.raises(PermissionDenied):
        services.run_approve(actor=personas["auditor"], run=run)
    approved = services.run_approve(actor=second_officer, run=run)
    assert approved.status == RunStatus.APPROVED and approved.approved_by == second_officer
    assert Payment.objects.filter(run=run).count() == RunLine.objects.filter(run=run).count() == 2
    assert AuditEntry.objects.filter(action="allowances.run.approved", actor=second_officer).exists()
    with pytest.raises(ValidationError) as exc:  # approving again: a clean message, nothing written
        services.run_approve(actor=second_officer, run=run)
    assert "已审批" in str(exc.value)
    assert Payment.objects.count() == 2


def test_a_repeated_run_pays_nobody_twice(tree, kinds, model_factory, personas, second_officer):
    model_factory(name="甲某")
    model_factory(name="乙某", retired=True)
    first = services.run_create(actor=personas["county"], org=tree.county, year=2020)
    services.run_submit(actor=personas["county"], run=first)
    services.run_approve(actor=second_officer, run=first)
    # Later a labour model is added to the register; the supplementary run pays only the new one.
    model_factory(name="丙补录")
    again = services.run_create(actor=personas["county"], org=tree.county, year=2020, title="2020年补发")
    assert set(_amounts(again)) == {"丙补录"}
    assert again.skipped["already_paid"] == 5
    services.run_submit(actor=personas["county"], run=again)
    services.run_approve(actor=second_officer, run=again)
    assert Payment.objects.filter(year=2020).values("person").distinct().count() == 3
    assert figures.allowance_recipients(tree.county, 2020) == 3
    assert figures.allowance_total_yuan(tree.county, 2020) == 700 + 1000 + 700


def test_clashing_runs_cannot_both_be_approved(tree, kinds, model_factory, second_officer):
    model_factory(name="甲某")
    a = services.run_create(actor=SYSTEM, org=tree.county, year=2020)
    b = services.run_create(actor=SYSTEM, org=tree.county, year=2020)  # built before a was approved
    services.run_submit(actor=SYSTEM, run=a)
    services.run_submit(actor=SYSTEM, run=b)
    services.run_approve(actor=second_officer, run=a)
    assert services.clashes(b) == 2
    with pytest.raises(ValidationError) as exc:
        services.run_approve(actor=second_officer, run=b)
    assert "不能重复发放" in str(exc.value)
    b.refresh_from_db()
    assert b.status == RunStatus.SUBMITTED
    assert Payment.objects.count() == 2
    # Returned and rebuilt, it has nothing left to pay.
    services.run_return(actor=second_officer, run=b, comment="重复")
    rebuilt = services.run_rebuild(actor=SYSTEM, run=b)
    assert rebuilt.recipients == 0 and rebuilt.skipped["already_paid"] == 2


def test_the_ledger_refuses_a_second_payment_at_the_database(tree, kinds, model_factory, second_officer):
    model_factory()
    a = services.run_create(actor=SYSTEM, org=tree.county, year=2020)
    b = services.run_create(actor=SYSTEM, org=tree.county, year=2020)
    services.run_submit(actor=SYSTEM, run=a)
    services.run_approve(actor=second_officer, run=a)
    line = RunLine.objects.filter(run=b).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            person_id=line.person_id, kind_id=line.kind_id, year=2020, amount=line.amount, run=b, line=line
        )


def test_workflow_refusals(tree, kinds, model_factory, personas, second_officer):
    no_bank = model_factory(name="甲无账户", bank=False)
    county = personas["county"]
    run = services.run_create(actor=county, org=tree.county, year=2020)
    with pytest.raises(ValidationError) as exc:
        services.run_submit(actor=county, run=run)
    assert "1 人未登记银行账户" in str(exc.value)
    with pytest.raises(ValidationError):
        services.run_approve(actor=second_officer, run=run)  # a draft
    with pytest.raises(ValidationError):
        services.run_mark_paid(actor=county, run=run, paid_on=dt.date.today())
    with pytest.raises(ValidationError) as exc:
        services.run_cancel(actor=county, run=run, reason="")
    assert "作废原因" in str(exc.value)
    from gefeng.talent import services as talent_services

    talent_services.profile_bank_update(
        actor=county, profile=no_bank, bank_holder="甲无账户", bank_name="农行", bank_account="6228480000000009"
    )
    services.run_rebuild(actor=county, run=run)
    services.run_submit(actor=county, run=run)
    with pytest.raises(ValidationError):
        services.run_return(actor=second_officer, run=run, comment="")
    services.run_approve(actor=second_officer, run=run)
    with pytest.raises(ValidationError):
        services.run_cancel(actor=county, run=run, reason="不要了")
    with pytest.raises(ValidationError) as exc:
        services.run_mark_paid(actor=county, run=run, paid_on=dt.date.today() + dt.timedelta(days=1))
    assert "不能晚于今天" in str(exc.value)
    paid = services.run_mark_paid(actor=county, run=run, paid_on=dt.date.today())
    assert paid.status == RunStatus.PAID
    # A rule used by an approved run is frozen.
    rule = AllowanceRule.objects.get(kind=kinds["荣誉津贴"], level="county")
    with pytest.raises(ValidationError) as exc:
        services.rule_save(actor=county, kind=rule.kind, rule=rule, level="county", amount=999, effective_from=2015)
    assert "不能修改" in str(exc.value)


def test_run_input_is_checked(tree, kinds, personas):
    county = personas["county"]
    for bad in ({"year": "abc"}, {"year": 1800}, {"year": 2020, "as_of": dt.date(2015, 1, 1)}):
        with pytest.raises(ValidationError):
            services.run_create(actor=county, org=tree.county, **bad)
    with pytest.raises(ValidationError) as exc:
        services.run_create(actor=county, org=tree.county, year=2010)
    assert "没有适用的津贴标准" in str(exc.value)
    with pytest.raises(PermissionDenied):
        services.run_create(actor=personas["auditor"], org=tree.county, year=2020)


def test_figures_count_approved_runs_only_and_follow_the_subtree(tree, kinds, model_factory, second_officer):
    model_factory(name="甲新格")
    model_factory(name="乙恒辉", union=tree.henghui_union, retired=True)
    run = services.run_create(actor=SYSTEM, org=tree.county, year=2020)
    services.run_submit(actor=SYSTEM, run=run)
    computed = core_figures.compute(tree.county, 2020)
    assert computed["allowance_recipients"] == 0 and computed["allowance_total_yuan"] == 0
    services.run_approve(actor=second_officer, run=run)
    computed = core_figures.compute(tree.county, 2020)
    assert computed["allowance_recipients"] == 2 and computed["allowance_total_yuan"] == 700 + 1000
    assert isinstance(computed["allowance_total_yuan"], int)
    assert figures.allowance_recipients(tree.longgu, 2020) == 1
    assert figures.allowance_total_yuan(tree.yangtun, 2020) == 1000
    assert figures.allowance_recipients(tree.county, 2019) == 0
