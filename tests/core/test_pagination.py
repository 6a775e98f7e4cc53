"""Page numbers from the address bar: garbage gives the first page, past the end the last one,
and no number reaches the database as an OFFSET it cannot hold."""

import pytest
from django.test import RequestFactory

from gefeng.core.pagination import MAX_PAGE_NUMBER, page_number, paginate
from gefeng.orgs.models import OrgNode


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("3", 3),
        (" 2 ", 2),
        ("0", 1),
        ("-5", 1),
        ("abc", 1),
        ("1e9", 1),
        ("１２", 1),
        ("", 1),
        (None, 1),
        ("9223372036854775808", MAX_PAGE_NUMBER),
        ("9" * 5000, MAX_PAGE_NUMBER),
        (str(MAX_PAGE_NUMBER + 1), MAX_PAGE_NUMBER),
    ],
)
def test_page_number(raw, number):
    assert page_number(raw) == number


def test_a_page_past_the_end_answers_the_last_page(tree):
    qs = OrgNode.objects.order_by("path")
    total = qs.count()
    for raw in ("9223372036854775808", "50"):
        page = paginate(RequestFactory().get("/", {"page": raw, "size": "20"}), qs)
        assert page.number == 1 and len(page.rows) == total and not page.has_next


def test_html_lists_survive_huge_and_garbage_page_numbers(login_as):
    client = login_as("county")
    for raw in ("9223372036854775808", "abc", "-1", "%00"):
        response = client.get(f"/orgs/list/?page={raw}")
        assert response.status_code == 200, raw
