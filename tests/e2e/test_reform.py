"""产改责任清单 in a real browser: a member unit does its quarter's reporting on one page (with
last quarter's text carried over and a file attached), the county office returns it, the unit
resubmits, and the dashboard draws its charts. Also at phone width."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.reform import factories

pytestmark = pytest.mark.e2e


def login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    expect(page).to_have_url(f"{base}/")


@pytest.fixture
def setup(tree, personas):
    from gefeng.reform import services

    item = factories.item(
        tree,
        "2021-01",
        tree.hrss,
        milestones=[{"title": "制定方案", "due": dt.date(2021, 3, 31)}],
        indicators=[{"name": "结对师徒", "unit": "对", "baseline": 0, "target": 100}],
    )
    factories.kejiju_item(tree)
    periods = list(item.plan.periods.order_by("start"))
    a = item.assignments.get()
    services.reports_save(
        actor=personas["liaison"],
        period=periods[2],
        entries=[services.Entry(assignment=a, narrative="三季度已结对80对", values={item.indicators.get().pk: "80"})],
        submit=True,
    )
    return item, periods


def test_quarter_reporting_round_trip(page: Page, live_server, setup, results_dir, tmp_path):
    item, periods = setup
    base = live_server.url
    login(page, base, "liaison")
    page.locator("[data-testid=menu]").get_by_role("link", name=re.compile("本期报送")).click()
    expect(page.locator("h1")).to_have_text("本期待报")
    form = page.locator("[data-testid=due-form]")
    expect(form).to_contain_text(item.title)
    expect(page.locator("body")).not_to_contain_text("项目2021-90")  # 县科技局's item
    card = form.locator(f"[data-assignment='{item.assignments.get().pk}']")
    card.get_by_role("button", name="沿用上期内容").click()
    textarea = card.locator("textarea")
    expect(textarea).to_have_value("三季度已结对80对")
    textarea.fill("全年结对100对，任务完成")
    card.locator("input[inputmode=decimal]").fill("100")
    pdf = tmp_path / "结对名单.pdf"
    pdf.write_bytes(factories.PDF)
    card.locator("input[type=file]").set_input_files(str(pdf))
    page.screenshot(path=results_dir / "e2e-reform-due.png", full_page=True)
    page.click("[data-testid=submit-all]")
    expect(page.locator(".alert-success")).to_contain_text("已报送 1 项")
    expect(card).to_contain_text("迟报")  # 2021's fourth quarter is long past due
    expect(card.get_by_role("link", name=re.compile("结对名单.pdf"))).to_be_visible()

    # The county office returns it with a comment.
    page.context.clear_cookies()
    login(page, base, "county")
    page.goto(f"{base}/reform/reviews/?plan={item.plan_id}")
    page.get_by_role("link", name=re.compile(item.title)).first.click()
    page.select_option("select[name=decision]", "return")
    page.fill("textarea[name=comment]", "请附上结对协议照片")
    page.click("[data-testid=review-form] button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("已退回")

    # The unit sees the comment and resubmits.
    page.context.clear_cookies()
    login(page, base, "liaison")
    page.goto(f"{base}/reform/due/?plan={item.plan_id}&period={periods[3].pk}")
    expect(page.locator("main")).to_contain_text("请附上结对协议照片")
    page.click("[data-testid=submit-all]")
    expect(page.locator(".alert-success")).to_contain_text("已报送 1 项")


def test_dashboard_draws_charts(page: Page, live_server, setup, results_dir):
    item, _periods = setup
    base = live_server.url
    login(page, base, "county")
    page.goto(f"{base}/reform/board/?plan={item.plan_id}")
    expect(page.locator("#chart-actions canvas")).to_have_count(1)
    expect(page.locator("#chart-units canvas")).to_have_count(1)
    expect(page.locator("[data-testid=unit-table]")).to_contain_text("县科技局")
    page.screenshot(path=results_dir / "e2e-reform-dashboard.png", full_page=True)


def test_phone_width(phone_page: Page, live_server, setup, results_dir):
    item, _periods = setup
    page = phone_page
    login(page, live_server.url, "liaison")
    page.goto(f"{live_server.url}/reform/due/?plan={item.plan_id}")
    expect(page.locator("[data-testid=submit-all]")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the report page scrolls sideways at phone width ({width}px)"
    page.screenshot(path=results_dir / "e2e-reform-phone.png", full_page=True)
