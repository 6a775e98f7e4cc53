"""The demo's supervision: the joint meeting of 29 June 2021 and the 8 advanced units."""

from __future__ import annotations

import datetime as dt

from gefeng.core import demo, figures
from gefeng.orgs.models import Kind, OrgNode
from gefeng.supervision.models import Circular, Evaluation, Meeting, PilotEnterprise, Task, UnitScore


def test_demo_has_the_meeting_the_supervision_and_8_advanced_units(demo_county):
    counts = demo_county
    assert counts["supervision_advanced_units"] == 8
    meeting = Meeting.objects.get()
    assert meeting.held_on == dt.date(2021, 6, 29) and meeting.units.count() == 13
    assert meeting.decisions.count() == 5
    assert set(meeting.decisions.values_list("state", flat=True)) == {"open", "submitted", "closed"}
    notices = Task.objects.filter(kind="notice")
    assert notices.count() == 3 and notices.filter(submitted_late=True).count() == 1
    assert Task.objects.filter(kind="rectification").count() == 3
    assert Circular.objects.get().number == "沛产改办〔2021〕1号"
    assert PilotEnterprise.objects.filter(enterprise__short_name="新格灌溉", level="city").exists()
    evaluation = Evaluation.objects.get()
    assert evaluation.is_final
    scored = UnitScore.objects.filter(evaluation=evaluation)
    assert scored.filter(unit__kind=Kind.MEMBER_UNIT).count() == 13  # and any town given items
    assert UnitScore.objects.filter(evaluation=evaluation, advanced=True).count() == 8
    county = OrgNode.objects.get(kind=Kind.COUNTY)
    assert figures.compute(county, 2021)["advanced_units"] == 8
    first = list(UnitScore.objects.order_by("unit__path").values_list("unit__short_name", "total", "rank"))
    assert demo.load_demo(registry=False) == counts
    assert list(UnitScore.objects.order_by("unit__path").values_list("unit__short_name", "total", "rank")) == first


def test_demo_scores_agree_with_the_services_arithmetic(demo_county):
    from django.db import transaction

    from gefeng.supervision import services

    evaluation = Evaluation.objects.get()
    before = list(UnitScore.objects.order_by("pk").values_list("total", "rank", "advanced", "bonus", "deduction"))
    with transaction.atomic():
        services._retotal(evaluation)
    after = list(UnitScore.objects.order_by("pk").values_list("total", "rank", "advanced", "bonus", "deduction"))
    assert after == before
    circ = Circular.objects.get()
    from docx import Document

    with circ.file.open("rb") as handle:
        text = [p.text for p in Document(handle).paragraphs]
    assert "沛产改办〔2021〕1号" in text and text[-1] == "2021年7月12日"
