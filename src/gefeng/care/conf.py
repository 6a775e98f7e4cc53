"""The local numbers of hardship aid (帮扶), each a Django setting `CARE_*` (tests override them).

None of these is national law: domain.md §6 gives the practice (Shandong/Qingdao formula, 义乌
timing) and says the thresholds vary by province, so each is a setting the county fills in from
its own notice.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings

_DEFAULTS: dict[str, Any] = {
    # 城乡居民最低生活保障标准 (monthly, yuan per person) by year and place; "*" is the county's
    # default. Source: the county's 民政 notice of each year (沛县 2020: 660 元/月, example value).
    "CARE_DIBAO_MONTHLY": {2019: {"*": "620"}, 2020: {"*": "660"}, 2021: {"*": "700"}, 2026: {"*": "800"}},
    # 深度困难 below DEEP × 低保 per head per month; 相对困难 below RELATIVE × 低保 (Qingdao example).
    "CARE_DEEP_MULTIPLE": "1",
    "CARE_RELATIVE_MULTIPLE": "2",
    # 意外致困: the year's hardship cost above this share of the household's annual income.
    "CARE_ACCIDENT_SHARE": "0.8",
    # 农民工 need at least this many months of actual employment (domain.md §6: ≥ 1 year).
    "CARE_MIGRANT_MONTHS": 12,
    # Exclusions that keep a household out whatever its income (codes → label).
    "CARE_EXCLUSIONS": {
        "private_school": "子女就读高收费民办学校（学费超过公办学校 2 倍）",
        "abroad": "子女自费出国留学",
        "luxury": "拥有非生活必需的高档消费品或第二套住房",
    },
    # Names of the categories: "national" (深度困难 / 相对困难 / 意外致困) or "county" (特困 / 困难).
    "CARE_VOCABULARY": "county",
    # Days the grassroots union has for the home visit after an application (义乌: 5).
    "CARE_VISIT_DAYS": 5,
    # Length of the 公示 in calendar days (not fixed nationally; commonly 5 working days ≈ 7).
    "CARE_NOTICE_DAYS": 7,
    # A file is re-verified every year: days from 建档 (or the last re-verification).
    "CARE_REVIEW_DAYS": 365,
    # Days before the due date the re-verification appears on the workbench.
    "CARE_REVIEW_WARN_DAYS": 30,
}

VOCABULARIES = {
    "national": {"deep": "深度困难", "relative": "相对困难", "accident": "意外致困", "none": "不符合"},
    "county": {"deep": "特困", "relative": "困难", "accident": "意外致困", "none": "不符合"},
}


def get(name: str) -> Any:
    return getattr(settings, name, _DEFAULTS[name])


def decimal(name: str) -> Decimal:
    return Decimal(str(get(name)))


def dibao(year: int, place: str = "*") -> Decimal | None:
    """The monthly 低保 line of the year (the latest year ≤ `year` that has one) and place."""
    table = get("CARE_DIBAO_MONTHLY")
    years = sorted((int(y) for y in table if int(y) <= year), reverse=True)
    for y in years:
        row = table.get(y, table.get(str(y), {}))
        value = row.get(place, row.get("*"))
        if value is not None:
            return Decimal(str(value))
    return None


def category_label(code: str) -> str:
    vocab = VOCABULARIES.get(str(get("CARE_VOCABULARY")), VOCABULARIES["national"])
    return vocab.get(code, code)


def category_choices() -> list[tuple[str, str]]:
    return [(c, category_label(c)) for c in ("deep", "relative", "accident")]
