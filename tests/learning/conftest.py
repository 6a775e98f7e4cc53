"""Objects of the 引领聚魂 tests. `world(tree)` builds them once per test (the URL matrix calls
it): people of both enterprises (some party members), a study campaign of the outsider's
enterprise (恒辉编织) with a round, an import and results; a question bank and contests (one of
恒辉编织, closed, with a submitted attempt; one of the county, open, for the worker); registers
of 恒辉编织."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gefeng.core.actors import SYSTEM
from gefeng.core.validators import id_check_char

_SEQ = itertools.count(1)


def make_id(birth: str = "19800101") -> str:
    body = "320322" + birth + f"{next(_SEQ) % 1000:03d}"
    return body + id_check_char(body)


def person(union: Any, name: str, *, party: bool = False, phone: str = "", joined: dt.date = dt.date(2010, 1, 1)):
    from gefeng.members import services

    data = {"name": name, "id_number": make_id(), "joined_on": joined, "job_category": "一线工人"}
    if party:
        data["political_status"] = "中共党员"
    if phone:
        data["phone"] = phone
    return services.member_join(actor=SYSTEM, union=union, data=data)


def sheet(rows: list[list[Any]], headers: list[str], title: str = "") -> SimpleUploadedFile:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("成绩.xlsx", out.getvalue(), content_type="application/vnd.ms-excel")


def image(name: str = "书房.png", fmt: str = "PNG", size: tuple[int, int] = (640, 480)) -> SimpleUploadedFile:
    """A real picture (made with Pillow) as an upload."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


QUESTIONS = [
    ("single", "党的最高理想和最终目标是什么？", ["实现共产主义", "全面小康", "共同富裕"], "A", "党史"),
    ("multiple", "“四有”职工之家包括哪些？", ["有阵地", "有活动", "有制度", "有队伍"], "ABCD", "工会"),
    ("judge", "工会会员有权对工会工作提出批评和建议。", [], "对", "工会"),
    ("fill", "我国工会的最高领导机关是中华全国____。", [], "总工会|全国总工会", "工会"),
    ("single", "安全生产方针是安全第一、____、综合治理。", ["预防为主", "效益优先"], "A", "安全"),
]


def bank(org: Any, copies: int = 4) -> list[Any]:
    from gefeng.learning import services

    out = []
    for i in range(copies):
        for kind, text, opts, answer, tag in QUESTIONS:
            out.append(
                services.question_create(
                    actor=SYSTEM, org=org, kind=kind, text=f"{text}（{i}）", options=opts, answer=answer, tags=tag
                )
            )
    return out


def right_answers(attempt: Any) -> dict[int, str]:
    from gefeng.learning.models import Question

    found = Question.objects.in_bulk(attempt.questions)
    return {qid: found[qid].answer.split("|")[0] for qid in attempt.questions}


@dataclass
class World:
    people: list[Any]
    campaign: Any
    round: Any
    batch: Any
    contest: Any
    attempt: Any
    open_contest: Any
    position: Any
    safety: Any
    worker_member: Any
    photo: Any
    session: Any


