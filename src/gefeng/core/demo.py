"""The demo county: 沛县 with its towns, the 13 member units of the joint meeting, the units the
county's own account names, several hundred generated enterprises with their unions and teams,
and one demo account per role.

`load_demo()` is idempotent: it deletes the demo's data and rebuilds it, in one transaction, from
`random.Random(320322)`, so every run gives the same nodes, paths, codes, accounts and passwords.
The demo owns the whole organisation tree; the audit log is never touched (append-only) — one
`core.demo.loaded` entry is added instead. Accounts made with `gefeng createadmin` survive a
reset and are re-attached to their organisation (by code, then by path, else the county).

The generated enterprises are fictional. Their names, addresses, contacts and codes are made up
(the codes pass the GB 32100 checksums); any likeness to a real company is accidental. The
9-digit town codes are plausible, not the official ones.

Numbers that match the county's account: 13 member units, exactly 185 unions founded in 2020
(“新建工会组织数185家”), the industry unions of truck drivers and couriers.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.utils import timezone

from gefeng.accounts import services as account_services
from gefeng.accounts.models import LoginEvent, User, UserSession
from gefeng.accounts.roles import RoleCode
from gefeng.core import audit
from gefeng.core.actors import SYSTEM
from gefeng.core.context import RequestInfo, acting_from
from gefeng.core.models import AuditEntry
from gefeng.core.validators import make_uscc, normalize_uscc
from gefeng.orgs.models import Kind, OrgNode, Ownership, segment

SEED = 320322
REGION = "320322"
DEMO_PASSWORD = "Gefeng@2026"  # noqa: S105 - published on purpose; production forces a change
ADDRESS = "http://127.0.0.1:8000/"
UNIONS_FOUNDED_2020 = 185  # “2020 … 新建工会组织数185家”
GENERATED_ENTERPRISES = 760

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100 (no I, O, S, V, Z)

# name, 9-digit code, weight when spreading the generated enterprises, main road
TOWNS: list[tuple[str, str, int, str]] = [
    ("沛城街道", "320322001", 6, "汉兴路"),
    ("大屯街道", "320322002", 4, "大屯路"),
    ("汉源街道", "320322003", 5, "汉源大道"),
    ("汉兴街道", "320322004", 5, "汉城路"),
    ("龙固镇", "320322101", 4, "龙固大道"),
    ("杨屯镇", "320322102", 3, "杨屯路"),
    ("胡寨镇", "320322104", 2, "胡寨路"),
    ("魏庙镇", "320322105", 2, "魏庙路"),
    ("五段镇", "320322106", 2, "五段路"),
    ("张庄镇", "320322107", 3, "张庄路"),
    ("张寨镇", "320322108", 3, "张寨路"),
    ("敬安镇", "320322109", 3, "敬安路"),
    ("河口镇", "320322110", 2, "河口路"),
    ("栖山镇", "320322111", 2, "栖山路"),
    ("鹿楼镇", "320322112", 3, "鹿楼路"),
    ("朱寨镇", "320322113", 2, "朱寨路"),
    ("安国镇", "320322114", 2, "安国路"),
    ("沛县经济开发区", "320322400", 9, "汉润路"),
]
_ROADS = [
    "歌风路",
    "沛公路",
    "张良路",
    "樊哙路",
    "汤沐路",
    "文景路",
    "千秋路",
    "东风路",
    "建设路",
    "人民路",
    "工业路",
    "沿湖路",
    "迎宾路",
    "振兴路",
    "创业路",
    "泗水路",
    "大风路",
    "朝阳路",
]

# name, short name, GB 32100 first two characters, 8-character organisation code body
MEMBER_UNITS: list[tuple[str, str, str, str]] = [
    ("中共沛县县委组织部", "县委组织部", "11", "01410001"),
    ("中共沛县县委宣传部", "县委宣传部", "11", "01410002"),
    ("沛县总工会", "县总工会", "81", "46601003"),
    ("沛县人力资源和社会保障局", "县人社局", "11", "01410004"),
    ("沛县科学技术局", "县科技局", "11", "01410005"),
    ("中共沛县县级机关工作委员会", "县机关工委", "11", "01410006"),
    ("沛县工商业联合会", "县工商联", "51", "50110007"),
    ("沛县融媒体中心", "县融媒体中心", "12", "46602008"),
    ("沛县发展和改革委员会", "县发展改革委", "11", "01410009"),
    ("沛县教育局", "县教育局", "11", "01410010"),
    ("沛县财政局", "县财政局", "11", "01410011"),
    ("沛县工业和信息化局", "县工信局", "11", "01410012"),
    ("沛县住房和城乡建设局", "县住建局", "11", "01410013"),
]


@dataclass(frozen=True)
class Named:
    key: str
    name: str
    short_name: str
    code: str
    town: str
    industry: str
    ownership: str
    employees: int
    founded: dt.date
    union_founded: dt.date
    teams: tuple[str, ...]
    union_body: str


# The units the county's account names. The first four codes are fixed (README, tests, e2e).
NAMED: list[Named] = [
    Named(
        "xinge",
        "徐州新格灌溉设备有限公司",
        "新格灌溉",
        "91320322710000005C",
        "龙固镇",
        "C",
        Ownership.PRIVATE,
        320,
        dt.date(2003, 6, 18),
        dt.date(2009, 4, 28),
        ("装配一班", "焊接班", "质检班", "喷灌研发班组"),
        "MC000001",
    ),
    Named(
        "henghui",
        "徐州恒辉编织机械有限公司",
        "恒辉编织",
        "91320322710079198U",
        "沛县经济开发区",
        "C",
        Ownership.PRIVATE,
        260,
        dt.date(2006, 9, 12),
        dt.date(2011, 5, 1),
        ("机加工班", "装配班", "技术攻关班组"),
        "MC000002",
    ),
    Named(
        "bus",
        "沛县公交公司",
        "沛县公交",
        "9132032271015838X3",
        "沛城街道",
        "G",
        Ownership.STATE,
        410,
        dt.date(1998, 3, 1),
        dt.date(2005, 4, 30),
        ("一车队", "二车队", "维修班", "调度班"),
        "MC000003",
    ),
    Named(
        "mobile",
        "中国移动沛县分公司",
        "沛县移动",
        "91320322710237571J",
        "汉兴街道",
        "I",
        Ownership.STATE,
        150,
        dt.date(2000, 7, 20),
        dt.date(2006, 9, 15),
        ("网络维护班", "营业班", "政企客户班组"),
        "MC000004",
    ),
    Named(
        "hanrun",
        "沛县汉润小学",
        "汉润小学",
        "",
        "汉源街道",
        "P",
        Ownership.PUBLIC,
        96,
        dt.date(2011, 8, 26),
        dt.date(2012, 3, 8),
        ("语文教研组", "数学教研组", "综合教研组"),
        "MC000005",
    ),
    Named(
        "zhijiao",
        "沛县中等职业学校",
        "县职教中心",
        "",
        "沛城街道",
        "P",
        Ownership.PUBLIC,
        230,
        dt.date(1985, 9, 1),
        dt.date(2005, 9, 10),
        ("机电教研室", "数控实训班组", "电子商务教研室"),
        "MC000006",
    ),
    Named(
        "chenyoufang",
        "陈油坊村",
        "陈油坊村",
        "",
        "胡寨镇",
        "A",
        Ownership.COLLECTIVE,
        45,
        dt.date(1983, 10, 1),
        dt.date(2018, 4, 26),
        ("种植服务班", "“红馆”讲解班"),
        "MC000007",
    ),
]
_NAMED_CODES = {  # the units without a fixed code: (first two characters, body)
    "hanrun": ("12", "46610015"),
    "zhijiao": ("12", "46610023"),
    "chenyoufang": ("N2", "C0000031"),
}

# Industry unions under the county (“现已建立货车司机和快递行业工会”)
INDUSTRY_UNIONS: list[tuple[str, str, dt.date, str]] = [
    ("沛县货车司机工会联合会", "货车司机工会", dt.date(2021, 3, 26), "MC000008"),
    ("沛县快递行业工会联合会", "快递行业工会", dt.date(2021, 5, 18), "MC000009"),
]


@dataclass(frozen=True)
class Account:
    username: str
    name: str
    role: str  # a RoleCode, or "" for the system administrator
    org: str  # "county", a member unit's short name, a town name or a NAMED key


_ACCOUNTS: list[Account] = [
    Account("admin", "王立新", "", "county"),
    Account("xianzong", "张明", RoleCode.COUNTY_ADMIN, "county"),
    Account("renshe", "李静", RoleCode.MEMBER_UNIT, "县人社局"),
    Account("longgu", "孟凡军", RoleCode.TOWN_OFFICER, "龙固镇"),
    Account("xinge", "刘建国", RoleCode.ENTERPRISE_CHAIR, "xinge"),
    Account("henghui", "赵红梅", RoleCode.ENTERPRISE_CHAIR, "henghui"),
    Account("shenji", "陈晓燕", RoleCode.AUDITOR, "county"),
    Account("anquan", "周涛", RoleCode.SECURITY_ADMIN, "county"),
    Account("zhigong", "孙大伟", RoleCode.WORKER, "xinge"),
]


def _org_name(key: str) -> str:
    if key == "county":
        return "沛县"
    for unit in MEMBER_UNITS:
        if key == unit[1]:
            return unit[0]
    for named in NAMED:
        if key == named.key:
            return named.name
    return key


def _role_label(role: str) -> str:
    return str(RoleCode(role).label) if role else "系统管理员"


# (username, role in Chinese, organisation) — for README, docs and e2e tests.
DEMO_ACCOUNTS: list[tuple[str, str, str]] = [(a.username, _role_label(a.role), _org_name(a.org)) for a in _ACCOUNTS]


class DemoRefused(Exception):
    """Loading the demo would delete data that the demo did not create."""


# ---------------------------------------------------------------- word lists

_WORD_TEXT = (
    "恒盛 鑫达 华宇 金源 宏图 永发 汉风 大风 沛丰 泰和 润达 万通 鼎盛 天成 瑞祥 国泰 安康 丰源 龙腾 嘉禾 "
    "盛世 佳和 亿发 顺达 中联 新元 东升 利民 隆昌 汇通 昌盛 富源 海纳 博远 三友 同创 诚信 聚力 骏马 凯旋 "
    "远航 星辰 光明 锦程 宏达 金鼎 汉城 湖西 沛泽 鸿运 晟通 恒信 华腾 众联 兴旺 德润 铭扬 锦泰 宏远 恒瑞 "
    "弘泰 金泽 昊天 天润 祥和 永盛 宇通 荣达 旭日 长风 泗水 千秋 汤沐 微湖 金沙 银河 天宇 中兴 正信 华诚 "
    "润泽 福瑞 嘉信 创新 盛达 通达 百川 鑫源 金穗 丰泽 绿源 沃土 恒通 景泰 和顺 宏盛 利达 华鑫"
)
_WORDS = _WORD_TEXT.split()

# industry → (weight, [(name template, short-name suffix, kind: 1 company / 2 个体工商户)])
_TEMPLATES: dict[str, tuple[int, list[tuple[str, str, str]]]] = {
    "C": (
        46,
        [
            ("徐州{w}机械制造有限公司", "机械", "1"),
            ("沛县{w}纺织有限公司", "纺织", "1"),
            ("江苏{w}食品有限公司", "食品", "1"),
            ("沛县{w}塑编有限公司", "塑编", "1"),
            ("徐州{w}电子科技有限公司", "电子", "1"),
            ("沛县{w}木业有限公司", "木业", "1"),
            ("徐州{w}新材料科技有限公司", "新材料", "1"),
            ("沛县{w}服饰有限公司", "服饰", "1"),
            ("徐州{w}金属制品有限公司", "金属", "1"),
            ("沛县{w}包装制品有限公司", "包装", "1"),
            ("江苏{w}农业机械有限公司", "农机", "1"),
            ("徐州{w}矿山机械有限公司", "矿机", "1"),
            ("沛县{w}铸造有限公司", "铸造", "1"),
            ("江苏{w}电气设备有限公司", "电气", "1"),
            ("沛县{w}家具有限公司", "家具", "1"),
            ("沛县{w}面粉有限公司", "面粉", "1"),
            ("沛县{t}{w}服装加工厂", "服装", "2"),
        ],
    ),
    "E": (
        7,
        [
            ("沛县{w}建筑安装工程有限公司", "建安", "1"),
            ("江苏{w}建设工程有限公司", "建设", "1"),
            ("徐州{w}路桥工程有限公司", "路桥", "1"),
            ("沛县{w}装饰工程有限公司", "装饰", "1"),
        ],
    ),
    "F": (
        12,
        [
            ("沛县{w}商贸有限公司", "商贸", "1"),
            ("沛县{w}农资有限公司", "农资", "1"),
            ("徐州{w}超市有限公司", "超市", "1"),
            ("沛县{t}{w}五金店", "五金", "2"),
            ("沛县{t}{w}建材经营部", "建材", "2"),
        ],
    ),
    "G": (
        8,
        [
            ("沛县{w}物流有限公司", "物流", "1"),
            ("沛县{w}运输有限公司", "运输", "1"),
            ("徐州{w}供应链管理有限公司", "供应链", "1"),
            ("沛县{w}快递服务有限公司", "快递", "1"),
        ],
    ),
    "H": (
        6,
        [
            ("沛县{w}餐饮管理有限公司", "餐饮", "1"),
            ("沛县{w}大酒店有限公司", "酒店", "1"),
            ("沛县{t}{w}饭庄", "饭庄", "2"),
        ],
    ),
    "I": (4, [("徐州{w}网络科技有限公司", "网络", "1"), ("沛县{w}信息技术有限公司", "信息", "1")]),
    "A": (
        5,
        [
            ("沛县{w}农业发展有限公司", "农业", "1"),
            ("沛县{w}养殖有限公司", "养殖", "1"),
            ("沛县{w}生态农业有限公司", "生态", "1"),
        ],
    ),
    "K": (3, [("沛县{w}置业有限公司", "置业", "1"), ("沛县{w}物业管理有限公司", "物业", "1")]),
    "O": (4, [("沛县{w}家政服务有限公司", "家政", "1"), ("沛县{t}{w}汽车修理部", "汽修", "2")]),
    "D": (1, [("沛县{w}热电有限公司", "热电", "1"), ("沛县{w}燃气有限公司", "燃气", "1")]),
    "L": (2, [("沛县{w}人力资源有限公司", "人力", "1"), ("沛县{w}劳务服务有限公司", "劳务", "1")]),
    "M": (2, [("徐州{w}检测技术有限公司", "检测", "1"), ("沛县{w}工程设计有限公司", "设计", "1")]),
}

_TEAMS: dict[str, list[str]] = {
    "C": [
        "装配班",
        "焊接班",
        "机加工班",
        "质检班",
        "包装班",
        "仓储班",
        "设备维修班",
        "喷涂班",
        "织造一班",
        "织造二班",
    ],
    "E": ["钢筋班", "木工班", "泥瓦班", "安全质量班"],
    "F": ["营业班", "配送班", "仓储班"],
    "G": ["运输一队", "运输二队", "调度班", "车辆维修班"],
    "H": ["前厅班", "厨房班组", "客房班"],
    "I": ["运维班", "研发组", "客服班"],
    "A": ["种植班", "养殖班", "农机服务班"],
    "K": ["保洁班", "安保班", "工程维修班"],
    "O": ["服务班", "维修班"],
    "D": ["运行一值", "运行二值", "检修班"],
    "L": ["派遣服务班", "综合班"],
    "M": ["检测一组", "检测二组"],
}

_SURNAMES = (
    "张王李刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛"
    "叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹常武乔贺樊胥"
)
_GIVEN = "建国军华明伟芳秀英敏静丽强磊洋艳勇杰娟涛超霞平刚桂兰红梅玉凤志宏海波春燕晓东亮鹏飞文博浩宇辉成新永德"


# ---------------------------------------------------------------- building the tree in memory


@dataclass
class _Tree:
    nodes: list[OrgNode] = field(default_factory=list)
    by_key: dict[str, OrgNode] = field(default_factory=dict)
    codes: set[str] = field(default_factory=set)

    def add(self, parent: OrgNode | None, kind: str, name: str, **fields: Any) -> OrgNode:
        """A node with the path `orgs.services._next_child_path` would give it."""
        if parent is None:
            node = OrgNode(kind=kind, name=name, path=segment(1), depth=1, **fields)
        else:
            parent.last_child += 1
            node = OrgNode(
                parent=parent,
                kind=kind,
                name=name,
                path=parent.path + segment(parent.last_child),
                depth=parent.depth + 1,
                **fields,
            )
        node.last_child = 0
        code = fields.get("code", "")
        if code:
            if code in self.codes:
                raise ValueError(f"duplicate demo code {code}")
            self.codes.add(code)
        self.nodes.append(node)
        return node


class _Gen:
    def __init__(self, tree: _Tree) -> None:
        self.rng = random.Random(SEED)
        self.tree = tree

    def code(self, kind2: str, body: str | None = None, *, prefix: str = "MA") -> str:
        """A checksum-valid code not used yet; `body` fixed, else `prefix` + random characters.

        Bodies of pre-2015 organisation codes (GB 11714) are all digits: a digit prefix gets digits.
        """
        chars = "0123456789" if prefix.isdigit() else _ALPHABET
        while True:
            org_body = body or prefix + "".join(self.rng.choice(chars) for _ in range(8 - len(prefix)))
            code = make_uscc(kind2, REGION, org_body)
            if code not in self.tree.codes:
                return normalize_uscc(code)
            if body:
                raise ValueError(f"duplicate demo code {code}")

    def date(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def person(self) -> str:
        return self.rng.choice(_SURNAMES) + "".join(self.rng.choice(_GIVEN) for _ in range(self.rng.choice((1, 2, 2))))

    def mobile(self) -> str:
        return "1" + self.rng.choice("3578") + self.rng.choice("0123456789") + f"{self.rng.randrange(10**8):08d}"

    def address(self, town: str, road: str) -> str:
        place = town if town.startswith("沛县") else "沛县" + town
        return f"{place}{road}{self.rng.randint(1, 399)}号"

    def employees(self) -> int:
        bucket = self.rng.random()
        if bucket < 0.38:
            return self.rng.randint(8, 24)
        if bucket < 0.73:
            return self.rng.randint(25, 60)
        if bucket < 0.85:
            return self.rng.randint(61, 99)
        if bucket < 0.96:
            return self.rng.randint(100, 299)
        return self.rng.randint(300, 1000)


def _build() -> tuple[_Tree, dict[str, int]]:
    tree = _Tree()
    gen = _Gen(tree)
    rng = gen.rng
    county = tree.add(None, Kind.COUNTY, "沛县", code=REGION, address="江苏省徐州市沛县")
    tree.by_key["county"] = county
    towns: dict[str, OrgNode] = {}
    for name, code, _w, road in TOWNS:
        towns[name] = tree.add(county, Kind.TOWN, name, code=code, address=f"沛县{name}{road}1号")
        tree.by_key[name] = towns[name]
    for name, short, kind2, body in MEMBER_UNITS:
        tree.by_key[short] = tree.add(
            county,
            Kind.MEMBER_UNIT,
            name,
            short_name=short,
            code=gen.code(kind2, body),
            ownership=Ownership.SOCIAL if kind2[0] in "58" else Ownership.PUBLIC,
            address=gen.address("沛城街道", rng.choice(_ROADS)),
        )
    for name, short, founded, body in INDUSTRY_UNIONS:
        tree.add(
            county,
            Kind.UNION,
            name,
            short_name=short,
            code=gen.code("81", body),
            union_founded_on=founded,
            valid_from=founded,
            address=gen.address("沛城街道", rng.choice(_ROADS)),
            contact_name=gen.person(),
            contact_phone=gen.mobile(),
        )

    road_of = {name: road for name, _c, _w, road in TOWNS}

    def add_union(ent: OrgNode, founded: dt.date, short: str, body: str | None, teams: Iterable[str]) -> OrgNode:
        union = tree.add(
            ent,
            Kind.UNION,
            f"{ent.name}工会委员会",
            short_name=f"{short}工会",
            code=gen.code("81", body, prefix="MC"),
            union_founded_on=founded,
            valid_from=founded,
            valid_to=ent.valid_to,
            address=ent.address,
            contact_name=gen.person(),
            contact_phone=gen.mobile(),
        )
        for team in teams:
            tree.add(union, Kind.TEAM, team, valid_from=founded, valid_to=ent.valid_to)
        return union

    for named in NAMED:
        code = named.code or gen.code(*_NAMED_CODES[named.key])
        town = named.town
        ent = tree.add(
            towns[town],
            Kind.ENTERPRISE,
            named.name,
            short_name=named.short_name,
            code=code,
            industry=named.industry,
            ownership=named.ownership,
            employee_count=named.employees,
            valid_from=named.founded,
            address=gen.address(town, road_of[town]),
            contact_name=gen.person(),
            contact_phone=gen.mobile(),
        )
        tree.by_key[named.key] = ent
        add_union(ent, named.union_founded, named.short_name, named.union_body, named.teams)

    # Generated enterprises: first decide everything, then add them (unions need the 2020 draw).
    town_names = [t[0] for t in TOWNS]
    town_weights = [t[2] for t in TOWNS]
    sections = list(_TEMPLATES)
    section_weights = [_TEMPLATES[s][0] for s in sections]
    names = {n.name for n in NAMED}
    plans: list[dict[str, Any]] = []
    for _i in range(GENERATED_ENTERPRISES):
        town = rng.choices(town_names, town_weights)[0]
        section = rng.choices(sections, section_weights)[0]
        while True:
            template, suffix, kind1 = rng.choice(_TEMPLATES[section][1])
            word = rng.choice(_WORDS)
            name = template.format(w=word, t=town if not town.endswith("开发区") else "开发区")
            if name not in names:
                names.add(name)
                break
        if kind1 == "2":
            ownership = Ownership.INDIVIDUAL
            employees = rng.randint(8, 20)
        else:
            ownership = rng.choices(
                [Ownership.PRIVATE, Ownership.STATE, Ownership.COLLECTIVE, Ownership.FOREIGN, Ownership.HMT],
                [88, 4, 3, 2, 3],
            )[0]
            employees = gen.employees()
        year = rng.choices(range(1995, 2022), [1] * 10 + [2] * 10 + [3] * 7)[0]
        founded = gen.date(dt.date(year, 1, 1), dt.date(year, 12, 31))
        closed = None
        if founded.year < 2018 and rng.random() < 0.025:
            closed = gen.date(dt.date(2019, 1, 1), dt.date(2021, 12, 31))
        plans.append(
            {
                "town": town,
                "section": section,
                "name": name,
                "short": word + suffix,
                "kind1": kind1,
                "ownership": ownership,
                "employees": employees,
                "founded": founded,
                "closed": closed,
                "union": kind1 == "1" and rng.random() < (0.75 if employees >= 25 else 0.10),
            }
        )

    # Exactly UNIONS_FOUNDED_2020 unions founded in 2020, by enterprises that existed then.
    may_2020 = [
        p
        for p in plans
        if p["union"]
        and p["founded"] <= dt.date(2020, 11, 30)
        and (p["closed"] is None or p["closed"] > dt.date(2021, 1, 31))
    ]
    for p in rng.sample(may_2020, UNIONS_FOUNDED_2020):
        p["union_on"] = gen.date(max(dt.date(2020, 1, 1), p["founded"] + dt.timedelta(days=1)), dt.date(2020, 12, 31))
    for p in plans:
        if not p["union"] or "union_on" in p:
            continue
        last = p["closed"] - dt.timedelta(days=1) if p["closed"] else dt.date(2021, 12, 31)
        years = [y for y in range(max(2005, p["founded"].year), last.year + 1) if y != 2020]
        if not years:
            p["union"] = False
            continue
        year = rng.choice(years)
        start = max(dt.date(year, 1, 1), p["founded"] + dt.timedelta(days=1))
        end = min(dt.date(year, 12, 31), last)
        if start > end:
            p["union"] = False
            continue
        p["union_on"] = gen.date(start, end)

    for p in plans:
        kind2 = "9" + p["kind1"]
        body_prefix = (
            "MA"
            if p["founded"].year >= 2015 or p["kind1"] == "2"
            else rng.choice(("56", "66", "67", "70", "71", "73", "74", "75"))
        )
        ent = tree.add(
            towns[p["town"]],
            Kind.ENTERPRISE,
            p["name"],
            short_name=p["short"],
            code=gen.code(kind2, prefix=body_prefix),
            industry=p["section"],
            ownership=p["ownership"],
            employee_count=p["employees"],
            valid_from=p["founded"],
            valid_to=p["closed"],
            address=gen.address(p["town"], rng.choice([road_of[p["town"]], *_ROADS])),
            contact_name=gen.person(),
            contact_phone=gen.mobile(),
        )
        if p["union"]:
            teams: list[str] = []
            if p["employees"] >= 50 and rng.random() < 0.35:
                teams = rng.sample(_TEAMS[p["section"]], min(len(_TEAMS[p["section"]]), rng.randint(1, 3)))
            add_union(ent, p["union_on"], p["short"], None, teams)

    kinds = Counter(n.kind for n in tree.nodes)
    counts = {
        "nodes": len(tree.nodes),
        "towns": kinds[Kind.TOWN],
        "member_units": kinds[Kind.MEMBER_UNIT],
        "enterprises": kinds[Kind.ENTERPRISE],
        "unions": kinds[Kind.UNION],
        "teams": kinds[Kind.TEAM],
        "unions_founded_2020": sum(
            1 for n in tree.nodes if n.kind == Kind.UNION and n.union_founded_on and n.union_founded_on.year == 2020
        ),
        "closed": sum(1 for n in tree.nodes if n.kind == Kind.ENTERPRISE and n.valid_to),
    }
    return tree, counts


# ---------------------------------------------------------------- writing


def _protected_relations(model: type[models.Model]) -> list[Any]:
    """Relations of other apps' models that would refuse the deletion of `model` rows."""
    return [
        rel
        for rel in model._meta.related_objects
        if rel.on_delete in (models.PROTECT, models.RESTRICT) and rel.related_model not in (OrgNode, User)
    ]


