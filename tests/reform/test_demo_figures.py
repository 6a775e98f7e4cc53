"""The demo's 2021 plan and the yearly figures (`gefeng figures`)."""

from __future__ import annotations

import datetime as dt

import pytest

from gefeng.core import demo, figures
from gefeng.orgs.demo import MEMBER_UNITS
from gefeng.orgs.models import OrgNode
from gefeng.reform import demo as reform_demo
from gefeng.reform import selectors
from gefeng.reform.models import Assignment, Evidence, Item, Measure, Plan, Report, ReportState
from tests.reform import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(monkeypatch):
    """The demo tree and accounts with only this module's part (no registry: fast)."""
    monkeypatch.setattr(demo, "_module_demos", {"reform": demo._module_demos["reform"]})
    return demo.load_demo(registry=False)


def test_demo_plan(loaded):
    plan = Plan.objects.get(year=2021)
    assert plan.calendar == "quarterly" and plan.status == "published"
    assert Measure.objects.filter(action__plan=plan, is_demo_content=True).count() == 20
    assert [a.measures.count() for a in plan.actions.order_by("number")] == [5, 5, 5, 5]
    assert loaded["reform_items"] == Item.objects.filter(plan=plan).count() == 29
    leads = set(Item.objects.filter(plan=plan).values_list("lead_unit__short_name", flat=True))
    assert leads == {u[1] for u in MEMBER_UNITS}
    assert Assignment.objects.filter(item__plan=plan, unit__name="龙固镇").exists()
    live = set(plan.items.values_list("indicators__figure", flat=True)) - {"", None}
    assert live == {"unions_founded", "members_joined"}
    reports = Report.objects.filter(period__plan=plan)
    assert reports.filter(late=True).count() == loaded["reform_reports_late"] > 0
    assert reports.filter(state=ReportState.RETURNED).count() == loaded["reform_reports_returned"] > 0
    assert reports.filter(state=ReportState.ACCEPTED, late=False).exists()
    assert Evidence.objects.filter(report__period__plan=plan).exists()
    states = selectors.plan_view(_county_admin(), plan, on=dt.date(2021, 12, 31)).total.counts
    assert states[selectors.COMPLETED] > 0 and states[selectors.LAGGING] + states[selectors.OVERDUE] > 0


def _county_admin():
    from gefeng.accounts.models import User

    return User.objects.get(username="xianzong")


def test_demo_is_deterministic_and_clears(loaded):
    plan = Plan.objects.get(year=2021)
    first = list(
        Report.objects.filter(period__plan=plan)
        .order_by("assignment__item__code", "assignment__unit__path", "period__start")
        .values_list("state", "late")
    )
    reform_demo.clear()
    assert not Plan.objects.exists() and not Report.objects.exists() and not Evidence.objects.exists()
    again = reform_demo.load()
    assert again == {k: v for k, v in loaded.items() if k.startswith("reform_")}
    plan = Plan.objects.get(year=2021)
    second = list(
        Report.objects.filter(period__plan=plan)
        .order_by("assignment__item__code", "assignment__unit__path", "period__start")
        .values_list("state", "late")
    )
    assert first == second


def test_figures_for_2021(loaded):
    county = OrgNode.objects.get(code="320322")
    result = figures.compute(county, 2021)
    assert result["plan_items"] == 29
    assert result["reports_late"] == loaded["reform_reports_late"]
    # without the registry the 新增会员 item cannot finish; most others do
    assert 15 <= result["plan_items_completed"] < 29
    hrss = OrgNode.objects.get(short_name="县人社局")
    unit = figures.compute(hrss, 2021)
    assert unit["plan_items"] == Item.objects.filter(assignments__unit=hrss).count() >= 3
    assert figures.compute(county, 2020)["plan_items"] == 0


def test_figures_on_the_test_tree(tree, hrss_item, kejiju_item):
    factories.kejiju_report(tree)  # sent today: late for 2021 Q1
    assert figures.compute(tree.county, 2021)["plan_items"] == 2
    assert figures.compute(tree.hrss, 2021)["plan_items"] == 1
    assert figures.compute(tree.longgu, 2021)["plan_items"] == 1  # co-responsible
    assert figures.compute(tree.county, 2021)["reports_late"] == 1
    assert figures.compute(tree.hrss, 2021)["reports_late"] == 0
    assert figures.compute(tree.county, 2021)["plan_items_completed"] == 0
    kejiju_item.completed_on = dt.date(2021, 12, 1)
    kejiju_item.save()
    assert figures.compute(tree.county, 2021)["plan_items_completed"] == 1


def test_demo_loads_in_a_bounded_number_of_queries(loaded, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        reform_demo.clear()
    with django_assert_max_num_queries(25):
        reform_demo.load()
