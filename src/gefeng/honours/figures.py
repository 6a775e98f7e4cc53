"""Yearly figures of 选树表彰 (see docs/honours.md).

Both count the honours register (`Honour`), not campaigns: an honour counts in the year it was
conferred (`Honour.year` — for a county campaign the year of its decision, so the 2016–2019
campaign decided in 2020 counts in 2020), at every level (national, provincial, city and county
honours recorded for people and collectives in the subtree), revoked honours excluded. A person's
honour belongs to the subtree of the enterprise (or union) they were in when honoured; a
collective's to its own node.
"""

from __future__ import annotations

from gefeng.core import figures
from gefeng.honours import selectors
from gefeng.orgs.models import OrgNode


@figures.register("honours_awarded", label="荣誉授予", unit="项", kind=figures.BREAKDOWN, section="选树表彰")
def honours_awarded(root: OrgNode, year: int) -> dict[str, int]:
    """Honours conferred in the year by kind label, e.g. {"劳动模范": 66, "先进集体": 29}."""
    return selectors.awarded_counts(root, year)


@figures.register(
    "labour_model_frontline_share",
    label="劳模中一线工人和技术人员占比",
    unit="",
    kind=figures.SHARE,
    section="选树表彰",
)
def labour_model_frontline_share(root: OrgNode, year: int) -> float:
    """Fraction (3 decimals) of the year's labour models who are 一线工人 or 技术人员."""
    return selectors.frontline_share(root, year)
