"""gefeng's own deployment checks, run by `gefeng check --deploy`."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError, connection


@register(Tags.security, deploy=True)
def production_settings(app_configs, **kwargs):
    problems = []
    if not settings.PRODUCTION:
        problems.append(
            Warning(
                "未开启生产模式（GEFENG_PRODUCTION=true）：密钥存放在数据目录，演示账号不强制改密。",
                id="gefeng.W001",
            )
        )
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and settings.PRODUCTION:
        problems.append(
            Warning(
                "生产模式使用内置 SQLite：单机县级部署可以使用，省市级部署请改用 PostgreSQL。",
                id="gefeng.W002",
            )
        )
    if not settings.HTTPS:
        problems.append(
            Warning(
                "未启用 HTTPS（GEFENG_HTTPS=false）：请在反向代理上配置证书，或确认内网传输已受保护。",
                id="gefeng.W003",
            )
        )
    return problems


def database_role_problems() -> list[str]:
    """On PostgreSQL: the application's role must own no table and not be a superuser, or it
    could TRUNCATE, alter or drop the audit log whatever the grants say (core.dbroles)."""
    from gefeng.core import dbroles

    if connection.vendor != "postgresql":
        return []
    problems = []
    if dbroles.is_superuser():
        problems.append(
            "应用连接数据库所用的角色是 PostgreSQL 超级用户：请改用只有增删改查权限的应用角色"
            "（GEFENG_DATABASE_URL），迁移用所有者角色（GEFENG_MIGRATE_DATABASE_URL），见 docs/operations.md。"
        )
    owned = dbroles.owned_tables()
    if owned:
        problems.append(
            f"应用连接数据库所用的角色拥有 {len(owned)} 张数据表（如 {'、'.join(owned[:3])}），"
            "可以清空或删除审计日志：请让所有者角色拥有这些表，应用改用不拥有任何表的角色（gefeng dbroles）。"
        )
    return problems


# What apps add to the reasons `gefeng serve` refuses to start in production (each returns Chinese
# sentences); `accounts` adds its published-password and demo-account checks from its ready().
_blockers: list[Callable[[], list[str]]] = []


def add_production_blocker(check: Callable[[], list[str]]) -> None:
    if check not in _blockers:
        _blockers.append(check)


def production_blockers() -> list[str]:
    """What keeps `gefeng serve` from starting in production; empty when nothing does."""
    found: list[str] = []
    for check in _blockers:
        found += check()
    return found + database_role_problems()


@register(Tags.security, deploy=True)
def database_roles(app_configs, **kwargs):
    try:
        problems = database_role_problems()
    except DatabaseError:
        return []
    return [Error(text, id="gefeng.E003") for text in problems]