def _delete_demo() -> list[tuple[int, str, str]]:
    """Delete the demo's data; return the other users that hung on the tree (pk, org code, org path)."""
    demo_users = User.objects.filter(is_demo=True)
    keys = UserSession.objects.filter(user__in=demo_users).values_list("session_key", flat=True)
    Session.objects.filter(session_key__in=list(keys)).delete()
    for rel in _protected_relations(User):
        rel.related_model._base_manager.filter(**{f"{rel.field.name}__is_demo": True}).delete()
    demo_users.delete()  # role grants and sessions go with them
    others = list(User.objects.filter(org__isnull=False).values_list("pk", "org__code", "org__path").order_by("pk"))
    User.objects.filter(org__isnull=False).update(org=None)
    for rel in _protected_relations(OrgNode):
        rel.related_model._base_manager.filter(**{f"{rel.field.name}__isnull": False}).delete()
    depths = sorted(set(OrgNode.objects.values_list("depth", flat=True)), reverse=True)
    for depth in depths:  # OrgNode.parent is PROTECT: leaves first
        OrgNode.objects.filter(depth=depth).delete()
    return others


def _insert(tree: _Tree) -> None:
    by_depth: dict[int, list[OrgNode]] = {}
    for node in tree.nodes:
        by_depth.setdefault(node.depth, []).append(node)
    for depth in sorted(by_depth):
        batch = by_depth[depth]
        for node in batch:
            if node.parent is not None:
                node.parent_id = node.parent.pk
        OrgNode.objects.bulk_create(batch, batch_size=500)
        if any(node.pk is None for node in batch):  # a backend that does not return ids
            ids = dict(OrgNode.objects.filter(depth=depth).values_list("path", "pk"))
            for node in batch:
                node.pk = ids[node.path]


