"""Pages of 民主管理: the office's pages (congress, meetings and votes, 提案, 厂务公开, charter and
rules) and the phone pages of representatives and workers."""

from gefeng.democracy.views.congress import (
    calendar,
    calendar_generate,
    committee_save,
    congress_create,
    congress_detail,
    congress_list,
    congress_settings,
    constituency_create,
    presidium_set,
    representative_create,
    representative_export,
    representative_vacate,
)
from gefeng.democracy.views.meetings import (
    meeting_close,
    meeting_create,
    meeting_detail,
    meeting_materials,
    meeting_open,
    meeting_publish,
    meeting_signin,
    motion_close,
    motion_create,
    motion_detail,
    motion_open,
    paper_count,
    paper_issue,
)
from gefeng.democracy.views.others import (
    disclosure_create,
    disclosure_list,
    document_create,
    document_detail,
    proposal_answer,
    proposal_assign,
    proposal_decide,
    proposal_detail,
    proposal_list,
)
from gefeng.democracy.views.worker import (
    w_checkin,
    w_disclosure,
    w_disclosures,
    w_home,
    w_meeting,
    w_proposal_create,
    w_proposal_rate,
    w_tally,
    w_vote,
)

__all__ = [
    "calendar", "calendar_generate", "committee_save", "congress_create", "congress_detail", "congress_list",
    "congress_settings", "constituency_create", "disclosure_create", "disclosure_list", "document_create",
    "document_detail", "meeting_close", "meeting_create", "meeting_detail", "meeting_materials", "meeting_open",
    "meeting_publish", "meeting_signin", "motion_close", "motion_create", "motion_detail", "motion_open",
    "paper_count", "paper_issue", "presidium_set", "proposal_answer", "proposal_assign", "proposal_decide",
    "proposal_detail", "proposal_list", "representative_create", "representative_export", "representative_vacate",
    "w_checkin", "w_disclosure", "w_disclosures", "w_home", "w_meeting", "w_proposal_create", "w_proposal_rate",
    "w_tally", "w_vote",
]  # fmt: skip
