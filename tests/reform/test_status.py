"""Every branch of the item state rule (selectors.decide / item_status) and the weighted roll-ups."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gefeng.core.actors import SYSTEM
from gefeng.reform import selectors, services
from gefeng.reform.models import Indicator, Item, Milestone, Plan
from gefeng.reform.selectors import COMPLETED, LAGGING, NOT_STARTED, ON_TRACK, OVERDUE, decide
from tests.reform import factories

D = dt.date


YEAR_END = D(2021, 12, 31)


def _item(deadline=YEAR_END, completed_on=None, weight="1"):
    return Item(plan=Plan(year=2021), deadline=deadline, completed_on=completed_on, weight=Decimal(weight))


def _ms(*pairs):
    return [Milestone(title=f"m{i}", due=due, done_on=done) for i, (due, done) in enumerate(pairs)]


class TestDecide:
    def test_confirmed_completion_wins_even_after_the_deadline(self):
        item = _item(deadline=D(2021, 6, 30), completed_on=D(2021, 7, 10))
        assert decide(
            item, on=D(2021, 8, 1), milestones=_ms((D(2021, 3, 1), None)), fractions=[0.1], reported=False
        ) == (
            COMPLETED,
            1.0,
        )

    def test_confirmation_in_the_future_does_not_count_yet(self):
        item = _item(completed_on=D(2021, 9, 1))
        status, _p = decide(item, on=D(2021, 2, 1), milestones=[], fractions=[], reported=False)
        assert status == NOT_STARTED

    def test_all_parts_complete(self):
        item = _item()
        ms = _ms((D(2021, 3, 1), D(2021, 2, 20)), (D(2021, 6, 1), D(2021, 6, 1)))
        assert decide(item, on=D(2021, 7, 1), milestones=ms, fractions=[1.0, 1.0], reported=True) == (COMPLETED, 1.0)

    def test_milestone_done_after_on_does_not_count(self):
        item = _item()
        ms = _ms((D(2021, 3, 1), D(2021, 8, 1)))
        status, progress = decide(item, on=D(2021, 4, 1), milestones=ms, fractions=[], reported=True)
        assert status == LAGGING and progress == 0

    def test_overdue_after_deadline(self):
        item = _item(deadline=D(2021, 6, 30))
        status, progress = decide(
            item,
            on=D(2021, 7, 1),
            milestones=_ms((D(2021, 3, 1), D(2021, 3, 1)), (D(2021, 6, 1), None)),
            fractions=[],
            reported=True,
        )
        assert status == OVERDUE and progress == pytest.approx(0.5)

    def test_on_the_deadline_day_is_not_overdue(self):
        item = _item(deadline=D(2021, 6, 30))
        status, _p = decide(
            item, on=D(2021, 6, 30), milestones=_ms((D(2021, 6, 30), None)), fractions=[], reported=True
        )
        assert status == ON_TRACK

    def test_lagging_when_a_milestone_is_past_due(self):
        item = _item()
        status, _p = decide(item, on=D(2021, 4, 2), milestones=_ms((D(2021, 4, 1), None)), fractions=[], reported=True)
        assert status == LAGGING

    def test_lagging_when_indicators_trail_the_year(self):
        item = _item()
        # 1 July: about half the year elapsed; 20% done trails by more than the 0.25 tolerance.
        status, progress = decide(item, on=D(2021, 7, 1), milestones=[], fractions=[0.2], reported=True)
        assert status == LAGGING and progress == pytest.approx(0.2)

    def test_indicators_within_tolerance_are_on_track(self):
        item = _item()
        status, _p = decide(item, on=D(2021, 7, 1), milestones=[], fractions=[0.3], reported=True)
        assert status == ON_TRACK

    def test_tolerance_is_a_setting(self, settings):
        settings.REFORM_LAG_TOLERANCE = 0.1
        status, _p = decide(_item(), on=D(2021, 7, 1), milestones=[], fractions=[0.3], reported=True)
        assert status == LAGGING

    def test_not_started_without_progress_or_report(self):
        status, progress = decide(
            _item(), on=D(2021, 2, 1), milestones=_ms((D(2021, 6, 1), None)), fractions=[0.0], reported=False
        )
        assert (status, progress) == (NOT_STARTED, 0.0)

    def test_a_submitted_report_makes_it_on_track(self):
        status, _p = decide(
            _item(), on=D(2021, 2, 1), milestones=_ms((D(2021, 6, 1), None)), fractions=[0.0], reported=True
        )
        assert status == ON_TRACK

    def test_item_without_parts(self):
        assert decide(_item(), on=D(2021, 2, 1), milestones=[], fractions=[], reported=False)[0] == NOT_STARTED
        assert decide(_item(), on=D(2021, 2, 1), milestones=[], fractions=[], reported=True)[0] == ON_TRACK
        assert (
            decide(_item(deadline=D(2021, 1, 31)), on=D(2021, 2, 1), milestones=[], fractions=[], reported=True)[0]
            == OVERDUE
        )

    def test_progress_is_the_mean_of_parts(self):
        ms = _ms((D(2021, 6, 1), D(2021, 5, 1)), (D(2021, 9, 1), None))
        _s, progress = decide(_item(), on=D(2021, 5, 2), milestones=ms, fractions=[0.4, 0.6], reported=True)
        assert progress == pytest.approx((0.5 + 0.4 + 0.6) / 3)


class TestIndicatorFraction:
    def test_fraction(self):
        ind = Indicator(baseline=Decimal(80), target=Decimal(95))
        assert selectors.indicator_fraction(ind, None) == 0
        assert selectors.indicator_fraction(ind, Decimal("87.5")) == pytest.approx(0.5)
        assert selectors.indicator_fraction(ind, Decimal(70)) == 0
        assert selectors.indicator_fraction(ind, Decimal(120)) == 1

    def test_target_equal_to_baseline(self):
        ind = Indicator(baseline=Decimal(5), target=Decimal(5))
        assert selectors.indicator_fraction(ind, Decimal(5)) == 1
        assert selectors.indicator_fraction(ind, Decimal(4)) == 0


@pytest.mark.django_db
class TestFromTheDatabase:
    def test_item_status_uses_reported_values(self, tree, hrss_item):
        assert selectors.item_status(hrss_item, on=D(2021, 2, 1)) == NOT_STARTED
        a = hrss_item.assignments.get(unit=tree.hrss)
        q1 = hrss_item.plan.periods.order_by("start").first()
        ind = hrss_item.indicators.get()
        services.reports_save(
            actor=SYSTEM,
            period=q1,
            entries=[services.Entry(assignment=a, narrative="进展", values={ind.pk: "100"}, milestones_done=set())],
            submit=True,
            now=dt.datetime(2021, 3, 20, 10, tzinfo=dt.UTC),
        )
        # the value reaches the target, but the milestones are not done: on track, not completed
        assert selectors.item_status(hrss_item, on=D(2021, 3, 25)) == ON_TRACK
        hrss_item.milestones.update(done_on=D(2021, 3, 25))
        assert selectors.item_status(hrss_item, on=D(2021, 3, 25)) == COMPLETED

    def test_co_units_values_add_up(self, tree, hrss_item):
        q1 = hrss_item.plan.periods.order_by("start").first()
        ind = hrss_item.indicators.get()
        entries = [
            services.Entry(assignment=a, narrative="进展", values={ind.pk: "30"}) for a in hrss_item.assignments.all()
        ]
        services.reports_save(actor=SYSTEM, period=q1, entries=entries, submit=True)
        state = selectors.item_states([hrss_item], on=D(2021, 4, 1))[hrss_item.pk]
        assert state.indicators[0].current == Decimal(60)

    def test_returned_and_draft_values_do_not_count(self, tree, hrss_item):
        q1 = hrss_item.plan.periods.order_by("start").first()
        ind = hrss_item.indicators.get()
        a = hrss_item.assignments.get(unit=tree.hrss)
        [_r] = services.reports_save(
            actor=SYSTEM,
            period=q1,
            entries=[services.Entry(assignment=a, narrative="x", values={ind.pk: "50"})],
            submit=False,
        )
        state = selectors.item_states([hrss_item], on=D(2021, 4, 1))[hrss_item.pk]
        assert state.indicators[0].current is None

    def test_live_indicator_reads_the_registered_figure(self, tree, plan):
        from gefeng.orgs import services as org_services
        from gefeng.orgs.models import Kind

        item = factories.item(
            tree,
            "2021-05",
            tree.hrss,
            indicators=[{"name": "新建工会", "unit": "家", "baseline": 0, "target": 2, "figure": "unions_founded"}],
        )
        assert selectors.item_states([item], on=D(2021, 6, 1))[item.pk].indicators[0].current == 0
        for name in ("甲工会", "乙工会"):
            org_services.orgnode_create(
                actor=SYSTEM,
                parent=tree.longgu,
                kind=Kind.UNION,
                name=name,
                union_founded_on=D(2021, 5, 1),
                audit_it=False,
            )
        state = selectors.item_states([item], on=D(2021, 6, 1))[item.pk]
        assert state.indicators[0].current == 2
        assert state.status == COMPLETED

    def test_live_indicator_scope_is_its_unit_org(self, tree, plan):
        from gefeng.orgs import services as org_services
        from gefeng.orgs.models import Kind

        item = factories.item(
            tree,
            "2021-06",
            tree.hrss,
            indicators=[
                {"name": "新建工会", "baseline": 0, "target": 5, "figure": "unions_founded", "unit_org": tree.yangtun}
            ],
        )
        org_services.orgnode_create(
            actor=SYSTEM,
            parent=tree.longgu,
            kind=Kind.UNION,
            name="龙固新工会",
            union_founded_on=D(2021, 5, 1),
            audit_it=False,
        )
        assert selectors.item_states([item], on=D(2021, 6, 1))[item.pk].indicators[0].current == 0

    def test_unknown_figure_is_refused(self, tree, plan):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError) as exc:
            factories.item(tree, "2021-07", tree.hrss, indicators=[{"name": "x", "target": 1, "figure": "no_such"}])
        assert "no_such" in str(exc.value)


@pytest.mark.django_db
def test_weighted_rollups(tree, personas, plan):
    done = [{"title": "m", "due": D(2021, 3, 1), "done_on": D(2021, 3, 1)}]
    half = [{"title": "a", "due": D(2021, 3, 1), "done_on": D(2021, 3, 1)}, {"title": "b", "due": D(2021, 11, 1)}]
    i1 = factories.item(tree, "2021-11", tree.hrss, weight="3", milestones=done)  # progress 1
    i2 = factories.item(tree, "2021-12", tree.kejiju, weight="1", milestones=half)  # progress 0.5
    m2 = factories.measure(plan, number=1, action=2)
    i2.measure = m2
    i2.save()
    view = selectors.plan_view(personas["county"], plan, on=D(2021, 6, 1))
    assert view.total.completion == pytest.approx((3 * 1 + 1 * 0.5) / 4)
    actions = {a.number: r for a, r in view.actions}
    assert actions[1].completion == 1 and actions[2].completion == pytest.approx(0.5)
    assert actions[3].items == 0 and actions[3].completion == 0
    measures = {m.pk: r for m, r in view.measures}
    assert measures[i1.measure_id].counts[COMPLETED] == 1
    progress = selectors.unit_progress(personas["county"], plan, on=D(2021, 6, 1))
    assert progress[tree.hrss.pk]["completion"] == 1 and progress[tree.hrss.pk]["completed"] == 1
    assert progress[tree.kejiju.pk]["completion"] == 0.5 and progress[tree.kejiju.pk]["on_track"] == 1
    # the liaison's roll-up covers only its own unit
    mine = selectors.unit_progress(personas["liaison"], plan, on=D(2021, 6, 1))
    assert set(mine) == {tree.hrss.pk}
