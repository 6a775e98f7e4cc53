"""Who may open the core pages (see tests/matrix.py)."""

from __future__ import annotations

from tests.matrix import ALL_PERSONAS, Case, ok

# accounts/roles.py: county_admin, member_unit, town_officer and enterprise_chair hold figures.view;
# the system administrator passes as superuser (figures.view is not a separated duty).
FIGURES = ok("sysadmin", "county", "liaison", "town", "chair", "outsider")


def _outsider_notification(tree, personas):
    """A notification of the outsider's: every other persona gets 404 marking it read."""
    from gefeng.core import notifications

    n = notifications.send(personas["outsider"], title="恒辉编织的通知", link="/", key="matrix")
    return {"pk": n.pk}


MATRIX = {
    "core:home": Case(ok=ALL_PERSONAS),
    "core:figures": Case(ok=FIGURES),
    # The xlsx of 年度数据 (audited); ?org= outside the scope is a 404 like the page.
    "core:figures-export": Case(ok=FIGURES),
    # 三员分立: only the auditor reads the audit log; the system administrator gets 403.
    "core:audit-list": Case(ok=ok("auditor")),
    "core:audit-export": Case(ok=ok("auditor")),
    # Every logged-in user reads their own notifications; only the recipient marks one read.
    "core:notification-list": Case(ok=ALL_PERSONAS),
    "core:notification-read-all": Case(ok=ALL_PERSONAS, methods=frozenset({"POST"}), success=frozenset({302})),
    "core:notification-read": Case(
        ok=ok("outsider"),
        kwargs=_outsider_notification,
        methods=frozenset({"POST"}),
        success=frozenset({302}),
    ),
    "healthz": Case(ok=ALL_PERSONAS, public=True),
}
