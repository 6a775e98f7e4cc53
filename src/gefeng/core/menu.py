"""The left menu: seven sections, each item shown only to users who hold its permission.

A module adds its pages from its `AppConfig.ready()` with `menu.add("share", Item(...), ...)`;
a section with no items shows what is still being built (`planned`).
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class Section:
    key: str
    label: Any
    icon: str
    items: list[Item] = field(default_factory=list)
    planned: Any = ""


MENU: list[Section] = [
    Section(
        "orgs",
        _("组织与会员"),
        "diagram-3",
        [
            Item(_("组织架构"), "orgs:tree", "orgs.view", "diagram-3"),
            Item(_("组织名录"), "orgs:node-list", "orgs.view", "list-ul"),
            Item(_("会员名册"), "members:member-list", "members.view", "person-vcard"),
            Item(_("导入花名册"), "members:import-list", "members.import", "upload"),
            Item(_("建会入会"), "members:coverage", ("members.view", "orgs.view"), "graph-up"),
            Item(_("我的信息"), "accounts:profile", "self.view", "person"),
        ],
        planned=_("会员接转"),
    ),
    Section("lead", _("引领聚魂"), "flag", planned=_("学习答题通报、劳模创新支部、职工书屋")),
    Section("grow", _("成长聚能"), "mortarboard", planned=_("名师高徒、五小创新、技能竞赛、人才申报")),
    Section("share", _("共享聚心"), "heart", planned=_("集体合同、劳动争议调解、困难帮扶")),
    Section("sync", _("同频聚效"), "people"),
    Section(
        "reports",
        _("统计报表"),
        "bar-chart",
        [
            Item(_("年度数据"), "core:figures", "figures.view", "table"),
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
            Item(_("接口令牌"), "apitokens:token-list", "api.use", "key"),
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
            url = reverse(item.url_name)
            items.append({"label": item.label, "url": url, "icon": item.icon, "active": path.startswith(url)})
        if section.items and not items:
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
                "planned": section.planned,
                "open": any(i["active"] for i in items),
            }
        )
    return out
