"""The 工作台: the registry, every registered item's count for the persona it serves (and not
for the others), and the home page of each persona."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from gefeng.core import workbench
from tests.conftest import PERSONAS

TODAY = timezone.localdate()


def count(key: str, user) -> int | None:
    """The item's count for the user, or None when the item does not apply to them."""
    item = workbench.get(key)
    assert item is not None, key
    return item.count(user) if item.applies(user) else None


# ---------------------------------------------------------------- registry


def test_every_app_registers_items_and_dates():
    keys = set(workbench.keys())
    for prefix in ("reform.", "supervision.", "honours.", "allowances.", "members.", "accounts."):
        assert any(k.startswith(prefix) for k in keys), prefix
    assert {"reform.period_due", "supervision.task_deadline", "honours.dates"} <= set(workbench.deadline_keys())


def test_registry_refuses_duplicates_and_unknown_kinds():
    item = workbench.get("reform.review")
    with pytest.raises(ValueError, match="twice"):
        workbench.register(item)
    with pytest.raises(ValueError, match="kind"):
        workbench.register(workbench.Item("x.y", "x", None, lambda u: 1, "core:home", kind="other"))
    with pytest.raises(ValueError, match="twice"):
        workbench.register_deadline(workbench.Deadline("honours.dates", None, lambda u, t, n: []))


def test_items_for_shows_non_zero_counts_with_links_and_caps(personas, monkeypatch):
    monkeypatch.setattr(workbench, "_items", {})
    workbench.register(
        workbench.Item("t.zero", "零", None, lambda u: 0, "core:home"),
        workbench.Item("t.many", "多", None, lambda u: 5000, "core:notification-list", query={"unread": 1}),
        workbench.Item("t.note", "提醒", None, lambda u: 2, "core:home", kind=workbench.REMIND, order=1),
        workbench.Item("t.perm", "需权限", "audit.view", lambda u: 1, "core:home"),
    )
    rows = workbench.items_for(personas["county"])
    assert [r["key"] for r in rows] == ["t.many", "t.note"]  # 待办 first, zero and unpermitted left out
    assert rows[0]["display"] == "999+" and rows[0]["url"] == "/notifications/?unread=1"
    assert [r["key"] for r in workbench.items_for(personas["auditor"])] == ["t.many", "t.perm", "t.note"]


def test_capped_stops_counting(tree):
    from gefeng.orgs.models import OrgNode

    assert workbench.capped(OrgNode.objects.all(), cap=3) == 4
    assert workbench.capped(OrgNode.objects.all()) == OrgNode.objects.count()


# ---------------------------------------------------------------- reform and supervision


@pytest.fixture
def live_plan(tree):
    """This year's published plan: an item of 县人社局 with 龙固镇 co-responsible, one of 县科技局."""
    from tests.reform import factories

    plan = factories.plan(tree, year=TODAY.year)
    end = dt.date(TODAY.year, 12, 31)
    factories.item(tree, f"{TODAY.year}-01", tree.hrss, p=plan, co=(tree.longgu,), deadline=end)
    factories.item(tree, f"{TODAY.year}-90", tree.kejiju, p=plan, deadline=end)
    plan.status = "published"
    plan.save()
    return plan


def _report(plan, unit, state, period=None):
    from gefeng.reform.models import Assignment, Report

    period = period or plan.periods.filter(start__lte=TODAY).order_by("-start").first()
    a = Assignment.objects.get(item__plan=plan, unit=unit)
    return Report.objects.create(assignment=a, period=period, state=state, submitted_at=timezone.now())


def test_reform_items(personas, tree, live_plan):
    p = personas
    current = live_plan.periods.filter(start__lte=TODAY, due__gte=TODAY).first()
    past = live_plan.periods.filter(due__lt=TODAY).count()
    assert count("reform.due", p["liaison"]) == (1 if current else 0)
    assert count("reform.late", p["liaison"]) == past
    assert count("reform.due", p["county"]) is None  # the office reviews, it does not owe
    assert count("reform.due", p["chair"]) is None
    assert count("reform.review", p["liaison"]) is None
    assert count("reform.review", p["county"]) == 0
    first = live_plan.periods.order_by("start").first()
    _report(live_plan, tree.hrss, "returned", first)
    _report(live_plan, tree.kejiju, "submitted", first)
    assert count("reform.returned", p["liaison"]) == 1
    assert count("reform.returned", p["town"]) == 0  # 龙固镇's own assignment was not returned
    assert count("reform.review", p["county"]) == 1
    assert f"plan={live_plan.pk}" in workbench.get("reform.review").url(p["county"])
    assert f"period={first.pk}" in workbench.get("reform.returned").url(p["liaison"])
    # 科技局 reported the first period; the returned report of 人社局 is still owed.
    if first.due < TODAY:
        assert count("reform.late", p["liaison"]) == past


