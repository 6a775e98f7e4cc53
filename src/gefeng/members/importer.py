"""Importing the rosters enterprise unions send (实名制会员花名册).

Two steps. **Stage**: the file is read (core.tabular), every row validated with the same rules
as the form (`services.clean_member`), compared with the registry, and the accepted rows are
written, sealed, to the stage (`stage_table`) in committed chunks — progress shows, other users
keep working.
**Apply**: one transaction of set-based SQL moves the staged rows into the registry, writes the
membership history and the audit entry, and clears the stage. A worker killed in either step
leaves the registry untouched; running the same file again in upsert mode changes nothing.

Rejected rows are never cleaned silently: each goes to the report with its reason (错误原因).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.utils import timezone, translation

from gefeng.core import audit, bulk, pii, scope
from gefeng.core.tabular import Column, Row, TabularError, lost_digits, parse_date, write_rejects_xlsx
from gefeng.core.tabular_isolated import open_table_isolated
from gefeng.members import idtail, services
from gefeng.members.models import (
    Education,
    ImportJob,
    ImportMode,
    ImportRow,
    JobCategory,
    Member,
    NewFormGroup,
    Political,
    Sex,
    SkillLevel,
    Status,
    ValueMapping,
)
from gefeng.orgs.models import INDUSTRIAL_SECTIONS, Kind, OrgNode

CHUNK = 2000

COLUMNS = [
    Column("name", "姓名", ("职工姓名", "会员姓名", "员工姓名"), required=True),
    Column(
        "id_number", "身份证号", ("身份证号码", "公民身份号码", "证件号码", "身份证", "身份证件号码"), required=True
    ),
    Column("sex", "性别"),
    Column("ethnicity", "民族"),
    Column("political_status", "政治面貌"),
    Column("education", "文化程度", ("学历",)),
    Column("phone", "手机号", ("手机号码", "联系电话", "手机", "电话", "联系方式")),
    Column("job_category", "岗位类别", ("人员类别", "岗位性质")),
    Column("occupation", "工种", ("职业", "职业工种")),
    Column("skill_level", "技能等级", ("职业技能等级", "技术等级")),
    Column("new_form_group", "新就业形态群体", ("新就业形态", "八大群体")),
    Column("migrant", "是否农民工", ("农民工",)),
    Column("joined_on", "入会日期", ("入会时间",), required=True),
    Column("card_number", "会员证号", ("会员证编号", "会员卡号", "会员证")),
    Column("team", "班组"),
]
COMPACT = frozenset({"id_number", "phone", "card_number"})
REQUIRED = frozenset(c.key for c in COLUMNS if c.required)
LABELS = {c.key: c.label for c in COLUMNS}

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


_COPIED = (
    "name",
    "name_tail1",
    "name_tail2",
    "pinyin",
    "initials",
    "id_number",
    "id_hash",
    *idtail.COLUMNS,
    "sex",
    "birth_date",
    "ethnicity",
    "political_status",
    "education",
    "phone",
    "phone_hash",
    "team_id",
    "job_category",
    "occupation",
    "skill_level",
    "new_form_group",
    "migrant",
    "joined_on",
    "card_number",
)
STAGE_COLUMNS = ("job_id", "row_number", "action", "member_id", *_COPIED)
# Fields an upsert may change, compared to decide "unchanged".
COMPARED = (
    "name",
    "ethnicity",
    "political_status",
    "education",
    "phone",
    "job_category",
    "occupation",
    "skill_level",
    "new_form_group",
    "migrant",
    "joined_on",
    "card_number",
    "team_id",
)
assert COMPARED[-1] == "team_id"  # the team is decided in `stage`, the rest in `_prepare`
_TAIL = _COPIED[_COPIED.index("team_id") + 1 :]
# The registry columns each roster column sets. An upsert changes only the columns the file has:
# a roster without a 班组 column (the usual template) leaves the teams set on the platform alone.
SETS = {
    "name": ("name", "name_tail1", "name_tail2", "pinyin", "initials"),
    "phone": ("phone", "phone_hash"),
    "team": ("team_id",),
    **{
        key: (key,)
        for key in (
            "ethnicity",
            "political_status",
            "education",
            "job_category",
            "occupation",
            "skill_level",
            "new_form_group",
            "migrant",
            "joined_on",
            "card_number",
        )
    },
}
_QUOTED = re.compile(r"“[^”]*”")
_ROW_REF = re.compile(r"第 \d+ 行")


@dataclass
class Result:
    rows: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    # Values left out of rows that were imported: how many, by kind, and the unknown words.
    warnings: int = 0
    warning_reasons: Counter[str] = field(default_factory=Counter)
    unknown: dict[str, Counter[str]] = field(default_factory=dict)
    # The roster columns the file has (None: all); an upsert changes only these.
    present: frozenset[str] | None = None

    def updated_columns(self) -> tuple[str, ...]:
        """The registry columns an upsert of this file may change."""
        keys = SETS if self.present is None else [k for k in SETS if k in self.present]
        return tuple(c for k in keys for c in SETS[k])

    def unknown_word(self, key: str, text: str) -> None:
        counter = self.unknown.setdefault(key, Counter())
        if text in counter or len(counter) < UNKNOWN_KEPT:
            counter[text] += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "reasons": dict(self.reasons.most_common()),
            "warnings": self.warnings,
            "warning_reasons": dict(self.warning_reasons.most_common()),
            "unknown": {key: dict(c.most_common()) for key, c in self.unknown.items()},
        }


def resolve_union(node: OrgNode) -> OrgNode:
    """The union an import goes into: the node itself if a union, an enterprise's live union."""
    if node.kind == Kind.UNION:
        return node
    if node.kind == Kind.ENTERPRISE:
        union = OrgNode.objects.filter(parent=node, kind=Kind.UNION, valid_to__isnull=True).order_by("path").first()
        if union is None:
            raise ValidationError(f"“{node.name}”尚未建立工会，请先在组织架构中建会，再导入会员。")
        return union
    raise ValidationError("请选择一个企业或工会：会员名册按工会导入。")


