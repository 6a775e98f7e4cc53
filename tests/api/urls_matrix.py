from tests.matrix import ALL_PERSONAS, Case, ok

API_USERS = ok("sysadmin", "county", "liaison", "town", "chair", "outsider", "auditor")
# members.view through the API (the worker has no api.use; liaison and security no members.view).
MEMBER_READERS = ok("sysadmin", "county", "town", "chair", "outsider", "auditor")
MEMBER_WRITERS = ok("sysadmin", "county", "town", "chair", "outsider")
# Who sees the outsider's member (恒辉编织) and who may also change, reveal or import there.
SEES_HENGHUI = ok("sysadmin", "county", "auditor", "outsider")
CHANGES_HENGHUI = ok("sysadmin", "county", "outsider")

MATRIX = {
    "apitokens:token-list": Case(ok=API_USERS, methods=frozenset({"GET", "POST"})),
    "apitokens:token-revoke": Case(
        ok=ok("outsider", "sysadmin"),  # the token's owner, and the system administrator
        kwargs=lambda t, p: {"pk": _outsider_token(p)},
        methods=frozenset({"POST"}),
        success=frozenset({302}),
    ),
    "api:openapi-json": Case(ok=ALL_PERSONAS),
    "api:openapi-view": Case(ok=ALL_PERSONAS),
    "api:api-root": Case(ok=frozenset(), api=True, success=frozenset({404})),
    "api:me": Case(ok=API_USERS, api=True),
    "api:org-list": Case(ok=API_USERS, api=True),
    "api:org-detail": Case(
        ok=ok("sysadmin", "county", "auditor", "outsider"),
        api=True,
        kwargs=lambda t, p: {"org_id": t.henghui.pk},
    ),
    "api:org-update": Case(
        ok=ok("sysadmin", "county", "auditor", "outsider"),
        api=True,
        kwargs=lambda t, p: {"org_id": t.henghui.pk},
    ),
    "api:figures": Case(
        ok=ok("sysadmin", "county", "liaison", "town", "chair", "outsider"), api=True, kwargs=lambda t, p: {}
    ),
    "api:member-list": Case(ok=MEMBER_READERS, api=True),
    "api:member-create": Case(ok=MEMBER_READERS, api=True),
    "api:member-detail": Case(ok=SEES_HENGHUI, api=True, kwargs=lambda t, p: _member(t, p)),
    "api:member-update": Case(ok=SEES_HENGHUI, api=True, kwargs=lambda t, p: _member(t, p)),
    "api:member-memberships": Case(ok=SEES_HENGHUI, api=True, kwargs=lambda t, p: _member(t, p)),
    "api:member-reveal": Case(
        ok=CHANGES_HENGHUI,
        api=True,
        kwargs=lambda t, p: _member(t, p),
        methods=frozenset({"POST"}),
        data=lambda t, p: {"field": "id_number"},
    ),
    "api:import-list": Case(ok=MEMBER_WRITERS, api=True),
    "api:import-create": Case(ok=MEMBER_WRITERS, api=True),
    "api:import-detail": Case(ok=CHANGES_HENGHUI, api=True, kwargs=lambda t, p: _import(t, p)),
    "api:import-report": Case(ok=CHANGES_HENGHUI, api=True, kwargs=lambda t, p: _import(t, p)),
    "api:application-list": Case(ok=MEMBER_WRITERS, api=True, kwargs=lambda t, p: {"kind": "join"}),
    "api:application-detail": Case(ok=CHANGES_HENGHUI, api=True, kwargs=lambda t, p: _application(t, p)),
    "api:application-approve": Case(
        ok=CHANGES_HENGHUI, api=True, kwargs=lambda t, p: _application(t, p), methods=frozenset({"POST"})
    ),
    "api:application-reject": Case(
        ok=CHANGES_HENGHUI,
        api=True,
        kwargs=lambda t, p: _application(t, p),
        methods=frozenset({"POST"}),
        data=lambda t, p: {"reason": "信息不全"},
    ),
}


def _member(t, p) -> dict[str, int]:
    from tests.members.urls_matrix import _member as outsider_member

    return {"member_id": outsider_member(t, p)["pk"]}


def _import(t, p) -> dict[str, int]:
    """A finished import into the outsider's union with a report (the import pages' own case)."""
    from tests.members.import_urls_matrix import _job

    return {"import_id": _job(t, p)["pk"]}


def _application(t, p) -> dict[str, object]:
    """A correction request of the outsider's member (恒辉编织), pending at its union."""
    from tests.workers.urls_matrix import _correction

    return {"kind": "correction", "app_id": _correction(t, p)["pk"]}


def _outsider_token(personas) -> int:
    from gefeng.api import services

    token, _ = services.token_create(actor=personas["outsider"], name="对接")
    return token.pk
