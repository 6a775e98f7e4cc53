from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import F

from gefeng.accounts import demo as accounts_demo
from gefeng.accounts import services as account_services
from gefeng.accounts.models import RoleGrant, User
from gefeng.accounts.roles import RoleCode
from gefeng.core import demo
from gefeng.core.actors import SYSTEM
from gefeng.core.context import RequestInfo, acting_from
from gefeng.core.models import AuditEntry
from gefeng.core.validators import normalize_mobile, normalize_region_code, normalize_uscc
from gefeng.orgs import demo as orgs_demo
from gefeng.orgs.models import Kind, OrgNode, segment

FIELDS = (
    "path",
    "depth",
    "last_child",
    "kind",
    "name",
    "short_name",
    "code",
    "industry",
    "ownership",
    "employee_count",
    "union_founded_on",
    "valid_from",
    "valid_to",
    "address",
    "contact_name",
)


def snapshot() -> list[tuple]:
    return list(OrgNode.objects.order_by("path").values_list(*FIELDS, "parent__path"))


@pytest.fixture
def loaded(demo_county):
    """The shared demo county (tests/conftest.py): each test runs in a transaction rolled back."""
    return demo_county


def test_loading_twice_gives_the_same_county(loaded):
    first = snapshot()
    phones = {n.path: n.contact_phone for n in OrgNode.objects.exclude(contact_phone="")}
    users = {u.username: (u.pk, u.org.path) for u in User.objects.filter(is_demo=True).select_related("org")}
    assert demo.load_demo(registry=False) == loaded
    assert snapshot() == first
    assert {n.path: n.contact_phone for n in OrgNode.objects.exclude(contact_phone="")} == phones
    again = {u.username: u.org.path for u in User.objects.filter(is_demo=True).select_related("org")}
    assert again == {name: path for name, (_pk, path) in users.items()}
    assert AuditEntry.objects.filter(action="core.demo.loaded").count() == 2  # the log is kept
    entry = AuditEntry.objects.filter(action="core.demo.loaded").order_by("-id").first()
    assert entry.source == "cli" and entry.actor is None
    assert entry.changes["unions_founded_2020"] == 185


def test_counts(loaded):
    kinds = Counter(OrgNode.objects.values_list("kind", flat=True))
    assert loaded["nodes"] == OrgNode.objects.count()
    assert kinds[Kind.COUNTY] == 1
    assert kinds[Kind.MEMBER_UNIT] == loaded["member_units"] == 13
    assert kinds[Kind.TOWN] == loaded["towns"] >= 15
    assert kinds[Kind.ENTERPRISE] == loaded["enterprises"] >= 400 + len(orgs_demo.NAMED)
    assert kinds[Kind.UNION] == loaded["unions"]
    assert kinds[Kind.TEAM] == loaded["teams"] > 0
    assert loaded["accounts"] == len(accounts_demo.DEMO_ACCOUNTS) == 9


def test_tree_is_well_formed(loaded):
    """Paths, depths and last_child exactly as orgs.services would have numbered them."""
    root = OrgNode.objects.get(parent__isnull=True)
    assert (root.name, root.code, root.path, root.depth) == ("沛县", "320322", segment(1), 1)
    children = {}
    for node in OrgNode.objects.select_related("parent").order_by("path"):
        if node.parent is None:
            continue
        assert node.depth == node.parent.depth + 1
        children.setdefault(node.parent_id, []).append(node.path)
    for parent in OrgNode.objects.all():
        paths = children.get(parent.pk, [])
        assert parent.last_child == len(paths)
        assert paths == [parent.path + segment(n) for n in range(1, len(paths) + 1)]


def test_every_code_is_valid_and_unique(loaded):
    codes = list(OrgNode.objects.exclude(code="").values_list("kind", "code"))
    assert len({c for _k, c in codes}) == len(codes)
    for kind, code in codes:
        if kind in (Kind.COUNTY, Kind.TOWN):
            assert normalize_region_code(code) == code
            assert code.startswith("320322")
        else:
            assert normalize_uscc(code) == code
            assert code[2:8] == "320322"
        if kind == Kind.UNION:
            assert code.startswith("81")
    assert not OrgNode.objects.filter(code="").exclude(kind=Kind.TEAM).exists()
    towns = OrgNode.objects.filter(kind=Kind.TOWN).values_list("code", flat=True)
    assert all(len(c) == 9 for c in towns)


def test_member_units(loaded):
    units = dict(OrgNode.objects.filter(kind=Kind.MEMBER_UNIT).values_list("short_name", "code"))
    assert len(units) == 13
    for short in (
        "县委组织部",
        "县委宣传部",
        "县总工会",
        "县人社局",
        "县科技局",
        "县机关工委",
        "县工商联",
        "县融媒体中心",
    ):
        assert short in units
    assert units["县总工会"].startswith("81320322")
    assert units["县委组织部"].startswith("11320322")


