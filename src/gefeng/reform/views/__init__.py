"""Pages of the responsibility list: plans and items (county office), 本期待报 (units), review,
dashboard, exports and evidence downloads. Thin: selectors read, services write."""

from gefeng.reform.views._common import (
    MANAGE,
    REPORT,
    VIEW,
)
from gefeng.reform.views.dashboard import (
    dashboard,
)
from gefeng.reform.views.due import (
    notice_read,
    report_due,
)
from gefeng.reform.views.items import (
    item_create,
    item_delete,
    item_detail,
    item_edit,
    measure_create,
    measure_edit,
)
from gefeng.reform.views.plans import (
    plan_copy,
    plan_create,
    plan_detail,
    plan_edit,
    plan_export,
    plan_list,
    unit_export,
)
from gefeng.reform.views.review import (
    evidence_delete,
    evidence_download,
    report_detail,
    report_review,
    review_list,
)

__all__ = [
    "MANAGE",
    "REPORT",
    "VIEW",
    "dashboard",
    "evidence_delete",
    "evidence_download",
    "item_create",
    "item_delete",
    "item_detail",
    "item_edit",
    "measure_create",
    "measure_edit",
    "notice_read",
    "plan_copy",
    "plan_create",
    "plan_detail",
    "plan_edit",
    "plan_export",
    "plan_list",
    "report_detail",
    "report_due",
    "report_review",
    "review_list",
    "unit_export",
]
