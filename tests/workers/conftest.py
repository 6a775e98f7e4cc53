from __future__ import annotations

import datetime as dt

import pytest

from gefeng.core.actors import SYSTEM

# Valid ID numbers (GB 11643 check digits) of the test members.


def _valid(first17: str) -> str:
    from gefeng.core.validators import id_check_char

    return first17 + id_check_char(first17)


WORKER_ID = _valid("32032219860718017")
OTHER_ID = _valid("32032219910402028")
OUTSIDER_ID = _valid("32032219900307002")


def join(union, name, number, phone="13852160017"):
    from gefeng.members import services

    return services.member_join(
        actor=SYSTEM,
        union=union,
        data={"name": name, "id_number": number, "phone": phone, "joined_on": dt.date(2019, 5, 1)},
    )


@pytest.fixture
def xinge_member(tree):
    return join(tree.xinge_union, "孙大伟", WORKER_ID)


@pytest.fixture
def henghui_member(tree):
    return join(tree.henghui_union, "王恒辉", OUTSIDER_ID, phone="13900001111")
