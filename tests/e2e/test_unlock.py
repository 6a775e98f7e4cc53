"""锁定与解锁 in a real browser: five wrong passwords lock an account and its office address; the
security administrator sees 已锁定 in the user list, unlocks, and the user logs in from the same
address at once.

Both browsers reach the live server from 127.0.0.1, which is made a trusted proxy: each sends
the address a gateway would forward (X-Forwarded-For), so the office and the security
administrator come from different addresses, as they would behind nginx.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

OFFICE = "203.0.113.9"
ADMIN = "10.8.8.8"
WRONG = "Wrong#Pass2026"


def login(page: Page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("[data-testid=login-submit]")


def test_locked_user_is_unlocked_and_logs_in_from_the_same_address(
    page: Page, browser, live_server, personas, settings, results_dir
):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.LOCKOUT_FAILURES = 5
    settings.LOCKOUT_ADDRESS_FAILURES = 5  # the office address locks with the account here
    settings.LOCKOUT_MINUTES = 15
    base = live_server.url
    page.context.set_extra_http_headers({"X-Forwarded-For": OFFICE})

    # Five wrong passwords from the office: the account (and the office address) lock.
    for _i in range(5):
        login(page, base, "town", WRONG)
        expect(page.locator("body")).to_contain_text("用户名或密码错误")
    login(page, base, "town")
    expect(page.locator("body")).to_contain_text("已锁定")
    expect(page.locator("[data-testid=whoami]")).to_have_count(0)

    # The security administrator, from another address, finds the account in the list.
    admin_context = browser.new_context(
        viewport={"width": 1280, "height": 860},
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        extra_http_headers={"X-Forwarded-For": ADMIN},
    )
    try:
        admin = admin_context.new_page()
        admin.set_default_timeout(5_000)
        login(admin, base, "security")
        expect(admin.locator("[data-testid=whoami]")).to_be_visible()
        admin.goto(f"{base}/accounts/users/")
        admin.click("[data-testid=filter-toggle]")  # the filter block is folded until a filter is set
        admin.select_option("select[name=state]", "locked")
        admin.click("[data-testid=filters] button[type=submit]")
        rows = admin.locator("[data-testid=user-table] tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("town")
        expect(rows.first.locator("[data-testid=user-state]")).to_contain_text("已锁定")
        admin.screenshot(path=results_dir / "e2e-unlock-list.png", full_page=True)

        rows.first.locator("a", has_text="town").click()
        locks = admin.locator("[data-testid=locks]")
        expect(locks.locator("[data-lock=account]")).to_be_visible()
        expect(locks.locator(f'[data-lock="{OFFICE}"]')).to_be_visible()
        expect(admin.locator("[data-testid=recent-failures] tbody tr")).to_have_count(6)
        admin.click("[data-testid=user-unlock]")
        expect(admin.locator("body")).to_contain_text("已解锁")
        expect(admin.locator("body")).to_contain_text(OFFICE)
        expect(admin.locator("[data-testid=locked]")).to_have_count(0)
        admin.screenshot(path=results_dir / "e2e-unlock-detail.png", full_page=True)
    finally:
        admin_context.close()

    # The user logs in from the same office address at once.
    login(page, base, "town")
    expect(page).to_have_url(re.compile(re.escape(f"{base}/")))
    expect(page.locator("[data-testid=whoami]")).to_contain_text("town测试")
