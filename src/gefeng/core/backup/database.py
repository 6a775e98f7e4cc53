"""The database half of a backup: a consistent snapshot, and loading it back.

SQLite: the online backup API copies the database within one read transaction; in WAL mode the
platform keeps writing meanwhile. PostgreSQL: a REPEATABLE READ transaction exports its snapshot,
pg_dump dumps exactly that snapshot (`--snapshot`), and the row counts and migration state of the
manifest are read in the same transaction, so the manifest describes the dump and not the live
database a moment later.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from gefeng.core.pii import EncryptedCharField


class DatabaseToolError(Exception):
    """A database tool is missing or failed; the message is Chinese."""


@dataclass
class Snapshot:
    member: str  # its name inside the archive
    path: Path
    migrations: list[tuple[str, str]]
    counts: dict[str, int]
    sample: dict[str, str] | None = field(default=None)


def vendor(using: str = DEFAULT_DB_ALIAS) -> str:
    return connections[using].vendor


def member_name(db_vendor: str) -> str:
    return "database.sqlite3" if db_vendor == "sqlite" else "database.pgdump"


def sealed_columns() -> list[tuple[str, str]]:
    """(table, column) of every sealed personal-data column, the registry's first."""
    found = []
    for model in sorted(apps.get_models(), key=lambda m: (m._meta.label != "members.Member", m._meta.label)):
        for f in model._meta.concrete_fields:
            if isinstance(f, EncryptedCharField):
                found.append((model._meta.db_table, f.column))
    return found


def _sample(cursor: Any, quote, tables: Iterable[str]) -> dict[str, str] | None:
    """One sealed value as stored, so a restore can prove the key opens the data itself."""
    present = set(tables)
    for table, column in sealed_columns():
        if table not in present:
            continue
        cursor.execute(f"SELECT {quote(column)} FROM {quote(table)} WHERE {quote(column)} <> '' LIMIT 1")  # noqa: S608
        row = cursor.fetchone()
        if row and row[0]:
            return {"table": table, "column": column, "value": row[0]}
    return None


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# ---------------------------------------------------------------- SQLite


def _sqlite_facts(conn: sqlite3.Connection) -> tuple[list[tuple[str, str]], dict[str, int]]:
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    counts = {t: conn.execute(f"SELECT COUNT(*) FROM {_sqlite_quote(t)}").fetchone()[0] for t in tables}  # noqa: S608
    migrations = []
    if "django_migrations" in tables:
        migrations = [(a, n) for a, n in conn.execute("SELECT app, name FROM django_migrations ORDER BY app, name")]
    return migrations, counts


def sqlite_copy(source: sqlite3.Connection, dest_path: Path) -> Snapshot:
    """Copy a live SQLite database with the backup API, then describe the copy."""
    dest = sqlite3.connect(dest_path)
    try:
        source.backup(dest)  # one step: one read transaction, a consistent copy
        dest.execute("PRAGMA journal_mode=DELETE")  # a standalone file, no -wal beside it
        migrations, counts = _sqlite_facts(dest)
        sample = _sample(dest.cursor(), _sqlite_quote, counts)
    finally:
        dest.close()
    return Snapshot(member_name("sqlite"), dest_path, migrations, counts, sample)


def _sqlite_raw(using: str) -> sqlite3.Connection:
    conn = connections[using]
    conn.ensure_connection()
    return conn.connection


# ---------------------------------------------------------------- PostgreSQL


