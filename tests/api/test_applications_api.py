"""职工申请 through the API: the union's queue in scope, approving and rejecting through the
workers' services, masking, cursor paging and the same refusals as the web page."""

from __future__ import annotations

import datetime as dt

import pytest

from gefeng.core import pii
from gefeng.core.models import AuditEntry, Notification
from gefeng.members.models import Member
from gefeng.workers import services as worker_services
from gefeng.workers.models import JoinApplication, RequestStatus
from tests.api.test_registry_api import bearer

XINGE_NUMBER = "320322199206060018"
HENGHUI_NUMBER = "320322199307070012"


@pytest.fixture
def applications(personas, tree):
    """The demo worker's join application to 新格灌溉's union (through the service), and one
    waiting at 恒辉编织's union."""
    mine = worker_services.join_apply(
        actor=personas["worker"],
        name="孙大伟",
        id_number=XINGE_NUMBER,
        phone="13852160017",
        town=tree.xinge.parent,
        employer_name=tree.xinge.name,
        consent=True,
    )
    other = JoinApplication.objects.create(
        user=personas["outsider"],
        name="外单位职工",
        id_number=HENGHUI_NUMBER,
        id_hash=pii.blind_index(HENGHUI_NUMBER),
        phone="13900002222",
        town=tree.yangtun,
        employer=tree.henghui,
        employer_name="顺丰速运沛县站",
        new_form_group="快递员",
        union=tree.henghui_union,
        due_on=dt.date.today() + dt.timedelta(days=10),
    )
    return mine, other


def test_the_queue_is_the_callers_union_and_masks_the_applicant(personas, applications):
    mine, other = applications
    body = bearer(personas, "chair").get("/api/v1/applications/join").json()
    assert [a["id"] for a in body["items"]] == [mine.pk] and body["next"] is None
    item = body["items"][0]
    assert item["kind_label"] == "入会申请" and item["status"] == "pending" and item["name"] == "孙大伟"
    assert XINGE_NUMBER not in item["id_number"] and item["id_number"].endswith(XINGE_NUMBER[-4:])
    assert "13852160017" not in item["phone"]
    county = bearer(personas, "county").get("/api/v1/applications/join?limit=1").json()
    assert len(county["items"]) == 1 and county["next"]
    second = bearer(personas, "county").get(f"/api/v1/applications/join?limit=1&cursor={county['next']}").json()
    assert {county["items"][0]["id"], second["items"][0]["id"]} == {mine.pk, other.pk}
    assert second["items"][0]["summary"] == "顺丰速运沛县站（快递员）"
    # A cursor of another list is refused.
    assert bearer(personas, "county").get(f"/api/v1/applications/bind?cursor={county['next']}").status_code == 422
    # The outsider does not see the chair's application; the auditor may not decide.
    assert bearer(personas, "outsider").get(f"/api/v1/applications/join/{mine.pk}").status_code == 404
    assert bearer(personas, "auditor").get("/api/v1/applications/join").status_code == 403
    assert bearer(personas, "auditor").post(f"/api/v1/applications/join/{mine.pk}/approve").status_code == 403


def test_approving_makes_the_member_and_a_second_decision_is_refused(personas, applications):
    mine, _other = applications
    chair = bearer(personas, "chair")
    r = chair.post(f"/api/v1/applications/join/{mine.pk}/approve")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "done" and r.json()["member_id"]
    member = Member.objects.get(pk=r.json()["member_id"])
    assert member.user_id == personas["worker"].pk and member.name == "孙大伟"
    again = chair.post(f"/api/v1/applications/join/{mine.pk}/approve")
    assert again.status_code == 422 and again.json()["detail"]
    assert AuditEntry.objects.filter(actor=personas["chair"], action__startswith="workers.join").exists()


def test_rejecting_needs_a_reason_that_reaches_the_worker(personas, applications):
    mine, _other = applications
    chair = bearer(personas, "chair")
    url = f"/api/v1/applications/join/{mine.pk}/reject"
    assert chair.post(url, {"reason": "   "}, content_type="application/json").status_code == 422
    assert chair.post(url, {}, content_type="application/json").status_code == 422
    r = chair.post(url, {"reason": "请先签订劳动合同"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["reason"] == "请先签订劳动合同"
    assert JoinApplication.objects.get(pk=mine.pk).status == RequestStatus.REJECTED
    assert Notification.objects.filter(recipient=personas["worker"], body__contains="请先签订劳动合同").exists()


def test_a_transfer_advances_step_by_step_through_the_api(personas, tree):
    from tests.workers.conftest import WORKER_ID, join

    member = join(tree.xinge_union, "孙大伟", WORKER_ID)
    req = worker_services.transfer_start(
        actor=personas["chair"], member=member, town=tree.yangtun, employer_name="恒辉编织"
    )
    r = bearer(personas, "outsider").post(f"/api/v1/applications/transfer/{req.pk}/approve")
    assert r.status_code == 200 and r.json()["step"] == "record" and r.json()["union_name"] == tree.county.name
    r = bearer(personas, "county").post(f"/api/v1/applications/transfer/{req.pk}/approve")
    assert r.json()["status"] == "done"
    assert Member.objects.get(pk=member.pk).union == tree.henghui_union
