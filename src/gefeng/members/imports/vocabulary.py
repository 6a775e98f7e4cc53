"""The roster columns and the rosters' own words for the registry's choices."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.conf import settings
from django.db import models

from gefeng.core.tabular_isolated import open_table_isolated
from gefeng.members import columns
from gefeng.members.models import (
    Education,
    JobCategory,
    NewFormGroup,
    Political,
    Sex,
    SkillLevel,
    ValueMapping,
)
from gefeng.orgs.models import OrgNode

COLUMNS = columns.ROSTER  # defined beside the model, in members/columns.py
COMPACT = columns.COMPACT
REQUIRED = columns.REQUIRED
LABELS = columns.LABELS

# ---------------------------------------------------------------- the rosters' own words
#
# The registry's choice columns and the words rosters use for their choices. A cell is compared
# folded (no spaces, case-folded; full-width forms are already gone, see core.tabular) with the
# choice's stored value, its label, each part of a label written “a/b”, the synonyms below and
# the words a union chose on its import preview (`ValueMapping`). A word none of them knows
# is a warning and the field stays empty: a member is never refused for an optional field.

MIGRANT_CHOICES = (("是", "是"), ("否", "否"))
CHOICE_COLUMNS: dict[str, type[models.TextChoices] | None] = {
    "sex": Sex,
    "political_status": Political,
    "education": Education,
    "job_category": JobCategory,
    "skill_level": SkillLevel,
    "new_form_group": NewFormGroup,
    "migrant": None,  # 是/否
}


def _words(code: str, words: str) -> dict[str, str]:
    return dict.fromkeys(words.split(), str(code))


# Cells that say “none”: the field is left empty, without a warning.
NONE_WORDS = frozenset(["无", "/", "-", "—", "——", "暂无", "没有", "空", "不详", "未知", "不适用", "不属于", "非"])
SYNONYMS: dict[str, dict[str, str]] = {
    "sex": _words(Sex.MALE.value, "男性 男士 男的 男生 m male 1")
    | _words(Sex.FEMALE.value, "女性 女士 女的 女生 f female 2"),
    "political_status": _words(Political.CPC.value, "党员 共产党员 中国共产党党员 中共 正式党员 中共正式党员")
    | _words(Political.PROBATIONARY.value, "预备党员 中国共产党预备党员 中共预备")
    | _words(Political.LEAGUE.value, "团员 共青团 中国共产主义青年团团员 共青团团员")
    | _words(
        Political.DEMOCRATIC.value,
        "民主党派成员 民革 民革党员 民盟 民盟盟员 民建 民建会员 民进 民进会员 农工党 农工党党员 "
        "致公党 致公党党员 九三学社 九三学社社员 台盟 台盟盟员",
    )
    | _words(Political.MASSES.value, "普通群众 一般群众")
    | _words(Political.OTHER.value, "无党派 无党派人士 无党派民主人士"),
    "education": _words(Education.PRIMARY.value, "小学以下 小学及以下 文盲 半文盲 小学毕业")
    | _words(Education.JUNIOR.value, "初中及以下 初中毕业 初级中学")
    | _words(Education.SENIOR.value, "高中毕业 普通高中 普高 高级中学")
    | _words(
        Education.VOCATIONAL.value,
        "中专 中技 职高 技校 中专毕业 中等专科 中等专业学校 中等职业学校 中职 职业高中 技工学校 中专及技校",
    )
    | _words(Education.COLLEGE.value, "专科 大学专科 大专毕业 高职 高职高专 专科学历 大专学历 全日制大专")
    | _words(Education.BACHELOR.value, "大学本科 本科学历 本科毕业 学士 大学 全日制本科 本科及以上")
    | _words(Education.MASTER.value, "研究生 硕士 硕士研究生 研究生学历 硕士学位")
    | _words(Education.DOCTOR.value, "博士 博士研究生 博士学位"),
    "job_category": _words(
        JobCategory.FRONTLINE.value,
        "一线职工 一线员工 一线 生产一线 一线生产 一线生产人员 一线操作工 生产工人 生产人员 操作工 工人 普工",
    )
    | _words(JobCategory.TECHNICAL.value, "技术 技术员 专业技术人员 工程技术人员 技术岗 技术工人")
    | _words(JobCategory.MANAGEMENT.value, "管理 管理岗 行政管理人员 经营管理人员 管理者"),
    "skill_level": _words(SkillLevel.L5.value, "五级 初级工 初级 5级 职业资格五级 国家职业资格五级")
    | _words(SkillLevel.L4.value, "四级 中级工 中级 4级 职业资格四级 国家职业资格四级")
    | _words(SkillLevel.L3.value, "三级 高级工 高级 3级 职业资格三级 国家职业资格三级")
    | _words(SkillLevel.L2.value, "二级 技师 2级 职业资格二级 国家职业资格二级")
    | _words(SkillLevel.L1.value, "一级 高级技师 1级 职业资格一级 国家职业资格一级"),
    "new_form_group": _words(NewFormGroup.TRUCK.value, "货车司机 卡车司机 大货车司机 货运司机 重卡司机 货车驾驶员")
    | _words(NewFormGroup.COURIER.value, "快递 快递小哥 快递业务员 快递员工 快递派送员 快递收派员")
    | _words(NewFormGroup.CARER.value, "护工 护理员 养老护理员 护工/护理员")
    | _words(NewFormGroup.DOMESTIC.value, "家政 家政员 家政服务人员 保姆 月嫂 育婴员")
    | _words(NewFormGroup.MALL.value, "商场信息员 信息员")
    | _words(NewFormGroup.DELIVERY.value, "外卖骑手 外卖员 外卖小哥 骑手 送餐员 网约配送员 外卖配送员")
    | _words(NewFormGroup.ESTATE.value, "房产中介 房产中介人员 房屋中介 房地产经纪人 中介")
    | _words(NewFormGroup.GUARD.value, "保安 安保员 保安人员"),
    "migrant": _words("是", "y yes √ ✓ 1 true 农民工 是农民工") | _words("否", "n no × ✗ 0 false 不是 非农民工"),
}
UNKNOWN_KEPT = 200  # distinct unknown values counted per column (a hostile file has no end of them)
MAPPABLE_CHARS = 100  # longer cells are not offered for mapping (ValueMapping.raw_value)
_CELLS_KEPT = 4096  # per column: the cells already looked up
_MISS = object()


def fold(text: str) -> str:
    """A cell as the vocabulary compares it: no whitespace, case-folded."""
    return "".join(text.split()).casefold()


def choices(key: str) -> list[tuple[str, str]]:
    """The (stored value, label) pairs of a choice column, labels in the active language."""
    model = CHOICE_COLUMNS[key]
    if model is None:
        return list(MIGRANT_CHOICES)
    return [(str(code), str(label)) for code, label in model.choices]


def builtin_table(key: str) -> dict[str, str]:
    """Folded word → stored value ("" for “none”) for one choice column, without a union's own."""
    table = dict.fromkeys((fold(w) for w in NONE_WORDS), "")
    for word, code in SYNONYMS.get(key, {}).items():
        table[fold(word)] = code
    for code, label in choices(key):
        for part in label.split("/"):
            table[fold(part)] = code
        table[fold(label)] = code
        table[fold(code)] = code
    return table


