"""Pages of 选树表彰, one module per section: campaigns (setup, compliance, notice, approval),
setup (awards, quotas, rules), nominations (create, review level by level), attachments and
clearances, objections and the public notice, the register and certificates.

Reads go through `honours.selectors`, writes through `honours.services`. Object pages fetch
through `core.scope` (outside the user's sight → 404, seen without the right → 403). Actions are
POSTs run by `core.actions.act`: the service decides whether the action is allowed, and its
Chinese message comes back on the page it redirects to.
"""

from gefeng.honours.views.attachments import attachment_add, attachment_delete, attachment_download, clearance_add
from gefeng.honours.views.campaigns import (
    campaign_approve,
    campaign_cancel,
    campaign_certificates,
    campaign_close,
    campaign_create,
    campaign_detail,
    campaign_edit,
    campaign_list,
    campaign_notice,
    campaign_notice_docx,
    campaign_open,
)
from gefeng.honours.views.nominations import (
    nomination_create,
    nomination_detail,
    nomination_edit,
    nomination_list,
    nomination_pick,
    nomination_review,
    nomination_submit,
    nomination_withdraw,
)
from gefeng.honours.views.objections import notice_public, objection_create, objection_resolve
from gefeng.honours.views.register import (
    honour_certificate,
    honour_create,
    honour_detail,
    honour_export,
    honour_list,
    honour_pick,
    honour_revoke,
)
from gefeng.honours.views.setup import allocation_set, award_add, rule_add, rule_delete

__all__ = [
    "allocation_set",
    "attachment_add",
    "attachment_delete",
    "attachment_download",
    "award_add",
    "campaign_approve",
    "campaign_cancel",
    "campaign_certificates",
    "campaign_close",
    "campaign_create",
    "campaign_detail",
    "campaign_edit",
    "campaign_list",
    "campaign_notice",
    "campaign_notice_docx",
    "campaign_open",
    "clearance_add",
    "honour_certificate",
    "honour_create",
    "honour_detail",
    "honour_export",
    "honour_list",
    "honour_pick",
    "honour_revoke",
    "nomination_create",
    "nomination_detail",
    "nomination_edit",
    "nomination_list",
    "nomination_pick",
    "nomination_review",
    "nomination_submit",
    "nomination_withdraw",
    "notice_public",
    "objection_create",
    "objection_resolve",
    "rule_add",
    "rule_delete",
]
