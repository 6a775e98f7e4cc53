"""Property-based run of the whole OpenAPI document against the platform itself (schemathesis):
valid and invalid requests generated from the schema the API serves, each answer checked —
never a server error, only documented status codes and content types, bodies that match the
documented schemas, invalid input refused, valid input accepted.

Deterministic (derandomised, no example database) and bounded, so it runs in seconds within
the ordinary suite. The token is a town officer's (龙固镇, as in the demo county); about half of
the generated organisation, member and import ids are replaced with real ones (inside and outside
the officer's scope), so that reads and writes reach the services and the data scope instead of
answering 404 only.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis 未安装（开发依赖）：跳过接口模糊测试")

import hypothesis  # noqa: E402
from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.config import SchemathesisConfig  # noqa: E402
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

from gefeng.api import services  # noqa: E402
from gefeng.api.types import MAX_ID  # noqa: E402
from gefeng.core.actors import SYSTEM  # noqa: E402

MAX_EXAMPLES = 25
PERSONA = "town"
# Valid input may still break a rule the schema cannot state: 422 on these fields only. Orgs: a
# code's check digit, a code already used, a founding date after today, a name of spaces only.
# Members: a name of 2–20 汉字, an ID number's check digit, a mobile number, a join date after
# today or before the age of 16, a card number already used, a union or team out of scope.
# Lists: a cursor the platform did not sign. Imports: a union out of scope, an empty file.
BUSINESS_RULE_FIELDS = {
    "/api/v1/orgs/{org_id}": {"code", "name", "union_founded_on"},
    "/api/v1/orgs": {"cursor"},
    "/api/v1/members": {"cursor", "union", "team", "name", "id_number", "phone", "joined_on", "card_number"},
    "/api/v1/members/{member_id}": {"team", "name", "phone", "joined_on", "card_number"},
    "/api/v1/imports": {"cursor", "union", "file"},
    # Applications: a cursor the platform did not sign; deciding one already decided, or a
    # reason of spaces only.
    "/api/v1/applications/{kind}": {"cursor"},
    "/api/v1/applications/{kind}/{app_id}/approve": {"__all__"},
    "/api/v1/applications/{kind}/{app_id}/reject": {"__all__", "reason"},
}


@pytest.fixture
def api_schema(login_as, personas, tree, settings):
    from gefeng.wsgi import application

    settings.DEBUG = False
    # The document as the platform serves it (to logged-in users), run against the WSGI app.
    document = login_as("county").get("/api/v1/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document, config=SchemathesisConfig())
    schema.app = application
    # The token is sent with every request (a missing or wrong token is tested in test_api.py);
    # query parameters the document does not name are ignored, as HTTP services do.
    schema.config.generation.update(with_security_parameters=False, allow_extra_parameters=False)
    _, token = services.token_create(actor=personas[PERSONA], name="接口模糊测试")
    schema.test_token = token  # type: ignore[attr-defined]
    schema.test_ids = _real_ids(tree)  # type: ignore[attr-defined]
    # The WSGI handler closes the database connection after each request, which would end the
    # test's transaction; Django's test client keeps it open the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schema
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _real_ids(tree) -> dict[str, list[int]]:
    """Real ids per path parameter: in the officer's scope (新格灌溉) and outside it (恒辉编织)."""
    import datetime as dt

    from gefeng.members import services as member_services
    from gefeng.members.models import ImportJob, ImportStatus

    members = [
        member_services.member_join(
            actor=SYSTEM,
            union=union,
            data={"name": name, "id_number": number, "phone": "13900001111", "joined_on": dt.date(2020, 5, 1)},
        ).pk
        for union, name, number in (
            (tree.xinge_union, "李新格", "320322199003070013"),
            (tree.henghui_union, "王恒辉", "320322199105050013"),
        )
    ]
    jobs = [
        ImportJob.objects.create(
            union=union, filename="花名册.xlsx", stored="", status=ImportStatus.DONE, result={"rows": 0}
        ).pk
        for union in (tree.xinge_union, tree.henghui_union)
    ]
    orgs = [n.pk for n in (tree.longgu, tree.xinge, tree.xinge_union, tree.xinge_team, tree.henghui, tree.county)]
    apps = _applications(tree, members)
    return {"org_id": orgs, "member_id": members, "import_id": jobs, "app_id": apps}


def _applications(tree, members) -> list[int]:
    """Pending correction requests and join applications, in and out of the officer's scope."""
    import datetime as dt

    from gefeng.accounts.models import User
    from gefeng.core import pii
    from gefeng.workers.models import CorrectionRequest, JoinApplication

    due = dt.date.today() + dt.timedelta(days=10)
    worker = User.objects.create_user("fuzz-worker", password=None, name="职工")
    out = []
    for union, member in zip((tree.xinge_union, tree.henghui_union), members, strict=True):
        out.append(
            CorrectionRequest.objects.create(
                user=worker, member_id=member, union=union, field="occupation", value="钳工", due_on=due
            ).pk
        )
        number = "320322199206060018" if union == tree.xinge_union else "320322199307070012"
        out.append(
            JoinApplication.objects.create(
                user=worker,
                name="申请人",
                id_number=number,
                id_hash=pii.blind_index(number),
                phone="13900002222",
                town=union.parent.parent,
                employer=union.parent,
                employer_name=union.parent.name,
                union=union,
                due_on=due,
            ).pk
        )
    return out


def _run(operation, mode, *, token, ids):
    @hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        for name, real in ids.items():
            value = (case.path_parameters or {}).get(name)
            if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID and value % 2 == 0:
                case.path_parameters[name] = real[value // 2 % len(real)]
        headers = {"Authorization": f"Bearer {token}"}
        allowed = BUSINESS_RULE_FIELDS.get(operation.path)
        if allowed:
            response = case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
            if mode == GenerationMode.POSITIVE and response.status_code == 422:
                assert set(response.json()["errors"]) <= allowed, response.json()
        else:
            case.call_and_validate(headers=headers)

    run()


def test_api_conforms_to_its_openapi_document(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {f"{op.method.upper()} {op.path}" for op in operations} >= {
        "GET /api/v1/me",
        "GET /api/v1/orgs",
        "GET /api/v1/orgs/{org_id}",
        "PATCH /api/v1/orgs/{org_id}",
        "GET /api/v1/figures",
        "GET /api/v1/members",
        "POST /api/v1/members",
        "GET /api/v1/members/{member_id}",
        "PATCH /api/v1/members/{member_id}",
        "POST /api/v1/members/{member_id}/reveal",
        "GET /api/v1/members/{member_id}/memberships",
        "GET /api/v1/imports",
        "POST /api/v1/imports",
        "GET /api/v1/imports/{import_id}",
        "GET /api/v1/imports/{import_id}/report",
        "GET /api/v1/applications/{kind}",
        "GET /api/v1/applications/{kind}/{app_id}",
        "POST /api/v1/applications/{kind}/{app_id}/approve",
        "POST /api/v1/applications/{kind}/{app_id}/reject",
    }
    for operation in operations:
        _run(operation, GenerationMode.POSITIVE, token=api_schema.test_token, ids=api_schema.test_ids)
        try:
            _run(operation, GenerationMode.NEGATIVE, token=api_schema.test_token, ids=api_schema.test_ids)
        except hypothesis.errors.Unsatisfiable:
            # Nothing to make invalid: an operation without parameters or body (GET /me).
            assert operation.path == "/api/v1/me"
