"""Every page works on real data: the demo county after a day of ordinary writes.

The demo county is loaded through the real loader (without the 40,000-member registry, plus a
small roster imported through the import service), the demo personas do what each module is
for — a reform report submitted and one returned, a roster import, an allowance run approved, an
ID number revealed, a nomination and an objection, a 督办 reply reviewed — and then every GET URL
of the platform is opened by every demo persona. URLs and their arguments come from the URL ×
role walk (`tests/test_url_permissions.py`, the `urls_matrix` cases), built twice on the demo's
own tree: once pointing at the outsider's enterprise (恒辉编织) as the walk does, once at the
persona's own (新格灌溉), plus the pages of the objects the writes produced. No answer may be a
server error, and the audit log must render every entry the writes wrote.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.conftest import Tree
from tests.honours.conftest import png
from tests.supervision.conftest import pdf
from tests.test_url_permissions import MATRIX, URLS, _token_for

pytestmark = pytest.mark.django_db

# test persona → demo account (core.demo._ACCOUNTS)
DEMO_USERS = {
    "sysadmin": "admin",
    "county": "xianzong",
    "liaison": "renshe",
    "town": "longgu",
    "chair": "xinge",
    "outsider": "henghui",
    "auditor": "shenji",
    "security": "anquan",
    "worker": "zhigong",
}
# Downloads whose body is a stream or a binary file: read, not decoded.
_EXPORT = re.compile(r"export|download|certificate|docx|rejects|bank")


def _demo_tree() -> tuple[Tree, Tree]:
    """The walk's tree on the demo county: (outsider's enterprise as in the walk, the chair's own)."""
    from gefeng.orgs.models import Kind, OrgNode

    def node(**kw: Any) -> OrgNode:
        return OrgNode.objects.filter(**kw).order_by("path").first()

    county = node(kind=Kind.COUNTY)
    longgu = node(kind=Kind.TOWN, name="龙固镇")
    xinge = node(kind=Kind.ENTERPRISE, name="徐州新格灌溉设备有限公司")
    xinge_union = node(kind=Kind.UNION, parent=xinge)
    xinge_team = node(kind=Kind.TEAM, parent=xinge_union)
    henghui = node(kind=Kind.ENTERPRISE, name="徐州恒辉编织机械有限公司")
    henghui_union = node(kind=Kind.UNION, parent=henghui)
    yangtun = henghui.parent
    hrss = node(kind=Kind.MEMBER_UNIT, short_name="县人社局")
    kejiju = node(kind=Kind.MEMBER_UNIT, short_name="县科技局")
    outside = Tree(county, longgu, xinge, xinge_union, xinge_team, yangtun, henghui, henghui_union, hrss, kejiju)
    inside = Tree(county, longgu, xinge, xinge_union, xinge_team, longgu, xinge, xinge_union, hrss, kejiju)
    return outside, inside


def _personas() -> dict[str, Any]:
    from gefeng.accounts.models import User

    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERS.values())}
    return {persona: users[name] for persona, name in DEMO_USERS.items()}


# ---------------------------------------------------------------- the day's writes


def _reform_reports(p: dict[str, Any]) -> dict[str, int]:
    """人社局 submits a report of the current period; the county office returns a submitted one."""
    from gefeng.reform import services
    from gefeng.reform.models import Assignment, Report, ReportState

    liaison, county = p["liaison"], p["county"]
    submitted = None
    for a in Assignment.objects.filter(unit=liaison.org).select_related("item__plan").order_by("pk"):
        for period in a.item.plan.periods.order_by("start"):
            if period.start > a.item.deadline or Report.objects.filter(assignment=a, period=period).exists():
                continue
            values = {i.pk: "1" for i in a.item.indicators.all() if not i.figure}
            entry = services.Entry(assignment=a, narrative="本期按计划推进，召开专题会议一次。", values=values)
            [submitted] = services.reports_save(actor=liaison, period=period, entries=[entry], submit=True)
            break
        if submitted is not None:
            break
    assert submitted is not None and submitted.state == ReportState.SUBMITTED
    other = Report.objects.filter(state=ReportState.SUBMITTED).exclude(pk=submitted.pk).order_by("pk").first()
    assert other is not None
    returned = services.report_review(actor=county, report=other, accept=False, comment="请补充佐证材料。")
    assert returned.state == ReportState.RETURNED
    return {"reform:report-detail": submitted.pk, "reform:report-detail#returned": returned.pk}


