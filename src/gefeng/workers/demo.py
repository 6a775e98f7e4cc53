"""The demo county's worker platform: the demo worker (孙大伟, 新格灌溉) bound to his registry
record (one of the registry's members when it is loaded) with a member card, a correction waiting
at 新格灌溉's union and his transfer to another enterprise of 龙固镇 waiting for release; three
paper join applications the unions recorded (one to the enterprise's union, one to the truck
drivers' federation, one already refused); and activation codes for that union's unbound members."""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.db import connection
from django.utils import timezone

from gefeng.accounts.models import User
from gefeng.core import pii
from gefeng.core.actors import SYSTEM
from gefeng.core.validators import id_check_char
from gefeng.members import services as member_services
from gefeng.members.models import Member, MembershipEvent, NewFormGroup
from gefeng.orgs.models import Kind, OrgNode
from gefeng.workers import services
from gefeng.workers.models import (
    ActivationCode,
    BindAttempt,
    BindRequest,
    Consent,
    CorrectionField,
    CorrectionRequest,
    JoinApplication,
    MemberCard,
    Purpose,
    RequestStatus,
    TransferRequest,
)

CARD_PREFIX = "ZGDEMO"


def _id(birth: str, seq: str) -> str:
    first = "320322" + birth + seq
    return first + id_check_char(first)


# Paper applications the union recorded: name, ID number, phone, group
APPLICANTS = [
    ("王晓东", _id("19950312", "031"), "13852160031", ""),
    ("李冬梅", _id("19880921", "042"), "13852160042", NewFormGroup.TRUCK),
    ("赵一鸣", _id("19990105", "053"), "13852160053", ""),
]
WORKER = ("zhigong", "孙大伟", _id("19860718", "017"), "13852160017")


def clear() -> None:
    # Every row hangs on the demo tree, which is about to be rebuilt.
    with connection.cursor() as cur:
        for model in (
            TransferRequest,
            MemberCard,
            CorrectionRequest,
            BindRequest,
            JoinApplication,
            ActivationCode,
            Consent,
            BindAttempt,
        ):
            cur.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
    made = Member.objects.filter(card_number__startswith=CARD_PREFIX)
    MembershipEvent.objects.filter(member__in=made).delete()
    made.delete()


def _member(union: OrgNode, name: str, number: str, phone: str, n: int) -> Member:
    existing = Member.objects.filter(id_hash=pii.blind_index(number)).first()
    if existing is not None:
        return existing
    return member_services.member_join(
        actor=SYSTEM,
        union=union,
        data={
            "name": name,
            "id_number": number,
            "phone": phone,
            "joined_on": dt.date(2019, 5, 1),
            "job_category": "一线工人",
            "card_number": f"{CARD_PREFIX}{n:04d}",
        },
    )


def load(*, stdout: TextIO | None = None, registry: bool = True) -> dict[str, int]:
    worker = User.objects.filter(username=WORKER[0]).select_related("org").first()
    if worker is None or worker.org is None:
        return {}
    union = OrgNode.objects.filter(parent=worker.org, kind=Kind.UNION).order_by("path").first()
    if union is None:
        return {}
    town = worker.org.parent
    due = timezone.localdate() + dt.timedelta(days=15)
    # The demo worker: bound, with a card. With the registry loaded he is one of its members of
    # 新格灌溉 (the account takes the member's name); without it his record is made here.
    member = None
    if registry:
        member = Member.objects.filter(union=union, status="active", user__isnull=True).order_by("pk").first()
        if member is not None:
            User.objects.filter(pk=worker.pk).update(name=member.name)
    if member is None:
        member = _member(union, WORKER[1], WORKER[2], WORKER[3], 1)
    Consent.objects.create(user=worker, purpose=Purpose.BIND, version=services.CONSENT_VERSION)
    Member.objects.filter(pk=member.pk).update(user=worker)
    MemberCard.objects.create(member=member, user=worker, nonce="demo" + "0" * 12)
    CorrectionRequest.objects.create(
        user=worker,
        member=member,
        union=union,
        field=CorrectionField.OCCUPATION,
        value="装配钳工",
        note="工种登记为空，实际为装配钳工",
        due_on=due,
    )
    # Join applications.
    apps = 0
    for i, (name, number, phone, group) in enumerate(APPLICANTS):
        if group:
            target, employer = services.route_union(town=town, employer_name="沛县顺达物流车队", group=group)
            employer_name = "沛县顺达物流车队"
        else:
            target, employer, employer_name = union, worker.org, worker.org.name
        JoinApplication.objects.create(
            user=None,
            name=name,
            id_number=number,
            id_hash=pii.blind_index(number),
            phone=phone,
            town=town if town is not None and town.kind == Kind.TOWN else None,
            employer=employer,
            employer_name=employer_name,
            new_form_group=group,
            union=target,
            due_on=due,
            status=RequestStatus.REJECTED if i == 2 else RequestStatus.PENDING,
            reason="身份证号与本人不符，请核对后重新提交。" if i == 2 else "",
            decided_at=timezone.now() if i == 2 else None,
        )
        apps += 1
    # One transfer in progress: the demo worker moves to another enterprise's union of the town.
    other_union = (
        OrgNode.objects.filter(kind=Kind.UNION, parent__kind=Kind.ENTERPRISE, parent__parent=town)
        .exclude(pk=union.pk)
        .order_by("path")
        .first()
    )
    transfers = 0
    if other_union is not None:
        TransferRequest.objects.create(
            user=worker,
            member=member,
            from_union=union,
            to_union=other_union,
            union=union,
            note=f"工作单位变更为{other_union.parent.name if other_union.parent else other_union.name}",
            due_on=due,
        )
        transfers = 1
    # Activation codes for the union's unbound members (the sheet the chair prints).
    codes = services.codes_issue(actor=SYSTEM, union=union)
    return {"members_bound": 1, "join_applications": apps, "transfers": transfers, "activation_codes": codes}
