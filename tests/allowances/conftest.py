"""Objects of the allowance tests: the four kinds with a rule table, labour models with profiles,
and runs in each state. `world(tree)` builds them once per test (the URL matrix calls it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from gefeng.core.actors import SYSTEM
from tests.talent.conftest import honour, outsider_profile, person

# kind → (amount per level, retired only, hardship only)
KINDS = {
    "荣誉津贴": ({"national": 2400, "provincial": 1800, "city": 1200, "county": 400}, False, False),
    "春节慰问金": ({"national": 1000, "provincial": 800, "city": 500, "county": 300}, False, False),
    "医疗补贴": ({"national": 1200, "provincial": 1000, "city": 800, "county": 300}, True, False),
    "困难补助金": ({"national": 2000, "provincial": 2000, "city": 2000, "county": 2000}, False, True),
}


def kinds_and_rules(county: Any, *, since: int = 2015) -> dict[str, Any]:
    from gefeng.allowances import services
    from gefeng.allowances.models import AllowanceKind

    if AllowanceKind.objects.filter(org=county).exists():
        return {k.name: k for k in AllowanceKind.objects.filter(org=county)}
    out = {}
    for order, (name, (amounts, retired, hardship)) in enumerate(KINDS.items()):
        kind = services.kind_create(actor=SYSTEM, org=county, name=name, order=order)
        for level, amount in amounts.items():
            services.rule_save(
                actor=SYSTEM,
                kind=kind,
                level=level,
                amount=amount,
                effective_from=since,
                retired_only=retired,
                hardship_only=hardship,
            )
        out[name] = kind
    return out


@dataclass
class World:
    kinds: dict[str, Any]
    draft: Any
    submitted: Any
    approved: Any


def world(tree: Any) -> World:
    """Kinds and rules, the outsider's labour model (恒辉编织), and three runs prepared by the
    console (so any officer may approve): a draft (2021), a submitted run (2020) and an approved
    one (2019)."""
    from gefeng.allowances import services
    from gefeng.allowances.models import AllowanceRun

    kinds = kinds_and_rules(tree.county)
    outsider_profile(tree)
    runs = {r.year: r for r in AllowanceRun.objects.filter(org=tree.county)}
    if not runs:
        approved = services.run_create(actor=SYSTEM, org=tree.county, year=2019)
        services.run_submit(actor=SYSTEM, run=approved)
        services.run_approve(actor=SYSTEM, run=approved)
        submitted = services.run_create(actor=SYSTEM, org=tree.county, year=2020)
        services.run_submit(actor=SYSTEM, run=submitted)
        services.run_create(actor=SYSTEM, org=tree.county, year=2021)
        runs = {r.year: r for r in AllowanceRun.objects.filter(org=tree.county)}
    return World(kinds, runs[2021], runs[2020], runs[2019])


@pytest.fixture
def kinds(tree):
    return kinds_and_rules(tree.county)


@pytest.fixture
def model_factory(tree):
    """make(level=…, retired=…, hardship=…, deceased_on=…, union=…) → a labour model's profile
    with a bank account."""
    from gefeng.talent import services
    from gefeng.talent.models import TalentProfile

    def make(
        *,
        level: str = "county",
        year: int = 2010,
        retired: bool = False,
        hardship: bool = False,
        deceased_on: dt.date | None = None,
        union: Any = None,
        name: str = "李劳模",
        bank: bool = True,
    ):
        member = person(union or tree.xinge_union, name=name)
        honour(member, level=level, year=year)
        profile = TalentProfile.objects.get(person=member)
        services.profile_update(
            actor=SYSTEM,
            profile=profile,
            data={
                "retired": retired,
                "hardship": hardship,
                "hardship_note": "因病致困" if hardship else "",
                "deceased_on": deceased_on,
            },
        )
        if bank:
            services.profile_bank_update(
                actor=SYSTEM,
                profile=profile,
                bank_holder=name,
                bank_name="中国农业银行沛县支行",
                bank_account=f"62284800{member.pk:011d}",
            )
        return TalentProfile.objects.select_related("person").get(pk=profile.pk)

    return make
