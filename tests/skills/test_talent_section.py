"""The 技能与创新 block of the talent profile page: a person's competition results, for those who
may see them, under its own key (the talent pool's own 技能 block stays)."""

from __future__ import annotations

from types import SimpleNamespace

from gefeng.core.actors import SYSTEM
from gefeng.skills import services
from gefeng.talent import sections
from tests.skills.conftest import scored


def test_a_ranked_person_has_the_block_for_those_who_see_the_competition(tree, personas):
    comp = scored(tree.xinge, tree.xinge_union, tree.county, "焊工比武")
    services.results_compute(actor=SYSTEM, competition=comp)
    winner = comp.entries.order_by("rank").first()
    keys = [s.key for s in sections.registered()]
    assert keys.count("skills") == 1 and keys.count("growth") == 1
    block = next(s for s in sections.registered() if s.key == "growth")
    profile = SimpleNamespace(person_id=winner.person_id)
    shown = block.context(personas["county"], profile)
    assert [e.pk for e in shown["results"]] == [winner.pk] and winner.rank == 1
    assert block.context(personas["outsider"], profile) is None  # 新格's competition is not theirs
