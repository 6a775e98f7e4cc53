"""The worker on a phone (390×844, a slow mobile connection): log in, bind the account to the
registry record with the union's activation code, take the member card and have it verified."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from gefeng.workers import services
from gefeng.workers.models import MemberCard
from tests.conftest import PASSWORD
from tests.workers.conftest import WORKER_ID, join

pytestmark = pytest.mark.e2e

# A slow 3G link (bytes per second), as workers on mobile data often have.
SLOW = {"offline": False, "latency": 300, "downloadThroughput": 400 * 1024 // 8, "uploadThroughput": 400 * 1024 // 8}


def _weight(page: Page, url: str) -> int:
    """Bytes of every response the page loaded (bodies as transferred, before any cache)."""
    sizes: list[int] = []
    page.on("response", lambda r: sizes.append(len(r.body())) if r.ok and r.request.method == "GET" else None)
    page.goto(url)
    page.wait_for_load_state("load")
    return sum(sizes)


def test_worker_binds_and_shows_the_card(phone_page: Page, live_server, personas, tree, results_dir):
    member = join(tree.xinge_union, "孙大伟", WORKER_ID)
    code = services.code_issue(actor=personas["chair"], member=member)
    page, base = phone_page, live_server.url
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW)

    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "worker")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    expect(page.locator("[data-testid=tabbar]")).to_be_visible()
    expect(page.locator("[data-testid=unbound]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.locator("[data-testid=unbound] a", has_text="实名绑定").click()
    expect(page.locator("[data-testid=pipl-notice]")).to_be_visible()
    form = page.locator("[data-testid=bind-form]")
    form.locator("input[name=name]").fill("孙大伟")
    form.locator("input[name=id_number]").fill(WORKER_ID)
    form.locator("input[name=phone]").fill("13852160017")
    form.locator("input[name=code]").fill(code.code)
    form.locator("input[name=consent]").check()
    box = form.locator("button[type=submit]").bounding_box()
    assert box is not None and box["height"] >= 44  # a thumb-sized target
    form.locator("button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("绑定成功")

    page.click("[data-testid=card-issue]")
    expect(page.locator("[data-testid=card-qr] svg")).to_be_visible()
    page.wait_for_load_state("load")
    box = page.locator("[data-testid=card-qr] svg").bounding_box()
    assert box is not None and box["width"] >= 200  # large enough to scan from a phone
    expect(page.locator("[data-testid=tabbar]")).to_be_visible()
    page.screenshot(path=results_dir / "worker-card.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert _weight(page, f"{base}/w/card/") < 100 * 1024

    card = MemberCard.objects.get(user=personas["worker"])
    page.goto(f"{base}/verify/{services.card_token(card)}/")
    expect(page.locator("[data-testid=verdict]")).to_contain_text("有效")
    expect(page.locator("[data-testid=verdict]")).to_contain_text("孙**")
    expect(page.locator("body")).not_to_contain_text("孙大伟")
