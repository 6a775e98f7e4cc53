"""The tables fake people are drawn from (`core.people`): surnames by frequency, given names by
sex and generation, address codes of where migrant workers come from, jobs, skills, education,
party membership and mobile prefixes. National figures, rounded; all the people are fictional."""

from __future__ import annotations

import datetime as dt
import re
from typing import TypeVar

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


def split(text: str) -> list[str]:
    return text.split()


def weighted(text: str) -> list[tuple[str, int]]:
    """'王710 李700 …' → [('王', 710), ('李', 700), …]."""
    return [(v, int(w)) for v, w in re.findall(r"(\D+?)(\d+)", text.replace(" ", ""))]


# Frequency per 10,000 (national figures, rounded). 萧 is rare beside 肖; 阎 beside 闫.
SURNAMES = weighted(
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
GIVEN: dict[tuple[str, str], dict[str, list[str]]] = {
    ("男", "old"): {
        "single": list("军强伟勇刚平明华斌涛杰辉林峰兵东亮波彬超健毅忠良"),
        "whole": split(
            "建国 建军 建华 建平 国庆 国强 国华 志强 志刚 志勇 卫东 卫国 红军 立新 振华 长青 德胜 保国 "
            "永红 海峰 文明 春生 文华 玉林 庆丰 学军 建设 明亮 永强 光明 金龙 铁军 宝山 新民 跃进 爱国 "
            "朝阳 德华 中华 东升 海军 庆华 广富 成龙 前进 向东 红卫 跃华 开华 先锋 传海 继承 登科 守仁"
        ),
        "first": list("建国志卫立振德保永海文春玉庆学明光金新红东广传继长宝"),
        "second": list("国军华平强刚勇东新民林生明亮峰龙山杰忠良富贵成才祥福"),
    },
    ("男", "young"): {
        "single": list("伟磊鹏浩宇凯鑫帅龙晨阳旭博成昊洋涛超俊斌杰睿"),
        "whole": split(
            "浩然 子豪 俊杰 宇航 晨阳 一鸣 文博 子轩 梓豪 浩宇 思远 明轩 天宇 嘉豪 志豪 博文 家豪 晓东 "
            "海洋 鹏飞 金鑫 振宇 佳豪 昊天 子健 宇翔 俊豪 雨泽 鑫磊 新宇 雪松 磊磊 亮亮 壮壮 晓峰 "
            "明杰 少华 永康 文杰 凯文 建伟 海涛 宏伟 志远 瑞祥 嘉诚 立峰 晓龙 一帆 子航 奕辰 皓轩"
        ),
        "first": list("子浩宇俊晨文思明天嘉家晓鹏志佳昊一梓新振雨鑫俊"),
        "second": list("轩豪杰宇航阳博远涛辉鹏飞龙峰磊鑫浩然睿诚泽凯翔"),
    },
    ("女", "old"): {
        "single": list("芳娟敏静丽艳霞燕红玲梅萍英兰华琴云珍凤"),
        "whole": split(
            "秀英 桂英 秀兰 玉兰 桂兰 秀珍 凤英 玉梅 玉珍 春梅 红梅 丽娟 海燕 秀云 淑珍 桂芳 冬梅 美玲 "
            "金凤 月娥 素梅 爱华 翠英 建英 凤兰 玉凤 丽华 红霞 春燕 小红 秀梅 丽萍 雪梅 永梅 素英 "
            "玉芳 彩霞 桂珍 春兰 亚萍 晓红 新华 红英 爱玲 丽君"
        ),
        "first": list("秀桂玉春红丽海淑美金凤爱翠素彩亚晓新"),
        "second": list("英兰梅珍芳云霞凤娟华萍玲琴燕红莲"),
    },
    ("女", "young"): {
        "single": list("静敏丽婷雪莉倩颖洁慧丹娜晶璐蕾悦欣琳萌瑶"),
        "whole": split(
            "欣怡 梓涵 诗涵 雨涵 子涵 佳怡 思雨 婷婷 晓燕 文静 雪梅 静怡 梦瑶 雨欣 可欣 佳琪 晓丽 丹丹 "
            "倩倩 欢欢 晶晶 玉婷 雅琪 紫萱 梦琪 思琪 佳慧 晓雪 慧敏 梦洁 雨萱 艺涵 晓琳 文娟 丽娜 "
            "春艳 海霞 玲玲 亚楠 晓敏 美琪 雅婷 莹莹 一诺 梦婷 欣然 心怡 若曦"
        ),
        "first": list("欣梓诗雨子佳思晓文雪静梦可雅紫艺美心若玉"),
        "second": list("怡涵琪萱雨婷欣瑶洁慧敏琳丽娜雪然彤悦"),
    },
}
# Rare characters (not in GB 2312, but in GBK and the BMP): 堃 喆 赟 for men, 玥 珺 瑄 for women.
RARE_GIVEN = {
    "男": split("堃 喆 赟 子堃 浩堃 志堃 俊喆 文喆 一喆 宇喆 晓赟 浩赟"),
    "女": split("玥 珺 瑄 梓玥 欣玥 语玥 子玥 珺瑶 雨瑄 晓珺 佳玥 思瑄"),
}
RARE_GIVEN_SHARE = 0.004

ETHNIC_GROUPS = weighted("汉族9900 回族60 满族15 蒙古族12 壮族13")

JOB_CATEGORIES = weighted("一线工人65 技术人员14 管理人员11 其他10")

# (工种, weight) by job category and sex.
OCCUPATIONS: dict[tuple[str, str], list[tuple[str, int]]] = {
    ("一线工人", "男"): weighted(
        "车工8 钳工7 焊工9 电工7 装配工10 铣工4 数控车工5 机修工5 铸造工4 冲压工4 喷涂工3 注塑工3 "
        "锅炉工2 叉车司机4 驾驶员6 装卸工4 钢筋工4 砌筑工4 木工4 架子工2 混凝土工3 塔吊司机1 "
        "起重工2 油漆工2 挡车工2 纺织工2 包装工2 仓库保管员2 厨师2 公交驾驶员2"
    ),
    ("一线工人", "女"): weighted(
        "纺织工12 挡车工10 缝纫工12 装配工12 质检员6 包装工8 电子元件装配工6 服装制版工2 "
        "保洁员5 营业员5 收银员4 餐厅服务员4 厨师1 仓库保管员2 食品加工工4 注塑工2 公交驾驶员1"
    ),
    ("技术人员", "男"): weighted(
        "技术员10 工艺员5 质检员4 设备工程师5 电气工程师5 机械工程师6 数控编程员3 化验员2 "
        "安全员4 软件工程师2 网络维护员3 测量员2 施工员3 教师3"
    ),
    ("技术人员", "女"): weighted(
        "技术员8 工艺员4 质检员7 化验员6 设计员3 软件工程师2 网络维护员2 施工员1 统计员3 教师6"
    ),
    ("管理人员", "男"): weighted(
        "班组长12 车间主任8 生产主管5 行政文员3 会计2 人事专员2 销售员8 采购员5 仓库主管3 项目经理3"
    ),
    ("管理人员", "女"): weighted(
        "班组长6 车间主任2 生产主管2 行政文员9 会计9 出纳6 人事专员6 销售员6 采购员3 客服主管3"
    ),
    ("其他", "男"): weighted("门卫5 绿化工3 食堂炊事员4 维修工5 保管员3 杂工4 驾驶员4"),
    ("其他", "女"): weighted("保洁员8 食堂炊事员5 食堂服务员5 保管员3 绿化工2 宿舍管理员3 收发员2"),
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
    "男": weighted("货车司机30 快递员28 网约送餐员22 保安员14 房产中介员3 商场信息员2 护工护理员1"),
    "女": weighted("家政服务员30 护工护理员28 快递员10 网约送餐员8 商场信息员10 房产中介员8 保安员5 货车司机1"),
}

SKILL_LEVELS = ("五级/初级工", "四级/中级工", "三级/高级工", "二级/技师", "一级/高级技师")
SKILL_MIN_AGE = {
    "": 0,
    "五级/初级工": 16,
    "四级/中级工": 20,
    "三级/高级工": 24,
    "二级/技师": 28,
    "一级/高级技师": 33,
}
SKILL_DOWN = {SKILL_LEVELS[i]: (SKILL_LEVELS[i - 1] if i else "") for i in range(len(SKILL_LEVELS))}
SKILLS: dict[str, list[tuple[str, int]]] = {
    "一线工人": [("", 46), *zip(SKILL_LEVELS, (22, 17, 10, 4, 1), strict=True)],
    "技术人员": [("", 30), *zip(SKILL_LEVELS, (8, 18, 24, 13, 7), strict=True)],
    "管理人员": [("", 70), *zip(SKILL_LEVELS, (5, 9, 9, 5, 2), strict=True)],
    "其他": [("", 85), *zip(SKILL_LEVELS, (9, 5, 1, 0, 0), strict=True)],
    "新就业形态": [("", 90), *zip(SKILL_LEVELS, (7, 3, 0, 0, 0), strict=True)],
}

EDUCATION_LEVELS = ("小学", "初中", "高中", "中专", "大专", "本科", "硕士", "博士")
EDU_MIN_AGE = (16, 16, 18, 18, 20, 22, 25, 28)  # earliest age to start work with each
EDU_DOWN = (0, 0, 1, 1, 3, 4, 5, 6)  # the level below: 大专 → 中专 → 初中, 高中 → 初中 …
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
        for item in split(
            "134:8 135:8 136:8 137:8 138:10 139:10 147:7 150:8 151:6 152:5 157:6 158:6 159:6 172:3 "
            "178:5 182:3 183:3 184:3 187:6 188:6 195:3 198:3 130:6 131:6 132:4 145:3 155:5 156:6 166:3 "
            "175:2 176:3 185:7 186:6 196:1 133:5 149:2 153:5 173:3 177:4 180:7 181:5 189:6 190:2 191:4 "
            "193:3 199:5 192:1"
        )
    )
]