def _roster_import(p: dict[str, Any], tree: Tree) -> dict[str, int]:
    """The 新格灌溉 chair imports a small generated roster (with some bad rows) into its union."""
    from gefeng.members import services
    from gefeng.members.imports import rosters
    from gefeng.members.models import ImportJob, ImportStatus

    folder = Path(settings.DATA_DIR) / "crawl"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "新格灌溉会员花名册.xlsx"
    rosters.write_roster(path, rows=40, fmt="xlsx", seed=7, messy=True)
    job = services.import_job_create(
        actor=p["chair"],
        union=tree.xinge_union,
        filename=path.name,
        stored=path,
        size=path.stat().st_size,
        mode="insert",
        dry_run=False,
    )
    job = ImportJob.objects.get(pk=job.pk)
    assert job.status == ImportStatus.DONE, job.error
    assert job.result["imported"] > 0
    return {"members:import-detail": job.pk, "members:import-rejects": job.pk, "members:import-progress": job.pk}


def _reveal(p: dict[str, Any], tree: Tree) -> dict[str, int]:
    from gefeng.members import services
    from gefeng.members.models import Member

    member = Member.objects.filter(union=tree.xinge_union).order_by("pk").first()
    assert services.member_reveal(actor=p["chair"], member=member, field="id_number")
    return {"members:member-detail": member.pk}


def _allowance_run(p: dict[str, Any]) -> dict[str, int]:
    """A 2021 run: built and submitted by the county office, approved by a second officer."""
    from gefeng.allowances import services
    from gefeng.allowances.models import RunStatus
    from gefeng.talent import services as talent_services
    from gefeng.talent.models import TalentProfile

    county = p["county"]
    run = services.run_create(actor=county, org=county.org, year=2021, title="2021年劳模津贴发放")
    people = run.lines.filter(bank_account="").values_list("person_id", flat=True).distinct()
    for i, profile in enumerate(TalentProfile.objects.filter(person_id__in=list(people)).order_by("pk")):
        talent_services.profile_bank_update(
            actor=county, profile=profile, bank_holder="本人", bank_name="沛县农商银行", bank_account=f"62210{i:011d}"
        )
    run = services.run_rebuild(actor=county, run=run)
    run = services.run_submit(actor=county, run=run)
    county = p["sysadmin"]  # another officer than the one who prepared it
    run = services.run_approve(actor=county, run=run)
    assert run.status == RunStatus.APPROVED
    return {"allowances:run-detail": run.pk, "allowances:run-export": run.pk, "allowances:run-report": run.pk}


def _honours(p: dict[str, Any], tree: Tree) -> dict[str, int]:
    """The county opens a campaign, the 新格灌溉 chair nominates a member; an objection is recorded
    against the campaign in notice."""
    from gefeng.honours import selectors, services
    from gefeng.honours.models import Campaign, CampaignStatus

    county, chair = p["county"], p["chair"]
    today = dt.date.today()
    campaign = services.campaign_create(
        actor=county,
        org=county.org,
        data={
            "name": f"{today.year}年度沛县劳动模范评选",
            "issuer": "沛县总工会",
            "year": today.year,
            "notice_days": 5,
        },
    )
    award = services.award_save(actor=county, campaign=campaign, kind="labour_model", title="沛县劳动模范", quota=5)
    campaign = services.campaign_open(actor=county, campaign=campaign)
    person = selectors.nominable_people(chair, tree.xinge).order_by("pk").first()
    assert person is not None
    nomination = services.nomination_create(
        actor=chair,
        campaign=campaign,
        award=award,
        unit=tree.xinge,
        person=person,
        data={"post": "班组长", "deeds": "扎根一线二十年，带出徒弟三十余名，攻克技术难题多项。"},
    )
    services.attachment_add(actor=chair, nomination=nomination, upload=png())
    notice = Campaign.objects.filter(status=CampaignStatus.NOTICE).order_by("pk").first()
    target = notice.nominations.order_by("pk").first()
    objection = services.objection_record(
        actor=county,
        campaign=notice,
        nomination=target,
        content="反映该同志的获奖经历填写有误。",
        received_on=today,
        contact="来电",
    )
    assert objection.pk
    return {
        "honours:nomination-detail": nomination.pk,
        "honours:campaign-detail": campaign.pk,
        "honours:campaign-detail#notice": notice.pk,
        "honours:nomination-list": campaign.pk,
        "honours:nomination-detail#objected": target.pk,
    }


