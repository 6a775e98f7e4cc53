"""Shared by the modules of `gefeng.reform.services`."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from gefeng.core import uploads
from gefeng.orgs.models import Kind

MANAGE = "reform.manage"
REPORT = "reform.report"
UNIT_KINDS = {Kind.MEMBER_UNIT, Kind.TOWN, Kind.COUNTY, Kind.ENTERPRISE}


# What a unit may attach to a report (by content): images, PDF, Word/WPS, Excel/WPS 表格.
EVIDENCE = uploads.Policy(
    kinds=(*uploads.IMAGES, "pdf", *uploads.OFFICE),
    folder="reform/evidence",
    size_setting="REFORM_EVIDENCE_MAX_MB",
)


def due_days() -> int:
    """Days after a period's end by which its reports are due (a county setting).

    Source: 徐政发〔2020〕3号 (月分析、季研判); local setting `GEFENG_REFORM_DUE_DAYS`.
    """
    return int(getattr(settings, "REFORM_DUE_DAYS", 5))


def max_evidence_bytes() -> int:
    """`REFORM_EVIDENCE_MAX_MB` per evidence file."""
    return EVIDENCE.max_bytes()


_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10))


def _text(value: Any, limit: int) -> str:
    """Trimmed text with Windows line ends and control characters removed (spaces kept)."""
    text = str(value if value is not None else "").replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_CONTROL).strip()[:limit]