@pytest.mark.parametrize(
    ("code", "name", "town"),
    [
        ("91320322710000005C", "徐州新格灌溉设备有限公司", "龙固镇"),
        ("91320322710079198U", "徐州恒辉编织机械有限公司", "沛县经济开发区"),
        ("9132032271015838X3", "沛县公交公司", "沛城街道"),
        ("91320322710237571J", "中国移动沛县分公司", "汉兴街道"),
    ],
)
def test_named_enterprises(loaded, code, name, town):
    node = OrgNode.objects.select_related("parent").get(code=code)
    assert (node.name, node.kind, node.parent.name) == (name, Kind.ENTERPRISE, town)
    union = node.children.get(kind=Kind.UNION)
    assert union.name == f"{name}工会委员会"
    assert union.union_founded_on and union.valid_from == union.union_founded_on
    assert 2 <= union.children.filter(kind=Kind.TEAM).count() <= 4


def test_xinge_and_the_other_named_units(loaded):
    xinge = OrgNode.objects.get(code="91320322710000005C")
    assert (xinge.industry, xinge.ownership, xinge.employee_count) == ("C", "private", 320)
    assert xinge.children.get().short_name == "新格灌溉工会"
    assert "装配一班" in OrgNode.objects.subtree_of(xinge).filter(kind=Kind.TEAM).values_list("name", flat=True)
    for name in ("沛县汉润小学", "陈油坊村", "沛县中等职业学校"):
        assert OrgNode.objects.get(name=name).children.filter(kind=Kind.UNION).count() == 1
    county = OrgNode.objects.get(parent__isnull=True)
    industry_unions = county.children.filter(kind=Kind.UNION).values_list("name", flat=True)
    assert set(industry_unions) == {"沛县货车司机工会联合会", "沛县快递行业工会联合会"}


def test_185_unions_founded_in_2020(loaded):
    unions = OrgNode.objects.filter(kind=Kind.UNION)
    assert unions.filter(union_founded_on__year=2020).count() == 185 == loaded["unions_founded_2020"]
    assert not unions.filter(union_founded_on__isnull=True).exists()
    assert not unions.exclude(valid_from=F("union_founded_on")).exists()
    years = set(unions.values_list("union_founded_on__year", flat=True))
    assert years >= set(range(2005, 2022))
    # a union is founded after its enterprise, and not after it closed
    for union in unions.filter(parent__kind=Kind.ENTERPRISE).select_related("parent"):
        ent = union.parent
        assert ent.valid_from < union.union_founded_on
        if ent.valid_to:
            assert union.union_founded_on < ent.valid_to == union.valid_to


def generated():
    named = [n.name for n in orgs_demo.NAMED]
    return OrgNode.objects.filter(kind=Kind.ENTERPRISE, parent__kind=Kind.TOWN).exclude(name__in=named)


def test_generated_enterprises_look_real(loaded):
    ents = generated()
    assert ents.count() >= 400
    sections = Counter(ents.values_list("industry", flat=True))
    assert sections.most_common(1)[0][0] == "C"
    assert set("EFGHIAKO") <= set(sections)
    ownership = Counter(ents.values_list("ownership", flat=True))
    assert ownership.most_common(1)[0][0] == "private"
    assert {"state", "collective", "foreign", "hmt", "individual"} <= set(ownership)
    counts = list(ents.values_list("employee_count", flat=True))
    assert sum(8 <= c <= 60 for c in counts) > len(counts) / 2
    assert sum(100 <= c <= 1000 for c in counts) > 20
    assert max(counts) <= 3000  # the registry raises a few head counts for the 2020 recruitment drive
    closed = ents.filter(valid_to__isnull=False)
    assert 0.01 * len(counts) <= closed.count() <= 0.04 * len(counts)
    assert all(dt.date(2019, 1, 1) <= d <= dt.date(2021, 12, 31) for d in closed.values_list("valid_to", flat=True))
    assert ents.values_list("parent", flat=True).distinct().count() == len(orgs_demo.TOWNS)
    for node in ents.filter(ownership="individual"):
        assert node.code.startswith("92")
    assert not ents.exclude(ownership="individual").exclude(code__startswith="91").exists()
    for node in ents[:200]:
        assert re.fullmatch(r"沛县(?!沛县).+(镇|街道|开发区).+(路|大道)\d+号", node.address), node.address
        assert normalize_mobile(node.contact_phone) == node.contact_phone
        assert 2 <= len(node.contact_name) <= 3


