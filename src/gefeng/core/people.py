"""Realistic fake workers, deterministic from a seed: the demo county, the tests and the benchmarks.

`PersonFactory(seed)` draws everything from one `random.Random(seed)` (only `random()` is used, whose
sequence Python keeps stable), so the same seed gives the same people in the same order on every run.

A person is consistent in itself: the 居民身份证号 carries the birth date and a sequence code whose
parity gives the sex, its check digit is GB 11643's, and it is unique within one factory; women are
at most 55 and men at most 60 on `today` (retirement ages) where the birth years allow it; education,
skill level and the 入会 date fit the age (nobody joins before 16, a 本科 graduate not before 22); a
共青团员 is at most 28; the 新就业形态 groups come with their own 工种. Address codes are mostly the
workplace's (`region`, 沛县 by default), the others those of the counties migrant workers come from.

Names are drawn from the ~100 most common surnames by frequency (复姓 and surnames with tricky
pinyin — 单 解 仇 区 查 朴 — rarely) and given names of the bearer's sex and generation, with a few
rare characters (堃 喆 玥 …). All names are fictional; a likeness to a real person is accidental.
Mobile numbers have real operators' prefixes and random subscriber digits: they may exist, so never
call or text them.

Speed: about 100,000 people a second on one core of the (slow) development server — 10⁶ people
in 10 s with 50 MB resident; most of it is building the `Person` objects and their strings.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import random
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from gefeng.core.validators import id_check_char

T = TypeVar("T")

REGION = "320322"  # 沛县
TODAY = dt.date(2020, 12, 31)  # the year of the county's account
BORN_BETWEEN = (1960, 2004)

# Address codes (GB/T 2260) of the places the county's migrant workers come from, with weights.
MIGRANT_REGIONS: dict[str, tuple[str, int]] = {
    "320321": ("江苏省徐州市丰县", 14),
    "320324": ("江苏省徐州市睢宁县", 8),
    "320381": ("江苏省新沂市", 5),
    "320382": ("江苏省邳州市", 6),
    "320323": ("江苏省徐州市铜山县", 8),
    "320305": ("江苏省徐州市贾汪区", 3),
    "320302": ("江苏省徐州市鼓楼区", 2),
    "320311": ("江苏省徐州市泉山区", 2),
    "321322": ("江苏省沭阳县", 2),
    "321324": ("江苏省泗洪县", 2),
    "370826": ("山东省微山县", 10),
    "370827": ("山东省鱼台县", 7),
    "371722": ("山东省单县", 6),
    "370829": ("山东省嘉祥县", 3),
    "371721": ("山东省曹县", 3),
    "370481": ("山东省滕州市", 3),
    "341321": ("安徽省砀山县", 6),
    "341322": ("安徽省萧县", 4),
    "341302": ("安徽省宿州市埇桥区", 2),
    "340621": ("安徽省濉溪县", 2),
    "411424": ("河南省柘城县", 3),
    "411481": ("河南省永城市", 4),
    "411426": ("河南省夏邑县", 2),
    "411421": ("河南省民权县", 2),
}
LOCAL_SHARE = 0.86  # of address codes equal to the workplace's region
LOCAL_MIGRANT_SHARE = {"一线工人": 0.25, "技术人员": 0.06, "管理人员": 0.04, "其他": 0.18}


def _split(text: str) -> list[str]:
    return text.split()


def _weighted(text: str) -> list[tuple[str, int]]:
    """'王710 李700 …' → [('王', 710), ('李', 700), …]."""
    return [(v, int(w)) for v, w in re.findall(r"(\D+?)(\d+)", text.replace(" ", ""))]


# Frequency per 10,000 (national figures, rounded). 萧 is rare beside 肖; 阎 beside 闫.
SURNAMES = _weighted(
    "王710 李700 张690 刘540 陈450 杨310 赵220 黄220 吴200 周190 徐170 孙150 马150 朱130 胡130 "
    "郭120 林120 何120 高110 梁100 郑100 罗100 宋90 谢85 唐80 韩80 曹75 许75 邓75 肖70 萧5 "
    "冯70 曾65 程65 蔡60 彭60 潘60 袁60 于60 董55 余55 苏55 叶55 吕50 魏50 蒋50 田50 杜45 丁45 "
    "沈45 姜45 范45 江45 傅40 钟40 卢40 汪40 戴40 崔40 任40 陆35 廖35 姚35 方35 金35 邱35 "
    "夏35 谭35 韦35 贾35 邹30 石30 熊30 孟30 秦30 闫20 阎15 薛25 侯25 雷25 白25 龙25 段25 "
    "郝25 孔20 邵20 史20 毛20 常20 万20 顾20 赖20 武20 康20 贺20 严20 尹20 钱15 施15 牛15 "
    "洪15 龚15 "
    # tricky pinyin: 单 Shàn, 解 Xiè, 仇 Qiú, 区 Ōu, 查 Zhā, 朴 Piáo (曾 Zēng is above)
    "单8 解3 仇3 区1 查2 朴1 "
    # 复姓
    "欧阳2 司马1 诸葛1"
)
RARE_SURNAMES = frozenset(("单", "解", "仇", "区", "查", "朴", "欧阳", "司马", "诸葛"))

# Given names by sex and generation: single characters, whole two-character names, and first and
# second characters that combine well.
_GIVEN: dict[tuple[str, str], dict[str, list[str]]] = {
    ("男", "old"): {
        "single": list("军强伟勇刚平明华斌涛杰辉林峰兵东亮波彬超健毅忠良"),
        "whole": _split(
            "建国 建军 建华 建平 国庆 国强 国华 志强 志刚 志勇 卫东 卫国 红军 立新 振华 长青 德胜 保国 "
            "永红 海峰 文明 春生 文华 玉林 庆丰 学军 建设 明亮 永强 光明 金龙 铁军 宝山 新民 跃进 爱国 "
            "朝阳 德华 中华 东升 海军 庆华 广富 成龙 前进 向东 红卫 跃华 开华 先锋 传海 继承 登科 守仁"
        ),
        "first": list("建国志卫立振德保永海文春玉庆学明光金新红东广传继长宝"),
        "second": list("国军华平强刚勇东新民林生明亮峰龙山杰忠良富贵成才祥福"),
    },
    ("男", "young"): {
        "single": list("伟磊鹏浩宇凯鑫帅龙晨阳旭博成昊洋涛超俊斌杰睿"),
        "whole": _split(
            "浩然 子豪 俊杰 宇航 晨阳 一鸣 文博 子轩 梓豪 浩宇 思远 明轩 天宇 嘉豪 志豪 博文 家豪 晓东 "
            "海洋 鹏飞 金鑫 振宇 佳豪 昊天 子健 宇翔 俊豪 雨泽 鑫磊 新宇 雪松 磊磊 亮亮 壮壮 晓峰 "
            "明杰 少华 永康 文杰 凯文 建伟 海涛 宏伟 志远 瑞祥 嘉诚 立峰 晓龙 一帆 子航 奕辰 皓轩"
        ),
        "first": list("子浩宇俊晨文思明天嘉家晓鹏志佳昊一梓新振雨鑫俊"),
        "second": list("轩豪杰宇航阳博远涛辉鹏飞龙峰磊鑫浩然睿诚泽凯翔"),
    },
    ("女", "old"): {
        "single": list("芳娟敏静丽艳霞燕红玲梅萍英兰华琴云珍凤"),
        "whole": _split(
            "秀英 桂英 秀兰 玉兰 桂兰 秀珍 凤英 玉梅 玉珍 春梅 红梅 丽娟 海燕 秀云 淑珍 桂芳 冬梅 美玲 "
            "金凤 月娥 素梅 爱华 翠英 建英 凤兰 玉凤 丽华 红霞 春燕 小红 秀梅 丽萍 雪梅 永梅 素英 "
            "玉芳 彩霞 桂珍 春兰 亚萍 晓红 新华 红英 爱玲 丽君"
        ),
        "first": list("秀桂玉春红丽海淑美金凤爱翠素彩亚晓新"),
        "second": list("英兰梅珍芳云霞凤娟华萍玲琴燕红莲"),
    },
    ("女", "young"): {
        "single": list("静敏丽婷雪莉倩颖洁慧丹娜晶璐蕾悦欣琳萌瑶"),
        "whole": _split(
            "欣怡 梓涵 诗涵 雨涵 子涵 佳怡 思雨 婷婷 晓燕 文静 雪梅 静怡 梦瑶 雨欣 可欣 佳琪 晓丽 丹丹 "
            "倩倩 欢欢 晶晶 玉婷 雅琪 紫萱 梦琪 思琪 佳慧 晓雪 慧敏 梦洁 雨萱 艺涵 晓琳 文娟 丽娜 "
            "春艳 海霞 玲玲 亚楠 晓敏 美琪 雅婷 莹莹 一诺 梦婷 欣然 心怡 若曦"
        ),
        "first": list("欣梓诗雨子佳思晓文雪静梦可雅紫艺美心若玉"),
        "second": list("怡涵琪萱雨婷欣瑶洁慧敏琳丽娜雪然彤悦"),
    },
}
# Rare characters (not in GB 2312, but in GBK and the BMP): 堃 喆 赟 for men, 玥 珺 瑄 for women.
_RARE_GIVEN = {
    "男": _split("堃 喆 赟 子堃 浩堃 志堃 俊喆 文喆 一喆 宇喆 晓赟 浩赟"),
    "女": _split("玥 珺 瑄 梓玥 欣玥 语玥 子玥 珺瑶 雨瑄 晓珺 佳玥 思瑄"),
}
RARE_GIVEN_SHARE = 0.004

ETHNIC_GROUPS = _weighted("汉族9900 回族60 满族15 蒙古族12 壮族13")

JOB_CATEGORIES = _weighted("一线工人65 技术人员14 管理人员11 其他10")

# (工种, weight) by job category and sex.
OCCUPATIONS: dict[tuple[str, str], list[tuple[str, int]]] = {
    ("一线工人", "男"): _weighted(
        "车工8 钳工7 焊工9 电工7 装配工10 铣工4 数控车工5 机修工5 铸造工4 冲压工4 喷涂工3 注塑工3 "
        "锅炉工2 叉车司机4 驾驶员6 装卸工4 钢筋工4 砌筑工4 木工4 架子工2 混凝土工3 塔吊司机1 "
        "起重工2 油漆工2 挡车工2 纺织工2 包装工2 仓库保管员2 厨师2 公交驾驶员2"
    ),
    ("一线工人", "女"): _weighted(
        "纺织工12 挡车工10 缝纫工12 装配工12 质检员6 包装工8 电子元件装配工6 服装制版工2 "
        "保洁员5 营业员5 收银员4 餐厅服务员4 厨师1 仓库保管员2 食品加工工4 注塑工2 公交驾驶员1"
    ),
    ("技术人员", "男"): _weighted(
        "技术员10 工艺员5 质检员4 设备工程师5 电气工程师5 机械工程师6 数控编程员3 化验员2 "
        "安全员4 软件工程师2 网络维护员3 测量员2 施工员3 教师3"
    ),
    ("技术人员", "女"): _weighted(
        "技术员8 工艺员4 质检员7 化验员6 设计员3 软件工程师2 网络维护员2 施工员1 统计员3 教师6"
    ),
    ("管理人员", "男"): _weighted(
        "班组长12 车间主任8 生产主管5 行政文员3 会计2 人事专员2 销售员8 采购员5 仓库主管3 项目经理3"
    ),
    ("管理人员", "女"): _weighted(
        "班组长6 车间主任2 生产主管2 行政文员9 会计9 出纳6 人事专员6 销售员6 采购员3 客服主管3"
    ),
    ("其他", "男"): _weighted("门卫5 绿化工3 食堂炊事员4 维修工5 保管员3 杂工4 驾驶员4"),
    ("其他", "女"): _weighted("保洁员8 食堂炊事员5 食堂服务员5 保管员3 绿化工2 宿舍管理员3 收发员2"),
}

# 新就业形态 “八大群体”: group → 工种, weights by sex. Only 一线工人 belong to one.
NEW_FORM_SHARE = 0.06  # of 一线工人, ≈ 4 % of all
NEW_FORM_OCCUPATION = {
    "货车司机": "货车驾驶员",
    "快递员": "快递员",
    "护工护理员": "护理员",
    "家政服务员": "家政服务员",
    "商场信息员": "商场信息员",
    "网约送餐员": "网约配送员",
    "房产中介员": "房地产经纪人",
    "保安员": "保安员",
}
NEW_FORM_GROUPS = {
    "男": _weighted("货车司机30 快递员28 网约送餐员22 保安员14 房产中介员3 商场信息员2 护工护理员1"),
    "女": _weighted("家政服务员30 护工护理员28 快递员10 网约送餐员8 商场信息员10 房产中介员8 保安员5 货车司机1"),
}

SKILL_LEVELS = ("五级/初级工", "四级/中级工", "三级/高级工", "二级/技师", "一级/高级技师")
_SKILL_MIN_AGE = {
    "": 0,
    "五级/初级工": 16,
    "四级/中级工": 20,
    "三级/高级工": 24,
    "二级/技师": 28,
    "一级/高级技师": 33,
}
_SKILL_DOWN = {SKILL_LEVELS[i]: (SKILL_LEVELS[i - 1] if i else "") for i in range(len(SKILL_LEVELS))}
SKILLS: dict[str, list[tuple[str, int]]] = {
    "一线工人": [("", 46), *zip(SKILL_LEVELS, (22, 17, 10, 4, 1), strict=True)],
    "技术人员": [("", 30), *zip(SKILL_LEVELS, (8, 18, 24, 13, 7), strict=True)],
    "管理人员": [("", 70), *zip(SKILL_LEVELS, (5, 9, 9, 5, 2), strict=True)],
    "其他": [("", 85), *zip(SKILL_LEVELS, (9, 5, 1, 0, 0), strict=True)],
    "新就业形态": [("", 90), *zip(SKILL_LEVELS, (7, 3, 0, 0, 0), strict=True)],
}

EDUCATION_LEVELS = ("小学", "初中", "高中", "中专", "大专", "本科", "硕士", "博士")
_EDU_MIN_AGE = (16, 16, 18, 18, 20, 22, 25, 28)  # earliest age to start work with each
_EDU_DOWN = (0, 0, 1, 1, 3, 4, 5, 6)  # the level below: 大专 → 中专 → 初中, 高中 → 初中 …
# Weights by job category and generation (born before 1975, 1975–1989, from 1990).
EDUCATION: dict[tuple[str, int], tuple[int, ...]] = {
    ("一线工人", 0): (12, 52, 20, 10, 5, 1, 0, 0),
    ("一线工人", 1): (3, 42, 24, 16, 12, 3, 0, 0),
    ("一线工人", 2): (0, 22, 20, 26, 25, 7, 0, 0),
    ("技术人员", 0): (0, 4, 18, 26, 30, 21, 1, 0),
    ("技术人员", 1): (0, 1, 8, 16, 38, 34, 3, 0),
    ("技术人员", 2): (0, 0, 3, 12, 40, 40, 5, 0),
    ("管理人员", 0): (1, 12, 26, 18, 24, 18, 1, 0),
    ("管理人员", 1): (0, 5, 14, 14, 35, 29, 3, 0),
    ("管理人员", 2): (0, 2, 8, 10, 38, 37, 5, 0),
    ("其他", 0): (20, 55, 18, 5, 2, 0, 0, 0),
    ("其他", 1): (6, 50, 24, 10, 8, 2, 0, 0),
    ("其他", 2): (1, 30, 26, 20, 18, 5, 0, 0),
}
# 中共党员 share by job category (≈ 12 % overall); 共青团员 share of those at most 28.
PARTY_SHARE = {"一线工人": 0.07, "技术人员": 0.18, "管理人员": 0.35, "其他": 0.09}
LEAGUE_SHARE = 0.40

# Mobile prefixes (China Mobile, Unicom, Telecom, Broadnet) with weights.
MOBILE_PREFIXES = [
    (prefix, int(weight))
    for prefix, weight in (
        item.split(":")
        for item in _split(
            "134:8 135:8 136:8 137:8 138:10 139:10 147:7 150:8 151:6 152:5 157:6 158:6 159:6 172:3 "
            "178:5 182:3 183:3 184:3 187:6 188:6 195:3 198:3 130:6 131:6 132:4 145:3 155:5 156:6 166:3 "
            "175:2 176:3 185:7 186:6 196:1 133:5 149:2 153:5 173:3 177:4 180:7 181:5 189:6 190:2 191:4 "
            "193:3 199:5 192:1"
        )
    )
]


@dataclass(frozen=True)
class Person:
    """One generated worker; the field values are those of the 会员花名册 columns."""

    name: str
    sex: str  # "男" or "女"
    birth_date: dt.date
    id_number: str  # 18 characters, check digit per GB 11643
    mobile: str  # 11 digits
    ethnicity: str  # 汉族, 回族 …
    political_status: str  # 群众, 中共党员, 中共预备党员, 共青团员, 其他
    education: str  # 小学 … 博士
    job_category: str  # 一线工人, 技术人员, 管理人员, 其他
    occupation: str  # 工种
    skill_level: str  # "" or 五级/初级工 … 一级/高级技师
    new_form_group: str  # "" or one of the 八大群体
    migrant: bool  # 农民工
    joined_on: dt.date  # 入会日期
    card_number: str  # 会员证号

    @property
    def region(self) -> str:
        """The address code of the ID number (where the person is registered)."""
        return self.id_number[:6]

    def age_on(self, day: dt.date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


def _lut(pairs: Iterable[tuple[T, float]], size: int = 20_000) -> list[T]:
    """A look-up table for weighted draws: `lut[int(random() * len(lut))]`.

    Integer weights up to `size` in total are kept exactly (each value repeated weight times);
    other weights are rounded to `size` slots (a value with a positive weight keeps at least one).
    """
    pairs = [(v, w) for v, w in pairs if w > 0]
    total = sum(w for _v, w in pairs)
    if total <= size and all(float(w).is_integer() for _v, w in pairs):
        return [v for v, w in pairs for _i in range(int(w))]
    lut: list[T] = []
    cum = 0.0
    for v, w in pairs:
        cum += w
        lut.extend([v] * max(1, round(cum * size / total) - len(lut)))
    return lut


@dataclass(frozen=True)
class _Tables:
    """The look-up tables that do not depend on the region, the years or `today`."""

    surnames: list[str]
    given: dict[tuple[bool, bool], list[str]]  # (male, young) → given names
    rare: dict[bool, list[str]]
    jobs: dict[bool, list[tuple[str, str, str]]]  # male → (category, occupation, new-form group)
    education: dict[tuple[str, int], list[int]]  # (category, generation) → index in EDUCATION_LEVELS
    skills: dict[str, list[str]]
    ethnic: list[str]
    mobiles: list[int]  # prefix · 10⁸


@functools.cache
def _tables() -> _Tables:
    given: dict[tuple[bool, bool], list[str]] = {}
    for (sex, era), pools in _GIVEN.items():
        young = era == "young"
        single_share = 0.12 if young else 0.22
        pairs: list[tuple[str, float]] = []
        pairs += [(g, single_share / len(pools["single"])) for g in pools["single"]]
        pairs += [(g, 0.50 / len(pools["whole"])) for g in pools["whole"]]
        combos = [a + b for a in pools["first"] for b in pools["second"] if a != b]
        pairs += [(g, (0.50 - single_share) / len(combos)) for g in combos]
        given[(sex == "男", young)] = _lut(pairs, 100_000)
    jobs: dict[bool, list[tuple[str, str, str]]] = {}
    categories = dict(JOB_CATEGORIES)
    total = sum(categories.values())
    for male, sex in ((True, "男"), (False, "女")):
        job_pairs: list[tuple[tuple[str, str, str], float]] = []
        for category, weight in categories.items():
            share = weight / total
            if category == "一线工人":
                forms = NEW_FORM_GROUPS[sex]
                form_total = sum(w for _g, w in forms)
                job_pairs += [
                    ((category, NEW_FORM_OCCUPATION[g], g), share * NEW_FORM_SHARE * w / form_total) for g, w in forms
                ]
                share *= 1 - NEW_FORM_SHARE
            occupations = OCCUPATIONS[(category, sex)]
            occ_total = sum(w for _o, w in occupations)
            job_pairs += [((category, o, ""), share * w / occ_total) for o, w in occupations]
        jobs[male] = _lut(job_pairs, 100_000)
    return _Tables(
        surnames=_lut(SURNAMES),
        given=given,
        rare={sex == "男": names for sex, names in _RARE_GIVEN.items()},
        jobs=jobs,
        education={key: _lut(list(enumerate(weights))) for key, weights in EDUCATION.items()},
        skills={cat: _lut(pairs) for cat, pairs in SKILLS.items()},
        ethnic=_lut(ETHNIC_GROUPS),
        mobiles=[int(prefix) * 10**8 for prefix in _lut(MOBILE_PREFIXES)],
    )


def _years_after(ordinal: int, years: int) -> int:
    """An ordinal on or at most two days after the `years`-th anniversary of `ordinal`."""
    return ordinal + 365 * years + years // 4 + 1


def _anniversary(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return dt.date(day.year + years, 3, 1)


def _check_tables() -> tuple[tuple[int, ...], str]:
    """GB 11643's weights and check characters, read off `validators.id_check_char`.

    The generator adds cached partial sums (address code, birth date, sequence code) instead of
    calling `id_check_char` per person (4 µs each); reading both tables from it keeps one source.
    """
    by_rest = {}  # weighted sum mod 11 → check character; position 8 has weight 1
    for digit in range(10):
        by_rest[digit] = id_check_char("0" * 7 + str(digit) + "0" * 9)
    by_rest[10] = id_check_char("0" * 7 + "8" + "0" * 8 + "1")  # 8 + weight of the last position (2)
    check = "".join(by_rest[r] for r in range(11))
    weights = tuple(check.index(id_check_char("0" * i + "1" + "0" * (16 - i))) for i in range(17))
    return weights, check


_WEIGHTS, _CHECK = _check_tables()
_SEQ_SUMS = [sum(int(c) * w for c, w in zip(f"{s:03d}", _WEIGHTS[14:], strict=True)) for s in range(1000)]

_EPOCH_1985 = dt.date(1985, 1, 1).toordinal()
_new = object.__new__
_set = object.__setattr__


class PersonFactory:
    """Deterministic realistic workers. ID and card numbers are unique within one instance."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._rng = random.Random(seed)
        self._makers: dict[tuple[str, tuple[int, int], dt.date], Callable[[], Person]] = {}
        self._used: dict[int, int] = {}  # day · 4096 + address code index → mask of used sequence codes
        self._region_index: dict[str, int] = {}
        self._region_sums: dict[str, int] = {}
        self._dates: dict[int, tuple[dt.date, str, int]] = {}  # ordinal → day, YYYYMMDD, check sum
        self._count = 0
        self._card_offset = random.Random(seed ^ 0x5EED).randrange(10**8)

    # ------------------------------------------------------------ public

    def person(
        self, *, region: str = REGION, born_between: tuple[int, int] = BORN_BETWEEN, today: dt.date = TODAY
    ) -> Person:
        return self._maker(region, born_between, today)()

    def people(
        self,
        n: int,
        *,
        region: str = REGION,
        born_between: tuple[int, int] = BORN_BETWEEN,
        today: dt.date = TODAY,
    ) -> Iterator[Person]:
        make = self._maker(region, born_between, today)
        for _i in range(n):
            yield make()

    # ------------------------------------------------------------ internals

    def _date(self, ordinal: int) -> tuple[dt.date, str, int]:
        day = dt.date.fromordinal(ordinal)
        ymd = f"{day.year:04d}{day.month:02d}{day.day:02d}"
        hit = self._dates[ordinal] = (
            day,
            ymd,
            sum(int(c) * w for c, w in zip(ymd, _WEIGHTS[6:14], strict=True)),
        )
        return hit

    def _free_sequence(self, used: int, parity: int) -> int | None:
        free = [s for s in range(parity, 1000, 2) if not used >> s & 1]
        return free[int(self._rng.random() * len(free))] if free else None

    def _maker(self, region: str, born_between: tuple[int, int], today: dt.date) -> Callable[[], Person]:
        key = (region, (int(born_between[0]), int(born_between[1])), today)
        make = self._makers.get(key)
        if make is None:
            make = self._makers[key] = self._build_maker(*key)
        return make

    def _build_maker(  # one closure keeps the per-person work in local variables
        self, region: str, born_between: tuple[int, int], today: dt.date
    ) -> Callable[[], Person]:
        if len(region) != 6 or not region.isdigit():
            raise ValueError(f"region must be a 6-digit address code, not {region!r}")
        first_year, last_year = born_between
        start = dt.date(max(first_year, 1901), 1, 1)
        end = min(dt.date(last_year, 12, 31), _anniversary(today, -16))  # 16 on `today` at the latest
        if start > end:
            raise ValueError(f"nobody born in {first_year}–{last_year} is 16 on {today}")
        peak = _anniversary(today, -35).toordinal()  # the age pyramid's peak, inside the range
        births: dict[bool, tuple[int, float, float]] = {}
        for male, oldest in ((True, 60), (False, 55)):  # retirement ages
            lo = max(start, dt.date(today.year - oldest, 1, 1))
            if lo > end:  # the caller asked for older people: give them
                lo = start
            span = end.toordinal() - lo.toordinal() + 0.999
            mode = min(max((peak - lo.toordinal()) / span, 0.0), 1.0)
            births[male] = (lo.toordinal(), span, mode)

        others = [(code, float(w)) for code, (_name, w) in MIGRANT_REGIONS.items() if code != region]
        other_total = sum(w for _c, w in others)
        homes = _lut([(region, LOCAL_SHARE * other_total / (1 - LOCAL_SHARE)), *others])
        for code in sorted(set(homes)):
            self._region_index.setdefault(code, len(self._region_index))
            self._region_sums[code] = sum(int(c) * w for c, w in zip(code, _WEIGHTS[:6], strict=True))
        region_index, region_sums = self._region_index, self._region_sums

        t = _tables()
        surnames, given, rare, jobs_by_sex = t.surnames, t.given, t.rare, t.jobs
        education, skills, ethnic, mobiles = t.education, t.skills, t.ethnic, t.mobiles
        n_surnames, n_ethnic, n_mobiles, n_homes = len(surnames), len(ethnic), len(mobiles), len(homes)

        # The latest birth ordinal that allows a level (education, skill) by `today`, and the
        # earliest day after birth to join the union with an education level.
        today_ord = today.toordinal()
        edu_start = [_years_after(0, age) for age in _EDU_MIN_AGE]
        edu_latest = [today_ord - days for days in edu_start]
        skill_latest = {k: _anniversary(today, -age).toordinal() for k, age in _SKILL_MIN_AGE.items()}
        adult = _anniversary(today, -18).toordinal()  # born on or before: 18 or older
        league = _anniversary(today, -29).toordinal()  # born after: at most 28

        rng = self._rng
        rand = rng.random
        used_masks = self._used
        dates = self._dates
        date_of = self._date
        free_sequence = self._free_sequence
        sqrt = math.sqrt
        card_offset = self._card_offset
        card_base = int(region + "20") * 10**8
        seq_text = [f"{s:03d}" for s in range(1000)]
        factory = self

        def make() -> Person:
            male = rand() < 0.56
            jobs = jobs_by_sex[male]
            category, occupation, new_form = jobs[int(rand() * len(jobs))]

            # Birth date (triangular), address code and a free sequence code of the sex's parity.
            first, span, mode = births[male]
            home = homes[int(rand() * n_homes)]
            index = region_index[home]
            parity, choices = (1, 500.0) if male else (2, 499.0)  # men odd 001–999, women even 002–998
            full_days = 0
            while True:
                u = rand()
                x = span * (sqrt(u * mode) if u < mode else 1.0 - sqrt((1.0 - u) * (1.0 - mode)))
                birth_ord = first + int(x)
                key = birth_ord * 4096 + index
                used = used_masks.get(key, 0)
                for _try in range(8):
                    seq = 2 * int(rand() * choices) + parity
                    if not used >> seq & 1:
                        break
                else:
                    found = free_sequence(used, parity)
                    if found is None:  # this day is full: draw another
                        full_days += 1
                        if full_days > 1000:
                            raise RuntimeError(
                                f"no ID numbers left for {'men' if male else 'women'} of {home} "
                                f"born in {born_between[0]}–{born_between[1]}"
                            )
                        continue
                    seq = found
                used_masks[key] = used | 1 << seq
                break
            birth, ymd, date_sum = dates.get(birth_ord) or date_of(birth_ord)
            id_number = home + ymd + seq_text[seq] + _CHECK[(region_sums[home] + date_sum + _SEQ_SUMS[seq]) % 11]
            year = birth.year

            levels = education[(category, 0 if year < 1975 else 1 if year < 1990 else 2)]
            edu = levels[int(rand() * len(levels))]
            while birth_ord > edu_latest[edu] and edu > 1:
                edu = _EDU_DOWN[edu]

            pool = skills["新就业形态" if new_form else category]
            skill = pool[int(rand() * len(pool))]
            while birth_ord > skill_latest[skill]:
                skill = _SKILL_DOWN[skill]

            u = rand()
            party = PARTY_SHARE[category]
            if u < party and birth_ord <= adult:
                political = "中共预备党员" if u < party * 0.04 else "中共党员"
            elif birth_ord > league and rand() < LEAGUE_SHARE:
                political = "共青团员"
            else:
                political = "其他" if rand() < 0.003 else "群众"

            migrant = home != region or rand() < LOCAL_MIGRANT_SHARE[category]

            # 入会: after starting work, rarely before 1985, more often in recent years.
            lo = birth_ord + edu_start[edu]
            lo = _EPOCH_1985 if lo < _EPOCH_1985 else today_ord if lo > today_ord else lo
            u = rand()
            joined_ord = lo + int((today_ord - lo) * (1.0 - u * u))
            joined = (dates.get(joined_ord) or date_of(joined_ord))[0]

            surname = surnames[int(rand() * n_surnames)]
            if year >= 1975 and rand() < RARE_GIVEN_SHARE:
                names = rare[male]
                name = surname + names[int(rand() * len(names))]
            else:
                names = given[(male, rand() < (year - 1968) / 22.0)]  # old names before 1968
                name = surname + names[int(rand() * len(names))]

            factory._count += 1
            card = (factory._count * 7_654_321 + card_offset) % 100_000_000

            # A frozen dataclass's __init__ sets each field with object.__setattr__ (3 µs);
            # filling __dict__ at once gives the same object four times faster.
            person = _new(Person)
            _set(
                person,
                "__dict__",
                {
                    "name": name,
                    "sex": "男" if male else "女",
                    "birth_date": birth,
                    "id_number": id_number,
                    "mobile": str(mobiles[int(rand() * n_mobiles)] + int(rand() * 1e8)),
                    "ethnicity": ethnic[int(rand() * n_ethnic)],
                    "political_status": political,
                    "education": EDUCATION_LEVELS[edu],
                    "job_category": category,
                    "occupation": occupation,
                    "skill_level": skill,
                    "new_form_group": new_form,
                    "migrant": migrant,
                    "joined_on": joined,
                    "card_number": str(card_base + card),
                },
            )
            return person

        return make


# ---------------------------------------------------------------- contacts of organisations

_CONTACT_SURNAMES = (
    "张王李刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛"
    "叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹常武乔贺樊胥"
)
_CONTACT_GIVEN = "建国军华明伟芳秀英敏静丽强磊洋艳勇杰娟涛超霞平刚桂兰红梅玉凤志宏海波春燕晓东亮鹏飞文博浩宇辉成新永德"


def contact_name(rng: random.Random) -> str:
    """A contact person's name for a generated organisation (drawn from `rng`, not a registry person)."""
    return rng.choice(_CONTACT_SURNAMES) + "".join(rng.choice(_CONTACT_GIVEN) for _ in range(rng.choice((1, 2, 2))))


def contact_mobile(rng: random.Random) -> str:
    """A mobile number with a real operator prefix and random digits: it may exist, never call it."""
    return "1" + rng.choice("3578") + rng.choice("0123456789") + f"{rng.randrange(10**8):08d}"
