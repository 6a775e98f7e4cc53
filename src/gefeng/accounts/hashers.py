"""Argon2 with a bound on how many hashes one process computes at once.

Django's Argon2 parameters (time cost 2, 100 MiB of memory, parallelism 8) are kept, so every
stored hash still verifies and none needs upgrading. What changes is that each hash holds its
100 MiB only while it runs: without a bound, a web worker with four threads that receives four
logins at once (an office arriving at 8:30, or a password-guessing flood) holds 400 MiB on top of
its own size. The bound (GEFENG_PASSWORD_HASH_CONCURRENCY, default 1 per process) makes the
others wait their turn instead — a login takes a tenth of a second longer at worst, and a worker's
memory stays flat whatever arrives.
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher

_lock = threading.Lock()
_slots: threading.BoundedSemaphore | None = None


def slots() -> threading.BoundedSemaphore:
    """The process's semaphore, made on first use with the setting's size."""
    global _slots
    if _slots is None:
        with _lock:
            if _slots is None:
                _slots = threading.BoundedSemaphore(settings.PASSWORD_HASH_CONCURRENCY)
    return _slots


class BoundedArgon2PasswordHasher(Argon2PasswordHasher):
    """The same algorithm ("argon2") and parameters as Django's; at most N hashes at a time."""

    def encode(self, password: str, salt: str) -> str:
        with slots():
            return super().encode(password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        with slots():
            return super().verify(password, encoded)

    def harden_runtime(self, password: str, encoded: str) -> Any:
        with slots():
            return super().harden_runtime(password, encoded)
