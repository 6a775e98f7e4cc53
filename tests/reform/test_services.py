"""Plan editing, copying, the reporting flow and its refusals."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gefeng.core.actors import SYSTEM
from gefeng.core.models import AuditEntry
from gefeng.reform import selectors, services
from gefeng.reform.models import Calendar, Evidence, Item, Plan, Report, ReportState
from tests.reform import factories

D = dt.date
UTC = dt.UTC


def at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 3, tzinfo=UTC)  # 11:00 in 沛县


class TestPlan:
    def test_create_makes_actions_and_periods(self, tree, personas):
        plan = services.plan_create(actor=personas["county"], year=2022, title="2022年清单", calendar=Calendar.MONTHLY)
        assert [a.name for a in plan.actions.order_by("number")] == ["引领聚魂", "成长聚能", "共享聚心", "同频聚效"]
        periods = list(plan.periods.order_by("start"))
        assert len(periods) == 12 and periods[1].label == "2022年2月"
        assert periods[1].end == D(2022, 2, 28) and periods[1].due == D(2022, 3, 5)
        assert AuditEntry.objects.filter(action="reform.plan.created").exists()

    def test_quarterly_periods_and_due_days_setting(self, tree, personas, settings):
        settings.REFORM_DUE_DAYS = 10
        plan = services.plan_create(actor=personas["county"], year=2022, title="x", calendar=Calendar.QUARTERLY)
        q = list(plan.periods.order_by("start"))
        assert [p.label for p in q] == [f"2022年第{n}季度" for n in range(1, 5)]
        assert q[3].due == D(2023, 1, 10)

    def test_duplicate_year_and_bad_input_refused(self, tree, personas, plan):
        with pytest.raises(ValidationError) as exc:
            services.plan_create(actor=personas["county"], year=2021, title="x")
        assert "year" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            services.plan_create(actor=personas["county"], year=2023, title="", calendar="weekly")
        assert {"title", "calendar"} <= set(exc.value.message_dict)

    @pytest.mark.parametrize("persona", ["liaison", "town", "chair", "worker", "auditor", "security"])
    def test_only_the_county_office_plans(self, tree, personas, persona):
        with pytest.raises(PermissionDenied):
            services.plan_create(actor=personas[persona], year=2022, title="x")

    def test_calendar_locked_once_reports_exist(self, tree, personas, plan):
        factories.kejiju_report(tree)
        with pytest.raises(ValidationError) as exc:
            services.plan_update(
                actor=personas["county"], plan=plan, title=plan.title, calendar="monthly", status="published"
            )
        assert "calendar" in exc.value.message_dict

    def test_calendar_change_regenerates_periods(self, tree, personas, plan):
        services.plan_update(actor=personas["county"], plan=plan, title=plan.title, calendar="monthly", status="draft")
        assert plan.periods.count() == 12

    def test_copy_shifts_dates_and_drops_reports(self, tree, personas, hrss_item):
        factories.kejiju_report(tree)
        hrss_item.milestones.update(done_on=D(2021, 3, 30))
        hrss_item.completed_on = D(2021, 11, 1)
        hrss_item.save()
        new = services.plan_copy(actor=personas["county"], plan=hrss_item.plan, year=2022)
        assert new.year == 2022 and new.status == "draft" and new.title.startswith("2022")
        assert new.items.count() == hrss_item.plan.items.count() == 2
        copy = new.items.get(code="2022-01")
        assert copy.deadline == D(2022, 12, 31) and copy.completed_on is None
        assert {(a.unit_id, a.is_lead) for a in copy.assignments.all()} == {
            (tree.hrss.pk, True),
            (tree.longgu.pk, False),
        }
        assert [(m.due, m.done_on) for m in copy.milestones.order_by("due")] == [
            (D(2022, 3, 31), None),
            (D(2022, 12, 20), None),
        ]
        assert copy.indicators.get().target == Decimal(100)
        assert new.periods.count() == 4 and not Report.objects.filter(period__plan=new).exists()
        with pytest.raises(ValidationError):
            services.plan_copy(actor=personas["county"], plan=hrss_item.plan, year=2022)

    def test_item_validation(self, tree, personas, plan):
        m = factories.measure(plan)
        data = services.ItemData(
            measure=m, code="", title="", lead_unit=tree.hrss, deadline=D(2022, 1, 1), weight=Decimal(0)
        )
        with pytest.raises(ValidationError) as exc:
            services.item_save(actor=personas["county"], plan=plan, data=data)
        assert {"code", "title", "deadline", "weight"} <= set(exc.value.message_dict)
        data = services.ItemData(measure=m, code="A", title="t", lead_unit=tree.xinge_union, deadline=D(2021, 5, 1))
        with pytest.raises(ValidationError) as exc:
            services.item_save(actor=personas["county"], plan=plan, data=data)
        assert "co_units" in exc.value.message_dict
        assert not Item.objects.exists()

    def test_units_with_reports_cannot_be_removed(self, tree, personas, plan):
        item = factories.kejiju_item(tree)
        factories.kejiju_report(tree)
        data = services.ItemData(
            measure=item.measure, code=item.code, title=item.title, lead_unit=tree.hrss, deadline=item.deadline
        )
        with pytest.raises(ValidationError):
            services.item_save(actor=personas["county"], plan=plan, data=data, item=item)
        assert item.assignments.filter(unit=tree.kejiju).exists()
        with pytest.raises(ValidationError):
            services.item_delete(actor=personas["county"], item=item)


class TestReporting:
    def _entry(self, item, unit, text="本季度完成结对30对", value="30", files=()):
        a = item.assignments.get(unit=unit)
        ind = item.indicators.first()
        return services.Entry(assignment=a, narrative=text, values={ind.pk: value} if ind else {}, files=list(files))

    def test_submit_on_time_then_accept(self, tree, personas, hrss_item):
        q1 = hrss_item.plan.periods.order_by("start").first()
        [r] = services.reports_save(
            actor=personas["liaison"],
            period=q1,
            entries=[self._entry(hrss_item, tree.hrss)],
            submit=True,
            now=at(D(2021, 4, 5)),
        )
        assert r.state == ReportState.SUBMITTED and r.late is False and r.submitted_by == personas["liaison"]
        assert r.values.get().value == Decimal(30)
        services.report_review(actor=personas["county"], report=r, accept=True)
        r.refresh_from_db()
        assert r.state == ReportState.ACCEPTED and r.reviewer == personas["county"]

    def test_late_return_resubmit(self, tree, personas, hrss_item):
        q1 = hrss_item.plan.periods.order_by("start").first()
        entry = self._entry(hrss_item, tree.hrss)
        [r] = services.reports_save(
            actor=personas["liaison"], period=q1, entries=[entry], submit=True, now=at(D(2021, 4, 6))
        )
        assert r.late is True
        with pytest.raises(ValidationError) as exc:
            services.report_review(actor=personas["county"], report=r, accept=False, comment="")
        assert "comment" in exc.value.message_dict
        services.report_review(actor=personas["county"], report=r, accept=False, comment="请补充佐证材料")
        r.refresh_from_db()
        assert r.state == ReportState.RETURNED and r.review_comment == "请补充佐证材料"
        # a second review of a returned report is refused
        with pytest.raises(ValidationError):
            services.report_review(actor=personas["county"], report=r, accept=True)
        entry = self._entry(hrss_item, tree.hrss, text="已补充", files=[factories.pdf()])
        [r2] = services.reports_save(
            actor=personas["liaison"], period=q1, entries=[entry], submit=True, now=at(D(2021, 4, 20))
        )
        assert r2.pk == r.pk and r2.state == ReportState.SUBMITTED and r2.late is True and r2.narrative == "已补充"
        assert r2.evidence.count() == 1
        services.report_review(actor=personas["county"], report=r2, accept=True)
        assert Report.objects.get(pk=r.pk).state == ReportState.ACCEPTED

    def test_submitted_reports_are_not_overwritten(self, tree, personas, hrss_item):
        q1 = hrss_item.plan.periods.order_by("start").first()
        services.reports_save(
            actor=personas["liaison"], period=q1, entries=[self._entry(hrss_item, tree.hrss)], submit=True
        )
        saved = services.reports_save(
            actor=personas["liaison"], period=q1, entries=[self._entry(hrss_item, tree.hrss, text="改")], submit=True
        )
        assert saved == [] and Report.objects.get().narrative == "本季度完成结对30对"

    def test_draft_then_submit_keeps_late_rule(self, tree, personas, hrss_item):
        q1 = hrss_item.plan.periods.order_by("start").first()
        [r] = services.reports_save(
            actor=personas["liaison"],
            period=q1,
            entries=[self._entry(hrss_item, tree.hrss, text="")],
            submit=False,
            now=at(D(2021, 4, 1)),
        )
        assert r.state == ReportState.DRAFT and r.submitted_at is None
        [r] = services.reports_save(
            actor=personas["liaison"],
            period=q1,
            entries=[self._entry(hrss_item, tree.hrss)],
            submit=True,
            now=at(D(2021, 4, 8)),
        )
        assert r.late is True

    def test_submit_needs_narrative_and_numbers_and_writes_nothing(self, tree, personas, hrss_item):
        q1 = hrss_item.plan.periods.order_by("start").first()
        good = self._entry(hrss_item, tree.longgu)
        bad = self._entry(hrss_item, tree.hrss, text="", value="三十")
        with pytest.raises(ValidationError) as exc:
            services.reports_save(actor=personas["county"], period=q1, entries=[good, bad], submit=True)
        a = bad.assignment.pk
        ind = hrss_item.indicators.get().pk
        assert {f"{a}-narrative", f"{a}-value-{ind}"} <= set(exc.value.message_dict)
        assert not Report.objects.exists() and not Evidence.objects.exists()
        missing = self._entry(hrss_item, tree.hrss, value="")
        with pytest.raises(ValidationError) as exc:
            services.reports_save(actor=personas["liaison"], period=q1, entries=[missing], submit=True)
        assert "结对师徒" in exc.value.message_dict[f"{a}-values"][0]

    def test_milestones_ticked_in_the_report(self, tree, personas, hrss_item):
        q1 = hrss_item.plan.periods.order_by("start").first()
        entry = self._entry(hrss_item, tree.hrss)
        first = hrss_item.milestones.order_by("due").first()
        entry.milestones_done = {first.pk}
        services.reports_save(
            actor=personas["liaison"], period=q1, entries=[entry], submit=True, now=at(D(2021, 3, 30))
        )
        first.refresh_from_db()
        assert first.done_on == D(2021, 3, 30)

    def test_reporting_scope(self, tree, personas, hrss_item, kejiju_item):
        q1 = hrss_item.plan.periods.order_by("start").first()
        with pytest.raises(PermissionDenied):
            services.reports_save(
                actor=personas["liaison"], period=q1, entries=[self._entry(kejiju_item, tree.kejiju)], submit=True
            )
        with pytest.raises(PermissionDenied):  # the town may not report for 县人社局
            services.reports_save(
                actor=personas["town"], period=q1, entries=[self._entry(hrss_item, tree.hrss)], submit=True
            )
        services.reports_save(
            actor=personas["town"], period=q1, entries=[self._entry(hrss_item, tree.longgu)], submit=True
        )
        for name in ("chair", "worker", "auditor", "outsider"):
            with pytest.raises(PermissionDenied):
                services.reports_save(
                    actor=personas[name], period=q1, entries=[self._entry(hrss_item, tree.hrss)], submit=True
                )
        r = Report.objects.get()
        for name in ("liaison", "town", "auditor"):
            with pytest.raises(PermissionDenied):
                services.report_review(actor=personas[name], report=r, accept=True)

    def test_period_after_the_deadline_is_refused(self, tree, personas, plan):
        item = factories.item(tree, "2021-31", tree.hrss, deadline=D(2021, 3, 31))
        q2 = plan.periods.order_by("start")[1]
        with pytest.raises(ValidationError):
            services.reports_save(
                actor=personas["liaison"], period=q2, entries=[self._entry(item, tree.hrss)], submit=True
            )


def _docx(inner: str = "word/document.xml") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(inner, "<x/>")
    return buf.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 100


class TestEvidence:
    @pytest.mark.parametrize(
        ("name", "content", "ctype"),
        [
            ("总结.pdf", factories.PDF, "application/pdf"),
            ("现场.png", PNG, "image/png"),
            ("方案.docx", _docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (
                "台账.xlsx",
                _docx("xl/workbook.xml"),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            ("方案.doc", OLE, "application/msword"),
            ("方案.wps", OLE, "application/vnd.ms-works"),
            ("台账.xls", OLE, "application/vnd.ms-excel"),
            ("台账.et", OLE, "application/vnd.ms-excel"),
        ],
    )
    def test_accepted_types(self, tree, personas, name, content, ctype):
        report = factories.kejiju_report(tree, submit=False)
        ev = services.evidence_add(actor=personas["county"], report=report, upload=SimpleUploadedFile(name, content))
        assert ev.content_type == ctype and ev.original_name == name and ev.size == len(content)
        with ev.file.open("rb") as f:
            assert f.read() == content

    @pytest.mark.parametrize(
        ("name", "content"),
        [
            ("病毒.exe", b"MZ\x90\x00" + b"\0" * 100),
            ("假的.pdf", b"<html>not a pdf</html>"),
            ("假的.docx", b"PK\x03\x04garbage"),
            ("压缩包.docx", _docx("other/file.xml")),
            ("表格.docx", _docx("xl/workbook.xml")),
            ("方案.txt", OLE),
            ("空.pdf", b""),
        ],
    )
    def test_refused_types(self, tree, personas, name, content):
        report = factories.kejiju_report(tree, submit=False)
        before = report.evidence.count()
        with pytest.raises(ValidationError) as exc:
            services.evidence_add(actor=personas["county"], report=report, upload=SimpleUploadedFile(name, content))
        assert "file" in exc.value.message_dict
        assert report.evidence.count() == before

    def test_size_limit_setting(self, tree, personas, settings):
        settings.REFORM_EVIDENCE_MAX_MB = 1
        report = factories.kejiju_report(tree, submit=False)
        big = factories.PDF + b"\0" * (1024 * 1024)
        with pytest.raises(ValidationError) as exc:
            services.evidence_add(actor=personas["county"], report=report, upload=SimpleUploadedFile("大.pdf", big))
        assert "1 MB" in exc.value.message_dict["file"][0]

    def test_no_changes_after_submission(self, tree, personas):
        report = factories.kejiju_report(tree, submit=True)
        with pytest.raises(ValidationError):
            services.evidence_add(actor=personas["county"], report=report, upload=factories.pdf())
        with pytest.raises(ValidationError):
            services.evidence_delete(actor=personas["county"], evidence=report.evidence.first())

    def test_delete_from_draft(self, tree, personas):
        ev = factories.kejiju_evidence(tree, submit=False)
        services.evidence_delete(actor=personas["county"], evidence=ev)
        assert not Evidence.objects.filter(pk=ev.pk).exists()


class TestReminders:
    def test_remind_units_that_owe(self, tree, personas, hrss_item, kejiju_item):
        plan = hrss_item.plan
        plan.status = "published"
        plan.save()
        factories.kejiju_report(tree)  # 科技局 has reported Q1
        out = services.remind(actor=SYSTEM, days=5, today=D(2021, 4, 1))
        assert {(r.unit.pk, r.owed) for r in out} == {(tree.hrss.pk, 1), (tree.longgu.pk, 1)}
        assert selectors.notices_for(personas["liaison"])[0].text.startswith("2021年第1季度")
        assert selectors.notices_for(personas["chair"]) == []
        # run again: refreshed, not duplicated
        services.remind(actor=SYSTEM, days=5, today=D(2021, 4, 2))
        from gefeng.reform.models import Notice

        assert Notice.objects.filter(unit=tree.hrss).count() == 1
        assert services.remind(actor=SYSTEM, days=5, today=D(2021, 3, 1)) == []
        with pytest.raises(PermissionDenied):
            services.remind(actor=personas["liaison"], days=5)

    def test_command(self, tree, hrss_item):
        from django.core.management import call_command

        plan = hrss_item.plan
        plan.status = "published"
        plan.save()
        out = io.StringIO()
        call_command("reform_remind", "--days", "3", "--today", "2021-04-03", stdout=out)
        text = out.getvalue()
        assert "县人社局" in text and '"units": 2' in text
        out = io.StringIO()
        call_command("reform_remind", "--days", "3", "--today", "2021-04-03", "--dry-run", stdout=out)
        assert '"dry_run": true' in out.getvalue()


def test_plan_model_str(tree):
    assert str(Plan(year=2021, title="")) == "2021年产改重点工作"


class TestTheSystemActor:
    def test_the_system_is_named_and_none_is_refused(self, tree, hrss_item):
        """SYSTEM passes the services that accept it; `None` no longer stands for it."""
        with pytest.raises(PermissionDenied):
            services.remind(actor=None, days=5, today=D(2021, 4, 1))
        with pytest.raises(PermissionDenied):
            services.item_delete(actor=None, item=hrss_item)
        assert Item.objects.filter(pk=hrss_item.pk).exists()
        services.item_delete(actor=SYSTEM, item=hrss_item)
        assert not Item.objects.filter(pk=hrss_item.pk).exists()
        entry = AuditEntry.objects.filter(action="reform.item.deleted").latest("pk")
        assert entry.actor_id is None
