"""The pages of 民主管理: the office runs a meeting, the representative votes on the phone."""

from __future__ import annotations

import re

import pytest

from gefeng.core.actors import SYSTEM
from gefeng.democracy import services
from gefeng.democracy.models import Ballot, Motion, VoteCast
from tests.conftest import PASSWORD
from tests.democracy.conftest import open_meeting, seat, world

pytestmark = pytest.mark.django_db


def teller(tree, username):
    from gefeng.accounts import services as accounts

    return accounts.user_create(
        actor=SYSTEM, username=username, name="计票人", org=tree.county, password=PASSWORD,
        roles={"county_admin"}, must_change=False,
    )  # fmt: skip


def test_office_pages_show_composition_and_tally(tree, login_as):
    w = world(tree)
    county = login_as("county")
    page = county.get(f"/democracy/{w.congress.pk}/").content.decode()
    assert 'data-check="managers"' in page and "中层以上管理人员" in page and "一线职工" in page
    page = county.get(f"/democracy/meetings/{w.meeting.pk}/").content.decode()
    assert "已达到" in page and 'data-testid="entitled">12<' in page
    r = county.get(f"/democracy/motions/{w.closed.pk}/")
    assert "未通过" in r.content.decode()
    r = county.get(f"/democracy/{w.congress.pk}/representatives/export/")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_phone_vote_end_to_end(tree, personas, login_as):
    rep = seat(tree, personas["worker"])
    meeting = open_meeting(rep.congress, signed=8)
    motion = services.motion_create(actor=SYSTEM, meeting=meeting, title="年度福利方案")
    services.motion_open(actor=SYSTEM, motion=motion)
    phone = login_as("worker")
    home = phone.get("/democracy/w/").content.decode()
    assert "年度福利方案" in home
    # Not signed in yet: the vote is refused with a message and nothing is written.
    yes = motion.options.get(code="yes").pk
    r = phone.post(f"/democracy/w/motions/{motion.pk}/vote/", {"choice": yes})
    assert r.status_code == 400 and "请先签到" in r.content.decode()
    r = phone.post(f"/democracy/w/checkin/{meeting.checkin_token}/")
    assert r.status_code == 302
    r = phone.post(f"/democracy/w/motions/{motion.pk}/vote/", {"choice": yes})
    receipt = re.search(r'data-testid="receipt"[^>]*>([A-Z0-9]{10})<', r.content.decode()).group(1)
    r = phone.post(f"/democracy/w/motions/{motion.pk}/vote/", {"choice": yes})
    assert r.status_code == 400 and "只能投一次" in r.content.decode()
    assert VoteCast.objects.filter(motion=motion).count() == 1
    services.motion_close(actor=SYSTEM, motion=motion)
    r = phone.get(f"/democracy/w/motions/{motion.pk}/tally/", {"receipt": receipt})
    assert "已计入：赞成" in r.content.decode()
    assert Ballot.objects.get(motion=motion, receipt=receipt).representative is None
    assert Motion.objects.get(pk=motion.pk).result["phone"] == 1


def test_worker_sees_disclosures_of_own_enterprise_only(tree, personas, login_as):
    seat(tree, personas["worker"])
    own = services.disclosure_publish(actor=SYSTEM, org=tree.xinge, category="safety", title="安全检查", content="合格")
    world(tree)  # 恒辉's disclosure
    phone = login_as("worker")
    page = phone.get("/democracy/w/disclosure/").content.decode()
    assert "安全检查" in page and "三季度社保缴纳" not in page
    assert phone.get(f"/democracy/w/disclosure/{own.pk}/").status_code == 200
    own.refresh_from_db()
    assert own.reads == 1


def test_bad_form_input_gives_messages(tree, login_as):
    w = world(tree)
    county = login_as("county")
    r = county.post(f"/democracy/{w.congress.pk}/constituencies/new/", {"name": "", "employees": "abc"}, follow=True)
    assert r.status_code == 200 and "请填写选区名称" in r.content.decode()
    r = county.post(f"/democracy/motions/{w.draft.pk}/close/", follow=True)
    assert "不在表决中" in r.content.decode()
