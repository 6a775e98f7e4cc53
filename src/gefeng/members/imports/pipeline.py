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

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from gefeng.core import audit
from gefeng.core.actors import SYSTEM
from gefeng.core.tabular import TabularError
from gefeng.members import idtail, tally
from gefeng.members.imports.rows import (  # noqa: F401  (the pipeline's public names)
    _COPIED,
    COMPARED,
    SETS,
    STAGE_COLUMNS,
    WARNING_LABELS,
    WARNINGS_SHEET,
    Result,
    check_rights,
    clear_rows,
    clear_stage,
    event_model,
    iter_reasons,
    resolve_union,
    stage_table,
    staged,
    write_report,
)
from gefeng.members.imports.staging import CHUNK, stage  # noqa: F401
from gefeng.members.imports.vocabulary import (  # noqa: F401
    CHOICE_COLUMNS,
    COLUMNS,
    COMPACT,
    LABELS,
    MAPPABLE_CHARS,
    NONE_WORDS,
    REQUIRED,
    UNKNOWN_KEPT,
    Vocabulary,
    builtin_table,
    choices,
    fold,
    remembered,
    survey,
)
from gefeng.members.models import (
    ImportJob,
    Member,
    Status,
)
from gefeng.orgs.models import INDUSTRIAL_SECTIONS, Kind

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
    member_t, event_t = (q(m._meta.db_table) for m in (Member, event_model()))
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
        clear_rows(cur, stage_t, job)
        # The union's enterprise is the only one whose live members changed (a rejoining member
        # had left elsewhere): its count is taken again, in this transaction.
        tally.recount([enterprise.pk] if enterprise else [])
        audit.record(
            actor=job.actor or SYSTEM,
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
