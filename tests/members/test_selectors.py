import datetime as dt

import pytest

from gefeng.core import figures
from gefeng.members import selectors, services
from gefeng.members.selectors import MemberFilters
from gefeng.orgs import services as org_services
from gefeng.orgs.models import Kind, OrgNode
from tests.members.conftest import make_id

PEOPLE = [
    ("张三", "19900101", "001", "xinge"),
    ("张三丰", "19800101", "003", "xinge"),
    ("李明华", "19700101", "005", "xinge"),
    ("单雄信", "19950101", "007", "xinge"),
    ("吕布", "19880101", "009", "henghui"),
    ("王小明", "20000101", "011", "henghui"),
]


@pytest.fixture
def registry(personas, tree, person):
    out = {}
    for i, (name, birth, seq, where) in enumerate(PEOPLE):
        union = tree.xinge_union if where == "xinge" else tree.henghui_union
        out[name] = services.member_join(
            actor=personas["county"],
            union=union,
            data=person(
                name=name,
                id_number=make_id(birth, seq),
                phone=f"1381234{i:04d}",
                card_number=f"32032220{i:08d}",
                job_category="技术人员" if i % 2 else "一线工人",
            ),
        )
    return out


def names(actor, **kw):
    return [m.name for m in selectors.member_list(actor, MemberFilters(today=dt.date(2026, 1, 1), **kw))]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("张三", ["张三", "张三丰"]),
        ("三", ["张三", "张三丰"]),
        ("明", ["李明华", "王小明"]),
        ("zs", ["张三", "张三丰"]),  # initials match as a prefix, as users type
        ("zsf", ["张三丰"]),
        ("zhangsan", ["张三", "张三丰"]),
        ("ZhangSanFeng", ["张三丰"]),
        ("shan", ["单雄信"]),  # 单 read as a surname
        ("lubu", ["吕布"]),
        ("lvbu", ["吕布"]),
        (make_id("19700101", "005"), ["李明华"]),
        (make_id("19700101", "005").lower(), ["李明华"]),
        ("13812340003", ["单雄信"]),
        ("3203222000000004", ["吕布"]),
        ("赵", []),
    ],
)
def test_find_anyone(registry, personas, q, expected):
    assert sorted(names(personas["county"], q=q)) == sorted(expected)


def test_search_never_leaves_the_scope(registry, personas):
    assert names(personas["chair"], q="吕布") == []
    assert names(personas["chair"], q=make_id("19880101", "009")) == []
    assert sorted(names(personas["chair"])) == sorted(["张三", "张三丰", "李明华", "单雄信"])
    assert names(personas["liaison"]) == []
    assert names(personas["security"]) == []


def test_filters(registry, personas, tree):
    county = personas["county"]
    assert set(names(county, job_category="技术人员")) == {"张三丰", "单雄信", "王小明"}
    assert set(names(county, age_band="<=35")) == {"单雄信", "王小明"}  # born 1995 and 2000
    assert set(names(county, age_band="46-55")) == {"张三丰"}  # 46 on 2026-01-01
    assert set(names(county, age_band=">=56")) == {"李明华"}
    assert set(names(county, under=tree.yangtun.pk)) == {"吕布", "王小明"}
    assert names(county, under=999999) == []
    assert names(county, sort="-birth")[0] == "王小明"


def test_status_filter_and_leavers(registry, personas):
    services.member_leave(actor=personas["county"], member=registry["张三"], on=dt.date(2021, 1, 1), reason="离职")
    assert "张三" not in names(personas["county"])
    assert names(personas["county"], status="left") == ["张三"]


def test_coverage_and_gap_list(registry, personas, tree):
    rows = {e.name: e.members for e in selectors.enterprise_coverage(personas["county"])}
    assert rows["徐州新格灌溉设备有限公司"] == 4 and rows["徐州恒辉编织机械有限公司"] == 2
    gap_ent = org_services.orgnode_create(
        actor=personas["town"],
        parent=tree.longgu,
        kind=Kind.ENTERPRISE,
        name="沛县无会机械厂",
        employee_count=30,
    )
    org_services.orgnode_create(
        actor=personas["town"], parent=tree.longgu, kind=Kind.ENTERPRISE, name="沛县小作坊", employee_count=24
    )
    gap = list(selectors.union_gap(personas["town"]))
    assert gap == [gap_ent]
    assert list(selectors.union_gap(personas["outsider"])) == []


def test_yearly_figures(registry, personas, tree):
    OrgNode.objects.filter(pk=tree.xinge_union.pk).update(union_founded_on=dt.date(2020, 3, 1))
    result = figures.compute(tree.county, 2020)
    assert result["members"] == 6 and result["members_joined"] == 6 and result["unions_founded"] == 1
    assert figures.compute(tree.county, 2019)["members"] == 0
    longgu = figures.compute(tree.longgu, 2020)
    assert longgu["members"] == 4 and longgu["members_joined"] == 4
    services.member_transfer(
        actor=personas["county"], member=registry["张三"], to_union=tree.henghui_union, on=dt.date(2021, 2, 1)
    )
    assert figures.compute(tree.county, 2021)["members_joined"] == 0  # a transfer is not a join


