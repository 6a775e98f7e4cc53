"""The left menu: seven sections, each item shown only to users who hold its permission.

A module adds its pages from its `AppConfig.ready()` with `menu.add("share", Item(...), ...)`;
a section with no item for the user is not shown. An item's label is its page's title.

Some pages are open to more roles than they are useful to, so their items also ask `show`:
接口令牌 is for the county and town officers and the system administrator (the member-unit
liaison, the enterprise chair and the auditor hold `api.use` for reading their own part, but
work in the browser), 年度数据 for the county and town officers only (a unit's own figures mean
little). The pages themselves still answer everyone holding the permission.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope


@dataclass(frozen=True)
class Item:
    label: Any
    url_name: str
    perm: str | tuple[str, ...] | None  # None: every logged-in user; a tuple: all of them
    icon: str = "dot"
    show: Callable[[Any], bool] | None = None  # a further condition on the user


@dataclass(frozen=True)
class Section:
    key: str
    label: Any
    icon: str
    items: list[Item] = field(default_factory=list)


# Roles of the county and town offices: the people who read figures and script the API.
OFFICIAL_ROLES = frozenset({"county_admin", "town_officer"})


def is_official(user: Any) -> bool:
    """The system administrator, or a user holding a county or town office role."""
    if getattr(user, "is_superuser", False):
        return True
    return bool(OFFICIAL_ROLES & set(user.role_codes()))


def is_county_or_town(user: Any) -> bool:
    return not getattr(user, "is_superuser", False) and bool(OFFICIAL_ROLES & set(user.role_codes()))


def self_only(user: Any) -> bool:
    """A user whose every role reaches only the user's own data (the worker)."""
    if getattr(user, "is_superuser", False):
        return False
    held = scope.grants(user)
    return bool(held) and all(g.scope == scope.SELF for g in held)


def not_self_only(user: Any) -> bool:
    return not self_only(user)


MENU: list[Section] = [
    Section(
        "orgs",
        _("组织与会员"),
        "diagram-3",
        [
            Item(_("组织架构"), "orgs:tree", "orgs.view", "diagram-3"),
            Item(_("组织名录"), "orgs:node-list", "orgs.view", "list-ul"),
            Item(_("会员名册"), "members:member-list", "members.view", "person-vcard", show=not_self_only),
            Item(_("会员导入"), "members:import-list", "members.import", "upload"),
            Item(_("建会入会"), "members:coverage", ("members.view", "orgs.view"), "graph-up"),
            # The worker's own record: the same page, which shows a worker only themselves.
            Item(_("我的会员信息"), "members:member-list", ("self.view", "members.view"), "person", show=self_only),
        ],
    ),
    Section("lead", _("引领聚魂"), "flag"),
    Section("grow", _("成长聚能"), "mortarboard"),
    Section("share", _("共享聚心"), "heart"),
    Section("sync", _("同频聚效"), "people"),
    Section(
        "reports",
        _("统计报表"),
        "bar-chart",
        [
            Item(_("年度数据"), "core:figures", "figures.view", "table", show=is_county_or_town),
        ],
    ),
    Section(
        "system",
        _("系统管理"),
        "gear",
        [
            Item(_("用户与授权"), "accounts:user-list", "accounts.view", "people"),
            Item(_("在线会话"), "accounts:session-list", "sessions.manage", "broadcast"),
            Item(_("登录日志"), "accounts:loginevent-list", "loginlog.view", "box-arrow-in-right"),
            Item(_("审计日志"), "core:audit-list", "audit.view", "journal-text"),
            Item(_("通知"), "core:notification-list", None, "bell"),
            Item(_("接口令牌"), "apitokens:token-list", "api.use", "key", show=is_official),
            Item(_("账号安全"), "accounts:profile", None, "shield-lock"),
        ],
    ),
]


def add(section_key: str, *items: Item) -> None:
    """Append a module's pages to a section (called once, from the module's `AppConfig.ready()`)."""
    for section in MENU:
        if section.key == section_key:
            known = {(i.url_name, i.label) for i in section.items}
            section.items.extend(i for i in items if (i.url_name, i.label) not in known)
            return
    raise KeyError(f"no menu section {section_key!r}")


def menu_for(user: Any, path: str) -> list[dict[str, Any]]:
    out = []
    for section in MENU:
        items = []
        for item in section.items:
            perms = (item.perm,) if isinstance(item.perm, str) else item.perm or ()
            if not all(scope.has_perm(user, p) for p in perms):
                continue
            if item.show is not None and not item.show(user):
                continue
            url = reverse(item.url_name)
            items.append({"label": item.label, "url": url, "icon": item.icon, "active": path.startswith(url)})
        if not items:
            continue
        # /members/ and /members/coverage/ both prefix a coverage page: the longest match wins.
        active = [i for i in items if i["active"]]
        if len(active) > 1:
            best = max(active, key=lambda i: len(i["url"]))
            for i in active:
                i["active"] = i is best
        out.append(
            {
                "key": section.key,
                "label": section.label,
                "icon": section.icon,
                "items": items,
                "open": any(i["active"] for i in items),
            }
        )
    return out
