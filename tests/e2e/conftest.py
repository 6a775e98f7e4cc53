"""End-to-end fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

The browser is the system's `/usr/bin/chromium` (`scripts/install-chromium`), never one that
`playwright install` downloads. Screenshots go to `test-results/` (gitignored): one per persona
from the tests, and one for every failing test.

Run with `scripts/test` (part 3) or `.venv/bin/pytest -m e2e tests/e2e`.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("GEFENG_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling Google services, which floods
# a closed network with connection attempts.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def results_dir(pytestconfig: pytest.Config) -> Path:
    path = Path(pytestconfig.rootpath) / "test-results"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/install-chromium (never `playwright install`).")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread for as long as it is
    # started; Django then refuses ORM calls from the test thread (SynchronousOnlyOperation).
    # The tests are plain synchronous code, so lift the guard while Playwright runs.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _new_page(browser, request: pytest.FixtureRequest, results_dir: Path, viewport: dict[str, int]):
    context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(5_000)
    page.set_default_navigation_timeout(15_000)
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        # A screenshot must never mask the real failure.
        with contextlib.suppress(Exception):
            page.screenshot(path=results_dir / f"FAILED-{name}.png", full_page=True)
    context.close()


@pytest.fixture
def page(browser, live_server, transactional_db, request, results_dir) -> Iterator:
    """A desktop-width page; `live_server.url` is the site."""
    yield from _new_page(browser, request, results_dir, DESKTOP)


@pytest.fixture
def phone_page(browser, live_server, transactional_db, request, results_dir) -> Iterator:
    """A phone-width page (390×844, an iPhone 12–15)."""
    yield from _new_page(browser, request, results_dir, PHONE)
