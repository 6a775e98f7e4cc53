"""Writes to the real-name registry. Each checks the scope, validates, runs in a transaction,
records the membership history and the audit log.

Membership follows the labour relationship and is held once in the whole database (“一次入会、
动态接转”, 工会会员会籍管理办法 §3): a person's ID number appears on one row only; moving to
another union is a transfer, never a second join.

`cleaning` validates a member's fields, `membership` changes membership, `rosters` holds the
roster import's writes; every public name is here, so `services.member_join(...)` works.
"""

from gefeng.members.services.cleaning import (
    EDITABLE,
    MIN_JOIN_AGE,
    Clean,
    clean_member,
    is_valid_name,
    search_columns,
)
from gefeng.members.services.membership import (
    RETAIN_REASONS,
    duplicate_message,
    higher_union,
    member_join,
    member_leave,
    member_retain,
    member_reveal,
    member_transfer,
    member_transfer_out,
    member_update,
)
from gefeng.members.services.rosters import (
    IMPORT_RETENTION_DAYS,
    import_files_purge,
    import_job_create,
    import_retention_days,
    imports_dir,
    value_mappings_save,
)

__all__ = [
    "EDITABLE",
    "IMPORT_RETENTION_DAYS",
    "MIN_JOIN_AGE",
    "RETAIN_REASONS",
    "Clean",
    "clean_member",
    "duplicate_message",
    "higher_union",
    "import_files_purge",
    "import_job_create",
    "import_retention_days",
    "imports_dir",
    "is_valid_name",
    "member_join",
    "member_leave",
    "member_retain",
    "member_reveal",
    "member_transfer",
    "member_transfer_out",
    "member_update",
    "search_columns",
    "value_mappings_save",
]
