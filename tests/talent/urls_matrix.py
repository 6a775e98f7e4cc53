"""Who may open each talent URL. Object URLs point at the profile of a labour model of the
outsider's enterprise (恒辉编织)."""

from __future__ import annotations

from tests.matrix import Case, ok
from tests.talent.conftest import outsider_profile

# talent.view: the county office (whole county), town officers (their town), the auditor (all).
VIEWERS = ok("sysadmin", "county", "town", "auditor")
# The outsider's profile: those whose talent.view reaches 恒辉编织 (the town officer is 龙固镇).
SEES_PROFILE = ok("sysadmin", "county", "auditor")
# Entering people and editing profiles: honours.manage; bank details: allowances.manage.
MANAGERS = ok("sysadmin", "county")
GET_POST = frozenset({"GET", "POST"})
POST = frozenset({"POST"})


def _profile(t, p):
    return {"pk": outsider_profile(t).pk}


def _category(t, p):
    from gefeng.talent.models import TalentCategory
    from gefeng.talent.services import ensure_default_categories

    ensure_default_categories()  # a flush by an earlier transactional test removes the migration's rows
    return {"pk": TalentCategory.objects.order_by("pk").first().pk}


MATRIX = {
    "talent:category-list": Case(ok=VIEWERS),
    "talent:category-create": Case(ok=MANAGERS, methods=GET_POST),
    "talent:category-edit": Case(ok=MANAGERS, kwargs=_category, methods=GET_POST),
    "talent:profile-list": Case(ok=VIEWERS),
    "talent:profile-export": Case(ok=VIEWERS),
    "talent:profile-stats": Case(ok=VIEWERS),
    "talent:profile-create": Case(ok=MANAGERS, methods=GET_POST),
    "talent:profile-sync": Case(ok=MANAGERS, methods=POST, success=frozenset({302})),
    "talent:profile-detail": Case(ok=SEES_PROFILE, kwargs=_profile),
    "talent:profile-edit": Case(ok=MANAGERS, kwargs=_profile, methods=GET_POST),
    "talent:profile-bank": Case(ok=MANAGERS, kwargs=_profile, methods=GET_POST),
    "talent:profile-reveal": Case(ok=MANAGERS, kwargs=_profile, methods=POST),
}
