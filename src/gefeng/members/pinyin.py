"""Pinyin keys of a Chinese name, for search by full pinyin (`zhangsan`) or initials (`zs`).

pypinyin reads many surnames with their common-word reading (单 dan, 曾 ceng, 解 jie, 仇 chou,
区 qu, 查 cha, 朴 pu …); the override table gives the surname reading for the first character.
Names are converted a character at a time, cached (a roster of 10⁶ rows cannot afford pypinyin's
phrase segmentation at ~0.25 ms a name); a small table fixes the heteronyms common in given names.
"""

from __future__ import annotations

from functools import lru_cache

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
# Characters of given names whose usual reading in names differs from the first reading a
# character-by-character conversion gives (长江 chang, 重阳 chong, 朝阳 zhao, 晟 sheng …).
GIVEN_NAME_READINGS = {
    "长": "chang",
    "重": "chong",
    "朝": "zhao",
    "还": "huan",
    "都": "du",
    "晟": "sheng",
    "卜": "bu",
    "藏": "zang",
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


@lru_cache(maxsize=20_000)
def _char(ch: str) -> str:
    """One character's reading. Given names are read a character at a time (no phrase
    context, which costs pypinyin ~0.25 ms a name and rarely applies to names)."""
    found = lazy_pinyin(ch, style=Style.NORMAL, errors="ignore")
    return found[0].lower() if found and found[0].isalpha() else ""


def syllables(name: str) -> list[str]:
    """The name's syllables, the surname read as a surname."""
    if not name:
        return []
    if name.startswith(COMPOUND_SURNAMES):
        head, rest = name[:2], name[2:]
        first = [SURNAME_READINGS[head]] if head in SURNAME_READINGS else [_char(c) for c in head]
    else:
        head, rest = name[:1], name[1:]
        first = [SURNAME_READINGS[head]] if head in SURNAME_READINGS else [_char(head)]
    given = [GIVEN_NAME_READINGS.get(c) or _char(c) for c in rest]
    return [s for s in first + given if s]


def keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials): 张三 → ("zhangsan", "zs")."""
    parts = syllables(name)
    return "".join(parts), "".join(p[0] for p in parts)