def world(tree: Any) -> World:
    from gefeng.accounts.models import User
    from gefeng.learning import services
    from gefeng.learning.models import Campaign, Contest, Position, PositionPhoto, SafetyCampaign, SafetySession
    from gefeng.members.models import Member

    campaign = Campaign.objects.filter(org=tree.henghui, name="恒辉学习强国").first()
    if campaign is None:
        people = [
            person(tree.henghui_union, n, party=i % 2 == 0)
            for i, n in enumerate(["恒辉张三", "恒辉李四", "恒辉王五", "恒辉赵六"])
        ]
        worker_member = person(tree.xinge_union, "孙大伟")
        person(tree.xinge_union, "新格钱七", party=True)
        campaign = services.campaign_create(
            actor=SYSTEM,
            org=tree.henghui,
            name="恒辉学习强国",
            starts_on=dt.date(2021, 1, 1),
            target_orgs=[tree.henghui],
        )
        rnd = services.round_create(actor=SYSTEM, campaign=campaign, as_of=dt.date(2021, 1, 8))
        upload = sheet([[p.name, p.id_number, 80 + i] for i, p in enumerate(people[:3])], ["姓名", "身份证号", "得分"])
        services.results_import(actor=SYSTEM, round=rnd, upload=upload)
        bank(tree.henghui)
        bank(tree.county)
        now = timezone.now()
        contest = services.contest_create(
            actor=SYSTEM,
            org=tree.henghui,
            title="恒辉编织安全知识竞赛",
            starts_at=now - dt.timedelta(hours=2),
            ends_at=now + dt.timedelta(hours=2),
            draw=[{"count": 5}],
            winners=3,
        )
        contest = services.contest_publish(actor=SYSTEM, contest=contest)
        attempt = services.attempt_start(actor=SYSTEM, contest=contest, session_key="s1", member=people[0])
        services.attempt_submit(actor=SYSTEM, attempt=attempt, session_key="s1", responses=right_answers(attempt))
        services.contest_close(actor=SYSTEM, contest=contest)
        open_contest = services.contest_create(
            actor=SYSTEM,
            org=tree.county,
            title="全县职工安全知识竞赛",
            starts_at=now - dt.timedelta(hours=1),
            ends_at=now + dt.timedelta(days=1),
            draw=[{"count": 5}],
        )
        open_contest = services.contest_publish(actor=SYSTEM, contest=open_contest)
        if not Position.objects.filter(name="恒辉编织歌风书房").exists():
            services.position_create(
                actor=SYSTEM, org=tree.henghui, kind="reading", name="恒辉编织歌风书房", books=1200
            )
        safety = services.safety_campaign_create(
            actor=SYSTEM, org=tree.henghui, kind="ankang", name="恒辉编织安康杯", year=2021
        )
        services.safety_session_record(
            actor=SYSTEM,
            campaign=safety,
            enterprise=tree.henghui,
            held_on=dt.date(2021, 6, 1),
            title="安全生产月",
            trainees=120,
            members=people[:2],
        )
        room = Position.objects.get(name="恒辉编织歌风书房")
        if not room.photos.exists():
            services.photos_add(actor=SYSTEM, position=room, files=[image()], caption="阅览区")
        services.party_org_create(actor=SYSTEM, org=tree.henghui, name="恒辉编织党支部")
    user = User.objects.filter(username="worker").first()
    worker_member = Member.objects.filter(name="孙大伟", union=tree.xinge_union).order_by("pk").first()
    if user is not None and worker_member.user_id is None:
        Member.objects.filter(pk=worker_member.pk).update(user=user)
    rnd = campaign.rounds.first()
    contest = Contest.objects.get(org=tree.henghui, title="恒辉编织安全知识竞赛")
    return World(
        people=list(Member.objects.filter(union=tree.henghui_union).order_by("pk")),
        campaign=campaign,
        round=rnd,
        batch=rnd.imports.first(),
        contest=contest,
        attempt=contest.attempt_set.first(),
        open_contest=Contest.objects.filter(org=tree.county, title="全县职工安全知识竞赛").order_by("pk").first(),
        position=Position.objects.filter(name="恒辉编织歌风书房").order_by("pk").first(),
        safety=SafetyCampaign.objects.get(org=tree.henghui, name="恒辉编织安康杯"),
        worker_member=worker_member,
        photo=PositionPhoto.objects.filter(position__name="恒辉编织歌风书房").order_by("pk").first(),
        session=SafetySession.objects.filter(campaign__org=tree.henghui, title="安全生产月").order_by("pk").first(),
    )


@pytest.fixture(autouse=True)
def _data_dir(request, settings, tmp_path):
    """Photos of each test in its own folder: DATA_DIR and the default storage (DATA_DIR/media).
    (Not for the shared demo county, whose files stay where it was loaded.)"""
    from tests.conftest import DEMO_FIXTURES

    if DEMO_FIXTURES & set(request.fixturenames):
        return
    settings.DATA_DIR = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }
