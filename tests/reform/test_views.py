"""The pages: scope per persona, the 本期待报 round trip, review, plan editing, exports, dashboard."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from django.urls import reverse

from gefeng.reform.models import Item, Report, ReportState
from tests.reform import factories

D = dt.date


def _xlsx(response) -> list[tuple]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    wb = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    return [tuple(r) for r in wb.active.iter_rows(values_only=True)]


@pytest.fixture
def both(hrss_item, kejiju_item):
    return hrss_item, kejiju_item


class TestScope:
    def test_plan_page_per_persona(self, tree, login_as, both):
        hrss_item, kejiju_item = both
        url = reverse("reform:plan-detail", args=[hrss_item.plan_id])
        body = login_as("county").get(url).content.decode()
        assert hrss_item.title in body and kejiju_item.title in body
        for persona in ("liaison", "town"):  # 县人社局 leads, 龙固镇 is co-responsible
            body = login_as(persona).get(url).content.decode()
            assert hrss_item.title in body and kejiju_item.title not in body, persona
        for persona in ("chair", "outsider", "worker", "security"):
            assert login_as(persona).get(url).status_code in (403, 404), persona

    def test_item_pages(self, tree, login_as, both):
        hrss_item, kejiju_item = both
        liaison = login_as("liaison")
        assert liaison.get(reverse("reform:item-detail", args=[hrss_item.pk])).status_code == 200
        assert liaison.get(reverse("reform:item-detail", args=[kejiju_item.pk])).status_code == 404
        assert liaison.get(reverse("reform:item-edit", args=[hrss_item.pk])).status_code == 403

    def test_plan_list_for_a_unit_without_items(self, tree, login_as, kejiju_item):
        body = login_as("liaison").get(reverse("reform:plan-list")).content.decode()
        assert "没有承担" in body

    def test_exports_are_scoped(self, tree, login_as, both):
        hrss_item, kejiju_item = both
        url = reverse("reform:plan-export", args=[hrss_item.plan_id]) + "?on=2021-06-30"
        rows = _xlsx(login_as("liaison").get(url))
        assert rows[0][:4] == ("行动", "举措", "编号", "项目名称")
        assert [r[2] for r in rows[1:]] == [hrss_item.code]
        rows = _xlsx(login_as("county").get(url))
        assert sorted(r[2] for r in rows[1:]) == sorted([hrss_item.code, kejiju_item.code])
        lead = {r[2]: (r[4], r[5]) for r in rows[1:]}
        assert lead[hrss_item.code] == ("县人社局", "龙固镇")

    def test_unit_export(self, tree, login_as, both):
        hrss_item, _k = both
        factories.kejiju_report(tree)
        url = reverse("reform:unit-export", args=[hrss_item.plan_id]) + "?on=2021-12-31"
        rows = _xlsx(login_as("county").get(url))
        by_unit = {r[0]: r for r in rows[1:]}
        assert set(by_unit) == {"县人社局", "龙固镇", "县科技局"}
        # 科技局 by 31 December: Q1–Q3 owed (Q4 is due in January), Q1 sent (late: sent today), 2 missing
        k = by_unit["县科技局"]
        assert (k[8], k[9], k[10], k[11]) == (3, 0, 1, 2)

    def test_exports_are_audited(self, tree, login_as, both):
        from gefeng.core.models import AuditEntry

        hrss_item, _k = both
        client = login_as("county")
        for name, action in (
            ("reform:plan-export", "reform.plan.exported"),
            ("reform:unit-export", "reform.plan.units_exported"),
        ):
            _xlsx(client.get(reverse(name, args=[hrss_item.plan_id]) + "?on=2021-06-30"))
            entry = AuditEntry.objects.filter(action=action).latest("pk")
            assert entry.actor.username == "county"
            assert entry.changes["on"] == "2021-06-30" and entry.changes["rows"] >= 1

    def test_export_cells_are_safe(self, tree, personas, login_as, plan):
        factories.item(tree, "2021-40", tree.hrss)
        Item.objects.filter(code="2021-40").update(title='=HYPERLINK("http://x")')
        rows = _xlsx(login_as("county").get(reverse("reform:plan-export", args=[plan.pk])))
        assert rows[1][3].startswith("'=")


class TestReportDue:
    def test_round_trip(self, tree, login_as, hrss_item):
        hrss_item.plan.status = "published"
        hrss_item.plan.save()
        q1 = hrss_item.plan.periods.order_by("start").first()
        a = hrss_item.assignments.get(unit=tree.hrss)
        ind = hrss_item.indicators.get()
        liaison = login_as("liaison")
        url = reverse("reform:report-due") + f"?plan={hrss_item.plan_id}&period={q1.pk}"
        page = liaison.get(url)
        assert page.status_code == 200 and hrss_item.title in page.content.decode()
        assert page.context["unit"] == tree.hrss
        # a bad number: nothing saved, the message shown on the row
        r = liaison.post(url, {f"n-{a.pk}": "进展", f"v-{a.pk}-{ind.pk}": "abc", "action": "submit"})
        assert r.status_code == 200 and "应填写不小于 0 的数字" in r.content.decode()
        assert not Report.objects.exists()
        r = liaison.post(
            url,
            {
                f"n-{a.pk}": "一季度结对 32 对",
                f"v-{a.pk}-{ind.pk}": "32",
                f"f-{a.pk}": [factories.pdf("结对名单.pdf")],
                "action": "submit",
            },
        )
        assert r.status_code == 302
        report = Report.objects.get(assignment=a, period=q1)
        assert report.state == ReportState.SUBMITTED and report.late is True  # submitted now, long after 2021
        ev = report.evidence.get()
        # download through the scoped view; the liaison and the county may, the town may not (not its row)
        assert liaison.get(reverse("reform:evidence-download", args=[ev.pk]))["Content-Type"] == "application/pdf"
        assert login_as("town").get(reverse("reform:evidence-download", args=[ev.pk])).status_code == 404
        # the county office returns it
        county = login_as("county")
        assert report.narrative in county.get(reverse("reform:report-detail", args=[report.pk])).content.decode()
        r = county.post(
            reverse("reform:report-review", args=[report.pk]), {"decision": "return", "comment": "请补充照片"}
        )
        assert r.status_code == 302
        page = liaison.get(url).content.decode()
        assert "请补充照片" in page and "已退回" in page
        r = liaison.post(url, {f"n-{a.pk}": "已补充照片", f"v-{a.pk}-{ind.pk}": "32", "action": "submit"})
        report.refresh_from_db()
        assert report.state == ReportState.SUBMITTED and report.narrative == "已补充照片"
        county.post(reverse("reform:report-review", args=[report.pk]), {"decision": "accept"})
        report.refresh_from_db()
        assert report.state == ReportState.ACCEPTED
        # the review list shows it under 已通过
        body = county.get(reverse("reform:report-list") + f"?plan={hrss_item.plan_id}&state=accepted").content.decode()
        assert hrss_item.title in body

    def test_carry_over_offered(self, tree, personas, login_as, hrss_item):
        from gefeng.reform import services

        q1, q2 = list(hrss_item.plan.periods.order_by("start"))[:2]
        a = hrss_item.assignments.get(unit=tree.hrss)
        ind = hrss_item.indicators.get()
        services.reports_save(
            actor=personas["liaison"],
            period=q1,
            entries=[services.Entry(assignment=a, narrative="上期的进展文字", values={ind.pk: "10"})],
            submit=True,
        )
        body = (
            login_as("liaison")
            .get(reverse("reform:report-due") + f"?plan={hrss_item.plan_id}&period={q2.pk}")
            .content.decode()
        )
        assert 'data-text="上期的进展文字"' in body and "沿用上期内容" in body

    def test_town_reports_its_own(self, tree, login_as, hrss_item):
        town = login_as("town")
        page = town.get(reverse("reform:report-due") + f"?plan={hrss_item.plan_id}")
        assert page.context["unit"] == tree.longgu
        assert (
            town.get(reverse("reform:report-due") + f"?plan={hrss_item.plan_id}&unit={tree.hrss.pk}").status_code == 404
        )

    def test_notices_on_the_page(self, tree, login_as, hrss_item):
        from gefeng.reform.models import Notice

        n = Notice.objects.create(unit=tree.hrss, text="2021年第1季度的进展报送将于4月5日截止")
        client = login_as("liaison")
        assert "4月5日截止" in client.get(reverse("reform:report-due")).content.decode()
        assert login_as("town").get(reverse("reform:report-due")).content.decode().count("4月5日截止") == 0
        client.post(reverse("reform:notice-read", args=[n.pk]))
        assert "4月5日截止" not in client.get(reverse("reform:report-due")).content.decode()


class TestPlanEditing:
    def test_create_plan_measure_item(self, tree, login_as):
        county = login_as("county")
        r = county.post(reverse("reform:plan-create"), {"year": 2022, "title": "2022年清单", "calendar": "quarterly"})
        assert r.status_code == 302
        from gefeng.reform.models import Plan

        plan = Plan.objects.get(year=2022)
        r = county.get(reverse("reform:item-create", args=[plan.pk]))
        assert r.status_code == 302 and "measures/new" in r["Location"]
        action = plan.actions.get(number=2)
        r = county.post(
            reverse("reform:measure-create", args=[plan.pk]), {"action": action.pk, "number": 1, "title": "名师高徒"}
        )
        assert r.status_code == 302
        measure = action.measures.get()
        data = {
            "measure": measure.pk,
            "code": "2022-01",
            "title": "名师高徒结对",
            "lead_unit": tree.hrss.pk,
            "co_units": [tree.longgu.pk],
            "deadline": "2022-12-31",
            "weight": "2",
            "ms-TOTAL_FORMS": 2,
            "ms-INITIAL_FORMS": 0,
            "ms-0-title": "制定方案",
            "ms-0-due": "2022-03-31",
            "ms-1-title": "",
            "ind-TOTAL_FORMS": 1,
            "ind-INITIAL_FORMS": 0,
            "ind-0-name": "新建工会",
            "ind-0-target": "10",
            "ind-0-figure": "unions_founded",
        }
        r = county.post(reverse("reform:item-create", args=[plan.pk]), data)
        assert r.status_code == 302, r.content.decode()[:2000]
        item = Item.objects.get(code="2022-01")
        assert item.milestones.count() == 1 and item.indicators.get().figure == "unions_founded"
        assert set(item.assignments.values_list("unit_id", "is_lead")) == {
            (tree.hrss.pk, True),
            (tree.longgu.pk, False),
        }
        # the edit page offers every registered figure
        page = county.get(reverse("reform:item-edit", args=[item.pk])).content.decode()
        assert "members_joined" in page and "plan_items" in page
        # bad input: deadline outside the year, nothing changed
        data |= {"deadline": "2023-01-01", "ms-TOTAL_FORMS": 0, "ind-TOTAL_FORMS": 0}
        r = county.post(reverse("reform:item-edit", args=[item.pk]), data)
        assert r.status_code == 200 and "完成时限应在2022年内" in r.content.decode()

    def test_copy_via_page(self, tree, login_as, hrss_item):
        r = login_as("county").post(reverse("reform:plan-copy", args=[hrss_item.plan_id]), {"year": 2022})
        assert r.status_code == 302
        assert Item.objects.filter(plan__year=2022, code="2022-01").exists()


def test_dashboard(tree, login_as, both):
    hrss_item, _k = both
    factories.kejiju_report(tree)
    r = login_as("county").get(reverse("reform:dashboard") + f"?plan={hrss_item.plan_id}&on=2021-06-30")
    assert r.status_code == 200
    body = r.content.decode()
    data = json.loads(body.split('id="reform-chart-data" type="application/json">')[1].split("</script>")[0])
    assert data["actions"]["names"] == ["引领聚魂", "成长聚能", "共享聚心", "同频聚效"]
    assert set(data["units"]["names"]) == {"县人社局", "龙固镇", "县科技局"}
    assert data["trend"]["labels"][:2] == ["2021年第1季度", "2021年第2季度"]
    assert "vendor/echarts/echarts.min.js" in body
    r = login_as("liaison").get(reverse("reform:dashboard") + f"?plan={hrss_item.plan_id}&on=2021-06-30")
    data = json.loads(
        r.content.decode().split('id="reform-chart-data" type="application/json">')[1].split("</script>")[0]
    )
    assert data["units"]["names"] == ["县人社局"]


def test_home_notice_tag(tree, personas, rf, hrss_item):
    from django.template import Context, Template

    from gefeng.reform.models import Notice

    Notice.objects.create(unit=tree.hrss, text="第1季度的进展报送将于4月5日截止")
    request = rf.get("/")
    request.user = personas["liaison"]
    html = Template("{% load reform %}{% reform_notices %}").render(Context({"request": request}))
    assert "4月5日截止" in html and "reform/due/" in html
    request.user = personas["chair"]
    assert "4月5日截止" not in Template("{% load reform %}{% reform_notices %}").render(Context({"request": request}))
