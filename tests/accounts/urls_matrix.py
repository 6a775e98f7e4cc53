"""Who may open each accounts URL (see tests/matrix.py). Object URLs point at the outsider's account.

From gefeng.accounts.roles: the security administrator holds accounts.view / manage / roles,
sessions.manage and loginlog.view over all data; the system administrator (superuser) holds all
of these except accounts.roles (三员分立); the auditor holds loginlog.view. Every persona may
open their own profile, password and second-factor pages, and end their own sessions.
"""

from __future__ import annotations

from tests.matrix import ALL_PERSONAS, Case, ok

ACCOUNT_ADMINS = ok("sysadmin", "security")
GET_POST = frozenset({"GET", "POST"})
POST = frozenset({"POST"})
REDIRECT = frozenset({302})


def _outsider(t, p):
    return {"pk": p["outsider"].pk}


def _outsider_session(t, p):
    """A live session of the outsider (not the client's own), made on demand."""
    from gefeng.accounts.models import UserSession

    session, _created = UserSession.objects.get_or_create(
        session_key="matrix-outsider-session", defaults={"user": p["outsider"], "ip": "192.0.2.7"}
    )
    return {"pk": session.pk}


MATRIX = {
    # Public: a logged-in user is sent on (home), a visitor gets the form.
    "accounts:login": Case(ok=ALL_PERSONAS, public=True, methods=GET_POST, success=REDIRECT),
    "accounts:login-totp": Case(ok=ALL_PERSONAS, public=True, methods=GET_POST, success=REDIRECT),
    "accounts:logout": Case(ok=ALL_PERSONAS, methods=POST, success=REDIRECT),
    # One's own account.
    "accounts:password-change": Case(ok=ALL_PERSONAS, methods=GET_POST),
    "accounts:profile": Case(ok=ALL_PERSONAS),
    "accounts:totp-setup": Case(ok=ALL_PERSONAS, methods=GET_POST),
    "accounts:totp-disable": Case(
        ok=ALL_PERSONAS, methods=POST, success=REDIRECT, data=lambda t, p: {"code": "000000"}
    ),
    # Users: accounts.view / accounts.manage; roles only by the security administrator.
    "accounts:user-list": Case(ok=ACCOUNT_ADMINS),
    "accounts:user-create": Case(ok=ACCOUNT_ADMINS, methods=GET_POST),
    "accounts:user-detail": Case(ok=ACCOUNT_ADMINS, kwargs=_outsider),
    "accounts:user-edit": Case(ok=ACCOUNT_ADMINS, kwargs=_outsider, methods=GET_POST),
    "accounts:user-roles": Case(ok=ok("security"), kwargs=_outsider, methods=GET_POST),
    # The response itself shows the temporary password once (no redirect, nothing stored).
    "accounts:user-reset-password": Case(ok=ACCOUNT_ADMINS, kwargs=_outsider, methods=POST),
    "accounts:user-unlock": Case(ok=ACCOUNT_ADMINS, kwargs=_outsider, methods=POST, success=REDIRECT),
    "accounts:user-totp-reset": Case(ok=ACCOUNT_ADMINS, kwargs=_outsider, methods=POST, success=REDIRECT),
    # Sessions: sessions.manage for anyone's; the outsider may end their own.
    "accounts:session-list": Case(ok=ACCOUNT_ADMINS),
    "accounts:session-end": Case(
        ok=ACCOUNT_ADMINS | ok("outsider"),
        kwargs=_outsider_session,
        methods=POST,
        success=REDIRECT,
    ),
    "accounts:loginevent-list": Case(ok=ok("sysadmin", "security", "auditor")),
    # Clearing a locked address: accounts.manage (the auditor reads the login log, frees nothing).
    "accounts:address-unlock": Case(
        ok=ACCOUNT_ADMINS, methods=POST, success=REDIRECT, data=lambda t, p: {"ip": "192.0.2.7"}
    ),
}


def _pending_grant(t, p):
    """A business role the security administrator granted the outsider, not yet confirmed."""
    from gefeng.accounts.models import RoleGrant

    grant, _created = RoleGrant.objects.get_or_create(
        user=p["outsider"], role="worker", defaults={"granted_by": p["security"]}
    )
    RoleGrant.objects.filter(pk=grant.pk).update(confirmed_at=None, confirmed_by=None, granted_by=p["security"])
    return {"pk": grant.pk}


MATRIX |= {
    # Pending grants: only the system administrator confirms or rejects (三员分立).
    "accounts:grant-list": Case(ok=ok("sysadmin")),
    "accounts:grant-confirm": Case(ok=ok("sysadmin"), kwargs=_pending_grant, methods=POST, success=REDIRECT),
    "accounts:grant-reject": Case(ok=ok("sysadmin"), kwargs=_pending_grant, methods=POST, success=REDIRECT),
}
