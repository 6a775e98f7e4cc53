"""The phone pages of a contest answer in a bounded number of queries, whatever the number of
participants (the benchmark in bench/learning_quiz.py measures them under load)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gefeng.core.actors import SYSTEM
from gefeng.learning import services
from gefeng.learning.models import Attempt
from tests.learning.conftest import person, right_answers, world

pytestmark = pytest.mark.django_db


def _queries(client, method, path, data=None):
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(path, data or {})
    assert response.status_code in (200, 302), (path, response.status_code)
    return len(ctx.captured_queries), response


def test_phone_pages_are_bounded(tree, personas, login_as):
    w = world(tree)
    contest = w.open_contest
    others = [person(tree.xinge_union, "参赛" + "甲乙丙丁戊己庚辛壬癸子丑"[i]) for i in range(12)]
    for i, member in enumerate(others):
        attempt = services.attempt_start(actor=SYSTEM, contest=contest, session_key=f"k{i}", member=member)
        services.attempt_submit(actor=SYSTEM, attempt=attempt, session_key=f"k{i}", responses=right_answers(attempt))
    phone = login_as("worker")
    counts = {}
    counts["contest"], _ = _queries(phone, "get", f"/learning/m/contests/{contest.pk}/")
    counts["start"], response = _queries(phone, "post", f"/learning/m/contests/{contest.pk}/start/")
    attempt = Attempt.objects.get(user=personas["worker"])
    counts["paper"], _ = _queries(phone, "get", response["Location"])
    answers = {f"q{k}": v for k, v in right_answers(attempt).items()}
    counts["submit"], _ = _queries(phone, "post", f"/learning/m/attempts/{attempt.pk}/submit/", answers)
    counts["result"], _ = _queries(phone, "get", f"/learning/m/attempts/{attempt.pk}/result/")
    print(counts)
    assert max(counts.values()) <= 25, counts
