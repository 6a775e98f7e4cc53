from decimal import Decimal as D

from gefeng.supervision import scoring


def test_timeliness_counts_late_reports_at_their_credit():
    assert scoring.timeliness(due=8, on_time=6, late=2, late_credit=D("0.5")) == D("0.8750")
    assert scoring.timeliness(due=8, on_time=6, late=2, late_credit=D("0")) == D("0.7500")
    assert scoring.timeliness(due=3, on_time=1, late=0, late_credit=D("0.5")) == D("0.3333")


def test_nothing_due_is_full_timeliness():
    assert scoring.timeliness(due=0, on_time=0, late=0, late_credit=D("0.5")) == D("1")


def test_caps_apply_per_rule_then_overall():
    assert scoring.capped_sum([(D("4"), D("3")), (D("1"), None)], D("5")) == D("4")
    assert scoring.capped_sum([(D("4"), D("3")), (D("3"), None)], D("5")) == D("5")
    assert scoring.capped_sum([], D("5")) == D("0")


def test_total_is_weighted_sum_rounded_half_up():
    total = scoring.total(
        weight_completion=D("50"),
        weight_timeliness=D("30"),
        weight_quality=D("20"),
        completion=D("0.8"),
        timeliness=D("0.9"),
        quality=D("85"),
        bonus=D("2"),
        deduction=D("1"),
    )
    assert total == D("85.00")  # 40 + 27 + 17 + 2 − 1
    half = scoring.total(
        weight_completion=D("50"),
        weight_timeliness=D("30"),
        weight_quality=D("20"),
        completion=D("0.12345"),
        timeliness=D("0"),
        quality=None,
        bonus=D("0"),
        deduction=D("0"),
    )
    assert half == D("6.17")  # 6.1725 → 6.17; unmarked quality counts 0


def _row(key, total, completion="0.5", timeliness="0.5"):
    return scoring.Ranked(key, D(total), D(completion), D(timeliness))


def test_ties_share_a_rank_and_the_next_rank_skips():
    ranked = scoring.rank([_row("c", "85"), _row("a", "90"), _row("b", "85"), _row("d", "80")])
    assert [(r.key, r.rank) for r in ranked] == [("a", 1), ("c", 2), ("b", 2), ("d", 4)]


def test_equal_totals_are_broken_by_completion_then_timeliness():
    ranked = scoring.rank(
        [_row("x", "85", "0.6", "0.9"), _row("y", "85", "0.7", "0.1"), _row("z", "85", "0.6", "0.95")]
    )
    assert [(r.key, r.rank) for r in ranked] == [("y", 1), ("z", 2), ("x", 3)]


def test_advanced_selection_takes_the_number_set_and_everyone_tied_at_the_line():
    rows = scoring.rank([_row(k, t) for k, t in (("a", "95"), ("b", "90"), ("c", "90"), ("d", "80"))])
    assert [r.key for r in scoring.select_advanced(rows, 1)] == ["a"]
    assert [r.key for r in scoring.select_advanced(rows, 2)] == ["a", "b", "c"]
    assert [r.key for r in scoring.select_advanced(rows, 3)] == ["a", "b", "c"]
    assert sum(r.advanced for r in rows) == 3
    assert scoring.select_advanced(rows, 0) == []
