"""The demo registry reproduces the county's 2020 account; loaded once for the module."""

import pytest

from gefeng.core import figures
from gefeng.members.demo import JOINED_2020
from gefeng.members.models import Member, Status
from gefeng.orgs.models import OrgNode


@pytest.fixture
def loaded(demo_registry):
    return demo_registry


def test_2020_reproduces_the_countys_account(loaded):
    county = OrgNode.objects.get(code="320322")
    result = figures.compute(county, 2020)
    assert result["unions_founded"] == 185
    assert result["members_joined"] == JOINED_2020 == 40_000
    assert result["members"] > result["members_joined"]


def test_registry_is_realistic(loaded):
    # The registry bulk-loads its members; the modules' demos join a few hundred more through the
    # members' services (voters, trainees, join applications).
    assert loaded["members"] <= Member.objects.count() < loaded["members"] + 1000
    assert Member.objects.filter(status=Status.LEFT).exists()
    assert Member.objects.filter(status=Status.RETAINED).exists()
    sample = Member.objects.order_by("id")[:200]
    for m in sample:
        assert m.id_number and len(m.id_number) == 18 and m.phone.startswith("1")
        assert m.pinyin and m.initials
    # No enterprise has more members than employees.
    from django.db.models import Count, F, Q

    over = (
        OrgNode.objects.filter(kind="enterprise")
        .annotate(n=Count("enterprise_members", filter=Q(enterprise_members__status=Status.ACTIVE)))
        .filter(n__gt=F("employee_count"))
    )
    assert not over.exists()


def test_messy_roster_file_is_ready_to_import(loaded, settings):
    from pathlib import Path

    from gefeng.members.demo import ROSTER_FILE

    path = Path(settings.DATA_DIR) / "demo" / ROSTER_FILE
    assert path.exists() and loaded["roster_rows"] == 300 and loaded["roster_bad"] > 0
