"""Pages of accounts: login (with the second factor), logout, passwords, the profile, users,
live sessions and the login log. Reads go through selectors and scope, writes through services.
"""

from __future__ import annotations

from gefeng.accounts.views.common import PENDING, PENDING_SECONDS, REASONS, RECENT_FAILURES, TOTP_SETUP
from gefeng.accounts.views.grants import grant_confirm, grant_list, grant_reject
from gefeng.accounts.views.login import login_totp, login_view, logout_view
from gefeng.accounts.views.own import password_change, profile, totp_disable, totp_setup
from gefeng.accounts.views.sessions import address_unlock, loginevent_list, session_end, session_list
from gefeng.accounts.views.users import (
    user_create,
    user_detail,
    user_edit,
    user_list,
    user_reset_password,
    user_roles,
    user_totp_reset,
    user_unlock,
)

__all__ = [
    "PENDING",
    "PENDING_SECONDS",
    "REASONS",
    "RECENT_FAILURES",
    "TOTP_SETUP",
    "address_unlock",
    "grant_confirm",
    "grant_list",
    "grant_reject",
    "login_totp",
    "login_view",
    "loginevent_list",
    "logout_view",
    "password_change",
    "profile",
    "session_end",
    "session_list",
    "totp_disable",
    "totp_setup",
    "user_create",
    "user_detail",
    "user_edit",
    "user_list",
    "user_reset_password",
    "user_roles",
    "user_totp_reset",
    "user_unlock",
]
