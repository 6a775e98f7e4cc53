"""Who may open each workers URL. The worker's pages answer the worker (职工) only; the union's
pages answer whoever changes members beyond their own record, and object URLs point at requests
and members of the outsider's union (恒辉编织)."""

from __future__ import annotations

import datetime as dt

from tests.matrix import SEES_OUTSIDER, Case, ok

WORKER = ok("worker")
UNIONS = ok("sysadmin", "county", "town", "chair", "outsider")
CHANGES_OUTSIDER = SEES_OUTSIDER - {"auditor"}
GET_POST = frozenset({"GET", "POST"})
POST = frozenset({"POST"})
REDIRECT = frozenset({302})
OUTSIDER_ID = "320322199003070013"


def _outsider_member(t, p):
    from gefeng.core.actors import SYSTEM
    from gefeng.members import services
    from gefeng.members.models import Member

    member = Member.objects.filter(union=t.henghui_union).order_by("pk").first()
    if member is None:
        member = services.member_join(
            actor=SYSTEM,
            union=t.henghui_union,
            data={"name": "王恒辉", "id_number": OUTSIDER_ID, "phone": "13900001111", "joined_on": dt.date(2020, 5, 1)},
        )
    return member


def _member(t, p):
    return {"pk": _outsider_member(t, p).pk}


def _due():
    return dt.date.today() + dt.timedelta(days=10)


def _bindrequest(t, p):
    from gefeng.workers.models import BindRequest

    row = BindRequest.objects.filter(union=t.henghui_union).first() or BindRequest.objects.create(
        user=p["worker"], member=_outsider_member(t, p), union=t.henghui_union, due_on=_due()
    )
    return {"pk": row.pk}


def _join(t, p):
    from gefeng.core import pii
    from gefeng.workers.models import JoinApplication

    number = "320322199105050013"
    row = JoinApplication.objects.filter(union=t.henghui_union).first() or JoinApplication.objects.create(
        user=p["worker"],
        name="外单位职工",
        id_number=number,
        id_hash=pii.blind_index(number),
        phone="13900002222",
        town=t.yangtun,
        employer=t.henghui,
        employer_name=t.henghui.name,
        union=t.henghui_union,
        due_on=_due(),
    )
    return {"pk": row.pk}


def _correction(t, p):
    from gefeng.workers.models import CorrectionRequest

    row = CorrectionRequest.objects.filter(union=t.henghui_union).first() or CorrectionRequest.objects.create(
        user=p["worker"],
        member=_outsider_member(t, p),
        union=t.henghui_union,
        field="occupation",
        value="织机挡车工",
        due_on=_due(),
    )
    return {"pk": row.pk}


def _notification(t, p):
    from gefeng.core import notifications

    return {"pk": notifications.send(p["worker"], title="入会申请已批准", link="/w/me/").pk}


def _reason(t, p):
    return {"reason": "信息不全"}


MATRIX = {
    "workers:home": Case(ok=WORKER),
    "workers:register": Case(ok=frozenset(), public=True, methods=GET_POST),
    "workers:service-list": Case(ok=WORKER),
    "workers:message-list": Case(ok=WORKER),
    "workers:message-read": Case(ok=WORKER, kwargs=_notification, methods=POST, success=REDIRECT),
    "workers:me": Case(ok=WORKER),
    "workers:correction-create": Case(ok=WORKER, methods=GET_POST, success=frozenset({200, 302})),
    "workers:bind": Case(ok=WORKER, methods=GET_POST),
    "workers:join": Case(ok=WORKER, methods=GET_POST),
    "workers:card": Case(ok=WORKER),
    "workers:card-issue": Case(ok=WORKER, methods=POST, success=REDIRECT),
    "workers:card-revoke": Case(ok=WORKER, methods=POST, success=REDIRECT),
    "verify:card": Case(ok=frozenset(), public=True, kwargs=lambda t, p: {"token": "nothing-valid"}),
    "workers:union-requests": Case(ok=UNIONS),
    "workers:bindrequest-confirm": Case(ok=CHANGES_OUTSIDER, kwargs=_bindrequest, methods=POST, success=REDIRECT),
    "workers:bindrequest-reject": Case(
        ok=CHANGES_OUTSIDER, kwargs=_bindrequest, methods=POST, success=REDIRECT, data=_reason
    ),
    "workers:join-approve": Case(ok=CHANGES_OUTSIDER, kwargs=_join, methods=POST, success=REDIRECT),
    "workers:join-reject": Case(ok=CHANGES_OUTSIDER, kwargs=_join, methods=POST, success=REDIRECT, data=_reason),
    "workers:correction-apply": Case(ok=CHANGES_OUTSIDER, kwargs=_correction, methods=POST, success=REDIRECT),
    "workers:correction-reject": Case(
        ok=CHANGES_OUTSIDER, kwargs=_correction, methods=POST, success=REDIRECT, data=_reason
    ),
    "workers:code-sheet": Case(ok=UNIONS),
    "workers:codes-issue": Case(
        ok=UNIONS, methods=POST, success=REDIRECT, data=lambda t, p: {"union": t.henghui_union.pk}
    ),
    "workers:union-member": Case(ok=CHANGES_OUTSIDER, kwargs=_member),
    "workers:member-code-issue": Case(ok=CHANGES_OUTSIDER, kwargs=_member, methods=POST, success=REDIRECT),
    "workers:member-card-revoke": Case(ok=CHANGES_OUTSIDER, kwargs=_member, methods=POST, success=REDIRECT),
}


def _transfer(t, p):
    from gefeng.workers.models import TransferRequest

    member = _outsider_member(t, p)
    row = TransferRequest.objects.filter(union=t.henghui_union).first() or TransferRequest.objects.create(
        user=p["worker"],
        member=member,
        from_union=t.henghui_union,
        to_union=t.xinge_union,
        union=t.henghui_union,
        due_on=_due(),
    )
    return {"pk": row.pk}


MATRIX |= {
    "workers:transfer": Case(ok=WORKER, methods=GET_POST, success=frozenset({200, 302})),
    "workers:transfer-approve": Case(ok=CHANGES_OUTSIDER, kwargs=_transfer, methods=POST, success=REDIRECT),
    "workers:transfer-reject": Case(
        ok=CHANGES_OUTSIDER, kwargs=_transfer, methods=POST, success=REDIRECT, data=_reason
    ),
}
MATRIX |= {
    "workers:transfer-claim": Case(ok=UNIONS, methods=GET_POST, success=frozenset({200, 302})),
    "workers:transfer-start": Case(
        ok=CHANGES_OUTSIDER, kwargs=_member, methods=GET_POST, success=frozenset({200, 302})
    ),
}
