"""Allowance pages: the run's workflow through the UI, the bank payment file (content, masking,
audit), the totals report, the rule table forms and their bad input."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gefeng.accounts import services as account_services
from gefeng.allowances import services
from gefeng.allowances.models import AllowanceKind, AllowanceRun, Payment, RunStatus
from gefeng.core.actors import SYSTEM
from gefeng.core.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _sheet(response) -> list[list]:
    content = response.content if hasattr(response, "content") else b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


@pytest.fixture
def approved(tree, kinds, model_factory):
    a = model_factory(name="刘一线", retired=True)
    b = model_factory(name="赵恒辉", union=tree.henghui_union, level="city", hardship=True)
    run = services.run_create(actor=SYSTEM, org=tree.county, year=2020)
    services.run_submit(actor=SYSTEM, run=run)
    services.run_approve(actor=SYSTEM, run=run)
    return {"run": run, "a": a, "b": b}


def test_workflow_through_the_pages(tree, kinds, model_factory, personas, login_as):
    model_factory(name="刘一线")
    account_services.user_create(
        actor=SYSTEM,
        username="county2",
        name="复核人",
        org=tree.county,
        password=PASSWORD,
        roles={"county_admin"},
        must_change=False,
    )
    preparer = login_as("county")
    response = preparer.post(reverse("allowances:run-create"), {"year": "2020", "as_of": "2020-01-10"})
    run = AllowanceRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("allowances:run-detail", args=[run.pk])
    assert run.recipients == 1 and run.total == Decimal("700")
    preparer.post(reverse("allowances:run-submit", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.SUBMITTED
    page = preparer.get(reverse("allowances:run-detail", args=[run.pk])).content.decode()
    assert "须由另一名工作人员审批" in page and 'data-testid="run-approve"' not in page
    response = preparer.post(reverse("allowances:run-approve", args=[run.pk]))
    assert "审批人不能是名单的制表人或提交人" in next(str(m) for m in get_messages(response.wsgi_request))
    run.refresh_from_db()
    assert run.status == RunStatus.SUBMITTED and not Payment.objects.exists()
    approver = login_as("county2")
    assert 'data-testid="run-approve"' in approver.get(reverse("allowances:run-detail", args=[run.pk])).content.decode()
    approver.post(reverse("allowances:run-approve", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED and Payment.objects.count() == 2
    approver.post(reverse("allowances:run-paid", args=[run.pk]), {"paid_on": "2099-01-01"})
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED  # a future date is refused
    approver.post(reverse("allowances:run-paid", args=[run.pk]), {"paid_on": "bad"})
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED
    import datetime as dt

    approver.post(reverse("allowances:run-paid", args=[run.pk]), {"paid_on": dt.date.today().isoformat()})
    run.refresh_from_db()
    assert run.status == RunStatus.PAID


def test_payment_file_for_the_county_office_is_full_and_audited(approved, login_as, personas):
    run, a = approved["run"], approved["a"]
    response = login_as("county").get(reverse("allowances:run-export", args=[run.pk]))
    assert response.status_code == 200
    rows = _sheet(response)
    assert rows[0] == ["序号", "姓名", "身份证号", "开户行", "账号", "金额", "备注"]
    body = {r[1]: r for r in rows[1:]}
    assert [r[0] for r in rows[1:]] == [1, 2]
    assert body["刘一线"][2] == a.person.id_number and body["刘一线"][4] == a.bank_account
    assert body["刘一线"][5] == 1000  # 荣誉津贴 400 + 慰问金 300 + 医疗补贴 300
    assert body["赵恒辉"][5] == 3700  # city: 1200 + 500 + 困难补助金 2000
    assert body["赵恒辉"][6] == "2020年荣誉津贴1200元、春节慰问金500元、困难补助金2000元"
    assert body["刘一线"][3] == "中国农业银行沛县支行"
    entry = AuditEntry.objects.get(action="allowances.run.payment_file_exported")
    assert entry.actor == personas["county"] and entry.changes["reveal"] is True


def test_payment_file_for_the_auditor_is_masked(approved, login_as):
    run, a = approved["run"], approved["a"]
    rows = _sheet(login_as("auditor").get(reverse("allowances:run-export", args=[run.pk])))
    row = next(r for r in rows[1:] if r[1] == "刘一线")
    assert row[2] != a.person.id_number and "*" in row[2]
    assert row[4] == a.bank_account[:4] + "*" * (len(a.bank_account) - 8) + a.bank_account[-4:]
    assert AuditEntry.objects.get(action="allowances.run.payment_file_exported").changes["reveal"] is False


def test_payment_file_only_after_approval(tree, kinds, model_factory, login_as):
    model_factory()
    run = services.run_create(actor=SYSTEM, org=tree.county, year=2020)
    response = login_as("county").get(reverse("allowances:run-export", args=[run.pk]))
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="allowances.run.payment_file_exported").exists()


def test_totals_report_by_kind_and_level(approved, login_as):
    run = approved["run"]
    client = login_as("auditor")
    page = client.get(reverse("allowances:run-report", args=[run.pk]))
    report = page.context["report"]
    assert report["overall"] == {"n": 2, "amount": Decimal("4700")}
    by_kind = {r["kind"].name: (r["total"]["n"], r["total"]["amount"]) for r in report["rows"]}
    assert by_kind == {
        "荣誉津贴": (2, Decimal("1600")),
        "春节慰问金": (2, Decimal("800")),
        "医疗补贴": (1, Decimal("300")),
        "困难补助金": (1, Decimal("2000")),
    }
    rows = _sheet(client.get(reverse("allowances:run-report", args=[run.pk]), {"format": "xlsx"}))
    assert rows[0][0] == "津贴种类" and rows[0][-1] == "合计金额（元）"
    assert rows[-1][0].startswith("合计") and rows[-1][-2:] == [2, 4700]
    assert AuditEntry.objects.filter(action="allowances.run.report_exported").exists()


def test_kind_and_rule_forms_with_bad_input(tree, kinds, login_as):
    client = login_as("county")
    response = client.post(reverse("allowances:kind-create"), {"name": "荣誉津贴", "order": "1", "active": "on"})
    assert response.status_code == 200 and "已有名为" in response.content.decode()
    response = client.post(reverse("allowances:kind-create"), {"name": "劳模节日慰问金", "order": "5", "active": "on"})
    assert response.status_code == 302 and AllowanceKind.objects.filter(name="劳模节日慰问金").exists()
    kind = kinds["荣誉津贴"]
    url = reverse("allowances:rule-create", args=[kind.pk])
    response = client.post(url, {"level": "county", "amount": "-5", "effective_from": "2022"})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    response = client.post(url, {"level": "county", "amount": "450", "effective_from": "2015"})
    assert "已存在" in response.content.decode()
    response = client.post(url, {"level": "county", "amount": "450", "effective_from": "2022", "living_only": "on"})
    assert response.status_code == 302
    page = client.get(reverse("allowances:kind-list")).content.decode()
    assert "450.00" in page and "2022" in page


def test_demo_kinds_are_marked(tree, login_as):
    services.kind_create(actor=SYSTEM, org=tree.county, name="劳模荣誉津贴", is_demo=True)
    page = login_as("auditor").get(reverse("allowances:kind-list")).content.decode()
    assert "演示" in page and "新增津贴种类" not in page
