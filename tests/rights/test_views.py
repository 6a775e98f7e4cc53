"""The 维权 pages: a contract driven through its steps by HTTP with the clocks shown, the tally
export, a dispute to agreement (.docx) and to arbitration, privacy of cases and consultations, the
worker's phone pages, and bad input answered in Chinese without a 500 or a half-written row."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from gefeng.core.actors import SYSTEM
from gefeng.core.models import AuditEntry
from gefeng.rights import services
from gefeng.rights.models import Case, CaseStatus, Consultation, Contract, ContractStatus
from tests.rights.conftest import D, contract_to, team, world

pytestmark = pytest.mark.django_db


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return raw.decode()


def _messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def test_contract_through_the_pages(tree, login_as):
    client = login_as("chair")
    r = client.post(
        reverse("rights:contract-create"),
        {
            "unit": "91320322710000005C",
            "coverage": "enterprise",
            "kind": "wage",
            "offer_side": "worker",
            "offer_on": "2021-04-30",
        },
    )
    contract = Contract.objects.get(org=tree.xinge)
    assert r.status_code == 302 and contract.reply_due == D(2021, 5, 20)
    url = reverse("rights:contract-detail", args=[contract.pk])
    page = _body(client.get(url))
    assert "《集体合同规定》第三十二条" in page and "2021-05-20" in page and 'data-clock="overdue"' in page

    def step(which, **data):
        return client.post(reverse("rights:contract-step", args=[contract.pk, which]), data, follow=True)

    r = step("reply", reply_on="2021-04-01", agrees="1")
    assert "不能早于要约书送达日期" in " ".join(_messages(r))
    step("reply", reply_on="2021-05-10", agrees="1")
    for side in ("worker", "employer"):
        for i in range(3):
            step("negotiator", side=side, name=f"{side}{i}", role="chief" if i == 0 else "member")
    step("recorder", recorder="记录员")
    step("talk", held_on="2021-05-20", data_provided_on="2021-05-14")
    r = step("draft", draft_agreed_on="2021-05-25", term_months="48")
    assert "1至3年" in " ".join(_messages(r))
    step("draft", draft_agreed_on="2021-05-25", term_months="36", wage_growth_pct="6")
    r = step("vote", congress_on="2021-05-28", total="60", present="30", votes_for="30")
    assert "三分之二" in " ".join(_messages(r))
    step("vote", congress_on="2021-05-28", total="60", present="50", votes_for="40")
    step("sign", signed_on="2021-06-01")
    step("file", filed_on="2021-06-08")
    r = step("deem")
    assert "尚未届满" not in " ".join(_messages(r))  # 2021-06-23 is long past
    contract.refresh_from_db()
    assert contract.status == ContractStatus.EFFECTIVE and contract.review_result == "deemed"
    page = _body(client.get(url))
    assert "期满无异议，视为生效" in page and "续订（期满前3个月内提出）" in page and "第三十八条" in page


def test_contract_list_clock_filters(tree, login_as):
    contract_to(tree.xinge, "signed")
    client = login_as("town")
    body = _body(client.get(reverse("rights:contract-list"), {"clock": "filing"}))
    assert "新格灌溉" in body or "徐州新格灌溉" in body
    assert "逾期" in body  # filing due 2021-06-11
    assert "rights:contract-list" not in body
    r = client.get(reverse("rights:contract-export"))
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    assert ws.cell(1, 1).value == "合同名称" and ws.max_row == 2


def test_campaign_tally_export(tree, login_as):
    w = world(tree)
    services.target_add(actor=SYSTEM, campaign=w.campaign, enterprise=tree.xinge, priority="no_contract")
    c = services.target_offer(actor=SYSTEM, target=w.target, offer_on=D(2021, 4, 30))
    services.contract_reply(actor=SYSTEM, contract=c, reply_on=D(2021, 5, 5))
    client = login_as("county")
    page = _body(client.get(reverse("rights:campaign-detail", args=[w.campaign.pk])))
    assert "2021年4月30日" in page and "县工商联" in page
    r = client.get(reverse("rights:campaign-tally-export", args=[w.campaign.pk]))
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("镇街", "要约对象（家）", "职工人数", "已发要约（家）")
    assert rows[-1][0] == "合计" and rows[-1][1] == 2 and rows[-1][3] == 1 and rows[-1][4] == 1
    assert {r[0] for r in rows[1:-1]} == {"龙固镇", "杨屯镇"}
    assert AuditEntry.objects.filter(action="rights.campaign.exported").exists()


def test_dispute_to_agreement_docx(tree, personas, login_as):
    client = login_as("chair")
    committee = services.committee_create(actor=SYSTEM, org=tree.xinge, level="enterprise", name="新格调委会")
    services.committee_member_add(
        actor=SYSTEM, committee=committee, name="刘", side="worker", union_member=True, chair=True
    )
    services.committee_member_add(actor=SYSTEM, committee=committee, name="厂", side="employer")
    today = dt.date.today().isoformat()
    r = client.post(
        reverse("rights:case-create"),
        {
            "unit": "新格灌溉",
            "applicant_name": "孙大伟",
            "applied_on": today,
            "claim_kind": "wages",
            "claim_amount": "5000",
            "worker_count": "1",
            "facts": "拖欠工资",
        },
    )
    case = Case.objects.get(org=tree.xinge)
    assert r.status_code == 302 and case.status == CaseStatus.APPLIED
    client.post(reverse("rights:case-assign", args=[case.pk]), {"committee": committee.pk})
    r = client.post(
        reverse("rights:case-step", args=[case.pk, "agree"]),
        {"closed_on": today, "agreement_text": "付款"},
        follow=True,
    )
    assert "印章" in " ".join(_messages(r))
    client.post(
        reverse("rights:case-step", args=[case.pk, "agree"]),
        {
            "closed_on": today,
            "agreement_text": "10日内支付5000元",
            "amount": "5000",
            "signed_by_parties": "1",
            "signed_by_mediator": "1",
            "sealed": "1",
        },
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.AGREED
    r = client.get(reverse("rights:case-agreement", args=[case.pk]))
    assert (
        r.status_code == 200
        and r["Content-Type"].startswith("application/vnd.openxmlformats")
        and r.content[:2] == b"PK"
    )
    views = AuditEntry.objects.filter(action="rights.case.viewed", object_id=str(case.pk))
    before = views.count()
    client.get(reverse("rights:case-detail", args=[case.pk]))
    assert views.count() == before + 1 and views.order_by("-pk").first().actor == personas["chair"]


def test_case_privacy(tree, personas, login_as):
    w = world(tree)
    # The enterprise sees its own cases, never a worker's consultation; the town of another area nothing.
    assert login_as("outsider").get(reverse("rights:case-detail", args=[w.case.pk])).status_code == 200
    assert login_as("outsider").get(reverse("rights:consult-detail", args=[w.consult.pk])).status_code == 403
    assert login_as("town").get(reverse("rights:case-detail", args=[w.case.pk])).status_code == 404
    assert login_as("auditor").get(reverse("rights:case-list")).status_code == 403
    body = _body(login_as("county").get(reverse("rights:case-detail", args=[w.case.pk])))
    assert "13912345678" not in body and "*******5678" in body
    r = login_as("county").post(reverse("rights:case-reveal", args=[w.case.pk]), follow=True)
    assert any("13912345678" in m for m in _messages(r))
    assert login_as("county").get(reverse("rights:consult-detail", args=[w.consult.pk])).status_code == 200
    assert AuditEntry.objects.filter(action="rights.consult.viewed", object_id=str(w.consult.pk)).exists()


def test_worker_asks_and_applies_from_the_phone(tree, personas, login_as):
    from gefeng.members.models import Member
    from tests.workers.conftest import WORKER_ID, join

    worker = personas["worker"]
    member = join(tree.xinge_union, "孙大伟", WORKER_ID)
    Member.objects.filter(pk=member.pk).update(user=worker)
    client = login_as("worker")
    assert client.post(reverse("rights:worker-consult"), {"topic": "wages", "question": ""}).status_code == 200
    r = client.post(reverse("rights:worker-consult"), {"topic": "wages", "question": "加班费怎么算？"})
    assert r.status_code == 302
    r = client.post(
        reverse("rights:worker-mediation"), {"claim_kind": "wages", "facts": "拖欠工资两个月", "amount": "3000"}
    )
    assert r.status_code == 302
    case = Case.objects.get(applicant_user=worker)
    assert case.org == tree.xinge and case.applicant_member == member and case.status == CaseStatus.APPLIED
    page = _body(client.get(reverse("rights:my")))
    assert "加班费" not in page and "待答复" in page and case.number in page and "已申请" in page
    # The enterprise chair sees the case (it is against the enterprise) but not the consultation.
    chair = login_as("chair")
    assert chair.get(reverse("rights:case-detail", args=[case.pk])).status_code == 200
    item = Consultation.objects.get(user=worker)
    assert chair.get(reverse("rights:consult-detail", args=[item.pk])).status_code == 403
    # The 办事 tab lists the services.
    services_page = _body(client.get(reverse("workers:service-list")))
    assert "法律咨询" in services_page and "申请调解" in services_page


@pytest.mark.parametrize(
    "data,message",
    [
        ({"unit": "不存在的公司"}, "找不到该签约单位"),
        ({"unit": "91320322710000005C", "offer_on": "2099-01-01"}, "不在合理范围内"),
        ({"unit": "龙固镇", "coverage": "regional", "covered": "恒辉编织"}, "找不到"),
    ],
)
def test_bad_contract_input(tree, login_as, data, message):
    form = {"coverage": "enterprise", "kind": "wage", "offer_side": "worker", "offer_on": "2021-04-30"} | data
    r = login_as("town").post(reverse("rights:contract-create"), form)
    assert r.status_code == 200 and message in _body(r)
    assert not Contract.objects.exists()


def test_group_case_refused_without_representatives(tree, login_as):
    r = login_as("county").post(
        reverse("rights:case-create"),
        {
            "unit": "新格灌溉",
            "applicant_name": "甲",
            "applied_on": "2021-03-01",
            "claim_kind": "wages",
            "worker_count": "15",
            "facts": "集体欠薪",
        },
    )
    assert r.status_code == 200 and "第七条" in _body(r) and not Case.objects.exists()


def test_filling_a_step_of_another_state_is_refused(tree, login_as):
    c = contract_to(tree.xinge, "negotiating")
    team(c, size=0)
    r = login_as("county").post(
        reverse("rights:contract-step", args=[c.pk, "file"]), {"filed_on": "2021-06-01"}, follow=True
    )
    assert "不能登记报送" in " ".join(_messages(r))
    assert login_as("county").post(reverse("rights:contract-step", args=[c.pk, "nonsense"])).status_code == 404
