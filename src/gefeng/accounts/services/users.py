"""Accounts and their roles, with the separation of the three administrator duties (三员分立)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gefeng.accounts.models import RoleGrant, User
from gefeng.accounts.roles import DUTY_BUSINESS, ROLES, duties_of
from gefeng.accounts.services.passwords import _remember_password, holds_admin_duty
from gefeng.accounts.services.sessions import _end_sessions
from gefeng.core import actors, audit, scope
from gefeng.core.actors import accepts_system
from gefeng.orgs.models import OrgNode

# ---------------------------------------------------------------- users and roles


def _check_duties(codes: set[str], *, superuser: bool) -> None:
    unknown = codes - set(ROLES)
    if unknown:
        raise ValidationError({"roles": [f"未知角色：{'、'.join(sorted(unknown))}。"]})
    duties = duties_of(codes, superuser=superuser)
    if len(duties) > 1 or (duties and any(ROLES[c].duty == DUTY_BUSINESS for c in codes)):
        raise ValidationError(
            {"roles": ["系统管理、安全管理、审计管理三种职责须由不同账号担任，也不能与业务角色兼任（三员分立）。"]}
        )


@accepts_system
@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    name: str,
    org: OrgNode | None,
    password: str,
    phone: str = "",
    roles: set[str] | None = None,
    superuser: bool = False,
    is_demo: bool = False,
    must_change: bool = True,
) -> User:
    """Create an account. Roles other than business roles can only come from the command line.

    The password is the creator's choice, never the holder's: `password_changed_at` stays empty
    so that in production the first login asks for a new one. Business roles given by a
    person in the browser wait for the system administrator's confirmation (`rolegrant_confirm`);
    from the command line (actor SYSTEM: whoever runs it holds the server) they hold at once.

    Rule: 三员分立 — GB/T 22239-2019（等保 2.0） 8.1.4.2 访问控制; administrator duties are created on the
    server console only.
    """
    if not actors.is_system(actor):
        scope.require_perm(actor, "accounts.manage")
        if org is not None and not (
            actor.is_superuser or scope.can(actor, org, "orgs.view") or scope.has_perm(actor, "accounts.roles")
        ):
            raise PermissionDenied
        if superuser:
            raise PermissionDenied
        # Granting roles is the security administrator's duty alone, also when creating (三员分立).
        if roles and not scope.has_perm(actor, "accounts.roles"):
            raise PermissionDenied
        if roles and any(c in ROLES and ROLES[c].duty != DUTY_BUSINESS for c in roles):
            raise ValidationError({"roles": ["安全管理员、审计管理员只能用命令 gefeng createadmin 创建。"]})
    username = username.strip()
    errors: dict[str, list[str]] = {}
    if not username:
        errors["username"] = ["请填写登录名。"]
    elif User.objects.filter(username=username).exists():
        errors["username"] = ["该登录名已被使用。"]
    if not name.strip():
        errors["name"] = ["请填写姓名。"]
    roles = set(roles or ())
    try:
        _check_duties(roles, superuser=superuser)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    probe = User(username=username, name=name)
    try:
        password_validation.validate_password(password, probe)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    user = User(
        username=username,
        name=name.strip(),
        org=org,
        phone=phone,
        is_superuser=superuser,
        is_staff=superuser,
        is_demo=is_demo,
        must_change_password=must_change,
        password_changed_at=None,
    )
    user.set_password(password)
    user.save()
    _remember_password(user)
    _add_grants(actor, user, roles)
    audit.record(
        actor=actor,
        action="accounts.user.created",
        obj=user,
        changes={
            "org": str(org) if org else "",
            "roles": sorted(roles),
            "roles_pending": bool(roles) and not actors.is_system(actor),
            "superuser": superuser,
            "phone": phone,
        },
    )
    return user


@transaction.atomic
def user_set_roles(*, actor: User, user: User, roles: set[str]) -> User:
    """Replace a user's roles (安全管理员 only; never their own).

    Rule: 三员分立 — GB/T 22239-2019（等保 2.0） 8.1.4.2 访问控制: only the security administrator grants,
    nobody grants to themselves.
    """
    scope.require(actor, user, "accounts.roles")
    if actor.pk == user.pk:
        raise ValidationError({"roles": ["不能给自己授权。"]})
    if holds_admin_duty(user):
        raise ValidationError(
            {"roles": ["管理员账号（系统、安全、审计）的职责只能在服务器上用命令行调整（三员分立）。"]}
        )
    roles = set(roles)
    _check_duties(roles, superuser=user.is_superuser)
    if any(ROLES[r].duty != DUTY_BUSINESS for r in roles):
        raise ValidationError({"roles": ["安全管理员、审计管理员只能用命令 gefeng createadmin 创建。"]})
    if roles and user.org is None:
        raise ValidationError({"roles": ["请先为该用户指定所属组织。"]})
    before = sorted(user.role_codes())
    pending_before = set(RoleGrant.objects.filter(user=user, confirmed_at__isnull=True).values_list("role", flat=True))
    # Taking a role away needs nobody else; a new role waits for the system administrator.
    RoleGrant.objects.filter(user=user).exclude(role__in=roles).delete()
    requested = roles - set(before) - pending_before
    _add_grants(actor, user, requested)
    user.__dict__.pop("_role_codes", None)  # roles changed: forget the cached set
    after = sorted(set(before) & roles)
    withdrawn = sorted(pending_before - roles)
    if before != after or requested or withdrawn:
        audit.record(
            actor=actor,
            action="accounts.user.roles_changed",
            obj=user,
            changes={
                "roles": audit.changed(before, after),
                "requested": sorted(requested),
                "withdrawn": sorted(withdrawn),
            },
        )
    return user


def _add_grants(actor: Any, user: User, roles: set[str]) -> None:
    now = timezone.now() if actors.is_system(actor) else None
    RoleGrant.objects.bulk_create(
        [
            RoleGrant(user=user, role=r, granted_by=actors.user_of(actor), confirmed_at=now, confirmed_by=None)
            for r in sorted(roles)
        ]
    )


def _pending_grant(actor: User, grant: RoleGrant) -> RoleGrant:
    """The system administrator — a person other than the grantor and the grantee — decides."""
    if not (scope.has_perm(actor, "accounts.confirm") and actor.is_superuser):
        raise PermissionDenied
    grant = RoleGrant.objects.select_for_update().select_related("user").get(pk=grant.pk)
    if grant.confirmed_at is not None:
        raise ValidationError("该授权已经确认过了。")
    if actor.pk in (grant.granted_by_id, grant.user_id):
        raise ValidationError("授权须由授权人和被授权人以外的另一名管理员确认（三员分立）。")
    return grant


@transaction.atomic
def rolegrant_confirm(*, actor: User, grant: RoleGrant) -> RoleGrant:
    """Put a pending business-role grant into force (the second person of 三员分立).

    Rule: 三员分立 — GB/T 22239-2019（等保 2.0） 8.1.4.2 访问控制: a grant holds once the system administrator,
    a third person, confirms it.
    """
    grant = _pending_grant(actor, grant)
    _check_duties(grant.user.role_codes() | {grant.role}, superuser=grant.user.is_superuser)
    if not grant.user.is_active:
        raise ValidationError("该账号已停用，不能确认授权。")
    grant.confirmed_at = timezone.now()
    grant.confirmed_by = actor
    grant.save(update_fields=["confirmed_at", "confirmed_by"])
    grant.user.__dict__.pop("_role_codes", None)
    audit.record(
        actor=actor,
        action="accounts.role.confirmed",
        obj=grant.user,
        changes={"role": grant.role, "granted_by": str(grant.granted_by or "")},
    )
    return grant


@transaction.atomic
def rolegrant_reject(*, actor: User, grant: RoleGrant) -> None:
    """Refuse a pending grant: it is removed and the refusal audited."""
    grant = _pending_grant(actor, grant)
    user = grant.user
    grant.delete()
    audit.record(
        actor=actor,
        action="accounts.role.rejected",
        obj=user,
        changes={"role": grant.role, "granted_by": str(grant.granted_by or "")},
    )


@transaction.atomic
def user_update(*, actor: User, user: User, name: str, org: OrgNode | None, phone: str, is_active: bool) -> User:
    scope.require(actor, user, "accounts.manage")
    if actor.pk != user.pk and holds_admin_duty(user):
        raise ValidationError("管理员账号（系统、安全、审计）只能由本人修改，或在服务器上用命令行调整（三员分立）。")
    if actor.pk == user.pk and not is_active:
        raise ValidationError({"is_active": ["不能停用自己的账号。"]})
    if not name.strip():
        raise ValidationError({"name": ["请填写姓名。"]})
    if org is None and any(ROLES[c].duty == DUTY_BUSINESS for c in user.role_codes() if c in ROLES):
        raise ValidationError({"org": ["该用户有业务角色，其数据范围以所属组织为准，不能清除所属组织。"]})
    fields = ("name", "org", "phone", "is_active")
    before = audit.snapshot(user, fields)
    user.name, user.org, user.phone, user.is_active = name.strip(), org, phone, is_active
    changes = audit.diff(before, audit.snapshot(user, fields))
    if changes:
        user.save(update_fields=["name", "org", "phone", "is_active"])
        if not is_active:
            _end_sessions(user, "disabled")
        audit.record(actor=actor, action="accounts.user.updated", obj=user, changes=changes)
    return user
