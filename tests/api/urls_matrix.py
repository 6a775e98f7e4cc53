from tests.matrix import ALL_PERSONAS, Case, ok

API_USERS = ok("sysadmin", "county", "liaison", "town", "chair", "outsider", "auditor")

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
}


def _outsider_token(personas) -> int:
    from gefeng.api import services

    token, _ = services.token_create(actor=personas["outsider"], name="对接")
    return token.pk
