"""Talent pool pages: scope per persona, search and filters, the masked export, statistics, the
profile page with its sections and the audited reveal, and the forms' bad input."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gefeng.core.models import AuditEntry
from gefeng.talent import selectors
from gefeng.talent.models import TalentCategory, TalentProfile
from tests.talent.conftest import honour, make_id, outsider_profile, person

pytestmark = pytest.mark.django_db

LIST = reverse("talent:profile-list")


@pytest.fixture
def pool(tree, xinge_model):
    """新格: a front-line county labour model (刘新格) and a city-level manager (王经理, 文明职工 too);
    恒辉: a county labour model (赵恒辉)."""
    manager = person(tree.xinge_union, name="王经理", job="管理人员")
    honour(manager, level="city", year=2012)
    honour(manager, kind="civilized_worker", year=2016, title="沛县文明职工")
    return {
        "xinge": xinge_model,
        "manager": TalentProfile.objects.get(person=manager),
        "outsider": outsider_profile(tree),
    }


def _names(response) -> set[str]:
    return {p.person.name for p in response.context["page"].rows}


def test_scope_per_persona(pool, login_as):
    assert _names(login_as("county").get(LIST)) == {"刘新格", "王经理", "赵恒辉"}
    assert _names(login_as("auditor").get(LIST)) == {"刘新格", "王经理", "赵恒辉"}
    town = login_as("town").get(LIST)
    assert _names(town) == {"刘新格", "王经理"}
    assert "赵恒辉" not in town.content.decode()
    assert login_as("chair").get(LIST).status_code == 403
    assert login_as("county").get(reverse("talent:profile-detail", args=[pool["outsider"].pk])).status_code == 200
    assert login_as("town").get(reverse("talent:profile-detail", args=[pool["outsider"].pk])).status_code == 404


def test_search_by_name_pinyin_and_filters(pool, login_as, tree):
    client = login_as("county")
    assert _names(client.get(LIST, {"q": "新格"})) == {"刘新格"}
    assert _names(client.get(LIST, {"q": "liuxinge"})) == {"刘新格"}
    assert _names(client.get(LIST, {"q": "wjl"})) == {"王经理"}
    assert _names(client.get(LIST, {"level": "city"})) == {"王经理"}
    civil = TalentCategory.objects.get(code="civilized_worker")
    assert _names(client.get(LIST, {"category": civil.pk})) == {"王经理"}
    assert _names(client.get(LIST, {"town": tree.yangtun.pk})) == {"赵恒辉"}
    assert _names(client.get(LIST, {"industry": "C"})) == {"刘新格", "王经理", "赵恒辉"}
    assert _names(client.get(LIST, {"industry": "P"})) == set()
    # Bad values are ignored, never an error page.
    response = client.get(LIST, {"category": "abc", "level": "x", "town": "-1", "page": "zz"})
    assert response.status_code == 200
    # A town outside the user's sight finds nobody.
    assert _names(login_as("town").get(LIST, {"town": tree.yangtun.pk})) == set()


def test_export_is_masked_scoped_and_audited(pool, login_as):
    response = login_as("town").get(reverse("talent:profile-export"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[0][:4] == ["姓名", "性别", "年龄", "身份证号"]
    body = {r[0]: r for r in rows[1:]}
    assert set(body) == {"刘新格", "王经理"}
    account = body["刘新格"][15]
    assert account == "6222***********4445"
    assert "*" in body["刘新格"][3]
    assert "劳动模范" in body["王经理"][8] and "文明职工" in body["王经理"][8]
    assert AuditEntry.objects.filter(action="talent.profiles.exported").exists()


def test_statistics_by_level_industry_and_front_line(pool, login_as, personas):
    stats = selectors.statistics(personas["county"])
    assert stats["total"] == 3
    levels = {r["code"]: r["count"] for r in stats["levels"]}
    assert levels == {"national": 0, "provincial": 0, "city": 1, "county": 2}
    assert stats["industries"] == [{"code": "C", "label": "C 制造业", "count": 3}]
    assert stats["frontline"] == 2 and stats["frontline_share"] == pytest.approx(2 / 3)
    town = selectors.statistics(personas["town"])
    assert town["total"] == 2 and town["frontline_share"] == 0.5
    response = login_as("county").get(reverse("talent:profile-stats"))
    body = response.content.decode()
    assert "vendor/echarts/echarts.min.js" in body and "talent/stats.js" in body
    assert 'id="talent-charts"' in body and "66.7%" in body


def test_profile_page_shows_sections_and_masks_the_account(pool, login_as):
    url = reverse("talent:profile-detail", args=[pool["xinge"].pk])
    county = login_as("county").get(url).content.decode()
    assert "6222***********4445" in county and "6222020000333344445" not in county
    assert 'data-section="honours"' in county and "沛县劳动模范" in county
    assert 'data-section="allowances"' in county and 'data-section="skills"' in county
    assert 'data-testid="reveal-bank_account"' in county
    town = login_as("town").get(url).content.decode()
    assert 'data-section="allowances"' not in town and "reveal-bank_account" not in town


def test_reveal_post_shows_the_number_and_is_audited(pool, login_as, personas):
    url = reverse("talent:profile-reveal", args=[pool["xinge"].pk])
    response = login_as("county").post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "6222020000333344445" in response.content.decode()
    assert AuditEntry.objects.filter(action="talent.profile.bank_account_revealed", actor=personas["county"]).exists()
    assert login_as("auditor").post(url).status_code == 403
    assert login_as("town").post(url).status_code == 403
    assert login_as("county").get(url).status_code == 405


def test_create_by_id_number_and_bad_input(tree, login_as):
    member = person(tree.xinge_union, name="钱工匠")
    craftsman = TalentCategory.objects.get(code="craftsman")
    client = login_as("county")
    url = reverse("talent:profile-create")
    response = client.post(url, {"id_number": make_id(birth="19800101", seq="999"), "categories": [craftsman.pk]})
    assert response.status_code == 200 and "找不到此身份证号" in response.content.decode()
    response = client.post(url, {"id_number": "王", "categories": [craftsman.pk]})
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert not TalentProfile.objects.filter(memberships__category=craftsman).exists()
    response = client.post(url, {"id_number": member.id_number})
    assert "请至少选择一个人才类别" in response.content.decode()
    response = client.post(url, {"id_number": member.id_number, "categories": [craftsman.pk]})
    assert response.status_code == 302
    assert TalentProfile.objects.get(person=member).memberships.get().category == craftsman


def test_edit_and_bank_forms(pool, login_as):
    client = login_as("county")
    profile = pool["xinge"]
    response = client.post(reverse("talent:profile-edit", args=[profile.pk]), {"hardship": "on"})
    assert response.status_code == 200 and "困难情况" in response.content.decode()
    response = client.post(
        reverse("talent:profile-edit", args=[profile.pk]), {"retired": "on", "retired_on": "2019-05-01", "note": "技师"}
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.retired and profile.note == "技师"
    bank = reverse("talent:profile-bank", args=[profile.pk])
    response = client.post(bank, {"bank_holder": "刘新格", "bank_name": "农行", "bank_account": "abc"})
    assert "银行账号应为" in response.content.decode()
    response = client.post(bank, {"bank_holder": "刘新格", "bank_name": "建行沛县支行", "bank_account": ""})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.bank_name == "建行沛县支行" and profile.bank_account == "6222020000333344445"  # kept


def test_category_pages(pool, login_as):
    client = login_as("county")
    page = client.get(reverse("talent:category-list"))
    rows = {c.name: c.n for c in page.context["rows"]}
    assert rows["劳动模范"] == 3 and rows["文明职工"] == 1
    town = {c.name: c.n for c in login_as("town").get(reverse("talent:category-list")).context["rows"]}
    assert town["劳动模范"] == 2  # only the profiles in the town's sight
    response = client.post(reverse("talent:category-create"), {"name": "", "order": "1"})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    response = client.post(
        reverse("talent:category-create"), {"name": "县级以上劳模", "honour_kinds": ["labour_model"], "active": "on"}
    )
    assert response.status_code == 302 and TalentCategory.objects.get(name="县级以上劳模").memberships.count() == 3
