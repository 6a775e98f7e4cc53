"""Services of 引领聚魂: target from the registry, import matching and its row-level report,
rates, the 通报, the bank import, contest integrity and scoring."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gefeng.core.actors import SYSTEM
from gefeng.learning import documents, selectors, services
from gefeng.learning.models import Answer, Attempt, AttemptStatus, Question, RoundTally, StudyResult
from tests.learning.conftest import bank, person, right_answers, sheet, world

pytestmark = pytest.mark.django_db


def test_target_and_rate_come_from_the_registry(tree):
    w = world(tree)
    rnd = w.round
    assert rnd.target_count == 4  # the four 恒辉 members on 2021-01-08
    assert rnd.participants == 3
    assert rnd.rate == pytest.approx(0.75)
    assert float(rnd.score_sum) == 80 + 81 + 82
    # A member who joined after the round's date is not in its target.
    person(tree.henghui_union, "恒辉新人", joined=dt.date(2022, 1, 1))
    services.tally(rnd)
    assert rnd.target_count == 4
    later = services.round_create(actor=SYSTEM, campaign=w.campaign, as_of=dt.date(2022, 2, 1))
    assert later.target_count == 5 and later.participants == 0
    assert RoundTally.objects.get(round=rnd, union=tree.henghui_union).participants == 3


def test_party_target_counts_party_members_only(tree):
    world(tree)
    campaign = services.campaign_create(
        actor=SYSTEM,
        org=tree.county,
        name="党员学习",
        starts_on=dt.date(2021, 1, 1),
        target="party",
        target_orgs=[tree.county],
    )
    rnd = services.round_create(actor=SYSTEM, campaign=campaign, as_of=dt.date(2021, 3, 1))
    assert rnd.target_count == 3  # 恒辉张三, 恒辉王五, 新格钱七


def test_import_reports_every_row_not_imported(tree):
    w = world(tree)
    rnd = services.round_create(actor=SYSTEM, campaign=w.campaign, as_of=dt.date(2021, 1, 15))
    p = w.people
    outsider = person(tree.xinge_union, "新格外人")
    rows = [
        [p[0].name, p[0].id_number, 90],
        [p[0].name, p[0].id_number, 91],  # duplicate
        ["查无此人", "320322198001019999", 70],  # invalid ID
        ["王不在", "11010519491231002X", 60],  # valid but unknown
        ["错名字", p[1].id_number, 60],  # name does not match
        [outsider.name, outsider.id_number, 88],  # not in the target
        [p[2].name, "", 77],  # no ID, no phone
        [p[3].name, p[3].id_number, "abc"],  # bad score
    ]
    batch = services.results_import(actor=SYSTEM, round=rnd, upload=sheet(rows, ["姓名", "身份证号", "得分"]))
    assert batch.rows == 8 and batch.matched == 1 and batch.refused == 7
    reasons = {r["row"]: r["reason"] for r in batch.report}
    assert reasons[3] == "与第2行重复。"
    assert reasons[4] == "身份证号无效。"
    assert reasons[5] == "会员名册中没有此身份证号。"
    assert reasons[6] == "姓名与会员名册不符。"
    assert reasons[7] == "不在本活动本期的学习对象范围内。"
    assert reasons[8] == "没有身份证号或手机号。"
    assert "得分" in reasons[9]
    assert all("*" in r["name"] for r in batch.report)  # names masked in the report
    assert StudyResult.objects.filter(round=rnd).count() == 1


def test_import_matches_by_phone_and_name(tree):
    w = world(tree)
    member = person(tree.henghui_union, "恒辉手机", phone="13912345678")
    rnd = services.round_create(actor=SYSTEM, campaign=w.campaign, as_of=dt.date(2021, 2, 1))
    batch = services.results_import(
        actor=SYSTEM, round=rnd, upload=sheet([["恒辉手机", "139 1234 5678", 66]], ["姓名", "手机号码", "积分"])
    )
    assert batch.matched == 1
    assert StudyResult.objects.get(round=rnd).member == member


def test_another_campaigns_sheet_is_refused_whole(tree):
    w = world(tree)
    services.campaign_create(
        actor=SYSTEM, org=tree.henghui, name="恒辉主题学习", starts_on=dt.date(2021, 1, 1), target_orgs=[tree.henghui]
    )
    rnd = services.round_create(actor=SYSTEM, campaign=w.campaign, as_of=dt.date(2021, 1, 22))
    p = w.people[0]
    with pytest.raises(ValidationError) as exc:
        services.results_import(
            actor=SYSTEM,
            round=rnd,
            upload=sheet([[p.name, p.id_number, 1]], ["姓名", "身份证号", "得分"], title="恒辉主题学习成绩"),
        )
    assert "不是本活动" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.results_import(
            actor=SYSTEM,
            round=rnd,
            upload=sheet([[p.name, p.id_number, 1, "第5期"]], ["姓名", "身份证号", "得分", "期数"]),
        )
    assert "第5期" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.results_import(actor=SYSTEM, round=rnd, upload=sheet([[p.name, 1]], ["姓名", "得分"]))
    assert "身份证号" in str(exc.value)
    assert not StudyResult.objects.filter(round=rnd).exists()


def test_a_circulated_round_is_frozen_and_its_circular_names_units(tree):
    from docx import Document

    w = world(tree)
    rnd = services.round_circulate(actor=SYSTEM, round=w.round)
    assert rnd.doc_number.startswith("沛宣通〔2021〕")
    with pytest.raises(ValidationError):
        services.result_enter(actor=SYSTEM, round=rnd, member=w.people[3], score=50)
    text = "\n".join(p.text for p in Document(io.BytesIO(documents.circular_docx(rnd))).paragraphs)
    assert "中共沛县县委宣传部" in text and "恒辉学习强国第1期" in text
    assert "恒辉编织工会" in text and "75.0%" in text


def test_rates_by_town_and_distribution(tree):
    w = world(tree)
    towns = selectors.unit_rates(w.round, selectors.TOWN)
    assert [t["participants"] for t in towns] == [3]
    assert dict(selectors.distribution(w.round))["80%～90%"] == 3
    assert selectors.trend(w.campaign)[0]["rate"] == pytest.approx(0.75)


def test_bank_import_is_all_or_nothing(tree):
    headers = ["题型", "题干", "选项A", "选项B", "答案", "标签", "难度"]
    good = [
        ["单选", "一加一等于几？", "二", "三", "A", "常识", "易"],
        ["判断", "地球是圆的。", "", "", "对", "常识", "中"],
    ]
    bad = [*good, ["单选", "缺答案的题", "甲", "乙", "", "常识", "易"], ["多选", "答案越界", "甲", "乙", "AZ", "", ""]]
    before = Question.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.questions_import(actor=SYSTEM, org=tree.county, upload=sheet(bad, headers))
    messages = exc.value.message_dict["file"]
    assert any(m.startswith("第4行") and "缺少答案" in m for m in messages)
    assert any(m.startswith("第5行") for m in messages)
    assert Question.objects.count() == before
    assert services.questions_import(actor=SYSTEM, org=tree.county, upload=sheet(good, headers)) == 2


def test_scoring_rules():
    q = Question(kind="multiple", answer="ACD")
    assert services.score_one(q, "DCA") and not services.score_one(q, "AC")
    fill = Question(kind="fill", answer="总工会|全国总工会")
    assert services.score_one(fill, " 全国 总工会 ") and not services.score_one(fill, "")


def test_attempt_integrity(tree, personas):
    w = world(tree)
    user = personas["worker"]
    contest = w.open_contest
    attempt = services.attempt_start(actor=user, contest=contest, session_key="phone-1")
    assert len(attempt.questions) == 5 and len(set(attempt.questions)) == 5
    assert services.attempt_start(actor=user, contest=contest, session_key="phone-1").pk == attempt.pk
    with pytest.raises(ValidationError, match="另一台设备"):
        services.attempt_start(actor=user, contest=contest, session_key="phone-2")
    with pytest.raises(ValidationError, match="另一台设备"):
        services.attempt_submit(actor=user, attempt=attempt, session_key="phone-2", responses={})
    with pytest.raises(PermissionDenied):
        services.attempt_submit(actor=personas["chair"], attempt=attempt, session_key="phone-1", responses={})
    answers = right_answers(attempt)
    first = next(iter(answers))
    answers[first] = "错答"
    done = services.attempt_submit(actor=user, attempt=attempt, session_key="phone-1", responses=answers)
    assert done.status == AttemptStatus.SUBMITTED and done.correct == 4 and done.score == 20
    assert Answer.objects.filter(attempt=attempt).count() == 5
    with pytest.raises(ValidationError, match="不能重复提交"):
        services.attempt_submit(actor=user, attempt=attempt, session_key="phone-1", responses=answers)
    assert Answer.objects.filter(attempt=attempt).count() == 5
    with pytest.raises(ValidationError, match="已用完"):
        services.attempt_start(actor=user, contest=contest, session_key="phone-1")


def test_late_answers_are_refused(tree, personas):
    w = world(tree)
    user = personas["worker"]
    attempt = services.attempt_start(actor=user, contest=w.open_contest, session_key="k")
    late = attempt.deadline + dt.timedelta(seconds=31)
    with pytest.raises(ValidationError, match="已超过答题时间"):
        services.attempt_submit(
            actor=user, attempt=attempt, session_key="k", responses=right_answers(attempt), now=late
        )
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.EXPIRED and not Answer.objects.filter(attempt=attempt).exists()


def test_outsiders_cannot_take_a_contest(tree, personas):
    w = world(tree)
    with pytest.raises(PermissionDenied):
        services.attempt_start(actor=personas["worker"], contest=w.contest, session_key="x")


def test_best_of_n_ranking(tree):
    w = world(tree)
    now = timezone.now()
    contest = services.contest_create(
        actor=SYSTEM,
        org=tree.henghui,
        title="两次机会",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=1),
        draw=[{"count": 5}],
        attempts=2,
    )
    contest = services.contest_publish(actor=SYSTEM, contest=contest)
    a, b = w.people[0], w.people[1]
    t1 = services.attempt_start(actor=SYSTEM, contest=contest, session_key="a", member=a)
    services.attempt_submit(actor=SYSTEM, attempt=t1, session_key="a", responses={})
    t2 = services.attempt_start(actor=SYSTEM, contest=contest, session_key="a", member=a)
    services.attempt_submit(actor=SYSTEM, attempt=t2, session_key="a", responses=right_answers(t2))
    t3 = services.attempt_start(actor=SYSTEM, contest=contest, session_key="b", member=b)
    services.attempt_submit(actor=SYSTEM, attempt=t3, session_key="b", responses={})
    ranking = selectors.person_ranking(contest)
    assert [(r["name"], r["score"]) for r in ranking] == [(a.name, 25), (b.name, 0)]
    assert selectors.rank_of(t1) == 1
    assert selectors.unit_ranking(contest)[0]["average"] == 12.5


def test_draw_needs_enough_questions(tree):
    bank(tree.henghui, copies=1)
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        services.contest_create(
            actor=SYSTEM,
            org=tree.henghui,
            title="题不够",
            starts_at=now,
            ends_at=now + dt.timedelta(hours=1),
            draw=[{"tag": "安全", "count": 3}],
        )
    assert "只有 1 道" in str(exc.value)


def test_development_stages_go_forward(tree, settings):
    w = world(tree)
    p = w.people[1]
    services.development_record(actor=SYSTEM, member=p, stage="activist", on=dt.date(2021, 3, 1))
    with pytest.raises(ValidationError, match="不能退回"):
        services.development_record(actor=SYSTEM, member=p, stage="applicant", on=dt.date(2021, 4, 1))
    with pytest.raises(ValidationError, match="早于"):
        services.development_record(actor=SYSTEM, member=p, stage="candidate", on=dt.date(2021, 1, 1))
    settings.LEARNING_PARTY_DATA = False
    with pytest.raises(ValidationError, match="未启用党建数据"):
        services.development_record(actor=SYSTEM, member=p, stage="candidate", on=dt.date(2021, 5, 1))


def test_scope_refuses_writes_outside(tree, personas):
    world(tree)
    with pytest.raises(PermissionDenied):
        services.position_create(actor=personas["chair"], org=tree.henghui, kind="base", name="越权基地")
    with pytest.raises(PermissionDenied):
        services.question_create(actor=personas["liaison"], org=tree.hrss, kind="judge", text="x", answer="对")
    assert not Attempt.objects.filter(user=personas["chair"]).exists()
