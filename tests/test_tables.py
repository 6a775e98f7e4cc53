"""Every list behaves the same: total, page sizes, jump to page, a collapsible filter block; and
every HTML page links the print stylesheet.

The walk opens every GET URL of the URL × role matrix as a persona it allows (preferring the
county officer, whose lists are the longest), so a new list or page is checked without being
named here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gefeng.core import pagination
from gefeng.core.pagination import Page, count_total, paginate
from gefeng.orgs.models import OrgNode
from tests.test_query_counts import _grow
from tests.test_url_permissions import MATRIX

pytestmark = pytest.mark.django_db

PREFERRED = ("county", "sysadmin", "auditor", "security", "town", "liaison", "chair", "outsider", "worker")


def _list_templates() -> set[str]:
    """Templates that show a paginated list (they include the pagination block)."""
    root = Path(__file__).parents[1] / "src" / "gefeng"
    out = set()
    for path in root.rglob("templates/**/*.html"):
        if "includes/pagination.html" in path.read_text(encoding="utf-8"):
            out.add(str(path).split("/templates/", 1)[1])
    return out


def _walk(tree, personas, login_as):
    """(name, url, response) for every GET page of the matrix, as the first allowed persona."""
    clients = {}
    for name, case in sorted(MATRIX.items()):
        if case.api or case.public or "GET" not in case.methods or not case.ok:
            continue
        persona = next(p for p in PREFERRED if p in case.ok)
        client = clients.get(persona) or clients.setdefault(persona, login_as(persona))
        cached = set(vars(tree))
        with transaction.atomic():  # each case builds its objects afresh, as in the walk
            url = reverse(name, kwargs=case.kwargs(tree, personas))
            response = client.get(url)
            yield name, url, response
            transaction.set_rollback(True)
        for key in set(vars(tree)) - cached:  # objects the case built and cached are gone
            delattr(tree, key)


def test_every_list_has_total_size_and_jump_and_every_page_links_print_css(tree, personas, login_as):
    lists_seen: set[str] = set()
    rendered: set[str] = set()
    html_pages = 0
    outside: list[str] = []
    for name, url, response in _walk(tree, personas, login_as):
        assert response.status_code < 500, (name, url, response.status_code)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        body = response.content.decode()
        if "<html" not in body or name.startswith("api:"):
            continue  # an htmx fragment, or the API's own documentation page
        html_pages += 1
        rendered |= {t.name for t in response.templates if t.name}
        if "workers/base.html" in {t.name for t in response.templates}:
            continue  # the worker's phone shell: no office print layout, no back-office tables
        assert re.search(r'<link rel="stylesheet" href="[^"]*/gefeng/print\.css" media="print">', body), name
        assert 'data-testid="print-header"' in body, name
        page = response.context.get("page") if response.context else None
        if not isinstance(page, Page):
            continue
        if 'data-testid="pagination"' not in body:
            continue  # a page with a Page it shows in its own way (e.g. the worker's own record)
        lists_seen |= {t.name for t in response.templates if t.name}
        assert 'data-testid="page-size"' in body, name
        assert 'data-testid="page-jump"' in body, name
        assert 'data-testid="page-total"' in body, name
        for size in pagination.PAGE_SIZES:
            assert f'<option value="{size}"' in body, (name, size)
        if page.rows:
            assert page.total is not None and page.total.label in body, name
        if '<form method="get"' in body.split('data-testid="pagination"')[0] and "gf-filter-block" not in body:
            outside.append(name)
    assert not outside, f"filter forms outside the collapsible filter block: {outside}"
    assert html_pages > 50
    assert len(lists_seen & _list_templates()) >= 12, sorted(lists_seen)
    missing = _list_templates() - rendered  # (a list with no rows may show no paging at all)
    assert not missing, f"list templates the walk never rendered: {sorted(missing)}"


def test_page_size_and_filters_stay_in_the_query_string(login_as):
    client = login_as("county")
    response = client.get("/orgs/list/", {"size": "50", "kind": "enterprise"})
    body = response.content.decode()
    page = response.context["page"]
    assert page.size == 50 and page.filtered
    assert '<option value="50" selected>' in body
    # the jump form repeats the filter, not the paging
    assert '<input type="hidden" name="kind" value="enterprise">' in body
    assert '<input type="hidden" name="page"' not in body
    # the filter form keeps the size, and the filter block is open
    assert '<input type="hidden" name="size" value="50">' in body
    assert re.search(r'<details class="gf-filter-block" open', body)
    # without a filter the block is closed
    body = client.get("/orgs/list/").content.decode()
    assert re.search(r'<details class="gf-filter-block" data-testid', body)
    # a size that is not offered is the default one
    assert client.get("/orgs/list/", {"size": "100000"}).context["page"].size == 20


def test_jump_to_page_and_page_links(tree, rf):
    qs = OrgNode.objects.order_by("path")
    total = qs.count()
    assert total > 3
    page = paginate(rf.get("/", {"page": "2", "size": "20"}), qs)
    assert page.number == 1  # only one page of 20: the jump is clamped without a second query
    page = paginate(rf.get("/", {"page": "3"}), qs, count_limit=total)
    assert page.total.exact and page.total.count == total and page.num_pages == 1
    assert page.links == [(1, "?page=1")]


def test_bounded_count_is_exact_below_the_limit_and_never_counts_past_it(tree, monkeypatch):
    qs = OrgNode.objects.order_by("path")
    total = qs.count()
    exact = count_total(qs, limit=total)
    assert exact.exact and exact.count == total and exact.label == f"共 {total:,} 条"
    with CaptureQueriesContext(connection) as queries:
        over = count_total(qs, limit=3)
    assert not over.exact
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert counts and all(re.search(r"LIMIT 4\b", sql) for sql in counts), counts
    if connection.vendor == "postgresql":
        assert any(q["sql"].startswith("EXPLAIN") for q in queries)
        assert over.count is None or over.count > 3
    else:
        assert over.count is None and over.label == "超过 3 条"
    monkeypatch.setattr(pagination, "estimate_rows", lambda qs: 1_023_456)
    estimated = count_total(qs, limit=3)
    assert not estimated.exact and estimated.label == "约 1,020,000 条"
    monkeypatch.setattr(pagination, "estimate_rows", lambda qs: 2)  # a stale estimate below what was counted
    assert count_total(qs, limit=3).label == "超过 3 条"


def test_the_planner_estimate_is_postgresql_s_and_close_to_the_count(tree):
    qs = OrgNode.objects.all()
    if connection.vendor != "postgresql":
        assert pagination.estimate_rows(qs) is None  # SQLite has no row estimate to offer
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orgs_orgnode")
    assert pagination.estimate_rows(qs) == qs.count()  # a small table, just analysed: exact


def test_a_query_the_planner_refuses_gives_no_estimate_and_leaves_the_page_working(tree, monkeypatch):
    qs = OrgNode.objects.all()
    monkeypatch.setattr(type(qs.query), "sql_with_params", lambda self: ("SELECT * FROM no_such_table", ()))
    assert pagination.estimate_rows(qs) is None
    monkeypatch.undo()
    assert OrgNode.objects.filter(pk=tree.county.pk).exists()  # the transaction is still usable


def test_the_largest_lists_show_an_estimate_labelled_as_such(tree, personas, login_as, monkeypatch):
    _grow(tree, personas, 3)  # members joined, and the audit entries of it
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 2)
    monkeypatch.setattr(pagination, "estimate_rows", lambda qs: 57_321)
    for persona, url in (("county", "/members/"), ("auditor", "/audit/")):
        response = login_as(persona).get(url)
        page = response.context["page"]
        assert page.rows and not page.total.exact, url
        assert "约 57,300 条" in response.content.decode(), url
        assert page.num_pages is None
