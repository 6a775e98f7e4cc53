"""Objects of the talent tests: people of the registry with honours and profiles.

`outsider_profile(tree)` is the profile of a labour model of the outsider's enterprise
(恒辉编织): the URL matrix points its object URLs at it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gefeng.core.actors import SYSTEM
from gefeng.core.validators import id_check_char


def make_id(birth: str = "19700101", seq: str = "001", region: str = "320322") -> str:
    body = region + birth + seq
    return body + id_check_char(body)


@pytest.fixture(autouse=True)
def default_categories(db):
    """The categories data migration 0002 makes, again: a flush by an earlier transactional test
    (on the same worker) removes migration data."""
    from gefeng.talent.services import ensure_default_categories

    ensure_default_categories()


_SEQ = {"n": 100}


def person(union: Any, *, name: str = "王劳模", job: str = "一线工人", birth: str = "19700101", **extra: Any):
    """A member of `union` (a fresh ID number each call)."""
    from gefeng.members import services

    _SEQ["n"] += 1
    data = {
        "name": name,
        "id_number": make_id(birth=birth, seq=f"{_SEQ['n'] % 1000:03d}"),
        "joined_on": dt.date(2005, 5, 1),
        "job_category": job,
    } | extra
    return services.member_join(actor=SYSTEM, union=union, data=data)


def honour(member: Any, *, level: str = "county", year: int = 2010, kind: str = "labour_model", **extra: Any):
    from gefeng.core.actors import SYSTEM
    from gefeng.honours import services

    titles = {
        "county": "沛县劳动模范",
        "city": "徐州市劳动模范",
        "provincial": "江苏省劳动模范",
        "national": "全国劳动模范",
    }
    return services.honour_grant(
        actor=SYSTEM,
        person=member,
        kind=kind,
        title=extra.pop("title", titles[level] if kind == "labour_model" else "沛县文明职工"),
        level=level,
        year=year,
        issuer=extra.pop("issuer", "沛县人民政府"),
        awarded_on=extra.pop("awarded_on", dt.date(year, 4, 28)),
        **extra,
    )


def outsider_profile(tree: Any):
    """The profile of a labour model of 恒辉编织 (made once per test)."""
    from gefeng.talent import services
    from gefeng.talent.models import TalentProfile

    found = TalentProfile.objects.filter(person__union=tree.henghui_union).first()
    if found is not None:
        return found
    member = person(tree.henghui_union, name="赵恒辉")
    honour(member)
    profile = TalentProfile.objects.get(person=member)
    return services.profile_bank_update(
        actor=SYSTEM,
        profile=profile,
        bank_holder="赵恒辉",
        bank_name="中国农业银行沛县支行",
        bank_account="6228480000111122223",
    )


@pytest.fixture
def xinge_model(tree):
    """A front-line county labour model of 新格灌溉 (龙固镇), with a profile and a bank account."""
    from gefeng.talent import services
    from gefeng.talent.models import TalentProfile

    member = person(tree.xinge_union, name="刘新格")
    honour(member)
    profile = TalentProfile.objects.get(person=member)
    return services.profile_bank_update(
        actor=SYSTEM,
        profile=profile,
        bank_holder="刘新格",
        bank_name="中国工商银行沛县支行",
        bank_account="6222020000333344445",
    )
