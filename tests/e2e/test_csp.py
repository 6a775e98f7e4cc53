"""In a real browser, the Content-Security-Policy blocks nothing the pages need: no page logs a
violation, and the behaviour moved out of inline handlers still works."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_roles import login

pytestmark = pytest.mark.e2e

PAGES = ["/", "/members/", "/reform/", "/honours/", "/figures/", "/accounts/me/", "/accounts/users/", "/orgs/tree/"]


def test_pages_load_without_policy_violations(page: Page, live_server, personas):
    base = live_server.url
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    login(page, base, "county")
    for path in PAGES:
        response = page.goto(base + path)
        assert response is not None and "default-src 'self'" in (response.headers.get("content-security-policy") or "")
    assert violations == []
    # The year selector of the figures page submits by itself (was an inline onchange).
    page.goto(base + "/figures/")
    select = page.locator("select[name=year]")
    if select.locator("option").count() > 1:
        value = select.locator("option").nth(1).get_attribute("value")
        select.select_option(value)
        expect(page).to_have_url(re.compile(re.escape(f"{base}/figures/?year={value}&org=") + r"\d+$"))
    assert violations == []
