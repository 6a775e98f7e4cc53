"""The left menu by role: no placeholders, each role its own entries, labels equal page titles."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from gefeng.core import menu
from tests.conftest import PERSONAS


def labels(user) -> set[str]:
    return {str(i["label"]) for s in menu.menu_for(user, "/") for i in s["items"]}


def test_no_placeholders_and_no_empty_sections(personas):
    assert not any(hasattr(s, "planned") for s in menu.MENU)
    for user in personas.values():
        for section in menu.menu_for(user, "/"):
            assert section["items"], section["key"]
    # The security administrator sees the system section only.
    assert [s["key"] for s in menu.menu_for(personas["security"], "/")] == ["system"]


@pytest.mark.parametrize(
    "persona,shown,hidden",
    [
        ("county", {"年度数据", "接口令牌", "会员导入", "报送审核", "通知"}, {"我的会员信息", "我的荣誉", "审计日志"}),
        ("town", {"年度数据", "接口令牌", "会员名册"}, {"报送审核", "我的会员信息"}),
        ("sysadmin", {"接口令牌", "待确认授权", "用户与授权"}, {"年度数据", "审计日志"}),
        ("liaison", {"本期报送", "责任清单"}, {"接口令牌", "年度数据"}),
        ("chair", {"组织架构", "会员名册", "选树表彰"}, {"接口令牌", "年度数据"}),
        ("auditor", {"审计日志", "登录日志"}, {"接口令牌", "年度数据"}),
        ("security", {"用户与授权", "在线会话", "账号安全"}, {"接口令牌", "年度数据", "组织架构"}),
        ("worker", {"我的会员信息", "我的荣誉", "账号安全", "通知"}, {"会员名册", "荣誉记录", "接口令牌", "我的信息"}),
    ],
)
def test_each_role_sees_its_entries(personas, persona, shown, hidden):
    got = labels(personas[persona])
    assert shown <= got, shown - got
    assert not (hidden & got), hidden & got


def test_hidden_entries_still_open_for_their_permission(login_as):
    # 接口令牌 and 年度数据 leave the chair's menu; the pages keep their permission checks.
    client = login_as("chair")
    assert client.get(reverse("apitokens:token-list")).status_code == 200
    assert client.get(reverse("core:figures")).status_code == 200


def _title_and_h1(body: str) -> tuple[str, str]:
    title = re.search(r"<title>(.*?)</title>", body, re.S)
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S)
    clean = lambda m: re.sub(r"<[^>]+>", "", m.group(1)).strip() if m else ""  # noqa: E731
    return clean(title).split(" · ")[0], clean(h1)


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_labels_equal_page_titles(persona, personas, login_as):
    client = login_as(persona)
    for section in menu.menu_for(personas[persona], "/"):
        for item in section["items"]:
            r = client.get(item["url"])
            assert r.status_code == 200, (persona, item["label"], r.status_code)
            title, h1 = _title_and_h1(r.content.decode())
            label = str(item["label"])
            assert label in (title, h1) or h1.endswith(label), (persona, label, title, h1)
