"""What stands between this installation and production use."""

from __future__ import annotations

from gefeng.accounts.models import User

# ---------------------------------------------------------------- production


def published_password_accounts() -> list[str]:
    """Active accounts that still open with a published password (the demo's, in the README).

    An Argon2 check costs about a tenth of a second, so not every account is tried: only the
    accounts flagged demo, those bearing a demo account's name and the administrators (system,
    security, audit) — a few dozen at most, whatever the number of users.
    """
    from django.db.models import Q

    from gefeng.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
    from gefeng.accounts.roles import RoleCode

    published = [DEMO_PASSWORD]
    names = [a[0] for a in DEMO_ACCOUNTS]
    admin_roles = [RoleCode.AUDITOR, RoleCode.SECURITY_ADMIN]
    candidates = (
        User.objects.filter(is_active=True)
        .filter(Q(is_demo=True) | Q(username__in=names) | Q(is_superuser=True) | Q(role_grants__role__in=admin_roles))
        .distinct()
        .order_by("username")
    )
    return [u.username for u in candidates if any(u.check_password(p) for p in published)]


def production_blockers() -> list[str]:
    """Why the platform must not serve in production yet (empty: nothing). `gefeng serve`
    refuses to start while this is not empty; `gefeng check --deploy` reports the same."""
    problems = []
    demo = list(User.objects.filter(is_demo=True, is_active=True).values_list("username", flat=True))
    if demo:
        problems.append(
            f"仍有 {len(demo)} 个启用的演示账号（{'、'.join(sorted(demo)[:9])}），请先执行 gefeng demo --disable。"
        )
    weak = published_password_accounts()
    if weak:
        problems.append(f"账号 {'、'.join(weak)} 仍可用公开的演示密码登录，请停用或用 gefeng setpassword 重置。")
    return problems
