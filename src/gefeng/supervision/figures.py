"""Yearly figures of supervision (see docs/architecture.md, docs/supervision.md)."""

from __future__ import annotations

from gefeng.core import figures, scope
from gefeng.orgs.models import OrgNode
from gefeng.supervision.models import EvaluationState, UnitScore


@figures.register("advanced_units", label="年度考评先进单位", unit="个", kind=figures.COUNT, section="督办考评")
def advanced_units(root: OrgNode, year: int) -> int:
    """先进单位: units selected as advanced in the final (定稿) year-end evaluation of the year's plan,
    counted among the units in the subtree; 0 while that evaluation is not final or there is none."""
    return (
        UnitScore.objects.filter(
            scope.subtree_q("unit__", root.path),
            evaluation__plan__year=year,
            evaluation__state=EvaluationState.FINAL,
            advanced=True,
        )
        .values("unit_id")
        .distinct()
        .count()
    )
