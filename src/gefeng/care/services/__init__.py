"""Writes of 帮扶 (care). Each checks the scope, validates with Chinese messages keyed by field,
runs in a transaction and writes the audit log; `actor=SYSTEM` is the console and the demo.

* files: apply (the worker, or an officer on the worker's behalf) → visit → 初审 → 复审 → 公示 →
  建档 → 脱困/注销, with the yearly re-verification (`flow`);
* aid: the rule table, aid records approved by a second person (guard + ledger), reversals;
* funds: funds, credits, budgets, the ledger and its reconciliation;
* campaigns: plan, roster (proposed, approved), delivery, job offers, totals;
* pension: targets, reports, the 人社局's confirmation sheet.
"""

from __future__ import annotations

from gefeng.care.services._common import APPLY, HANDLE, MANAGE, PENSION, PROPOSE, REVIEW, VIEW, town_of
from gefeng.care.services.aid import (
    EVIDENCE,
    GUARD_REFUSED,
    PAID_KINDS,
    aid_approve,
    aid_create,
    aid_reject,
    aid_reverse,
    export_changes,
    rule_save,
)
from gefeng.care.services.assess import Assessment, assess
from gefeng.care.services.campaigns import (
    campaign_close,
    campaign_create,
    campaign_start,
    deliver,
    offer_save,
    roster_add,
    roster_decide,
    roster_from_files,
    totals,
)
from gefeng.care.services.files import DOCUMENTS, calculation, document_add, file_apply, file_update, reveal
from gefeng.care.services.flow import (
    file_check,
    file_end,
    file_reject,
    file_review,
    notice_close,
    notice_create,
    objection_add,
    objection_resolve,
    reverify_start,
    visit_add,
)
from gefeng.care.services.funds import budget_set, entry_reverse, fund_create, fund_credit, reconcile
from gefeng.care.services.pension import HEADERS as PENSION_HEADERS
from gefeng.care.services.pension import confirm_import, report, target_set

__all__ = [
    "APPLY",
    "DOCUMENTS",
    "EVIDENCE",
    "GUARD_REFUSED",
    "HANDLE",
    "MANAGE",
    "PAID_KINDS",
    "PENSION",
    "PENSION_HEADERS",
    "PROPOSE",
    "REVIEW",
    "VIEW",
    "Assessment",
    "aid_approve",
    "aid_create",
    "aid_reject",
    "aid_reverse",
    "assess",
    "budget_set",
    "calculation",
    "campaign_close",
    "campaign_create",
    "campaign_start",
    "confirm_import",
    "deliver",
    "document_add",
    "entry_reverse",
    "export_changes",
    "file_apply",
    "file_check",
    "file_end",
    "file_reject",
    "file_review",
    "file_update",
    "fund_create",
    "fund_credit",
    "notice_close",
    "notice_create",
    "objection_add",
    "objection_resolve",
    "offer_save",
    "reconcile",
    "report",
    "reveal",
    "reverify_start",
    "roster_add",
    "roster_decide",
    "roster_from_files",
    "rule_save",
    "target_set",
    "totals",
    "town_of",
    "visit_add",
]
