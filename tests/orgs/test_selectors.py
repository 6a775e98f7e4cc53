"""Reads of the organisation tree, always through the actor's scope."""

from __future__ import annotations

import datetime as dt

import pytest

from gefeng.core.actors import SYSTEM
from gefeng.orgs import selectors, services
from gefeng.orgs.models import Kind, OrgNode
from gefeng.orgs.selectors import NodeFilters

pytestmark = pytest.mark.django_db


def _names(nodes) -> list[str]:
    return [n.name for n in nodes]


def _add_enterprises(parent, count: int, prefix: str = "企业") -> list[OrgNode]:
    return [
        services.orgnode_create(
            actor=SYSTEM, parent=parent, kind=Kind.ENTERPRISE, name=f"{prefix}{i:03d}", audit_it=False
        )
        for i in range(count)
    ]


def _close(actor, node, days_ago: int = 1) -> None:
    services.orgnode_close(actor=actor, node=node, on=dt.date.today() - dt.timedelta(days=days_ago), reason="注销")


# ---------------------------------------------------------------- tree


def test_roots_follow_the_scope(tree, personas):
    assert selectors.roots_for(personas["county"]) == [tree.county]
    assert selectors.roots_for(personas["sysadmin"]) == [tree.county]
    assert selectors.roots_for(personas["town"]) == [tree.longgu]
    assert selectors.roots_for(personas["liaison"]) == [tree.hrss]
    assert selectors.roots_for(personas["security"]) == []
    assert selectors.roots_for(personas["worker"]) == []


def test_children_pages_with_has_more_and_no_overlap(tree, personas):
    made = _add_enterprises(tree.kejiju, 5)
    first, more = selectors.children(personas["county"], tree.kejiju, limit=2)
    second, more2 = selectors.children(personas["county"], tree.kejiju, offset=2, limit=2)
    last, more3 = selectors.children(personas["county"], tree.kejiju, offset=4, limit=2)
    assert (more, more2, more3) == (True, True, False)
    assert [n.pk for n in first + second + last] == [n.pk for n in made]
    exact, more_exact = selectors.children(personas["county"], tree.kejiju, limit=5)
    assert len(exact) == 5 and more_exact is False


def test_children_are_marked_when_they_have_children(tree, personas):
    rows, _more = selectors.children(personas["county"], tree.county)
    flags = {n.name: n.has_children for n in rows}
    assert flags == {
        "龙固镇": True,
        "杨屯镇": True,
        "沛县人力资源和社会保障局": False,
        "沛县科学技术局": False,
    }


def test_children_stay_inside_the_scope(tree, personas):
    rows, _more = selectors.children(personas["town"], tree.county)
    assert _names(rows) == ["龙固镇"]
    rows, _more = selectors.children(personas["chair"], tree.yangtun)
    assert rows == []


def test_has_children_only_counts_children_the_actor_sees(tree, personas):
    _add_enterprises(tree.hrss, 1, prefix="人社局下属")
    liaison = personas["liaison"]  # 本级 scope: sees 县人社局 only
    roots = selectors.mark_has_children(liaison, selectors.roots_for(liaison))
    assert roots == [tree.hrss] and roots[0].has_children is False
    county_roots = selectors.mark_has_children(personas["county"], [OrgNode.objects.get(pk=tree.hrss.pk)])
    assert county_roots[0].has_children is True


def test_subtree_queries(tree):
    longgu = set(OrgNode.objects.subtree_of(tree.longgu).values_list("pk", flat=True))
    assert longgu == {tree.longgu.pk, tree.xinge.pk, tree.xinge_union.pk, tree.xinge_team.pk}
    assert OrgNode.objects.subtree_of(tree.county).count() == 10
    assert set(OrgNode.objects.subtree_of(tree.xinge_team).values_list("pk", flat=True)) == {tree.xinge_team.pk}


def test_visible_ancestors_hide_what_the_actor_may_not_see(tree, personas):
    team = tree.xinge_team
    assert _names(team.ancestors()) == [
        "沛县",
        "龙固镇",
        "徐州新格灌溉设备有限公司",
        "徐州新格灌溉设备有限公司工会委员会",
    ]
    assert selectors.visible_ancestors(personas["chair"], team) == [tree.xinge, tree.xinge_union]
    assert selectors.visible_ancestors(personas["county"], team) == [
        tree.county,
        tree.longgu,
        tree.xinge,
        tree.xinge_union,
    ]
    assert selectors.visible_ancestors(personas["county"], tree.county) == []


# ---------------------------------------------------------------- list and search


def test_node_list_is_scoped(tree, personas):
    town = set(selectors.node_list(personas["town"], NodeFilters()).values_list("pk", flat=True))
    assert town == {tree.longgu.pk, tree.xinge.pk, tree.xinge_union.pk, tree.xinge_team.pk}
    assert selectors.node_list(personas["security"], NodeFilters()).count() == 0
    assert selectors.node_list(personas["auditor"], NodeFilters()).count() == 10


