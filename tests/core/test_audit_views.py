"""The audit log page and its export: auditors only (三员分立), filters, xlsx/csv, self-auditing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from gefeng.core import audit, selectors
from gefeng.core.context import RequestInfo, acting_from
from gefeng.core.models import AuditEntry
from gefeng.core.selectors import AuditFilters
from gefeng.orgs.models import OrgNode

LIST = reverse("core:audit-list")
EXPORT = reverse("core:audit-export")
HEADERS = ["时间", "操作人", "地址", "来源", "操作", "对象类型", "对象编号", "对象", "变更", "结果"]
# The fixture entries lie in March 2020, away from the entries the persona fixtures write today.
MARCH = {"date_from": "2020-03-01", "date_to": "2020-03-31"}


def _record_at(local: str, **kwargs) -> AuditEntry:
    """An entry written at a given Asia/Shanghai wall time (`at` is auto_now_add)."""
    when = timezone.make_aware(dt.datetime.fromisoformat(local))
    with mock.patch("django.utils.timezone.now", return_value=when):
        return audit.record(**kwargs)


@pytest.fixture
def log(tree, personas):
    """Five entries around a day boundary in Shanghai (UTC+8)."""
    with acting_from(RequestInfo(ip="10.0.0.8", user_agent="Mozilla/5.0", source="web")):
        e1 = _record_at(
            "2020-03-01 23:30:00",
            actor=personas["town"],
            action="orgs.node.updated",
            obj=tree.xinge,
            changes={
                "name": {"old": "新格灌溉", "new": "新格灌溉设备"},
                "contact_phone": {"old": "13812345678", "new": "13900001111"},
            },
        )
        e2 = _record_at("2020-03-02 00:10:00", actor=personas["county"], action="orgs.node.created", obj=tree.kejiju)
        e3 = _record_at(
            "2020-03-03 09:00:00",
            actor=personas["chair"],
            action="orgs.nodes.odd",
            object_type="orgs.orgnode",
            object_id="999",
            object_repr="=1+1",
            success=False,
        )
    with acting_from(RequestInfo(source="countyjob")):
        e4 = _record_at("2020-03-04 10:00:00", actor=None, action="accounts.user.unlocked", object_repr="worker")
    with acting_from(RequestInfo(source="cli")):
        e5 = _record_at("2020-03-05 08:00:00", actor=None, action="core.figures.computed", object_repr="沛县")
    return {"e1": e1, "e2": e2, "e3": e3, "e4": e4, "e5": e5}


@pytest.fixture
def client_as(personas):
    """A client logged in as a persona (session registered as the real login does)."""
    from gefeng.accounts.models import UserSession

    def make(name: str) -> Client:
        client = Client(HTTP_USER_AGENT="pytest-browser")
        user = personas[name]
        client.force_login(user)
        UserSession.objects.create(session_key=client.session.session_key, user=user, ip="127.0.0.1")
        return client

    return make


def _names(qs) -> list[str]:
    return [e.action for e in qs]


def _ids(qs) -> list[int]:
    return [e.pk for e in qs]


# --- selector ---------------------------------------------------------------------------------


def test_only_the_auditor_sees_the_log(log, personas):
    march = AuditFilters(date_from=dt.date(2020, 3, 1), date_to=dt.date(2020, 3, 31))
    got = selectors.audit_list(actor=personas["auditor"], filters=march)
    assert _ids(got) == [log[k].pk for k in ("e5", "e4", "e3", "e2", "e1")]  # newest first
    for name in ("sysadmin", "security", "county", "town", "worker"):
        assert not selectors.audit_list(actor=personas[name], filters=AuditFilters()).exists(), name


@pytest.mark.parametrize(
    ("date_from", "date_to", "expected"),
    [
        ("2020-03-01", "2020-03-01", ["e1"]),  # 23:30 on the 1st counts for the 1st ...
        ("2020-03-02", "2020-03-02", ["e2"]),  # ... 00:10 on the 2nd (16:10 UTC on the 1st) for the 2nd
        ("2020-03-02", "2020-03-04", ["e4", "e3", "e2"]),
        ("2020-03-05", None, None),
        (None, "2020-03-01", ["e1"]),
    ],
)
def test_dates_are_inclusive_days_in_shanghai(log, personas, date_from, date_to, expected):
    filters = AuditFilters(
        date_from=dt.date.fromisoformat(date_from) if date_from else None,
        date_to=dt.date.fromisoformat(date_to) if date_to else None,
    )
    got = _ids(selectors.audit_list(actor=personas["auditor"], filters=filters))
    if expected is None:  # open end: e5 and everything written since (the persona fixtures)
        assert log["e5"].pk in got and log["e4"].pk not in got
    else:
        assert got == [log[k].pk for k in expected]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("actor", "county", ["e2"]),  # an exact username: that user only, not "countyjob"
        ("actor", "ounty", ["e4", "e2"]),  # otherwise "contains"
        ("actor", "cli", ["e5"]),
        ("actor", "nobody", []),
        ("action", "orgs.node", ["e2", "e1"]),  # a dotted prefix, not "orgs.nodes"
        ("action", "orgs.node.", ["e2", "e1"]),
        ("action", "orgs.node.updated", ["e1"]),
        ("action", "orgs", ["e3", "e2", "e1"]),
        ("action", "orgs.no", []),
        ("object_type", "orgs.orgnode", ["e3", "e2", "e1"]),
        ("object_type", "ORGS.OrgNode", ["e3", "e2", "e1"]),
        ("object", "科学技术", ["e2"]),
        ("object", "=1+1", ["e3"]),
    ],
)
def test_filters(log, personas, field, value, expected):
    filters = AuditFilters(date_from=dt.date(2020, 3, 1), date_to=dt.date(2020, 3, 31), **{field: value})
    assert _ids(selectors.audit_list(actor=personas["auditor"], filters=filters)) == [log[k].pk for k in expected]


def test_filter_by_object(log, tree, personas):
    filters = AuditFilters(object_type="orgs.orgnode", object_id=str(tree.xinge.pk))
    assert _ids(selectors.audit_list(actor=personas["auditor"], filters=filters)) == [log["e1"].pk]


def test_filters_as_dict_lists_only_what_is_set():
    filters = AuditFilters(date_from=dt.date(2020, 3, 1), action="orgs.node")
    assert filters.as_dict() == {"date_from": "2020-03-01", "action": "orgs.node"}


# --- list page --------------------------------------------------------------------------------


def test_auditor_sees_entries_with_changes(log, client_as):
    response = client_as("auditor").get(LIST, MARCH)
    assert response.status_code == 200
    body = response.content.decode()
    assert "审计日志" in body and 'class="breadcrumb-item">系统管理</li>' in body
    assert "table-responsive" in body
    for key in ("e1", "e2", "e3", "e4", "e5"):
        assert f'data-entry="{log[key].pk}"' in body
    assert "2020-03-01 23:30:00" in body
    assert "10.0.0.8" in body
    assert "orgs.node.updated" in body
    assert "名称: 新格灌溉 → 新格灌溉设备" in body
    assert "联系电话: *******5678 → *******1111" in body  # masked when written, shown masked
    assert "13812345678" not in body
    assert "失败" in body  # e3


def test_list_filters_through_the_query_string(log, client_as):
    response = client_as("auditor").get(LIST, {**MARCH, "action": "orgs.node"})
    body = response.content.decode()
    assert f'data-entry="{log["e1"].pk}"' in body and f'data-entry="{log["e2"].pk}"' in body
    assert f'data-entry="{log["e3"].pk}"' not in body and f'data-entry="{log["e4"].pk}"' not in body
    # the export links carry the same filters
    assert "action=orgs.node" in body and "format=xlsx" in body and "format=csv" in body


def test_list_shows_form_errors_and_no_rows(log, client_as):
    response = client_as("auditor").get(LIST, {"date_from": "2020-03-05", "date_to": "2020-03-01"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "截止日期不能早于起始日期" in body
    assert "data-entry=" not in body
    response = client_as("auditor").get(LIST, {"date_from": "not-a-date"})
    assert "data-entry=" not in response.content.decode()


def test_list_pages_without_counting(log, client_as, personas):
    for i in range(25):
        _record_at(
            f"2020-04-01 08:{i:02d}:00",
            actor=personas["county"],
            action="orgs.node.bulk",
            object_repr=f"第{i}",
        )
    client = client_as("auditor")
    first = client.get(LIST, {"action": "orgs.node.bulk"}).content.decode()
    assert first.count("data-entry=") == 20
    assert "page=2" in first
    second = client.get(LIST, {"action": "orgs.node.bulk", "page": 2}).content.decode()
    assert second.count("data-entry=") == 5
    assert "第24" in first and "第4\n" not in first  # newest first ...
    assert "第4\n" in second and "第0\n" in second and "第24" not in second  # ... the oldest last


@pytest.mark.parametrize("persona", ["sysadmin", "security", "county", "town", "chair", "liaison", "worker"])
def test_everyone_else_gets_403(log, client_as, persona):
    client = client_as(persona)
    assert client.get(LIST).status_code == 403
    assert client.get(EXPORT, {"format": "csv"}).status_code == 403
    assert not AuditEntry.objects.filter(action="core.audit.exported").exists()


def test_anonymous_is_sent_to_login(db, client):
    for url in (LIST, EXPORT):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_menu_shows_the_log_to_the_auditor_only(personas, client_as):
    assert LIST in client_as("auditor").get(reverse("core:home")).content.decode()
    assert LIST not in client_as("sysadmin").get(reverse("core:home")).content.decode()


def test_only_get_is_allowed(log, client_as):
    client = client_as("auditor")
    assert client.post(LIST).status_code == 405
    assert client.post(EXPORT).status_code == 405


# --- export -----------------------------------------------------------------------------------


def test_export_xlsx_contains_the_rows(log, client_as, tree):
    response = client_as("auditor").get(EXPORT, {**MARCH, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()
    assert ".xlsx" in response["Content-Disposition"]
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.getvalue())).get_sheet_by_index(0).to_python()
    assert rows[0] == HEADERS
    assert len(rows) == 6
    by_action = {r[4]: r for r in rows[1:]}
    first = by_action["修改组织"]
    assert first[0] == dt.datetime(2020, 3, 1, 23, 30)  # Shanghai wall time
    assert first[1:4] == ["town", "10.0.0.8", "网页"]
    assert first[5:8] == [str(OrgNode._meta.verbose_name), str(tree.xinge.pk), str(tree.xinge)]
    assert "名称: 新格灌溉 → 新格灌溉设备" in first[8]
    assert first[9] == "成功"
    odd = by_action["orgs.nodes.odd"]
    assert odd[7] == "'=1+1"  # formula neutralised
    assert odd[9] == "失败"
    assert by_action["core.figures.computed"][3] == "命令行"


def test_export_csv_has_bom_and_safe_cells(log, client_as):
    response = client_as("auditor").get(EXPORT, {**MARCH, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    data = b"".join(response.streaming_content)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == HEADERS
    assert len(rows) == 6
    assert rows[1][0] == "2020-03-05 08:00:00"
    assert "'=1+1" in [r[7] for r in rows]
    assert "=1+1" not in [r[7] for r in rows]


def test_export_applies_the_filters(log, client_as):
    response = client_as("auditor").get(EXPORT, {**MARCH, "action": "orgs.node", "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"), newline="")))
    assert sorted(r[4] for r in rows[1:]) == ["修改组织", "新建组织"]


def test_export_is_itself_audited(log, client_as, personas):
    response = client_as("auditor").get(EXPORT, {"date_from": "2020-03-01", "action": "orgs", "format": "csv"})
    b"".join(response.streaming_content)
    entry = AuditEntry.objects.get(action="core.audit.exported")
    assert entry.actor_id == personas["auditor"].pk
    assert entry.actor_name == "auditor"
    assert entry.ip == "127.0.0.1"
    assert entry.user_agent == "pytest-browser"
    assert entry.changes == {"filters": {"date_from": "2020-03-01", "action": "orgs"}, "format": "csv"}
    # and it shows on the page like any other entry
    body = client_as("auditor").get(LIST, {"action": "core.audit"}).content.decode()
    assert f'data-entry="{entry.pk}"' in body
    # (PostgreSQL's jsonb keeps keys in its own order)
    assert "筛选条件: " in body and "date_from=2020-03-01" in body and "action=orgs" in body


def test_export_refuses_an_unknown_format_or_bad_filters(log, client_as):
    client = client_as("auditor")
    assert client.get(EXPORT, {"format": "pdf"}).status_code == 400
    assert client.get(EXPORT, {"format": "csv", "date_from": "2020-13-45"}).status_code == 400
    assert not AuditEntry.objects.filter(action="core.audit.exported").exists()


def test_export_defaults_to_xlsx(log, client_as):
    response = client_as("auditor").get(EXPORT, MARCH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    response.close()
