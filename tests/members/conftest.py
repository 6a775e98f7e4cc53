import datetime as dt

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
