"""PostgreSQL roles: the owner of the tables migrates, the application only reads and writes rows.

A table's owner may TRUNCATE it, disable or drop its triggers and drop it, whatever the grants
say; so the role the web server and the workers connect as (GEFENG_DATABASE_URL) must own
nothing. Migrations run as the owner (GEFENG_MIGRATE_DATABASE_URL). The owner grants the
application SELECT, INSERT, UPDATE, DELETE on every table and, on the audit log, only SELECT and
INSERT; default privileges extend the same to tables later migrations create.
"""

from __future__ import annotations

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

AUDIT_TABLE = "core_auditentry"


def _ident(connection: BaseDatabaseWrapper, name: str) -> str:
    return connection.ops.quote_name(name)


def grant_statements(connection: BaseDatabaseWrapper, *, owner: str, app: str, schema: str = "public") -> list[str]:
    o, a, s = _ident(connection, owner), _ident(connection, app), _ident(connection, schema)
    audit = f"{s}.{_ident(connection, AUDIT_TABLE)}"
    return [
        f"GRANT USAGE ON SCHEMA {s} TO {a}",
        f"REVOKE CREATE ON SCHEMA {s} FROM {a}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {a}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {a}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {a}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {audit} FROM {a}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {a}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} GRANT USAGE, SELECT ON SEQUENCES TO {a}",
    ]


def apply_grants(*, owner: str, app: str, using: str = "default", schema: str = "public") -> list[str]:
    """Run the grants on connection `using` (which must be the owner or a superuser)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise ValueError("数据库角色只适用于 PostgreSQL；SQLite 没有角色，应用本身拥有数据库文件。")
    if owner == app:
        raise ValueError("应用角色不能与表的所有者相同：所有者可以清空或删除审计日志表。")
    statements = grant_statements(connection, owner=owner, app=app, schema=schema)
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [app])
        if cur.fetchone() is None:
            raise ValueError(f"PostgreSQL 中没有角色 {app}，请先创建（见 docs/operations.md）。")
        for sql in statements:
            cur.execute(sql)
    return statements


def owned_tables(using: str = "default") -> list[str]:
    """Tables of the current schema owned by the role this connection logs in as."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()
              AND pg_get_userbyid(c.relowner) = current_user
            ORDER BY c.relname
            """
        )
        return [r[0] for r in cur.fetchall()]


def is_superuser(using: str = "default") -> bool:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cur:
        cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cur.fetchone()
    return bool(row and row[0])
