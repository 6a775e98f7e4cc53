"""选树表彰: commendation campaigns, nominations with level-by-level review, public notice
(公示) and objections, and the honours register (荣誉记录) that other modules build on.

The register (`Honour`) is the contract other apps rely on (人才库, 劳模津贴): one row per
honour held by a person (`person`) or a collective (`person` null, `org` the collective's node).
"""

from gefeng.honours.models.campaigns import (
    COLLECTIVE_KINDS,
    LEVEL_RANK,
    Allocation,
    Award,
    Campaign,
    CampaignStatus,
    HonourKind,
    Level,
    Rule,
    RuleKind,
    Subject,
    Trait,
)
from gefeng.honours.models.nominations import (
    EDITABLE_STATUSES,
    LIVE_STATUSES,
    Attachment,
    Clearance,
    ClearanceKind,
    Nomination,
    NominationStatus,
    Objection,
    ObjectionStatus,
    ReviewAction,
    ReviewLevel,
    ReviewStep,
)
from gefeng.honours.models.register import (
    Honour,
)

__all__ = [
    "COLLECTIVE_KINDS",
    "EDITABLE_STATUSES",
    "LEVEL_RANK",
    "LIVE_STATUSES",
    "Allocation",
    "Attachment",
    "Award",
    "Campaign",
    "CampaignStatus",
    "Clearance",
    "ClearanceKind",
    "Honour",
    "HonourKind",
    "Level",
    "Nomination",
    "NominationStatus",
    "Objection",
    "ObjectionStatus",
    "ReviewAction",
    "ReviewLevel",
    "ReviewStep",
    "Rule",
    "RuleKind",
    "Subject",
    "Trait",
]
