from __future__ import annotations

from django.contrib.auth.backends import ModelBackend


class GuardedModelBackend(ModelBackend):
    """Username and password against argon2 hashes.

    Lock-out and the login log live in `accounts.services.login_check`, which every login path
    calls before this backend; here only active users may authenticate.
    """

    def user_can_authenticate(self, user) -> bool:
        return bool(getattr(user, "is_active", False))
