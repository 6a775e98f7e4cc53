"""Who is acting and from where, for the audit log.

The request middleware fills it for web requests; commands and background jobs set it with
`acting_as`, so an audit entry always names its actor and source.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    ip: str = ""
    user_agent: str = ""
    source: str = "web"  # web, cli, job, api


_SYSTEM = RequestInfo(source="system")
_current: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar("gefeng_request", default=None)


def current() -> RequestInfo:
    return _current.get() or _SYSTEM


def set_source(source: str) -> None:
    """Relabel the rest of this request (the API marks its calls "api")."""
    info = current()
    _current.set(RequestInfo(ip=info.ip, user_agent=info.user_agent, source=source))


@contextlib.contextmanager
def acting_from(info: RequestInfo) -> Iterator[None]:
    token = _current.set(info)
    try:
        yield
    finally:
        _current.reset(token)


def client_ip(meta: dict, trusted_proxies: list[str]) -> str:
    """The client's address; X-Forwarded-For is believed only from a configured proxy (see core.security)."""
    from gefeng.core.security import client_ip as from_headers

    return from_headers(meta, trusted_proxies)
