"""Which services of accounts, orgs, talent and allowances the system (console, demo) may run."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from gefeng.accounts import services as account_services
from gefeng.allowances import services as allowance_services
from gefeng.core import actors
from gefeng.core.actors import SYSTEM
from gefeng.orgs import services as org_services
from gefeng.talent import services as talent_services

EXPECTED = {
    "gefeng.accounts.services.passwords.password_change",
    "gefeng.accounts.services.users.user_create",
    "gefeng.orgs.services.orgnode_create",
    "gefeng.talent.services.sync_all",
    "gefeng.talent.services.profile_create",
    "gefeng.talent.services.profile_update",
    "gefeng.talent.services.profile_bank_update",
    "gefeng.talent.services.category_save",
    *(
        f"gefeng.allowances.services.{module}.{name}"
        for module, names in {
            "rules": ("kind_create", "kind_update", "rule_save"),
            "runs": (
                "run_create",
                "run_rebuild",
                "run_submit",
                "run_return",
                "run_approve",
                "run_mark_paid",
                "run_cancel",
            ),
        }.items()
        for name in names
    ),
}
APPS = ("gefeng.accounts.", "gefeng.orgs.", "gefeng.talent.", "gefeng.allowances.")


def test_the_services_that_accept_the_system_are_these():
    assert account_services and allowance_services and org_services and talent_services
    assert {name for name in actors.ACCEPTS_SYSTEM if name.startswith(APPS)} == EXPECTED


@pytest.mark.django_db
def test_role_changes_from_the_browser_refuse_the_system(tree):
    user = account_services.user_create(
        actor=SYSTEM, username="sys1", name="系统建", org=tree.county, password="Gf#2020-tested"
    )
    with pytest.raises(PermissionDenied):
        account_services.user_set_roles(actor=SYSTEM, user=user, roles={"town_officer"})


@pytest.mark.django_db
def test_no_actor_is_refused_where_the_system_is_accepted(tree):
    with pytest.raises(PermissionDenied):
        account_services.user_create(
            actor=None, username="nobody", name="无人", org=tree.county, password="Gf#2020-tested"
        )
