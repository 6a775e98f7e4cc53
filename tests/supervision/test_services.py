"""State rules, refusals and scope of the supervision services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gefeng.core.models import AuditEntry
from gefeng.supervision import selectors, services
from gefeng.supervision.models import Attachment, TaskState, TaskUpdate, UnitScore
from tests.supervision.conftest import NOTICE_DAY, at, pdf

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- 督办 notices


def test_notice_candidates_are_the_lagging_items(world, personas):
    world.notice_kejiju.state = TaskState.CLOSED
    world.notice_kejiju.save()
    candidates = services.notice_candidates(personas["county"], world.plan, on=NOTICE_DAY)
    assert [(a.unit.short_name, s) for a, s in candidates] == [("县科技局", "lagging")]


def test_a_live_notice_removes_the_candidate_and_a_second_is_refused(world, personas):
    assert services.notice_candidates(personas["county"], world.plan, on=NOTICE_DAY) == []
    with pytest.raises(ValidationError, match="未办结的督办通知"):
        services.notice_issue(
            actor=personas["county"], assignment=world.asg_kejiju, content="再督办", deadline=dt.date(2021, 8, 1),
            on=NOTICE_DAY,
        )  # fmt: skip


def test_notice_refused_for_an_item_on_track(world, personas):
    with pytest.raises(ValidationError) as exc:
        services.notice_issue(
            actor=personas["county"], assignment=world.asg_hrss, content="督办", deadline=dt.date(2021, 8, 1),
            on=NOTICE_DAY,
        )  # fmt: skip
    assert "只能对滞后或逾期的项目发督办" in str(exc.value)


def test_notice_needs_a_deadline_after_issue_and_a_requirement(world, personas):
    world.notice_kejiju.state = TaskState.CANCELLED
    world.notice_kejiju.save()
    with pytest.raises(ValidationError) as exc:
        services.notice_issue(
            actor=personas["county"], assignment=world.asg_kejiju, content=" ", deadline=NOTICE_DAY, on=NOTICE_DAY
        )
    assert set(exc.value.message_dict) == {"content", "deadline"}


def test_only_the_county_office_issues_notices(world, personas):
    for name in ("liaison", "town", "auditor"):
        with pytest.raises(PermissionDenied):
            services.notice_issue(
                actor=personas[name], assignment=world.asg_hrss, content="x", deadline=dt.date(2021, 8, 1),
                on=NOTICE_DAY,
            )  # fmt: skip


def test_notice_number_follows_the_office_prefix(world):
    assert world.notice_kejiju.number == "沛产改办督〔2021〕1号"
    assert world.notice_kejiju.item_status == "lagging"


# ---------------------------------------------------------------- replies and review


def test_unit_replies_late_and_the_reply_is_marked(world, personas):
    task = world.notice_hrss
    services.task_report(
        actor=personas["liaison"], task=task, kind="submit", text="原因和措施", files=[pdf()],
        now=at(dt.date(2021, 7, 28)),
    )  # fmt: skip
    task.refresh_from_db()
    assert task.state == TaskState.SUBMITTED and task.submitted_late is True and task.reply == "原因和措施"
    assert Attachment.objects.filter(update__task=task, org=task.unit).count() == 1
    assert AuditEntry.objects.filter(action="supervision.task.submit", object_id=str(task.pk)).exists()


def test_on_time_reply_is_not_late(world, personas):
    services.task_report(
        actor=personas["liaison"],
        task=world.notice_hrss,
        kind="submit",
        text="已整改",
        now=at(dt.date(2021, 7, 25), 18),
    )
    world.notice_hrss.refresh_from_db()
    assert world.notice_hrss.submitted_late is False


def test_a_unit_cannot_reply_for_another_unit(world, personas):
    with pytest.raises(PermissionDenied):
        services.task_report(actor=personas["liaison"], task=world.notice_kejiju, kind="submit", text="x")
    with pytest.raises(PermissionDenied):
        services.task_report(actor=personas["auditor"], task=world.notice_kejiju, kind="submit", text="x")


def test_return_reopens_close_ends_and_a_closed_task_takes_no_more_reports(world, personas):
    county, liaison, task = personas["county"], personas["liaison"], world.notice_hrss
    with pytest.raises(ValidationError, match="不能办结"):
        services.task_review(actor=county, task=task, decision="close", comment="")
    services.task_report(actor=liaison, task=task, kind="submit", text="第一次回复")
    with pytest.raises(ValidationError) as exc:
        services.task_review(actor=county, task=task, decision="return", comment="")
    assert "comment" in exc.value.message_dict
    services.task_review(actor=county, task=task, decision="return", comment="措施不具体")
    assert task.state == TaskState.OPEN and task.review_comment == "措施不具体"
    services.task_report(actor=liaison, task=task, kind="submit", text="第二次回复")
    services.task_review(actor=county, task=task, decision="close", comment="")
    assert task.state == TaskState.CLOSED and task.closed_by == county
    with pytest.raises(ValidationError, match="不能再报送"):
        services.task_report(actor=liaison, task=task, kind="progress", text="补充")
    with pytest.raises(PermissionDenied):
        services.task_review(actor=liaison, task=task, decision="cancel", comment="x")
    kinds = list(TaskUpdate.objects.filter(task=task).values_list("kind", flat=True))
    assert kinds == ["submit", "return", "submit", "close"]


def test_cancel_needs_a_reason(world, personas):
    with pytest.raises(ValidationError):
        services.task_review(actor=personas["county"], task=world.decision_hrss, decision="cancel", comment="")
    services.task_review(actor=personas["county"], task=world.decision_hrss, decision="cancel", comment="会议调整")
    assert world.decision_hrss.state == TaskState.CANCELLED


def test_an_unknown_decision_is_refused(world, personas):
    with pytest.raises(ValidationError):
        services.task_review(actor=personas["county"], task=world.decision_hrss, decision="approve", comment="x")


# ---------------------------------------------------------------- files


def test_a_file_whose_content_is_not_allowed_is_refused_and_nothing_is_written(world, personas):
    fake = SimpleUploadedFile("报告.pdf", b"#!/bin/sh\necho hi\n" * 10, content_type="application/pdf")
    before = TaskUpdate.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.task_report(actor=personas["liaison"], task=world.notice_hrss, kind="submit", text="x", files=[fake])
    assert "不是允许的文件类型" in str(exc.value)
    assert TaskUpdate.objects.count() == before
    world.notice_hrss.refresh_from_db()
    assert world.notice_hrss.state == TaskState.OPEN


def test_too_large_and_empty_files_are_refused(world, personas, settings):
    settings.SUPERVISION_UPLOAD_MAX_MB = 0
    with pytest.raises(ValidationError, match="大小限制"):
        services.check_files([pdf()])
    with pytest.raises(ValidationError, match="空文件"):
        services.check_files([SimpleUploadedFile("a.pdf", b"")])


def test_wps_compound_files_are_accepted_by_their_header(world):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    checked = services.check_files([SimpleUploadedFile("情况说明.wps", ole)])
    assert checked[0].content_type == "application/vnd.ms-works"
    with pytest.raises(ValidationError):
        services.check_files([SimpleUploadedFile("情况说明.exe", ole)])


# ---------------------------------------------------------------- decisions and rectifications


def test_decisions_are_tracked_per_owner_and_a_unit_sees_only_its_own(world, personas):
    liaison = personas["liaison"]
    mine = list(selectors.tasks(liaison, kind="decision"))
    assert mine == [world.decision_hrss]
    assert list(selectors.tasks(personas["county"], kind="decision").order_by("seq")) == [
        world.decision_kejiju,
        world.decision_hrss,
    ]
    assert selectors.is_overdue(world.decision_kejiju, dt.date(2021, 9, 1))
    assert not selectors.is_overdue(world.decision_kejiju, dt.date(2021, 8, 31))
    services.task_report(actor=liaison, task=world.decision_hrss, kind="progress", text="已起草")
    assert world.decision_hrss.state == TaskState.OPEN
    assert selectors.task_counts(liaison)["decision"] == 1


def test_decision_needs_owner_title_and_deadline(world, personas):
    with pytest.raises(ValidationError) as exc:
        services.decision_add(
            actor=personas["county"], meeting=world.meeting, unit=None, data={"deadline": "2021-13-01"}
        )
    assert {"unit", "title", "deadline"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError, match="不能早于"):
        services.decision_add(
            actor=personas["county"], meeting=world.meeting, unit=world.asg_hrss.unit,
            data={"title": "x", "deadline": dt.date(2021, 6, 1)},
        )  # fmt: skip


def test_rectification_owner_must_be_a_visited_unit(world, personas, tree):
    with pytest.raises(ValidationError, match="被检查单位"):
        services.rectification_add(
            actor=personas["county"], inspection=world.inspection, unit=tree.longgu,
            data={"title": "x", "deadline": dt.date(2021, 10, 1), "issued_on": dt.date(2021, 9, 18)},
        )  # fmt: skip


def test_rectification_runs_to_closure(world, personas):
    county, task = personas["county"], world.rect_kejiju
    services.task_report(actor=county, task=task, kind="submit", text="已补齐")
    services.task_review(actor=county, task=task, decision="close", comment="核验通过")
    assert task.state == TaskState.CLOSED


def test_meeting_needs_units_and_a_valid_date(world, personas):
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(
            actor=personas["county"], plan=world.plan, data={"title": "会", "held_on": "昨天", "agenda": ""}, units=[]
        )
    assert {"held_on", "agenda", "units"} <= set(exc.value.message_dict)
    with pytest.raises(PermissionDenied):
        services.meeting_create(actor=personas["liaison"], plan=world.plan, data={}, units=[])


# ---------------------------------------------------------------- evaluation


def test_weights_must_sum_to_100_and_the_number_must_be_sane(world, personas):
    data = {
        "title": "x", "as_of": "2021-12-31", "weight_completion": "50", "weight_timeliness": "30",
        "weight_quality": "30", "late_credit": "2", "bonus_cap": "5", "deduction_cap": "-1", "advanced_count": "0",
    }  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.evaluation_update(actor=personas["county"], evaluation=world.evaluation, data=data)
    errors = exc.value.message_dict
    assert "三项权重之和应为 100" in errors["weight_quality"][0]
    assert {"late_credit", "deduction_cap", "advanced_count"} <= set(errors)


def test_compute_takes_completion_and_timeliness_from_the_plan(world):
    hrss, kejiju = world.score_hrss, world.score_kejiju
    assert hrss.items == 1 and kejiju.items == 1
    assert hrss.completion == Decimal("1.0000") and hrss.items_completed == 1
    assert kejiju.completion == Decimal("0.0000")
    # Q4 reports fall due in January: three owed by 31 December, none sent
    assert hrss.reports_due == 3 and hrss.reports_missing == 3 and hrss.timeliness == Decimal("0")
    # 50 × 1 + 30 × 0 + 20 × 0 (no quality yet) = 50; 县科技局 0 − 1 deduction
    assert hrss.total == Decimal("50.00")
    kejiju.refresh_from_db()
    assert kejiju.deduction == Decimal("1.00") and kejiju.total == Decimal("-1.00")


def test_quality_is_entered_with_a_reason_audited_and_reranks(world, personas):
    county = personas["county"]
    with pytest.raises(ValidationError) as exc:
        services.score_set_quality(actor=county, score=world.score_kejiju, quality="101", reason="")
    assert {"quality", "quality_reason"} == set(exc.value.message_dict)
    services.score_set_quality(actor=county, score=world.score_kejiju, quality="90", reason="材料扎实")
    score = UnitScore.objects.get(pk=world.score_kejiju.pk)
    assert score.total == Decimal("17.00")  # 20 × 0.9 − 1
    entry = AuditEntry.objects.filter(action="supervision.score.quality").latest("pk")
    assert entry.changes["quality"] == {"old": None, "new": "90"}
    with pytest.raises(PermissionDenied):
        services.score_set_quality(actor=personas["liaison"], score=world.score_hrss, quality="100", reason="自评")


def test_adjustments_respect_the_rule_cap(world, personas):
    county = personas["county"]
    with pytest.raises(ValidationError, match="本项上限"):
        services.adjustment_add(actor=county, score=world.score_kejiju, rule=world.rule, times=3, reason="逾期")
    services.adjustment_add(actor=county, score=world.score_kejiju, rule=world.rule, times=2, reason="再次逾期")
    world.score_kejiju.refresh_from_db()
    assert world.score_kejiju.deduction == Decimal("3.00")
    services.adjustment_delete(actor=county, adjustment=world.adjustment)
    world.score_kejiju.refresh_from_db()
    assert world.score_kejiju.deduction == Decimal("2.00")


def test_finalize_needs_every_quality_mark_then_selects_and_locks(world, personas):
    from gefeng.core import figures

    county = personas["county"]
    with pytest.raises(ValidationError, match="还没有工作质量得分"):
        services.evaluation_finalize(actor=county, evaluation=world.evaluation)
    services.score_set_quality(actor=county, score=world.score_hrss, quality="80", reason="好")
    services.score_set_quality(actor=county, score=world.score_kejiju, quality="95", reason="好")
    root = world.plan.org
    assert figures.compute(root, 2021)["advanced_units"] == 0  # not final yet
    chosen = services.evaluation_finalize(actor=county, evaluation=world.evaluation)
    assert [s.unit.short_name for s in chosen] == ["县人社局"]  # 66.00 against 18.00, one place
    assert figures.compute(root, 2021)["advanced_units"] == 1
    assert figures.compute(root, 2020)["advanced_units"] == 0
    with pytest.raises(ValidationError, match="已定稿"):
        services.score_set_quality(actor=county, score=world.score_hrss, quality="10", reason="改")
    with pytest.raises(ValidationError, match="已定稿"):
        services.evaluation_compute(actor=county, evaluation=world.evaluation)
    assert selectors.advanced_units(world.evaluation) == ["沛县人力资源和社会保障局"]
    services.evaluation_reopen(actor=county, evaluation=world.evaluation, reason="复核")
    assert selectors.advanced_units(world.evaluation) == []


def test_a_unit_sees_only_its_own_score(world, personas):
    assert list(selectors.own_scores(personas["liaison"])) == [world.score_hrss]
    assert list(selectors.evaluations(personas["liaison"])) == []
    assert set(selectors.ranking(personas["county"], world.evaluation)) == {world.score_hrss, world.score_kejiju}


def test_rules_are_data_added_and_removed_while_unused(world, personas):
    county = personas["county"]
    rule = services.rule_add(
        actor=county, evaluation=world.evaluation, data={"kind": "bonus", "name": "获省级表彰", "points": "2"}
    )
    with pytest.raises(ValidationError, match="同名"):
        services.rule_add(
            actor=county, evaluation=world.evaluation, data={"kind": "bonus", "name": "获省级表彰", "points": "1"}
        )
    with pytest.raises(ValidationError, match="不能删除"):
        services.rule_delete(actor=county, rule=world.rule)
    services.rule_delete(actor=county, rule=rule)


# ---------------------------------------------------------------- pilot enterprises


def test_pilots_by_scope_and_who_edits_what(world, personas, tree):
    town = personas["town"]
    assert list(selectors.pilots(town)) == [world.pilot_xinge]
    assert list(selectors.pilots(personas["liaison"])) == []
    assert set(selectors.pilots(personas["county"])) == {world.pilot_xinge, world.pilot_henghui}
    services.pilot_update(
        actor=town, pilot=world.pilot_xinge, data={"measures": "新举措", "results": "新成效", "level": "province"}
    )
    world.pilot_xinge.refresh_from_db()
    assert world.pilot_xinge.measures == "新举措" and world.pilot_xinge.level == "city"  # a town edits no level
    with pytest.raises(PermissionDenied):
        services.pilot_update(actor=town, pilot=world.pilot_henghui, data={"measures": "x"})
    with pytest.raises(PermissionDenied):
        services.pilot_create(actor=town, enterprise=tree.xinge, data={})


def test_pilot_register_refuses_duplicates_and_non_enterprises(world, personas, tree):
    county = personas["county"]
    with pytest.raises(ValidationError, match="已在试点企业名册中"):
        services.pilot_create(
            actor=county, enterprise=tree.xinge, data={"designated_on": dt.date(2021, 1, 1), "measures": "x"}
        )
    with pytest.raises(ValidationError, match="企业或事业单位"):
        services.pilot_create(
            actor=county, enterprise=tree.longgu, data={"designated_on": dt.date(2021, 1, 1), "measures": "x"}
        )


def test_attachments_keep_their_folder_and_a_random_name(world, personas):
    update = services.task_report(
        actor=personas["liaison"], task=world.notice_hrss, kind="progress", text="进展", files=[pdf()]
    )
    stored = update.files.get()
    assert stored.file.name.startswith("supervision/") and stored.file.name.endswith(".pdf")
    assert stored.original_name == "a.pdf" or stored.original_name.endswith(".pdf")
    assert stored.content_type == "application/pdf"
