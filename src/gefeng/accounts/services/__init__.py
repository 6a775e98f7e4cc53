"""Accounts: logins, lock-out, sessions, passwords, roles and the second factor.

Every change is audited. Lock-out counts failures per account and per client address
(`LoginThrottle`): after LOCKOUT_FAILURES failures in a window of LOCKOUT_MINUTES (counted from
the first failure) the account (or address) is refused for LOCKOUT_MINUTES from the last
failure. Every login attempt is in the login log too. Numbers come from settings.
"""

from __future__ import annotations

from gefeng.accounts.services.logins import (
    ACCOUNT_PREFIX,
    ADDRESS_PREFIX,
    FAILURE_REASONS,
    MAX_LOCK_ADDRESSES,
    REASON_ADDRESS_UNLOCKED,
    REASON_LOCKED,
    REASON_UNLOCKED,
    LoginResult,
    lock_message,
    lock_status,
    lockouts_clear,
    login_check,
    login_complete,
    logout_user,
    password_expired,
    totp_check,
)
from gefeng.accounts.services.passwords import holds_admin_duty, password_change, password_reused, temporary_password
from gefeng.accounts.services.production import production_blockers, published_password_accounts
from gefeng.accounts.services.sessions import session_end, session_rehash
from gefeng.accounts.services.totp import totp_disable, totp_enable, totp_new_secret, totp_uri
from gefeng.accounts.services.unlock import (
    Lock,
    UnlockResult,
    account_locks,
    address_unlock,
    failure_addresses,
    locked_addresses,
    normalise_address,
    user_unlock,
)
from gefeng.accounts.services.users import rolegrant_confirm, rolegrant_reject, user_create, user_set_roles, user_update

__all__ = [
    "ACCOUNT_PREFIX",
    "ADDRESS_PREFIX",
    "FAILURE_REASONS",
    "MAX_LOCK_ADDRESSES",
    "REASON_ADDRESS_UNLOCKED",
    "REASON_LOCKED",
    "REASON_UNLOCKED",
    "Lock",
    "LoginResult",
    "UnlockResult",
    "account_locks",
    "address_unlock",
    "failure_addresses",
    "holds_admin_duty",
    "lock_message",
    "lock_status",
    "locked_addresses",
    "lockouts_clear",
    "login_check",
    "login_complete",
    "logout_user",
    "normalise_address",
    "password_change",
    "password_expired",
    "password_reused",
    "production_blockers",
    "published_password_accounts",
    "rolegrant_confirm",
    "rolegrant_reject",
    "session_end",
    "session_rehash",
    "temporary_password",
    "totp_check",
    "totp_disable",
    "totp_enable",
    "totp_new_secret",
    "totp_uri",
    "user_create",
    "user_set_roles",
    "user_unlock",
    "user_update",
]
