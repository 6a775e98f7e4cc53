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
    "gefeng.care.services.aid.aid_approve",
    "gefeng.care.services.aid.aid_create",
    "gefeng.care.services.aid.aid_reject",
    "gefeng.care.services.aid.aid_reverse",
    "gefeng.care.services.aid.rule_save",
    "gefeng.care.services.campaigns.campaign_close",
    "gefeng.care.services.campaigns.campaign_create",
    "gefeng.care.services.campaigns.campaign_start",
    "gefeng.care.services.campaigns.deliver",
    "gefeng.care.services.campaigns.offer_save",
    "gefeng.care.services.campaigns.roster_add",
    "gefeng.care.services.campaigns.roster_decide",
    "gefeng.care.services.campaigns.roster_from_files",
    "gefeng.care.services.files.document_add",
    "gefeng.care.services.files.file_apply",
    "gefeng.care.services.files.file_update",
    "gefeng.care.services.flow.file_check",
    "gefeng.care.services.flow.file_end",
    "gefeng.care.services.flow.file_reject",
    "gefeng.care.services.flow.file_review",
    "gefeng.care.services.flow.notice_close",
    "gefeng.care.services.flow.notice_create",
    "gefeng.care.services.flow.objection_add",
    "gefeng.care.services.flow.objection_resolve",
    "gefeng.care.services.flow.reverify_start",
    "gefeng.care.services.flow.visit_add",
    "gefeng.care.services.funds.budget_set",
    "gefeng.care.services.funds.entry_reverse",
    "gefeng.care.services.funds.fund_create",
    "gefeng.care.services.funds.fund_credit",
    "gefeng.care.services.pension.confirm_import",
    "gefeng.care.services.pension.report",
    "gefeng.care.services.pension.target_set",
    "gefeng.skills.services.apprentices.assessment_add",
    "gefeng.skills.services.apprentices.master_reward",
    "gefeng.skills.services.apprentices.pair_create",
    "gefeng.skills.services.apprentices.pair_end",
    "gefeng.skills.services.apprentices.pair_finish",
    "gefeng.skills.services.competitions.competition_create",
    "gefeng.skills.services.competitions.competition_start_scoring",
    "gefeng.skills.services.competitions.entry_register",
    "gefeng.skills.services.competitions.entry_withdraw",
    "gefeng.skills.services.competitions.industry_create",
    "gefeng.skills.services.competitions.judge_add",
    "gefeng.skills.services.competitions.score_enter",
    "gefeng.skills.services.competitions.scores_import",
    "gefeng.skills.services.competitions.trade_add",
    "gefeng.skills.services.innovations.patent_conversion",
    "gefeng.skills.services.innovations.patent_grant",
    "gefeng.skills.services.innovations.patent_record",
    "gefeng.skills.services.innovations.patent_reward",
    "gefeng.skills.services.innovations.proposal_apply",
    "gefeng.skills.services.innovations.proposal_benefit",
    "gefeng.skills.services.innovations.proposal_mark_paid",
    "gefeng.skills.services.innovations.proposal_review",
    "gefeng.skills.services.innovations.proposal_reward",
    "gefeng.skills.services.innovations.proposal_select",
    "gefeng.skills.services.innovations.proposal_submit",
    "gefeng.skills.services.innovations.reward_grade_save",
    "gefeng.skills.services.results.entry_nominate",
    "gefeng.skills.services.results.objection_record",
    "gefeng.skills.services.results.objection_resolve",
    "gefeng.skills.services.results.results_compute",
    "gefeng.skills.services.results.results_finalize",
    "gefeng.skills.services.results.results_publish",
    "gefeng.skills.services.training.attendance_import",
    "gefeng.skills.services.training.attendance_mark",
    "gefeng.skills.services.training.course_complete",
    "gefeng.skills.services.training.course_create",
    "gefeng.skills.services.training.enrol",
    "gefeng.skills.services.training.placement_record",
    "gefeng.skills.services.training.session_add",
    "gefeng.democracy.services.congress.committee_save",
    "gefeng.democracy.services.congress.congress_create",
    "gefeng.democracy.services.congress.congress_settings",
    "gefeng.democracy.services.congress.constituency_add",
    "gefeng.democracy.services.congress.presidium_set",
    "gefeng.democracy.services.congress.representative_elect",
    "gefeng.democracy.services.congress.representative_vacate",
    "gefeng.democracy.services.meetings.attendance_record",
    "gefeng.democracy.services.meetings.calendar_generate",
    "gefeng.democracy.services.meetings.materials_publish",
    "gefeng.democracy.services.meetings.meeting_cancel",
    "gefeng.democracy.services.meetings.meeting_close",
    "gefeng.democracy.services.meetings.meeting_create",
    "gefeng.democracy.services.meetings.meeting_open",
    "gefeng.democracy.services.meetings.resolutions_publish",
    "gefeng.democracy.services.proposals.disclosure_publish",
    "gefeng.democracy.services.proposals.document_create",
    "gefeng.democracy.services.proposals.proposal_answer",
    "gefeng.democracy.services.proposals.proposal_assign",
    "gefeng.democracy.services.proposals.proposal_decide",
    "gefeng.democracy.services.proposals.proposal_submit",
    "gefeng.democracy.services.voting.motion_close",
    "gefeng.democracy.services.voting.motion_create",
    "gefeng.democracy.services.voting.motion_open",
    "gefeng.democracy.services.voting.paper_count",
    "gefeng.democracy.services.voting.paper_issue",
    "gefeng.learning.services.bank.question_create",
    "gefeng.learning.services.bank.questions_import",
    "gefeng.learning.services.building.activity_record",
    "gefeng.learning.services.building.building_item_create",
    "gefeng.learning.services.building.development_record",
    "gefeng.learning.services.building.party_org_create",
    "gefeng.learning.services.building.position_create",
    "gefeng.learning.services.building.safety_campaign_create",
    "gefeng.learning.services.building.safety_session_record",
    "gefeng.learning.services.positions.borrowing_record",
    "gefeng.learning.services.positions.photo_delete",
    "gefeng.learning.services.positions.photos_add",
    "gefeng.learning.services.safety.counted_set",
    "gefeng.learning.services.safety.signin_import",
    "gefeng.learning.services.safety.trainee_remove",
    "gefeng.learning.services.safety.trainees_add",
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
    "gefeng.rights.services.campaigns.campaign_create",
    "gefeng.rights.services.campaigns.target_add",
    "gefeng.rights.services.campaigns.target_offer",
    "gefeng.rights.services.campaigns.targets_pick",
    "gefeng.rights.services.contracts.contract_deem_effective",
    "gefeng.rights.services.contracts.contract_draft",
    "gefeng.rights.services.contracts.contract_file",
    "gefeng.rights.services.contracts.contract_offer",
    "gefeng.rights.services.contracts.contract_publish",
    "gefeng.rights.services.contracts.contract_renew",
    "gefeng.rights.services.contracts.contract_reply",
    "gefeng.rights.services.contracts.contract_review",
    "gefeng.rights.services.contracts.contract_set_recorder",
    "gefeng.rights.services.contracts.contract_sign",
    "gefeng.rights.services.contracts.contract_vote",
    "gefeng.rights.services.contracts.contracts_sweep",
    "gefeng.rights.services.contracts.negotiator_add",
    "gefeng.rights.services.contracts.negotiator_leave",
    "gefeng.rights.services.contracts.talk_add",
    "gefeng.rights.services.disputes.case_accept",
    "gefeng.rights.services.disputes.case_agree",
    "gefeng.rights.services.disputes.case_apply",
    "gefeng.rights.services.disputes.case_assign",
    "gefeng.rights.services.disputes.case_award",
    "gefeng.rights.services.disputes.case_extend",
    "gefeng.rights.services.disputes.case_fail",
    "gefeng.rights.services.disputes.case_refer",
    "gefeng.rights.services.disputes.case_withdraw",
    "gefeng.rights.services.disputes.committee_create",
    "gefeng.rights.services.disputes.committee_member_add",
    "gefeng.rights.services.disputes.limitation_add",
    "gefeng.rights.services.disputes.session_add",
    "gefeng.rights.services.help.consultation_answer",
    "gefeng.rights.services.help.consultation_create",
    "gefeng.rights.services.help.consultation_refer",
    "gefeng.rights.services.help.warning_create",
    "gefeng.rights.services.help.warning_handle",
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
