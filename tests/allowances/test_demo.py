"""The demo reproduces the county's account: 2020年春节 428 labour models paid ¥619,000 of 三金一贴;
it is deterministic and clears what it made."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from gefeng.allowances.models import AllowanceKind, AllowanceRun, Payment, RunStatus
from gefeng.core import demo, figures
from gefeng.orgs.models import OrgNode
from gefeng.talent.models import TalentProfile


def _ledger() -> list[tuple]:
    return list(
        Payment.objects.order_by("person__name", "kind__order", "person__id_hash").values_list(
            "person__name", "kind__name", "amount"
        )
    )


def test_demo_2020_allowance_run(demo_county):
    counts = demo_county
    assert counts["allowance_recipients_2020"] == 428 and counts["allowance_total_2020"] == 619000
    county = OrgNode.objects.get(code="320322")
    computed = figures.compute(county, 2020)
    assert computed["allowance_recipients"] == 428
    assert computed["allowance_total_yuan"] == 619000
    run = AllowanceRun.objects.get(year=2020)
    assert run.status == RunStatus.PAID and run.approved_by.username == "xianzong" and run.prepared_by is None
    assert Payment.objects.aggregate(s=Sum("amount"))["s"] == Decimal("619000")
    assert AllowanceKind.objects.count() == 4 and all(k.is_demo for k in AllowanceKind.objects.all())
    # Nobody deceased on the 资格认定日 was paid; every payee has a bank account.
    paid = Payment.objects.values("person_id")
    assert not TalentProfile.objects.filter(person_id__in=paid, deceased_on__isnull=False).exists()
    assert not TalentProfile.objects.filter(person_id__in=paid, bank_account="").exists()
    assert TalentProfile.objects.filter(deceased_on__isnull=False).count() >= 30
    # The 2016–2019 county labour models (named April 2020) are in the pool, not in the 2020 run.
    from gefeng.honours.models import Honour

    new_2020 = Honour.objects.filter(kind="labour_model", year=2020).values("person_id")
    assert TalentProfile.objects.filter(person_id__in=new_2020).count() == new_2020.count() > 0
    assert not Payment.objects.filter(person_id__in=new_2020).exists()
    first = _ledger()
    demo.load_demo(registry=False)
    assert _ledger() == first
