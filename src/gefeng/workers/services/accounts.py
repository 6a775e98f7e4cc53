"""Accounts workers open themselves."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gefeng.accounts import services as account_services
from gefeng.accounts.models import User
from gefeng.accounts.roles import RoleCode
from gefeng.core import audit, context
from gefeng.core.actors import SYSTEM
from gefeng.core.validators import clean_text, normalize_mobile
from gefeng.workers import conf
from gefeng.workers.models import (
    BindAttempt,
)


def account_register(*, username: str, name: str, phone: str, password: str) -> User:
    """A worker opens an account from the phone (role 职工, own data only)."""
    ip = context.current().ip
    since = timezone.now() - dt.timedelta(days=1)
    if ip and (
        BindAttempt.objects.filter(ip=ip, user__isnull=True, at__gte=since).count()
        >= conf.get("WORKERS_REGISTER_PER_ADDRESS")
    ):
        raise ValidationError("该网络今天注册的账号过多，请明天再试或联系所在工会。")
    errors: dict[str, list[str]] = {}
    try:
        phone = normalize_mobile(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = account_services.user_create(
            actor=SYSTEM,
            username=username,
            name=clean_text(name),
            org=None,
            password=password,
            phone=phone,
            roles={RoleCode.WORKER},
            must_change=False,
        )
        audit.record(actor=user, action="workers.account.registered", obj=user, changes={"phone": phone})
    # Registrations from one address are counted like failed matches without an account.
    BindAttempt.objects.create(user=None, ip=ip)
    return user


def validate_password(password: str, username: str, name: str) -> None:
    password_validation.validate_password(password, User(username=username, name=name))
