"""What a staged import is made of: the stage's columns, the result, the refused rows and
the report, and the stage table itself."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection

from gefeng.core import pii, scope
from gefeng.core.tabular import Row, lost_digits, parse_date, write_rejects_xlsx
from gefeng.members import columns, services
from gefeng.members.imports.vocabulary import CHOICE_COLUMNS, COLUMNS, LABELS, REQUIRED, UNKNOWN_KEPT, Vocabulary
from gefeng.members.models import (
    ImportJob,
    ImportRow,
)
from gefeng.orgs.models import Kind, OrgNode

_COPIED = columns.STORED  # the registry fields a roster row fills (members/columns.py)
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
    scope.require(actor, union, "members.import")  # a person's job; the console checks nothing here


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
LEFT_OUT = "该项未导入。"


def _left_out(key: str, message: str) -> str:
    return message + ("以身份证号为准。" if key == "sex" else LEFT_OUT)


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


def event_model():
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
        clear_rows(cur, connection.ops.quote_name(stage_table()), job)


def clear_rows(cur: Any, table: str, job: ImportJob) -> None:
    if connection.vendor == "sqlite":  # the connection's own stage: emptied whole, without a scan
        cur.execute(f"DELETE FROM {table}")  # noqa: S608
    else:
        cur.execute(f"DELETE FROM {table} WHERE job_id = %s", [job.pk])  # noqa: S608


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