def _reattach(others: list[tuple[int, str, str]], tree: _Tree) -> None:
    by_code = {n.code: n for n in tree.nodes if n.code}
    by_path = {n.path: n for n in tree.nodes}
    county = tree.by_key["county"]
    targets: dict[int, list[int]] = {}
    for pk, code, path in others:
        node = (by_code.get(code) if code else None) or by_path.get(path) or county
        targets.setdefault(node.pk, []).append(pk)
    for node_pk, user_pks in targets.items():
        User.objects.filter(pk__in=user_pks).update(org_id=node_pk)


def _clear_lockouts() -> None:
    """Failed logins of a previous demo must not keep the new accounts locked."""
    window = dt.timedelta(minutes=2 * settings.LOCKOUT_MINUTES)
    names = [a.username for a in _ACCOUNTS]
    account_services.lockouts_clear(names)
    locked = set(
        LoginEvent.objects.filter(username__in=names, success=False, at__gte=timezone.now() - window).values_list(
            "username", flat=True
        )
    )
    LoginEvent.objects.bulk_create(
        [
            LoginEvent(username=name, success=True, reason=account_services.REASON_UNLOCKED, ip="", user_agent="demo")
            for name in names
            if name in locked
        ]
    )


@dataclass(frozen=True)
class ModuleDemo:
    """A module's part of the demo: `clear()` deletes it, `load()` builds it and returns counts.

    Modules register from `AppConfig.ready()`; parts load in `order` after the organisation tree,
    the accounts and (when asked for) the registry, and are cleared in the reverse order.
    `load(stdout=…, registry=…)` is told whether the 40,000-member registry was loaded.
    """

    order: int
    name: str
    load: Any
    clear: Any