def pg_tool(name: str) -> str:
    """pg_dump or pg_restore: on PATH, else the newest under /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if candidates:
        return candidates[-1]
    raise DatabaseToolError(
        f"找不到 {name}：请安装 PostgreSQL 客户端（如 apt-get install postgresql-client-15，"
        "版本不低于数据库服务器），或把它所在的目录加入 PATH。"
    )


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    pairs = {
        "PGDATABASE": settings_dict.get("NAME"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGSSLMODE": (settings_dict.get("OPTIONS") or {}).get("sslmode"),
    }
    env.update({k: str(v) for k, v in pairs.items() if v})
    return env


def _pg_connect(settings_dict: dict[str, Any]):
    import psycopg

    params = {
        "dbname": settings_dict.get("NAME"),
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
        "sslmode": (settings_dict.get("OPTIONS") or {}).get("sslmode"),
    }
    return psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True)


def _pg_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_PG_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        tool = Path(args[0]).name
        raise DatabaseToolError(f"{what}失败（{tool} 退出码 {result.returncode}）：{result.stderr.strip()}")


def pg_dump(dest_path: Path, using: str = DEFAULT_DB_ALIAS) -> Snapshot:
    settings_dict = connections[using].settings_dict
    tool = pg_tool("pg_dump")
    with _pg_connect(settings_dict) as conn, conn.cursor() as cur:
        cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cur.execute("SELECT pg_export_snapshot()")
        snapshot_id = cur.fetchone()[0]
        _run(
            [tool, "--format=custom", f"--snapshot={snapshot_id}", "--no-password", f"--file={dest_path}"],
            _pg_env(settings_dict),
            "导出数据库",
        )
        cur.execute(_PG_TABLES)
        tables = [r[0] for r in cur.fetchall()]
        counts = {}
        for table in tables:
            cur.execute(f"SELECT COUNT(*) FROM {_pg_quote(table)}")  # noqa: S608
            counts[table] = cur.fetchone()[0]
        migrations: list[tuple[str, str]] = []
        if "django_migrations" in tables:
            cur.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
            migrations = [(a, n) for a, n in cur.fetchall()]
        sample = _sample(cur, _pg_quote, tables)
        cur.execute("COMMIT")
    return Snapshot(member_name("postgresql"), dest_path, migrations, counts, sample)


# ---------------------------------------------------------------- both


def snapshot(dest_dir: Path, using: str = DEFAULT_DB_ALIAS) -> Snapshot:
    db_vendor = vendor(using)
    path = dest_dir / member_name(db_vendor)
    if db_vendor == "sqlite":
        return sqlite_copy(_sqlite_raw(using), path)
    if db_vendor == "postgresql":
        return pg_dump(path, using)
    raise DatabaseToolError(f"不支持备份 {db_vendor} 数据库。")


def table_names(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    conn = connections[using]
    with conn.cursor() as cursor:
        # SQLite's own tables (sqlite_stat1 after an ANALYZE) are not data.
        return sorted(t for t in conn.introspection.table_names(cursor) if not t.startswith("sqlite_"))


def counts(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    conn = connections[using]
    quote = conn.ops.quote_name
    out = {}
    with conn.cursor() as cursor:
        for table in table_names(using):
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
            out[table] = cursor.fetchone()[0]
    return out


def wipe(using: str = DEFAULT_DB_ALIAS) -> None:
    """Drop every table (and on PostgreSQL every sequence, view and function) of the schema."""
    conn = connections[using]
    if conn.vendor == "sqlite":
        raw = _sqlite_raw(using)
        empty = sqlite3.connect(":memory:")
        empty.backup(raw)  # an empty database replaces the whole file, journal and all
        empty.close()
        conn.close()
        return
    with transaction.atomic(using=using), conn.cursor() as cursor:
        cursor.execute(
            """
            SELECT format('DROP %s IF EXISTS %I.%I CASCADE',
                          CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                         WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE'
                                         ELSE 'TABLE' END,
                          n.nspname, c.relname)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('e', 'a', 'i'))
            """
        )
        statements = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            """
            SELECT format('DROP FUNCTION IF EXISTS %s CASCADE', p.oid::regprocedure)
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = current_schema()
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
            """
        )
        statements += [r[0] for r in cursor.fetchall()]
        for statement in statements:
            cursor.execute(statement)


def load(path: Path, db_vendor: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Load a snapshot into the (empty) configured database."""
    conn = connections[using]
    if db_vendor != conn.vendor:
        raise DatabaseToolError(
            f"备份来自 {db_vendor} 数据库，当前配置的是 {conn.vendor}：只能恢复到同类数据库"
            "（换数据库请用 gefeng dumpdata/loaddata 迁移）。"
        )
    if db_vendor == "sqlite":
        source = sqlite3.connect(path)
        try:
            source.backup(_sqlite_raw(using))
        finally:
            source.close()
        conn.close()  # the next connection sets WAL and the pragmas again
        return
    conn.close()
    _run(
        [pg_tool("pg_restore"), "--no-owner", "--single-transaction", "--exit-on-error", "--no-password",
         f"--dbname={conn.settings_dict['NAME']}", str(path)],
        _pg_env(conn.settings_dict),
        "恢复数据库",
    )  # fmt: skip
