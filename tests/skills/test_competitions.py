"""Competitions from registration to certificates and titles, with the bad inputs the issue
names: a score outside its range, a judge scoring their own enterprise's contestant, a sheet
with unknown ID numbers (row-level report, nothing written)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gefeng.core.actors import SYSTEM
from gefeng.skills import services
from gefeng.skills.models import CompStatus, Entry, Score
from gefeng.skills.services.results import aggregate, tier_counts
from tests.skills.conftest import competition, join, make_id, scored

pytestmark = pytest.mark.django_db


def _sheet(rows):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["身份证号", "姓名", "评委", "理论", "实操"])
    for r in rows:
        ws.append(list(r))
    path = io.BytesIO()
    wb.save(path)
    return path.getvalue()


def test_eligibility_age_level_and_prior_title(tree):
    comp = competition(tree.xinge, tree.county, "新格技能比武", min_skill_level="4", max_age=40)
    trade = services.trade_add(actor=SYSTEM, competition=comp, name="钳工")
    old = join(tree.xinge_union, "老师傅", birth="19650101", skill="3")
    low = join(tree.xinge_union, "新学徒", skill="5")
    good = join(tree.xinge_union, "青年工", skill="4")
    with pytest.raises(ValidationError, match="年龄"):
        services.entry_register(actor=SYSTEM, competition=comp, trade=trade, person=old)
    with pytest.raises(ValidationError, match="技能等级未达到"):
        services.entry_register(actor=SYSTEM, competition=comp, trade=trade, person=low)
    entry = services.entry_register(actor=SYSTEM, competition=comp, trade=trade, person=good)
    assert entry.enterprise == tree.xinge
    with pytest.raises(ValidationError, match="已报名"):
        services.entry_register(actor=SYSTEM, competition=comp, trade=trade, person=good)


def test_registration_is_scoped_and_workers_register_themselves(tree, personas):
    comp = competition(tree.county, tree.county, "县级比武")
    trade = services.trade_add(actor=SYSTEM, competition=comp, name="焊工")
    outsider_member = join(tree.henghui_union, "外单位")
    with pytest.raises(PermissionDenied):
        services.entry_register(actor=personas["chair"], competition=comp, trade=trade, person=outsider_member)
    own = join(tree.xinge_union, "孙职工", user=personas["worker"])
    entry = services.entry_register(
        actor=personas["worker"], competition=comp, trade=trade, person=own, today=dt.date(2020, 9, 1)
    )
    assert entry.self_registered and entry.registered_by == personas["worker"]
    with pytest.raises(ValidationError, match="截止"):
        services.entry_register(
            actor=personas["chair"],
            competition=comp,
            trade=trade,
            person=join(tree.xinge_union, "晚报名"),
            today=dt.date(2020, 9, 15),
        )


def test_scores_range_and_conflict_of_interest(tree):
    comp = competition(tree.county, tree.county, "回避测试")
    trade = services.trade_add(actor=SYSTEM, competition=comp, name="电工", theory_max=50)
    entry = services.entry_register(
        actor=SYSTEM, competition=comp, trade=trade, person=join(tree.xinge_union, "赵选手")
    )
    colleague = services.judge_add(
        actor=SYSTEM, competition=comp, name="新格评委", employer=tree.xinge, declaration="与选手同单位"
    )
    other = services.judge_add(actor=SYSTEM, competition=comp, name="外聘评委", declaration="无")
    with pytest.raises(ValidationError, match="利益冲突"):
        services.judge_add(actor=SYSTEM, competition=comp, name="无声明", declaration="")
    services.competition_start_scoring(actor=SYSTEM, competition=comp)
    with pytest.raises(ValidationError, match="回避"):
        services.score_enter(actor=SYSTEM, entry=entry, judge=colleague, part="theory", value=40)
    with pytest.raises(ValidationError, match=r"超出范围（0–50 分）"):
        services.score_enter(actor=SYSTEM, entry=entry, judge=other, part="theory", value=51)
    with pytest.raises(ValidationError, match="不是数字"):
        services.score_enter(actor=SYSTEM, entry=entry, judge=other, part="practice", value="九十")
    assert not Score.objects.exists()
    services.score_enter(actor=SYSTEM, entry=entry, judge=other, part="theory", value=45)
    services.score_enter(actor=SYSTEM, entry=entry, judge=other, part="theory", value="46.5")  # corrected
    assert Score.objects.get().value == Decimal("46.5")


def test_sheet_with_problems_writes_nothing_and_reports_rows(tree, tmp_path):
    comp = scored(tree.xinge, tree.xinge_union, tree.county, "导入测试", people=2)
    Score.objects.filter(entry__competition=comp).delete()
    entries = list(comp.entries.select_related("person"))
    path = tmp_path / "scores.xlsx"
    path.write_bytes(
        _sheet(
            [
                (entries[0].person.id_number, entries[0].name, "评委甲", 88, 90),
                (make_id("19900101"), "外人", "评委甲", 80, 80),
                (entries[1].person.id_number, entries[1].name, "评委乙", 101, 70),
                (entries[1].person.id_number, entries[1].name, "无名评委", 80, 70),
            ]
        )
    )
    with pytest.raises(services.SheetRefused) as refused:
        services.scores_import(actor=SYSTEM, competition=comp, path=path, filename="scores.xlsx")
    rows = [n for n, _m in refused.value.problems]
    assert rows == [3, 4, 5]
    messages = " ".join(m for _n, m in refused.value.problems)
    assert "不是本竞赛的参赛选手" in messages and "超出范围" in messages and "不在本竞赛评委名单" in messages
    assert not Score.objects.filter(entry__competition=comp).exists()
    path.write_bytes(_sheet([(e.person.id_number, e.name, j, 80, 75) for e in entries for j in ("评委甲", "评委乙")]))
    assert services.scores_import(actor=SYSTEM, competition=comp, path=path, filename="scores.xlsx") == 8


def test_aggregation_weights_tiers_and_ties():
    assert aggregate([Decimal(90), Decimal(70), Decimal(80)], True) == Decimal("80.00")
    assert aggregate([Decimal(90), Decimal(70), Decimal(86)], False) == Decimal("82.00")
    assert aggregate([Decimal(90), Decimal(70)], True) == Decimal("80.00")  # fewer than 3 judges: all kept

    class C:
        award_mode, first, second, third = "share", 10, 20, 30

    assert tier_counts(C, 20) == (2, 4, 6)
    assert tier_counts(C, 3) == (1, 1, 1)
    C.award_mode, C.first, C.second, C.third = "places", 1, 2, 3
    assert tier_counts(C, 4) == (1, 2, 1)


def test_competition_runs_to_certificates_titles_and_skill_levels(tree):
    comp = scored(tree.xinge, tree.xinge_union, tree.county, "全流程", people=5)
    with pytest.raises(ValidationError, match="请先计算"):
        services.results_publish(actor=SYSTEM, competition=comp, notice_ends_on="2020-10-10")
    services.results_compute(actor=SYSTEM, competition=comp)
    ranked = list(comp.entries.order_by("rank"))
    # theory 80+i, practice 70+2i, weights 3:7 → the last registered is first.
    assert [e.rank for e in ranked] == [1, 2, 3, 4, 5]
    assert ranked[0].name == "选手戊" and ranked[0].total == Decimal("0.3") * 84 + Decimal("0.7") * 78
    assert [e.tier for e in ranked] == ["1", "2", "3", "3", ""]  # 10/20/30 % of 5, rounded
    assert ranked[0].title.endswith("技术能手") and not ranked[3].title
    assert ranked[0].promoted_to == "3"  # no level yet → 高级工
    services.results_publish(actor=SYSTEM, competition=comp, notice_ends_on=dt.date(2020, 10, 10))
    services.objection_record(actor=SYSTEM, entry=ranked[1], objection="实操计时有误")
    with pytest.raises(ValidationError, match="异议"):
        services.results_finalize(actor=SYSTEM, competition=comp)
    services.objection_resolve(actor=SYSTEM, entry=ranked[1], result="经复核计时无误，维持成绩")
    granted = services.results_finalize(actor=SYSTEM, competition=comp, on=dt.date(2020, 10, 12))
    assert granted == 4
    first = Entry.objects.select_related("person").get(pk=ranked[0].pk)
    assert first.certificate_no and first.granted_on == dt.date(2020, 10, 12)
    assert first.person.skill_level == "3"
    with pytest.raises(ValidationError, match="第一名"):
        services.entry_nominate(actor=SYSTEM, entry=ranked[1], to="市赛")
    services.entry_nominate(actor=SYSTEM, entry=first, to="徐州市职工职业技能大赛")
    assert Entry.objects.get(pk=first.pk).nominated == "徐州市职工职业技能大赛"
    comp.refresh_from_db()
    assert comp.status == CompStatus.CLOSED


def test_finalize_waits_for_the_notice_to_end(tree, personas):
    comp = scored(tree.county, tree.xinge_union, tree.county, "公示期", people=2)
    services.results_compute(actor=SYSTEM, competition=comp)
    services.results_publish(actor=SYSTEM, competition=comp, notice_ends_on=dt.date(2020, 10, 10))
    with pytest.raises(ValidationError, match="期满"):
        services.results_finalize(actor=personas["county"], competition=comp, today=dt.date(2020, 10, 9))
    assert services.results_finalize(actor=personas["county"], competition=comp, today=dt.date(2020, 10, 11)) == 2


def test_weights_must_add_up(tree):
    with pytest.raises(ValidationError, match="100%"):
        competition(tree.county, tree.county, "权重", theory_weight=40, practice_weight=70)
