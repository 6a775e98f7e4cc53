"""What every honours service shares: text and number cleaning, row locks, local defaults."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from gefeng.honours.models import Campaign, ClearanceKind, Nomination

# The earliest year an honour may be recorded for (the register's history starts with the PRC).
MIN_YEAR = 1950


def clean_text(value: Any, field: str, label: str, *, max_length: int, required: bool = True) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ValidationError({field: [f"请填写{label}。"]})
    if len(text) > max_length:
        raise ValidationError({field: [f"{label}不能超过 {max_length} 个字。"]})
    return text


def to_int(value: Any, field: str, label: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({field: [f"{label}应为整数。"]}) from None


def lock_campaign(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def lock_nomination(nomination: Nomination) -> Nomination:
    return Nomination.objects.select_for_update().select_related("campaign", "award", "unit").get(pk=nomination.pk)


def org_name(actor: Any) -> str:
    org = getattr(actor, "org", None)
    return org.name if org is not None else ""


# ---------------------------------------------------------------------------------------------
# Local numbers set by each year's notice: defaults only, the campaign holds its own.


def default_notice_days() -> int:
    """公示天数 of a new campaign: setting `HONOURS_NOTICE_DAYS` (default 5).

    No national text fixes the length of a 公示 (domain reference §7, “公示 days: NOT FOUND”); 5
    working days is common local practice. Each year's notice sets it, so the campaign holds its own
    (1–60 days, `campaigns._clean_campaign`)."""
    return int(getattr(settings, "HONOURS_NOTICE_DAYS", 5))


def default_clearances() -> list[str]:
    """审查意见 an enterprise leader must bring: setting `HONOURS_CLEARANCES`.

    Local 劳模 notices (e.g. 宁波 2016, 许昌) ask for the opinions of 纪检、安监、环保、税务、人社 etc.
    on a nominated enterprise leader (domain reference §7, “Local 劳模 examples”); which ones is a
    local choice, copied into each campaign."""
    value = getattr(settings, "HONOURS_CLEARANCES", None)
    if value is None:
        value = ["discipline", "safety", "environment", "tax", "social_insurance"]
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    return [v for v in value if v in ClearanceKind.values]
