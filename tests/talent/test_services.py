"""The talent pool's writes: profiles follow the honours register, manual entry, profile and bank
details with their validation, scope and audit, the reveal of account numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from gefeng.core.actors import SYSTEM
from gefeng.core.models import AuditEntry
from gefeng.talent import sections, services
from gefeng.talent.models import Source, TalentCategory, TalentProfile
from tests.talent.conftest import honour, person

pytestmark = pytest.mark.django_db


def _codes(profile: TalentProfile) -> set[str]:
    return set(profile.memberships.values_list("category__code", flat=True))


def test_default_categories_come_with_the_migration():
    names = set(TalentCategory.objects.values_list("name", flat=True))
    assert {"劳动模范", "工匠", "先进工作者", "道德模范", "文明职工"} <= names
    assert services.ensure_default_categories() == 0  # already there


def test_an_honour_makes_a_profile_and_the_highest_level_wins(tree):
    member = person(tree.xinge_union)
    honour(member, level="county", year=2008)
    profile = TalentProfile.objects.get(person=member)
    assert (profile.top_level, profile.honour_count, profile.labour_model) == ("county", 1, True)
    assert _codes(profile) == {"labour_model"}
    honour(member, level="provincial", year=2015)
    honour(member, kind="civilized_worker", level="county", year=2016, title="沛县文明职工")
    profile.refresh_from_db()
    assert (profile.top_level, profile.top_rank, profile.honour_count) == ("provincial", 3, 3)
    assert _codes(profile) == {"labour_model", "civilized_worker"}


def test_revoking_the_only_title_clears_the_category_but_keeps_the_profile(tree):
    from gefeng.core.actors import SYSTEM
    from gefeng.honours import services as honour_services

    member = person(tree.xinge_union)
    granted = honour(member)
    honour_services.honour_revoke(actor=SYSTEM, honour=granted, on=dt.date(2020, 6, 1), reason="违纪")
    profile = TalentProfile.objects.get(person=member)
    assert (profile.labour_model, profile.top_level, profile.honour_count) == (False, "", 0)
    assert _codes(profile) == set()


def test_a_collective_honour_makes_no_profile(tree):
    from gefeng.core.actors import SYSTEM
    from gefeng.honours import services as honour_services

    honour_services.honour_grant(
        actor=SYSTEM,
        org=tree.xinge,
        kind="advanced_collective",
        title="沛县先进集体",
        level="county",
        year=2020,
        issuer="沛县人民政府",
    )
    assert not TalentProfile.objects.exists()


def test_manual_entry_needs_a_category_and_the_right(tree, personas):
    member = person(tree.xinge_union, name="孙技能")
    skilled = TalentCategory.objects.get(code="skilled_talent")
    with pytest.raises(ValidationError) as exc:
        services.profile_create(actor=personas["county"], person=member)
    assert "请至少选择一个人才类别" in str(exc.value)
    with pytest.raises(PermissionDenied):  # the town officer holds talent.view only
        services.profile_create(actor=personas["town"], person=member, categories=[skilled.pk])
    profile = services.profile_create(actor=personas["county"], person=member, categories=[skilled.pk])
    assert profile.memberships.get().source == Source.MANUAL
    assert AuditEntry.objects.filter(action="talent.profile.created", object_id=str(profile.pk)).exists()
    with pytest.raises(ValidationError) as exc:
        services.profile_create(actor=personas["county"], person=member, categories=[skilled.pk])
    assert "已在人才库中" in str(exc.value)
    with pytest.raises(ValidationError):
        services.profile_create(actor=personas["county"], person=person(tree.xinge_union), categories=["x"])


def test_manual_categories_survive_a_resync(tree, personas):
    member = person(tree.xinge_union)
    honour(member)
    profile = TalentProfile.objects.get(person=member)
    craftsman = TalentCategory.objects.get(code="craftsman")
    services.profile_update(actor=personas["county"], profile=profile, data={}, categories=[craftsman])
    services.sync_all(actor=SYSTEM)
    assert _codes(profile) == {"labour_model", "craftsman"}


def test_profile_update_validates(tree, personas, xinge_model):
    county = personas["county"]
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.profile_update(actor=county, profile=xinge_model, data={"deceased_on": tomorrow})
    assert "去世日期不能晚于今天" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.profile_update(actor=county, profile=xinge_model, data={"hardship": True})
    assert "困难情况" in str(exc.value)
    with pytest.raises(ValidationError):
        services.profile_update(actor=county, profile=xinge_model, data={"retired_on": dt.date(1960, 1, 1)})
    with pytest.raises(PermissionDenied):
        services.profile_update(actor=personas["auditor"], profile=xinge_model, data={"retired": True})
    updated = services.profile_update(
        actor=county,
        profile=xinge_model,
        data={"retired_on": dt.date(2019, 3, 1), "hardship": True, "hardship_note": "因病"},
    )
    assert updated.retired and updated.hardship
    entry = AuditEntry.objects.filter(action="talent.profile.updated").latest("id")
    assert entry.changes["retired"] == {"old": False, "new": True}


def test_bank_account_is_sealed_masked_and_validated(tree, personas, xinge_model):
    county = personas["county"]
    with pytest.raises(ValidationError) as exc:
        services.profile_bank_update(
            actor=county, profile=xinge_model, bank_holder="刘新格", bank_name="农行", bank_account="62x"
        )
    assert "银行账号应为" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.profile_bank_update(
            actor=county, profile=xinge_model, bank_holder="刘新格", bank_name="", bank_account="6228480000000001"
        )
    assert "开户行" in str(exc.value)
    with pytest.raises(PermissionDenied):  # the town officer sees the profile but may not touch bank details
        services.profile_bank_update(
            actor=personas["town"], profile=xinge_model, bank_holder="x", bank_name="y", bank_account=""
        )
    services.profile_bank_update(
        actor=county,
        profile=xinge_model,
        bank_holder="刘新格",
        bank_name="农行沛县支行",
        bank_account="6228 4800 0000 0000 123",
    )
    xinge_model.refresh_from_db()
    assert xinge_model.bank_account == "6228480000000000123"
    assert xinge_model.bank_account_masked == "6228***********0123"
    with connection.cursor() as cur:
        cur.execute("SELECT bank_account FROM talent_talentprofile WHERE id = %s", [xinge_model.pk])
        raw = cur.fetchone()[0]
    assert raw.startswith("g1:") and "0123" not in raw
    entry = AuditEntry.objects.filter(action="talent.profile.bank_updated").latest("id")
    assert "6228480000000000123" not in str(entry.changes)


def test_reveal_is_audited_and_needs_the_bank_right(tree, personas, xinge_model):
    with pytest.raises(PermissionDenied):
        services.profile_reveal(actor=personas["auditor"], profile=xinge_model)
    with pytest.raises(PermissionDenied):
        services.profile_reveal(actor=personas["town"], profile=xinge_model)
    assert services.profile_reveal(actor=personas["county"], profile=xinge_model) == "6222020000333344445"
    assert AuditEntry.objects.filter(
        action="talent.profile.bank_account_revealed", object_id=str(xinge_model.pk), actor=personas["county"]
    ).exists()


def test_sync_all_needs_the_right_and_reports(tree, personas):
    member = person(tree.xinge_union)
    honour(member)
    TalentProfile.objects.all().delete()
    with pytest.raises(PermissionDenied):
        services.sync_all(actor=personas["town"])
    result = services.sync_all(actor=personas["county"])
    assert result["created"] == 1 and TalentProfile.objects.filter(person=member).exists()


def test_sections_registry_orders_and_hides(tree, personas, xinge_model):
    keys = [s.key for s in sections.registered()]
    assert keys.index("honours") < keys.index("skills") < keys.index("allowances")
    sections.register(
        sections.ProfileSection(
            key="zz_test",
            label="测试",
            template="talent/_section_skills.html",
            order=99,
            context=lambda actor, profile: None if actor.username == "town" else {"occupation": "钳工"},
        )
    )
    try:
        shown = {s["section"].key for s in sections.sections_for(personas["county"], xinge_model)}
        assert {"honours", "skills", "allowances", "zz_test"} <= shown
        hidden = {s["section"].key for s in sections.sections_for(personas["town"], xinge_model)}
        assert "zz_test" not in hidden and "allowances" not in hidden  # town has no allowances.view
    finally:
        sections._registry.pop("zz_test")


def test_categories_are_data_the_county_edits(tree, personas):
    member = person(tree.xinge_union)
    honour(member, kind="craftsman", title="沛县工匠", level="county", year=2019)
    with pytest.raises(PermissionDenied):
        services.category_save(actor=personas["town"], name="沛县工匠人才", honour_kinds=["craftsman"])
    with pytest.raises(ValidationError) as exc:
        services.category_save(actor=personas["county"], name="劳动模范", honour_kinds=["nope"])
    assert {"name", "honour_kinds"} <= set(exc.value.message_dict)
    new = services.category_save(actor=personas["county"], name="沛县工匠人才", honour_kinds=["craftsman"], order=5)
    profile = TalentProfile.objects.get(person=member)
    assert _codes(profile) == {"craftsman", new.code}  # re-derived for existing profiles
    services.category_save(actor=personas["county"], category=new, name="沛县工匠人才", honour_kinds=[], active=False)
    assert _codes(profile) == {"craftsman"}
    assert AuditEntry.objects.filter(action="talent.category.updated", object_id=str(new.pk)).exists()
