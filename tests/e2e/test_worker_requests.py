"""The worker's requests end to end: a worker not in the registry applies to join on the phone,
the union chair approves from the workbench on the office computer; the worker asks to transfer
to another town's enterprise, the old union releases, the new union accepts and the county
records it, each from its workbench; the worker follows it on 我的 and downloads a certificate."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from gefeng.core.actors import SYSTEM
from gefeng.honours import services as honour_services
from gefeng.members.models import Member
from tests.conftest import PASSWORD
from tests.workers.conftest import WORKER_ID

pytestmark = pytest.mark.e2e


def login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")


def handle_from_workbench(page: Page, base: str, username: str, item: str, button: str) -> None:
    """The officer logs in, follows the workbench item and presses the request's button."""
    page.context.clear_cookies()
    login(page, base, username)
    page.locator("[data-testid=workbench-todo] a", has_text=item).click()
    page.locator("[data-testid=requests] [data-testid=approve]", has_text=button).first.click()
    expect(page.locator(".alert-success")).to_contain_text("已办理")


def test_join_transfer_and_certificate(phone_page: Page, page: Page, live_server, personas, tree):
    phone, base = phone_page, live_server.url
    login(phone, base, "worker")
    phone.goto(f"{base}/w/join/")
    form = phone.locator("[data-testid=join-form]")
    form.locator("input[name=name]").fill("孙大伟")
    form.locator("input[name=id_number]").fill(WORKER_ID)
    form.locator("input[name=phone]").fill("13852160017")
    form.locator("select[name=town]").select_option(label=tree.xinge.parent.name)
    form.locator("input[name=employer_name]").fill(tree.xinge.name)
    form.locator("input[name=consent]").check()
    form.locator("button[type=submit]").click()
    expect(phone.locator("body")).to_contain_text(tree.xinge_union.name)

    handle_from_workbench(page, base, "chair", "待审批的入会申请", "批准入会")
    member = Member.objects.get(user=personas["worker"])
    assert member.union_id == tree.xinge_union.pk

    phone.goto(f"{base}/w/transfer/")
    form = phone.locator("[data-testid=transfer-form]")
    form.locator("select[name=town]").select_option(label=tree.yangtun.name)
    form.locator("input[name=employer_name]").fill("恒辉编织")
    form.locator("button[type=submit]").click()
    expect(phone.locator("[data-testid=my-requests]")).to_contain_text("待原工会转出")

    handle_from_workbench(page, base, "chair", "待办理的会员接转", "同意转出")
    handle_from_workbench(page, base, "outsider", "待办理的会员接转", "接收转入")
    handle_from_workbench(page, base, "county", "待办理的会员接转", "登记接转")
    phone.goto(f"{base}/w/me/")
    expect(phone.locator("[data-testid=my-membership]")).to_contain_text(tree.henghui_union.name)
    expect(phone.locator("[data-testid=my-requests]")).to_contain_text("已通过")

    honour_services.honour_grant(
        actor=SYSTEM,
        person=Member.objects.get(pk=member.pk),
        kind="civilized_worker",
        title="沛县文明职工",
        level="county",
        year=2026,
        issuer="沛县总工会",
        certificate_no="E2E-0001",
    )
    phone.goto(f"{base}/w/me/")
    with phone.expect_download() as info:
        phone.locator("[data-testid=my-honours] a", has_text="下载证书").click()
    assert Path(info.value.path()).read_bytes()[:4] == b"%PDF"
