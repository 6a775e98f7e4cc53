"""Where the database's schema stands against this version of the code.

`gefeng serve`, `gefeng demo`, `gefeng backup` and `gefeng restore` all ask the same question
before they touch data: is every migration the code knows applied (else the database is *behind*:
run `gefeng migrate`), and is every applied migration known to the code (else it is *ahead*: it was
upgraded by a newer version, and this older code must not run on it)?
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.loader import MigrationLoader

Key = tuple[str, str]


class SchemaError(Exception):
    """The database cannot be used by this code as it stands; the message says why, in Chinese."""


@dataclass(frozen=True)
class SchemaState:
    applied: frozenset[Key]
    unapplied: tuple[Key, ...]  # known to the code, not applied: the database is behind
    unknown: tuple[Key, ...]  # applied, not known to the code: the database is ahead

    @property
    def empty(self) -> bool:
        return not self.applied

    @property
    def behind(self) -> bool:
        return bool(self.unapplied)

    @property
    def ahead(self) -> bool:
        return bool(self.unknown)

    @property
    def current(self) -> bool:
        return not self.unapplied and not self.unknown


def known_migrations() -> frozenset[Key]:
    """Every migration of the code, and the ones a squashed migration stands for."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update((app, name) for app, name in migration.replaces)
    return frozenset(known)


def unknown_to_code(applied: Iterable[Key]) -> list[Key]:
    known = known_migrations()
    return sorted(key for key in applied if tuple(key) not in known)


def state(using: str = DEFAULT_DB_ALIAS) -> SchemaState:
    """The schema state of a database; a database that cannot be reached raises SchemaError."""
    connection = connections[using]
    try:
        loader = MigrationLoader(connection, ignore_no_migrations=True)
    except DatabaseError as exc:
        raise SchemaError(f"无法读取数据库（{connection.settings_dict.get('NAME')}）：{exc}") from None
    applied = frozenset(loader.applied_migrations or {})
    unapplied = tuple(key for key in loader.graph.leaf_nodes() for key in loader.graph.forwards_plan(key))
    pending = tuple(dict.fromkeys(key for key in unapplied if key not in applied))
    return SchemaState(applied=applied, unapplied=pending, unknown=tuple(unknown_to_code(applied)))


def _names(keys: Iterable[Key], limit: int = 5) -> str:
    keys = list(keys)
    shown = "、".join(f"{app}.{name}" for app, name in keys[:limit])
    return shown + (f" 等 {len(keys)} 个" if len(keys) > limit else "")


def ahead_message(st: SchemaState) -> str:
    return (
        f"数据库比当前程序新：其中已执行了本程序不认识的数据库迁移（{_names(st.unknown)}），"
        "多半是曾用较新的版本升级过。请安装相应的（或更新的）版本，或者从升级前的备份恢复；"
        "旧版本不能在新结构的数据库上运行。"
    )


def behind_message(st: SchemaState) -> str:
    if st.empty:
        return "数据库还没有初始化（没有任何数据表）。"
    return f"数据库结构落后于程序：有 {len(st.unapplied)} 个数据库迁移尚未执行（{_names(st.unapplied)}）。"


def require_current(using: str = DEFAULT_DB_ALIAS, *, hint: str = "请先备份，再运行 gefeng migrate。") -> SchemaState:
    """Raise SchemaError unless every known migration, and no unknown one, is applied."""
    st = state(using)
    if st.ahead:
        raise SchemaError(ahead_message(st))
    if st.behind:
        raise SchemaError(behind_message(st) + ("请先运行 gefeng migrate。" if st.empty else hint))
    return st


def applied_by_app(applied: Iterable[Key]) -> dict[str, list[str]]:
    """{app: [migration names, sorted]} — the form kept in a backup's manifest."""
    out: dict[str, list[str]] = {}
    for app, name in sorted(applied):
        out.setdefault(app, []).append(name)
    return out
