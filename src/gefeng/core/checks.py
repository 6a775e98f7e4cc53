"""gefeng's own deployment checks, run by `gefeng check --deploy`."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError


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


@register(Tags.security, deploy=True)
def demo_accounts(app_configs, **kwargs):
    from gefeng.accounts.models import User

    if not settings.PRODUCTION:
        return []
    try:
        active = User.objects.filter(is_demo=True, is_active=True).count()
    except DatabaseError:
        return []  # no tables yet: `check` runs before the first migrate too
    if active:
        return [
            Error(
                f"生产环境中仍有 {active} 个启用的演示账号，请停用（gefeng demo --disable）。",
                id="gefeng.E001",
            )
        ]
    return []