def test_reform_deadlines(personas, live_plan):
    dues = workbench.deadlines_for(personas["liaison"])
    upcoming = live_plan.periods.filter(due__gte=TODAY).count()
    assert len([d for d in dues if d.what == "报送截止"]) == min(upcoming, 8)
    assert workbench.deadlines_for(personas["security"]) == []


def test_supervision_items(personas, tree, live_plan):
    from gefeng.supervision.models import Evaluation, Task

    def task(unit, seq, state="open", deadline=TODAY - dt.timedelta(days=1)):
        return Task.objects.create(
            kind="notice",
            plan=live_plan,
            unit=unit,
            seq=seq,
            title=f"督办{seq}",
            deadline=deadline,
            issued_on=TODAY - dt.timedelta(days=10),
            state=state,
        )

    task(tree.hrss, 1)
    task(tree.hrss, 2, deadline=TODAY + dt.timedelta(days=3))
    task(tree.kejiju, 3, state="submitted")
    p = personas
    assert count("supervision.reply", p["liaison"]) == 2
    assert count("supervision.overdue", p["liaison"]) == 1
    assert count("supervision.reply", p["town"]) == 0
    assert count("supervision.verify", p["county"]) == 1
    assert count("supervision.verify", p["liaison"]) is None
    assert count("supervision.overdue", p["chair"]) is None
    assert workbench.get("supervision.overdue").url(p["liaison"]) == "/supervision/tasks/?state=overdue"
    dues = [d for d in workbench.deadlines_for(p["liaison"]) if d.label == "督办2"]
    assert dues and dues[0].on == TODAY + dt.timedelta(days=3)
    Evaluation.objects.create(plan=live_plan, title="年终考评", as_of=TODAY)
    assert count("supervision.evaluation", p["county"]) == 1
    assert count("supervision.evaluation", p["liaison"]) is None


# ---------------------------------------------------------------- honours


def test_honours_items(personas, tree, settings, tmp_path):
    from gefeng.core.actors import SYSTEM
    from gefeng.honours import services
    from gefeng.honours.models import Campaign, Objection
    from tests.honours.conftest import join, nominate, open_campaign

    settings.DATA_DIR = tmp_path
    p = personas
    campaign, award = open_campaign(tree)
    n = nominate(campaign, award, tree.xinge, person=join(tree.xinge_union, "张卫东"))
    services.nomination_submit(actor=SYSTEM, nomination=n, comment="同意推荐")
    assert count("honours.review", p["town"]) == 1
    assert count("honours.review", p["county"]) == 1  # the county may decide the town step too
    assert count("honours.review", p["outsider"]) is None
    assert count("honours.review", p["chair"]) is None
    assert f"/honours/{campaign.pk}/nominations/?status=town" == workbench.get("honours.review").url(p["town"])
    n.refresh_from_db()
    services.nomination_review(actor=SYSTEM, nomination=n, action="return", comment="请补充材料")
    assert count("honours.returned", p["chair"]) == 1
    assert count("honours.returned", p["outsider"]) == 0
    assert count("honours.review", p["town"]) == 0
    Objection.objects.create(campaign=campaign, received_on=TODAY, content="反映情况")
    assert count("honours.objections", p["county"]) == 1
    assert count("honours.objections", p["town"]) is None
    Campaign.objects.filter(pk=campaign.pk).update(
        status="notice", notice_starts_on=TODAY - dt.timedelta(days=3), notice_days=5
    )
    assert count("honours.notice_ending", p["county"]) == 1
    ends = [d for d in workbench.deadlines_for(p["county"]) if d.what == "公示结束"]
    assert ends and ends[0].on == TODAY + dt.timedelta(days=1)


# ---------------------------------------------------------------- allowances, imports, accounts


