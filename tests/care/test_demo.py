"""The 2020 demo, made by the module's services, reproduces the county's account."""

from __future__ import annotations

import pytest

from gefeng.care import demo, figures
from gefeng.care.models import AidRecord, AidStatus, Fund, HardshipFile, LedgerEntry
from gefeng.care.services import reconcile


@pytest.fixture
def loaded(tree, personas):
    # Without the registry demo, the members of the files are made in the test tree's unions.
    return demo.load(registry=False)


def test_demo_reproduces_the_2020_account(loaded, tree):
    county = tree.county
    assert loaded["hardship_files_2020"] == 59
    assert figures.hardship_households(county, 2020) == {"特困": 10, "困难": 49}
    assert figures.hardship_aided(county, 2020) == {"特困": 10, "困难": 49}
    assert figures.hardship_aid_yuan(county, 2020) == 628500
    assert figures.care_campaign_yuan(county, 2020)["疫情防控期间常态化送温暖"] == 69000
    assert figures.care_person_times(county, 2020)["疫情防控期间常态化送温暖"] == 615
    assert {"2020年春送岗位", "2020年夏送清凉", "2020年金秋助学", "2020年冬送温暖"} <= set(
        figures.care_person_times(county, 2020)
    )
    assert figures.pension_enrolled(county, 2020) == 3046
    assert figures.hardship_households(county, 2021) == {"特困": 10, "困难": 49}  # still open, due for review
    # The ledgers reconcile to the cent; every approved aid drew on its fund exactly once.
    for fund in Fund.objects.all():
        check = reconcile(fund)
        assert check["ok"], fund
    paid = sum(e.amount for e in LedgerEntry.objects.filter(kind="payment"))
    approved = sum(a.amount for a in AidRecord.objects.filter(status=AidStatus.APPROVED))
    assert -paid == approved
    demo.clear()
    assert not HardshipFile.objects.exists()
    assert not Fund.objects.exists()
