"""What the sections of the worker's services share: settings, messages and small checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gefeng.core import scope
from gefeng.members.models import NewFormGroup, Status
from gefeng.workers import conf
from gefeng.workers.models import (
    Consent,
)

CHANGE = "members.change"
CONSENT_VERSION = "2026-1"
MISMATCH = "填写的信息与会员名册不一致，请核对姓名、身份证号和手机号。仍有疑问请联系所在工会。"
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed on a phone
CODE_LENGTH = 8
CARD_SALT = "gefeng.workers.card"
LIVE = (Status.ACTIVE, Status.RETAINED)
# 新就业形态 groups that join through an industry federation, and the word its name carries.
FEDERATIONS = {NewFormGroup.TRUCK: "货车司机", NewFormGroup.COURIER: "快递", NewFormGroup.DELIVERY: "送餐"}


def _is_worker(actor: Any) -> bool:
    return scope.has_perm(actor, "self.view") and not actor.is_superuser


def _require_worker(actor: Any) -> None:
    if not _is_worker(actor):
        raise PermissionDenied


def _due() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=conf.get("WORKERS_REQUEST_DAYS"))


def _consent(actor: Any, purpose: str, given: bool) -> None:
    if not given:
        raise ValidationError({"consent": ["请阅读《个人信息处理告知书》并勾选同意后再提交。"]})
    Consent.objects.create(user=actor, purpose=purpose, version=CONSENT_VERSION)