def test_period_counts_by_town_and_industry(registry, personas, tree):
    OrgNode.objects.filter(pk=tree.xinge_union.pk).update(union_founded_on=dt.date(2020, 3, 1))
    by_town = {
        r["label"]: r for r in selectors.period_counts(personas["county"], dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    }
    assert by_town["龙固镇"]["members_joined"] == 4 and by_town["龙固镇"]["unions_founded"] == 1
    assert by_town["杨屯镇"]["members_joined"] == 2
    by_industry = selectors.period_counts(personas["county"], dt.date(2020, 1, 1), dt.date(2020, 12, 31), by="industry")
    assert by_industry[0]["label"].startswith("C") and by_industry[0]["members_joined"] == 6


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("单雄信", "shanxiongxin", "sxx"),
        ("曾国藩", "zengguofan", "zgf"),
        ("解缙", "xiejin", "xj"),
        ("朱长江", "zhuchangjiang", "zcj"),
        ("欧阳修", "ouyangxiu", "oyx"),
        ("查良镛", "zhaliangyong", "zly"),
    ],
)
def test_pinyin_reads_surnames_and_common_given_name_heteronyms(name, full, initials):
    from gefeng.members.pinyin import keys

    assert keys(name) == (full, initials)


def test_members_figure_counts_each_member_at_their_union_at_year_end(registry, personas, tree):
    county = personas["county"]
    services.member_transfer(actor=county, member=registry["张三"], to_union=tree.henghui_union, on=dt.date(2021, 2, 1))
    services.member_retain(actor=county, member=registry["李明华"], reason="退休", on=dt.date(2022, 3, 1))
    services.member_leave(actor=county, member=registry["单雄信"], on=dt.date(2022, 6, 1), reason="离职")

    def members(node, year):
        return figures.compute(node, year)["members"]

    # 2020: everyone where they joined, although 张三 is in 杨屯镇 now and two others are no longer 在会.
    assert (members(tree.longgu, 2020), members(tree.yangtun, 2020), members(tree.county, 2020)) == (4, 2, 6)
    # 2021: 张三 counted at his new union; retirement and leaving came later.
    assert (members(tree.longgu, 2021), members(tree.yangtun, 2021), members(tree.county, 2021)) == (3, 3, 6)
    # 2022: 李明华 retained (保留会籍 is not 在会), 单雄信 left.
    assert (members(tree.longgu, 2022), members(tree.yangtun, 2022), members(tree.county, 2022)) == (1, 3, 4)
    assert members(tree.county, 2019) == 0


@pytest.fixture
def many_zhang(personas, tree, person):
    """Names with 张 first (in a jumbled order), second and third, and one without."""
    names = [f"张{c}" for c in "伟磊秀强敏静丽军杰涛明超勇艳娟霞平刚桂"] + ["李张伟", "王张丽", "欧阳张华", "赵钱孙"]
    created = []
    for i, name in enumerate(names):
        created.append(
            services.member_join(
                actor=personas["county"],
                union=tree.xinge_union if i % 3 else tree.henghui_union,
                data=person(name=name, id_number=make_id("19900101", f"{i:03d}"), phone=f"1390000{i:04d}"),
            )
        )
    return created


def test_name_search_pages_come_in_relevance_order_and_agree_with_the_whole_list(many_zhang, personas):
    filters = MemberFilters(q="张", today=dt.date(2026, 1, 1))
    whole = selectors.member_list(personas["county"], filters)
    assert isinstance(whole, selectors.MemberSearch)
    names_all = [m.name for m in whole]  # one query, ORDER BY the same relevance
    firsts = sorted(n for n in names_all if n.startswith("张"))
    assert names_all == [*firsts, "王张丽", "李张伟", "欧阳张华"]  # then by the matched part: 张丽 < 张伟
    assert len(names_all) == 22 and "赵钱孙" not in names_all
    for size in (1, 5, 7, 20, 21, 22, 50):  # the pages (each a LIMIT per branch) tile the whole list
        paged = []
        for start in range(0, 30, size):
            rows = selectors.member_list(personas["county"], filters)[start : start + size]
            assert isinstance(rows, list)
            paged.extend(m.name for m in rows)
        assert paged == names_all, size
    # Within scope: the chair of 新格 sees only his union's rows, in the same order.
    chair = [m.name for m in selectors.member_list(personas["chair"], filters)[0:100]]
    assert chair == [n for n in names_all if n in {m.name for m in many_zhang if m.union.name.startswith("徐州新格")}]
    # Pinyin: zhang matches the surname's pinyin first, in pinyin order (zhangchao, zhanggang …).
    latin = [m.name for m in selectors.member_list(personas["county"], MemberFilters(q="zhang"))[0:3]]
    assert latin == ["张超", "张刚", "张桂"]
    # Filtering further gives a plain queryset, which honours the new condition.
    some = selectors.member_list(personas["county"], filters).filter(name__in=["张伟", "李张伟"])
    assert not isinstance(some, selectors.MemberSearch) or some._search_base is None
    assert sorted(m.name for m in some[0:10]) == ["张伟", "李张伟"]
    # Another sort than by name: all matches, sorted.
    by_birth = selectors.member_list(personas["county"], MemberFilters(q="张", sort="-joined"))
    assert len(list(by_birth[0:100])) == 22
