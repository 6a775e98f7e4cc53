"""Shared by the modules of `gefeng.reform.selectors`."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gefeng.reform.models import (
    ReportState,
)

NOT_STARTED = "not_started"
ON_TRACK = "on_track"
LAGGING = "lagging"
COMPLETED = "completed"
OVERDUE = "overdue"
STATUSES = (NOT_STARTED, ON_TRACK, LAGGING, COMPLETED, OVERDUE)
STATUS_LABELS = {
    NOT_STARTED: _("未开始"),
    ON_TRACK: _("正常推进"),
    LAGGING: _("滞后"),
    COMPLETED: _("已完成"),
    OVERDUE: _("逾期"),
}
STATUS_COLOURS = {
    NOT_STARTED: "secondary",
    ON_TRACK: "primary",
    LAGGING: "warning",
    COMPLETED: "success",
    OVERDUE: "danger",
}
COUNTED = (ReportState.SUBMITTED, ReportState.ACCEPTED)


def lag_tolerance() -> float:
    return float(getattr(settings, "REFORM_LAG_TOLERANCE", 0.25))


def local_date(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
