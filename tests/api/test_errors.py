"""Every answer of the API is JSON — errors included — and what it refuses is what its OpenAPI
document says it refuses."""

import json

import pytest
from django.test import Client, override_settings

from gefeng.orgs.models import OrgNode
from tests.api.test_api import bearer

JSON = "application/json"


def _error(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith(JSON)
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert not any("a" <= ch.lower() <= "z" for ch in body["detail"].replace("JSON", "")), body["detail"]
    return body


def test_401_is_json_with_a_bearer_challenge(db):
    response = Client().get("/api/v1/orgs")
    _error(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_403_404_and_unknown_paths_are_json(personas, tree):
    _error(bearer(personas, "auditor").patch(f"/api/v1/orgs/{tree.henghui.pk}", {}, content_type=JSON), 403)
    town = bearer(personas, "town")
    _error(town.get(f"/api/v1/orgs/{tree.henghui.pk}"), 404)
    _error(town.get("/api/v1/no-such-thing"), 404)
    _error(town.get("/api/v1/"), 404)
    _error(Client().get("/api/nowhere"), 404)
    _error(town.get("/api/v1/orgs/abc"), 404)


def test_405_is_json_and_names_the_allowed_methods(personas, tree):
    response = bearer(personas, "county").delete(f"/api/v1/orgs/{tree.xinge.pk}")
    _error(response, 405)
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "PATCH"}


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_413_is_json(personas, tree):
    body = json.dumps({"address": "长" * 2000})
    _error(bearer(personas, "chair").patch(f"/api/v1/orgs/{tree.xinge.pk}", body, content_type=JSON), 413)


def test_unparseable_json_is_a_json_400(personas, tree):
    _error(bearer(personas, "chair").patch(f"/api/v1/orgs/{tree.xinge.pk}", "{name:", content_type=JSON), 400)


def test_a_server_error_is_a_json_500_without_the_exception_text(personas, tree, monkeypatch):
    from gefeng.orgs import services

    def boom(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services, "orgnode_update", boom)
    client = bearer(personas, "chair")
    client.raise_request_exception = False
    response = client.patch(f"/api/v1/orgs/{tree.xinge.pk}", {"name": "新名"}, content_type=JSON)
    body = _error(response, 500)
    assert "secret" not in response.content.decode() and "Traceback" not in response.content.decode()
    assert "errors" not in body


def test_django_handlers_answer_json_under_the_api_and_html_elsewhere(rf):
    from gefeng.api import errors

    api = errors.handler500(rf.get("/api/v1/orgs"))
    assert api.status_code == 500 and api["Content-Type"].startswith(JSON)
    for path in ("/orgs/nowhere/", "/api/tokens/999/revoke/"):
        page = errors.handler404(rf.get(path))
        assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "payload",
    [
        {"name": None},
        {"code": None},
        {"industry": None},
        {"address": None},
        {"name": "   "},
        {"name": "x" * 101},
        {"name": "a\x00b"},
        {"industry": "ZZ"},
        {"ownership": "nonsense"},
        {"employee_count": -1},
        {"employee_count": 2**31},
        {"employee_count": "12"},
        {"employee_count": True},
        {"union_founded_on": 0},
        {"union_founded_on": "2020-13-01"},
        {"colour": "red"},
        [{"name": "数组"}],
        "字符串",
    ],
)
def test_invalid_bodies_are_refused_with_chinese_field_errors(personas, tree, payload):
    before = OrgNode.objects.get(pk=tree.xinge.pk)
    response = bearer(personas, "chair").patch(f"/api/v1/orgs/{tree.xinge.pk}", json.dumps(payload), content_type=JSON)
    body = _error(response, 422)
    assert body["errors"] and all(isinstance(v, list) and v for v in body["errors"].values())
    after = OrgNode.objects.get(pk=tree.xinge.pk)
    assert (after.name, after.code, after.industry, after.employee_count) == (
        before.name,
        before.code,
        before.industry,
        before.employee_count,
    )


def test_patch_changes_only_the_given_fields_and_null_clears_the_nullable_ones(personas, tree):
    client = bearer(personas, "chair")
    url = f"/api/v1/orgs/{tree.xinge.pk}"
    response = client.patch(url, {"employee_count": None, "address": ""}, content_type=JSON)
    assert response.status_code == 200
    body = response.json()
    assert body["employee_count"] is None and body["name"] == "徐州新格灌溉设备有限公司"
    assert client.patch(url, {}, content_type=JSON).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "page=9223372036854775808",
        "page=0",
        "page=abc",
        "size=0",
        "size=201",
        "parent=9223372036854775808",
        "parent=-1",
        "kind=planet",
        "q=%00",
    ],
)
def test_out_of_range_and_garbage_queries_are_422(personas, tree, query):
    _error(bearer(personas, "county").get(f"/api/v1/orgs?{query}"), 422)


def test_huge_ids_are_refused_not_overflowed(personas, tree):
    client = bearer(personas, "county")
    _error(client.get("/api/v1/orgs/9223372036854775808"), 422)
    _error(client.patch("/api/v1/orgs/9223372036854775808", {}, content_type=JSON), 422)
    _error(client.get("/api/v1/figures?org=9223372036854775808"), 422)
    _error(client.get("/api/v1/figures?year=99999"), 422)


def test_the_last_possible_page_is_an_empty_page(personas, tree):
    body = bearer(personas, "county").get("/api/v1/orgs?page=100000&size=200").json()
    assert body == {"items": [], "page": 100000, "has_next": False, "next": None}


def test_every_operation_documents_its_error_codes_in_chinese(login_as):
    schema = login_as("county").get("/api/v1/openapi.json").json()
    patch = schema["paths"]["/api/v1/orgs/{org_id}"]["patch"]
    assert {"200", "400", "401", "403", "404", "413", "422", "500"} <= set(patch["responses"])
    for item in schema["paths"].values():
        for operation in item.values():
            for status, response in operation["responses"].items():
                assert not response["description"].isascii(), (status, response["description"])
                if status != "200":
                    assert response["content"][JSON]["schema"] == {"$ref": "#/components/schemas/Error"}
    body = schema["components"]["schemas"]["OrgPatch"]
    assert body["additionalProperties"] is False
    assert body["properties"]["name"]["type"] == "string"  # not nullable: null is refused
    assert "anyOf" in body["properties"]["employee_count"]  # nullable: null clears it
