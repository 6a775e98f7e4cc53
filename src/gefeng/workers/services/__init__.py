"""Writes of the worker's platform, one module per section. Each checks the actor, validates with
Chinese messages, runs in a transaction and writes the audit log; the registry changes only
through `members.services`.

Real-name binding (个人信息保护法 §17 notice, consent recorded): the worker gives name, ID number
and phone; the ID number is looked up by its blind index, and the name and phone must match the
record. Every mismatch — unknown number, wrong name, wrong phone, a closed membership — gives the
same answer (`MISMATCH`), so the form cannot be used to learn whether a number is registered.
Failures are counted per account and per address (`BindAttempt`) and audited; past the limit the
form refuses to check at all until the window has passed. A match then binds with the union's
one-time activation code, or becomes a request the union confirms.
"""

from gefeng.workers.services._common import (
    CHANGE,
    CONSENT_VERSION,
    LIVE,
    MISMATCH,
)
from gefeng.workers.services.accounts import (
    account_register,
    validate_password,
)
from gefeng.workers.services.binding import (
    bind_request,
    bind_with_code,
    bindrequest_confirm,
    bindrequest_reject,
    unbind,
)
from gefeng.workers.services.cards import (
    Verdict,
    card_issue,
    card_revoke,
    card_token,
    card_verify,
    live_card,
    mask_name,
)
from gefeng.workers.services.codes import (
    code_issue,
    codes_issue,
    live_code,
)
from gefeng.workers.services.corrections import (
    correction_apply,
    correction_create,
    correction_reject,
)
from gefeng.workers.services.joining import (
    join_apply,
    join_approve,
    join_reject,
    route_union,
)
from gefeng.workers.services.transfers import (
    NOT_FOUND,
    transfer_advance,
    transfer_claim,
    transfer_reject,
    transfer_request,
    transfer_start,
)

__all__ = [
    "CHANGE",
    "CONSENT_VERSION",
    "LIVE",
    "MISMATCH",
    "NOT_FOUND",
    "Verdict",
    "account_register",
    "bind_request",
    "bind_with_code",
    "bindrequest_confirm",
    "bindrequest_reject",
    "card_issue",
    "card_revoke",
    "card_token",
    "card_verify",
    "code_issue",
    "codes_issue",
    "correction_apply",
    "correction_create",
    "correction_reject",
    "join_apply",
    "join_approve",
    "join_reject",
    "live_card",
    "live_code",
    "mask_name",
    "route_union",
    "transfer_advance",
    "transfer_claim",
    "transfer_reject",
    "transfer_request",
    "transfer_start",
    "unbind",
    "validate_password",
]
