"""The bounded Argon2 hasher: Django's hashes verify unchanged, and one process never computes
more hashes at once than the setting allows (each holds 100 MiB while it runs)."""

from __future__ import annotations

import threading
import time

from django.contrib.auth.hashers import Argon2PasswordHasher, check_password

from gefeng.accounts import hashers

PASSWORD = "Hasher#Test2026"


def test_hashes_of_djangos_argon2_verify_and_need_no_upgrade():
    stored = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    ours = hashers.BoundedArgon2PasswordHasher()
    assert ours.algorithm == "argon2"
    assert ours.verify(PASSWORD, stored) and not ours.verify("wrong", stored)
    assert not ours.must_update(stored)
    assert check_password(PASSWORD, ours.encode(PASSWORD, ours.salt()))


def test_concurrent_hashes_wait_for_a_slot(monkeypatch, settings):
    settings.PASSWORD_HASH_CONCURRENCY = 1
    monkeypatch.setattr(hashers, "_slots", None)
    running, peak = 0, 0
    guard = threading.Lock()

    def slow_verify(self, password, encoded):
        nonlocal running, peak
        with guard:
            running += 1
            peak = max(peak, running)
        time.sleep(0.05)
        with guard:
            running -= 1
        return True

    monkeypatch.setattr(Argon2PasswordHasher, "verify", slow_verify)
    ours = hashers.BoundedArgon2PasswordHasher()
    threads = [threading.Thread(target=ours.verify, args=(PASSWORD, "argon2$x")) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak == 1

    settings.PASSWORD_HASH_CONCURRENCY = 3
    monkeypatch.setattr(hashers, "_slots", None)
    peak = 0
    threads = [threading.Thread(target=ours.verify, args=(PASSWORD, "argon2$x")) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 1 < peak <= 3
