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
from django.db import connection, transaction
from django.utils import timezone, translation

from gefeng.core import audit, bulk, pii, scope
from gefeng.core.tabular import Column, Row, TabularError, lost_digits, parse_date, write_rejects_xlsx
from gefeng.core.tabular_isolated import open_table_isolated
from gefeng.members import services
from gefeng.members.models import ImportJob, ImportMode, ImportRow, Member, Status
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

_COPIED = (
    "name",
    "name_tail1",
    "name_tail2",
    "pinyin",
    "initials",
    "id_number",
    "id_hash",
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


@dataclass
class Result:
    rows: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    # The roster columns the file has (None: all); an upsert changes only these.
    present: frozenset[str] | None = None

    def updated_columns(self) -> tuple[str, ...]:
        """The registry columns an upsert of this file may change."""
        keys = SETS if self.present is None else [k for k in SETS if k in self.present]
        return tuple(c for k in keys for c in SETS[k])

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "reasons": dict(self.reasons.most_common()),
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
    def __init__(self) -> None:
        self.rows: list[tuple[int, dict[str, str], str]] = []

    def add(self, result: Result, row: Row, message: str, category: str | None = None) -> None:
        result.rejected += 1
        result.reasons[category or _reason(message)] += 1
        self.rows.append((row.number, row.values, message))


def _validate(values: dict[str, str], today: dt.date, language: str | None) -> services.Clean:
    if lost_digits(values.get("id_number", "")):
        raise ValidationError(
            {"id_number": ["身份证号被 Excel 存成了数字，末尾几位已丢失，请把该列设为文本后重新填写。"]}
        )
    data: dict[str, Any] = dict(values)
    text = values.get("joined_on", "")
    if text:
        try:
            data["joined_on"] = parse_date(text)
        except ValueError as exc:
            raise ValidationError({"joined_on": [f"入会日期：{exc}"]}) from None
    else:
        data["joined_on"] = None
    return services.clean_member(data, today=today, language=language)


# What `_prepare` makes of a valid row: (ID hash, card number, the COMPARED values but the team,
# the stage columns before team_id, those after it). A rejected row gives its message instead.
Prepared = tuple[str, str, tuple[Any, ...], tuple[Any, ...], tuple[Any, ...]]


def _prepare(values: dict[str, str], today: dt.date, language: str | None, sealer: pii.Sealer) -> Prepared | str:
    """Validate one row and compute everything about it that needs no database: the ID hash,
    the sealed ID number and phone, the phone's hash and the name's search columns."""
    try:
        clean = _validate(values, today, language)
    except ValidationError as exc:
        return _first_error(exc)
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
    today = today or timezone.localdate()
    union = job.union
    teams = _teams(union)
    result, rejects = Result(), _Rejects()
    sheet, rows = open_table_isolated(
        job.stored, COLUMNS, max_bytes=settings.UPLOAD_MAX_MB * 1024 * 1024, filename=job.filename, compact=COMPACT
    )
    job.result = {"sheet": sheet.name, "header_row": sheet.header_row, "notes": sheet.notes}
    result.present = frozenset(sheet.columns)
    language = translation.get_language()
    sealer = pii.Sealer()
    seen_ids: dict[str, int] = {}
    seen_cards: dict[str, int] = {}
    pending: list[tuple[Row, Prepared, int | None]] = []

    def flush() -> None:
        if pending:
            _stage_chunk(job, union, pending, result, rejects)
            pending.clear()
        if progress:
            progress(result.rows)

    for row in rows:
        result.rows += 1
        prepared = _prepare(row.values, today, language, sealer)
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
                rejects.add(result, row, f"会员证号与第 {other} 行重复。", "文件内会员证号重复")
                continue
            seen_cards[card] = row.number
        team_name = row.values.get("team", "")
        team_id = teams.get(team_name) if team_name else None
        if team_name and team_id is None:
            rejects.add(result, row, f"班组“{team_name}”不在该工会下，请先在组织架构中建立。")
            continue
        pending.append((row, prepared, team_id))
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


def _stage_chunk(job, union, pending, result: Result, rejects: _Rejects) -> None:
    digests = [p[1][0] for p in pending]
    hits = [digest for (digest,) in _registry_rows("id_hash", "id_hash", digests)]
    existing = {m.id_hash: m for m in Member.objects.filter(id_hash__in=hits).select_related("union")} if hits else {}
    cards = [p[1][1] for p in pending if p[1][1]]
    card_owner = dict(_registry_rows("card_number, id_hash", "card_number", cards)) if cards else {}
    staged: list[tuple[Any, ...]] = []
    changed = result.updated_columns()
    compared = [i for i, f in enumerate(COMPARED) if f in changed]
    for row, (digest, card, values, head, tail), team_id in pending:
        found = existing.get(digest)
        if card and card_owner.get(card, digest) != digest:
            rejects.add(result, row, "会员证号已被会员库中的其他人使用。", "会员证号已被他人使用")
            continue
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
            if live:
                fresh = (*values, team_id)
                if all(getattr(found, COMPARED[i]) == fresh[i] for i in compared):
                    result.unchanged += 1
                    continue
                action = "update"
            else:
                action = "rejoin"
        staged.append((job.pk, row.number, action, found.pk if found else None, *head, team_id, *tail))
        if action == "insert":
            result.imported += 1
        elif action == "update":
            result.updated += 1
        else:
            result.imported += 1
    with transaction.atomic():
        bulk.insert_into(stage_table(), STAGE_COLUMNS, staged)


_UPDATED = tuple(c for c in _COPIED if c not in ("id_number", "id_hash", "sex", "birth_date"))


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
    if report and rejects.rows:
        write_report(report, rejects)
    return result


def write_report(path: str | Path, rejects: _Rejects) -> None:
    keys = [c.key for c in COLUMNS]
    labels = ["行号", *[c.label for c in COLUMNS]]
    rows = (([str(n), *[values.get(k, "") for k in keys]], reason) for n, values, reason in rejects.rows)
    write_rejects_xlsx(path, labels, rows)


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
