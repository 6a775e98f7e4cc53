"""Concurrent votes, each on its own database connection (PostgreSQL): the same representative
voting twice at the same moment gets one ballot; many representatives voting at once, and a close
racing the votes, leave the tally equal to the casts."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from gefeng.core.actors import SYSTEM
from gefeng.democracy import services
from gefeng.democracy.models import Ballot, Motion, VoteCast
from tests.democracy.conftest import open_meeting, seat

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every writer on one file lock; concurrent votes are tested on PostgreSQL",
    ),
]


def _race(jobs) -> list[str]:
    barrier = threading.Barrier(len(jobs))
    results: list[str] = [""] * len(jobs)

    def run(i, job):
        try:
            barrier.wait(timeout=10)
            job()
            results[i] = "ok"
        except ValidationError as exc:
            results[i] = "；".join(exc.messages)
        except Exception as exc:
            results[i] = f"unexpected {type(exc).__name__}: {exc}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def _motion(tree, user):
    rep = seat(tree, user)
    meeting = open_meeting(rep.congress, signed=9)
    motion = services.motion_create(actor=SYSTEM, meeting=meeting, title="并发表决")
    services.motion_open(actor=SYSTEM, motion=motion)
    return motion


def test_same_voter_twice_at_once(tree, personas):
    motion = _motion(tree, personas["worker"])
    yes = motion.options.get(code="yes").pk
    results = _race([lambda: services.vote_cast(actor=personas["worker"], motion_id=motion.pk, choices=[yes])] * 4)
    assert results.count("ok") == 1, results
    assert all("只能投一次" in r for r in results if r != "ok"), results
    assert VoteCast.objects.filter(motion=motion).count() == 1
    assert Ballot.objects.filter(motion=motion, filled=True).count() == 1


def test_close_racing_votes_keeps_tally_equal_to_casts(tree, personas):
    motion = _motion(tree, personas["worker"])
    yes = motion.options.get(code="yes").pk
    results = _race(
        [
            lambda: services.vote_cast(actor=personas["worker"], motion_id=motion.pk, choices=[yes]),
            lambda: services.motion_close(actor=SYSTEM, motion=motion),
        ]
    )
    assert results[1] == "ok", results
    m = Motion.objects.get(pk=motion.pk)
    casts = VoteCast.objects.filter(motion=m).count()
    assert m.result["phone"] == casts == Ballot.objects.filter(motion=m, filled=True).count()
    assert (results[0] == "ok") if casts else ("表决" in results[0]), (results, casts)
