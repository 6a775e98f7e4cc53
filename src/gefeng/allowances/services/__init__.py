"""Writes of the labour-model allowances. Each checks the scope, validates with Chinese messages,
runs in a transaction and writes the audit log. `actor=SYSTEM` is the server console and the demo
(every write here is declared `@accepts_system`).

The yearly run:  build (draft) → submit → approve (another officer) → mark paid.

* build: the roster of living labour models from the honours register (`kind=labour_model`, not
  revoked, awarded by the run's 资格认定日); the highest level a person holds decides the amount of
  every kind from the rule table (the row with the latest effective year ≤ the run's year), and
  the rule's conditions (living, retired only, hardship only) are checked against the talent
  profile. People already paid a kind this year (by another run) are left out of that kind.
* approve: locks the run (`select_for_update`), refuses the preparer and the submitter, refuses a
  roster that clashes with the ledger, and writes the ledger (`Payment`, unique per person, kind
  and year) in the same transaction — a clash that slips in concurrently fails on the constraint
  and is turned into a clean Chinese message.
"""

from __future__ import annotations

from gefeng.allowances.services.rules import (
    BATCH,
    LABOUR_MODEL,
    MANAGE,
    MAX_AMOUNT,
    RANK_LEVEL,
    VIEW,
    kind_create,
    kind_update,
    rule_save,
    rules_for_year,
)
from gefeng.allowances.services.runs import (
    CLASH_MESSAGE,
    clashes,
    export_changes,
    run_approve,
    run_cancel,
    run_create,
    run_mark_paid,
    run_rebuild,
    run_return,
    run_submit,
)

__all__ = [
    "BATCH",
    "CLASH_MESSAGE",
    "LABOUR_MODEL",
    "MANAGE",
    "MAX_AMOUNT",
    "RANK_LEVEL",
    "VIEW",
    "clashes",
    "export_changes",
    "kind_create",
    "kind_update",
    "rule_save",
    "rules_for_year",
    "run_approve",
    "run_cancel",
    "run_create",
    "run_mark_paid",
    "run_rebuild",
    "run_return",
    "run_submit",
]
