"""No page's query count grows with its rows.

Each list page is rendered, the data under it grows (members joined, enterprises with unions
founded, the audit entries that every write adds), and the page is rendered again: the number of
queries must be the same. A page that loads a relation per row, or checks a permission per row,
fails here long before it is slow on the county's 57,000 members.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gefeng.members import services as member_services
from gefeng.orgs import services as org_services
from gefeng.orgs.models import Kind
from tests.members.conftest import make_id

pytestmark = pytest.mark.django_db

# (persona, page, whether the page lists the rows that grow — then it must show more of them)
PAGES = [
    ("county", "/members/", True),
    ("chair", "/members/", True),
    ("town", "/members/?q=%E5%BC%A0", True),  # 张
    ("county", "/members/?status=active&job_category=%E4%B8%80%E7%BA%BF%E5%B7%A5%E4%BA%BA", True),
    ("county", "/orgs/list/", True),
    ("town", "/orgs/list/?kind=enterprise", True),
    ("county", "/members/coverage/", True),
    ("auditor", "/audit/", True),
    ("security", "/accounts/users/", False),
    ("worker", "/", False),
    ("county", "/", False),
]

_serial = iter(range(100, 999))


def _grow(tree, personas, rounds: int) -> None:
    """Members in both enterprises of the town, and a new enterprise with a union, per round."""
    for _ in range(rounds):
        n = next(_serial)
        member_services.member_join(
            actor=personas["chair"],
            union=tree.xinge_union,
            data={
                "name": f"张{'伟芳娜敏静'[n % 5]}{'一二三四五六七'[n % 7]}",
                "id_number": make_id(birth=f"1990{1 + n % 12:02d}{1 + n % 28:02d}", seq=f"{n:03d}"),
                "phone": f"1381234{n:04d}",
                "joined_on": dt.date(2021, 5, 1),
                "job_category": "一线工人",
            },
        )
        ent = org_services.orgnode_create(
            actor=personas["county"],
            parent=tree.longgu,
            kind=Kind.ENTERPRISE,
            name=f"徐州测试{n}机械有限公司",
            employee_count=30 + n,
        )
        org_services.orgnode_create(
            actor=personas["county"], parent=ent, kind=Kind.UNION, name=f"徐州测试{n}机械有限公司工会委员会"
        )


def _count(client, url: str) -> tuple[int, int]:
    """(queries, rows of tables) of one rendering of the page."""
    client.get(url)  # the first request fills per-process caches (menus, settings)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), response.content.count(b"<tr")


@pytest.mark.parametrize(("persona", "url", "lists_them"), PAGES)
def test_queries_do_not_grow_with_rows(persona, url, lists_them, tree, personas, login_as):
    client = login_as(persona)
    _grow(tree, personas, 2)
    before, rows_before = _count(client, url)
    _grow(tree, personas, 6)
    after, rows_after = _count(client, url)
    assert after == before, f"{url} as {persona}: {before} queries with fewer rows, {after} with more"
    if lists_them:
        assert rows_after > rows_before, f"{url} as {persona}: the page did not show the new rows"
