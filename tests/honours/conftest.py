"""Fixtures of the honours tests: people in the test tree and campaigns in each state.

`build_world(tree)` is also what the URL matrix uses (its lambdas get (tree, personas)): one
county campaign taking nominations with a nomination from the outsider's enterprise (恒辉编织)
waiting at 杨屯镇, one campaign in public notice (only 新格灌溉's nominee on it) with an open
objection, and one decided campaign with an honour for the outsider's member.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gefeng.core.actors import SYSTEM
from gefeng.core.validators import id_check_char

TODAY = dt.date.today()
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
_seq = {"n": 100}


def make_id(birth: str = "19850101") -> str:
    _seq["n"] += 1
    body = "320322" + birth + f"{_seq['n'] % 1000:03d}"
    return body + id_check_char(body)


def join(union: Any, name: str, *, job: str = "一线工人", sex: str = "", migrant: bool = False, user: Any = None):
    """A member of `union` (through the registry's own service)."""
    from gefeng.members import services
    from gefeng.members.models import Member

    birth = "19850101" if sex != "女" else "19860202"
    for _i in range(20):
        number = make_id(birth)
        digit = int(number[16])
        if not sex or (sex == "男") == (digit % 2 == 1):
            break
    member = services.member_join(
        actor=SYSTEM,
        union=union,
        data={
            "name": name,
            "id_number": number,
            "phone": "",
            "joined_on": dt.date(2015, 5, 1),
            "job_category": job,
            "migrant": migrant,
        },
    )
    if user is not None:
        Member.objects.filter(pk=member.pk).update(user=user)
        member.refresh_from_db()
    return member


def png(name: str = "事迹.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def new_campaign(
    tree: Any, *, name: str = "沛县劳动模范评选", quota: int = 10, kind: str = "labour_model", **data: Any
):
    from gefeng.honours import services

    campaign = services.campaign_create(
        actor=SYSTEM,
        org=tree.county,
        data={"name": name, "issuer": "沛县人民政府", "year": TODAY.year, "notice_days": 5} | data,
    )
    award = services.award_save(actor=SYSTEM, campaign=campaign, kind=kind, title=f"沛县{name[-4:]}", quota=quota)
    return campaign, award


def open_campaign(tree: Any, **kw: Any):
    from gefeng.honours import services

    campaign, award = new_campaign(tree, **kw)
    campaign = services.campaign_open(actor=SYSTEM, campaign=campaign)
    return campaign, award


def nominate(campaign: Any, award: Any, unit: Any, person: Any = None, collective: Any = None, **data: Any):
    from gefeng.honours import services

    return services.nomination_create(
        actor=SYSTEM,
        campaign=campaign,
        award=award,
        unit=unit,
        person=person,
        collective=collective,
        data={"post": "班组长", "deeds": "扎根一线二十年，带出徒弟三十余名，攻克技术难题多项。"} | data,
    )


def shortlist(nomination: Any):
    """Submit and approve at every level: the nomination ends up 已入围."""
    from gefeng.honours import services

    n = services.nomination_submit(actor=SYSTEM, nomination=nomination, comment="同意推荐")
    if n.status == "town":
        n = services.nomination_review(actor=SYSTEM, nomination=n, action="approve", comment="同意")
    return services.nomination_review(actor=SYSTEM, nomination=n, action="approve", comment="同意")


@dataclass
class World:
    open: Any
    open_award: Any
    outsider_nomination: Any
    outsider_attachment: Any
    notice: Any
    notice_nomination: Any
    objection: Any
    rule: Any
    decided: Any
    outsider_honour: Any
    outsider_member: Any


def build_world(tree: Any) -> World:
    from gefeng.honours import services
    from gefeng.honours.models import Campaign, Honour

    cached = getattr(tree, "_honours_world", None)
    if cached is not None:
        return cached
    c1, a1 = open_campaign(tree, name="沛县劳动模范评选")
    rule = services.rule_add(actor=SYSTEM, campaign=c1, data={"kind": "min_share", "trait": "frontline", "percent": 60})
    hh = join(tree.henghui_union, "王恒辉")
    n1 = nominate(c1, a1, tree.henghui, hh)
    att = services.attachment_add(actor=SYSTEM, nomination=n1, upload=png())
    n1 = services.nomination_submit(actor=SYSTEM, nomination=n1)
    # A campaign in notice with 新格灌溉's nominee only, and one open objection.
    c2, a2 = open_campaign(tree, name="沛县工匠评选", kind="craftsman", quota=5)
    xg = join(tree.xinge_union, "李新格")
    n2 = shortlist(nominate(c2, a2, tree.xinge, xg))
    c2 = services.campaign_start_notice(actor=SYSTEM, campaign=c2, starts_on=TODAY)
    obj = services.objection_record(actor=SYSTEM, campaign=c2, content="反映事迹材料有夸大。", received_on=TODAY)
    # A decided campaign with an honour held by the outsider's member.
    c3, _a3 = new_campaign(tree, name="沛县文明职工评选", kind="civilized_worker")
    Campaign.objects.filter(pk=c3.pk).update(status="decided", decided_on=TODAY)
    c3.refresh_from_db()
    honour = services.honour_grant(
        actor=SYSTEM,
        person=hh,
        kind="civilized_worker",
        title="沛县文明职工",
        level="county",
        year=TODAY.year,
        issuer="沛县总工会",
        campaign=c3,
        certificate_no="T-0001",
    )
    assert Honour.objects.count() == 1
    world = World(c1, a1, n1, att, c2, n2, obj, rule, c3, honour, hh)
    tree._honours_world = world
    return world


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    """Files of each test in its own folder: DATA_DIR and the default storage (DATA_DIR/media)."""
    settings.DATA_DIR = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


@pytest.fixture
def world(tree):
    return build_world(tree)


@pytest.fixture
def docx_text():
    def read(content: bytes) -> str:
        from docx import Document

        doc = Document(io.BytesIO(content))
        parts = [p.text for p in doc.paragraphs]
        for table in doc.tables:
            for row in table.rows:
                parts.append(" | ".join(c.text for c in row.cells))
        return "\n".join(parts)

    return read
