"""The pages: setup, nomination, review, scope per persona, the register, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gefeng.core.actors import SYSTEM
from gefeng.honours import services
from gefeng.honours.models import Allocation, Award, Campaign, Honour, Nomination, Rule
from tests.honours.conftest import TODAY, join, nominate, open_campaign, png

pytestmark = pytest.mark.django_db


def test_county_sets_up_a_campaign_in_the_ui(tree, personas, login_as):
    client = login_as("county")
    response = client.post(
        reverse("honours:campaign-create"),
        {
            "name": "沛县劳动模范评选",
            "level": "county",
            "issuer": "沛县人民政府",
            "year": TODAY.year,
            "notice_days": 5,
            "required_clearances": ["discipline", "tax"],
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and campaign.required_clearances == ["discipline", "tax"]
    detail = reverse("honours:campaign-detail", args=[campaign.pk])
    client.post(
        reverse("honours:award-add", args=[campaign.pk]), {"kind": "labour_model", "title": "沛县劳动模范", "quota": 10}
    )
    award = Award.objects.get()
    r = client.post(
        reverse("honours:allocation-set", args=[campaign.pk]),
        {"award": award.pk, "org": tree.longgu.pk, "quota": 20},
        follow=True,
    )
    assert "分配合计 20 超过" in r.content.decode()
    client.post(
        reverse("honours:allocation-set", args=[campaign.pk]), {"award": award.pk, "org": tree.longgu.pk, "quota": 4}
    )
    assert Allocation.objects.get().quota == 4
    r = client.post(
        reverse("honours:rule-add", args=[campaign.pk]),
        {"kind": "min_share", "trait": "frontline", "percent": "150"},
        follow=True,
    )
    assert "比例应为 0–100" in r.content.decode()
    client.post(
        reverse("honours:rule-add", args=[campaign.pk]), {"kind": "min_share", "trait": "frontline", "percent": "60"}
    )
    assert Rule.objects.get().percent == 60
    client.post(reverse("honours:campaign-open", args=[campaign.pk]))
    page = client.get(detail).content.decode()
    assert "推荐中" in page and "一线职工占比：暂无人选" in page and "龙固镇 · 沛县劳动模范：0 / 分配 4" in page


def test_chair_nominates_from_the_registry(tree, personas, login_as):
    campaign, award = open_campaign(tree)
    mine = join(tree.xinge_union, "欧阳推荐")
    join(tree.henghui_union, "欧阳外人")
    client = login_as("chair")
    pick = client.get(
        reverse("honours:nomination-pick", args=[campaign.pk]), {"unit": tree.xinge.pk, "award": award.pk, "q": "欧阳"}
    )
    body = pick.content.decode()
    assert "欧阳推荐" in body and "欧阳外人" not in body
    assert "320322" not in body.replace("320322*", "")  # ID numbers masked
    r = client.post(
        reverse("honours:nomination-create", args=[campaign.pk]),
        {
            "unit": tree.xinge.pk,
            "award": award.pk,
            "person": mine.pk,
            "post": "钳工",
            "deeds": "扎根一线十五年，技术革新五项。",
        },
    )
    n = Nomination.objects.get()
    assert r.status_code == 302 and n.unit == tree.xinge and n.created_by == personas["chair"]
    client.post(reverse("honours:attachment-add", args=[n.pk]), {"file": png()})
    assert n.attachments.count() == 1
    r = client.post(reverse("honours:nomination-submit", args=[n.pk]), {"comment": "同意推荐"})
    n.refresh_from_db()
    assert n.status == "town"
    # The town reviews it from its queue.
    town = login_as("town")
    listing = town.get(reverse("honours:nomination-list", args=[campaign.pk])).content.decode()
    assert "待我审核（1）" in listing
    town.post(
        reverse("honours:nomination-review", args=[n.pk]), {"action": "approve", "comment": "同意", "next": "list"}
    )
    n.refresh_from_db()
    assert n.status == "county"
    r = login_as("county").post(reverse("honours:nomination-review", args=[n.pk]), {"action": "reject"}, follow=True)
    assert "请填写意见" in r.content.decode()
    n.refresh_from_db()
    assert n.status == "county"


def test_bad_nomination_input_in_the_ui(tree, personas, login_as):
    campaign, award = open_campaign(tree)
    client = login_as("chair")
    url = reverse("honours:nomination-create", args=[campaign.pk])
    outsider = join(tree.henghui_union, "外单位人")
    for data, message in (
        ({"unit": tree.xinge.pk, "award": award.pk, "deeds": "事迹事迹事迹事迹事迹事迹"}, "请从会员库中选择被推荐人"),
        (
            # An id outside the chair's scope in the POST body: the form refuses it like a bad choice.
            {"unit": tree.xinge.pk, "award": award.pk, "person": outsider.pk, "deeds": "事迹事迹事迹事迹事迹事迹"},
            "不在您的数据范围内",
        ),
        (
            {"unit": tree.henghui.pk, "award": award.pk, "person": outsider.pk, "deeds": "事迹事迹事迹事迹事迹"},
            "选择一个有效的选项",
        ),
        ({"unit": "abc", "award": award.pk, "deeds": "x"}, "选择一个有效的选项"),
    ):
        r = client.post(url, data)
        assert r.status_code == 200
        assert message in r.content.decode(), message
    assert not Nomination.objects.exists()
    assert (
        client.get(reverse("honours:nomination-pick", args=[campaign.pk]), {"unit": "x", "award": "y"}).status_code
        == 200
    )
    assert client.get(reverse("honours:campaign-detail", args=[999999])).status_code == 404


def test_scope_per_persona(world, tree, personas, login_as):
    mine = nominate(world.open, world.open_award, tree.xinge, join(tree.xinge_union, "新格候选"))
    url = reverse("honours:nomination-list", args=[world.open.pk])
    seen = {}
    for persona in ("county", "town", "chair", "outsider", "auditor", "liaison"):
        seen[persona] = login_as(persona).get(url).content.decode()
    assert "王恒辉" in seen["county"] and "新格候选" in seen["county"] and "王恒辉" in seen["auditor"]
    assert "王恒辉" not in seen["chair"] and "新格候选" in seen["chair"]
    assert "王恒辉" not in seen["town"] and "新格候选" in seen["town"]
    assert "王恒辉" in seen["outsider"] and "新格候选" not in seen["outsider"]
    assert "王恒辉" not in seen["liaison"] and "新格候选" not in seen["liaison"]
    assert (
        login_as("chair").get(reverse("honours:nomination-detail", args=[world.outsider_nomination.pk])).status_code
        == 404
    )
    assert login_as("outsider").get(reverse("honours:nomination-detail", args=[mine.pk])).status_code == 404
    assert login_as("worker").get(reverse("honours:campaign-detail", args=[world.open.pk])).status_code == 404


def test_worker_sees_only_own_honours(world, tree, personas, login_as):
    me = join(tree.xinge_union, "孙职工", user=personas["worker"])
    services.honour_grant(
        actor=SYSTEM,
        person=me,
        kind="civilized_worker",
        title="沛县文明职工",
        level="county",
        year=2021,
        issuer="沛县总工会",
    )
    body = login_as("worker").get(reverse("honours:honour-list")).content.decode()
    assert "我的荣誉" in body and "孙职工" in body and "王恒辉" not in body
    mine = Honour.objects.get(person=me)
    assert login_as("worker").get(reverse("honours:honour-detail", args=[mine.pk])).status_code == 200
    assert login_as("worker").get(reverse("honours:honour-detail", args=[world.outsider_honour.pk])).status_code == 404
    chair = login_as("chair").get(reverse("honours:honour-list")).content.decode()
    assert "孙职工" in chair and "王恒辉" not in chair


def test_register_filters_export_and_revoke(world, tree, personas, login_as):
    client = login_as("county")
    assert "王恒辉" in client.get(reverse("honours:honour-list"), {"kind": "civilized_worker"}).content.decode()
    assert "王恒辉" not in client.get(reverse("honours:honour-list"), {"kind": "labour_model"}).content.decode()
    assert client.get(reverse("honours:honour-list"), {"year": "abc"}).status_code == 200
    export = client.get(reverse("honours:honour-export"), {"format": "xlsx"})
    assert export.status_code == 200
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "获得者" and rows[1][0] == "王恒辉" and rows[1][8] == "T-0001"
    r = client.post(
        reverse("honours:honour-revoke", args=[world.outsider_honour.pk]),
        {"on": TODAY.isoformat(), "reason": "弄虚作假"},
    )
    assert r.status_code == 302
    world.outsider_honour.refresh_from_db()
    assert world.outsider_honour.revoked_on == TODAY


def test_record_an_honour_from_above(tree, personas, login_as):
    m = join(tree.xinge_union, "省级劳模")
    client = login_as("county")
    assert "省级劳模" in client.get(reverse("honours:honour-pick"), {"q": "省级"}).content.decode()
    r = client.post(
        reverse("honours:honour-create"),
        {
            "person": m.pk,
            "kind": "labour_model",
            "title": "江苏省劳动模范",
            "level": "provincial",
            "year": 2020,
            "issuer": "江苏省人民政府",
            "awarded_on": "2020-04-29",
        },
    )
    assert r.status_code == 302
    h = Honour.objects.get()
    assert (h.person, h.level, h.awarded_on) == (m, "provincial", dt.date(2020, 4, 29))
    r = client.post(
        reverse("honours:honour-create"),
        {"person": 999999, "kind": "labour_model", "title": "x", "level": "city", "year": 2020, "issuer": "x"},
    )
    assert "找不到该会员" in r.content.decode()


def test_notice_and_approval_pages(world, personas, login_as):
    client = login_as("county")
    detail = client.get(reverse("honours:campaign-detail", args=[world.notice.pk])).content.decode()
    assert world.notice.notice_token in detail and "反映事迹材料有夸大" in detail and "公示期至" in detail
    approve = client.get(reverse("honours:campaign-approve", args=[world.notice.pk])).content.decode()
    assert "还有 1 件公示异议未办结" in approve and "李新格" in approve
    r = client.post(reverse("honours:campaign-approve", args=[world.notice.pk]), {"decided_on": TODAY.isoformat()})
    assert r.status_code == 200 and "期满后才能批准" in r.content.decode()
    r = client.post(
        reverse("honours:objection-resolve", args=[world.objection.pk]),
        {"status": "dismissed", "resolution": "经核实不属实", "on": "bad"},
        follow=True,
    )
    assert "请选择核查结论" in r.content.decode()
    client.post(
        reverse("honours:objection-resolve", args=[world.objection.pk]),
        {"status": "dismissed", "resolution": "经核实不属实", "on": TODAY.isoformat()},
    )
    world.objection.refresh_from_db()
    assert world.objection.status == "dismissed"
    r = client.post(
        reverse("honours:objection-create", args=[world.notice.pk]),
        {
            "received_on": TODAY.isoformat(),
            "content": "新的异议内容：材料不实",
            "nomination": world.notice_nomination.pk,
        },
        follow=True,
    )
    assert "已登记公示异议" in r.content.decode()


def test_a_unit_liaison_reaches_no_member_below_its_unit(world, tree, personas, login_as):
    """The liaison's role has honours.nominate at 本级 and no members.view: a union hanging under
    its unit does not open the registry to it, in the picker, the form or the service."""
    from django.core.exceptions import ValidationError

    from gefeng.honours import services as honour_services
    from gefeng.orgs import services as org_services
    from gefeng.orgs.models import Kind

    union = org_services.orgnode_create(
        actor=SYSTEM, parent=tree.hrss, kind=Kind.UNION, name="沛县人社局机关工会", audit_it=False
    )
    member = join(union, "人社会员")
    client = login_as("liaison")
    pick = client.get(
        reverse("honours:nomination-pick", args=[world.open.pk]),
        {"unit": tree.hrss.pk, "award": world.open_award.pk, "q": "人社"},
    )
    assert pick.status_code == 200 and "人社会员" not in pick.content.decode()
    response = client.post(
        reverse("honours:nomination-create", args=[world.open.pk]),
        {
            "unit": tree.hrss.pk,
            "award": world.open_award.pk,
            "person": member.pk,
            "deeds": "扎根一线，技术革新成果显著。",
        },
    )
    assert response.status_code == 200
    assert not Nomination.objects.filter(person=member).exists()
    with pytest.raises(ValidationError):
        honour_services.nomination_create(
            actor=personas["liaison"],
            campaign=world.open,
            award=world.open_award,
            unit=tree.hrss,
            data={"deeds": "扎根一线，技术革新成果显著。"},
            person=member,
        )
    assert not Nomination.objects.filter(person=member).exists()
    # The county, which sees the registry, may nominate the same member for the unit.
    county = honour_services.nomination_create(
        actor=personas["county"],
        campaign=world.open,
        award=world.open_award,
        unit=tree.hrss,
        data={"deeds": "扎根一线，技术革新成果显著。"},
        person=member,
    )
    assert county.person == member
