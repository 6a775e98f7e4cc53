"""Pages of the real-name registry (实名制会员) and of union building (建会入会).

Reads go through `members.selectors` (always within the user's scope), writes through
`members.services`; an object outside the user's sight is a 404, one seen without the right a 403.
ID numbers and phones are shown masked; a full value is a POST that the service audits.
The roster import's pages are in `members.imports.views`.
"""

from gefeng.members.views.changes import member_leave, member_retain, member_transfer
from gefeng.members.views.coverage import coverage, coverage_gap_export
from gefeng.members.views.detail import member_create, member_detail, member_edit, member_reveal
from gefeng.members.views.export_jobs import export_job, export_job_download, export_job_progress
from gefeng.members.views.listing import member_export, member_list, org_search, union_search

__all__ = [
    "coverage",
    "coverage_gap_export",
    "export_job",
    "export_job_download",
    "export_job_progress",
    "member_create",
    "member_detail",
    "member_edit",
    "member_export",
    "member_leave",
    "member_list",
    "member_retain",
    "member_reveal",
    "member_transfer",
    "org_search",
    "union_search",
]
