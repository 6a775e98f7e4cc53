import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from gefeng.api import services
from gefeng.api.models import ApiToken
from gefeng.core.models import AuditEntry
from gefeng.orgs.models import OrgNode


def bearer(personas, name):
    _, text = services.token_create(actor=personas[name], name="测试")
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


def test_token_is_shown_once_and_stored_as_a_digest(personas):
    token, text = services.token_create(actor=personas["town"], name="市总对接")
    assert text.startswith("gf_") and len(text) > 40
    assert token.digest != text and text not in token.digest
    assert AuditEntry.objects.filter(action="api.token.created", object_id=str(token.pk)).exists()


def test_roles_without_the_api_permission_cannot_make_tokens(personas):
    for name in ("security", "worker"):
        with pytest.raises(PermissionDenied):
            services.token_create(actor=personas[name], name="x")


def test_token_needs_a_name_and_a_sane_lifetime(personas):
    with pytest.raises(ValidationError) as exc:
        services.token_create(actor=personas["town"], name=" ", days=400)
    assert "name" in exc.value.message_dict


def test_missing_wrong_expired_and_revoked_tokens_get_401(personas):
    assert Client().get("/api/v1/me").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer gf_nonsense").get("/api/v1/me").status_code == 401
    token, text = services.token_create(actor=personas["town"], name="x")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    assert client.get("/api/v1/me").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/me").status_code == 401
    token2, text2 = services.token_create(actor=personas["town"], name="y")
    services.token_revoke(actor=personas["town"], token=token2)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {text2}").get("/api/v1/me").status_code == 401


def test_token_of_a_disabled_user_is_refused(personas):
    client = bearer(personas, "chair")
    personas["chair"].is_active = False
    personas["chair"].save()
    assert client.get("/api/v1/me").status_code == 401


def test_api_lists_only_the_users_scope(personas, tree):
    body = bearer(personas, "town").get("/api/v1/orgs?size=200").json()
    names = {item["name"] for item in body["items"]}
    assert "徐州新格灌溉设备有限公司" in names and "龙固镇" in names
    assert not any("恒辉" in n for n in names)
    county = bearer(personas, "county").get("/api/v1/orgs?size=200").json()
    assert any("恒辉" in item["name"] for item in county["items"])


def test_api_hides_outsiders_and_forbids_readers(personas, tree):
    assert bearer(personas, "town").get(f"/api/v1/orgs/{tree.henghui.pk}").status_code == 404
    auditor = bearer(personas, "auditor")
    assert auditor.get(f"/api/v1/orgs/{tree.henghui.pk}").status_code == 200
    response = auditor.patch(f"/api/v1/orgs/{tree.henghui.pk}", {"name": "改"}, content_type="application/json")
    assert response.status_code == 403
    assert OrgNode.objects.get(pk=tree.henghui.pk).name == "徐州恒辉编织机械有限公司"


def test_api_writes_go_through_the_service_and_are_audited(personas, tree):
    client = bearer(personas, "chair")
    response = client.patch(f"/api/v1/orgs/{tree.xinge.pk}", {"employee_count": 333}, content_type="application/json")
    assert response.status_code == 200 and response.json()["employee_count"] == 333
    entry = AuditEntry.objects.get(action="orgs.node.updated", object_id=str(tree.xinge.pk))
    assert entry.source == "api" and entry.actor_id == personas["chair"].pk
    assert entry.changes["employee_count"] == {"old": 320, "new": 333}


def test_api_validation_errors_are_chinese_and_change_nothing(personas, tree):
    client = bearer(personas, "chair")
    response = client.patch(
        f"/api/v1/orgs/{tree.xinge.pk}", {"code": "91320322710000005D"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "校验位" in "".join(response.json()["errors"]["code"])
    assert OrgNode.objects.get(pk=tree.xinge.pk).code == "91320322710000005C"


def test_api_figures_for_a_visible_org(personas, tree):
    body = bearer(personas, "town").get(f"/api/v1/figures?year=2026&org={tree.longgu.pk}").json()
    assert body["figures"]["enterprises"] == 1 and body["figures"]["unions"] == 1
    assert bearer(personas, "town").get(f"/api/v1/figures?year=2026&org={tree.yangtun.pk}").status_code == 404


def test_openapi_document_is_served_locally(personas, login_as):
    client = login_as("county")
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/orgs" in schema["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in docs.lower() and "/static/ninja/" in docs


def test_token_pages(personas, login_as):
    client = login_as("town")
    response = client.post("/api/tokens/", {"name": "数据对接", "days": 30})
    assert response.status_code == 200 and "gf_" in response.content.decode()
    token = ApiToken.objects.get(user=personas["town"])
    other = login_as("chair")
    assert other.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
