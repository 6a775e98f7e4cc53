import datetime as dt
from typing import Any

import pytest

from gefeng.core.validators import id_check_char


def make_id(birth: str = "19900101", seq: str = "001", region: str = "320322") -> str:
    body = region + birth + seq
    return body + id_check_char(body)


@pytest.fixture
def person():
    """A valid member record; tests change fields as they need."""

    def make(**over):
        data = {
            "name": "张三",
            "id_number": make_id(),
            "phone": "13812345678",
            "joined_on": dt.date(2020, 5, 1),
            "job_category": "一线工人",
            "political_status": "群众",
            "education": "高中",
            "card_number": "",
        }
        return data | over

    return make


# ---------------------------------------------------------------- exports (test_export*.py)


def _client(user) -> Any:
    from django.test import Client

    from gefeng.accounts.models import UserSession

    client = Client()
    client.force_login(user)
    UserSession.objects.create(session_key=client.session.session_key, user=user)
    return client


@pytest.fixture
def client_for(personas):
    return lambda name: _client(personas[name])


@pytest.fixture
def registry(personas, tree, person):
    from gefeng.members import services

    zhang = services.member_join(
        actor=personas["chair"],
        union=tree.xinge_union,
        team=tree.xinge_team,
        data=person(skill_level="3", migrant=True, card_number="3203222000000001", ethnicity="汉族"),
    )
    li = services.member_join(
        actor=personas["chair"],
        union=tree.xinge_union,
        data=person(name="李四", id_number=make_id("19850315", "002"), phone="13900000001"),
    )
    lv = services.member_join(
        actor=personas["outsider"],
        union=tree.henghui_union,
        data=person(name="吕布", id_number=make_id("19880101", "009"), phone="13900000002"),
    )
    return {"张三": zhang, "李四": li, "吕布": lv}
