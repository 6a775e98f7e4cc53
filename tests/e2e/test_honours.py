"""A whole commendation campaign in a real browser, from the notice to the certificates:

the county sets up the campaign (award, rule) and opens it; the enterprise chair finds a worker in
the registry and nominates her; the town approves, the county shortlists; the county publishes the
notice; a citizen lodges an objection on the public page (no login); the county resolves it and
approves; the certificates come out as one PDF with the worker's name.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def login(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    expect(page).to_have_url(f"{base}/")


def test_campaign_from_notice_to_certificates(page: Page, live_server, personas, tree, results_dir):
    from gefeng.honours.documents import cjk_font
    from gefeng.honours.models import Campaign, Honour, Nomination
    from tests.honours.conftest import join

    base = live_server.url
    worker = join(tree.xinge_union, "欧阳巧珍", job="一线工人", sex="女")
    today = dt.date.today()

    # 1. The county sets up the campaign.
    login(page, base, "county")
    page.goto(f"{base}/honours/")
    page.click("[data-testid=campaign-create]")
    page.fill("input[name=name]", "沛县五一巾帼标兵评选")
    page.fill("input[name=issuer]", "沛县总工会")
    page.fill("input[name=notice_days]", "5")
    page.click("[data-testid=campaign-form] button[type=submit]")
    expect(page.locator("[data-testid=campaign-name]")).to_have_text("沛县五一巾帼标兵评选")
    form = page.locator("[data-testid=award-form]")
    form.locator("select[name=kind]").select_option("advanced_worker")
    form.locator("input[name=title]").fill("沛县巾帼标兵")
    form.locator("input[name=quota]").fill("3")
    form.locator("button").click()
    expect(page.locator("[data-testid=awards]")).to_contain_text("沛县巾帼标兵")
    rule = page.locator("[data-testid=rule-form]")
    rule.locator("select[name=kind]").select_option("min_share")
    rule.locator("select[name=trait]").select_option("female")
    rule.locator("input[name=percent]").fill("50")
    rule.locator("button").click()
    expect(page.locator("[data-testid=rules]")).to_contain_text("女职工")
    page.click("[data-testid=campaign-open]")
    expect(page.locator("[data-testid=campaign-status]")).to_contain_text("推荐中")
    campaign = Campaign.objects.get(name="沛县五一巾帼标兵评选")

    # 2. The chair finds the worker in the registry and nominates her.
    login(page, base, "chair")
    page.goto(f"{base}/honours/{campaign.pk}/")
    page.click("[data-testid=nominate]")
    page.fill("[data-testid=pick-search]", "欧阳")
    page.locator("[data-testid=pick-people] [data-pick]").first.click()
    expect(page.locator("[data-testid=picked]")).to_contain_text("欧阳巧珍")
    page.fill("input[name=post]", "装配工")
    page.fill("textarea[name=deeds]", "扎根装配一线十二年，零差错完成喷灌设备装配三万余台。")
    page.click("[data-testid=nomination-save]")
    expect(page.locator("[data-testid=nominee]")).to_have_text("欧阳巧珍")
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=nomination-status]")).to_contain_text("待镇街审核")
    nomination = Nomination.objects.get(person=worker)

    # 3. The town approves from its queue; 4. the county shortlists with a comment.
    login(page, base, "town")
    page.goto(f"{base}/honours/{campaign.pk}/nominations/")
    page.locator("[data-testid=review-queue] [data-testid=quick-approve] button").click()
    expect(page.locator("[data-testid=review-queue]")).to_have_count(0)
    login(page, base, "county")
    page.goto(f"{base}/honours/nominations/{nomination.pk}/")
    page.locator("[data-testid=review-form] input[value=approve]").check()
    page.fill("[data-testid=review-form] textarea[name=comment]", "同意入围")
    page.click("[data-testid=review-submit]")
    expect(page.locator("[data-testid=nomination-status]")).to_contain_text("已入围")
    expect(page.locator("[data-testid=steps]")).to_contain_text("同意入围")

    # 5. The notice starts (it was posted six days ago, so its five days are over now).
    page.goto(f"{base}/honours/{campaign.pk}/")
    expect(page.locator("[data-testid=compliance]")).to_contain_text("女职工占比 100.0%")
    page.fill("[data-testid=notice-form] input[name=starts_on]", (today - dt.timedelta(days=6)).isoformat())
    page.locator("[data-testid=notice-form] button").click()
    expect(page.locator("[data-testid=campaign-status]")).to_contain_text("公示中")
    public_url = page.locator("[data-testid=notice-link] a").get_attribute("href")
    assert public_url and re.search(r"/honours/notice/[\w-]{30,}/$", public_url)

    # 6. Anyone may read the notice and object (no login): only name, unit and post are shown.
    page.context.clear_cookies()
    page.goto(public_url)
    table = page.locator("[data-testid=notice-table]")
    expect(table).to_contain_text("欧阳巧珍")
    expect(table).to_contain_text("徐州新格灌溉设备有限公司")
    expect(table).to_contain_text("装配工")
    expect(page.locator("body")).not_to_contain_text(worker.id_number)
    page.screenshot(path=results_dir / "e2e-honours-notice.png", full_page=True)
    # The notice period is over: the page takes no more objections; the county records one instead.
    expect(page.locator("[data-testid=public-objection]")).to_have_count(0)

    login(page, base, "county")
    page.goto(f"{base}/honours/{campaign.pk}/#objections")
    objection = page.locator("[data-testid=objection-form]")
    objection.locator("select[name=nomination]").select_option(str(nomination.pk))
    objection.locator("input[name=received_on]").fill(today.isoformat())
    objection.locator("textarea[name=content]").fill("来电反映：该同志装配数量统计有误。")
    objection.locator("button").click()
    expect(page.locator("[data-testid=objections]")).to_contain_text("待处理")
    page.goto(f"{base}/honours/{campaign.pk}/approve/")
    expect(page.locator("[data-testid=blockers]")).to_contain_text("还有 1 件公示异议未办结")

    # 7. The objection is checked and dismissed; the campaign is approved.
    page.goto(f"{base}/honours/{campaign.pk}/")
    resolve = page.locator("[data-testid=resolve-form]")
    resolve.locator("select[name=status]").select_option("dismissed")
    resolve.locator("textarea[name=resolution]").fill("经核实，统计无误，维持推荐。")
    resolve.locator("button").click()
    expect(page.locator("[data-testid=objections]")).to_contain_text("反映不实")
    page.click("[data-testid=campaign-approve]")
    page.fill("input[name=decision_no]", "沛工〔2026〕8号")
    page.click("[data-testid=approve-form] button[type=submit]")
    expect(page.locator("[data-testid=campaign-status]")).to_contain_text("已表彰")
    honour = Honour.objects.get(person=worker)
    assert (honour.title, honour.level, honour.issuer) == ("沛县巾帼标兵", "county", "沛县总工会")
    page.screenshot(path=results_dir / "e2e-honours-decided.png", full_page=True)

    # 8. The certificates in one PDF, with a Chinese font embedded.
    if cjk_font() is None:
        pytest.skip("no CJK font: run scripts/install-fonts")
    with page.expect_download() as info:
        page.click("[data-testid=certificates]")
    pdf = info.value.path().read_bytes()
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    assert "欧阳巧珍" in reader.pages[0].extract_text().replace(" ", "")
