"""Deployment checks of accounts, run by `gefeng check --deploy` and before `gefeng serve` starts."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError


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
