"""Live sessions: ending them, keeping the current one across a password change."""

from __future__ import annotations

from django.contrib.auth import update_session_auth_hash
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from gefeng.accounts.models import User, UserSession
from gefeng.core import audit, scope

# ---------------------------------------------------------------- sessions


def _end_sessions(user: User, reason: str, *, keep_key: str | None = None) -> int:
    """End every live session of `user` (except `keep_key`): remove them from the store and mark them."""
    live = UserSession.objects.filter(user=user, ended_at__isnull=True)
    if keep_key:
        live = live.exclude(session_key=keep_key)
    keys = list(live.values_list("session_key", flat=True))
    if not keys:
        return 0
    Session.objects.filter(session_key__in=keys).delete()
    return UserSession.objects.filter(session_key__in=keys).update(ended_at=timezone.now(), end_reason=reason)


@transaction.atomic
def session_rehash(request: HttpRequest, user: User) -> None:
    """Keep the current login alive after the user changed their own password.

    Django renews the session key when the password hash changes; the live-session row follows
    it, or the session middleware would take the renewed session for a forced logout. The change
    itself is audited by `password_change`.
    """
    if request.user.pk != user.pk:
        raise PermissionDenied
    old_key = request.session.session_key
    update_session_auth_hash(request, user)
    new_key = request.session.session_key
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


@transaction.atomic
def session_end(*, actor: User, session: UserSession, reason: str = "forced") -> None:
    """Force a logout: the session row is removed from the store and marked ended."""
    if session.user_id != actor.pk:
        scope.require(actor, session, "sessions.manage")
    Session.objects.filter(session_key=session.session_key).delete()
    UserSession.objects.filter(pk=session.pk).update(ended_at=timezone.now(), end_reason=reason)
    audit.record(
        actor=actor,
        action="accounts.session.ended",
        obj=session.user,
        changes={"ip": session.ip, "reason": reason},
    )
