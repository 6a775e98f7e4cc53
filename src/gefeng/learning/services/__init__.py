"""Writes of 引领聚魂. Each checks the scope, validates with Chinese messages keyed by field,
runs in a transaction and writes the audit log; those the demo and the console run are
declared `@accepts_system`. Sections: study supervision (`study`), the question bank (`bank`),
contests and attempts (`contests`), party-and-union building, positions and safety (`building`).
"""

from __future__ import annotations

from gefeng.learning.services._common import MANAGE, SHEETS, TAKE, VIEW
from gefeng.learning.services.bank import BANK_COLUMNS, clean_question, question_create, questions_import
from gefeng.learning.services.building import (
    activity_record,
    building_item_create,
    development_record,
    party_org_create,
    position_create,
    safety_campaign_create,
    safety_session_record,
)
from gefeng.learning.services.contests import (
    attempt_start,
    attempt_submit,
    bank,
    contest_close,
    contest_create,
    contest_publish,
    eligible_member,
    open_contests_for,
    score_one,
    session_digest,
)
from gefeng.learning.services.positions import PHOTOS, borrowing_record, open_photo, photo_delete, photos_add
from gefeng.learning.services.safety import (
    SIGNIN_COLUMNS,
    counted_set,
    enterprise_members,
    signin_import,
    trainee_remove,
    trainees_add,
)
from gefeng.learning.services.study import (
    RESULT_COLUMNS,
    campaign_create,
    result_enter,
    results_import,
    round_circulate,
    round_create,
    tally,
    target_members,
)

__all__ = [
    "BANK_COLUMNS",
    "MANAGE",
    "PHOTOS",
    "RESULT_COLUMNS",
    "SHEETS",
    "SIGNIN_COLUMNS",
    "TAKE",
    "VIEW",
    "activity_record",
    "attempt_start",
    "attempt_submit",
    "bank",
    "borrowing_record",
    "building_item_create",
    "campaign_create",
    "clean_question",
    "contest_close",
    "contest_create",
    "contest_publish",
    "counted_set",
    "development_record",
    "eligible_member",
    "enterprise_members",
    "open_contests_for",
    "open_photo",
    "party_org_create",
    "photo_delete",
    "photos_add",
    "position_create",
    "question_create",
    "questions_import",
    "result_enter",
    "results_import",
    "round_circulate",
    "round_create",
    "safety_campaign_create",
    "safety_session_record",
    "score_one",
    "session_digest",
    "signin_import",
    "tally",
    "target_members",
    "trainee_remove",
    "trainees_add",
]