_module_demos: dict[str, ModuleDemo] = {}


def register(part: ModuleDemo) -> None:
    _module_demos[part.name] = part


def _module_parts() -> list[ModuleDemo]:
    return sorted(_module_demos.values(), key=lambda p: (p.order, p.name))


def _demo_was_loaded() -> bool:
    return AuditEntry.objects.filter(action="core.demo.loaded").exists()


def load_demo(*, stdout: TextIO | None = None, force: bool = False, registry: bool = True) -> dict[str, int]:
    """Load or reset the demo county; return the counts of what it made.

    In production (GEFENG_PRODUCTION) it refuses to wipe an organisation tree it did not load
    unless `force` is given.
    """
    with acting_from(RequestInfo(source="cli")), transaction.atomic():
        if settings.PRODUCTION and not force and OrgNode.objects.exists() and not _demo_was_loaded():
            raise DemoRefused("数据库中已有不是演示数据的组织；载入演示县会删除整个组织树。确需如此，请加 --force。")
        from gefeng.members.demo import clear_registry, load_registry

        for part in reversed(_module_parts()):
            part.clear()
        clear_registry()
        others = _delete_demo()
        tree, counts = _build()
        _insert(tree)
        _reattach(others, tree)
        if stdout is not None:
            stdout.write(f"已生成组织 {counts['nodes']} 个，正在创建演示账号……\n")
        for acc in _ACCOUNTS:
            account_services.user_create(
                actor=SYSTEM,
                username=acc.username,
                name=acc.name,
                org=tree.by_key[acc.org],
                password=DEMO_PASSWORD,
                roles={acc.role} if acc.role else set(),
                superuser=not acc.role,
                is_demo=True,
                must_change=settings.PRODUCTION,
            )
        _clear_lockouts()
        counts["accounts"] = len(_ACCOUNTS)
        if registry:
            counts |= load_registry(stdout=stdout)
        for part in _module_parts():
            counts |= part.load(stdout=stdout, registry=registry)
        audit.record(actor=None, action="core.demo.loaded", obj=tree.by_key["county"], changes=dict(counts))
    return counts


def disable_demo() -> int:
    """Deactivate every demo account and end its sessions; return how many were active."""
    with acting_from(RequestInfo(source="cli")), transaction.atomic():
        users = list(User.objects.filter(is_demo=True, is_active=True).order_by("username"))
        ids = [u.pk for u in users]
        keys = list(UserSession.objects.filter(user_id__in=ids).values_list("session_key", flat=True))
        Session.objects.filter(session_key__in=keys).delete()
        UserSession.objects.filter(user_id__in=ids, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason="disabled"
        )
        User.objects.filter(pk__in=ids).update(is_active=False)
        audit.record(
            actor=None,
            action="core.demo.disabled",
            object_type="accounts.user",
            object_repr="演示账号",
            changes={"usernames": [u.username for u in users]},
        )
    return len(users)