def test_node_list_searches_name_short_name_and_code(tree, personas):
    county = personas["county"]
    assert _names(selectors.node_list(county, NodeFilters(q="恒辉"))) == [
        "徐州恒辉编织机械有限公司",
        "恒辉编织机械工会委员会",
    ]
    assert _names(selectors.node_list(county, NodeFilters(q="县人社局"))) == ["沛县人力资源和社会保障局"]
    assert _names(selectors.node_list(county, NodeFilters(q=tree.xinge.code.lower()))) == [tree.xinge.name]


def test_node_list_filters(tree, personas):
    county = personas["county"]
    services.orgnode_update(actor=county, node=tree.henghui, ownership="state", industry="D")
    assert _names(selectors.node_list(county, NodeFilters(kind=Kind.TOWN))) == ["龙固镇", "杨屯镇"]
    assert _names(selectors.node_list(county, NodeFilters(industry="C"))) == [tree.xinge.name]
    assert _names(selectors.node_list(county, NodeFilters(ownership="state"))) == [tree.henghui.name]
    under = set(selectors.node_list(county, NodeFilters(under=tree.yangtun.pk)).values_list("pk", flat=True))
    assert under == {tree.yangtun.pk, tree.henghui.pk, tree.henghui_union.pk}
    # A node outside the actor's scope gives nothing rather than its subtree.
    assert selectors.node_list(personas["town"], NodeFilters(under=tree.yangtun.pk)).count() == 0
    # An unknown kind is ignored.
    assert selectors.node_list(county, NodeFilters(kind="planet")).count() == 10


def test_node_list_status_filter(tree, personas):
    county = personas["county"]
    _close(county, tree.henghui)
    services.orgnode_close(actor=county, node=tree.kejiju, on=dt.date.today() + dt.timedelta(days=30), reason="合并")
    closed = _names(selectors.node_list(county, NodeFilters(status="closed")))
    assert closed == [tree.henghui.name]  # a future closing date is still open today
    open_ = _names(selectors.node_list(county, NodeFilters(status="open")))
    assert tree.henghui.name not in open_ and tree.kejiju.name in open_ and len(open_) == 9


def test_node_list_sorts(tree, personas):
    county = personas["county"]
    by_employees = _names(selectors.node_list(county, NodeFilters(sort="-employees", kind=Kind.ENTERPRISE)))
    assert by_employees == [tree.xinge.name, tree.henghui.name]  # 320 before 180
    assert _names(selectors.node_list(county, NodeFilters(sort="employees", kind=Kind.ENTERPRISE))) == [
        tree.henghui.name,
        tree.xinge.name,
    ]
    by_path = selectors.node_list(county, NodeFilters(sort="nonsense"))
    assert [n.path for n in by_path] == sorted(n.path for n in by_path)


def test_search_nodes_is_scoped_and_limited(tree, personas):
    assert _names(selectors.search_nodes(personas["county"], "恒辉")) == [
        "徐州恒辉编织机械有限公司",
        "恒辉编织机械工会委员会",
    ]
    assert selectors.search_nodes(personas["town"], "恒辉") == []
    assert selectors.search_nodes(personas["county"], "   ") == []
    _add_enterprises(tree.kejiju, 5, prefix="搜索")
    assert len(selectors.search_nodes(personas["county"], "搜索", limit=3)) == 3


def test_move_targets_exclude_own_subtree_wrong_kinds_and_foreign_nodes(tree, personas):
    county = personas["county"]
    # An enterprise may go under a town, a member unit or another enterprise — never its own union.
    targets = _names(selectors.move_targets(county, tree.xinge, "新格"))
    assert targets == []
    targets = _names(selectors.move_targets(county, tree.xinge, "镇"))
    assert targets == ["龙固镇", "杨屯镇"]
    # A team only goes under a union.
    assert _names(selectors.move_targets(county, tree.xinge_team, "工会")) == [
        "徐州新格灌溉设备有限公司工会委员会",
        "恒辉编织机械工会委员会",
    ]
    # The town officer may only pick nodes in 龙固镇; the auditor none (read-only).
    assert _names(selectors.move_targets(personas["town"], tree.xinge_team, "工会")) == [tree.xinge_union.name]
    assert selectors.move_targets(personas["auditor"], tree.xinge_team, "工会") == []


def test_scope_counts_count_live_nodes_in_scope(tree, personas):
    assert selectors.scope_counts(personas["county"]) == {
        "towns": 2,
        "member_units": 2,
        "enterprises": 2,
        "unions": 2,
        "teams": 1,
    }
    assert selectors.scope_counts(personas["town"]) == {
        "towns": 1,
        "member_units": 0,
        "enterprises": 1,
        "unions": 1,
        "teams": 1,
    }
    assert selectors.scope_counts(personas["security"]) == {
        "towns": 0,
        "member_units": 0,
        "enterprises": 0,
        "unions": 0,
        "teams": 0,
    }
    _close(personas["county"], tree.henghui, days_ago=10)
    assert selectors.scope_counts(personas["county"])["enterprises"] == 1
    last_month = dt.date.today() - dt.timedelta(days=30)
    assert selectors.scope_counts(personas["county"], day=last_month)["enterprises"] == 2