def check_rights(actor: Any, union: OrgNode) -> None:
    if actor is not None:  # None: the server console
        scope.require(actor, union, "members.import")


def _reason(message: str) -> str:
    """The category of a rejection for the summary (the row's own values removed)."""
    return _QUOTED.sub("", message).replace("（）", "").strip()


class _Rejects:
    """The rows refused and the values left out of imported rows, for the report."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, dict[str, str], str]] = []
        self.warnings: list[tuple[int, str, str, str, str]] = []  # row, name, column, value, message

    def add(self, result: Result, row: Row, message: str, category: str | None = None) -> None:
        result.rejected += 1
        result.reasons[category or _reason(message)] += 1
        self.rows.append((row.number, row.values, message))

    def warn(self, result: Result, row: Row, notes: list[Note]) -> None:
        for key, text, message in notes:
            result.warnings += 1
            result.warning_reasons[_ROW_REF.sub("其他行", _reason(message))] += 1
            if key in CHOICE_COLUMNS:
                result.unknown_word(key, text)
            self.warnings.append((row.number, row.values.get("name", ""), LABELS.get(key, key), text, message))


# A value left out of a row: (column key, the cell as read, the message for the report).
Note = tuple[str, str, str]
_LEFT_OUT = "该项未导入。"


def _left_out(key: str, message: str) -> str:
    return message + ("以身份证号为准。" if key == "sex" else _LEFT_OUT)


@dataclass
class _Context:
    """What validating a row needs besides the row, read once per import."""

    today: dt.date
    language: str | None
    sealer: pii.Sealer
    vocab: Vocabulary
    choice_keys: tuple[str, ...]


def _validate(values: dict[str, str], ctx: _Context, notes: list[Note]) -> services.Clean:
    if lost_digits(values.get("id_number", "")):
        raise ValidationError(
            {"id_number": ["身份证号被 Excel 存成了数字，末尾几位已丢失，请把该列设为文本后重新填写。"]}
        )
    data: dict[str, Any] = dict(values)
    lookup = ctx.vocab.lookup
    for key in ctx.choice_keys:
        text = data[key]
        if text:
            code = lookup(key, text)
            if code is None:
                notes.append((key, text, _left_out(key, f"{LABELS[key]}“{text}”不在可选范围内，")))
                code = ""
            data[key] = code
    text = values.get("joined_on", "")
    if text:
        try:
            data["joined_on"] = parse_date(text)
        except ValueError as exc:
            raise ValidationError({"joined_on": [f"入会日期：{exc}"]}) from None
    else:
        data["joined_on"] = None
    try:
        return services.clean_member(data, today=ctx.today, language=ctx.language)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        fatal = {key: messages for key, messages in errors.items() if key in REQUIRED or key not in data}
        if fatal:
            raise ValidationError(fatal) from None
        # Only optional fields are wrong: the member is imported without them.
        for key, messages in errors.items():
            notes.append((key, values.get(key, ""), _left_out(key, messages[0])))
            data[key] = ""
    return services.clean_member(data, today=ctx.today, language=ctx.language)


# What `_prepare` makes of a valid row: (ID hash, card number, the COMPARED values but the team,
# the stage columns before team_id, those after it). A rejected row gives its message instead.
Prepared = tuple[str, str, tuple[Any, ...], tuple[Any, ...], tuple[Any, ...]]


def _prepare(values: dict[str, str], ctx: _Context, notes: list[Note]) -> Prepared | str:
    """Validate one row and compute everything about it that needs no database: the ID hash,
    the sealed ID number and phone, the phone's hash and the name's search columns. Values
    left out of the row are added to `notes`."""
    try:
        clean = _validate(values, ctx, notes)
    except ValidationError as exc:
        return _first_error(exc)
    sealer = ctx.sealer
    f = clean.fields
    cols = services.search_columns(clean.name)
    digest = sealer.blind_index(clean.id_number)
    phone = f["phone"]
    head = (
        clean.name,
        cols["name_tail1"],
        cols["name_tail2"],
        cols["pinyin"],
        cols["initials"],
        sealer.encrypt(clean.id_number),
        digest,
        *idtail.digests(clean.id_number, sealer.blind_index),
        clean.sex,
        clean.birth_date,
        f["ethnicity"],
        f["political_status"],
        f["education"],
        sealer.encrypt(phone),
        sealer.blind_index(phone),
    )
    tail = tuple(f[c] for c in _TAIL)
    compared = tuple(clean.name if c == "name" else f[c] for c in COMPARED[:-1])
    return digest, f["card_number"], compared, head, tail


def _current(found: Member, key: str) -> str:
    """A member's present value of a roster column, as a cell would give it."""
    if key == "migrant":
        return "是" if found.migrant else "否"
    if key == "sex":
        return ""
    return str(getattr(found, key, "") or "")


