"""Pages, documents and exports of supervision, per persona."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from docx import Document
from docx.shared import RGBColor

from gefeng.reform.models import Report, ReportState
from gefeng.supervision import services
from gefeng.supervision.models import Meeting, Task, TaskState
from tests.supervision.conftest import at, pdf

pytestmark = pytest.mark.django_db


def _docx_text(content: bytes) -> tuple[list[str], list[list[str]], object]:
    doc = Document(io.BytesIO(content))
    paragraphs = [p.text for p in doc.paragraphs]
    rows = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    return paragraphs, rows, doc


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _xlsx(response) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(_body(response)))
    return [tuple(r) for r in book.active.iter_rows(values_only=True)]


def test_circular_docx_has_the_county_layout_the_table_and_the_laggards(world, personas, login_as):
    for period in world.plan.periods.filter(due__lte=dt.date(2021, 7, 12)):
        Report.objects.create(
            assignment=world.asg_hrss, period=period, narrative="按期推进", state=ReportState.ACCEPTED,
            submitted_at=at(period.due - dt.timedelta(days=2)), late=False,
        )  # fmt: skip
    circ = services.circular_create(
        actor=personas["county"],
        plan=world.plan,
        data={
            "title": "关于上半年产改工作推进情况的通报", "as_of": "2021-07-12", "issued_on": "2021-07-15",
            "intro": "第一段。\n第二段。", "requirements": "要求一。",
        },
    )  # fmt: skip
    assert circ.number == "沛产改办〔2021〕2号"
    assert [lag["name"] for lag in circ.laggards] == ["县科技局"]
    response = login_as("county").get(f"/supervision/circulars/{circ.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    paragraphs, rows, doc = _docx_text(_body(response))
    assert paragraphs[0] == "沛县产业工人队伍建设改革工作联席会议办公室"
    assert doc.paragraphs[0].runs[0].font.color.rgb == RGBColor(0xC0, 0x00, 0x00)
    assert "沛产改办〔2021〕2号" in paragraphs
    assert "关于上半年产改工作推进情况的通报" in paragraphs
    assert "各成员单位：" in paragraphs
    assert "第一段。" in paragraphs and "第二段。" in paragraphs and "要求一。" in paragraphs
    assert rows[0][:2] == ["序号", "单位"] and rows[0][-1] == "及时率"
    by_unit = {r[1]: r for r in rows[1:]}
    assert set(by_unit) == {"县人社局", "县科技局"}
    assert by_unit["县人社局"][11] == "100.0%" and by_unit["县科技局"][11] == "0.0%"
    assert by_unit["县科技局"][10] != "0"  # reports owed and never sent
    assert any(p.startswith("以下 1 家单位进度滞后或报送不及时") and "县科技局" in p for p in paragraphs)
    assert any(p.startswith("县科技局：") and "应报未报" in p for p in paragraphs)
    assert not any(p.startswith("县人社局：") for p in paragraphs)
    assert paragraphs[-2:] == ["沛县产业工人队伍建设改革工作联席会议办公室", "2021年7月15日"]


def test_circular_refuses_bad_dates_with_chinese_messages(world, login_as):
    client = login_as("county")
    response = client.post(
        "/supervision/circulars/new/",
        {"plan": world.plan.pk, "title": "通报", "as_of": "2021-08-01", "issued_on": "2021-07-01"},
    )
    assert response.status_code == 200
    assert "统计截至日期不能晚于成文日期" in response.content.decode()


def test_evaluation_exports_the_ranking_and_the_advanced_list(world, personas, login_as):
    county = personas["county"]
    services.score_set_quality(actor=county, score=world.score_hrss, quality="80", reason="好")
    services.score_set_quality(actor=county, score=world.score_kejiju, quality="95", reason='=HYPERLINK("x")')
    services.evaluation_finalize(actor=county, evaluation=world.evaluation)
    client = login_as("county")
    rows = _xlsx(client.get(f"/supervision/evaluations/{world.evaluation.pk}/export/"))
    assert rows[0][:2] == ("名次", "单位") and rows[0][-1] == "先进单位"
    assert rows[1][:2] == (1, "沛县人力资源和社会保障局") and rows[1][-2] == 66.0 and rows[1][-1] == "是"
    assert rows[2][1] == "沛县科学技术局" and rows[2][11] == '\'=HYPERLINK("x")'  # formula neutralised
    advanced = _xlsx(client.get(f"/supervision/evaluations/{world.evaluation.pk}/export/?only=advanced"))
    assert advanced == [("序号", "单位", "总分", "名次"), (1, "沛县人力资源和社会保障局", 66.0, 1)]


def test_task_export_is_scoped(world, login_as):
    rows = _xlsx(login_as("liaison").get("/supervision/tasks/export/"))
    units = {r[3] for r in rows[1:]}
    assert units == {"沛县人力资源和社会保障局"}
    all_rows = _xlsx(login_as("county").get("/supervision/tasks/export/?kind=decision"))
    assert {r[0] for r in all_rows[1:]} == {"议定事项"} and len(all_rows) == 3


def test_liaison_pages_show_own_items_never_the_other_units(world, personas, login_as):
    client = login_as("liaison")
    for url in (
        "/supervision/tasks/",
        "/supervision/meetings/",
        "/supervision/inspections/",
        "/supervision/evaluations/",
    ):
        body = client.get(url).content.decode()
        assert "县科技局" not in body and "科技局建立奖励台账" not in body, url
    assert "人社局出台补贴办法" in client.get("/supervision/meetings/").content.decode()
    assert client.get(f"/supervision/tasks/{world.decision_kejiju.pk}/").status_code == 404
    assert client.get(f"/supervision/scores/{world.score_kejiju.pk}/").status_code == 404
    own = client.get(f"/supervision/scores/{world.score_hrss.pk}/")
    assert own.status_code == 200 and "沛县人力资源和社会保障局" in own.content.decode()
    assert client.get(f"/supervision/meetings/{world.meeting.pk}/").status_code == 404
    detail = client.get(f"/supervision/tasks/{world.decision_hrss.pk}/").content.decode()
    assert "第一次联席会议" in detail  # the meeting a decision came from


def test_units_see_the_advanced_list_once_final_but_no_other_scores(world, personas, login_as):
    county = personas["county"]
    services.score_set_quality(actor=county, score=world.score_hrss, quality="80", reason="好")
    services.score_set_quality(actor=county, score=world.score_kejiju, quality="95", reason="好")
    client = login_as("liaison")
    page = client.get(f"/supervision/scores/{world.score_hrss.pk}/").content.decode()
    assert "先进单位名单" not in page
    services.evaluation_finalize(actor=county, evaluation=world.evaluation)
    page = client.get(f"/supervision/scores/{world.score_hrss.pk}/").content.decode()
    assert "第 1 名 / 共 2 家" in page and "先进单位名单" in page
    assert "18.00" not in page  # 县科技局's total is not shown


def test_reply_through_the_page_with_a_file_and_a_bad_file(world, personas, login_as):
    client = login_as("liaison")
    url = f"/supervision/tasks/{world.notice_hrss.pk}/report/"
    bad = client.post(url, {"kind": "submit", "text": "回复", "attachments": [io.BytesIO(b"not a pdf")]})
    assert bad.status_code == 200 and "不是允许的文件类型" in bad.content.decode()
    ok = client.post(url, {"kind": "submit", "text": "回复", "attachments": [pdf()]})
    assert ok.status_code == 302
    task = Task.objects.get(pk=world.notice_hrss.pk)
    assert task.state == TaskState.SUBMITTED
    att = task.updates.get().files.get()
    download = client.get(f"/supervision/files/{att.pk}/")
    assert download.status_code == 200 and _body(download).startswith(b"%PDF")
    assert login_as("town").get(f"/supervision/files/{att.pk}/").status_code == 404


def test_review_through_the_page(world, personas, login_as):
    services.task_report(actor=personas["liaison"], task=world.notice_hrss, kind="submit", text="回复")
    client = login_as("county")
    url = f"/supervision/tasks/{world.notice_hrss.pk}/review/"
    response = client.post(url, {"decision": "return", "comment": ""}, follow=True)
    assert "请填写核验意见" in response.content.decode()
    client.post(url, {"decision": "close", "comment": ""})
    assert Task.objects.get(pk=world.notice_hrss.pk).state == TaskState.CLOSED


def test_notice_page_offers_candidates_and_ignores_bad_input(world, personas, login_as):
    client = login_as("county")
    world.notice_kejiju.state = TaskState.CLOSED
    world.notice_kejiju.save()
    page = client.get("/supervision/notices/new/?plan=abc&assignment=x").content.decode()
    assert "试点企业创新成果转化" in page and "名师高徒结对" not in page
    assert client.get(f"/supervision/notices/new/?assignment={world.asg_hrss.pk}").status_code == 200
    refused = client.post(
        f"/supervision/notices/new/?assignment={world.asg_hrss.pk}", {"content": "督办", "deadline": "2099-01-01"}
    )
    assert "只能对滞后或逾期的项目发督办" in refused.content.decode()


def test_meeting_form_bad_input_and_success(world, tree, login_as):
    client = login_as("county")
    bad = client.post("/supervision/meetings/new/", {"plan": world.plan.pk, "title": "会", "held_on": "2021-02-30"})
    assert bad.status_code == 200 and Meeting.objects.count() == 1
    ok = client.post(
        "/supervision/meetings/new/",
        {"plan": world.plan.pk, "title": "第二次联席会议", "held_on": "2021-12-20", "agenda": "年终考评",
         "units": [tree.hrss.pk, tree.kejiju.pk]},
    )  # fmt: skip
    assert ok.status_code == 302
    meeting = Meeting.objects.get(title="第二次联席会议")
    assert meeting.seq == 2
    added = client.post(
        f"/supervision/meetings/{meeting.pk}/decisions/new/",
        {"unit": tree.hrss.pk, "title": "落实考评", "deadline": "2022-01-10"},
    )
    assert added.status_code == 302 and meeting.decisions.get().unit == tree.hrss


def test_pilot_pages_per_scope(world, login_as):
    town = login_as("town")
    listing = town.get("/supervision/pilots/").content.decode()
    assert "徐州新格灌溉设备有限公司" in listing and "恒辉编织" not in listing
    edit = town.get(f"/supervision/pilots/{world.pilot_xinge.pk}/edit/").content.decode()
    assert 'name="measures"' in edit and 'name="level"' not in edit
    county = login_as("county")
    dup = county.post(
        "/supervision/pilots/new/",
        {"enterprise": "新格灌溉", "level": "county", "designated_on": "2021-01-01", "measures": "x"},
    )
    assert "已在试点企业名册中" in dup.content.decode()
    missing = county.post(
        "/supervision/pilots/new/",
        {"enterprise": "不存在的公司", "level": "county", "designated_on": "2021-01-01", "measures": "x"},
    )
    assert "没有找到" in missing.content.decode()
    rows = _xlsx(town.get("/supervision/pilots/export/"))
    assert [r[0] for r in rows[1:]] == ["徐州新格灌溉设备有限公司"]


def test_evaluation_page_for_the_office_and_the_auditor(world, login_as):
    page = login_as("county").get(f"/supervision/evaluations/{world.evaluation.pk}/").content.decode()
    assert "县人社局" in page and "县科技局" in page  # the office sees every unit's score
    assert "还有 2 家单位未评工作质量" in page
    auditor = login_as("auditor").get(f"/supervision/evaluations/{world.evaluation.pk}/").content.decode()
    assert 'data-testid="compute"' not in auditor
    bad = login_as("county").post(
        f"/supervision/evaluations/{world.evaluation.pk}/edit/",
        {"title": "x", "as_of": "2022-01-01", "weight_completion": "60", "weight_timeliness": "30",
         "weight_quality": "20", "late_credit": "0.5", "bonus_cap": "5", "deduction_cap": "10", "advanced_count": "8"},
    )  # fmt: skip
    text = bad.content.decode()
    assert "三项权重之和应为 100" in text and "考评截至日期应在 2021 年内" in text


@pytest.mark.parametrize(
    "url",
    [
        "/supervision/tasks/99999999999999999999999/",
        "/supervision/scores/9223372036854775808/",
        "/supervision/tasks/?kind=x&state=y&page=abc&q=%00",
        "/supervision/pilots/?level=zzz&active=7",
        "/supervision/notices/new/?assignment=99999999999999999999999&plan=-1",
    ],
)
def test_odd_urls_never_fail(world, login_as, url):
    response = login_as("county").get(url)
    assert response.status_code in (200, 404)