def _supervision(p: dict[str, Any]) -> dict[str, int]:
    """A unit replies to an open 督办 task; the county office returns it with comments."""
    from gefeng.supervision import services
    from gefeng.supervision.models import Task, TaskState

    county = p["county"]
    task = Task.objects.filter(state=TaskState.OPEN).order_by("pk").first()
    assert task is not None
    services.task_report(
        actor=county, task=task, kind="submit", text="已按要求整改完毕，附整改报告。", files=[pdf("整改报告.pdf")]
    )
    task.refresh_from_db()
    services.task_review(actor=county, task=task, decision="return", comment="整改材料不全，请补充。")
    task.refresh_from_db()
    assert task.state == TaskState.OPEN
    return {"supervision:task-detail": task.pk, "supervision:task-report": task.pk}


# ---------------------------------------------------------------- the walk

# Where a case's own arguments build a fixture world that does not fit the demo county (a second
# plan of the same year, a campaign of the test tree), the URL takes a demo object instead:
# URL name → model label (its first demo row, by pk; honours:notice-public by its token).
DEMO_OBJECTS = {
    "allowances:kind-edit": "allowances.AllowanceKind",
    "allowances:rule-create": "allowances.AllowanceKind",
    "allowances:rule-edit": "allowances.AllowanceRule",
    "allowances:run-detail": "allowances.AllowanceRun",
    "allowances:run-export": "allowances.AllowanceRun",
    "allowances:run-report": "allowances.AllowanceRun",
    "honours:attachment-download": "honours.Attachment",
    "honours:campaign-approve": "honours.Campaign",
    "honours:campaign-certificates": "honours.Campaign",
    "honours:campaign-detail": "honours.Campaign",
    "honours:campaign-edit": "honours.Campaign",
    "honours:campaign-notice-docx": "honours.Campaign",
    "honours:honour-certificate": "honours.Honour",
    "honours:honour-detail": "honours.Honour",
    "honours:nomination-create": "honours.Campaign",
    "honours:nomination-detail": "honours.Nomination",
    "honours:nomination-edit": "honours.Nomination",
    "honours:nomination-list": "honours.Campaign",
    "honours:nomination-pick": "honours.Campaign",
    "honours:notice-public": "honours.Campaign",
    "supervision:attachment-download": "supervision.Attachment",
    "supervision:circular-detail": "supervision.Circular",
    "supervision:circular-download": "supervision.Circular",
    "supervision:decision-create": "supervision.Meeting",
    "supervision:evaluation-detail": "supervision.Evaluation",
    "supervision:evaluation-edit": "supervision.Evaluation",
    "supervision:evaluation-export": "supervision.Evaluation",
    "supervision:inspection-detail": "supervision.Inspection",
    "supervision:meeting-detail": "supervision.Meeting",
    "supervision:meeting-edit": "supervision.Meeting",
    "supervision:pilot-detail": "supervision.PilotEnterprise",
    "supervision:pilot-edit": "supervision.PilotEnterprise",
    "supervision:rectification-create": "supervision.Inspection",
    "supervision:score-adjust": "supervision.UnitScore",
    "supervision:score-detail": "supervision.UnitScore",
    "supervision:score-quality": "supervision.UnitScore",
    "supervision:task-detail": "supervision.Task",
    "supervision:task-report": "supervision.Task",
}


def _demo_kwargs(name: str) -> dict[str, Any] | None:
    from django.apps import apps

    label = DEMO_OBJECTS.get(name)
    if label is None:
        return None
    model = apps.get_model(label)
    if name == "honours:notice-public":
        token = model.objects.exclude(notice_token="").order_by("pk").values_list("notice_token", flat=True).first()
        return {"token": token} if token else None
    pk = model.objects.order_by("pk").values_list("pk", flat=True).first()
    [param] = re.findall(r"<int:(\w+)>", URLS[name])
    return {param: pk} if pk else None