def _without(values: dict[str, str], keys: set[str], found: Member | None) -> dict[str, str]:
    """The row with the values left out: empty for a new member, an existing one's own
    values otherwise (an upsert never blanks a field because the file's value was wrong)."""
    patched = dict(values)
    for key in keys:
        patched[key] = _current(found, key) if found is not None else ""
    return patched


def _first_error(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        for messages in exc.message_dict.values():
            return messages[0]
    return exc.messages[0]


def _teams(union: OrgNode) -> dict[str, int]:
    return dict(OrgNode.objects.filter(parent=union, kind=Kind.TEAM).values_list("name", "pk"))


def stage(
    job: ImportJob, *, progress: Callable[[int], None] | None = None, today: dt.date | None = None
) -> tuple[Result, _Rejects]:
    """Read, validate and stage the file; nothing in the registry changes."""
    union = job.union
    teams = _teams(union)
    result, rejects = Result(), _Rejects()
    sheet, rows = open_table_isolated(
        job.stored, COLUMNS, max_bytes=settings.UPLOAD_MAX_MB * 1024 * 1024, filename=job.filename, compact=COMPACT
    )
    job.result = {"sheet": sheet.name, "header_row": sheet.header_row, "notes": sheet.notes}
    result.present = frozenset(sheet.columns)
    ctx = _Context(
        today=today or timezone.localdate(),
        language=translation.get_language(),
        sealer=pii.Sealer(),
        vocab=Vocabulary.of(union),
        choice_keys=tuple(key for key in CHOICE_COLUMNS if key in sheet.columns),
    )
    seen_ids: dict[str, int] = {}
    seen_cards: dict[str, int] = {}
    pending: list[tuple[Row, Prepared, int | None, list[Note] | None]] = []
    notes: list[Note] = []

    def flush() -> None:
        if pending:
            _stage_chunk(job, union, pending, result, rejects, ctx)
            pending.clear()
        if progress:
            progress(result.rows)

    for row in rows:
        result.rows += 1
        if notes:
            notes = []
        prepared = _prepare(row.values, ctx, notes)
        if isinstance(prepared, str):
            rejects.add(result, row, prepared)
            continue
        digest, card = prepared[0], prepared[1]
        first = seen_ids.get(digest)
        if first is not None:
            rejects.add(result, row, f"与第 {first} 行的身份证号重复（同一人只能登记一次）。", "文件内身份证号重复")
            continue
        seen_ids[digest] = row.number
        if card:
            other = seen_cards.get(card)
            if other is not None:
                notes.append(("card_number", card, f"会员证号与第 {other} 行重复，{_LEFT_OUT}"))
            else:
                seen_cards[card] = row.number
        team_name = row.values.get("team", "")
        team_id = teams.get(team_name) if team_name else None
        if team_name and team_id is None:
            notes.append(("team", team_name, f"班组“{team_name}”不在该工会下，请先在组织架构中建立；{_LEFT_OUT}"))
        pending.append((row, prepared, team_id, notes or None))
        if len(pending) >= CHUNK:
            flush()
    flush()
    return result, rejects


def _registry_rows(select: str, column: str, values: list[str]) -> list[tuple[Any, ...]]:
    """`SELECT select FROM the registry WHERE column IN values`, in plain SQL: the ORM's IN
    lookup prepares each value through the field (a tenth of the staging time of a big roster),
    and most chunks of an import find nobody. `select` and `column` are literal column names."""
    table = connection.ops.quote_name(Member._meta.db_table)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":  # one array parameter: parsed and planned once, not 2,000
            cur.execute(f"SELECT {select} FROM {table} WHERE {column} = ANY(%s)", [values])  # noqa: S608
        else:
            marks = ", ".join(["%s"] * len(values))
            cur.execute(f"SELECT {select} FROM {table} WHERE {column} IN ({marks})", values)  # noqa: S608
        return cur.fetchall()


def _stage_chunk(job, union, pending, result: Result, rejects: _Rejects, ctx: _Context) -> None:
    digests = [p[1][0] for p in pending]
    hits = [digest for (digest,) in _registry_rows("id_hash", "id_hash", digests)]
    existing = {m.id_hash: m for m in Member.objects.filter(id_hash__in=hits).select_related("union")} if hits else {}
    cards = [p[1][1] for p in pending if p[1][1]]
    card_owner = dict(_registry_rows("card_number, id_hash", "card_number", cards)) if cards else {}
    staged: list[tuple[Any, ...]] = []
    changed = result.updated_columns()
    compared = [i for i, f in enumerate(COMPARED) if f in changed]
    for row, prepared, team_id, notes in pending:
        digest, card, values, head, tail = prepared
        found = existing.get(digest)
        if card and card_owner.get(card, digest) != digest:
            notes = [*(notes or ()), ("card_number", card, f"会员证号已被会员库中的其他人使用，{_LEFT_OUT}")]
        if notes:  # values left out: the row again without them (an existing member keeps his own)
            left = {key for key, _, _ in notes}
            if found is not None or "card_number" in left:
                again = _prepare(_without(row.values, left, found), ctx, [])
                if isinstance(again, str):  # not expected: only optional fields changed
                    rejects.add(result, row, again)
                    continue
                digest, card, values, head, tail = again
            if "team" in left and found is not None:
                team_id = found.team_id
        action = "insert"
        if found is not None:
            live = found.status in (Status.ACTIVE, Status.RETAINED)
            if job.mode == ImportMode.INSERT:
                message = (
                    services.duplicate_message(found)
                    if live
                    else (
                        f"该身份证号已在会员库中（{found.get_status_display()}）；如需恢复会籍请用“新增并更新”方式导入。"
                    )
                )
                rejects.add(result, row, message, "身份证号已在会员库中")
                continue
            if live and found.union_id != union.pk:
                rejects.add(result, row, services.duplicate_message(found), "已是其他工会的会员（请办理转会）")
                continue
            if notes:
                rejects.warn(result, row, notes)
            if live:
                fresh = (*values, team_id)
                if all(getattr(found, COMPARED[i]) == fresh[i] for i in compared):
                    result.unchanged += 1
                    continue
                action = "update"
            else:
                action = "rejoin"
        elif notes:
            rejects.warn(result, row, notes)
        staged.append((job.pk, row.number, action, found.pk if found else None, *head, team_id, *tail))
        if action == "insert":
            result.imported += 1
        elif action == "update":
            result.updated += 1
        else:
            result.imported += 1
    with transaction.atomic():
        bulk.insert_into(stage_table(), STAGE_COLUMNS, staged)


_UPDATED = tuple(c for c in _COPIED if c not in ("id_number", "id_hash", *idtail.COLUMNS, "sex", "birth_date"))


SQLITE_APPLY_CACHE_KB = 262_144


@contextmanager
def _page_cache() -> Iterator[None]:
    """On SQLite, a page cache of up to 256 MB while the staged rows go in (then the usual 2 MB).

    The registry's indexes (ID hash, name, name tails, pinyin …) take their new entries at random
    places; with SQLite's default cache most of them cost a read from the OS: twice the time."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        before = cur.fetchone()[0]
        cur.execute(f"PRAGMA cache_size = -{SQLITE_APPLY_CACHE_KB}")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA cache_size = {int(before)}")


def apply(job: ImportJob, result: Result) -> None:
    """Move the staged rows into the registry: one transaction, set-based SQL."""
    q = connection.ops.quote_name
    union = job.union
    enterprise = union.parent if union.parent and union.parent.kind == Kind.ENTERPRISE else None
    industrial = bool(enterprise and enterprise.industry in INDUSTRIAL_SECTIONS)
    now = timezone.now()
    member_t, event_t = (q(m._meta.db_table) for m in (Member, _event_model()))
    stage_t = q(stage_table())
    copied = ", ".join(q(c) for c in _COPIED)
    sources = ", ".join(f"r.{q(c)}" for c in _COPIED)
    reason = f"名册导入：{job.filename}"[:200]
    today = timezone.localdate()
    event_cols = f"member_id, kind, {q('on')}, union_id, other_name, reason, actor_id, created_at"
    insert_members = (
        f"INSERT INTO {member_t} ({copied}, union_id, enterprise_id, industrial_worker, status, "  # noqa: S608
        f"created_at, updated_at) SELECT {sources}, %s, %s, %s, %s, %s, %s FROM {stage_t} r "
        "WHERE r.job_id = %s AND r.action = 'insert'"
    )
    member_params = [union.pk, enterprise.pk if enterprise else None, industrial, Status.ACTIVE, now, now, job.pk]
    with _page_cache(), transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # The new members and their 入会 history in one statement: the ids come back from
            # the INSERT itself, instead of joining 10⁵–10⁶ staged rows back on the ID hash.
            cur.execute(
                f"WITH ins AS ({insert_members} RETURNING id, joined_on) "  # noqa: S608
                f"INSERT INTO {event_t} ({event_cols}) SELECT ins.id, 'join', ins.joined_on, %s, '', %s, %s, %s "
                "FROM ins",
                [*member_params, union.pk, reason, job.actor_id, now],
            )
        else:
            # SQLite has no INSERT in a WITH. The transaction holds the database's write lock
            # from its start, so every id above the largest before the INSERT is one of its rows:
            # a range of the primary key, instead of joining the stage back on the ID hash.
            cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {member_t}")  # noqa: S608
            last = cur.fetchone()[0]
            cur.execute(insert_members, member_params)
            cur.execute(
                f"INSERT INTO {event_t} ({event_cols}) SELECT m.id, 'join', m.joined_on, %s, '', %s, %s, %s "  # noqa: S608
                f"FROM {member_t} m WHERE m.id > %s",
                [union.pk, reason, job.actor_id, now, last],
            )
        # A member who left rejoins on their old record with the file's values throughout (as
        # `services.member_join` does); an update changes only the columns the file has.
        changed = result.updated_columns()
        for action, columns in (("rejoin", _UPDATED), ("update", [c for c in _UPDATED if c in changed])):
            sets = "".join(f"{q(c)} = r.{q(c)}, " for c in columns)
            cur.execute(
                f"UPDATE {member_t} AS m SET {sets}union_id = %s, enterprise_id = %s, "  # noqa: S608
                f"industrial_worker = %s, status = %s, ended_on = NULL, updated_at = %s FROM {stage_t} r "
                "WHERE r.job_id = %s AND r.action = %s AND m.id = r.member_id",
                [union.pk, enterprise.pk if enterprise else None, industrial, Status.ACTIVE, now, job.pk, action],
            )
        # Their history comes straight from the stage, which knows their ids.
        cur.execute(
            f"INSERT INTO {event_t} ({event_cols}) SELECT r.member_id, "  # noqa: S608
            "CASE r.action WHEN 'update' THEN 'update' ELSE 'join' END, "
            "CASE r.action WHEN 'update' THEN %s ELSE r.joined_on END, %s, '', %s, %s, %s "
            f"FROM {stage_t} r WHERE r.job_id = %s AND r.action IN ('update', 'rejoin')",
            [today, union.pk, reason, job.actor_id, now, job.pk],
        )
        _clear(cur, stage_t, job)
        audit.record(
            actor=job.actor,
            action="members.import.applied",
            obj=job,
            changes={"union": union.name, "file": job.filename, "mode": job.mode} | result.as_dict(),
        )
    refresh_statistics()


def refresh_statistics() -> None:
    """Let SQLite's planner know the registry's size (PostgreSQL's autovacuum does this itself).

    SQLite keeps no statistics until ANALYZE runs; without them it takes `status = 'active'` for
    a rare value and pages the member list of a county off the status index even for a phone
    number (a walk over every member: ~1 s at 10⁶). Sampling 1,000 rows per index takes
    milliseconds; an import is what changes the registry's size."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA analysis_limit = 1000")
            cur.execute("ANALYZE")


def _event_model():
    from gefeng.members.models import MembershipEvent

    return MembershipEvent


SQLITE_STAGE = "gefeng_import_stage"


def stage_table() -> str:
    """The table an import's accepted rows wait in until the final step.

    PostgreSQL: `members_importrow`, UNLOGGED (no WAL), shared by all workers, keyed by job.
    SQLite: a TEMP table of the same columns, private to the worker's connection and created on
    first use. Its writes stay out of the registry file — no WAL pages and no checkpoint for
    rows that are written once and read once — and a worker that dies takes its rows with it."""
    if connection.vendor != "sqlite":
        return ImportRow._meta.db_table
    source = connection.ops.quote_name(ImportRow._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {SQLITE_STAGE} AS SELECT * FROM {source} WHERE 0")  # noqa: S608
    return SQLITE_STAGE


def staged(job: ImportJob) -> int:
    """How many rows of the job wait in this connection's stage."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(stage_table())} WHERE job_id = %s", [job.pk])  # noqa: S608
        return int(cur.fetchone()[0])


def clear_stage(job: ImportJob) -> None:
    with connection.cursor() as cur:
        _clear(cur, connection.ops.quote_name(stage_table()), job)


def _clear(cur: Any, table: str, job: ImportJob) -> None:
    if connection.vendor == "sqlite":  # the connection's own stage: emptied whole, without a scan
        cur.execute(f"DELETE FROM {table}")  # noqa: S608
    else:
        cur.execute(f"DELETE FROM {table} WHERE job_id = %s", [job.pk])  # noqa: S608


def run(
    job: ImportJob,
    *,
    progress: Callable[[int], None] | None = None,
    report: str | Path | None = None,
    applying: Callable[[], None] | None = None,
) -> Result:
    """Stage and (unless a dry run) apply one import; writes the rejects report if asked.

    `progress(rows)` is called after each staged chunk, `applying()` once before the final step."""
    clear_stage(job)  # leftovers of an earlier, interrupted run of the same job
    try:
        result, rejects = stage(job, progress=progress)
        if not job.dry_run:
            if applying:
                applying()
            apply(job, result)
    finally:
        clear_stage(job)
    if report and (rejects.rows or rejects.warnings):
        write_report(report, rejects)
    return result


WARNING_LABELS = ["行号", "姓名", "列", "原值", "说明"]
WARNINGS_SHEET = "提醒"


def write_report(path: str | Path, rejects: _Rejects) -> None:
    """The import's report: the refused rows with their 错误原因 (sheet 错误行, ready to fix and
    upload again) and, on a sheet 提醒, each value left out of a row that was imported."""
    keys = [c.key for c in COLUMNS]
    labels = ["行号", *[c.label for c in COLUMNS]]
    rows = (([str(n), *[values.get(k, "") for k in keys]], reason) for n, values, reason in rejects.rows)
    warnings = ([str(n), name, column, value, message] for n, name, column, value, message in rejects.warnings)
    extra = (WARNINGS_SHEET, WARNING_LABELS, warnings) if rejects.warnings else None
    write_rejects_xlsx(path, labels, rows, extra=extra)


def iter_reasons(result: Result) -> Iterator[tuple[str, int]]:
    yield from result.reasons.most_common()


__all__ = [
    "COLUMNS",
    "PermissionDenied",
    "Result",
    "TabularError",
    "apply",
    "check_rights",
    "resolve_union",
    "run",
    "stage",
]
