"""Stage: read the file, validate each row, compare it with the registry and write the
accepted rows to the stage in committed chunks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation

from gefeng.core import bulk, pii
from gefeng.core.tabular import Row
from gefeng.core.tabular_isolated import open_table_isolated
from gefeng.members import idtail, services
from gefeng.members.imports.rows import (
    _TAIL,
    COMPARED,
    LEFT_OUT,
    STAGE_COLUMNS,
    Note,
    Result,
    _Context,
    _Rejects,
    _validate,
    stage_table,
)
from gefeng.members.imports.vocabulary import CHOICE_COLUMNS, COLUMNS, COMPACT, Vocabulary
from gefeng.members.models import (
    ImportJob,
    ImportMode,
    Member,
    Status,
)
from gefeng.orgs.models import Kind, OrgNode

CHUNK = 2000

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
                notes.append(("card_number", card, f"会员证号与第 {other} 行重复，{LEFT_OUT}"))
            else:
                seen_cards[card] = row.number
        team_name = row.values.get("team", "")
        team_id = teams.get(team_name) if team_name else None
        if team_name and team_id is None:
            notes.append(("team", team_name, f"班组“{team_name}”不在该工会下，请先在组织架构中建立；{LEFT_OUT}"))
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
            notes = [*(notes or ()), ("card_number", card, f"会员证号已被会员库中的其他人使用，{LEFT_OUT}")]
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