def test_allowance_runs_to_approve(personas, tree):
    from gefeng.allowances.models import AllowanceRun

    p = personas
    run = AllowanceRun.objects.create(
        org=tree.county, year=TODAY.year, as_of=TODAY, title="年度津贴", status="submitted", prepared_by=p["sysadmin"]
    )
    assert count("allowances.approve", p["county"]) == 1
    assert workbench.get("allowances.approve").url(p["county"]) == f"/allowances/{run.pk}/"
    AllowanceRun.objects.filter(pk=run.pk).update(prepared_by=p["county"])
    assert count("allowances.approve", p["county"]) == 0  # a second person approves
    assert count("allowances.approve", p["town"]) is None


def test_member_imports_of_the_user(personas, tree):
    from gefeng.members.models import ImportJob

    p = personas
    ImportJob.objects.create(
        actor=p["chair"],
        union=tree.xinge_union,
        filename="a.xlsx",
        stored="x",
        status="failed",
        finished_at=timezone.now(),
    )
    ImportJob.objects.create(actor=p["chair"], union=tree.xinge_union, filename="b.xlsx", stored="y")
    ImportJob.objects.create(
        actor=p["chair"],
        union=tree.xinge_union,
        filename="c.xlsx",
        stored="z",
        status="done",
        finished_at=timezone.now() - dt.timedelta(days=30),
    )
    assert count("members.import_failed", p["chair"]) == 1
    assert count("members.import_running", p["chair"]) == 1
    assert count("members.import_done", p["chair"]) == 0  # too old
    assert count("members.import_failed", p["town"]) == 0  # somebody else's
    assert count("members.import_failed", p["liaison"]) is None


def test_locked_accounts_and_pending_grants(personas):
    from gefeng.accounts.models import LoginThrottle, RoleGrant

    p = personas
    LoginThrottle.objects.create(
        bucket="u:chair", count=5, window_start=timezone.now(), locked_until=timezone.now() + dt.timedelta(minutes=9)
    )
    LoginThrottle.objects.create(
        bucket="u:town", count=5, window_start=timezone.now(), locked_until=timezone.now() - dt.timedelta(minutes=1)
    )
    assert count("accounts.locked", p["security"]) == 1
    assert workbench.get("accounts.locked").url(p["security"]) == f"/accounts/users/{p['chair'].pk}/"
    assert count("accounts.locked", p["county"]) is None
    RoleGrant.objects.create(user=p["chair"], role="town_officer", granted_by=p["security"])
    assert count("accounts.grants", p["sysadmin"]) == 1
    assert count("accounts.grants", p["security"]) is None
    assert count("accounts.grants_mine", p["security"]) == 1


# ---------------------------------------------------------------- the home page


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_home_page_of_every_persona(persona, login_as):
    r = login_as(persona).get(reverse("core:home"))
    assert r.status_code == 200
    body = r.content.decode()
    assert "左侧菜单" not in body and "建设中" not in body
    assert 'data-testid="recent-notifications"' in body
    if persona == "worker":
        assert 'data-testid="worker-links"' in body
        for text in ("我的会员信息", "我的荣誉", "修改密码"):
            assert text in body
        assert 'data-testid="workbench-todo"' not in body
    else:
        assert 'data-testid="workbench-todo"' in body and 'data-testid="shortcuts"' in body


def test_home_shows_each_persona_its_own_work(personas, tree, live_plan, login_as):
    from gefeng.accounts.models import LoginThrottle

    first = live_plan.periods.order_by("start").first()
    _report(live_plan, tree.hrss, "returned", first)
    _report(live_plan, tree.kejiju, "submitted", first)
    LoginThrottle.objects.create(
        bucket="u:outsider", count=5, window_start=timezone.now(), locked_until=timezone.now() + dt.timedelta(minutes=9)
    )
    liaison = login_as("liaison").get("/").content.decode()
    assert 'data-item="reform.returned"' in liaison and "被退回待重报的进展报告" in liaison
    assert 'data-item="reform.review"' not in liaison and 'data-item="accounts.locked"' not in liaison
    county = login_as("county").get("/").content.decode()
    assert 'data-item="reform.review"' in county and 'data-item="reform.returned"' not in county
    security = login_as("security").get("/").content.decode()
    assert 'data-item="accounts.locked"' in security and 'data-item="reform.review"' not in security
    chair = login_as("chair").get("/").content.decode()
    assert 'data-item="reform' not in chair and 'data-item="accounts' not in chair
