"""A dispute from application to agreement, or to arbitration with its clocks
(劳动争议调解仲裁法), the committee check (§10), group cases (§7) and the limitation (§27)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from gefeng.core.actors import SYSTEM
from gefeng.core.models import AuditEntry
from gefeng.rights import clocks, documents, services
from gefeng.rights.models import Case, CaseStatus
from tests.rights.conftest import D

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee(tree):
    c = services.committee_create(actor=SYSTEM, org=tree.xinge, level="enterprise", name="新格灌溉劳动争议调解委员会")
    services.committee_member_add(
        actor=SYSTEM, committee=c, name="刘主任", side="worker", union_member=True, chair=True
    )
    services.committee_member_add(actor=SYSTEM, committee=c, name="厂方代表", side="employer")
    c.refresh_from_db()
    assert c.problems == []
    return c


def _apply(tree, committee=None, **kw):
    data = {
        "actor": SYSTEM,
        "org": tree.xinge,
        "applicant_name": "孙大伟",
        "applied_on": D(2021, 3, 1),
        "facts": "拖欠两个月工资",
        "claims": [("wages", "8000")],
        "knew_on": D(2021, 2, 1),
        "committee": committee,
    }
    data.update(kw)
    return services.case_apply(**data)


def test_committee_checked_against_article_ten(tree):
    c = services.committee_create(actor=SYSTEM, org=tree.xinge, level="enterprise", name="调委会")
    services.committee_member_add(actor=SYSTEM, committee=c, name="甲", side="worker")
    services.committee_member_add(actor=SYSTEM, committee=c, name="乙", side="employer", chair=True)
    c.refresh_from_db()
    assert any("应为工会成员或由全体职工推举" in p for p in c.problems)
    assert any("主任乙应由工会成员或双方推举" in p for p in c.problems)
    assert all(clocks.COMMITTEE_ARTICLE in p for p in c.problems)
    with pytest.raises(ValidationError, match="组成不符合规定"):
        _apply(tree, committee=c)
    with pytest.raises(ValidationError, match="应设在企业"):
        services.committee_create(actor=SYSTEM, org=tree.longgu, level="enterprise", name="x")


def test_application_to_agreement(tree, committee):
    case = _apply(tree, committee=committee)
    assert case.status == CaseStatus.MEDIATING and case.mediation_due == D(2021, 3, 16)  # §14
    assert case.limitation_until == D(2022, 1, 31)  # §27: one year from 2021-02-01
    assert case.number.startswith("沛劳调〔2021〕")
    services.session_add(actor=SYSTEM, case=case, held_on=D(2021, 3, 5), mediator="刘主任", notes="双方陈述")
    with pytest.raises(ValidationError) as exc:
        services.case_agree(actor=SYSTEM, case=case, closed_on=D(2021, 3, 10), agreement_text="")
    text = str(exc.value)
    assert "请填写协议内容" in text and "签名" in text and "印章" in text and clocks.AGREEMENT_ARTICLE in text
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING
    case = services.case_agree(
        actor=SYSTEM,
        case=case,
        closed_on=D(2021, 3, 10),
        agreement_text="3月20日前支付工资8000元",
        amount="8000",
        signed_by_parties=True,
        signed_by_mediator=True,
        sealed=True,
    )
    assert case.status == CaseStatus.AGREED and case.recovered == Decimal("8000")
    mediation = services.case_clocks(case)[0]
    assert mediation.state(D(2021, 4, 1)) == "done" and mediation.article == clocks.MEDIATION.article
    doc = documents.agreement_docx(case)
    assert doc[:2] == b"PK"
    import io

    from docx import Document

    body = "\n".join(p.text for p in Document(io.BytesIO(doc)).paragraphs)
    assert (
        "调解协议书" in body and "3月20日前支付工资8000元" in body and "（印章）" in body and "调解员（签名）" in body
    )


def test_failure_to_arbitration_with_clocks(tree, committee, settings):
    settings.RIGHTS_MINIMUM_WAGE_MONTHLY = 2000
    case = _apply(tree, committee=committee, claims=[("wages", "30000")])
    with pytest.raises(ValidationError, match="调解期限 2021-03-16 未满"):
        services.case_refer(actor=SYSTEM, case=case, referred_on=D(2021, 3, 10))
    # 15 days without agreement: the worker may go to arbitration directly (§14).
    case = services.case_refer(
        actor=SYSTEM, case=case, referred_on=D(2021, 3, 17), arb_case_no="沛劳人仲案字〔2021〕8号"
    )
    assert case.status == CaseStatus.ARBITRATION and case.acceptance_due == D(2021, 3, 22)  # §29
    case = services.case_accept(actor=SYSTEM, case=case, accepted_on=D(2021, 3, 20))
    assert case.award_due == D(2021, 5, 4)  # §43: 45 days
    with pytest.raises(ValidationError, match="不得超过 15 日"):
        services.case_extend(actor=SYSTEM, case=case, days=16)
    case = services.case_extend(actor=SYSTEM, case=case, days=15)
    assert case.award_due == D(2021, 5, 19)
    with pytest.raises(ValidationError, match="只能延长一次"):
        services.case_extend(actor=SYSTEM, case=case, days=5)
    labels = {c.label: c for c in services.case_clocks(case)}
    assert labels["仲裁受理（5日内）"].article == "《劳动争议调解仲裁法》第二十九条"
    assert labels["仲裁裁决（45日）"].note == "已延长 15 日"
    case = services.case_award(actor=SYSTEM, case=case, award_on=D(2021, 5, 10), amount="30000")
    # 30000 > 12 × 2000: not final for the employer (§47).
    assert case.status == CaseStatus.AWARDED and case.award_final is False and case.recovered == Decimal("30000")


def test_small_award_is_final(tree, committee, settings):
    settings.RIGHTS_MINIMUM_WAGE_MONTHLY = 2000
    case = _apply(tree, committee=committee, claims=[("wages", "24000")])
    services.case_fail(actor=SYSTEM, case=case, closed_on=D(2021, 3, 8), reason="单位拒绝调解")
    case = services.case_refer(actor=SYSTEM, case=Case.objects.get(pk=case.pk), referred_on=D(2021, 3, 9))
    case = services.case_accept(actor=SYSTEM, case=case, accepted_on=D(2021, 3, 12))
    case = services.case_award(actor=SYSTEM, case=case, award_on=D(2021, 4, 20), amount="24000")
    assert case.award_final is True


def test_limitation_interruption_and_suspension(tree, committee):
    case = _apply(tree, committee=committee, knew_on=D(2020, 1, 10))
    assert case.limitation_until == D(2021, 1, 9)
    with pytest.raises(ValidationError, match="已超过仲裁时效"):
        services.case_refer(actor=SYSTEM, case=case, referred_on=D(2021, 3, 17))
    services.limitation_add(actor=SYSTEM, case=case, kind="interrupt", on=D(2020, 6, 1), note="向单位书面主张")
    case.refresh_from_db()
    assert case.limitation_until == D(2021, 5, 31)  # restarts from the interruption
    services.limitation_add(actor=SYSTEM, case=case, kind="suspend", on=D(2020, 7, 1))
    services.limitation_add(actor=SYSTEM, case=case, kind="resume", on=D(2020, 7, 31))
    case.refresh_from_db()
    assert case.limitation_until == D(2021, 6, 30)  # +30 suspended days
    services.case_refer(actor=SYSTEM, case=case, referred_on=D(2021, 3, 17))


def test_wage_arrears_during_employment_have_no_limit():
    assert clocks.limitation_until(D(2018, 1, 1), wage_arrears=True) is None
    assert clocks.limitation_until(D(2018, 1, 1), wage_arrears=True, employment_ended_on=D(2021, 2, 28)) == D(
        2022, 2, 27
    )


def test_group_case_needs_representatives(tree, committee):
    with pytest.raises(ValidationError) as exc:
        _apply(tree, committee=committee, worker_count=12)
    assert "集体争议" in str(exc.value) and clocks.GROUP_ARTICLE in str(exc.value)
    case = _apply(tree, committee=committee, worker_count=12, representatives="张三、李四、王五")
    assert case.is_group
    assert not _apply(tree, committee=committee, worker_count=9).is_group


def test_case_details_sealed_at_rest(tree, committee):
    from django.db import connection

    case = _apply(tree, committee=committee, applicant_phone="13912345678", facts="秘密的争议事实")
    with connection.cursor() as cur:
        cur.execute("SELECT facts, applicant_phone FROM rights_case WHERE id = %s", [case.pk])
        facts, phone = cur.fetchone()
    assert "秘密" not in facts and "13912345678" not in phone
    assert Case.objects.get(pk=case.pk).phone_masked == "*******5678"


def test_reveal_is_audited_and_needs_the_right(tree, personas, committee):
    from django.core.exceptions import PermissionDenied

    case = _apply(tree, committee=committee, applicant_phone="13912345678")
    assert services.case_reveal_phone(actor=personas["town"], case=case) == "13912345678"
    assert AuditEntry.objects.filter(action="rights.case.revealed", object_id=str(case.pk)).count() == 1
    with pytest.raises(PermissionDenied):
        services.case_reveal_phone(actor=personas["chair"], case=case)


def test_mediation_overdue_counted_in_figures(tree, committee):
    from gefeng.core import figures

    _apply(tree, committee=committee, applied_on=dt.date.today() - dt.timedelta(days=20))
    year = dt.date.today().year
    got = figures.compute(tree.county, year)
    assert got["rights_clocks_overdue"] == {"调解逾期未结": 1}
