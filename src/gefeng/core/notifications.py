"""The notification centre (站内通知): every reminder the platform sends to a user.

A module sends with `send(recipient, title=…, body=…, link=…, key=…)` or `send_many(...)`; with
a `key`, sending again refreshes the one message (and marks it unread) instead of adding another
— a daily reminder run leaves one notice per unit and period. Sending is system activity and is
not audited (the command or service that decides to send audits itself); reading is the
recipient's own business and is not audited either.

A user only ever reads their own notifications: every read filters on `recipient=user`, and a
notification of somebody else is a 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from gefeng.core.models import Notification

# The badge stops counting here ("99+").
BADGE_CAP = 99


def _clean(text: str, limit: int) -> str:
    text = (text or "").replace("\x00", "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _link(link: str) -> str:
    """Only links inside the platform (a path starting with a single /)."""
    link = (link or "").strip()
    if not link.startswith("/") or link.startswith("//") or "\\" in link:
        return ""
    return link[:300]


@transaction.atomic
def send(recipient: Any, *, title: str, body: str = "", link: str = "", key: str = "") -> Notification:
    """One notification to one user; with `key`, refresh the existing one (unread again)."""
    values = {
        "title": _clean(title, 120),
        "body": _clean(body, 500),
        "link": _link(link),
        "created_at": timezone.now(),
        "read_at": None,
    }
    key = key[:120]
    if key:
        obj, _created = Notification.objects.update_or_create(recipient_id=recipient.pk, key=key, defaults=values)
        return obj
    return Notification.objects.create(recipient_id=recipient.pk, **values)


def send_many(recipients: Iterable[Any], *, title: str, body: str = "", link: str = "", key: str = "") -> int:
    """The same notification to several users; returns how many were sent."""
    n = 0
    for user in recipients:
        send(user, title=title, body=body, link=link, key=key)
        n += 1
    return n


def for_user(user: Any) -> QuerySet[Notification]:
    """The user's own notifications, newest first (none for an anonymous or inactive user)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")


def unread(user: Any) -> QuerySet[Notification]:
    return for_user(user).filter(read_at__isnull=True)


def unread_count(user: Any, cap: int = BADGE_CAP) -> int:
    """Unread notifications, counted up to cap + 1: one query on (recipient, read_at)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)[: cap + 1].count()


def recent(user: Any, limit: int = 5) -> list[Notification]:
    return list(for_user(user)[:limit])


def get_own_or_404(user: Any, pk: Any) -> Notification:
    obj = for_user(user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def mark_read(*, actor: Any, notification: Notification) -> Notification:
    if notification.recipient_id != getattr(actor, "pk", None):
        raise Http404
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, actor: Any) -> int:
    return unread(actor).update(read_at=timezone.now())
