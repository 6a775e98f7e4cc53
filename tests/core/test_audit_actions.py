"""The audit log reads in Chinese: every action code has a name; pages survive every change key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import reverse

from gefeng.core import audit, audit_actions, scope
from gefeng.core.audit_views import OBJECT_PAGES, _field_label, object_type_label
from gefeng.core.context import RequestInfo, acting_from

SRC = Path(__file__).resolve().parents[2] / "src" / "gefeng"
LITERAL = re.compile(r'action\s*=\s*"([a-z_]+\.[a-z_]+(?:\.[a-z_]+)*)"')
TEMPLATE = re.compile(r'action\s*=\s*f"([a-z_.]*\{[^"]+)"')
# Codes built at run time, and every value their placeholder takes.
DYNAMIC = {
    "honours.nomination.{action}": ["submit", "approve", "return", "reject", "withdraw"],
    "supervision.{kind}.added": ["notice", "rectification", "decision"],
    "supervision.task.{kind}": ["progress", "submit", "return", "close", "cancel"],
    "supervision.task.{decision}": ["return", "close", "cancel"],
    "supervision.score.{rule.kind}": ["bonus", "deduction"],
    "allowances.run.{what}_exported": ["payment_file", "report"],
    "members.member.{field}_revealed": ["id_number", "phone"],
}
# Codes that name a permission or a model, not an audit action, and are written as action="…".
NOT_ACTIONS = {"store_true"}


def _sources() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in SRC.rglob("*.py") if "migrations" not in p.parts]


def written_codes() -> set[str]:
    codes: set[str] = set()
    for text in _sources():
        codes.update(LITERAL.findall(text))
        for template in TEMPLATE.findall(text):
            assert template in DYNAMIC, f"新的动态操作代码 {template}：请在 DYNAMIC 中列出它的取值并起中文名"
            placeholder = re.search(r"\{[^}]+\}", template)
            assert placeholder is not None
            codes.update(template.replace(placeholder.group(0), v) for v in DYNAMIC[template])
    return codes - NOT_ACTIONS


def test_every_action_the_code_writes_has_a_chinese_name():
    codes = written_codes()
    assert len(codes) > 90  # the scan found the code base's actions
    missing = sorted(c for c in codes if c not in audit_actions.ACTIONS)
    assert missing == [], f"操作代码没有中文名（core/audit_actions.py）：{missing}"
    assert all(re.search(r"[\u4e00-\u9fff]", str(audit_actions.ACTIONS[c])) for c in codes)


def test_codes_belong_to_their_module_and_unknown_codes_show_as_themselves():
    with pytest.raises(ValueError):
        audit_actions.register("orgs", "组织", {"members.member.x": "x"})
    assert audit_actions.label("members.member.exported") == "导出会员"
    assert audit_actions.label("no.such.code") == "no.such.code"
    groups = dict(audit_actions.choices())
    assert ("members", "全部会员操作") in groups["会员"]


def test_every_change_key_that_names_a_relation_has_a_label():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            label = _field_label(model._meta.label_lower, field.name)
            assert isinstance(label, str) and label


@pytest.mark.parametrize("object_type,url", sorted(OBJECT_PAGES.items()))
def test_object_pages_exist(object_type, url):
    apps.get_model(object_type)
    assert reverse(url, args=[1])
    assert object_type_label(object_type) != object_type


@pytest.fixture
def auditor_client(client, personas):
    from gefeng.accounts.models import UserSession

    user = personas["auditor"]
    client.force_login(user)
    UserSession.objects.create(session_key=client.session.session_key, user=user, ip="127.0.0.1")
    return client


def test_reverse_relation_keys_render_instead_of_500(tree, personas, auditor_client):
    with acting_from(RequestInfo(source="web")):
        audit.record(actor=personas["county"], action="orgs.node.updated", obj=tree.xinge, changes={"members": 3})
        audit.record(actor=personas["county"], action="allowances.run.rebuilt", changes={"payments": 2, "lines": 1})
    response = auditor_client.get(reverse("core:audit-list"))
    assert response.status_code == 200
    export = auditor_client.get(reverse("core:audit-export"), {"format": "csv"})
    assert export.status_code == 200
    assert "修改组织" in b"".join(export.streaming_content).decode("utf-8-sig")


def test_list_shows_names_links_and_filters_by_source(tree, personas, auditor_client):
    with acting_from(RequestInfo(source="web")):
        audit.record(actor=personas["county"], action="orgs.node.updated", obj=tree.xinge)
    with acting_from(RequestInfo(source="cli")):
        audit.record(actor=None, action="core.demo.loaded", object_repr="演示县")
    page = auditor_client.get(reverse("core:audit-list")).content.decode()
    updated, loaded = 'title="orgs.node.updated">修改组织</span>', 'title="core.demo.loaded">载入演示数据</span>'
    assert updated in page and loaded in page
    assert '<optgroup label="会员">' in page and 'value="members"' in page
    assert 'id="audit-actors"' in page and f'value="{personas["county"].username}"' in page
    detail = reverse("orgs:node-detail", args=[tree.xinge.pk])
    visible = scope.visible(personas["auditor"], type(tree.xinge)).filter(pk=tree.xinge.pk).exists()
    assert (f'href="{detail}"' in page) == visible
    only_cli = auditor_client.get(reverse("core:audit-list"), {"source": "cli"}).content.decode()
    assert loaded in only_cli and updated not in only_cli
