"""Services: campaign setup, nomination level by level, scope, clearances, uploads, the notice and
its objections, approval with overrides, the register."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gefeng.core.actors import SYSTEM
from gefeng.core.models import AuditEntry
from gefeng.honours import services
from gefeng.honours.models import Campaign, Honour, Nomination, ReviewStep
from tests.honours.conftest import PNG, TODAY, join, new_campaign, nominate, open_campaign, png, shortlist

pytestmark = pytest.mark.django_db


def test_campaign_validation(tree, personas):
    with pytest.raises(ValidationError) as exc:
        services.campaign_create(
            actor=personas["county"],
            org=tree.county,
            data={"name": "", "issuer": "x", "year": 2020, "period_start": 2019, "period_end": 2016},
        )
    assert "name" in exc.value.message_dict
    with pytest.raises(ValidationError, match="结束年度不能早于开始年度"):
        services.campaign_create(
            actor=personas["county"],
            org=tree.county,
            data={"name": "评选", "issuer": "x", "year": 2020, "period_start": 2019, "period_end": 2016},
        )
    with pytest.raises(ValidationError, match="公示天数"):
        services.campaign_create(
            actor=personas["county"],
            org=tree.county,
            data={"name": "评选", "issuer": "x", "year": 2020, "notice_days": 0},
        )
    with pytest.raises(ValidationError, match="年度"):
        services.campaign_create(
            actor=personas["county"], org=tree.county, data={"name": "评", "issuer": "x", "year": "abc"}
        )
    with pytest.raises(PermissionDenied):
        services.campaign_create(
            actor=personas["town"], org=tree.county, data={"name": "评", "issuer": "x", "year": 2020}
        )
    c = services.campaign_create(
        actor=personas["county"], org=tree.county, data={"name": "评选", "issuer": "沛县总工会", "year": 2020}
    )
    assert c.notice_days == 5 and c.status == "draft"
    assert c.required_clearances == ["discipline", "safety", "environment", "tax", "social_insurance"]
    assert AuditEntry.objects.filter(action="honours.campaign.created", object_id=str(c.pk)).exists()


def test_notice_days_default_is_a_setting(tree, settings):
    settings.HONOURS_NOTICE_DAYS = 10
    c = services.campaign_create(actor=SYSTEM, org=tree.county, data={"name": "评", "issuer": "x", "year": 2020})
    assert c.notice_days == 10


def test_allocations_cannot_exceed_the_quota(tree, personas):
    campaign, award = new_campaign(tree, quota=5)
    county = personas["county"]
    services.allocation_set(actor=county, campaign=campaign, award=award, org=tree.longgu, quota=3)
    with pytest.raises(ValidationError, match="分配合计 6 超过"):
        services.allocation_set(actor=county, campaign=campaign, award=award, org=tree.yangtun, quota=3)
    services.allocation_set(actor=county, campaign=campaign, award=award, org=tree.hrss, quota=2)
    with pytest.raises(ValidationError, match="总名额不能少于已分配数"):
        services.award_save(
            actor=county, campaign=campaign, kind="labour_model", title="沛县模范评选", quota=4, award=award
        )
    with pytest.raises(ValidationError, match="镇街园区、成员单位"):
        services.allocation_set(actor=county, campaign=campaign, award=award, org=tree.xinge_team, quota=1)
    assert services.allocation_set(actor=county, campaign=campaign, award=award, org=tree.longgu, quota=0) is None
    with pytest.raises(PermissionDenied):
        services.allocation_set(actor=personas["town"], campaign=campaign, award=award, org=tree.longgu, quota=1)


def test_rules_validate(tree):
    campaign, _award = new_campaign(tree)
    for data, field in (
        ({"kind": "min_share", "trait": "frontline", "percent": "120"}, "percent"),
        ({"kind": "min_share", "trait": "frontline", "percent": "abc"}, "percent"),
        ({"kind": "min_share", "trait": "nope", "percent": 60}, "trait"),
        ({"kind": "no_repeat", "years": 0}, "years"),
        ({"kind": "required_prior", "prior_kind": ""}, "prior_kind"),
        ({"kind": "bogus"}, "kind"),
    ):
        with pytest.raises(ValidationError) as exc:
            services.rule_add(actor=SYSTEM, campaign=campaign, data=data)
        assert field in exc.value.message_dict, data


def test_review_level_by_level(tree, personas):
    campaign, award = open_campaign(tree)
    chair, town, county = personas["chair"], personas["town"], personas["county"]
    member = join(tree.xinge_union, "王新格")
    n = services.nomination_create(
        actor=chair,
        campaign=campaign,
        award=award,
        unit=tree.xinge,
        person=member,
        data={"post": "焊工", "deeds": "攻克喷灌设备焊接难题，年节约成本百万元。"},
    )
    assert n.status == "draft" and n.job_category == "一线工人" and n.non_public and n.unit_name == tree.xinge.name
    n = services.nomination_submit(actor=chair, nomination=n, comment="同意推荐")
    assert n.status == "town"
    # The chair cannot review; the county cannot skip the town step unless it acts for it.
    with pytest.raises(PermissionDenied):
        services.nomination_review(actor=chair, nomination=n, action="approve")
    with pytest.raises(ValidationError, match="请填写意见"):
        services.nomination_review(actor=town, nomination=n, action="return")
    n = services.nomination_review(actor=town, nomination=n, action="return", comment="事迹太简略，请补充。")
    assert n.status == "returned"
    n = services.nomination_update(actor=chair, nomination=n, data={"deeds": "补充：主持技改项目 3 项，获市级奖励。"})
    n = services.nomination_submit(actor=chair, nomination=n)
    n = services.nomination_review(actor=town, nomination=n, action="approve", comment="同意")
    assert n.status == "county"
    with pytest.raises(PermissionDenied):  # the county step needs honours.manage
        services.nomination_review(actor=town, nomination=n, action="approve")
    n = services.nomination_review(actor=county, nomination=n, action="approve", comment="入围")
    assert n.status == "shortlisted"
    trail = list(ReviewStep.objects.filter(nomination=n).values_list("level", "action"))
    assert trail == [
        ("unit", "submit"),
        ("town", "return"),
        ("unit", "submit"),
        ("town", "approve"),
        ("county", "approve"),
    ]
    assert ReviewStep.objects.filter(nomination=n, comment="事迹太简略，请补充。").exists()
    with pytest.raises(ValidationError, match="不在审核中"):
        services.nomination_review(actor=county, nomination=n, action="approve")


def test_reject_ends_and_frees_the_person(tree, personas):
    campaign, award = open_campaign(tree)
    member = join(tree.xinge_union, "被否决")
    n = services.nomination_submit(actor=SYSTEM, nomination=nominate(campaign, award, tree.xinge, member))
    with pytest.raises(ValidationError, match="已在本活动中被推荐"):
        nominate(campaign, award, tree.xinge, member)
    n = services.nomination_review(actor=personas["town"], nomination=n, action="reject", comment="不符合条件")
    assert n.status == "rejected"
    with pytest.raises(ValidationError):
        services.nomination_submit(actor=personas["chair"], nomination=n)
    assert nominate(campaign, award, tree.xinge, member).status == "draft"  # may be nominated again


def test_units_go_straight_to_the_county(tree, personas):
    campaign, award = open_campaign(tree)
    n = nominate(campaign, award, tree.longgu, join(tree.xinge_union, "镇推荐"))
    assert services.nomination_submit(actor=personas["town"], nomination=n).status == "county"


def test_nomination_scope(tree, personas):
    campaign, award = open_campaign(tree)
    outsider_member = join(tree.henghui_union, "外人")
    with pytest.raises(PermissionDenied):  # the chair may nominate only for its own enterprise
        services.nomination_create(
            actor=personas["chair"],
            campaign=campaign,
            award=award,
            unit=tree.henghui,
            person=outsider_member,
            data={"deeds": "事迹事迹事迹事迹事迹事迹"},
        )
    with pytest.raises(ValidationError, match="只能推荐本单位"):
        services.nomination_create(
            actor=personas["chair"],
            campaign=campaign,
            award=award,
            unit=tree.xinge,
            person=outsider_member,
            data={"deeds": "事迹事迹事迹事迹事迹事迹"},
        )
    n = services.nomination_submit(
        actor=personas["outsider"], nomination=nominate(campaign, award, tree.henghui, outsider_member)
    )
    with pytest.raises(PermissionDenied):  # 龙固镇 cannot review 杨屯镇's nominations
        services.nomination_review(actor=personas["town"], nomination=n, action="approve")
    with pytest.raises(PermissionDenied):
        services.nomination_withdraw(actor=personas["chair"], nomination=n, reason="x")


def test_bad_nomination_input(tree):
    campaign, award = open_campaign(tree)
    with pytest.raises(ValidationError, match="不少于 10 个字"):
        nominate(campaign, award, tree.xinge, join(tree.xinge_union, "短事迹"), deeds="好")
    with pytest.raises(ValidationError, match="请从会员库中选择"):
        nominate(campaign, award, tree.xinge)
    closed, c_award = new_campaign(tree, name="未开始评选")
    with pytest.raises(ValidationError, match="不接受推荐"):
        nominate(closed, c_award, tree.xinge, join(tree.xinge_union, "早到"))
    past, p_award = open_campaign(tree, name="已截止评选", nomination_deadline=TODAY - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="已于"):
        nominate(past, p_award, tree.xinge, join(tree.xinge_union, "迟到"))
    assert not Nomination.objects.filter(name__in=["短事迹", "早到", "迟到"]).exists()


def test_collectives(tree):
    campaign, award = open_campaign(tree, name="先进集体评选", kind="advanced_collective")
    n = nominate(campaign, award, tree.xinge, collective=tree.xinge_team)
    assert n.person is None and n.name == "装配一班" and n.unit_name == tree.xinge_union.name
    with pytest.raises(ValidationError, match="已被推荐"):
        nominate(campaign, award, tree.xinge, collective=tree.xinge_team)
    with pytest.raises(ValidationError, match="只能推荐本单位"):
        nominate(campaign, award, tree.xinge, collective=tree.henghui)


def test_leaders_need_clearances_with_evidence(tree, personas):
    campaign, award = open_campaign(tree, required_clearances=["discipline", "tax"])
    chair = personas["chair"]
    n = nominate(campaign, award, tree.xinge, join(tree.xinge_union, "董事长", job="管理人员"), is_leader=True)
    with pytest.raises(ValidationError, match="无违法违纪（纪检监察）、依法纳税"):
        services.nomination_submit(actor=chair, nomination=n)
    services.clearance_save(
        actor=chair, nomination=n, kind="discipline", issuer="县纪委监委", issued_on=TODAY, upload=png("纪委意见.png")
    )
    services.clearance_save(actor=chair, nomination=n, kind="tax", issuer="县税务局", issued_on=TODAY)  # no file
    with pytest.raises(ValidationError, match="依法纳税"):
        services.nomination_submit(actor=chair, nomination=n)
    services.clearance_save(
        actor=chair, nomination=n, kind="tax", issuer="县税务局", issued_on=TODAY, upload=png("完税证明.png")
    )
    assert services.nomination_submit(actor=chair, nomination=n).status == "town"
    with pytest.raises(ValidationError, match="出具日期"):
        services.clearance_save(
            actor=chair,
            nomination=nominate(campaign, award, tree.xinge, join(tree.xinge_union, "经理")),
            kind="tax",
            issuer="x",
            issued_on=TODAY + dt.timedelta(days=3),
        )


def test_uploads_are_checked_by_content_and_size(tree, settings):
    campaign, award = open_campaign(tree)
    n = nominate(campaign, award, tree.xinge, join(tree.xinge_union, "传材料"))
    fake = SimpleUploadedFile("事迹.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf")
    with pytest.raises(ValidationError, match="按文件内容判断"):
        services.attachment_add(actor=SYSTEM, nomination=n, upload=fake)
    settings.HONOURS_UPLOAD_MAX_MB = 1
    big = SimpleUploadedFile("大.png", b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024 + 1), content_type="image/png")
    with pytest.raises(ValidationError, match="超过 1 MB"):
        services.attachment_add(actor=SYSTEM, nomination=n, upload=big)
    with pytest.raises(ValidationError, match="请选择文件"):
        services.attachment_add(actor=SYSTEM, nomination=n, upload=None)
    a = services.attachment_add(actor=SYSTEM, nomination=n, upload=png("../../etc/事迹.png"))
    assert a.filename == "事迹.png" and a.content_type == "image/png"
    media = settings.DATA_DIR / "media" / "honours"
    assert a.stored.startswith("honours/") and (settings.DATA_DIR / "media" / a.stored).is_file()
    assert list(media.iterdir()) == [settings.DATA_DIR / "media" / a.stored]  # the refused files left nothing
    with services.attachment_open(a) as handle:
        assert handle.read() == PNG


def test_a_word_file_is_accepted_by_its_content_and_a_renamed_zip_is_not(tree):
    import io
    import zipfile

    campaign, award = open_campaign(tree)
    n = nominate(campaign, award, tree.xinge, join(tree.xinge_union, "传文档"))

    def package(*parts: str) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for part in parts:
                z.writestr(part, "<x/>")
        return out.getvalue()

    docx = package("[Content_Types].xml", "word/document.xml")
    a = services.attachment_add(actor=SYSTEM, nomination=n, upload=SimpleUploadedFile("事迹.docx", docx))
    assert a.content_type.endswith("wordprocessingml.document")
    with pytest.raises(ValidationError, match="按文件内容判断"):
        services.attachment_add(actor=SYSTEM, nomination=n, upload=SimpleUploadedFile("事迹.docx", package("a.txt")))


def test_deleting_an_attachment_removes_its_file_after_the_commit(tree, settings, django_capture_on_commit_callbacks):
    campaign, award = open_campaign(tree)
    n = nominate(campaign, award, tree.xinge, join(tree.xinge_union, "删材料"))
    a = services.attachment_add(actor=SYSTEM, nomination=n, upload=png())
    path = settings.DATA_DIR / "media" / a.stored
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_delete(actor=SYSTEM, attachment=a)
    assert not path.exists() and not n.attachments.exists()


def _in_notice(tree, *, starts_on=TODAY, **kw):
    campaign, award = open_campaign(tree, **kw)
    people = [
        join(tree.xinge_union, f"入围{'甲乙丙'[i]}", job=job)
        for i, job in enumerate(["一线工人", "技术人员", "管理人员"])
    ]
    nominations = [shortlist(nominate(campaign, award, tree.xinge, p)) for p in people]
    campaign = services.campaign_start_notice(actor=SYSTEM, campaign=campaign, starts_on=starts_on)
    return campaign, award, nominations


def test_notice_needs_every_nomination_decided(tree, personas):
    campaign, award = open_campaign(tree)
    services.nomination_submit(
        actor=SYSTEM, nomination=nominate(campaign, award, tree.xinge, join(tree.xinge_union, "待审"))
    )
    with pytest.raises(ValidationError, match="还有 1 份推荐未审核完毕"):
        services.campaign_start_notice(actor=personas["county"], campaign=campaign, starts_on=TODAY)


def test_approval_waits_for_the_notice_period_and_objections(tree, personas):
    county = personas["county"]
    campaign, _award, nominations = _in_notice(tree, starts_on=TODAY - dt.timedelta(days=5))
    assert campaign.notice_ends_on == TODAY - dt.timedelta(days=1)  # 5 days, the start day included
    assert len(campaign.notice_token) >= 30
    during = TODAY - dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="期满后才能批准"):
        services.campaign_approve(actor=county, campaign=campaign, decided_on=during, today=during)
    with pytest.raises(ValidationError, match="应在公示期满之后"):
        services.campaign_approve(actor=county, campaign=campaign, decided_on=during)
    later = TODAY
    objection = services.objection_record(
        actor=county,
        campaign=campaign,
        nomination=nominations[2],
        content="该同志系企业高管，并非一线。",
        received_on=TODAY,
    )
    with pytest.raises(ValidationError, match="还有 1 件公示异议未办结"):
        services.campaign_approve(actor=county, campaign=campaign, decided_on=later, today=later)
    with pytest.raises(ValidationError, match="核查处理意见"):
        services.objection_resolve(actor=county, objection=objection, status="upheld", resolution="")
    services.objection_resolve(actor=county, objection=objection, status="upheld", resolution="经核实属实，撤销推荐。")
    nominations[2].refresh_from_db()
    assert nominations[2].status == "withdrawn"
    honours = services.campaign_approve(
        actor=county, campaign=campaign, decided_on=later, decision_no="沛工〔2026〕1号", today=later
    )
    assert len(honours) == 2
    assert {h.certificate_no for h in honours} == {
        f"PX{campaign.year}-{campaign.pk:03d}-0001",
        f"PX{campaign.year}-{campaign.pk:03d}-0002",
    }
    campaign.refresh_from_db()
    assert campaign.status == "decided" and campaign.decision_no == "沛工〔2026〕1号"
    assert set(Nomination.objects.filter(campaign=campaign).values_list("status", flat=True)) == {
        "awarded",
        "withdrawn",
    }
    h = honours[0]
    assert (h.kind, h.level, h.year, h.issuer, h.org_id) == (
        "labour_model",
        "county",
        campaign.year,
        "沛县人民政府",
        tree.xinge.pk,
    )
    with pytest.raises(ValidationError, match="只有公示中"):
        services.campaign_approve(actor=county, campaign=campaign, decided_on=later, today=later)


def test_approval_refused_while_a_rule_fails_unless_overridden(tree, personas):
    county = personas["county"]
    campaign, _award, _n = _in_notice(tree, starts_on=TODAY - dt.timedelta(days=10))
    Campaign.objects.filter(pk=campaign.pk).update(status="reviewing")  # rules may change only before the notice
    services.rule_add(actor=SYSTEM, campaign=campaign, data={"kind": "min_share", "trait": "frontline", "percent": 80})
    Campaign.objects.filter(pk=campaign.pk).update(status="notice")
    campaign.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.campaign_approve(actor=county, campaign=campaign, decided_on=TODAY)
    text = " ".join(exc.value.messages)
    assert "一线职工占比 66.7%（2/3）< 80%，还差 2 人" in text
    assert not Honour.objects.exists()
    honours = services.campaign_approve(
        actor=county, campaign=campaign, decided_on=TODAY, override_reason="经县委常委会研究同意。"
    )
    assert len(honours) == 3
    campaign.refresh_from_db()
    assert campaign.override_reason == "经县委常委会研究同意。"
    entry = AuditEntry.objects.get(action="honours.campaign.approved", object_id=str(campaign.pk))
    assert entry.changes["override_reason"] == "经县委常委会研究同意。"
    assert entry.changes["failed_rules"][0].startswith("一线职工占比 66.7%")


def test_upward_recommendation_writes_no_honour(tree, personas):
    campaign, _award, _n = _in_notice(tree, starts_on=TODAY - dt.timedelta(days=10), upward=True)
    assert services.campaign_approve(actor=personas["county"], campaign=campaign, decided_on=TODAY) == []
    assert not Honour.objects.exists()


def test_objections_only_during_the_notice(tree, personas):
    campaign, award = open_campaign(tree)
    with pytest.raises(ValidationError, match="只有公示期间"):
        services.objection_record(
            actor=personas["county"], campaign=campaign, content="有问题有问题", received_on=TODAY
        )
    notice, _a, _n = _in_notice(tree, name="另一评选")
    with pytest.raises(ValidationError, match="不少于 5 个字"):
        services.objection_record(actor=SYSTEM, campaign=notice, content="差", received_on=TODAY)
    with pytest.raises(ValidationError, match="不在本次公示名单"):
        services.objection_record(
            actor=SYSTEM,
            campaign=notice,
            content="与本活动无关的人选",
            received_on=TODAY,
            nomination=nominate(campaign, award, tree.xinge, join(tree.xinge_union, "别处")),
        )
    with pytest.raises(PermissionDenied):
        services.objection_record(actor=personas["town"], campaign=notice, content="镇里登记的异议", received_on=TODAY)


def test_honour_grant_validates_and_is_audited(tree, personas):
    county = personas["county"]
    m = join(tree.xinge_union, "省劳模")
    with pytest.raises(ValidationError, match="级别不正确"):
        services.honour_grant(
            actor=county,
            person=m,
            kind="labour_model",
            title="江苏省劳动模范",
            level="x",
            year=2020,
            issuer="江苏省人民政府",
        )
    with pytest.raises(ValidationError, match="授予集体"):
        services.honour_grant(
            actor=county, person=m, kind="pioneer", title="工人先锋号", level="city", year=2020, issuer="徐州市总工会"
        )
    with pytest.raises(ValidationError, match="授予个人"):
        services.honour_grant(
            actor=county, org=tree.xinge, kind="labour_model", title="劳模", level="city", year=2020, issuer="x"
        )
    with pytest.raises(ValidationError, match="年度"):
        services.honour_grant(
            actor=county, person=m, kind="labour_model", title="劳模", level="city", year=1800, issuer="x"
        )
    with pytest.raises(PermissionDenied):
        services.honour_grant(
            actor=personas["chair"], person=m, kind="labour_model", title="劳模", level="city", year=2020, issuer="x"
        )
    h = services.honour_grant(
        actor=county,
        person=m,
        kind="labour_model",
        title="江苏省劳动模范",
        level="provincial",
        year=2020,
        issuer="江苏省人民政府",
        certificate_no="JS-1",
    )
    assert h.org == tree.xinge and h.name == "省劳模"
    assert AuditEntry.objects.filter(action="honours.honour.granted", object_id=str(h.pk)).exists()
    with pytest.raises(ValidationError, match="已有 2020 年"):
        services.honour_grant(
            actor=county,
            person=m,
            kind="labour_model",
            title="江苏省劳动模范",
            level="provincial",
            year=2020,
            issuer="x",
        )
    other = join(tree.xinge_union, "另一人")
    with pytest.raises(ValidationError, match="证书编号 JS-1 已被使用"):
        services.honour_grant(
            actor=county,
            person=other,
            kind="labour_model",
            title="江苏省劳动模范",
            level="provincial",
            year=2020,
            issuer="x",
            certificate_no="JS-1",
        )
    collective = services.honour_grant(
        actor=county,
        org=tree.xinge_team,
        kind="pioneer",
        title="徐州市工人先锋号",
        level="city",
        year=2021,
        issuer="徐州市总工会",
    )
    assert collective.is_collective and collective.name == "装配一班"
    services.honour_revoke(actor=county, honour=h, on=TODAY, reason="弄虚作假")
    h.refresh_from_db()
    assert h.revoked_on == TODAY
    with pytest.raises(ValidationError, match="已撤销"):
        services.honour_revoke(actor=county, honour=h, on=TODAY, reason="再次")


def test_close_and_cancel(tree, personas):
    county = personas["county"]
    campaign, award = open_campaign(tree)
    draft = nominate(campaign, award, tree.xinge, join(tree.xinge_union, "晚提交"))
    submitted = services.nomination_submit(
        actor=SYSTEM, nomination=nominate(campaign, award, tree.xinge, join(tree.xinge_union, "早提交"))
    )
    with pytest.raises(PermissionDenied):
        services.campaign_close(actor=personas["town"], campaign=campaign)
    campaign = services.campaign_close(actor=county, campaign=campaign)
    assert campaign.status == "reviewing"
    with pytest.raises(ValidationError, match="不接受推荐"):
        services.nomination_submit(actor=SYSTEM, nomination=draft)
    assert services.nomination_review(actor=personas["town"], nomination=submitted, action="approve").status == "county"
    with pytest.raises(ValidationError, match="撤销原因"):
        services.campaign_cancel(actor=county, campaign=campaign, reason=" ")
    campaign = services.campaign_cancel(actor=county, campaign=campaign, reason="上级通知暂缓")
    assert campaign.status == "cancelled" and "上级通知暂缓" in campaign.description
    with pytest.raises(ValidationError):
        services.campaign_cancel(actor=county, campaign=campaign, reason="再次")