def _body(response: Any) -> str:
    raw = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return raw.decode("utf-8", "replace")


def _urls(trees: tuple[Tree, Tree], personas: dict[str, Any], extra: dict[str, int]) -> list[tuple[str, str]]:
    """(name, path) of every GET URL: from the walk's cases on both trees, plus the written objects."""
    out: dict[str, str] = {}
    for name in sorted(URLS):
        case = MATRIX[name]
        if "GET" not in case.methods:
            continue
        for i, tree in enumerate(trees):
            try:
                with transaction.atomic():
                    kwargs = case.kwargs(tree, personas)
            except Exception as exc:  # a case that cannot be built on the demo: a demo object
                kwargs = _demo_kwargs(name)
                if kwargs is None:
                    out[f"{name}@{i}"] = f"!{type(exc).__name__}: {exc}"
                    continue
            if i and not kwargs:
                continue
            out[f"{name}@{i}"] = reverse(name, kwargs=kwargs)
    for key, pk in extra.items():
        name = key.split("#")[0]
        try:
            out[key] = reverse(name, kwargs={"pk": pk})
        except NoReverseMatch:
            out[key] = f"!no such URL {name}"
    return sorted(out.items())


def test_every_page_answers_on_the_demo_county_after_a_day_of_writes(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    from gefeng.accounts.demo import DEMO_PASSWORD
    from gefeng.core.demo import load_demo
    from gefeng.core.models import AuditEntry

    load_demo(registry=False)
    trees = _demo_tree()
    personas = _personas()
    mark = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()

    extra: dict[str, int] = {}
    extra |= _roster_import(personas, trees[0])
    extra |= _reveal(personas, trees[0])
    extra |= _reform_reports(personas)
    extra |= _allowance_run(personas)
    extra |= _honours(personas, trees[0])
    extra |= _supervision(personas)
    written = list(AuditEntry.objects.filter(pk__gt=mark).order_by("pk").values_list("pk", "action"))
    assert len(written) >= 10

    urls = _urls(trees, personas, extra)
    unbuilt = [f"{key}: {path[1:]}" for key, path in urls if path.startswith("!")]
    assert not unbuilt, "URLs whose arguments could not be built on the demo county:\n" + "\n".join(unbuilt)

    failures: list[str] = []
    answered: dict[str, int] = {}
    for persona, user in personas.items():
        session = Client()
        r = session.post(reverse("accounts:login"), {"username": user.username, "password": DEMO_PASSWORD})
        assert r.status_code == 302, (persona, r.status_code)
        api = Client(HTTP_AUTHORIZATION=f"Bearer {_token_for(user)}")
        for key, path in urls:
            client = api if MATRIX[key.split("@")[0].split("#")[0]].api else session
            try:
                response = client.get(path)
                if response.status_code < 500 and _EXPORT.search(key):
                    _body(response)
            except Exception as exc:  # the test client re-raises a view's exception
                failures.append(f"{persona} {key} {path}: {type(exc).__name__}: {exc}")
                continue
            if response.status_code >= 500:
                failures.append(f"{persona} {key} {path}: {response.status_code}")
            elif response.status_code == 200:
                answered[persona] = answered.get(persona, 0) + 1
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures)
    # The walk reached real pages, not only refusals: every persona opened its own pages.
    assert all(answered.get(persona, 0) >= 5 for persona in personas), answered
    assert answered["county"] > 100, answered

    # The audit log renders every entry the writes produced (newest first, page by page).
    auditor = Client()
    auditor.post(reverse("accounts:login"), {"username": "shenji", "password": DEMO_PASSWORD})
    seen = ""
    for page in range(1, 50):
        r = auditor.get(reverse("core:audit-list"), {"size": 100, "page": page})
        assert r.status_code == 200
        seen += _body(r)
        if page * 100 >= AuditEntry.objects.filter(pk__gt=mark).count() + 100:
            break
    from gefeng.core import audit_actions

    missing = sorted({action for _pk, action in written if audit_actions.label(action) not in seen})
    assert not missing, f"audit entries the log page does not show: {missing}"