def test_union_coverage(loaded):
    ents = generated()
    with_union = set(
        OrgNode.objects.filter(kind=Kind.UNION, parent__kind=Kind.ENTERPRISE).values_list("parent_id", flat=True)
    )
    big = [e.pk for e in ents if e.employee_count >= 25]
    small = [e.pk for e in ents if e.employee_count < 25]
    big_share = sum(pk in with_union for pk in big) / len(big)
    small_share = sum(pk in with_union for pk in small) / len(small)
    assert 0.65 <= big_share <= 0.85
    assert 0.03 <= small_share <= 0.15


def test_demo_accounts(loaded):
    assert accounts_demo.DEMO_PASSWORD == "Gefeng@2026"
    expected = {
        "admin": (None, "沛县"),
        "xianzong": (RoleCode.COUNTY_ADMIN, "沛县"),
        "renshe": (RoleCode.MEMBER_UNIT, "沛县人力资源和社会保障局"),
        "longgu": (RoleCode.TOWN_OFFICER, "龙固镇"),
        "xinge": (RoleCode.ENTERPRISE_CHAIR, "徐州新格灌溉设备有限公司"),
        "henghui": (RoleCode.ENTERPRISE_CHAIR, "徐州恒辉编织机械有限公司"),
        "shenji": (RoleCode.AUDITOR, "沛县"),
        "anquan": (RoleCode.SECURITY_ADMIN, "沛县"),
        "zhigong": (RoleCode.WORKER, "徐州新格灌溉设备有限公司"),
    }
    assert [a[0] for a in accounts_demo.DEMO_ACCOUNTS] == list(expected)
    for username, label, org_name in accounts_demo.DEMO_ACCOUNTS:
        role, org = expected[username]
        user = authenticate(username=username, password=accounts_demo.DEMO_PASSWORD)
        assert user is not None, username
        assert user.is_demo and user.is_active and not user.must_change_password
        assert user.org.name == org == org_name
        assert user.role_codes() == ({role.value} if role else set())
        assert user.is_superuser == (role is None)
        assert label == (str(role.label) if role else "系统管理员")
    assert User.objects.get(username="xianzong").name == "张明"
    assert User.objects.get(username="xianzong").org.parent_id is None


def test_production_accounts_must_change_password(loaded, settings):
    settings.PRODUCTION = True
    demo.load_demo(registry=False)
    assert not User.objects.filter(is_demo=True, must_change_password=False).exists()


def test_disable(loaded):
    out = io.StringIO()
    accounts = User.objects.filter(is_demo=True, is_active=True).count()
    call_command("demo", "--disable", stdout=out)
    assert f"已停用演示账号 {accounts} 个" in out.getvalue()
    assert not User.objects.filter(is_demo=True, is_active=True).exists()
    assert authenticate(username="xinge", password=accounts_demo.DEMO_PASSWORD) is None
    assert AuditEntry.objects.filter(action="core.demo.disabled").exists()
    demo.load_demo(registry=False)  # loading again brings them back
    assert authenticate(username="xinge", password=accounts_demo.DEMO_PASSWORD) is not None


def test_other_users_survive_a_reset(loaded):

    with acting_from(RequestInfo(source="cli")):
        keeper = account_services.user_create(
            actor=SYSTEM,
            username="root2",
            name="另一管理员",
            org=OrgNode.objects.get(code="91320322710079198U"),
            password="Other#Pass2026",
            superuser=True,
            must_change=False,
        )
        loose = account_services.user_create(
            actor=SYSTEM,
            username="loose",
            name="无组织",
            org=None,
            password="Other#Pass2026",
            roles={RoleCode.AUDITOR},
            must_change=False,
        )
    demo.load_demo(registry=False)
    keeper.refresh_from_db()
    loose.refresh_from_db()
    assert keeper.org.code == "91320322710079198U"
    assert loose.org is None
    assert User.objects.filter(is_demo=False).count() == 2
    assert RoleGrant.objects.filter(user=loose).exists()


def test_the_command_prints_the_address_and_the_accounts(loaded):
    out = io.StringIO()
    call_command("demo", "--no-members", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000/" in text
    for username, label, org in accounts_demo.DEMO_ACCOUNTS:
        line = next(line for line in text.splitlines() if line.startswith(username + " "))
        assert label in line and org in line and accounts_demo.DEMO_PASSWORD in line


def test_demo_accounts_pass_the_account_rules(loaded):
    """The demo password satisfies the validators the services apply to everybody."""
    from django.contrib.auth import password_validation

    for user in User.objects.filter(is_demo=True):
        try:
            password_validation.validate_password(accounts_demo.DEMO_PASSWORD, user)
        except ValidationError as exc:  # pragma: no cover - shows the message
            pytest.fail(f"{user.username}: {exc.messages}")
