"""The worker's pages as the worker, the union's pages as the chair, and who else gets in."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from gefeng.members.models import Member
from gefeng.workers import registry, services
from gefeng.workers.models import BindRequest, CorrectionRequest, MemberCard, RequestStatus
from tests.workers.conftest import WORKER_ID

PHONE = "13852160017"


def test_the_worker_lands_on_the_phone_shell(login_as):
    body = login_as("worker").get(reverse("core:home")).content.decode()
    assert 'data-testid="worker-shell"' in body and 'data-testid="tabbar"' in body
    for tab in ("首页", "办事", "消息", "我的"):
        assert f"</b>{tab}" in body
    assert 'data-testid="menu"' not in body and "左侧菜单" not in body
    assert "bootstrap" not in body  # its own small stylesheet
    assert "workers/workers" in body


def test_the_chair_keeps_the_desktop_home(login_as):
    body = login_as("chair").get(reverse("core:home")).content.decode()
    assert 'data-testid="worker-shell"' not in body


def test_services_come_from_the_registry(login_as, personas):
    body = login_as("worker").get(reverse("workers:service-list")).content.decode()
    assert 'data-service="workers.bind"' in body and 'data-service="workers.join"' in body
    assert 'data-service="workers.card"' not in body  # not bound yet
    keys = [s["key"] for s in registry.services_for(personas["worker"])]
    assert keys[:2] == ["workers.bind", "workers.join"]


def test_the_login_page_leads_a_new_worker_to_registration(client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert 'data-testid="worker-register"' in body and reverse("workers:register") in body


def test_register_opens_a_worker_account_and_logs_in(client, tree):
    r = client.post(
        reverse("workers:register"),
        {
            "username": "13852169999",
            "name": "钱小军",
            "phone": "13852169999",
            "password": "Zg#2026pass",
            "password2": "Zg#2026pass",
        },
    )
    assert r.status_code == 302 and r["Location"] == reverse("workers:service-list")
    assert client.get(reverse("workers:home")).status_code == 200
    from gefeng.accounts.models import User

    assert User.objects.get(username="13852169999").role_codes() == {"worker"}


def test_register_refuses_a_weak_password_with_a_message(client, tree):
    r = client.post(
        reverse("workers:register"),
        {"username": "zg1", "name": "钱小军", "phone": "13852169999", "password": "123", "password2": "123"},
    )
    assert r.status_code == 200 and "w-error" in r.content.decode()


def _bind_data(**kw):
    return {"name": "孙大伟", "id_number": WORKER_ID, "phone": PHONE, "code": "", "consent": "on"} | kw


def test_bind_page_shows_the_notice_and_the_same_answer_for_every_mismatch(login_as, xinge_member):
    c = login_as("worker")
    body = c.get(reverse("workers:bind")).content.decode()
    assert 'data-testid="pipl-notice"' in body and "第十七条" in body
    answers = set()
    for change in ({"name": "孙大卫"}, {"id_number": "320322199105050013"}, {"phone": "13900009999"}):
        r = c.post(reverse("workers:bind"), _bind_data(**change))
        assert r.status_code == 200
        answers.add(re.search(r'data-testid="form-error">([^<]*)<', r.content.decode()).group(1))
    assert answers == {services.MISMATCH}


def test_bind_with_a_code_then_the_card_verifies(login_as, personas, xinge_member, client):
    code = services.code_issue(actor=personas["chair"], member=xinge_member)
    c = login_as("worker")
    r = c.post(reverse("workers:bind"), _bind_data(code=code.code))
    assert r.status_code == 302 and r["Location"] == reverse("workers:card")
    assert c.post(reverse("workers:card-issue")).status_code == 302
    body = c.get(reverse("workers:card")).content.decode()
    assert 'data-testid="card-qr"' in body and "<svg" in body
    card = MemberCard.objects.get(user=personas["worker"])
    page = client.get(reverse("verify:card", args=[services.card_token(card)])).content.decode()
    assert "有效" in page and "孙**" in page and xinge_member.union.name in page
    assert "孙大伟" not in page and WORKER_ID[-4:] not in page
    c.post(reverse("workers:card-revoke"))
    page = client.get(reverse("verify:card", args=[services.card_token(card)])).content.decode()
    assert "无效" in page and xinge_member.union.name not in page


def test_the_chair_confirms_from_the_queue_the_outsider_gets_404(login_as, personas, xinge_member):
    req = services.bind_request(actor=personas["worker"], name="孙大伟", id_number=WORKER_ID, phone=PHONE, consent=True)
    body = login_as("chair").get(reverse("workers:union-requests") + "?tab=bind").content.decode()
    assert "孙大伟" in body and WORKER_ID not in body
    assert login_as("outsider").post(reverse("workers:bindrequest-confirm", args=[req.pk])).status_code == 404
    assert login_as("worker").post(reverse("workers:bindrequest-confirm", args=[req.pk])).status_code == 403
    assert login_as("chair").post(reverse("workers:bindrequest-confirm", args=[req.pk])).status_code == 302
    assert BindRequest.objects.get(pk=req.pk).status == RequestStatus.DONE
    assert Member.objects.get(pk=xinge_member.pk).user_id == personas["worker"].pk


def test_the_workbench_counts_the_unions_requests(personas, xinge_member):
    from gefeng.core import workbench

    services.bind_request(actor=personas["worker"], name="孙大伟", id_number=WORKER_ID, phone=PHONE, consent=True)
    item = workbench.get("workers.bind")
    assert item.count(personas["chair"]) == 1 and item.count(personas["town"]) == 1
    assert item.count(personas["outsider"]) == 0
    assert not item.applies(personas["worker"]) and not item.applies(personas["auditor"])
    dues = workbench.deadlines_for(personas["chair"])
    assert any(d.label == "绑定申请：孙大伟" and d.what == "办理期限" for d in dues)
    assert not [d for d in workbench.deadlines_for(personas["outsider"]) if "孙大伟" in d.label]


def test_code_sheet_and_member_page(login_as, personas, tree, xinge_member):
    c = login_as("chair")
    assert c.post(reverse("workers:codes-issue"), {"union": tree.xinge_union.pk}).status_code == 302
    body = c.get(reverse("workers:code-sheet") + f"?union={tree.xinge_union.pk}").content.decode()
    code = services.live_code(xinge_member)
    assert code.code in body and xinge_member.id_masked in body and WORKER_ID not in body
    page = c.get(reverse("workers:union-member", args=[xinge_member.pk])).content.decode()
    assert code.code in page and "<svg" in page


def test_me_shows_the_record_and_the_correction_goes_to_the_union(login_as, personas, xinge_member):
    Member.objects.filter(pk=xinge_member.pk).update(user=personas["worker"])
    c = login_as("worker")
    body = c.get(reverse("workers:me")).content.decode()
    assert xinge_member.union.name in body and xinge_member.id_masked in body and WORKER_ID not in body
    for testid in ("my-membership", "my-honours", "my-payments", "my-requests"):
        assert f'data-testid="{testid}"' in body
    r = c.post(reverse("workers:correction-create"), {"field": "occupation", "value": "装配钳工"})
    assert r.status_code == 302
    req = CorrectionRequest.objects.get()
    chair = login_as("chair")
    assert chair.post(reverse("workers:correction-reject", args=[req.pk]), {"reason": ""}).status_code == 302
    assert CorrectionRequest.objects.get().status == RequestStatus.PENDING  # no reason, no rejection
    chair.post(reverse("workers:correction-apply", args=[req.pk]))
    assert Member.objects.get(pk=xinge_member.pk).occupation == "装配钳工"
    assert "已通过" in c.get(reverse("workers:me")).content.decode()


def test_messages_are_the_workers_own(login_as, personas):
    from gefeng.core import notifications

    mine = notifications.send(personas["worker"], title="入会申请已批准")
    other = notifications.send(personas["chair"], title="别人的通知")
    c = login_as("worker")
    body = c.get(reverse("workers:message-list")).content.decode()
    assert "入会申请已批准" in body and "别人的通知" not in body
    assert c.post(reverse("workers:message-read", args=[other.pk])).status_code == 404
    assert c.post(reverse("workers:message-read", args=[mine.pk])).status_code == 302


@pytest.mark.parametrize("persona", ["sysadmin", "chair", "auditor", "security"])
def test_the_worker_pages_are_for_workers_only(persona, login_as):
    assert login_as(persona).get(reverse("workers:me")).status_code == 403


def test_a_bad_token_is_an_ordinary_page(client, db):
    r = client.get(reverse("verify:card", args=["%00<script>"]))
    assert r.status_code == 200 and "无效" in r.content.decode()
    assert Client().get("/verify/" + "a" * 2000 + "/").status_code == 200


def test_transfer_from_the_phone_to_the_queue(login_as, personas, tree, xinge_member):
    Member.objects.filter(pk=xinge_member.pk).update(user=personas["worker"])
    c = login_as("worker")
    assert 'data-service="workers.transfer"' in c.get(reverse("workers:service-list")).content.decode()
    r = c.post(reverse("workers:transfer"), {"town": tree.yangtun.pk, "employer_name": "恒辉编织"})
    assert r.status_code == 302
    body = login_as("chair").get(reverse("workers:union-requests") + "?tab=transfer").content.decode()
    assert "同意转出" in body and "孙大伟" in body
    assert "待原工会转出" in c.get(reverse("workers:me")).content.decode()


def test_the_unions_start_and_claim_transfers_from_their_pages(login_as, personas, tree, xinge_member):
    from gefeng.workers.models import TransferRequest

    chair = login_as("chair")
    page = chair.get(reverse("members:member-transfer", args=[xinge_member.pk])).content.decode()
    start = reverse("workers:transfer-start", args=[xinge_member.pk])
    assert start in page
    r = chair.post(start, {"town": tree.yangtun.pk, "employer_name": ""})
    assert r.status_code == 200 and "必填" in r.content.decode()  # the form's own message, nothing written
    assert not TransferRequest.objects.exists()
    r = chair.post(start, {"town": tree.yangtun.pk, "employer_name": "恒辉编织"})
    assert r.status_code == 302
    body = login_as("outsider").get(reverse("workers:union-requests") + "?tab=transfer").content.decode()
    assert "原工会发起" in body and "接收转入" in body and "孙大伟" in body

    TransferRequest.objects.all().delete()
    outsider = login_as("outsider")
    form = outsider.get(reverse("workers:transfer-claim")).content.decode()
    assert tree.henghui_union.name in form and tree.xinge_union.name not in form
    data = {"union": tree.henghui_union.pk, "name": "孙大伟", "id_number": WORKER_ID}
    r = outsider.post(reverse("workers:transfer-claim"), data | {"name": "孙小伟"})
    assert r.status_code == 200 and services.NOT_FOUND in r.content.decode()
    r = outsider.post(reverse("workers:transfer-claim"), data)
    assert r.status_code == 302
    body = chair.get(reverse("workers:union-requests") + "?tab=transfer").content.decode()
    assert "新工会发起" in body and "同意转出" in body