def remembered(union: OrgNode) -> dict[str, dict[str, str]]:
    """The words `union` mapped on earlier imports: column → folded word → value."""
    mapped: dict[str, dict[str, str]] = {}
    for column, raw, value in ValueMapping.objects.filter(org=union).values_list("column", "raw_value", "value"):
        mapped.setdefault(column, {})[raw] = value
    return mapped


class Vocabulary:
    """What every cell of the choice columns stands for, for one import.

    `lookup` is one dict lookup per cell in the usual case: each column keeps the cells it has
    seen (bounded), so folding and the tables are consulted once per distinct word."""

    def __init__(self, mapped: dict[str, dict[str, str]] | None = None) -> None:
        mapped = mapped or {}
        self.tables = {key: builtin_table(key) | mapped.get(key, {}) for key in CHOICE_COLUMNS}
        self.mapped = {key: dict(mapped.get(key, {})) for key in CHOICE_COLUMNS}
        self.cells: dict[str, dict[str, str | None]] = {key: {} for key in CHOICE_COLUMNS}

    @classmethod
    def of(cls, union: OrgNode) -> Vocabulary:
        return cls(remembered(union))

    def lookup(self, key: str, text: str) -> str | None:
        """The stored value `text` stands for ("" for none), or None if it is unknown."""
        cells = self.cells[key]
        code = cells.get(text, _MISS)
        if code is _MISS:
            code = self.tables[key].get(fold(text))
            if len(cells) < _CELLS_KEPT:
                cells[text] = code
        return code  # type: ignore[return-value]

    def builtin(self, key: str, text: str) -> bool:
        """Whether the word is known without the union's own mappings."""
        folded = fold(text)
        return folded not in self.mapped[key] and folded in self.tables[key]

    def resolve(self, key: str, value: str) -> str | None:
        """A value a user gave for a mapping (stored value, label or synonym; "" for empty)."""
        if not value.strip():
            return ""
        code = builtin_table(key).get(fold(value))
        return code if code is not None and code != "" else None


def survey(path: str | Path, filename: str, vocab: Vocabulary) -> dict[str, Counter[str]]:
    """Read the whole file's choice columns: column → cell text → rows, for the cells the
    vocabulary does not know or knows only from the union's own mappings (the preview lists
    both, so a remembered mapping can still be changed). Only the required columns (to find the
    same header) and the choice columns are read."""
    columns = [c for c in COLUMNS if c.required or c.key in CHOICE_COLUMNS]
    # The preview reads the uploaded file in the web process's request: through the guarded child.
    sheet, rows = open_table_isolated(
        path, columns, max_bytes=settings.UPLOAD_MAX_MB * 1024 * 1024, filename=filename, compact=COMPACT
    )
    keys = [key for key in CHOICE_COLUMNS if key in sheet.columns]
    found: dict[str, Counter[str]] = {key: Counter() for key in keys}
    listed: dict[str, dict[str, bool]] = {key: {} for key in keys}
    for row in rows:
        values = row.values
        for key in keys:
            text = values[key]
            if not text:
                continue
            seen = listed[key]
            flag = seen.get(text)
            if flag is None:
                flag = len(text) <= MAPPABLE_CHARS and (vocab.lookup(key, text) is None or not vocab.builtin(key, text))
                if len(seen) < _CELLS_KEPT:
                    seen[text] = flag
            if flag and (text in found[key] or len(found[key]) < UNKNOWN_KEPT):
                found[key][text] += 1
    return {key: counter for key, counter in found.items() if counter}
