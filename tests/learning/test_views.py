"""Pages of 引领聚魂 through the real login: the round's page and its .docx, the import with its
row-level report, the question bank import, the worker taking a contest on the phone."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document

from gefeng.learning.models import Answer, Attempt, AttemptStatus, StudyResult
from tests.learning.conftest import right_answers, sheet, world

pytestmark = pytest.mark.django_db


def test_round_page_and_circular(tree, login_as):
    w = world(tree)
    client = login_as("outsider")
    page = client.get(f"/learning/rounds/{w.round.pk}/").content.decode()
    assert "75.0%" in page and "恒辉编织工会" in page
    response = client.get(f"/learning/rounds/{w.round.pk}/circular/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    doc = Document(io.BytesIO(response.content))
    assert any("学习情况的通报" in p.text for p in doc.paragraphs)
    assert doc.tables[0].rows[1].cells[4].text == "75.0%"


def test_import_through_the_page_reports_unmatched_rows(tree, login_as):
    w = world(tree)
    client = login_as("outsider")
    p = w.people[3]
    upload = sheet([[p.name, p.id_number, 70], ["无名氏", "11010519491231002X", 60]], ["姓名", "身份证号", "得分"])
    response = client.post(f"/learning/rounds/{w.round.pk}/import/", {"file": upload}, follow=True)
    text = response.content.decode()
    assert "已导入 1 人的成绩；1 行未导入" in text and "会员名册中没有此身份证号" in text
    assert StudyResult.objects.filter(round=w.round).count() == 4
    batch = w.round.imports.order_by("-pk").first()
    report = client.get(f"/learning/imports/{batch.pk}/report/")
    assert report.status_code == 200 and report["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_bad_file_is_refused_with_a_message(tree, login_as):
    w = world(tree)
    client = login_as("outsider")
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("成绩.xlsx", b"not a workbook at all")
    response = client.post(f"/learning/rounds/{w.round.pk}/import/", {"file": fake}, follow=True)
    assert response.status_code == 200 and "不是允许的文件类型" in response.content.decode()


def test_bank_import_page_lists_bad_rows(tree, login_as):
    client = login_as("county")
    upload = sheet([["单选", "缺答案", "甲", "乙", ""]], ["题型", "题干", "选项A", "选项B", "答案"])
    text = client.post("/learning/questions/import/", {"file": upload}, follow=True).content.decode()
    assert "整表未导入" in text and "第2行" in text and "缺少答案" in text


def test_worker_takes_a_contest_on_the_phone(tree, personas, login_as):
    w = world(tree)
    phone = login_as("worker")
    listing = phone.get("/learning/m/contests/").content.decode()
    assert "全县职工安全知识竞赛" in listing and 'data-testid="worker-shell"' in listing
    start = phone.post(f"/learning/m/contests/{w.open_contest.pk}/start/")
    assert start.status_code == 302
    attempt = Attempt.objects.get(user=personas["worker"])
    paper = phone.get(start["Location"]).content.decode()
    assert len(re.findall(r"<fieldset", paper)) == 5
    answers = {f"q{qid}": value for qid, value in right_answers(attempt).items()}
    done = phone.post(f"/learning/m/attempts/{attempt.pk}/submit/", answers, follow=True).content.decode()
    assert "25</b> 分" in done and "当前排名第 1 名" in done
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED and Answer.objects.filter(attempt=attempt).count() == 5
    # Another browser of the same worker cannot start over or submit again.
    other = login_as("worker")
    again = other.post(f"/learning/m/attempts/{attempt.pk}/submit/", answers, follow=True).content.decode()
    assert "不能重复提交" in again
    assert Answer.objects.filter(attempt=attempt).count() == 5
    # The organiser's live ranking shows the worker.
    ranking = login_as("county").get(f"/learning/contests/{w.open_contest.pk}/").content.decode()
    assert "孙大伟" in ranking


def test_certificate_for_a_winner(tree, login_as):
    w = world(tree)
    response = login_as("outsider").get(f"/learning/attempts/{w.attempt.pk}/certificate/")
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "荣 誉 证 书" in text and "第 1 名" in text


def test_registers_pages(tree, login_as):
    world(tree)
    client = login_as("county")
    assert "恒辉编织歌风书房" in client.get("/learning/positions/?kind=reading").content.decode()
    assert ">122<" in client.get("/learning/safety/").content.decode()  # 120 counted + 2 registered
    assert "恒辉编织党支部" in client.get("/learning/party/").content.decode()
