"""The numbers of the worker's platform, each a `GEFENG_WORKERS_*` setting (or a Django setting of
the same name without the prefix, which tests override)."""

from __future__ import annotations

from django.conf import settings

from gefeng.env import env_int

_DEFAULTS = {
    # Failed real-name matches an account may make in the window, and an address (a whole
    # factory's Wi-Fi may share one).
    "WORKERS_BIND_FAILURES": env_int("GEFENG_WORKERS_BIND_FAILURES", 5, minimum=1),
    "WORKERS_BIND_ADDRESS_FAILURES": env_int("GEFENG_WORKERS_BIND_ADDRESS_FAILURES", 30, minimum=1),
    "WORKERS_BIND_WINDOW_MINUTES": env_int("GEFENG_WORKERS_BIND_WINDOW_MINUTES", 60, minimum=1),
    # How long a printed activation code stays valid.
    "WORKERS_CODE_DAYS": env_int("GEFENG_WORKERS_CODE_DAYS", 30, minimum=1),
    # The union's time limit for a binding, joining or correction request (calendar days).
    "WORKERS_REQUEST_DAYS": env_int("GEFENG_WORKERS_REQUEST_DAYS", 15, minimum=1),
    # How long the member card's QR code stays valid after the card page was opened.
    "WORKERS_CARD_TOKEN_SECONDS": env_int("GEFENG_WORKERS_CARD_TOKEN_SECONDS", 600, minimum=30),
    # Accounts one address may register in a day.
    "WORKERS_REGISTER_PER_ADDRESS": env_int("GEFENG_WORKERS_REGISTER_PER_ADDRESS", 20, minimum=1),
}


def get(name: str) -> int:
    return int(getattr(settings, name, _DEFAULTS[name]))
