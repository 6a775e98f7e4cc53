"""Who may open each orgs URL. Object URLs point at the outsider's enterprise (恒辉编织)."""

from __future__ import annotations

from tests.matrix import ALL_PERSONAS, SEES_OUTSIDER, Case

# Every persona holding orgs.view (the security administrator and workers do not).
ORG_VIEWERS = ALL_PERSONAS - {"security", "worker"}
# Personas whose scope covers 恒辉 with orgs.change (the auditor is read-only).
CHANGES_OUTSIDER = SEES_OUTSIDER - {"auditor"}


def _henghui(t, p):
    return {"pk": t.henghui.pk}


MATRIX = {
    "orgs:tree": Case(ok=ORG_VIEWERS),
    "orgs:node-list": Case(ok=ORG_VIEWERS),
    "orgs:node-search": Case(ok=ORG_VIEWERS),
    "orgs:node-detail": Case(ok=SEES_OUTSIDER, kwargs=_henghui),
    "orgs:node-children": Case(ok=SEES_OUTSIDER, kwargs=_henghui),
    "orgs:node-create": Case(ok=CHANGES_OUTSIDER, kwargs=_henghui, methods=frozenset({"GET", "POST"})),
    "orgs:node-edit": Case(ok=CHANGES_OUTSIDER, kwargs=_henghui, methods=frozenset({"GET", "POST"})),
    "orgs:node-move": Case(ok=CHANGES_OUTSIDER, kwargs=_henghui, methods=frozenset({"GET", "POST"})),
    "orgs:node-close": Case(ok=CHANGES_OUTSIDER, kwargs=_henghui, methods=frozenset({"GET", "POST"})),
    "orgs:node-reveal-phone": Case(
        ok=CHANGES_OUTSIDER,
        kwargs=_henghui,
        methods=frozenset({"POST"}),
        success=frozenset({200}),
    ),
}
