"""Writes to the responsibility list: the plan and its items (county office, `reform.manage`),
progress reports and evidence (the responsible units, `reform.report`), review (county office),
reminders. Each checks the scope, validates with Chinese messages, runs in a transaction and
writes the audit log.
"""

from gefeng.reform.services._common import (
    EVIDENCE,
    MANAGE,
    REPORT,
    UNIT_KINDS,
    due_days,
    max_evidence_bytes,
)
from gefeng.reform.services.evidence import (
    evidence_add,
    evidence_delete,
)
from gefeng.reform.services.items import (
    ItemData,
    item_delete,
    item_save,
    measure_save,
)
from gefeng.reform.services.plans import (
    make_periods,
    plan_copy,
    plan_create,
    plan_update,
)
from gefeng.reform.services.reminders import (
    Reminder,
    notice_read,
    remind,
    reporters,
)
from gefeng.reform.services.reports import (
    Entry,
    report_review,
    reports_save,
)

__all__ = [
    "EVIDENCE",
    "MANAGE",
    "REPORT",
    "UNIT_KINDS",
    "Entry",
    "ItemData",
    "Reminder",
    "due_days",
    "evidence_add",
    "evidence_delete",
    "item_delete",
    "item_save",
    "make_periods",
    "max_evidence_bytes",
    "measure_save",
    "notice_read",
    "plan_copy",
    "plan_create",
    "plan_update",
    "remind",
    "report_review",
    "reporters",
    "reports_save",
]
