"""Built-in roles: each a data scope and a set of permissions.

Roles are defined in code, not in the database, so a permission can never drift away from the
code that checks it; users hold roles through `RoleGrant` rows. The duties of system, security
and audit administration are kept apart (等保 2.0 三员分立): the system administrator is the
superuser made with `gefeng createadmin`, security and audit administrators hold the roles below,
and no user may hold two of the three duties.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope

if TYPE_CHECKING:
    from gefeng.accounts.models import User


class RoleCode(models.TextChoices):
    COUNTY_ADMIN = "county_admin", _("县级管理员")
    MEMBER_UNIT = "member_unit", _("成员单位联络员")
    TOWN_OFFICER = "town_officer", _("镇街工会干部")
    ENTERPRISE_CHAIR = "enterprise_chair", _("企业工会主席")
    AUDITOR = "auditor", _("审计管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    WORKER = "worker", _("职工")


# Duties kept apart from each other and from the system administrator.
DUTY_SYSTEM = "system"
DUTY_SECURITY = "security"
DUTY_AUDIT = "audit"
DUTY_BUSINESS = "business"


@dataclass(frozen=True)
class RoleDef:
    code: str
    scope: str
    perms: frozenset[str]
    duty: str
    description: str


_ORG_READ = {"orgs.view", "api.use"}
_ORG_WRITE = {"orgs.view", "orgs.change", "api.use"}
_MEMBERS = {"members.view", "members.change", "members.reveal", "members.import", "members.export"}
# 产改责任清单 (reform, supervision): see items in scope, report on them, run the plan.
_REFORM_UNIT = {"reform.view", "reform.report"}
_REFORM_ALL = _REFORM_UNIT | {"reform.manage"}
# 选树表彰 (honours), 人才库 (talent), 劳模津贴 (allowances).
_HONOURS_NOMINATE = {"honours.view", "honours.nominate"}
_HONOURS_ALL = _HONOURS_NOMINATE | {"honours.review", "honours.manage", "talent.view"}
_ALLOWANCES_ALL = {"allowances.view", "allowances.manage"}
# 引领聚魂 (learning): study supervision, contests, building and positions; workers take contests.
_LEARNING_VIEW = {"learning.view"}
_LEARNING_ALL = _LEARNING_VIEW | {"learning.manage"}
_LEARNING_WORKER = {"learning.take"}

ROLES: dict[str, RoleDef] = {
    RoleCode.COUNTY_ADMIN: RoleDef(
        RoleCode.COUNTY_ADMIN,
        scope.SUBTREE,
        frozenset(
            _ORG_WRITE | _MEMBERS | _REFORM_ALL | _HONOURS_ALL | _ALLOWANCES_ALL | _LEARNING_ALL | {"figures.view"}
        ),
        DUTY_BUSINESS,
        "县总工会、县产改办：全县数据，计划、督办、审批、统计。",
    ),
    RoleCode.MEMBER_UNIT: RoleDef(
        RoleCode.MEMBER_UNIT,
        scope.NODE,
        frozenset(_ORG_READ | _REFORM_UNIT | _HONOURS_NOMINATE | _LEARNING_VIEW | {"figures.view"}),
        DUTY_BUSINESS,
        "联席会议成员单位：本单位的任务与报送。",
    ),
    RoleCode.TOWN_OFFICER: RoleDef(
        RoleCode.TOWN_OFFICER,
        scope.SUBTREE,
        frozenset(
            _ORG_WRITE
            | _MEMBERS
            | _REFORM_UNIT
            | _HONOURS_NOMINATE
            | _LEARNING_ALL
            | {"honours.review", "talent.view", "figures.view"}
        ),
        DUTY_BUSINESS,
        "镇、街道、园区工会：本辖区的组织建设、推荐与审核。",
    ),
    RoleCode.ENTERPRISE_CHAIR: RoleDef(
        RoleCode.ENTERPRISE_CHAIR,
        scope.SUBTREE,
        frozenset(_ORG_WRITE | _MEMBERS | _HONOURS_NOMINATE | _LEARNING_ALL | {"figures.view"}),
        DUTY_BUSINESS,
        "企业工会主席：本企业的工会、班组与会员。",
    ),
    RoleCode.AUDITOR: RoleDef(
        RoleCode.AUDITOR,
        scope.ALL,
        frozenset(
            {
                "audit.view",
                "loginlog.view",
                "orgs.view",
                "members.view",
                "reform.view",
                "honours.view",
                "talent.view",
                "allowances.view",
                "learning.view",
                "api.use",
            }
        ),
        DUTY_AUDIT,
        "审计管理员：只读查看业务数据，查看与导出审计日志和登录日志。",
    ),
    RoleCode.SECURITY_ADMIN: RoleDef(
        RoleCode.SECURITY_ADMIN,
        scope.ALL,
        frozenset({"accounts.view", "accounts.manage", "accounts.roles", "loginlog.view", "sessions.manage"}),
        DUTY_SECURITY,
        "安全管理员：账号、角色授权、解锁、在线会话与登录日志；不看业务数据。",
    ),
    RoleCode.WORKER: RoleDef(
        RoleCode.WORKER,
        scope.SELF,
        frozenset({"self.view", "members.view", "honours.view"} | _LEARNING_WORKER),
        DUTY_BUSINESS,
        "职工：本人信息与申请。",
    ),
}

# What the superuser (system administrator) may do besides business data.
SYSTEM_ADMIN_PERMS = frozenset({"accounts.view", "accounts.manage", "accounts.confirm", "sessions.manage"})


def grants_for(user: User) -> list[scope.Grant]:
    codes = user.role_codes()
    return [scope.Grant(ROLES[c].scope, ROLES[c].perms) for c in codes if c in ROLES]


def duties_of(codes: set[str], *, superuser: bool = False) -> set[str]:
    duties = {ROLES[c].duty for c in codes if c in ROLES}
    if superuser:
        duties.add(DUTY_SYSTEM)
    return duties - {DUTY_BUSINESS}
