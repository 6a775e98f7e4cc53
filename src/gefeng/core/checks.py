"""gefeng's own deployment checks, run by `gefeng check --deploy`."""

from __future__ import annotations

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


def production_blockers() -> list[str]:
    """What keeps `gefeng serve` from starting in production; empty when nothing does."""
    from gefeng.accounts.services import production_blockers as account_blockers

    return account_blockers() + database_role_problems()


@register(Tags.security, deploy=True)
def database_roles(app_configs, **kwargs):
    try:
        problems = database_role_problems()
    except DatabaseError:
        return []
    return [Error(text, id="gefeng.E003") for text in problems]


@register(Tags.security, deploy=True)
def demo_accounts(app_configs, **kwargs):
    from gefeng.accounts.models import User
    from gefeng.accounts.services import published_password_accounts

    if not settings.PRODUCTION:
        return []
    try:
        active = User.objects.filter(is_demo=True, is_active=True).count()
    except DatabaseError:
        return []  # no tables yet: `check` runs before the first migrate too
    problems = []
    if active:
        problems.append(
            Error(
                f"生产环境中仍有 {active} 个启用的演示账号，请停用（gefeng demo --disable）。",
                id="gefeng.E001",
            )
        )
    weak = published_password_accounts()
    if weak:
        problems.append(
            Error(
                f"账号 {'、'.join(weak)} 仍可用公开的演示密码登录，请停用或用 gefeng setpassword 重置。",
                id="gefeng.E002",
            )
        )
    return problems
