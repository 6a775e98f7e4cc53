"""What each honours URL allows each persona (see tests/matrix.py).

Object URLs point at the outsider's objects (a nomination by 恒辉编织, its attachment, an honour
of its member) or at county-level campaigns, which only the county (and, read-only, the auditor
and the units that may nominate) reach.
"""

from __future__ import annotations

from tests.honours.conftest import build_world
from tests.matrix import SEES_OUTSIDER, Case, ok

GET_POST = frozenset({"GET", "POST"})
POST = frozenset({"POST"})
REDIRECT = frozenset({302})

# honours.view at any scope (the worker sees its own honours only).
VIEWERS = ok("sysadmin", "county", "liaison", "town", "chair", "outsider", "auditor", "worker")
# Campaign pages: organisers, readers of the county and every unit that may nominate.
CAMPAIGN_READERS = ok("sysadmin", "county", "liaison", "town", "chair", "outsider", "auditor")
NOMINATORS = ok("sysadmin", "county", "liaison", "town", "chair", "outsider")
MANAGERS = ok("sysadmin", "county")
NOMINATES_OUTSIDER = SEES_OUTSIDER - {"auditor"}


def _open(t, p):
    return {"pk": build_world(t).open.pk}


def _nominate_outsider(t, p):
    """A complete nomination of the outsider's member, for the outsider's enterprise."""
    from gefeng.members.models import Member

    world = build_world(t)
    member = Member.objects.filter(union=t.henghui_union).first()
    return {
        "unit": t.henghui.pk,
        "award": world.open_award.pk,
        "person": member.pk if member else "",
        "deeds": "扎根一线，技术革新成果显著。",
    }


def _notice(t, p):
    return {"pk": build_world(t).notice.pk}


def _decided(t, p):
    return {"pk": build_world(t).decided.pk}


def _nomination(t, p):
    return {"pk": build_world(t).outsider_nomination.pk}


def _attachment(t, p):
    return {"pk": build_world(t).outsider_attachment.pk}


def _objection(t, p):
    return {"pk": build_world(t).objection.pk}


def _rule(t, p):
    return {"pk": build_world(t).rule.pk}


def _honour(t, p):
    return {"pk": build_world(t).outsider_honour.pk}


def _token(t, p):
    return {"token": build_world(t).notice.notice_token}


MATRIX = {
    "honours:campaign-list": Case(ok=VIEWERS),
    "honours:campaign-create": Case(ok=MANAGERS, methods=GET_POST),
    "honours:campaign-detail": Case(ok=CAMPAIGN_READERS, kwargs=_open),
    "honours:campaign-edit": Case(ok=MANAGERS, kwargs=_open, methods=GET_POST),
    "honours:campaign-open": Case(ok=MANAGERS, kwargs=_open, methods=POST, success=REDIRECT),
    "honours:campaign-close": Case(ok=MANAGERS, kwargs=_open, methods=POST, success=REDIRECT),
    "honours:campaign-cancel": Case(ok=MANAGERS, kwargs=_open, methods=POST, success=REDIRECT),
    "honours:award-add": Case(ok=MANAGERS, kwargs=_open, methods=POST, success=REDIRECT),
    "honours:allocation-set": Case(ok=MANAGERS, kwargs=_open, methods=POST, success=REDIRECT),
    "honours:rule-add": Case(ok=MANAGERS, kwargs=_open, methods=POST, success=REDIRECT),
    "honours:rule-delete": Case(ok=MANAGERS, kwargs=_rule, methods=POST, success=REDIRECT),
    "honours:campaign-notice": Case(ok=MANAGERS, kwargs=_open, methods=POST, success=REDIRECT),
    "honours:campaign-notice-docx": Case(ok=CAMPAIGN_READERS, kwargs=_notice),
    "honours:campaign-approve": Case(ok=MANAGERS, kwargs=_notice, methods=GET_POST),
    "honours:campaign-certificates": Case(ok=MANAGERS, kwargs=_decided),
    "honours:nomination-list": Case(ok=CAMPAIGN_READERS, kwargs=_open),
    "honours:nomination-create": Case(ok=NOMINATORS, kwargs=_open, methods=GET_POST, foreign=_nominate_outsider),
    "honours:nomination-pick": Case(ok=NOMINATORS, kwargs=_open),
    "honours:objection-create": Case(ok=MANAGERS, kwargs=_notice, methods=POST, success=REDIRECT),
    "honours:objection-resolve": Case(ok=MANAGERS, kwargs=_objection, methods=POST, success=REDIRECT),
    "honours:nomination-detail": Case(ok=SEES_OUTSIDER, kwargs=_nomination),
    "honours:nomination-edit": Case(ok=NOMINATES_OUTSIDER, kwargs=_nomination, methods=GET_POST),
    "honours:nomination-submit": Case(ok=NOMINATES_OUTSIDER, kwargs=_nomination, methods=POST, success=REDIRECT),
    # Waiting at 杨屯镇: the town step (honours.review) — the county may act for the town.
    "honours:nomination-review": Case(ok=MANAGERS, kwargs=_nomination, methods=POST, success=REDIRECT),
    "honours:nomination-withdraw": Case(ok=NOMINATES_OUTSIDER, kwargs=_nomination, methods=POST, success=REDIRECT),
    "honours:attachment-add": Case(ok=NOMINATES_OUTSIDER, kwargs=_nomination, methods=POST, success=REDIRECT),
    "honours:clearance-add": Case(ok=NOMINATES_OUTSIDER, kwargs=_nomination, methods=POST, success=REDIRECT),
    "honours:attachment-download": Case(ok=SEES_OUTSIDER, kwargs=_attachment),
    "honours:attachment-delete": Case(ok=NOMINATES_OUTSIDER, kwargs=_attachment, methods=POST, success=REDIRECT),
    "honours:notice-public": Case(ok=VIEWERS | {"security"}, kwargs=_token, methods=GET_POST, public=True),
    "honours:honour-list": Case(ok=VIEWERS),
    "honours:honour-export": Case(ok=VIEWERS),
    "honours:honour-create": Case(ok=MANAGERS, methods=GET_POST),
    "honours:honour-pick": Case(ok=MANAGERS),
    "honours:honour-detail": Case(ok=SEES_OUTSIDER, kwargs=_honour),
    "honours:honour-certificate": Case(ok=SEES_OUTSIDER, kwargs=_honour),
    "honours:honour-revoke": Case(ok=MANAGERS, kwargs=_honour, methods=POST, success=REDIRECT),
}
