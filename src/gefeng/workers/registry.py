"""The worker's 办事 page: the services a worker can use, registered by the modules offering them.

A module adds its worker services from its `AppConfig.ready()`, as it registers figures:

    registry.register(registry.Service(
        key="care.aid", label="困难帮扶申请", url_name="care:aid-apply", icon="heart",
        hint="遇到困难可申请帮扶", show=lambda user: ...,
    ))

`show(user)` keeps a service off the page of workers it does not concern (joining is for those
not yet bound; the member card for those who are). Services appear in `order`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class Service:
    key: str
    label: str
    url_name: str
    icon: str = "grid"
    hint: str = ""
    show: Callable[[Any], bool] | None = None
    order: int = 100


_services: dict[str, Service] = {}


def register(*services: Service) -> None:
    for s in services:
        if s.key in _services:
            raise ValueError(f"worker service {s.key!r} registered twice")
        _services[s.key] = s


def keys() -> list[str]:
    return list(_services)


def services_for(user: Any) -> list[dict[str, Any]]:
    """The services shown to this worker, in order, with their links."""
    out = []
    for s in sorted(_services.values(), key=lambda s: (s.order, s.key)):
        if s.show is not None and not s.show(user):
            continue
        out.append({"key": s.key, "label": s.label, "icon": s.icon, "hint": s.hint, "url": reverse(s.url_name)})
    return out


def _bound(user: Any) -> bool:
    from gefeng.workers import selectors

    return selectors.own_member(user) is not None


def _unbound(user: Any) -> bool:
    return not _bound(user)


def register_builtin() -> None:
    if "workers.bind" in _services:
        return
    register(
        Service(
            "workers.bind", "实名绑定", "workers:bind", "person-check", "用姓名和身份证号关联会员信息", _unbound, 10
        ),
        Service(
            "workers.join", "申请入会", "workers:join", "person-plus", "还不是工会会员？在线申请入会", _unbound, 20
        ),
        Service("workers.card", "电子会员证", "workers:card", "qr-code", "出示会员证二维码", _bound, 30),
        Service(
            "workers.correction",
            "信息更正",
            "workers:correction-create",
            "pencil-square",
            "会员信息有误？申请更正",
            _bound,
            40,
        ),
        Service(
            "workers.transfer", "会员接转", "workers:transfer", "arrow-left-right", "换了工作单位？申请转会", _bound, 50
        ),
        Service("workers.me", "我的记录", "workers:me", "person", "会籍、荣誉、津贴和申请", None, 90),
    )
