"""Binding, codes, requests and the member card, through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gefeng.core.actors import SYSTEM
from gefeng.core.models import AuditEntry, Notification
from gefeng.members.models import Member, Status
from gefeng.workers import services
from gefeng.workers.models import ActivationCode, BindAttempt, BindRequest, Consent, JoinApplication, RequestStatus
from tests.workers.conftest import OTHER_ID, WORKER_ID, join

PHONE = "13852160017"


def _messages(exc) -> list[str]:
    return exc.value.messages


def _bind(p, **kw):
    args = {"actor": p["worker"], "name": "孙大伟", "id_number": WORKER_ID, "phone": PHONE, "consent": True}
    return args | kw


# ---------------------------------------------------------------- the real-name match


def test_binding_with_a_code_binds_records_consent_and_uses_the_code(personas, xinge_member):
    code = services.code_issue(actor=personas["chair"], member=xinge_member)
    member = services.bind_with_code(**_bind(personas), code=code.code.lower())
    assert Member.objects.get(pk=xinge_member.pk).user_id == personas["worker"].pk == member.user_id
    consent = Consent.objects.get(user=personas["worker"])
    assert consent.version == services.CONSENT_VERSION and consent.at is not None
    code.refresh_from_db()
    assert code.used_at is not None
    assert AuditEntry.objects.filter(action="workers.binding.bound", object_id=str(xinge_member.pk)).exists()
    assert Notification.objects.filter(recipient=personas["worker"], title="会员信息已绑定").exists()


@pytest.mark.parametrize(
    "change",
    [
        {"name": "孙大卫"},  # wrong name, right number
        {"id_number": OTHER_ID},  # a valid number nobody holds
        {"phone": "13900009999"},  # wrong phone
    ],
)
def test_every_mismatch_gives_the_same_answer_and_is_counted(personas, xinge_member, change):
    with pytest.raises(ValidationError) as exc:
        services.bind_request(**_bind(personas, **change))
    assert _messages(exc) == [services.MISMATCH]
    assert BindAttempt.objects.filter(user=personas["worker"]).count() == 1
    failed = AuditEntry.objects.get(action="workers.binding.failed")
    assert failed.success is False
    assert not BindRequest.objects.exists()
    assert Member.objects.get(pk=xinge_member.pk).user_id is None


def test_a_closed_membership_answers_like_an_unknown_number(personas, xinge_member):
    Member.objects.filter(pk=xinge_member.pk).update(status=Status.LEFT)
    with pytest.raises(ValidationError) as exc:
        services.bind_request(**_bind(personas))
    assert _messages(exc) == [services.MISMATCH]


def test_a_badly_formed_number_is_a_field_error_not_an_attempt(personas, xinge_member):
    with pytest.raises(ValidationError) as exc:
        services.bind_request(**_bind(personas, id_number="123"))
    assert "id_number" in exc.value.message_dict
    assert not BindAttempt.objects.exists()


def test_the_rate_limit_stops_checking_even_right_details(personas, xinge_member, settings):
    settings.WORKERS_BIND_FAILURES = 3
    for _ in range(3):
        with pytest.raises(ValidationError):
            services.bind_request(**_bind(personas, name="孙小伟"))
    with pytest.raises(ValidationError) as exc:
        services.bind_request(**_bind(personas))
    assert "次数过多" in _messages(exc)[0]
    assert not BindRequest.objects.exists()
    # The window passes: the right details are checked again.
    BindAttempt.objects.update(at=timezone.now() - dt.timedelta(hours=2))
    req = services.bind_request(**_bind(personas))
    assert req.status == RequestStatus.PENDING and req.union_id == xinge_member.union_id


def test_a_wrong_code_is_refused_and_counted(personas, xinge_member):
    services.code_issue(actor=personas["chair"], member=xinge_member)
    with pytest.raises(ValidationError) as exc:
        services.bind_with_code(**_bind(personas), code="AAAAAAAA")
    assert "code" in exc.value.message_dict
    assert BindAttempt.objects.count() == 1
    assert Member.objects.get(pk=xinge_member.pk).user_id is None


def test_a_code_works_once_and_not_after_it_expires(personas, tree, xinge_member):
    code = services.code_issue(actor=personas["chair"], member=xinge_member)
    ActivationCode.objects.filter(pk=code.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError):
        services.bind_with_code(**_bind(personas), code=code.code)
    code = services.code_issue(actor=personas["chair"], member=xinge_member)
    services.bind_with_code(**_bind(personas), code=code.code)
    services.unbind(actor=personas["chair"], member=Member.objects.get(pk=xinge_member.pk))
    with pytest.raises(ValidationError):
        services.bind_with_code(**_bind(personas), code=code.code)


def test_consent_is_required(personas, xinge_member):
    with pytest.raises(ValidationError) as exc:
        services.bind_request(**_bind(personas, consent=False))
    assert "consent" in exc.value.message_dict
    assert not Consent.objects.exists() and not BindRequest.objects.exists()


def test_the_chair_confirms_a_request_and_an_outsider_cannot(personas, xinge_member):
    req = services.bind_request(**_bind(personas))
    with pytest.raises(PermissionDenied):
        services.bindrequest_confirm(actor=personas["outsider"], request=req)
    with pytest.raises(PermissionDenied):
        services.bindrequest_confirm(actor=personas["auditor"], request=req)
    services.bindrequest_confirm(actor=personas["chair"], request=req)
    assert Member.objects.get(pk=xinge_member.pk).user_id == personas["worker"].pk
    req.refresh_from_db()
    assert req.status == RequestStatus.DONE and req.decided_by == personas["chair"]
    with pytest.raises(ValidationError):
        services.bindrequest_confirm(actor=personas["chair"], request=req)


def test_a_rejection_needs_a_reason_the_worker_sees(personas, xinge_member):
    req = services.bind_request(**_bind(personas))
    with pytest.raises(ValidationError):
        services.bindrequest_reject(actor=personas["chair"], request=req, reason=" ")
    services.bindrequest_reject(actor=personas["chair"], request=req, reason="请到工会当面核对")
    assert Notification.objects.get(recipient=personas["worker"]).body == "请到工会当面核对"


def test_codes_for_a_whole_union(personas, tree, xinge_member):
    join(tree.xinge_union, "李冬梅", OTHER_ID, phone="13852160028")
    assert services.codes_issue(actor=personas["chair"], union=tree.xinge_union) == 2
    assert services.codes_issue(actor=personas["chair"], union=tree.xinge_union) == 0  # live codes kept
    with pytest.raises(PermissionDenied):
        services.codes_issue(actor=personas["outsider"], union=tree.xinge_union)
    assert len({c.code for c in ActivationCode.objects.all()}) == 2


# ---------------------------------------------------------------- joining and corrections


def test_join_goes_to_the_employers_union_and_approval_makes_and_binds_the_member(personas, tree):
    app = services.join_apply(
        actor=personas["worker"],
        name="孙大伟",
        id_number=WORKER_ID,
        phone=PHONE,
        town=tree.longgu,
        employer_name="新格灌溉",
        consent=True,
    )
    assert app.union == tree.xinge_union and app.employer == tree.xinge
    with pytest.raises(PermissionDenied):
        services.join_approve(actor=personas["outsider"], application=app)
    member = services.join_approve(actor=personas["chair"], application=app)
    assert member.union == tree.xinge_union and member.user_id == personas["worker"].pk
    assert JoinApplication.objects.get(pk=app.pk).status == RequestStatus.DONE


def test_join_without_an_employer_union_goes_to_the_town_union(personas, tree):
    from gefeng.orgs import services as org_services
    from gefeng.orgs.models import Kind

    town_union = org_services.orgnode_create(
        actor=SYSTEM, parent=tree.longgu, kind=Kind.UNION, name="龙固镇总工会", audit_it=False
    )
    union, employer = services.route_union(town=tree.longgu, employer_name="某某小超市", group="")
    assert (union, employer) == (town_union, None)


def test_a_member_who_knows_name_and_number_is_sent_to_binding(personas, tree, xinge_member):
    with pytest.raises(ValidationError) as exc:
        services.join_apply(
            actor=personas["worker"],
            name="孙大伟",
            id_number=WORKER_ID,
            phone=PHONE,
            town=tree.longgu,
            employer_name="新格灌溉",
            consent=True,
        )
    assert "实名绑定" in _messages(exc)[0]


def test_a_correction_is_applied_through_the_registry(personas, xinge_member):
    Member.objects.filter(pk=xinge_member.pk).update(user=personas["worker"])
    req = services.correction_create(actor=personas["worker"], field="occupation", value="装配钳工")
    services.correction_apply(actor=personas["chair"], request=req)
    assert Member.objects.get(pk=xinge_member.pk).occupation == "装配钳工"
    assert AuditEntry.objects.filter(action="members.member.updated").exists()


# ---------------------------------------------------------------- the member card


def test_card_token_valid_expired_revoked(personas, xinge_member, settings, monkeypatch):
    Member.objects.filter(pk=xinge_member.pk).update(user=personas["worker"])
    card = services.card_issue(actor=personas["worker"])
    token = services.card_token(card)
    verdict = services.card_verify(token)
    assert verdict.valid and verdict.union == xinge_member.union.name and verdict.name == "孙**"
    assert not services.card_verify(token[:-2] + "xx").valid
    settings.WORKERS_CARD_TOKEN_SECONDS = 60
    real = signing.time.time
    monkeypatch.setattr(signing.time, "time", lambda: real() + 120)
    expired = services.card_verify(token)
    assert not expired.valid and "过期" in expired.why
    monkeypatch.setattr(signing.time, "time", real)
    services.card_revoke(actor=personas["worker"], card=card)
    revoked = services.card_verify(token)
    assert not revoked.valid and "作废" in revoked.why and revoked.union == ""


def test_the_union_revokes_a_card_and_an_outsider_cannot(personas, xinge_member):
    Member.objects.filter(pk=xinge_member.pk).update(user=personas["worker"])
    card = services.card_issue(actor=personas["worker"])
    with pytest.raises(PermissionDenied):
        services.card_revoke(actor=personas["outsider"], card=card)
    services.card_revoke(actor=personas["chair"], card=card)
    assert not services.card_verify(services.card_token(card)).valid
    # A new card works again.
    assert services.card_verify(services.card_token(services.card_issue(actor=personas["worker"]))).valid


# ---------------------------------------------------------------- transfer


def test_transfer_old_union_releases_new_union_accepts_history_on_both_sides(personas, tree, xinge_member):
    from gefeng.members.models import MembershipEvent
    from gefeng.workers.models import TransferRequest, TransferStep

    Member.objects.filter(pk=xinge_member.pk).update(user=personas["worker"])
    req = services.transfer_request(actor=personas["worker"], town=tree.yangtun, employer_name="恒辉编织")
    assert (req.from_union, req.to_union, req.union) == (tree.xinge_union, tree.henghui_union, tree.xinge_union)
    with pytest.raises(PermissionDenied):
        services.transfer_advance(actor=personas["outsider"], request=req)  # not its step yet
    services.transfer_advance(actor=personas["chair"], request=req)
    req.refresh_from_db()
    assert req.step == TransferStep.ACCEPT and req.union == tree.henghui_union
    with pytest.raises(PermissionDenied):
        services.transfer_advance(actor=personas["chair"], request=req)  # the new union's step
    services.transfer_advance(actor=personas["outsider"], request=req)
    req.refresh_from_db()
    # The outsider's chair cannot change 新格灌溉's member: the county, above both, records it.
    assert req.step == TransferStep.RECORD and req.union == tree.county
    assert Member.objects.get(pk=xinge_member.pk).union == tree.xinge_union
    services.transfer_advance(actor=personas["county"], request=req)
    member = Member.objects.get(pk=xinge_member.pk)
    assert member.union == tree.henghui_union and member.user_id == personas["worker"].pk
    kinds = set(MembershipEvent.objects.filter(member=member).values_list("kind", "union_id"))
    assert ("out", tree.xinge_union.pk) in kinds and ("in", tree.henghui_union.pk) in kinds
    assert TransferRequest.objects.get(pk=req.pk).status == RequestStatus.DONE
    assert AuditEntry.objects.filter(action="workers.transfer.accepted", actor=personas["outsider"]).exists()


def test_a_closed_old_union_is_released_by_the_county(personas, tree, xinge_member):
    from gefeng.orgs.models import OrgNode

    Member.objects.filter(pk=xinge_member.pk).update(user=personas["worker"])
    OrgNode.objects.filter(pk=tree.xinge_union.pk).update(valid_to=dt.date(2024, 1, 1))
    req = services.transfer_request(actor=personas["worker"], town=tree.yangtun, employer_name="恒辉编织")
    assert req.union == tree.county
    with pytest.raises(PermissionDenied):
        services.transfer_advance(actor=personas["chair"], request=req)
    services.transfer_advance(actor=personas["county"], request=req)


def test_the_old_union_starts_a_transfer_that_the_new_union_accepts(personas, tree, xinge_member):
    from gefeng.workers.models import TransferOrigin, TransferRequest, TransferStep

    Member.objects.filter(pk=xinge_member.pk).update(user=personas["worker"])
    with pytest.raises(PermissionDenied):  # not the outsider's member
        services.transfer_start(
            actor=personas["outsider"], member=xinge_member, town=tree.yangtun, employer_name="恒辉编织"
        )
    with pytest.raises(ValidationError) as exc:
        services.transfer_start(
            actor=personas["chair"], member=xinge_member, town=tree.xinge.parent, employer_name=tree.xinge.name
        )
    assert "不需要接转" in str(exc.value)
    req = services.transfer_start(
        actor=personas["chair"], member=xinge_member, town=tree.yangtun, employer_name="恒辉编织", note="调动"
    )
    assert (req.step, req.union, req.origin) == (TransferStep.ACCEPT, tree.henghui_union, TransferOrigin.OLD_UNION)
    assert req.released_by == personas["chair"] and req.released_at is not None
    assert Notification.objects.filter(recipient=personas["worker"], title="原工会已为您办理转出").exists()
    with pytest.raises(ValidationError):  # one open transfer per member
        services.transfer_start(
            actor=personas["chair"], member=xinge_member, town=tree.yangtun, employer_name="恒辉编织"
        )
    services.transfer_advance(actor=personas["outsider"], request=req)
    services.transfer_advance(actor=personas["county"], request=req)
    assert Member.objects.get(pk=xinge_member.pk).union == tree.henghui_union
    assert TransferRequest.objects.get(pk=req.pk).status == RequestStatus.DONE
    assert AuditEntry.objects.filter(action="workers.transfer.started", actor=personas["chair"]).exists()


def test_the_new_union_claims_a_member_by_name_and_id_number(personas, tree, xinge_member):
    from gefeng.workers.models import TransferOrigin, TransferStep

    outsider = personas["outsider"]
    # A wrong name and an unknown number get the same answer, and both are audited.
    with pytest.raises(ValidationError) as wrong_name:
        services.transfer_claim(actor=outsider, union=tree.henghui_union, name="孙小伟", id_number=WORKER_ID)
    with pytest.raises(ValidationError) as unknown:
        services.transfer_claim(actor=outsider, union=tree.henghui_union, name="孙大伟", id_number=OTHER_ID)
    assert _messages(wrong_name) == _messages(unknown) == [services.NOT_FOUND]
    assert AuditEntry.objects.filter(action="workers.transfer.unmatched", actor=outsider).count() == 2
    with pytest.raises(ValidationError) as bad:
        services.transfer_claim(actor=outsider, union=tree.henghui_union, name="孙大伟", id_number="123")
    assert "id_number" in bad.value.message_dict
    with pytest.raises(PermissionDenied):  # not a union the outsider manages
        services.transfer_claim(actor=outsider, union=tree.xinge_union, name="孙大伟", id_number=WORKER_ID)
    req = services.transfer_claim(actor=outsider, union=tree.henghui_union, name="孙大伟", id_number=WORKER_ID)
    assert (req.step, req.union, req.origin) == (TransferStep.RELEASE, tree.xinge_union, TransferOrigin.NEW_UNION)
    assert (req.from_union, req.to_union) == (tree.xinge_union, tree.henghui_union)
    services.transfer_advance(actor=personas["chair"], request=req)  # the old union releases
    services.transfer_advance(actor=outsider, request=req)  # the new union accepts
    services.transfer_advance(actor=personas["county"], request=req)  # the county records
    assert Member.objects.get(pk=xinge_member.pk).union == tree.henghui_union


def test_a_union_does_not_claim_its_own_member_through_a_request(personas, tree, xinge_member):
    with pytest.raises(ValidationError) as exc:
        services.transfer_claim(actor=personas["chair"], union=tree.xinge_union, name="孙大伟", id_number=WORKER_ID)
    assert "已是本工会的会员" in str(exc.value)
