"""Writes for 选树表彰, one module per section. Each service checks the scope, validates with
Chinese messages, runs in one transaction and writes the audit log. The system (`actors.SYSTEM`:
the demo loader, the server console, a campaign's approval writing its honours, the public notice
page taking an objection) is accepted where a service says so with `@accepts_system`.

    from gefeng.honours import services
    services.campaign_open(actor=user, campaign=campaign)

- `register`: the register of honours (grant, revoke, certificate numbers);
- `campaigns`: campaign setup, opening, closing, cancelling, the 公示 and the approval;
- `awards`: awards and quotas, the quota allocation, the eligibility rules;
- `nominations`: nominating, editing, submitting, reviewing level by level, withdrawing;
- `attachments`: enterprise leaders' clearances and the files backing a nomination;
- `objections`: objections during the 公示 and their resolution.
"""

from gefeng.honours.services._common import MIN_YEAR, default_clearances, default_notice_days
from gefeng.honours.services.attachments import (
    ATTACHMENTS,
    attachment_add,
    attachment_delete,
    attachment_open,
    clearance_save,
    upload_max_bytes,
)
from gefeng.honours.services.awards import allocation_set, award_save, rule_add, rule_delete
from gefeng.honours.services.campaigns import (
    CAMPAIGN_FIELDS,
    approval_blockers,
    campaign_approve,
    campaign_cancel,
    campaign_close,
    campaign_create,
    campaign_open,
    campaign_start_notice,
    campaign_update,
    shortlist,
)
from gefeng.honours.services.nominations import (
    NOMINATION_FIELDS,
    campaign_for_units,
    first_review_status,
    missing_clearances,
    nomination_create,
    nomination_review,
    nomination_submit,
    nomination_update,
    nomination_withdraw,
    review_perm,
)
from gefeng.honours.services.objections import objection_record, objection_resolve
from gefeng.honours.services.register import certificate_number, honour_grant, honour_revoke, person_org

__all__ = [
    "ATTACHMENTS",
    "CAMPAIGN_FIELDS",
    "MIN_YEAR",
    "NOMINATION_FIELDS",
    "allocation_set",
    "approval_blockers",
    "attachment_add",
    "attachment_delete",
    "attachment_open",
    "award_save",
    "campaign_approve",
    "campaign_cancel",
    "campaign_close",
    "campaign_create",
    "campaign_for_units",
    "campaign_open",
    "campaign_start_notice",
    "campaign_update",
    "certificate_number",
    "clearance_save",
    "default_clearances",
    "default_notice_days",
    "first_review_status",
    "honour_grant",
    "honour_revoke",
    "missing_clearances",
    "nomination_create",
    "nomination_review",
    "nomination_submit",
    "nomination_update",
    "nomination_withdraw",
    "objection_record",
    "objection_resolve",
    "person_org",
    "review_perm",
    "rule_add",
    "rule_delete",
    "shortlist",
    "upload_max_bytes",
]
