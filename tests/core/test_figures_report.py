"""年度数据 as a report: Chinese labels and units, percentages, the default year, the comparison
with the year before, the org picker within the user's scope, the Excel export and printing."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest

from gefeng.core import figures, reports
from gefeng.core.models import AuditEntry
from gefeng.honours import services as honour_services
from tests.honours.conftest import join

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


def _grant(person, *, year, kind="labour_model", title="沛县劳动模范"):
    from gefeng.core.actors import SYSTEM

    return honour_services.honour_grant(
        actor=SYSTEM, person=person, kind=kind, title=title, level="county", year=year, issuer="沛县"
    )


@pytest.fixture
def honours_2019_2020(tree):
    a = join(tree.xinge_union, "一线甲", job="一线工人")
    b = join(tree.xinge_union, "管理乙", job="管理人员")
    c = join(tree.henghui_union, "技术丙", job="技术人员")
    _grant(a, year=2020)
    _grant(b, year=2020)
    _grant(c, year=2020)
    _grant(a, year=2019, kind="civilized_worker", title="沛县文明职工")
    _grant(b, year=2019)
    return a, b, c


def test_every_registered_figure_has_a_chinese_label_a_kind_and_a_unit():
    assert figures.registered(), "no figures registered"
    for figure in figures.registered():
        assert figure.label != figure.name and CJK.search(figure.label), figure.name
        assert figure.kind in figures.KINDS, figure.name
        assert CJK.search(figure.section), figure.name
        if figure.kind in (figures.COUNT, figures.MONEY, figures.BREAKDOWN):
            assert figure.unit, f"{figure.name} has no unit"
    assert figures.describe("allowance_total_yuan").kind == figures.MONEY
    assert figures.describe("allowance_total_yuan").unit == "元"
    assert figures.describe("labour_model_frontline_share").kind == figures.SHARE
    assert figures.describe("honours_awarded").kind == figures.BREAKDOWN
    # the functions are unchanged for the command line, the API and the reform indicators
    assert figures.get("unions") is figures.describe("unions").fn


def test_register_refuses_an_unknown_kind():
    with pytest.raises(ValueError):
        figures.register("x_test", label="测试", kind="ratio")


def test_the_page_opens_on_the_last_complete_year_with_labels(login_as):
    response = login_as("county").get("/figures/")
    assert response.status_code == 200
    last = dt.date.today().year - 1
    assert response.context["year"] == last and response.context["previous_year"] == last - 1
    body = response.content.decode()
    assert f'<option value="{last}" selected>' in body
    for figure in figures.registered():
        assert figure.label in body, figure.name
    assert "member_units" not in re.sub(r'data-[a-z]+="[^"]*"', "", body)  # no internal names shown
    assert "{'" not in body  # no Python dict
    assert "data-gf-print" in body and "/figures/export/?" in body


def test_shares_breakdowns_and_the_comparison_with_the_year_before(login_as, tree, honours_2019_2020):
    response = login_as("county").get("/figures/", {"year": "2020"})
    assert response.status_code == 200
    body = response.content.decode()
    lines = {line.name: line for s in response.context["sections"] for line in s.lines}
    honours = lines["honours_awarded"]
    assert honours.total == 3 and honours.total_previous == 2 and honours.change == 1
    assert honours.change_percent == 50.0
    parts = {p.label: (p.value, p.previous, p.change) for p in honours.parts}
    assert parts == {"劳动模范": (3, 1, 2), "文明职工": (0, 1, -1)}
    breakdown = re.search(r'<table[^>]*data-breakdown="honours_awarded".*?</table>', body, re.S).group(0)
    assert "劳动模范" in breakdown and "文明职工" in breakdown and "+2" in breakdown and "−1" in breakdown
    # 2 of 3 labour models are frontline or technical: 66.7 %, the year before 0 of 1
    share = re.search(r'data-figure="labour_model_frontline_share">([^<]*)<', body).group(1)
    assert share.strip() == "66.7 %"
    previous = re.search(r'data-previous="labour_model_frontline_share">([^<]*)<', body).group(1)
    assert previous.strip() == "0.0 %"
    change = re.search(r'data-change="labour_model_frontline_share">(.*?)</td>', body, re.S).group(1)
    assert "+66.7 个百分点" in change
    # a chart per section, drawn as SVG without style attributes
    assert body.count('<svg class="gf-chart') == len(response.context["sections"])
    assert 'data-bar="honours_awarded"' in body and " style=" not in body


def test_money_figures_are_formatted(login_as, monkeypatch):
    registry = {
        "paid": figures.Figure(
            name="paid",
            fn=lambda root, year: Decimal("619000") if year == 2020 else Decimal("500000.5"),
            label="测试发放总额",
            unit="元",
            kind=figures.MONEY,
            section="劳模津贴",
        )
    }
    monkeypatch.setattr(figures, "_registry", registry)
    body = login_as("county").get("/figures/", {"year": "2020"}).content.decode()
    assert re.search(r'data-figure="paid">\s*619,000.00 元', body)
    assert re.search(r'data-previous="paid">\s*500,000.50 元', body)
    assert "+118,999.50 元" in body


def test_invalid_year_falls_back_with_a_message(login_as):
    response = login_as("county").get("/figures/", {"year": "abc"})
    assert response.status_code == 200
    assert response.context["year"] == dt.date.today().year - 1
    assert "年份无效" in response.content.decode()
    for raw in ("1900", "99999", str(dt.date.today().year + 5)):
        assert login_as("county").get("/figures/", {"year": raw}).context["invalid_year"], raw


def test_the_org_picker_stays_within_the_scope(login_as, tree):
    county = login_as("county")
    options = [o.pk for o, _indent in county.get("/figures/").context["org_choices"]]
    assert options[0] == tree.county.pk and tree.longgu.pk in options and tree.yangtun.pk in options
    town = login_as("town")
    response = town.get("/figures/")
    assert response.context["root"] == tree.longgu
    shown = {o.pk for o, _indent in response.context["org_choices"]}
    assert tree.yangtun.pk not in shown and tree.henghui.pk not in shown and tree.county.pk not in shown
    assert "杨屯镇" not in response.content.decode()
    # an org the user does not see is a 404 (existence not revealed), never its figures
    for org in (tree.henghui.pk, tree.yangtun.pk, tree.county.pk, 999999, "abc", "1e3"):
        assert town.get("/figures/", {"org": org}).status_code == 404, org
    # a visible org deeper down opens and is added to the picker
    deeper = town.get("/figures/", {"org": tree.xinge_union.pk})
    assert deeper.status_code == 200 and deeper.context["root"] == tree.xinge_union
    assert deeper.context["org_choices"][0][0] == tree.xinge_union


def test_the_subtree_decides_the_numbers(login_as, tree, honours_2019_2020):
    county = login_as("county").get("/figures/", {"year": "2020"}).context["sections"]
    town = login_as("town").get("/figures/", {"year": "2020", "org": tree.longgu.pk}).context["sections"]

    def total(sections):
        return next(line.total for s in sections for line in s.lines if line.name == "honours_awarded")

    assert total(county) == 3 and total(town) == 2


def test_the_export_opens_in_excel_with_chinese_labels_and_is_audited(login_as, tree, honours_2019_2020, personas):
    client = login_as("county")
    response = client.get("/figures/export/", {"year": "2020", "org": tree.county.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("板块", "指标", "单位", "2020 年", "2019 年", "增减", "增减幅度")
    by_label = {r[1]: r for r in rows[1:]}
    for figure in figures.registered():
        if figure.kind != figures.BREAKDOWN:
            assert figure.label in by_label, figure.name
    assert by_label["荣誉授予（合计）"][3:6] == (3, 2, 1)
    assert by_label["荣誉授予 · 劳动模范"][3:6] == (3, 1, 2)
    cells = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    share = cells["劳模中一线工人和技术人员占比"]
    assert share[3].value == pytest.approx(0.667) and share[3].number_format == "0.0%"
    money = cells["劳模津贴发放总额"]
    assert money[3].number_format == "#,##0.00" and isinstance(money[3].value, int | float)
    entry = AuditEntry.objects.get(action="core.figures.exported")
    assert entry.actor == personas["county"] and entry.object_id == str(tree.county.pk)
    assert entry.changes["year"] == 2020


def test_the_export_refuses_an_org_out_of_scope(login_as, tree):
    assert login_as("town").get("/figures/export/", {"org": tree.henghui.pk}).status_code == 404
    assert login_as("worker").get("/figures/export/").status_code == 403
    assert not AuditEntry.objects.filter(action="core.figures.exported").exists()


def test_export_neutralises_formulas(monkeypatch, login_as):
    registry = {
        "evil": figures.Figure(
            name="evil",
            fn=lambda root, year: {"=HYPERLINK(1)": 2},
            label="测试分类",
            unit="项",
            kind=figures.BREAKDOWN,
            section="=SUM(A1)",
        )
    }
    monkeypatch.setattr(figures, "_registry", registry)
    response = login_as("county").get("/figures/export/", {"year": "2020"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {row[0] for row in rows} == {"'=SUM(A1)"}  # a formula becomes text
    assert "测试分类 · =HYPERLINK(1)" in [row[1] for row in rows]  # starts with text: left as is


def test_report_helpers():
    assert reports.default_year(dt.date(2026, 3, 1)) == 2025
    assert reports.parse_year("2020", dt.date(2026, 1, 1)) == 2020
    assert reports.parse_year("2027", dt.date(2026, 1, 1)) is None
    assert reports.parse_year("２０２０", dt.date(2026, 1, 1)) is None
