"""Pinyin keys of a Chinese name, for search by full pinyin (`zhangsan`) or initials (`zs`).

pypinyin reads many surnames with their common-word reading (单 dan, 曾 ceng, 解 jie, 仇 chou,
区 qu, 查 cha, 朴 pu …); the override table gives the surname reading for the first character.
"""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "查": "zha",
    "朴": "piao",
    "盖": "ge",
    "缪": "miao",
    "尉": "yu",
    "乐": "yue",
    "覃": "qin",
    "召": "shao",
    "翟": "zhai",
    "种": "chong",
    "繁": "po",
    "员": "yun",
    "秘": "bi",
    "冼": "xian",
    "万俟": "moqi",
    "长": "chang",
    "重": "chong",
    "厍": "she",
    "逄": "pang",
    "句": "gou",
    "阚": "kan",
    "黑": "he",
}
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "令狐",
    "慕容",
    "长孙",
    "万俟",
)


def syllables(name: str) -> list[str]:
    """The name's syllables, the surname read as a surname."""
    if not name:
        return []
    if name.startswith(COMPOUND_SURNAMES):
        head, rest = name[:2], name[2:]
        first = [SURNAME_READINGS[head]] if head in SURNAME_READINGS else lazy_pinyin(head)
    else:
        head, rest = name[:1], name[1:]
        first = [SURNAME_READINGS[head]] if head in SURNAME_READINGS else lazy_pinyin(head)
    return [s.lower() for s in first + lazy_pinyin(rest, style=Style.NORMAL, errors="ignore") if s.isalpha()]


def keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials): 张三 → ("zhangsan", "zs")."""
    parts = syllables(name)
    return "".join(parts), "".join(p[0] for p in parts)
