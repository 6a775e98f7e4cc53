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

import copy
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

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
    return _make_personas(tree)


def _make_personas(tree: Tree) -> dict:
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


# ---- The demo county, loaded once for the tests that read it -------------------------------------
#
# Loading the demo county runs every module's services (about 25 s). The tests that check what it
# made ask for `demo_county` (or `demo_registry`, with the registry's 57,655 members): it is
# loaded, committed, once for a run of consecutive such tests and shared; each test runs in a
# transaction rolled back at its end, so a test may write, or load the demo again, freely. After the
# last of them it is cleared, before any test that expects an empty database. They all go to one
# xdist worker (the `demo_county` group) so that they follow each other.

DEMO_FIXTURES = frozenset({"demo_county", "demo_registry"})


class _SharedDemo:
    def __init__(self) -> None:
        self.counts: dict | None = None
        self.registry: bool | None = None
        self.blocker = None

    def use(self, blocker, *, registry: bool):
        from django.core.cache import cache
        from django.db import connection, transaction

        from gefeng.core import demo

        with blocker.unblock():
            if connection.in_atomic_block:
                raise RuntimeError("demo_county 的测试不能再标记 django_db（演示数据须提交后共享）。")
            if self.counts is None or self.registry != registry:
                self.release()
                self.blocker = blocker
                self.counts = demo.load_demo(registry=registry)
                self.registry = registry
                self._keep_files()
            cache.clear()  # nothing a previous test's request cached survives its rollback
            atomic = transaction.atomic()
            atomic._from_testcase = True  # as Django's TestCase: durable blocks may nest inside
            try:
                with atomic:
                    yield copy.deepcopy(self.counts)
                    transaction.set_rollback(True)
            finally:
                self._restore_files()

    # A test that loads the demo again deletes the files of the shared county (circulars, photos)
    # with its rows; the rows come back with the rollback, the files from this copy.
    def _keep_files(self) -> None:
        from django.conf import settings

        self.media = Path(settings.DATA_DIR) / "media"
        self.kept = Path(tempfile.mkdtemp(prefix="gefeng-demo-media-"))
        if self.media.exists():
            shutil.copytree(self.media, self.kept, dirs_exist_ok=True)

    def _restore_files(self) -> None:
        for folder, _dirs, files in os.walk(self.kept):
            rel = os.path.relpath(folder, self.kept)
            for name in files:
                target = self.media / rel / name
                if not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(os.path.join(folder, name), target)

    def release(self) -> None:
        if self.counts is None:
            return
        from django.core.management import call_command
        from django.db import transaction

        from gefeng.core import demo
        from gefeng.members.demo import clear_registry

        with self.blocker.unblock():
            with transaction.atomic():
                for part in reversed(demo._module_parts()):  # the modules' demo data refers to members
                    part.clear()
                if self.registry:
                    clear_registry()
            call_command("flush", interactive=False, verbosity=0)
        self.forget()

    def forget(self) -> None:
        self.counts = self.registry = None
        shutil.rmtree(self.kept, ignore_errors=True)


_DEMO = _SharedDemo()


@pytest.fixture(scope="session")
def _demo_database(request, django_db_setup, django_db_blocker):
    """pytest-django creates the test database only when some test of the run is marked
    django_db; a run of nothing but shared-demo tests creates it here."""
    needs_db = {"db", "transactional_db", "live_server"}
    if any(i.get_closest_marker("django_db") or needs_db & set(i.fixturenames) for i in request.session.items):
        yield
        return
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        made = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    yield
    _DEMO.release()
    with django_db_blocker.unblock():
        teardown_databases(made, verbosity=0)


@pytest.fixture
def demo_county(_demo_database, django_db_blocker):
    """The demo county without the registry's members: the counts `load_demo` returned."""
    yield from _DEMO.use(django_db_blocker, registry=False)


@pytest.fixture
def demo_registry(_demo_database, django_db_blocker):
    """The demo county with its registry of 57,655 members."""
    yield from _DEMO.use(django_db_blocker, registry=True)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # As xdist's worker does for an `xdist_group` mark under --dist loadgroup: the group in the id.
    grouped = bool(getattr(config.option, "loadgroup", False))
    # The county without the registry first, then with it: one load of each.
    items.sort(key=lambda i: "demo_registry" in getattr(i, "fixturenames", ()))
    for item in items:
        if DEMO_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.xdist_group("demo_county"))
            if grouped and not item.nodeid.endswith("@demo_county"):
                _regroup(item, f"{item.nodeid}@demo_county")


def _regroup(item, nodeid: str) -> None:
    """Give the item the id xdist's loadgroup scheduler reads its group from. (xdist 3.8 sets
    `_nodeid`, which pytest 9 no longer reads: its marks alone group nothing.)"""
    if hasattr(item, "_id"):
        from _pytest.nodeid import coerce_node_id

        item._id = coerce_node_id(nodeid)
    else:  # pragma: no cover - pytest before 9
        item._nodeid = nodeid


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    if _DEMO.counts is None:
        return
    if nextitem is None:  # the run is over and its test database already gone with it
        _DEMO.forget()
    elif not DEMO_FIXTURES & set(nextitem.fixturenames):
        _DEMO.release()
