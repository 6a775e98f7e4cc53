"""The system actor: accepted only where a service declares it, refused everywhere else."""

from __future__ import annotations

import pickle

import pytest
from django.core.exceptions import PermissionDenied

from gefeng.core import actors, scope
from gefeng.core.actors import SYSTEM, accepts_system


@accepts_system
def _system_may(*, actor, obj):
    actors.require(actor, obj, "members.change")
    return "ran"


def _system_may_not(*, actor, obj):
    actors.require(actor, obj, "members.change")
    return "ran"


pytestmark = pytest.mark.django_db


def test_a_declared_service_lets_the_system_through(tree):
    assert _system_may(actor=SYSTEM, obj=tree.xinge_union) == "ran"


def test_an_undeclared_service_refuses_the_system_like_a_stranger(tree):
    with pytest.raises(PermissionDenied):
        _system_may_not(actor=SYSTEM, obj=tree.xinge_union)


@pytest.mark.parametrize("service", [_system_may, _system_may_not])
def test_none_is_no_actor_and_is_refused_everywhere(service, tree):
    with pytest.raises(PermissionDenied):
        service(actor=None, obj=tree.xinge_union)


def test_the_system_holds_no_grant_and_sees_nothing_through_scope(tree):
    assert scope.can(SYSTEM, tree.xinge_union, "members.view") is False
    assert not scope.has_perm(SYSTEM, "members.view")


def test_a_person_is_still_asked_of_scope_inside_a_declared_service(personas, tree):
    assert _system_may(actor=personas["chair"], obj=tree.xinge_union) == "ran"  # the chair's own union
    with pytest.raises(PermissionDenied):
        _system_may(actor=personas["chair"], obj=tree.henghui_union)


def test_the_system_is_stored_as_no_user_and_pickles_as_itself():
    assert actors.user_of(SYSTEM) is None
    assert pickle.loads(pickle.dumps(SYSTEM)) is SYSTEM  # noqa: S301  (our own bytes)
    assert str(SYSTEM) == "系统"


def test_every_service_that_accepts_the_system_is_listed():
    assert "tests.core.test_actors._system_may" in actors.ACCEPTS_SYSTEM
    assert all(name.count(".") >= 2 for name in actors.ACCEPTS_SYSTEM)


# Every service of the platform that the system may run. A change here is a decision: a service that
# starts (or stops) accepting the system shows up in review as a change of this list.
EVERY_SERVICE_THAT_ACCEPTS_THE_SYSTEM = {
    "gefeng.accounts.services.passwords.password_change",
    "gefeng.accounts.services.users.user_create",
    "gefeng.allowances.services.rules.kind_create",
    "gefeng.allowances.services.rules.kind_update",
    "gefeng.allowances.services.rules.rule_save",
    "gefeng.allowances.services.runs.run_approve",
    "gefeng.allowances.services.runs.run_cancel",
    "gefeng.allowances.services.runs.run_create",
    "gefeng.allowances.services.runs.run_mark_paid",
    "gefeng.allowances.services.runs.run_rebuild",
    "gefeng.allowances.services.runs.run_return",
    "gefeng.allowances.services.runs.run_submit",
    "gefeng.learning.services.bank.question_create",
    "gefeng.learning.services.bank.questions_import",
    "gefeng.learning.services.building.activity_record",
    "gefeng.learning.services.building.building_item_create",
    "gefeng.learning.services.building.development_record",
    "gefeng.learning.services.building.party_org_create",
    "gefeng.learning.services.building.position_create",
    "gefeng.learning.services.building.safety_campaign_create",
    "gefeng.learning.services.building.safety_session_record",
    "gefeng.learning.services.contests.attempt_start",
    "gefeng.learning.services.contests.attempt_submit",
    "gefeng.learning.services.contests.contest_close",
    "gefeng.learning.services.contests.contest_create",
    "gefeng.learning.services.contests.contest_publish",
    "gefeng.learning.services.study.campaign_create",
    "gefeng.learning.services.study.result_enter",
    "gefeng.learning.services.study.results_import",
    "gefeng.learning.services.study.round_circulate",
    "gefeng.learning.services.study.round_create",
    "gefeng.honours.services.attachments.attachment_add",
    "gefeng.honours.services.attachments.attachment_delete",
    "gefeng.honours.services.attachments.clearance_save",
    "gefeng.honours.services.awards.allocation_set",
    "gefeng.honours.services.awards.award_save",
    "gefeng.honours.services.awards.rule_add",
    "gefeng.honours.services.awards.rule_delete",
    "gefeng.honours.services.campaigns.campaign_approve",
    "gefeng.honours.services.campaigns.campaign_cancel",
    "gefeng.honours.services.campaigns.campaign_close",
    "gefeng.honours.services.campaigns.campaign_create",
    "gefeng.honours.services.campaigns.campaign_open",
    "gefeng.honours.services.campaigns.campaign_start_notice",
    "gefeng.honours.services.campaigns.campaign_update",
    "gefeng.honours.services.nominations.nomination_create",
    "gefeng.honours.services.nominations.nomination_review",
    "gefeng.honours.services.nominations.nomination_submit",
    "gefeng.honours.services.nominations.nomination_update",
    "gefeng.honours.services.nominations.nomination_withdraw",
    "gefeng.honours.services.objections.objection_record",
    "gefeng.honours.services.objections.objection_resolve",
    "gefeng.honours.services.register.honour_grant",
    "gefeng.honours.services.register.honour_revoke",
    "gefeng.members.services.membership.member_join",
    "gefeng.members.services.rosters.import_files_purge",
    "gefeng.members.services.rosters.value_mappings_save",
    "gefeng.orgs.services.orgnode_create",
    "gefeng.reform.services.evidence.evidence_add",
    "gefeng.reform.services.evidence.evidence_delete",
    "gefeng.reform.services.items.item_delete",
    "gefeng.reform.services.items.item_save",
    "gefeng.reform.services.items.measure_save",
    "gefeng.reform.services.plans.plan_copy",
    "gefeng.reform.services.plans.plan_create",
    "gefeng.reform.services.plans.plan_update",
    "gefeng.reform.services.reminders.remind",
    "gefeng.reform.services.reports.report_review",
    "gefeng.reform.services.reports.reports_save",
    "gefeng.talent.services.category_save",
    "gefeng.talent.services.profile_bank_update",
    "gefeng.talent.services.profile_create",
    "gefeng.talent.services.profile_update",
    "gefeng.talent.services.sync_all",
    "gefeng.workers.services.codes.code_issue",
    "gefeng.workers.services.codes.codes_issue",
}


def test_the_list_of_services_that_accept_the_system_is_written_down():
    import importlib
    import pkgutil

    import gefeng

    for module in pkgutil.walk_packages(gefeng.__path__, "gefeng."):
        if ".migrations" not in module.name and "management" not in module.name and module.name != "gefeng.cli":
            importlib.import_module(module.name)
    accepted = {name for name in actors.ACCEPTS_SYSTEM if name.startswith("gefeng.")}
    assert accepted == EVERY_SERVICE_THAT_ACCEPTS_THE_SYSTEM
