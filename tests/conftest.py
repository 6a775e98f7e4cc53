"""Personas and a small county shared by the whole suite.

The tree (codes are checksum-valid and fictional where the demo uses them too):

    沛县 320322
    ├── 龙固镇                      ← town officer
    │   └── 徐州新格灌溉设备有限公司   ← enterprise chair, worker
    │       └── 新格灌溉工会 └── 装配一班
    ├── 杨屯镇
    │   └── 徐州恒辉编织机械有限公司   ← the outsider enterprise chair
    │       └── 恒辉编织工会
    ├── 县人社局                    ← member-unit liaison
    └── 县科技局
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from gefeng.core.actors import SYSTEM

PASSWORD = "Test#Pass2026"
OUTSIDER_MARK = "恒辉编织"  # appears only in the outsider's part of the tree


@dataclass
class Tree:
    county: object
    longgu: object
    xinge: object
    xinge_union: object
    xinge_team: object
    yangtun: object
    henghui: object
    henghui_union: object
    hrss: object
    kejiju: object


def _build_tree() -> Tree:
    from gefeng.orgs import services
    from gefeng.orgs.models import Kind

    def make(parent, kind, name, **kw):
        return services.orgnode_create(actor=SYSTEM, parent=parent, kind=kind, name=name, audit_it=False, **kw)

    county = make(None, Kind.COUNTY, "沛县", code="320322")
    longgu = make(county, Kind.TOWN, "龙固镇", code="320322106")
    xinge = make(
        longgu,
        Kind.ENTERPRISE,
        "徐州新格灌溉设备有限公司",
        short_name="新格灌溉",
        code="91320322710000005C",
        industry="C",
        ownership="private",
        employee_count=320,
    )
    xinge_union = make(xinge, Kind.UNION, "徐州新格灌溉设备有限公司工会委员会", short_name="新格灌溉工会")
    xinge_team = make(xinge_union, Kind.TEAM, "装配一班")
    yangtun = make(county, Kind.TOWN, "杨屯镇", code="320322107")
    henghui = make(
        yangtun,
        Kind.ENTERPRISE,
        "徐州恒辉编织机械有限公司",
        short_name="恒辉编织",
        code="91320322710079198U",
        industry="C",
        ownership="private",
        employee_count=180,
    )
    henghui_union = make(henghui, Kind.UNION, "恒辉编织机械工会委员会", short_name="恒辉编织工会")
    hrss = make(county, Kind.MEMBER_UNIT, "沛县人力资源和社会保障局", short_name="县人社局")
    kejiju = make(county, Kind.MEMBER_UNIT, "沛县科学技术局", short_name="县科技局")
    return Tree(county, longgu, xinge, xinge_union, xinge_team, yangtun, henghui, henghui_union, hrss, kejiju)


# persona → (role codes, org attribute of Tree, superuser)
PERSONAS: dict[str, tuple[set[str], str, bool]] = {
    "sysadmin": (set(), "county", True),
    "county": ({"county_admin"}, "county", False),
    "liaison": ({"member_unit"}, "hrss", False),
    "town": ({"town_officer"}, "longgu", False),
    "chair": ({"enterprise_chair"}, "xinge", False),
    "outsider": ({"enterprise_chair"}, "henghui", False),
    "auditor": ({"auditor"}, "county", False),
    "security": ({"security_admin"}, "county", False),
    "worker": ({"worker"}, "xinge", False),
}


@pytest.fixture
def tree(db) -> Tree:
    return _build_tree()


@pytest.fixture
def personas(tree):
    from gefeng.accounts import services

    users = {}
    for name, (roles, org_attr, superuser) in PERSONAS.items():
        users[name] = services.user_create(
            actor=SYSTEM,
            username=name,
            name=f"{name}测试",
            org=getattr(tree, org_attr),
            password=PASSWORD,
            roles=roles,
            superuser=superuser,
            must_change=False,
        )
    return users


@pytest.fixture
def login_as(personas):
    """login_as("town") → a Django test client logged in through the real login page."""

    def make(name: str) -> Client:
        client = Client()
        response = client.post("/accounts/login/", {"username": name, "password": PASSWORD})
        assert response.status_code == 302, f"login of {name} failed: {response.status_code}"
        return client

    return make
