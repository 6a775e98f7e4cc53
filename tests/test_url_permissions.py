"""Walk every URL pattern with every persona: no view without a permission check, no leak.

For each URL: anonymous visitors are sent to the login page (unless the URL is public); the
personas the matrix allows get success; every other persona gets 403 or 404; methods a view
does not accept give 405; and no page shown to a persona outside the outsider's scope contains
the outsider's name.
"""

from __future__ import annotations

import copy
import importlib
import json
import pkgutil
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from tests.conftest import OUTSIDER_MARK, PERSONAS
from tests.matrix import ALL_PERSONAS, SEES_OUTSIDER, Case, foreign_ids, outsider_footprint

SKIP_PREFIXES = ("static/",)


def _collect(resolver: URLResolver | None = None, namespace: str = "", prefix: str = "") -> dict[str, str]:
    resolver = resolver or get_resolver()
    out: dict[str, str] = {}
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            out |= _collect(p, ns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and p.name:
            out[f"{namespace}{p.name}"] = prefix + str(p.pattern)
    return out


def _matrix() -> dict[str, Case]:
    cases: dict[str, Case] = {}
    for info in pkgutil.walk_packages(tests.__path__, "tests."):
        if info.name.endswith("urls_matrix"):
            cases |= importlib.import_module(info.name).MATRIX
    return cases


URLS = {k: v for k, v in _collect().items() if not v.startswith(SKIP_PREFIXES)}
MATRIX = _matrix()


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker):
    """The tree, the personas and one session each, logged in through the real login page, built
    once for the module (on each xdist worker) as Django's setUpTestData does: in a transaction
    rolled back when the module ends. Every test runs inside it in its own savepoint (the `db`
    fixture), so what a request writes is gone before the next test."""
    from django.conf import settings
    from django.db import transaction

    from tests.conftest import PASSWORD, _build_tree, _make_personas

    with django_db_blocker.unblock(), transaction.atomic():
        tree = _build_tree()
        users = _make_personas(tree)
        sessions = {}
        for name in users:
            client = Client()
            response = client.post("/accounts/login/", {"username": name, "password": PASSWORD})
            assert response.status_code == 302, f"login of {name} failed: {response.status_code}"
            sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield tree, users, sessions
        transaction.set_rollback(True)


@pytest.fixture
def tree(_world, db):
    from django.core.cache import cache

    cache.clear()  # nothing a previous test's request cached survives its rollback
    return copy.deepcopy(_world[0])


@pytest.fixture
def personas(_world, tree):
    return copy.deepcopy(_world[1])


@pytest.fixture
def login_as(_world, personas):
    """A client with the persona's session from the module's logins."""
    from django.conf import settings

    def make(name: str) -> Client:
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = _world[2][name]
        return client

    return make


def _token_for(user) -> str:
    """A bearer token for any persona, made directly (the service refuses users without api.use,
    whose tokens the API must then refuse)."""
    import datetime as dt

    from django.utils import timezone

    from gefeng.api.models import ApiToken
    from gefeng.api.services import _digest

    text = f"gf_walk_{user.username}"
    ApiToken.objects.get_or_create(
        digest=_digest(text),
        defaults={
            "user": user,
            "name": "walk",
            "prefix": text[:10],
            "expires_at": timezone.now() + dt.timedelta(days=1),
        },
    )
    return text


def test_every_url_has_a_case():
    missing = sorted(set(URLS) - set(MATRIX))
    assert not missing, f"URLs without a permission case in tests/<app>/urls_matrix.py: {missing}"
    stale = sorted(set(MATRIX) - set(URLS))
    assert not stale, f"cases for URLs that no longer exist: {stale}"


def test_matrix_names_known_personas():
    assert set(PERSONAS) == ALL_PERSONAS
    for name, case in MATRIX.items():
        assert case.ok <= ALL_PERSONAS, name


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous(name, tree, personas, client):
    case = MATRIX[name]
    url = reverse(name, kwargs=case.kwargs(tree, personas))
    method = "get" if "GET" in case.methods else "post"
    response = getattr(client, method)(url)
    if case.api:
        # 404 only for the API's empty root, which answers nobody.
        assert response.status_code in ({401} if case.ok else {401, 404}), (name, response.status_code)
    elif case.public:
        assert response.status_code in case.success | {200, 302}
    else:
        assert response.status_code == 302, (name, response.status_code)
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", sorted(ALL_PERSONAS))
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_persona(name, persona, tree, personas, login_as):
    case = MATRIX[name]
    url = reverse(name, kwargs=case.kwargs(tree, personas))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {_token_for(personas[persona])}") if case.api else login_as(persona)
    method = "get" if "GET" in case.methods else "post"
    if method == "get":
        response = client.get(url)
    elif case.api:
        response = client.generic(method.upper(), url, json.dumps(case.data(tree, personas)), "application/json")
    else:
        response = client.post(url, case.data(tree, personas))
    if case.api and persona not in case.ok:
        assert response.status_code in (401, 403, 404), (name, persona, response.status_code)
    elif case.public and persona not in case.ok:
        pass  # public pages (the login page) may redirect a logged-in user anywhere
    elif persona in case.ok:
        assert response.status_code in case.success, (name, persona, response.status_code)
    else:
        assert response.status_code in (403, 404), (name, persona, response.status_code)
    if persona not in SEES_OUTSIDER and response.status_code == 200:
        raw = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
        body = raw.decode("utf-8", "replace")
        assert OUTSIDER_MARK not in body, f"{name} shows the outsider's data to {persona}"
    for other in {"GET", "POST", "PUT", "DELETE"} - set(case.methods):
        if persona in case.ok and not case.api:
            r = client.generic(other, url)
            assert r.status_code == 405, (name, persona, other, r.status_code)
    if persona in case.ok and persona not in SEES_OUTSIDER and not case.api and not case.public:
        _send_foreign_ids(name, persona, case, url, client, tree, personas)


def _send_foreign_ids(name, persona, case, url, client, tree, personas):
    """The outsider's ids in the query string and in the form body: never listed, created or
    changed for a persona whose scope excludes the outsider."""
    ids = foreign_ids(tree, personas)
    actor = personas[persona]
    before = outsider_footprint(tree, actor)
    responses = []
    if "GET" in case.methods:
        responses.append(client.get(url, ids))
    if "POST" in case.methods:
        data = ids | case.data(tree, personas) | case.foreign(tree, personas)
        responses.append(client.post(f"{url}?{urlencode(ids)}", data))
    for r in responses:
        assert r.status_code < 500, (name, persona, r.status_code)
        if r.status_code == 200:
            raw = b"".join(r.streaming_content) if getattr(r, "streaming", False) else r.content
            body = raw.decode("utf-8", "replace")
            assert OUTSIDER_MARK not in body, f"{name} shows the outsider's data to {persona} for foreign ids"
    assert outsider_footprint(tree, actor) == before, f"{name}: foreign ids from {persona} changed the outsider's data"


def test_the_footprint_sees_a_write_to_the_outsider(tree, personas):
    """The foreign-id walk is not vacuous: a member joining, or one moving, changes the footprint."""
    from gefeng.members import services
    from gefeng.members.models import Member

    before = outsider_footprint(tree)
    assert foreign_ids(tree, personas)["person"]  # made the outsider's member
    made = outsider_footprint(tree)
    assert made != before
    member = Member.objects.get(pk=foreign_ids(tree, personas)["member"])
    services.member_update(actor=personas["county"], member=member, data={"occupation": "挡车工"})
    assert outsider_footprint(tree) != made
